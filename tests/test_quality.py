"""Project gates that CI enforces through the test suite: lint, strict typing, a stdlib core."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).parent.parent / "src" / "ecr_doctor"
# The core runs unchanged in Pyodide: these modules may import only the standard library
# and each other. fileio, environment.capture, commands and cli are the edges.
CORE = ["lite", "model", "secret", "jsonspan", "dockerconfig", "registries", "tokens", "resolution",
        "redaction",
        "fixer", "explain", "engine", "rules/__init__", "rules/base", "rules/config",
        "rules/machine", "rules/aws", "forensics",
        # enterprise set-ups: wrapper naming and text, generated policies and workflows
        "profiles", "rules/enterprise", "policy/__init__", "policy/iam", "policy/iamcheck",
        "policy/rego", "policy/ci"]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("module", CORE)
def test_core_imports_only_the_standard_library(module: str) -> None:
    foreign = {name for name in _imports(SRC / f"{module}.py")
               if name not in sys.stdlib_module_names and name != "ecr_doctor"}
    assert not foreign, f"{module} imports {sorted(foreign)}"


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
