"""Build the offline page into a static folder: the page's files, Pyodide, and a zip that
holds the core and the page's module (precompiled for Pyodide's CPython).

It writes files and runs Node (to precompile), so it never ships in the browser bundle.
"""

from __future__ import annotations

import ast
import contextlib
import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import NamedTuple

from ecr_doctor import __version__
from ecr_doctor.machine.files import write_atomic
from ecr_doctor.web.site import HOW_TO_GET_THE_PAGE

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
# The core as the page imports it: a zip on sys.path, like the standard library's.
CORE_NAME = f"ecr_doctor-{__version__}.zip"
# Where the page (app.js, told by the manifest) writes it before putting it on sys.path; the
# bytecode is compiled under this name, so a traceback names the module where it was imported from.
CORE_PATH_ON_PAGE = "/lib/ecr_doctor.zip"
# Served encoded when the browser accepts it (see serve.py); archives are compressed already.
_ENCODABLE = (".html", ".js", ".mjs", ".css", ".svg", ".json", ".wasm", ".zip")
_ENCODE_MIN = 1024
# A fixed timestamp makes the zip byte-for-byte reproducible.
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


def core_zip(bytecode: dict[str, bytes] | None = None) -> bytes:
    """The core as an importable zip: each module as `name.pyc` beside where its source
    would be (where zipimport looks; it never reads `__pycache__`), and the bundled examples.
    Without `bytecode` (module source path -> .pyc, see `precompile`) it holds the sources,
    which zipimport compiles on import (the build's own trial run does that)."""
    members: list[tuple[str, bytes]] = []
    for name, data in bundle_sources():
        if bytecode is not None and name.endswith(".py"):
            members.append((name + "c", bytecode[name]))
        else:
            members.append((name, data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(members):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=9)
    return buffer.getvalue()


def _write_site_file(path: Path, data: bytes) -> None:
    """Every file of the site goes through the one writer (machine.files): atomic, 0644 so
    any static host can serve it."""
    write_atomic(str(path), data, backup=False, mode=0o644)


def is_built_site(out_dir: Path) -> bool:
    """Whether `out_dir` holds a site `build` wrote: its manifest.json names our core."""
    try:
        manifest = json.loads((out_dir / "manifest.json").read_bytes())
    except (OSError, ValueError):
        return False
    # "wheel": what builds before the core became a plain zip named it.
    core = manifest.get("core", manifest.get("wheel")) if isinstance(manifest, dict) else None
    return (isinstance(core, str) and core.rpartition("/")[2].startswith("ecr_doctor-")
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


class Precompiled(NamedTuple):
    stdlib: bytes                       # the trimmed, precompiled python_stdlib.zip
    core: dict[str, bytes]              # the core's bytecode: source path -> .pyc
    kept: int                           # standard-library modules shipped
    dropped: int                        # and left out (not in the page's import closure)


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        raise BuildError("Node.js (`node`) is needed to build the page (it precompiles the "
                         "page's Python and compresses the files): install it, then "
                         "`npm ci --prefix web` in the checkout")
    return node


def _run_node(script: str, *args: str, what: str, web_src: Path, timeout: int = 600) -> str:
    try:
        proc = subprocess.run([_node(), str(web_src / script), *args], check=True,
                              capture_output=True, text=True, timeout=timeout)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        detail = getattr(exc, "stderr", "") or ""
        # Node prints the minified line an error came from: the end says what happened.
        raise BuildError(f"{what} failed: {exc}\n{detail[-3000:]}") from exc
    return proc.stdout


def precompile(pyodide: Path, web_src: Path = WEB_SRC) -> Precompiled:
    """Compile the standard library and the core to bytecode with Pyodide's own CPython
    (under Node, the runtime `npm ci` needed anyway; web/precompile.mjs), and trim the
    standard library to the page's import closure. Without the bytecode the page compiles
    ~2 MB of Python source at every start: measured ~1.6 s of a ~3.3 s first result on a
    2-CPU machine."""
    with tempfile.TemporaryDirectory(prefix="ecr-doctor-pyc-") as tmp:
        core = Path(tmp) / "core"
        core.mkdir()
        # Node writes into this private scratch folder; the result reaches the site through
        # the one writer.
        stdlib_tmp = Path(tmp) / "python_stdlib.zip"
        source_zip = Path(tmp) / CORE_NAME
        source_zip.write_bytes(core_zip())
        sources = [name for name, _ in bundle_sources() if name.endswith(".py")]
        for name, data in bundle_sources():
            if name.endswith(".py"):
                (core / name).parent.mkdir(parents=True, exist_ok=True)
                (core / name).write_bytes(data)
        out = _run_node("precompile.mjs", str(pyodide), str(pyodide / "python_stdlib.zip"),
                        str(stdlib_tmp), str(core), str(source_zip), CORE_PATH_ON_PAGE,
                        what="precompiling Python for the page", web_src=web_src)
        try:
            report = json.loads(out.strip().splitlines()[-1])
        except (ValueError, IndexError) as exc:
            raise BuildError(f"precompiling Python for the page said nothing usable: {out!r}"
                             ) from exc
        compiled = {name: (core / (name + "c")).read_bytes() for name in sources
                    if (core / (name + "c")).is_file()}
        stdlib = stdlib_tmp.read_bytes()
    if len(compiled) != len(sources):
        raise BuildError(f"precompiled {len(compiled)} core modules, expected {len(sources)}")
    return Precompiled(stdlib, compiled, int(report["kept"]), int(report["dropped"]))


def find_pyodide(explicit: Path | None = None, web_src: Path = WEB_SRC) -> Path:
    candidates = [explicit] if explicit else [web_src / "node_modules" / "pyodide"]
    for candidate in candidates:
        if candidate and all((candidate / name).is_file() for name in PYODIDE_FILES):
            return candidate
    if explicit is None and not (web_src / "precompile.mjs").is_file():
        # An install, not a checkout: there is nothing here to build from.
        raise BuildError(HOW_TO_GET_THE_PAGE)
    raise BuildError(
        f"pyodide runtime not found in {candidates[0]}: run `npm ci --prefix {web_src}` "
        "(package-lock.json pins the version)"
    )


def copy_site(source: Path, out_dir: Path) -> BuildResult:
    """A finished build (the one this install carries) copied to `out_dir`, through the one
    writer, with the same rules as `build` for what `out_dir` may already hold."""
    check_out_dir(out_dir)
    manifest = json.loads((source / "manifest.json").read_bytes())
    files = sorted(f for f in manifest["files"] if f != "manifest.json")
    previous = _previous_files(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if not is_built_site(out_dir):
        _write_site_file(out_dir / "manifest.json", (json.dumps(
            {"version": "incomplete", "core": manifest["core"], "assets": [],
             "files": files}, indent=2) + "\n").encode())
    for name in files:
        if not (source / name).resolve().is_relative_to(source.resolve()):
            raise BuildError(f"the built-in page names a file outside it: {name!r}")
        (out_dir / name).parent.mkdir(parents=True, exist_ok=True)
        _write_site_file(out_dir / name, (source / name).read_bytes())
    _write_site_file(out_dir / "manifest.json", (source / "manifest.json").read_bytes())
    written = [*files, "manifest.json"]
    _remove_stale(out_dir, previous, set(written))
    total = sum((out_dir / f).stat().st_size for f in written)
    return BuildResult(out_dir, tuple(sorted(written)), total, str(manifest["version"]))


def _lock_without_packages(lock: bytes) -> bytes:
    """Pyodide's lock file with its `info` (the ABI it checks) and no packages: the page
    installs none (the core is standard library only), and the 357 entries were 119 KB
    fetched and parsed at every start."""
    try:
        info = json.loads(lock)["info"]
    except (ValueError, KeyError, TypeError) as exc:
        raise BuildError(f"pyodide-lock.json has no `info` ({exc})") from exc
    return (json.dumps({"info": info, "packages": {}}, sort_keys=True) + "\n").encode()


def _content_dir(prefix: str, files: dict[str, bytes]) -> str:
    """A folder named after what it holds: its files never change under that name, so a
    browser may keep them for good (the server says `immutable`)."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return f"{prefix}-{digest.hexdigest()[:12]}"


def is_content_addressed(url_path: str) -> bool:
    """Whether a site path lies in a content-named folder (see `_content_dir`)."""
    first = url_path.lstrip("/").split("/", 1)[0]
    prefix, _, digest = first.partition("-")
    return (prefix in ("runtime", "core") and len(digest) == 12
            and all(c in "0123456789abcdef" for c in digest))


def _encoded_variants(files: dict[str, bytes], suffixes: tuple[str, ...],
                      web_src: Path) -> dict[str, bytes]:
    """`name.br` and `name.gz` (those of them in `suffixes`) for each file worth it: text and
    WebAssembly, not already compressed archives, and only where the variant is clearly
    smaller."""
    worth = {name: data for name, data in files.items()
             if name.endswith(_ENCODABLE) and len(data) >= _ENCODE_MIN}
    variants: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory(prefix="ecr-doctor-br-") as tmp:
        names = sorted(worth)
        inputs = []
        for n, name in enumerate(names):
            (Path(tmp) / f"{n}.in").write_bytes(worth[name])
            inputs.append(str(Path(tmp) / f"{n}.in"))
        if names and ".br" in suffixes:
            _run_node("compress.mjs", str(_compression_cache()), tmp, *inputs,
                      what="compressing the page's files", web_src=web_src)
        for n, name in enumerate(names):
            data = worth[name]
            for suffix in suffixes:
                encoded = ((Path(tmp) / f"{n}.br").read_bytes() if suffix == ".br"
                           else gzip.compress(data, 9, mtime=0))
                if len(encoded) <= len(data) * 0.95:
                    variants[name + suffix] = encoded
    return variants


def _compression_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ecr-doctor" / "brotli"


def _previous_files(out_dir: Path) -> list[str]:
    if not is_built_site(out_dir):
        return []
    manifest = json.loads((out_dir / "manifest.json").read_bytes())
    files = manifest.get("files", [])
    return [f for f in files if isinstance(f, str)] if isinstance(files, list) else []


def _is_site_name(name: str) -> bool:
    """A name `build` writes: a page file, the manifest, or a file in a content-named folder,
    each maybe with its .br/.gz form. A manifest that lists anything else (edited, or not
    ours after all) never gets that file removed."""
    plain = name.removesuffix(".br").removesuffix(".gz")
    if plain in (*PAGE_FILES, "manifest.json"):
        return True
    folder, sep, file = plain.partition("/")
    return bool(sep) and "/" not in file and is_content_addressed(folder + "/")


def _remove_stale(out_dir: Path, previous: list[str], current: set[str]) -> None:
    """Files an earlier build wrote (its manifest lists them) and this one did not: removed,
    so an old runtime folder does not linger. Nothing the manifest does not name is touched."""
    root = out_dir.resolve()
    emptied: set[Path] = set()
    for name in previous:
        if name in current or not _is_site_name(name):
            continue
        path = (out_dir / name)
        if not path.resolve().is_relative_to(root) or path.is_symlink() or not path.is_file():
            continue
        path.unlink()
        emptied.add(path.parent)
    for folder in sorted(emptied, key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):  # not empty: something else lives there
            if folder.resolve() != root:
                folder.rmdir()


def build(out_dir: Path, *, pyodide_dir: Path | None = None,
          encodings: tuple[str, ...] = (".br", ".gz"), web_src: Path | None = None
          ) -> BuildResult:
    """Write the self-contained static site to `out_dir`: created, empty, or an earlier build
    (whose files are replaced); any other folder is refused (BuildError, nothing written).

    Layout: the page's own files at the top (revalidated on every visit), the runtime and
    the core's zip in content-named folders (cached for good), and `.br` / `.gz` (those in
    `encodings`) beside every file worth compressing, for `ecr-doctor web` to serve with
    Content-Encoding. The copy in ecr-doctor's own wheel has `.br` only: every current
    browser takes Brotli, and the rest get the plain file. `web_src`: the page's sources
    (default: the checkout's web/ beside src/; a suite run against an installed wheel names
    its checkout's)."""
    check_out_dir(out_dir)
    web_src = web_src or WEB_SRC
    pyodide = find_pyodide(pyodide_dir, web_src)
    if not all((web_src / name).is_file() for name in PAGE_FILES):
        raise BuildError(f"page sources missing in {web_src}")
    previous = _previous_files(out_dir)
    compiled = precompile(pyodide, web_src)
    runtime = {name: (pyodide / name).read_bytes() for name in PYODIDE_FILES}
    runtime["python_stdlib.zip"] = compiled.stdlib
    runtime["pyodide-lock.json"] = _lock_without_packages(runtime["pyodide-lock.json"])
    runtime_dir = _content_dir("runtime", runtime)
    core = core_zip(compiled.core)
    core_dir = _content_dir("core", {CORE_NAME: core})

    files: dict[str, bytes] = {f"{runtime_dir}/{name}": data for name, data in runtime.items()}
    files[f"{core_dir}/{CORE_NAME}"] = core
    for name in PAGE_FILES:
        if name != "sw.js":
            files[name] = (web_src / name).read_bytes()
    assets = ["./", "manifest.json", *PAGE_FILES, *sorted(n for n in files if "/" in n)]
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name])
    version = digest.hexdigest()[:16]
    # The service worker names its cache after the content hash, so a rebuilt page replaces
    # the cached one instead of mixing old and new files.
    sw = (web_src / "sw.js").read_text().replace("__BUILD_VERSION__", version)
    files["sw.js"] = sw.replace("__ASSETS__", json.dumps(assets)).encode()
    files.update(_encoded_variants(files, encodings, web_src))

    out_dir.mkdir(parents=True, exist_ok=True)
    if not is_built_site(out_dir):
        # Claim the folder first, so a build interrupted half-way can be run again into it.
        _write_site_file(out_dir / "manifest.json", (json.dumps(
            {"version": "incomplete", "core": CORE_NAME, "assets": [],
             "files": sorted(files)}, indent=2) + "\n").encode())
    for name, data in sorted(files.items()):
        (out_dir / name).parent.mkdir(parents=True, exist_ok=True)
        _write_site_file(out_dir / name, data)
    # Written last: the manifest is what makes the folder a finished build.
    written = sorted([*files, "manifest.json"])
    manifest = {"version": version, "runtime": f"{runtime_dir}/",
                "core": f"{core_dir}/{CORE_NAME}", "core_path": CORE_PATH_ON_PAGE,
                "assets": assets, "files": written,
                "stdlib_modules": {"kept": compiled.kept, "dropped": compiled.dropped}}
    _write_site_file(out_dir / "manifest.json", (json.dumps(manifest, indent=2) + "\n").encode())
    _remove_stale(out_dir, previous, set(written))
    total = sum((out_dir / f).stat().st_size for f in written)
    return BuildResult(out_dir, tuple(written), total, version)
