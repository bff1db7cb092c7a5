"""Build the offline page into a static folder: the page's files, Pyodide, and a wheel that
holds the core and the page's module (precompiled for Pyodide's CPython).

It writes files and runs Node (to precompile), so it never ships in the browser bundle.
"""

from __future__ import annotations

import ast
import base64
import hashlib
import io
import json
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import NamedTuple

from ecr_doctor import __version__
from ecr_doctor.machine.files import write_atomic

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# In a checkout: <repo>/src/ecr_doctor/web/build.py -> <repo>/web
WEB_SRC = PACKAGE_DIR.parent.parent / "web"

# Exactly what loadPyodide fetches; the rest of the npm package (source maps, d.ts, consoles)
# is not needed by the page.
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip",
                 "pyodide-lock.json")
# The page's own files, copied from web/.
PAGE_FILES = ("index.html", "app.js", "style.css", "sw.js", "favicon.svg")

# The browser bundle, by construction: the whole core, plus what the page calls and the
# packages that hold them. Anything else one of them imports (the machine, the CLI, a renderer)
# is a build error, not a silent surprise in the browser.
PAGE_MODULES = ("ecr_doctor", "ecr_doctor.web", "ecr_doctor.web.api")
WHEEL_NAME = f"ecr_doctor-{__version__}-py3-none-any.whl"
# A fixed timestamp makes the wheel byte-for-byte reproducible.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class BuildError(Exception):
    """The page cannot be built (pyodide not installed in web/node_modules, ...)."""


class BuildResult(NamedTuple):
    out_dir: Path
    files: tuple[str, ...]
    total_bytes: int
    version: str          # content hash: names the service worker's cache


def _module_file(dotted: str) -> Path | None:
    base = PACKAGE_DIR.parent.joinpath(*dotted.split("."))
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    return None


def _imported_modules(dotted: str, path: Path) -> set[str]:
    """Every ecr_doctor module `path` imports, at any depth in the file (lazy imports too,
    since the page calls functions that import lazily)."""

    package = dotted if path.name == "__init__.py" else dotted.rpartition(".")[0]
    tree = ast.parse(path.read_bytes())
    nodes: list[ast.AST] = [tree]
    if dotted == "ecr_doctor":
        # The package's lazy public API (`__getattr__`) may reach CLI-only features (scan,
        # policy) with third-party dependencies; the page never goes through it, so only the
        # package's top-level imports count.
        nodes = [stmt for stmt in tree.body
                 if not isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)]
    found: set[str] = set()
    for node in (n for top in nodes for n in ast.walk(top)):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "ecr_doctor")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            elif node.module and node.module.split(".")[0] == "ecr_doctor":
                target = node.module
            else:
                continue
            found.add(target)
            found.update(f"{target}.{a.name}" for a in node.names
                         if _module_file(f"{target}.{a.name}") is not None)
    return found


def _core_modules() -> dict[str, Path]:
    core_dir = PACKAGE_DIR / "core"
    found: dict[str, Path] = {}
    for path in sorted(core_dir.rglob("*.py")):
        parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
        dotted = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[dotted] = path
    return found


def bundle_modules() -> dict[str, Path]:
    """The core and the page's own modules: dotted name -> file. Raises BuildError when one of
    them imports a module outside that set."""
    modules = _core_modules()
    for name in PAGE_MODULES:
        path = _module_file(name)
        if path is None:
            raise BuildError(f"module {name} not found under {PACKAGE_DIR}")
        modules[name] = path
    for name, path in modules.items():
        outside = sorted(m for m in _imported_modules(name, path) if m not in modules)
        if outside:
            raise BuildError(f"{name} imports {outside[0]}, which is not core: the browser "
                             "bundle holds only ecr_doctor.core and ecr_doctor.web.api")
    return dict(sorted(modules.items()))


def bundle_sources() -> list[tuple[str, bytes]]:
    """(archive name, bytes) of every core file the browser needs, in a stable order."""
    members: list[tuple[str, bytes]] = []
    for path in bundle_modules().values():
        members.append((path.relative_to(PACKAGE_DIR.parent).as_posix(), path.read_bytes()))
    for example in sorted((PACKAGE_DIR / "examples").glob("*.json")):
        members.append((f"ecr_doctor/examples/{example.name}", example.read_bytes()))
    return members


def build_wheel(dest: Path, bytecode: list[tuple[str, bytes]] | None = None) -> Path:
    """A pure-Python wheel of the core: `pyodide.loadPackage(url)` installs it, no micropip.
    `bytecode`: precompiled `__pycache__` members (see `precompile`), so the page does not
    compile the core from source at start-up."""

    dist_info = f"ecr_doctor-{__version__}.dist-info"
    members = bundle_sources() + sorted(bytecode or [])
    members.append((f"{dist_info}/METADATA",
                    f"Metadata-Version: 2.1\nName: ecr-doctor\nVersion: {__version__}\n".encode()))
    members.append((f"{dist_info}/WHEEL",
                    b"Wheel-Version: 1.0\nGenerator: ecr-doctor web\nRoot-Is-Purelib: true\n"
                    b"Tag: py3-none-any\n"))
    record = []
    for name, data in members:
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(data)}")
    record.append(f"{dist_info}/RECORD,,")
    members.append((f"{dist_info}/RECORD", ("\n".join(record) + "\n").encode()))
    wheel = dest / WHEEL_NAME
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    _write_site_file(wheel, buffer.getvalue())
    return wheel


def _write_site_file(path: Path, data: bytes) -> None:
    """Every file of the site goes through the one writer (machine.files): atomic, 0644 so
    any static host can serve it."""
    write_atomic(str(path), data, backup=False, mode=0o644)


def is_built_site(out_dir: Path) -> bool:
    """Whether `out_dir` holds a site `build` wrote: its manifest.json names our wheel."""
    try:
        manifest = json.loads((out_dir / "manifest.json").read_bytes())
    except (OSError, ValueError):
        return False
    return (isinstance(manifest, dict) and isinstance(manifest.get("wheel"), str)
            and manifest["wheel"].startswith("ecr_doctor-")
            and isinstance(manifest.get("assets"), list))


def check_out_dir(out_dir: Path) -> None:
    """Refuse a folder that is not ours to fill: a file, or a non-empty folder without the
    manifest an earlier build wrote. Raises BuildError; nothing is written."""
    if not out_dir.exists() and not out_dir.is_symlink():
        return
    if not out_dir.is_dir():
        raise BuildError(f"{out_dir} exists and is not a directory; refusing to build into it "
                         "(nothing written)")
    if any(out_dir.iterdir()) and not is_built_site(out_dir):
        raise BuildError(f"{out_dir} is not empty and was not written by `ecr-doctor web "
                         "--build` (no ecr-doctor manifest.json); refusing to overwrite its "
                         "files: choose an empty or new directory (nothing written)")


def precompile(pyodide: Path, stdlib_out: Path) -> list[tuple[str, bytes]]:
    """Compile the standard library and the core to bytecode with Pyodide's own CPython
    (under Node, the runtime `npm ci` needed anyway; web/precompile.mjs). Writes the
    standard library zip with a .pyc beside every .py to `stdlib_out`; returns the core's
    `__pycache__` members for the wheel. Without it the page compiles ~2 MB of Python source
    at every start: measured ~1.6 s of a ~3.3 s first result on a 2-CPU machine."""

    node = shutil.which("node")
    if node is None:
        raise BuildError("Node.js (`node`) is needed to precompile the page's Python: "
                         "install it (it also runs `npm ci` in web/)")
    with tempfile.TemporaryDirectory(prefix="ecr-doctor-pyc-") as tmp:
        core = Path(tmp) / "core"
        core.mkdir()
        # Node writes into this private scratch folder; the result reaches the site through
        # the one writer.
        stdlib_tmp = Path(tmp) / "python_stdlib.zip"
        sources = [name for name, _ in bundle_sources() if name.endswith(".py")]
        for name, data in bundle_sources():
            if name.endswith(".py"):
                (core / name).parent.mkdir(parents=True, exist_ok=True)
                (core / name).write_bytes(data)
        try:
            subprocess.run([node, str(WEB_SRC / "precompile.mjs"), str(pyodide),
                            str(pyodide / "python_stdlib.zip"), str(stdlib_tmp), str(core)],
                           check=True, capture_output=True, text=True, timeout=300)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            detail = getattr(exc, "stderr", "") or ""
            raise BuildError(f"precompiling Python for the page failed: {exc}\n{detail}") from exc
        members = [(p.relative_to(core).as_posix(), p.read_bytes())
                   for p in core.rglob("*.pyc")]
        _write_site_file(stdlib_out, stdlib_tmp.read_bytes())
    if len(members) != len(sources):
        raise BuildError(f"precompiled {len(members)} core modules, expected {len(sources)}")
    return sorted(members)


def find_pyodide(explicit: Path | None = None) -> Path:
    candidates = [explicit] if explicit else [WEB_SRC / "node_modules" / "pyodide"]
    for candidate in candidates:
        if candidate and all((candidate / name).is_file() for name in PYODIDE_FILES):
            return candidate
    raise BuildError(
        f"pyodide runtime not found in {candidates[0]}: run `npm ci` in {WEB_SRC} "
        "(package-lock.json pins the version)"
    )


def build(out_dir: Path, *, pyodide_dir: Path | None = None) -> BuildResult:
    """Write the self-contained static site to `out_dir`: created, empty, or an earlier build
    (whose files are replaced); any other folder is refused (BuildError, nothing written)."""
    check_out_dir(out_dir)
    pyodide = find_pyodide(pyodide_dir)
    if not all((WEB_SRC / name).is_file() for name in PAGE_FILES):
        raise BuildError(f"page sources missing in {WEB_SRC}")
    out_dir.mkdir(parents=True, exist_ok=True)
    if not is_built_site(out_dir):
        # Claim the folder first, so a build interrupted half-way can be run again into it.
        _write_site_file(out_dir / "manifest.json", (json.dumps(
            {"version": "incomplete", "wheel": WHEEL_NAME, "assets": []}, indent=2)
            + "\n").encode())
    (out_dir / "pyodide").mkdir(exist_ok=True)
    for name in PYODIDE_FILES:
        if name != "python_stdlib.zip":  # written precompiled below
            _write_site_file(out_dir / "pyodide" / name, (pyodide / name).read_bytes())
    build_wheel(out_dir, precompile(pyodide, out_dir / "pyodide" / "python_stdlib.zip"))
    for name in PAGE_FILES:
        if name != "sw.js":
            _write_site_file(out_dir / name, (WEB_SRC / name).read_bytes())

    assets = ["./", "manifest.json", *PAGE_FILES, WHEEL_NAME,
              *(f"pyodide/{n}" for n in PYODIDE_FILES)]
    digest = hashlib.sha256()
    for name in sorted(assets[2:]):
        if name != "sw.js":
            digest.update(name.encode() + b"\0" + (out_dir / name).read_bytes())
    version = digest.hexdigest()[:16]
    # The manifest is written after hashing (it holds the hash); the SW caches it like the rest.
    manifest = {"version": version, "wheel": WHEEL_NAME, "assets": assets}
    _write_site_file(out_dir / "manifest.json", (json.dumps(manifest, indent=2) + "\n").encode())
    # The service worker names its cache after the content hash, so a rebuilt page replaces
    # the cached one instead of mixing old and new files.
    sw = (WEB_SRC / "sw.js").read_text().replace("__BUILD_VERSION__", version)
    sw = sw.replace("__ASSETS__", json.dumps(assets))
    _write_site_file(out_dir / "sw.js", sw.encode())

    files = tuple(sorted(str(p.relative_to(out_dir)) for p in out_dir.rglob("*") if p.is_file()))
    total = sum((out_dir / f).stat().st_size for f in files)
    return BuildResult(out_dir, files, total, version)
