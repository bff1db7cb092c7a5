"""Running another program, bounded: in time, in the bytes read back, and in what it leaves.

Every process ecr-doctor starts (a credential helper's `get`, its `version`) runs here. The
child gets its own process group, so a timeout or an overflow kills whatever it started too
(a shell wrapper's children would otherwise hold the pipe open). Its output is read as it
comes, never more than `max_output` bytes: a helper that streams forever costs a megabyte and
the timeout, not the machine's memory. Stderr is dropped: helpers log there, and a report
must stay clean.
"""

from __future__ import annotations

import contextlib
import math
import os
import selectors
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from typing import NamedTuple

__all__ = ["Finished", "run_bounded"]

_POSIX = os.name == "posix"
_CHUNK = 65536


class Finished(NamedTuple):
    #: None when the program never exited by itself: not started, timed out, or killed for
    #: printing more than it may.
    exit_code: int | None
    stdout: bytes
    seconds: float
    timed_out: bool = False
    overflowed: bool = False
    #: Why it could not be started (exec failed), else "".
    start_error: str = ""


def run_bounded(argv: Sequence[str], *, stdin: bytes = b"", env: Mapping[str, str],
                timeout: float, max_output: int) -> Finished:
    """Run `argv`, write `stdin`, read at most `max_output` bytes of stdout. Never raises for
    what the program does; `timeout` must be finite and positive."""
    if not (math.isfinite(timeout) and timeout > 0):
        raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
    started = time.monotonic()
    try:
        proc = subprocess.Popen(
            list(argv), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, env=dict(env), start_new_session=_POSIX,
        )
    except (OSError, ValueError, subprocess.SubprocessError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        return Finished(None, b"", time.monotonic() - started, start_error=str(reason))
    assert proc.stdin is not None and proc.stdout is not None
    if not _POSIX:  # selectors cannot wait on a pipe on Windows
        return _communicate(proc, stdin, started, timeout, max_output)
    deadline = started + timeout
    with contextlib.suppress(OSError):  # a program that never reads its stdin may have exited
        proc.stdin.write(stdin)
    with contextlib.suppress(OSError):
        proc.stdin.close()
    chunks: list[bytes] = []
    size = 0
    timed_out = overflowed = False
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            if not selector.select(left):
                continue
            chunk = os.read(proc.stdout.fileno(), _CHUNK)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > max_output:
                overflowed = True
                break
    if timed_out or overflowed:
        kill_group(proc)
        return Finished(None, b"".join(chunks)[:max_output], time.monotonic() - started,
                        timed_out=timed_out, overflowed=overflowed)
    try:
        exit_code = proc.wait(timeout=max(deadline - time.monotonic(), 0.01))
    except subprocess.TimeoutExpired:  # closed its stdout but kept running
        kill_group(proc)
        return Finished(None, b"".join(chunks), time.monotonic() - started, timed_out=True)
    finally:
        proc.stdout.close()
    return Finished(exit_code, b"".join(chunks), time.monotonic() - started)


def _communicate(proc: subprocess.Popen[bytes], stdin: bytes, started: float, timeout: float,
                 max_output: int) -> Finished:
    try:
        out, _ = proc.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        return Finished(None, b"", time.monotonic() - started, timed_out=True)
    if len(out) > max_output:
        return Finished(None, out[:max_output], time.monotonic() - started, overflowed=True)
    return Finished(proc.returncode, out, time.monotonic() - started)


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill `proc` and everything in its process group, and reap it."""
    try:
        if _POSIX:
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except OSError:
        pass
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=1)
    if proc.stdout is not None:
        proc.stdout.close()
