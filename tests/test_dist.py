"""What a user installs: the sdist and the wheel carry the built page, a wheel built from the
sdist is the same wheel, and a `pipx`-style install serves the page with no Node and no
network, to the same corrected config as the CLI.

The distributions are built from a copy of the project's files as a clean clone has them,
with `python -m build --no-isolation` (offline; the test extra brings setuptools and build).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from conftest import need, require_binary
from pagedriver import CHROMIUM_ARGS, Browser, cli_fix

from ecr_doctor.web import build as web

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "src" / "ecr_doctor" / "examples" / "01-stale-static-token.json"
BUILD_TIMEOUT = 900
SITE_PREFIX = "ecr_doctor/web/site/"


def _project_copy(dest: Path) -> Path:
    """The project's files as a clean clone has them (tracked and new, nothing ignored), and
    the pinned pyodide npm package `npm ci` installed."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    (dest / "web" / "node_modules").symlink_to(REPO / "web" / "node_modules")
    return dest


def _build(args: list[str], cwd: Path, *, path: str | None = None) -> None:
    env = {**os.environ, "ECR_DOCTOR_REQUIRE_PAGE": "1"}
    if path is not None:
        env["PATH"] = path
    proc = subprocess.run([sys.executable, "-m", "build", "--no-isolation", *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


def _members(wheel: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(wheel) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


class Dists(NamedTuple):
    sdist: Path
    wheel: Path              # built from the checkout, by build_py (Node builds the page)
    wheel_from_sdist: Path   # built from the sdist with no Node on PATH


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> Dists:
    require_binary("node")
    try:
        web.find_pyodide(web_src=REPO / "web")
    except web.BuildError as exc:
        need(False, str(exc))
    work = tmp_path_factory.mktemp("dist")
    project = _project_copy(work / "project")
    _build(["--sdist", "--outdir", str(work / "sdist")], project)
    _build(["--wheel", "--outdir", str(work / "wheel")], project)
    (sdist,) = (work / "sdist").glob("*.tar.gz")
    (wheel,) = (work / "wheel").glob("*.whl")
    shutil.unpack_archive(sdist, work / "unpacked")
    (unpacked,) = (work / "unpacked").iterdir()
    bare_path = str(Path(sys.executable).parent)  # python, and no node
    assert shutil.which("node", path=bare_path) is None
    _build(["--wheel", "--outdir", str(work / "from-sdist")], unpacked, path=bare_path)
    (from_sdist,) = (work / "from-sdist").glob("*.whl")
    return Dists(sdist, wheel, from_sdist)


def test_the_wheel_carries_the_built_page(dists: Dists) -> None:
    members = _members(dists.wheel)
    manifest = json.loads(members[SITE_PREFIX + "manifest.json"])
    # Every file the build wrote, the runtime with its Brotli form, and the core's zip.
    assert {SITE_PREFIX + f for f in manifest["files"]} <= set(members)
    assert SITE_PREFIX + manifest["core"] in members
    assert SITE_PREFIX + manifest["runtime"] + "pyodide.asm.wasm.br" in members
    assert not any(n.endswith(".gz") for n in members if n.startswith(SITE_PREFIX))
    # Nothing the build only needs: no Node scripts, no npm tree.
    assert not any("node_modules" in n or (n.endswith(".mjs") and "/runtime-" not in n)
                   for n in members)
    size = dists.wheel.stat().st_size
    assert size < 12_000_000, f"the wheel grew to {size / 1e6:.1f} MB (README says ~9 MB)"


def test_an_sdist_builds_the_same_wheel_without_node(dists: Dists) -> None:
    direct, from_sdist = _members(dists.wheel), _members(dists.wheel_from_sdist)
    assert sorted(direct) == sorted(from_sdist)
    differing = [name for name in direct if direct[name] != from_sdist[name]]
    assert differing == []


@pytest.fixture(scope="module")
def installed(dists: Dists, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv, as pipx makes one, with the wheel (and its dependencies) installed."""
    home = tmp_path_factory.mktemp("pipx-venv")
    venv.create(home / "venv", with_pip=True)
    pip = subprocess.run([str(home / "venv" / "bin" / "python"), "-m", "pip", "install", "-q",
                          str(dists.wheel)], capture_output=True, text=True,
                         timeout=BUILD_TIMEOUT)
    assert pip.returncode == 0, pip.stderr[-3000:]
    return home / "venv" / "bin"


def _bare_env(bin_dir: Path, home: Path) -> dict[str, str]:
    env = {"PATH": str(bin_dir), "HOME": str(home), "LANG": "C.UTF-8"}
    assert shutil.which("node", path=env["PATH"]) is None and shutil.which(
        "npm", path=env["PATH"]) is None
    return env


def test_version_names_the_built_in_page(installed: Path, dists: Dists, tmp_path: Path) -> None:
    out = subprocess.run([str(installed / "ecr-doctor"), "--version"], capture_output=True,
                         text=True, env=_bare_env(installed, tmp_path), cwd=tmp_path,
                         timeout=60, check=True).stdout
    manifest = json.loads(_members(dists.wheel)[SITE_PREFIX + "manifest.json"])
    assert out.strip() == f"ecr-doctor {web.__version__} (page {manifest['version']})"


def test_web_build_copies_the_built_in_page_with_no_node(installed: Path, tmp_path: Path) -> None:
    proc = subprocess.run([str(installed / "ecr-doctor"), "web", "--build", str(tmp_path / "s")],
                          capture_output=True, text=True, env=_bare_env(installed, tmp_path),
                          cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert web.is_built_site(tmp_path / "s") and (tmp_path / "s" / "index.html").is_file()


@pytest.fixture
def served(installed: Path, tmp_path: Path) -> Iterator[str]:
    proc = subprocess.Popen([str(installed / "ecr-doctor"), "web", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=_bare_env(installed, tmp_path), cwd=tmp_path)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert "http://127.0.0.1:" in line, line + (proc.stderr.read() if proc.stderr else "")
        yield line.split()[3].rstrip("/")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.real
def test_an_installed_wheel_serves_the_page_to_the_clis_fix(
        served: str, tmp_path: Path) -> None:
    chromium = require_binary("chromium")
    from playwright.sync_api import sync_playwright

    text = EXAMPLE.read_text()
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=chromium, args=CHROMIUM_ARGS,
            headless=True)
        try:
            page = context.pages[0] if context.pages else context.new_page()
            browser = Browser(context, page, served)
            context.route("**/*", browser.route)
            browser.load()
            browser.diagnose(text)
            assert page.text_content("#fixed") == cli_fix(text)
        finally:
            context.close()
    assert browser.requests and browser.foreign == []
    assert all(url.startswith(served + "/") for url in browser.requests)


def test_an_install_without_a_page_says_how_to_get_one(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # A wheel built where Node was missing, installed: no page inside, no checkout around.
    from ecr_doctor.cli.main import main
    from ecr_doctor.web import serve

    monkeypatch.setattr(serve, "PACKAGED_SITE", tmp_path / "site")
    monkeypatch.setattr(web, "WEB_SRC", tmp_path / "lib" / "python3.11" / "web")
    for argv in (["web", "--port", "0"], ["web", "--build", str(tmp_path / "out")]):
        err = io.StringIO()
        assert main(argv, stdout=io.StringIO(), stderr=err) == 2
        message = err.getvalue()
        assert "pipx install --force ecr-doctor" in message, message
        assert "npm ci --prefix web && pip install ." in message
        assert "site-packages" not in message and "lib/python" not in message
    assert not (tmp_path / "out").exists()
