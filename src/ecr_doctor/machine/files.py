"""Writing config.json safely: backup first, then an atomic replace of the real target.

This is the edge module that touches the file system (the rest runs in Pyodide too). It
follows docker/cli cli/config/configfile/file.go · Save: write a temp file in the target's
own directory and rename it over the symlink-resolved target, so the link itself survives and
readers see either the old or the new file, never a mix. Unlike Docker we also fsync the data
and the directory (a crash right after Save can otherwise leave an empty file on ext4/xfs)
and keep a timestamped backup, because a repair must be undoable.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from datetime import UTC, datetime

__all__ = ["WriteError", "write_atomic"]


class WriteError(OSError):
    """Writing failed; the original file is untouched and no temp file is left behind."""


def _fsync_dir(directory: str) -> None:
    # Makes the rename durable. Some platforms/filesystems cannot open or fsync a directory;
    # the rename is still atomic there, only its durability is weaker.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _makedirs(directory: str) -> None:
    """Create missing directories with 0700, like Docker's os.MkdirAll(dir, 0o700).

    os.makedirs would give intermediate directories the default mode instead.
    """
    missing: list[str] = []
    current = directory
    while current and not os.path.isdir(current):
        missing.append(current)
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):
            os.mkdir(path, 0o700)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _backup(target: str, now: datetime) -> str:
    """Copy `target` to `<target>.bak-YYYYMMDDTHHMMSSZ[-N]`, complete or not at all."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    base = f"{target}.bak-{stamp}"
    with open(target, "rb") as handle:
        original = handle.read()
    # Write a hidden temp copy first and hard-link it into place: link() never clobbers an
    # earlier backup, and a crash cannot leave a half-written file under the backup name.
    temp = _write_temp(os.path.dirname(target) or ".", os.path.basename(target), original, 0o600)
    try:
        for attempt in range(10_000):
            candidate = base if attempt == 0 else f"{base}-{attempt}"
            try:
                os.link(temp, candidate)
            except FileExistsError:
                continue
            except OSError:
                # Filesystems without hard links: fall back to an exclusive create.
                if os.path.lexists(candidate):
                    continue
                os.rename(temp, candidate)
                return candidate
            return candidate
        raise FileExistsError(f"no free backup name next to {base}")
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)


def _write_temp(directory: str, name: str, data: bytes, mode: int) -> str:
    """Write `data` to a new hidden file in `directory` (O_EXCL, fsynced); return its path."""
    temp = os.path.join(directory, f".{name}.tmp-{secrets.token_hex(6)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        _write_all(fd, data)
        os.fchmod(fd, mode)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    os.close(fd)
    return temp


def write_atomic(
    path: str,
    data: bytes,
    *,
    backup: bool = True,
    mode: int = 0o600,
    now: datetime | None = None,
) -> str | None:
    """Atomically replace the (symlink-resolved) file at `path` with `data`.

    Returns the backup path, or None when there was nothing to back up (or backup=False).
    Raises WriteError saying which step failed; the original is then untouched.
    """
    # realpath also resolves dangling links, to the path Docker's Save would create.
    target = os.path.realpath(path)
    directory = os.path.dirname(target) or "."
    try:
        _makedirs(directory)
    except OSError as exc:
        raise WriteError(f"cannot create directory {directory}: {exc.strerror or exc}") from exc
    if os.path.isdir(target):
        raise WriteError(f"cannot write {target}: it is a directory")

    backup_path: str | None = None
    if backup and os.path.exists(target):
        try:
            backup_path = _backup(target, now or datetime.now(UTC))
        except OSError as exc:
            raise WriteError(f"cannot back up {target}: {exc.strerror or exc}") from exc

    try:
        temp = _write_temp(directory, os.path.basename(target), data, mode)
    except OSError as exc:
        raise WriteError(
            f"cannot write a temporary file in {directory}: {exc.strerror or exc}"
        ) from exc
    try:
        os.replace(temp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise WriteError(f"cannot replace {target}: {exc.strerror or exc}") from exc
        raise
    _fsync_dir(directory)
    return backup_path
