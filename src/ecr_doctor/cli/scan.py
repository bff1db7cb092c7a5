"""`ecr-doctor scan`: arguments, the process pool, output, exit codes (audit shares the output).

An edge module: it may import PyYAML (through `yamlio`) and, only on a TTY with a large tree,
rich for the progress bar. Neither command opens a network connection.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ecr_doctor.cli.exits import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError
from ecr_doctor.cli.options import add_sarif_options, count, parse_fail_on
from ecr_doctor.cli.streams import Streams
from ecr_doctor.core.model import Finding
from ecr_doctor.render.report import emit_report
from ecr_doctor.scan.report import FindingsReport
from ecr_doctor.scan.walk import (
    DEFAULT_MAX_BYTES,
    Candidate,
    ChunkResult,
    ScanResult,
    Skipped,
)

if TYPE_CHECKING:
    from ecr_doctor.scan.baseline import Baseline
    from ecr_doctor.scan.kube import KubeSummary

SUMMARY = "scan repositories and CI files for registry credentials and risky ECR logins"
DESCRIPTION = (
    "Scan files and directories (honouring .gitignore; binaries, huge files and symlinks "
    "out of the tree skipped) for Docker configs with static credentials, ECR tokens, "
    "`aws ecr get-login`, `docker login -p`, and CI patterns that leave tokens on runners "
    "(rules SCN001-SCN010). `scan -` reads Kubernetes objects from stdin (`kubectl get "
    "secrets -A -o json | ecr-doctor scan -`, JSON or YAML) and lists every ECR token in "
    "its pull secrets with its expiry. Output text, json or sarif; --baseline accepts known "
    "findings. A path that cannot be read is reported and makes the exit 2. scan never "
    "touches the network and never prints a secret."
)

# `kubectl get secrets -A -o json` of a large cluster (10,000 Secrets with managedFields) is
# tens of MB; a cap still bounds memory, and hitting it is an error, never a partial verdict.
STDIN_MAX_BYTES = 256 * 1024 * 1024

# Below this many files a process pool costs more than it saves.
POOL_THRESHOLD = 400
PROGRESS_THRESHOLD = 2000
# Files per task sent to a worker: fewer round trips through the pool for a large tree
# (the benchmark's 20,000 files: 0.414 s at 256, 0.428 s at 64); a tree small enough for
# the tail to matter is scanned in well under a second either way.
CHUNK = 256


def add_output_options(parser: argparse.ArgumentParser, command: str) -> None:
    parser.add_argument("--format", choices=("text", "json", "sarif"), default="text",
                        help="output on stdout (default: text)")
    parser.add_argument("--fail-on", metavar="SEVERITY", default="low",
                        help="exit 1 if a finding is at or above this severity: info, low, "
                        "medium, high, critical (default: low)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="also list what was skipped and why (binary, huge, ignored "
                        "symlink, unreadable)")
    add_sarif_options(parser, default=f"ecr-doctor/{command}")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", default=["."], metavar="PATH",
                        help="files and directories (default: .); - reads Kubernetes objects "
                        "(JSON or YAML) from stdin")
    add_output_options(parser, "scan")
    parser.add_argument("--baseline", metavar="FILE",
                        help="accept the findings recorded in FILE (hashed, never the secret)")
    parser.add_argument("--write-baseline", metavar="FILE",
                        help="record the current findings in FILE and exit 0")
    parser.add_argument("--no-gitignore", action="store_true",
                        help="also scan files .gitignore excludes")
    parser.add_argument("--max-bytes", type=count(1), default=None, metavar="N",
                        help=f"skip files larger than N bytes (default: {DEFAULT_MAX_BYTES}); "
                        f"for - refuse stdin larger than N (default: {STDIN_MAX_BYTES})")
    parser.add_argument("-j", "--jobs", type=count(0), default=0, metavar="N",
                        help="worker processes (default: one per CPU, plus one)")


# --- Scan ----------------------------------------------------------------------------------------


def _chunks(items: list[Candidate], size: int) -> list[list[Candidate]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _worker(chunk: Sequence[Candidate], now_ts: float,
            baseline_salt: bytes | None = None) -> ChunkResult:
    from ecr_doctor.scan.walk import scan_chunk
    from ecr_doctor.scan.yamlio import load_yaml

    return scan_chunk(chunk, now_ts, load_yaml, baseline_salt)


def scan_paths(paths: Sequence[str], *, max_bytes: int = DEFAULT_MAX_BYTES,
               use_gitignore: bool = True, jobs: int = 0, progress: bool = False,
               baseline_salt: bytes | None = None) -> ScanResult:
    import time

    from ecr_doctor.scan.walk import Walk, iter_walk

    walked = Walk([], [], [])
    candidates = iter_walk(paths, walked, max_bytes=max_bytes, use_gitignore=use_gitignore)
    now_ts = time.time()
    # One worker per CPU, and one more: this process walks the tree beside them, and while it
    # (or a worker) waits on the disk the extra worker keeps every core busy (measured on
    # the benchmark corpus, 2 CPUs: 0.44 s with 3 workers, 0.46 s with 2, 0.46 s with 4).
    cpus = os.cpu_count() or 1
    workers = jobs or (cpus + 1 if cpus > 1 else 1)
    # Look ahead far enough to know whether a pool pays; without a progress bar (which needs
    # the total) the rest of the walk then streams to the workers as they scan.
    head = list(itertools.islice(candidates, POOL_THRESHOLD))
    pooled = workers > 1 and len(head) >= POOL_THRESHOLD
    files: list[Candidate] = head
    if progress or not pooled:
        files.extend(candidates)
    want_bar = progress and len(files) >= PROGRESS_THRESHOLD
    counted = [len(head)]
    findings: list[Finding] = []
    skipped: list[Skipped] = []
    unreadable: list[Skipped] = []
    bar = None
    if pooled:
        import multiprocessing

        # Imported once here, before the fork: each worker would otherwise import PyYAML itself.
        import ecr_doctor.scan.yamlio  # noqa: F401

        # What the workers inherit is kept out of their garbage collector's way: a collection
        # in a child touches every object, copying the parent's pages one fault at a time.
        gc.freeze()

        ctx = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
        with ctx.Pool(workers) as pool:
            # The bar's refresh thread starts only after the fork: forking a threaded
            # process can deadlock the child.
            bar = _progress(len(files)) if want_bar else None
            chunks: Iterable[Sequence[Candidate]] = (
                _chunks(files, CHUNK) if progress
                else _streamed_chunks(head, candidates, counted))
            work = ((c, now_ts, baseline_salt) for c in chunks)
            results: Iterable[ChunkResult] = pool.imap_unordered(_star_worker, work)
            for found, skip, lost in (_ticking(results, bar) if bar is not None else results):
                findings.extend(found)
                skipped.extend(skip)
                unreadable.extend(lost)
    else:
        bar = _progress(len(files)) if want_bar else None
        for chunk in _chunks(files, CHUNK):
            found, skip, lost = _worker(chunk, now_ts, baseline_salt)
            findings.extend(found)
            skipped.extend(skip)
            unreadable.extend(lost)
            if bar is not None:
                bar(len(chunk))
    if bar is not None:
        bar(-1)
    total = len(files) if progress or not pooled else counted[0]
    skipped.extend(walked.skipped)
    unreadable.extend(walked.unreadable)
    findings.sort(key=lambda f: (f.location.path, f.location.line, f.location.col, f.rule_id))
    skipped.sort(key=lambda u: u.path)
    unreadable.sort(key=lambda u: u.path)
    return ScanResult(tuple(findings), tuple(skipped), total, tuple(unreadable))


def _streamed_chunks(head: list[Candidate], rest: Iterator[Candidate], counted: list[int]
                     ) -> Iterator[list[Candidate]]:
    """CHUNK-sized batches of the walk as it goes; `counted[0]` ends as the number of files."""
    yield from _chunks(head, CHUNK)
    while True:
        batch = list(itertools.islice(rest, CHUNK))
        if not batch:
            return
        counted[0] += len(batch)
        yield batch


def _star_worker(args: tuple[Sequence[Candidate], float, bytes | None]) -> ChunkResult:
    return _worker(*args)


def _ticking(results: Iterable[ChunkResult], bar: Any) -> Iterable[ChunkResult]:
    for result in results:
        bar(CHUNK)
        yield result


def _progress(total: int) -> Any:
    """A rich progress bar on stderr; `advance(n)`, `advance(-1)` to close. None without rich."""
    try:
        from rich.console import Console
        from rich.progress import Progress
    except ImportError:
        return None
    # stderr: stdout carries the report (JSON/SARIF consumers must never see the bar).
    progress = Progress(console=Console(stderr=True), transient=True)
    progress.start()
    task = progress.add_task("scanning", total=total)

    def advance(n: int) -> None:
        if n < 0:
            progress.stop()
        else:
            progress.advance(task, n)

    return advance


# A baseline lists accepted findings; one far bigger than any repository's is not one.
MAX_BASELINE_BYTES = 16 * 1024 * 1024


def _read_baseline(path: str, *, missing_ok: bool = False) -> Baseline | None:
    from ecr_doctor.machine.reading import read_regular_file
    from ecr_doctor.scan.baseline import loads

    try:
        data = read_regular_file(path, MAX_BASELINE_BYTES).data
    except FileNotFoundError:
        if missing_ok:
            return None
        raise UsageError(f"{path}: cannot use as a baseline: no such file") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot use as a baseline: {exc.strerror or exc}") from None
    try:
        return loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        if missing_ok and b'"generated_by": "ecr-doctor' in data:
            return None  # an older ecr-doctor baseline: rewritten with a fresh salt
        if missing_ok:  # --write-baseline: never replace a file that is not a baseline
            raise UsageError(f"{path} exists and is not an ecr-doctor baseline ({exc}); "
                             "refusing to overwrite it (nothing written)") from None
        raise UsageError(f"{path}: cannot use as a baseline: {exc}") from None


def _scan_stdin(streams: Streams, limit: int, salt: bytes | None
                ) -> tuple[ScanResult, KubeSummary]:
    """Kubernetes objects from stdin, read once through the bounded reader."""
    import time
    from datetime import UTC, datetime

    from ecr_doctor.machine.reading import TooLarge, read_stream
    from ecr_doctor.scan.kube import NotKubernetes, scan_kubernetes
    from ecr_doctor.scan.yamlio import load_yaml

    if streams.stdin.isatty():
        streams.err.write("ecr-doctor: reading Kubernetes objects from stdin (end with "
                          "Ctrl-D); pipe `kubectl get secrets -A -o json` into it\n")
    try:
        data = read_stream(streams.stdin.buffer, limit)
    except TooLarge:
        raise UsageError(f"stdin is larger than {limit} bytes, so nothing was scanned (a "
                         "verdict on part of it could miss a token); raise --max-bytes or "
                         "scan one namespace at a time (kubectl get secrets -n NS -o json)"
                         ) from None
    except OSError as exc:
        raise UsageError(f"cannot read stdin: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"stdin is not UTF-8 text (invalid byte at offset {exc.start})"
                         ) from None
    now = datetime.fromtimestamp(time.time(), tz=UTC)  # the clock is read here, once
    try:
        findings, summary = scan_kubernetes(text, load_yaml, now=now, baseline_salt=salt)
    except NotKubernetes as exc:
        raise UsageError(str(exc)) from None
    return ScanResult(tuple(findings), (), 1, ()), summary


def run(args: argparse.Namespace, streams: Streams) -> int:
    out, err = streams.out, streams.err
    threshold = parse_fail_on(args.fail_on)
    from ecr_doctor.scan import baseline as baselines

    if "-" in args.paths and len(args.paths) > 1:
        raise UsageError("`-` (Kubernetes objects on stdin) cannot be combined with paths; "
                         "a file named - is ./-")
    accepted = _read_baseline(args.baseline) if args.baseline else None
    salt = accepted.salt if accepted is not None else None
    if args.write_baseline:
        # Keep the salt of the baseline being rewritten: its unchanged entries stay the same.
        previous = _read_baseline(args.write_baseline, missing_ok=True)
        salt = previous.salt if previous is not None else baselines.new_salt()
    kubernetes = None
    if args.paths == ["-"]:
        result, kubernetes = _scan_stdin(streams, args.max_bytes or STDIN_MAX_BYTES, salt)
    else:
        result = scan_paths(args.paths, max_bytes=args.max_bytes or DEFAULT_MAX_BYTES,
                            use_gitignore=not args.no_gitignore, jobs=args.jobs,
                            progress=err.isatty(), baseline_salt=salt)
    if result.unreadable:
        # Fail closed: a gate that could not read part of its input has no verdict to give.
        err.write(f"ecr-doctor: error: {len(result.unreadable)} path(s) could not be read, so "
                  "the scan is incomplete (exit 2)\n")
    if args.write_baseline and result.unreadable:
        for lost in result.unreadable:
            err.write(f"could not read {lost.path}: {lost.reason}\n")
        raise UsageError(f"{args.write_baseline} not written: a baseline of an incomplete scan "
                         "would hide what the unreadable files hold")
    if args.write_baseline:
        from ecr_doctor.cli.exits import WriteFailed
        from ecr_doctor.machine.files import WriteError, write_atomic
        # A baseline is meant to be committed: world-readable, and never left half-written.
        assert salt is not None
        try:
            write_atomic(args.write_baseline,
                         baselines.dumps(result.findings, salt).encode("utf-8"),
                         backup=False, mode=0o644)
        except WriteError as exc:
            raise WriteFailed(f"{exc} (the previous baseline is untouched)") from exc
        err.write(f"ecr-doctor: wrote {len(result.findings)} finding(s) to {args.write_baseline}\n")
        return EXIT_OK
    findings, known = baselines.filter_known(result.findings, accepted)
    findings = baselines.without_checks(findings)
    code = EXIT_FINDINGS if any(f.severity >= threshold for f in findings) else EXIT_OK
    if result.unreadable:
        code = EXIT_USAGE
    report = FindingsReport("scan", findings, result.files_scanned, code,
                            skipped=result.skipped, unreadable=result.unreadable,
                            accepted_by_baseline=known, kubernetes=kubernetes)
    emit_report(args.format, report, out, verbose=args.verbose, sarif_category=args.category,
                sarif_root=os.getcwd())
    return code
