"""Finding the files to scan, and scanning them on every core. Standard library only.

The walk honours `.gitignore` files (and never enters `.git`), follows a symlink only when its
target stays inside the tree, and skips huge files before reading them; binaries (a NUL byte
in the first 8 KB, as git and ripgrep decide) are skipped by the worker that reads them.

It fails closed: what it was given and could not read is `unreadable`, never skipped - a named
path that does not exist or is not a file or directory (a FIFO, a device, a symlink to one), a
file it cannot open, a directory it cannot list. FIFOs, sockets and devices met inside a tree
(and symlinks to them) hold no content at rest and are skipped without being opened; every
file is opened without blocking and checked to be a regular file before it is read.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import NamedTuple

from ecr_doctor.core.model import Finding
from ecr_doctor.scan.gitignore import NOT_A_REPO, IgnoreStack, Tracked, tracked_files

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
BINARY_PROBE = 8192
_SKIP_DIRS = frozenset({".git", ".hg", ".svn"})


class Candidate(NamedTuple):
    path: str  # to open
    shown: str  # how findings name it


class Skipped(NamedTuple):
    path: str
    reason: str


class ScanResult(NamedTuple):
    findings: tuple[Finding, ...]
    skipped: tuple[Skipped, ...]
    files_scanned: int
    #: What the scan should have read and could not: a named path that does not exist or is
    #: not a file or directory, a file it could not open, a directory it could not list.
    unreadable: tuple[Skipped, ...] = ()


class Walk(NamedTuple):
    files: list[Candidate]
    skipped: list[Skipped]  # left out on purpose: binary, huge, ignored, symlinks, FIFOs
    unreadable: list[Skipped]  # should have been read and could not be: fails the gate


def _within(real: str, root_real: str) -> bool:
    return real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()


def _kind(mode: int) -> str:
    """What a non-regular, non-directory file is, for a reason a person reads."""
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def walk(targets: Sequence[str], *, max_bytes: int = DEFAULT_MAX_BYTES,
         use_gitignore: bool = True) -> Walk:
    """The files to scan under `targets`; a target is a file or a directory, symlinks followed
    (the user named it). A target that cannot be used is unreadable, never silently skipped."""
    found = Walk([], [], [])
    found.files.extend(iter_walk(targets, found, max_bytes=max_bytes,
                                 use_gitignore=use_gitignore))
    return found


def iter_walk(targets: Sequence[str], found: Walk, *, max_bytes: int = DEFAULT_MAX_BYTES,
              use_gitignore: bool = True) -> Iterator[Candidate]:
    """`walk` as it goes: yields each file to scan (so scanning can start before the walk
    ends) and records what it skips or cannot read in `found` (complete once exhausted)."""
    for target in targets:
        try:
            info = os.stat(target)  # follows a named symlink
        except OSError as exc:
            if exc.errno == errno.ENOENT:
                why = ("a dangling symlink" if os.path.islink(target) else "does not exist")
            else:
                why = _reason(exc)
            found.unreadable.append(Skipped(target, why))
            continue
        if stat.S_ISDIR(info.st_mode):
            root_real = os.path.realpath(target)
            tracked = NOT_A_REPO
            if use_gitignore:
                tracked, why_not = tracked_files(target)
                if why_not is not None:
                    found.skipped.append(Skipped(target, f"{why_not}; tracked files that "
                                                 ".gitignore excludes (if any) were not "
                                                 "scanned"))
            yield from _walk_dir(target, root_real, "", IgnoreStack(), max_bytes,
                                 use_gitignore, found, tracked)
        elif stat.S_ISREG(info.st_mode):
            # Named explicitly (pre-commit passes staged files): scanned even if ignored.
            if info.st_size > max_bytes:
                found.skipped.append(Skipped(target, f"larger than {max_bytes} bytes"))
            else:
                yield Candidate(target, os.path.normpath(target))
        else:
            found.unreadable.append(Skipped(target, f"{_kind(info.st_mode)}, not a file or "
                                            "directory"))


def _shown(base: str, child: str) -> str:
    """How findings name a file: `child` (names joined by `/`) under the normalised `base`.
    On POSIX plain joining is already normal (scandir names hold no `/`, `.` or `..`)."""
    if os.sep != "/":
        return os.path.normpath(os.path.join(base, child))
    if base == ".":
        return child
    return f"{base.rstrip('/')}/{child}"


def _walk_dir(top: str, root_real: str, rel: str, ignores: IgnoreStack, max_bytes: int,
              use_gitignore: bool, found: Walk, tracked: Tracked,
              in_ignored: bool = False) -> Iterator[Candidate]:
    """The files under `rel`; `in_ignored`: `rel` is an ignored folder entered only because git
    tracks files in it, so only those are scanned."""

    def ignored(child: str, is_dir: bool) -> bool:
        if not use_gitignore or not (in_ignored or ignores.ignored(child, is_dir)):
            return False
        return child not in (tracked.dirs if is_dir else tracked.files)

    folder = os.path.join(top, rel) if rel else top
    if use_gitignore:
        try:
            with open(os.path.join(folder, ".gitignore"), encoding="utf-8",
                      errors="replace") as fh:
                ignores = ignores.push(rel, fh.read())
        except OSError:
            pass  # an unreadable .gitignore excludes nothing: more is scanned, never less
    try:
        # Unsorted: every result is sorted once at the end, whatever order the walk took.
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError as exc:
        found.unreadable.append(Skipped(os.path.normpath(folder) if rel else top, _reason(exc)))
        return
    base = os.path.normpath(top)  # what findings call the tree: `x`, not `./x`
    for entry in entries:
        child = f"{rel}/{entry.name}" if rel else entry.name
        shown = _shown(base, child)
        try:
            if entry.is_symlink():
                real = os.path.realpath(entry.path)
                if not _within(real, root_real):
                    found.skipped.append(Skipped(shown, "symlink leads out of the tree; not "
                                                 "followed"))
                    continue
                if ignored(child, False):
                    continue
                try:
                    info = os.stat(real)
                except FileNotFoundError:
                    found.skipped.append(Skipped(shown, "dangling symlink"))
                    continue
                if stat.S_ISDIR(info.st_mode):
                    found.skipped.append(Skipped(shown, "symlinked directory; its target is "
                                                 "scanned where it lies"))
                    continue
                if not stat.S_ISREG(info.st_mode):
                    # Never opened: a FIFO would block the scan forever.
                    found.skipped.append(Skipped(shown, f"not a regular file (a symlink to "
                                                 f"{_kind(info.st_mode)})"))
                    continue
                size = info.st_size
                path = real
            elif entry.is_dir(follow_symlinks=False):
                if entry.name in _SKIP_DIRS or ignored(child, True):
                    continue
                yield from _walk_dir(top, root_real, child, ignores, max_bytes, use_gitignore,
                                     found, tracked, in_ignored or (
                                         use_gitignore and ignores.ignored(child, True)))
                continue
            elif entry.is_file(follow_symlinks=False):
                if ignored(child, False):
                    continue
                size = entry.stat(follow_symlinks=False).st_size
                path = entry.path
            else:
                # FIFOs, sockets and devices hold no content at rest (git cannot track them).
                mode = entry.stat(follow_symlinks=False).st_mode
                found.skipped.append(Skipped(shown, f"not a regular file ({_kind(mode)})"))
                continue
        except OSError as exc:
            found.unreadable.append(Skipped(shown, _reason(exc)))
            continue
        if size > max_bytes:
            found.skipped.append(Skipped(shown, f"{size} bytes, larger than --max-bytes "
                                         f"{max_bytes}"))
            continue
        yield Candidate(path, shown)


# --- Scanning ----------------------------------------------------------------------------------

#: findings, skipped (binary), unreadable (could not open or read, or no longer a regular file).
ChunkResult = tuple[list[Finding], list[Skipped], list[Skipped]]
_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_CLOEXEC", 0))


_ONE_READ = 256 * 1024


def _read(path: str) -> bytes | None:
    """The file's bytes, or None for a binary (a NUL in the first 8 KB, the rest unread);
    raises OSError, or ValueError when it is no longer a regular file.

    Opened without blocking and checked after opening, so a file swapped for a FIFO or a
    device between the walk and the read can neither hang the scan nor feed it a stream.
    """
    fd = os.open(path, _OPEN_FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"no longer a regular file ({_kind(info.st_mode)})")
        # A small file comes in one read (a short read of a regular file is its end); a
        # large one is probed first, so a binary's rest is never read.
        if info.st_size < _ONE_READ:
            first = os.read(fd, info.st_size + 1)
            if b"\0" in first[:BINARY_PROBE]:
                return None
            if len(first) <= info.st_size:
                return first
            chunks = [first]  # it grew since fstat: read on to its end
        else:
            return _read_large(fd, info.st_size)
        while chunks[-1]:
            chunks.append(os.read(fd, 1 << 20))
        return b"".join(chunks)
    finally:
        os.close(fd)


def _read_large(fd: int, size: int) -> bytes | None:
    """A large file read straight into one buffer of its size (the big files are most of a
    tree's bytes: no chunks to join, one copy); None for a binary, after the probe only.
    A file that grows while it is read is read on to its end."""
    buffer = bytearray(size + 1)
    view = memoryview(buffer)
    try:
        got = os.readv(fd, [view[:BINARY_PROBE]])
        if b"\0" in buffer[:got]:
            return None
        while got < len(buffer):
            n = os.readv(fd, [view[got:]])
            if n == 0:
                break
            got += n
    finally:
        view.release()
    if got == len(buffer):  # grew past its size: the rest in chunks
        chunks = [bytes(buffer)]
        while chunks[-1]:
            chunks.append(os.read(fd, 1 << 20))
        return b"".join(chunks)
    del buffer[got:]
    # A bytearray reads as bytes for every detector (`in`, decode, slices) without a copy.
    return buffer  # type: ignore[return-value]


def scan_chunk(chunk: Sequence[Candidate], now_ts: float,
               yaml_loader: Callable[[str], object] | None = None,
               baseline_salt: bytes | None = None) -> ChunkResult:
    """Read and scan a batch of files (runs in a worker process)."""
    from ecr_doctor.scan.detect import YamlLoader
    from ecr_doctor.scan.files import IncompleteScan, scan_bytes

    loader: YamlLoader | None = yaml_loader  # type: ignore[assignment]
    now = datetime.fromtimestamp(now_ts, tz=UTC)
    findings: list[Finding] = []
    skipped: list[Skipped] = []
    unreadable: list[Skipped] = []
    for cand in chunk:
        try:
            data = _read(cand.path)
        except OSError as exc:
            unreadable.append(Skipped(cand.shown, _reason(exc)))
            continue
        except ValueError as exc:
            unreadable.append(Skipped(cand.shown, str(exc)))
            continue
        if data is None:
            skipped.append(Skipped(cand.shown, "binary (NUL byte in the first 8 KB)"))
            continue
        try:
            findings.extend(scan_bytes(cand.shown, data, yaml_loader=loader, now=now,
                                       baseline_salt=baseline_salt))
        except IncompleteScan as exc:
            findings.extend(exc.findings)
            unreadable.append(Skipped(cand.shown, exc.reason))
    return findings, skipped, unreadable
