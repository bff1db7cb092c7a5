#!/usr/bin/env python3
"""Run the atheris harnesses for N executions each and report what they found.

    python fuzz/run.py --execs 100000                 # every harness, one after the other
    python fuzz/run.py --execs 1000000 --harness parser
    python fuzz/run.py --execs 20000 --jobs 2         # two harnesses at a time

Each harness `fuzz/fuzz_<name>.py` runs under libFuzzer with `-runs=N`, starting from its
seeds in fuzz/corpus/<name>/ (never written to: new inputs go to a scratch directory). A
crashing input is written to fuzz/crashes/<name>/ (--crash-dir) and its traceback to the log
beside it; replay it with `python fuzz/fuzz_<name>.py <file>`. Prints executions, seconds and
executions per second for each harness; exits 1 if any harness crashed, 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

FUZZ = Path(__file__).resolve().parent
HARNESSES = tuple(sorted(p.stem.removeprefix("fuzz_") for p in FUZZ.glob("fuzz_*.py")))

_EXECS = re.compile(r"stat::number_of_executed_units:\s*(\d+)")
_DONE = re.compile(r"Done (\d+) runs in (\d+) second")
_ARTIFACT = re.compile(r"Test unit written to (\S+)")


class Result(NamedTuple):
    harness: str
    execs: int
    seconds: float
    returncode: int
    artifact: str | None
    log: str

    @property
    def crashed(self) -> bool:
        return self.returncode != 0 or self.artifact is not None

    @property
    def per_second(self) -> float:
        return self.execs / self.seconds if self.seconds > 0 else 0.0


def run_one(harness: str, execs: int, crash_dir: Path, scratch: Path, *, timeout: int,
            seed: int | None, max_len: int | None, python: str) -> Result:
    artifacts = crash_dir / harness
    artifacts.mkdir(parents=True, exist_ok=True)
    work = scratch / harness
    work.mkdir(parents=True, exist_ok=True)
    cmd = [python, str(FUZZ / f"fuzz_{harness}.py"), f"-runs={execs}", "-print_final_stats=1",
           f"-artifact_prefix={artifacts}/", f"-timeout={timeout}", "-rss_limit_mb=2048",
           str(work), str(FUZZ / "corpus" / harness)]
    if seed is not None:
        cmd.insert(2, f"-seed={seed}")
    if max_len is not None:
        cmd.insert(2, f"-max_len={max_len}")
    started = time.monotonic()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          errors="replace", check=False)
    seconds = time.monotonic() - started
    log = proc.stdout
    found = _EXECS.search(log) or _DONE.search(log)
    artifact = _ARTIFACT.search(log)
    result = Result(harness, int(found.group(1)) if found else 0, seconds, proc.returncode,
                    artifact.group(1) if artifact else None, log)
    if result.crashed:
        name = Path(result.artifact).name if result.artifact else f"exit-{proc.returncode}"
        (artifacts / f"{name}.log").write_text(log)
    elif not any(artifacts.iterdir()):
        artifacts.rmdir()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--execs", type=int, required=True, help="executions per harness")
    parser.add_argument("--harness", action="append", choices=HARNESSES,
                        help="run only this harness (repeatable; default: all)")
    parser.add_argument("--jobs", type=int, default=1,
                        help="harnesses run at the same time (default 1: mind shared cores)")
    parser.add_argument("--crash-dir", type=Path, default=FUZZ / "crashes")
    parser.add_argument("--timeout", type=int, default=30,
                        help="seconds one input may take before it counts as a hang")
    parser.add_argument("--seed", type=int, help="libFuzzer's -seed, to repeat a run")
    parser.add_argument("--max-len", type=int, help="longest input (default: largest seed)")
    args = parser.parse_args(argv)
    if args.execs < 1 or args.jobs < 1:
        parser.error("--execs and --jobs must be at least 1")
    harnesses = args.harness or list(HARNESSES)
    with tempfile.TemporaryDirectory(prefix="ecr-doctor-fuzz-") as scratch, \
            ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda h: run_one(
            h, args.execs, args.crash_dir, Path(scratch), timeout=args.timeout, seed=args.seed,
            max_len=args.max_len, python=sys.executable), harnesses))
    print(f"{'harness':<10} {'execs':>10} {'seconds':>9} {'execs/s':>9}  result")
    for r in results:
        outcome = "ok"
        if r.crashed:
            outcome = f"CRASH {r.artifact or f'(exit {r.returncode}, no input written)'}"
        print(f"{r.harness:<10} {r.execs:>10} {r.seconds:>9.1f} {r.per_second:>9.0f}  {outcome}")
    crashed = [r for r in results if r.crashed]
    for r in crashed:
        tail = r.log[r.log.find("=== Uncaught"):] if "=== Uncaught" in r.log else r.log[-3000:]
        print(f"\n--- {r.harness} ---\n{tail.strip()}", file=sys.stderr)
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
