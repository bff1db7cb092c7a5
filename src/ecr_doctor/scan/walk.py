"""Finding the files to scan, and scanning them on every core. Standard library only.

The walk honours `.gitignore` files (and never enters `.git`), follows a symlink only when its
target stays inside the tree, and skips huge files before reading them; binaries (a NUL byte
in the first 8 KB, as git and ripgrep decide) are skipped by the worker that reads them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import NamedTuple

from ecr_doctor.core.model import Finding
from ecr_doctor.scan.gitignore import IgnoreStack

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


def _within(real: str, root_real: str) -> bool:
    return real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)


def walk(targets: Sequence[str], *, max_bytes: int = DEFAULT_MAX_BYTES,
         use_gitignore: bool = True) -> tuple[list[Candidate], list[Skipped]]:
    files: list[Candidate] = []
    skipped: list[Skipped] = []
    for target in targets:
        if os.path.isdir(target) and not os.path.islink(target):
            root_real = os.path.realpath(target)
            files.extend(_walk_dir(target, root_real, "", IgnoreStack(), max_bytes,
                                   use_gitignore, skipped))
        elif os.path.isfile(target):
            # Named explicitly (pre-commit passes staged files): scanned even if ignored.
            size = os.path.getsize(target)
            if size > max_bytes:
                skipped.append(Skipped(target, f"larger than {max_bytes} bytes"))
            else:
                files.append(Candidate(target, os.path.normpath(target)))
        elif not os.path.exists(target):
            skipped.append(Skipped(target, "does not exist"))
        else:
            skipped.append(Skipped(target, "not a regular file or directory"))
    return files, skipped


def _walk_dir(top: str, root_real: str, rel: str, ignores: IgnoreStack, max_bytes: int,
              use_gitignore: bool, skipped: list[Skipped]) -> Iterator[Candidate]:
    folder = os.path.join(top, rel) if rel else top
    if use_gitignore:
        try:
            with open(os.path.join(folder, ".gitignore"), encoding="utf-8",
                      errors="replace") as fh:
                ignores = ignores.push(rel, fh.read())
        except OSError:
            pass
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        skipped.append(Skipped(folder, f"cannot list: {exc.strerror or exc}"))
        return
    for entry in entries:
        child = f"{rel}/{entry.name}" if rel else entry.name
        shown = os.path.normpath(os.path.join(top, child))
        try:
            if entry.is_symlink():
                real = os.path.realpath(entry.path)
                if not _within(real, root_real):
                    skipped.append(Skipped(shown, "symlink leads out of the tree; not followed"))
                    continue
                if os.path.isdir(real):
                    skipped.append(Skipped(shown, "symlinked directory; its target is scanned "
                                           "where it lies"))
                    continue
                if use_gitignore and ignores.ignored(child, False):
                    continue
                size = os.path.getsize(real)
                path = real
            elif entry.is_dir(follow_symlinks=False):
                if entry.name in _SKIP_DIRS or (use_gitignore and ignores.ignored(child, True)):
                    continue
                yield from _walk_dir(top, root_real, child, ignores, max_bytes, use_gitignore,
                                     skipped)
                continue
            elif entry.is_file(follow_symlinks=False):
                if use_gitignore and ignores.ignored(child, False):
                    continue
                size = entry.stat(follow_symlinks=False).st_size
                path = entry.path
            else:
                skipped.append(Skipped(shown, "not a regular file"))
                continue
        except OSError as exc:
            skipped.append(Skipped(shown, f"cannot read: {exc.strerror or exc}"))
            continue
        if size > max_bytes:
            skipped.append(Skipped(shown, f"{size} bytes, larger than --max-bytes {max_bytes}"))
            continue
        yield Candidate(path, shown)


# --- Scanning ----------------------------------------------------------------------------------

ChunkResult = tuple[list[Finding], list[Skipped]]


def scan_chunk(chunk: Sequence[Candidate], now_ts: float,
               yaml_loader: Callable[[str], object] | None = None) -> ChunkResult:
    """Read and scan a batch of files (runs in a worker process)."""
    from ecr_doctor.scan.detect import YamlLoader, scan_bytes

    loader: YamlLoader | None = yaml_loader  # type: ignore[assignment]
    now = datetime.fromtimestamp(now_ts, tz=UTC)
    findings: list[Finding] = []
    skipped: list[Skipped] = []
    for cand in chunk:
        try:
            with open(cand.path, "rb") as fh:
                head = fh.read(BINARY_PROBE)
                if b"\0" in head:
                    skipped.append(Skipped(cand.shown, "binary (NUL byte in the first 8 KB)"))
                    continue
                data = head + fh.read() if len(head) == BINARY_PROBE else head
        except OSError as exc:
            skipped.append(Skipped(cand.shown, f"cannot read: {exc.strerror or exc}"))
            continue
        findings.extend(scan_bytes(cand.shown, data, yaml_loader=loader, now=now))
    return findings, skipped
