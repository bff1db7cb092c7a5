"""The one way ecr-doctor writes a file: compare-and-swap, owner and mode kept, backup first.

This is the edge module that touches the file system (the rest runs in Pyodide too). Every
file the CLI writes goes through `write_atomic`: the config `fix` repairs, the wrapper helpers,
`redact`/`unredact` output and maps, `scan --write-baseline`, and the static site of
`web --build`. It follows docker/cli cli/config/configfile/file.go · Save: write a temp file in
the target's own directory, give it the target's owner (Docker's copyFilePermissions does the
same), and rename it over the symlink-resolved target, so the link itself survives and readers
see either the old or the new file, never a mix. Unlike Docker we also fsync the data and the
directory (a crash right after Save can otherwise leave an empty file on ext4/xfs) and keep a
timestamped backup, because a repair must be undoable.

Compare-and-swap. A caller that planned its bytes from what it read passes that content as
`expected` (None: "the file did not exist"). The target is re-read just before the swap; if it
changed, `Changed` is raised and nothing is written (the caller may re-read and re-plan). On
Linux the swap itself is checked too: `renameat2(RENAME_EXCHANGE)` puts our file in place and
hands back the one it displaced; if that is not what we planned from (another writer renamed
its file in during the microseconds between the check and the swap), the two are swapped back,
so that writer's update is never lost. A reader may, in that rare race, see our file for a few
microseconds before the swap back. Where RENAME_EXCHANGE is unavailable, a plain rename follows
the check, and only that short window remains. An absent target is created with link(), which
fails rather than clobber a file that appeared meanwhile.

Temp files are named `.<name>.ecr-doctor-tmp-<hex>`, mode 0600 and in the target's directory;
at most one exists at a time, removed on every failure path. A `kill -9` can leave one behind;
the next write beside the same target removes such leftovers (our own pattern only, regular
files of our uid, older than `STALE_TEMP_SECONDS`).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import secrets
import stat
import sys
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final, cast

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["TEMP_MARK", "UNCHECKED", "Changed", "WriteError", "remove_stale_temps",
           "same_file", "write_atomic"]

#: What every temp file ecr-doctor creates has in its name: `.<target name><TEMP_MARK><hex>`.
TEMP_MARK: Final = ".ecr-doctor-tmp-"
#: A temp file older than this is a leftover of a killed run, not a write in flight.
STALE_TEMP_SECONDS: Final = 10.0
# The compare-and-swap reads the target again; a config is at most a few MB (dockerconfig's
# MAX_CONFIG_BYTES); a generous bound keeps a hostile giant from costing much.
_MAX_COMPARE_BYTES: Final = 64 * 1024 * 1024


class _Unchecked:
    def __repr__(self) -> str:
        return "UNCHECKED"


#: `expected=UNCHECKED`: the caller planned nothing from the target's content (an output file).
UNCHECKED: Final = _Unchecked()


class WriteError(OSError):
    """Writing failed; the original file is untouched and no temp file is left behind."""


class Changed(WriteError):
    """The target is no longer what the caller planned from: nothing was written."""

    def __init__(self, target: str) -> None:
        super().__init__(f"{target} changed while we were writing; nothing written")
        self.target = target


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


def temp_prefix(name: str) -> str:
    return f".{name}{TEMP_MARK}"


# Releases before the compare-and-swap write named their temps `.<name>.tmp-<12 hex>`; one left
# by a killed run may hold a whole config, tokens included, so those are tidied as well.
_LEGACY_TEMP_MARK: Final = ".tmp-"
_LEGACY_TEMP_HEX: Final = 12


def _is_our_temp_name(entry_name: str, name: str) -> bool:
    for prefix, hex_length in ((temp_prefix(name), None),
                               (f".{name}{_LEGACY_TEMP_MARK}", _LEGACY_TEMP_HEX)):
        if not entry_name.startswith(prefix):
            continue
        suffix = entry_name[len(prefix):]
        if (suffix and all(c in "0123456789abcdef" for c in suffix)
                and (hex_length is None or len(suffix) == hex_length)):
            return True
    return False


def remove_stale_temps(directory: str, name: str, *, now: float | None = None) -> list[str]:
    """Remove leftovers of killed ecr-doctor writes beside `name`; return what was removed.

    Only `.<name>.ecr-doctor-tmp-<hex>` (and older releases' `.<name>.tmp-<12 hex>`) regular
    files (never followed links) owned by our uid and not modified for `STALE_TEMP_SECONDS`
    are touched. Errors are ignored: this is tidying.
    """
    moment = time.time() if now is None else now
    removed: list[str] = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    for entry in entries:
        if not _is_our_temp_name(entry.name, name):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if (stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid()
                    and moment - st.st_mtime > STALE_TEMP_SECONDS):
                os.unlink(entry.path)
                removed.append(entry.path)
        except OSError:
            continue
    return removed


def _write_temp(directory: str, name: str, data: bytes, mode: int,
                owner: tuple[int, int] | None) -> str:
    """Write `data` to a new hidden file in `directory` (O_EXCL, 0600 until complete, then
    `mode` and `owner`, fsynced); return its path."""
    temp = os.path.join(directory, f"{temp_prefix(name)}{secrets.token_hex(6)}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(
        os, "O_NOFOLLOW", 0)
    fd = os.open(temp, flags, 0o600)
    try:
        if owner is not None and owner != (os.geteuid(), os.getegid()):
            try:
                os.fchown(fd, *owner)
            except PermissionError as exc:
                # Our own file whose group we may not set: it stays ours, with our group (its
                # group gains nothing it could write with). Anyone else's file
                # must not silently become ours: refuse.
                if owner[0] != os.geteuid():
                    raise WriteError(f"cannot keep the owner {owner[0]}:{owner[1]} of the file "
                                     f"replaced in {directory}: {exc.strerror or exc}") from exc
        _write_all(fd, data)
        os.fchmod(fd, mode)  # after fchown, which may clear set-id bits
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    os.close(fd)
    return temp


def _backup(target: str, original: bytes, now: datetime,
            owner: tuple[int, int] | None) -> str:
    """Write `original` to `<target>.bak-YYYYMMDDTHHMMSSZ[-N]` (0600, the target's owner),
    complete or not at all."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    base = f"{target}.bak-{stamp}"
    # Write a hidden temp copy first and hard-link it into place: link() never clobbers an
    # earlier backup, and a crash cannot leave a half-written file under the backup name.
    temp = _write_temp(os.path.dirname(target) or ".", os.path.basename(target), original,
                       0o600, owner)
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


def _read_current(target: str) -> bytes | None:
    """The target's bytes now, None if absent; a non-regular file counts as a change."""
    from ecr_doctor.machine.reading import read_regular_file

    try:
        return read_regular_file(target, _MAX_COMPARE_BYTES).data
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise WriteError(f"cannot re-read {target} before replacing it: "
                         f"{exc.strerror or exc}") from exc


_RENAME_EXCHANGE: Final = 2
_AT_FDCWD: Final = -100


@functools.cache
def _renameat2() -> Callable[[int, bytes, int, bytes, int], int] | None:
    """libc's renameat2 (glibc 2.28+), or None off Linux or without it."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes  # only here: a checked write on Linux

    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                         ctypes.c_uint]
    function.restype = ctypes.c_int
    return cast("Callable[[int, bytes, int, bytes, int], int]", function)


def _exchange(a: str, b: str) -> bool:
    """Atomically swap the files at `a` and `b` (Linux renameat2 RENAME_EXCHANGE).

    False when the platform or file system cannot (the caller falls back to rename)."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    import ctypes

    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # not supported here
        return False
    raise OSError(err, os.strerror(err), b)


def _swap_in(temp: str, target: str, expected: bytes) -> None:
    """Put `temp` at `target` iff what it displaces is `expected`; else Changed, all undone."""
    ours = os.lstat(temp)
    if not _exchange(temp, target):
        os.replace(temp, target)
        return
    # `temp` now names the file we displaced.
    try:
        displaced = _read_current(temp)
    except WriteError:
        displaced = None
    if displaced == expected:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        return
    # Another writer's file was displaced: swap it back. If a third write replaced ours in
    # between, `temp` then holds that newer file; swap once more so the newest one stays.
    _exchange(temp, target)
    back = os.lstat(temp)
    if (back.st_dev, back.st_ino) != (ours.st_dev, ours.st_ino):
        _exchange(temp, target)
    with contextlib.suppress(OSError):
        os.unlink(temp)
    raise Changed(target)


def _create_new(temp: str, target: str) -> None:
    """Put `temp` at `target` only if nothing is there (link() never clobbers)."""
    try:
        os.link(temp, target)
    except FileExistsError:
        raise Changed(target) from None
    except OSError:
        if os.path.lexists(target):
            raise Changed(target) from None
        os.replace(temp, target)  # no hard links here: the check above is all we have
        return
    with contextlib.suppress(OSError):
        os.unlink(temp)


def same_file(a: str, b: str) -> bool:
    """Whether two paths name the same file (after links; hard links too when both exist)."""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def write_atomic(
    path: str,
    data: bytes,
    *,
    backup: bool = True,
    mode: int = 0o600,
    keep_mode: bool = False,
    expected: bytes | _Unchecked | None = UNCHECKED,
    now: datetime | None = None,
) -> str | None:
    """Atomically replace the (symlink-resolved) file at `path` with `data`.

    `expected`: the content the caller planned from (None: the file did not exist); if the
    target holds anything else when we are about to swap, `Changed` is raised and nothing is
    written. An existing target's owner and group are kept; `keep_mode` keeps its mode too,
    with `mode` as the ceiling (a config: at most 0600). A new file gets `mode`.

    Returns the backup path, or None when there was nothing to back up (or backup=False).
    Raises WriteError saying which step failed; the original is then untouched.
    """
    # realpath also resolves dangling links, to the path Docker's Save would create.
    target = os.path.realpath(path)
    directory = os.path.dirname(target) or "."
    name = os.path.basename(target)
    try:
        _makedirs(directory)
    except OSError as exc:
        raise WriteError(f"cannot create directory {directory}: {exc.strerror or exc}") from exc
    if os.path.isdir(target):
        raise WriteError(f"cannot write {target}: it is a directory")
    remove_stale_temps(directory, name)

    try:
        st: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise WriteError(f"cannot inspect {target}: {exc.strerror or exc}") from exc
    owner = (st.st_uid, st.st_gid) if st is not None else None
    if keep_mode and st is not None:
        mode = stat.S_IMODE(st.st_mode) & mode
    checked = not isinstance(expected, _Unchecked)
    current = _read_current(target) if (checked or (backup and st is not None)) else None
    if checked and current != expected:
        raise Changed(target)

    backup_path: str | None = None
    if backup and current is not None:
        try:
            backup_path = _backup(target, current, now or datetime.now(UTC), owner)
        except OSError as exc:
            raise WriteError(f"cannot back up {target}: {exc.strerror or exc}") from exc

    try:
        try:
            temp = _write_temp(directory, name, data, mode, owner)
        except WriteError:
            raise
        except OSError as exc:
            raise WriteError(
                f"cannot write a temporary file in {directory}: {exc.strerror or exc}"
            ) from exc
        try:
            if checked:
                # The compare-and-swap: the last look before the swap.
                if _read_current(target) != expected:
                    raise Changed(target)
                if expected is None:
                    _create_new(temp, target)
                else:
                    assert isinstance(expected, bytes)
                    _swap_in(temp, target, expected)
            else:
                os.replace(temp, target)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            if isinstance(exc, OSError) and not isinstance(exc, WriteError):
                raise WriteError(f"cannot replace {target}: {exc.strerror or exc}") from exc
            raise
    except BaseException:
        if backup_path is not None:
            with contextlib.suppress(OSError):
                os.unlink(backup_path)
        raise
    _fsync_dir(directory)
    return backup_path
