"""The layout is the architecture: one test holds every module to its layer.

`core/` is what the page runs: the standard library only, nothing outside `core/`, and no I/O
(no process, no environment, no file, no socket). Every other folder may import only the layers
below it, so no arrow climbs back up:

    core  <  machine  <  policy  <  scan  <  render  <  web  <  cli
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "src" / "ecr_doctor"
LAYERS = ("core", "machine", "policy", "scan", "render", "web", "cli")
# What the page must never hold: modules that run processes, read the environment, touch files
# or the network, or load native code.
IO_MODULES = frozenset({"os", "subprocess", "socket", "ssl", "shutil", "tempfile", "pathlib",
                        "glob", "io", "http", "urllib", "select", "selectors", "signal",
                        "multiprocessing", "threading", "asyncio", "ctypes", "fcntl", "pty",
                        "mmap", "sqlite3", "zipfile", "tarfile", "importlib", "sys", "platform",
                        "getpass", "pwd", "grp", "resource", "webbrowser", "configparser"})
IO_CALLS = frozenset({"open", "exec", "eval", "compile", "__import__", "input", "breakpoint"})


def _modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        dotted = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found.append((dotted, path))
    return found


def _layer(dotted: str) -> str | None:
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, dotted module) for every import in the file, lazy ones included."""
    found = []
    for node in ast.walk(ast.parse(path.read_bytes())):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}:{node.lineno}: use absolute imports"
            assert node.module
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names
                      if _is_module(f"{node.module}.{a.name}")]
    return found


def _is_module(dotted: str) -> bool:
    base = PACKAGE.parent.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


CORE = [(d, p) for d, p in _modules() if _layer(d) == "core"]
EDGES = [(d, p) for d, p in _modules() if _layer(d) not in (None, "core")]


@pytest.mark.parametrize(("dotted", "path"), CORE, ids=[d for d, _ in CORE])
def test_core_is_standard_library_only_and_does_no_io(dotted: str, path: Path) -> None:
    for line, name in _imports(path):
        root = name.split(".")[0]
        if root == "ecr_doctor":
            assert name.startswith("ecr_doctor.core"), f"{path}:{line}: core imports {name}"
            continue
        assert root in sys.stdlib_module_names, f"{path}:{line}: {name} is not standard library"
        if name.startswith(("typing", "collections.abc", "urllib.parse")):
            continue
        assert root not in IO_MODULES, f"{path}:{line}: core imports {name}, which does I/O"
    for node in ast.walk(ast.parse(path.read_bytes())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in IO_CALLS, f"{path}:{node.lineno}: core calls {node.func.id}"
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "system"):
            raise AssertionError(f"{path}:{node.lineno}: core reads .{node.attr}")


@pytest.mark.parametrize(("dotted", "path"), EDGES, ids=[d for d, _ in EDGES])
def test_no_arrow_climbs_back_up(dotted: str, path: Path) -> None:
    layer = _layer(dotted)
    assert layer is not None
    rank = LAYERS.index(layer)
    for line, name in _imports(path):
        target = _layer(name)
        if target is None:
            continue
        assert LAYERS.index(target) <= rank, (
            f"{path}:{line}: {layer}/ imports {name}, a layer above it ({' < '.join(LAYERS)})")


def test_the_page_module_imports_only_the_core() -> None:
    for line, name in _imports(PACKAGE / "web" / "api.py"):
        if name.split(".")[0] == "ecr_doctor":
            assert name == "ecr_doctor" or name.startswith("ecr_doctor.core"), (
                f"web/api.py:{line} imports {name}: the page runs the core only")


def test_package_root_reaches_only_the_core() -> None:
    for line, name in _imports(PACKAGE / "__init__.py"):
        if name.split(".")[0] == "ecr_doctor":
            assert name.startswith("ecr_doctor.core"), f"__init__.py:{line} imports {name}"


def test_every_module_sits_in_a_layer() -> None:
    loose = [d for d, _ in _modules() if _layer(d) is None
             and d not in ("ecr_doctor", "ecr_doctor.__main__")]
    assert not loose, f"modules outside the layers: {loose}"
