"""A short fuzzing run under the test suite: every atheris harness in fuzz/ for a few thousand
executions from its seed corpus, and the kept crashing inputs replayed.

The long runs are `python fuzz/run.py --execs 1000000 --harness NAME` (README, Development).
Outside CI the test skips when atheris is not installed; under CI=true it must run (atheris is
in the `test` extras), so a missing atheris fails loudly.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from conftest import IN_CI

ROOT = Path(__file__).resolve().parent.parent
FUZZ = ROOT / "fuzz"
# ~2,500 executions take 3-8 s per harness on the 2-core CI machine (six harnesses: under 60 s).
EXECS = int(os.environ.get("ECR_DOCTOR_FUZZ_EXECS", "2500"))


def _require_atheris() -> None:
    if importlib.util.find_spec("atheris") is None:
        if IN_CI:
            pytest.fail("atheris is required in CI (it is in the test extras)")
        pytest.skip("atheris not installed (pip install -e '.[test]')")


def _runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ecr_doctor_fuzz_run", FUZZ / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RUNNER = _runner()


def test_every_harness_has_a_seed_corpus() -> None:
    assert set(RUNNER.HARNESSES) == {"explain", "fixer", "parser", "redaction", "scan", "tokens"}
    for harness in RUNNER.HARNESSES:
        seeds = list((FUZZ / "corpus" / harness).iterdir())
        assert len(seeds) >= 5, harness


@pytest.mark.parametrize("harness", RUNNER.HARNESSES)
def test_harness_short_run(harness: str, tmp_path: Path) -> None:
    _require_atheris()
    result = RUNNER.run_one(harness, EXECS, tmp_path / "crashes", tmp_path / "work", timeout=30,
                            seed=1, max_len=None, python=sys.executable)
    assert not result.crashed, result.log[-4000:]
    assert result.execs == EXECS
    print(f"{harness}: {result.execs} execs in {result.seconds:.1f} s "
          f"({result.per_second:.0f}/s)")


CRASHES = sorted(p for p in (FUZZ / "crashes").glob("*/*")
                 if p.is_file() and p.suffix not in (".log", ".md"))


@pytest.mark.parametrize("crash", CRASHES, ids=[f"{p.parent.name}/{p.name}" for p in CRASHES])
def test_every_input_that_once_crashed_now_passes(crash: Path) -> None:
    """Each kept input crashed a harness once (fuzz/crashes/README.md) and is fixed in src/;
    replayed strictly, with no known bug let through, it must pass."""
    _require_atheris()
    proc = subprocess.run([sys.executable, str(FUZZ / f"fuzz_{crash.parent.name}.py"),
                           str(crash)], capture_output=True, text=True, errors="replace",
                          check=False, env={**os.environ, "ECR_DOCTOR_FUZZ_STRICT": "1"})
    assert proc.returncode == 0, proc.stderr[-4000:]


def test_fuzz_sources_are_ruff_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", str(FUZZ),
                             str(Path(__file__))], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
