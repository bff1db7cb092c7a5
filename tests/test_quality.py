"""Project gates that CI enforces through the test suite: lint and strict typing (the layers
are held in tests/test_layers.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).parent.parent / "src" / "ecr_doctor"


def test_ruff_clean() -> None:
    root = SRC.parent.parent
    result = subprocess.run([sys.executable, "-m", "ruff", "check", str(SRC), str(root / "tests"),
                             str(root / "benchmarks")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", str(SRC)],
                            capture_output=True, text=True, cwd=SRC.parent.parent)
    assert result.returncode == 0, result.stdout + result.stderr
