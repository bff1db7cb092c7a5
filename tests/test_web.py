"""The offline page in real headless Chromium: the same core, same answers, no other origin.

The page is built once per module (`ecr-doctor web --build`), served on 127.0.0.1:0 by the
same server `ecr-doctor web` uses, and driven by Playwright with the system Chromium. Every
request the browser makes (the page's and its service worker's) goes through one route that
records it and aborts anything not for the page's own origin; the last test fails if any such
request was even attempted.
"""

from __future__ import annotations

import functools
import io
import json
import shutil
import subprocess
import sys
import threading
import urllib.request
import zipfile
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import ECR, expired_auth, need, require_binary
from pagedriver import CHROMIUM_ARGS, Browser, cli_fix

from ecr_doctor.core.engine import diagnose_text
from ecr_doctor.core.environment import unknown_environment
from ecr_doctor.core.explain import explain_error
from ecr_doctor.web import build as web
from ecr_doctor.web.serve import serving

SRC = Path(web.PACKAGE_DIR)
# The page's sources in this checkout: named, so the suite also runs against an installed
# wheel (the release workflow does), where the package has no web/ beside it.
WEB_SRC = Path(__file__).resolve().parent.parent / "web"
EXAMPLES = sorted((SRC / "examples").glob("*.json"))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> web.BuildResult:
    try:
        web.find_pyodide(web_src=WEB_SRC)
    except web.BuildError as exc:
        need(False, str(exc))
    return web.build(tmp_path_factory.mktemp("site"), web_src=WEB_SRC)


@pytest.fixture(scope="module")
def origin(site: web.BuildResult) -> Iterator[str]:
    with serving(site.out_dir) as url:
        yield url


@pytest.fixture(scope="module")
def browser(origin: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    chromium = require_binary("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need(False, "playwright (pip) not installed")
    with sync_playwright() as pw:
        # A persistent context on a fresh profile: no state from earlier runs, and the flags
        # keep Chromium from phoning home on its own (which would muddy the origin check).
        context = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("profile")), executable_path=chromium,
            args=CHROMIUM_ARGS, headless=True, viewport={"width": 1280, "height": 900},
        )
        page = context.pages[0] if context.pages else context.new_page()
        b = Browser(context, page, origin)
        b.playwright = pw  # one Playwright per process: a test needing a second profile uses it
        context.route("**/*", b.route)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        b.load()
        yield b
        context.close()
    assert not errors, errors


# --- the build and the server, no browser needed --------------------------------------------


def _manifest(site: web.BuildResult) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads((site.out_dir / "manifest.json").read_text())
    return manifest


def test_bundle_is_the_core_and_the_page_module_only(site: web.BuildResult) -> None:
    manifest = _manifest(site)
    with zipfile.ZipFile(site.out_dir / manifest["core"]) as archive:
        names = set(archive.namelist())
    modules = {n[:-1] for n in names if n.endswith(".pyc")}  # as source paths
    core = {p.relative_to(SRC.parent).as_posix() for p in (SRC / "core").rglob("*.py")}
    page = {"ecr_doctor/__init__.py", "ecr_doctor/web/__init__.py", "ecr_doctor/web/api.py"}
    # By construction: every core module, the page's module, and nothing that runs a process,
    # reads the environment or writes a file (machine/, cli/, the rest of web/).
    assert modules == core | page
    # Each precompiled for the page's CPython (no compile at start-up), where zipimport looks
    # (beside the source's place, never __pycache__), and with the examples the page offers.
    assert not any(n.endswith(".py") or "__pycache__" in n for n in names)
    assert {f"ecr_doctor/examples/{p.name}" for p in EXAMPLES} <= names
    # Only what loadPyodide fetches (no source maps, no npm leftovers), each with the
    # precompressed forms the server hands out.
    runtime = site.out_dir / manifest["runtime"]
    shipped = {p.name for p in runtime.iterdir()}
    assert {n for n in shipped if not n.endswith((".br", ".gz"))} == set(web.PYODIDE_FILES)
    assert {"pyodide.asm.wasm.br", "pyodide.asm.wasm.gz", "pyodide.asm.mjs.br"} <= shipped


def test_standard_library_is_trimmed_to_what_the_page_imports(site: web.BuildResult) -> None:
    manifest = _manifest(site)
    with zipfile.ZipFile(site.out_dir / manifest["runtime"] / "python_stdlib.zip") as stdlib:
        names = set(stdlib.namelist())
    # Precompiled, sources left out; what the core and Pyodide import is there...
    assert not any(n.endswith(".py") for n in names)
    for needed in ("os.pyc", "json/__init__.pyc", "difflib.pyc", "traceback.pyc",
                   "encodings/utf_8.pyc", "_pyodide/_base.pyc", "pyodide/ffi/__init__.pyc"):
        assert needed in names, needed
    # ...and what nothing on the page can import is not.
    for unused in ("unittest/__init__.pyc", "sqlite3/__init__.pyc", "email/__init__.pyc",
                   "xml/dom/minidom.pyc", "encodings/cp037.pyc", "pydoc.pyc"):
        assert unused not in names, unused
    kept = manifest["stdlib_modules"]
    assert kept["kept"] < kept["dropped"]


def test_a_rebuild_removes_what_the_last_build_wrote_and_nothing_else(
        site: web.BuildResult, tmp_path: Path) -> None:
    out = tmp_path / "site"
    first = web.build(out, web_src=WEB_SRC)
    stale = out / "runtime-0123456789ab" / "pyodide.asm.wasm"
    stale.parent.mkdir()
    stale.write_bytes(b"an older build's runtime")
    mine = out / "notes.txt"
    mine.write_text("the user's own file")
    manifest = json.loads((out / "manifest.json").read_text())
    # The stale runtime is listed; so is the user's file, as an edited (or foreign) manifest
    # could: only names of the build's own layout are ever removed.
    manifest["files"] += ["runtime-0123456789ab/pyodide.asm.wasm", "notes.txt"]
    (out / "manifest.json").write_text(json.dumps(manifest))
    again = web.build(out, web_src=WEB_SRC)
    assert again.version == first.version
    assert not stale.parent.exists()  # listed by the last build: removed, folder too
    assert mine.read_text() == "the user's own file"  # never ours: kept


def test_bundle_imports_only_the_standard_library(site: web.BuildResult) -> None:
    """What runs in Pyodide has no third-party import, lazy ones included."""
    import ast

    for name, path in web.bundle_modules().items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                roots = {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                roots = {node.module.split(".")[0]}
            else:
                continue
            foreign = roots - set(sys.stdlib_module_names) - {"ecr_doctor"}
            assert not foreign, f"{name} imports {sorted(foreign)}"


def test_build_is_reproducible(site: web.BuildResult, tmp_path: Path) -> None:
    again = web.build(tmp_path / "again", web_src=WEB_SRC)
    assert again.version == site.version and again.files == site.files
    for name in site.files:
        assert (again.out_dir / name).read_bytes() == (site.out_dir / name).read_bytes(), name


def _get(url: str, **headers: str) -> tuple[Any, bytes]:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request) as response:
        return response.headers, response.read()


def test_headers_csp_and_mime_types(site: web.BuildResult, origin: str) -> None:
    headers, body = _get(origin + "/")
    html = body.decode()
    csp = headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'",
                      "connect-src 'self'", "object-src 'none'", "base-uri 'none'",
                      "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval'" not in csp.replace("wasm-unsafe-eval'", "")
    assert 'http-equiv="Content-Security-Policy"' in html and "default-src 'self'" in html
    # No absolute URL anywhere in the page: everything is relative to its own origin.
    assert "http://" not in html and "https://" not in html
    runtime = "/" + _manifest(site)["runtime"]
    for path, mime in ((runtime + "pyodide.asm.wasm", "application/wasm"),
                       (runtime + "pyodide.mjs", "text/javascript"),
                       ("/app.js", "text/javascript")):
        headers, _ = _get(origin + path)
        assert headers["Content-Type"].startswith(mime), path
        assert "Content-Security-Policy" in headers


@pytest.mark.parametrize(("accept", "coding"), [
    ("gzip, deflate, br, zstd", "br"), ("gzip", "gzip"), ("br;q=0, gzip;q=0.5", "gzip"),
    ("identity", None), ("", None)])
def test_precompressed_files_are_served_to_browsers_that_take_them(
        site: web.BuildResult, origin: str, accept: str, coding: str | None) -> None:
    wasm = "/" + _manifest(site)["runtime"] + "pyodide.asm.wasm"
    raw = (site.out_dir / wasm.lstrip("/")).read_bytes()
    headers, body = _get(origin + wasm, **({"Accept-Encoding": accept} if accept else {}))
    # The type is the file's own (streaming compilation needs application/wasm), the encoding
    # says how to read it, and caches keep the forms apart.
    assert headers["Content-Type"] == "application/wasm"
    assert headers.get("Content-Encoding") == coding
    assert "Accept-Encoding" in headers["Vary"]
    assert int(headers["Content-Length"]) == len(body)
    if coding == "gzip":
        import gzip
        assert gzip.decompress(body) == raw and len(body) < len(raw) / 2
    elif coding is None:
        assert body == raw
    else:
        assert len(body) < len(raw) / 3


def test_content_named_files_are_cached_for_good_the_page_revalidated(
        site: web.BuildResult, origin: str) -> None:
    manifest = _manifest(site)
    for path in ("/" + manifest["core"], "/" + manifest["runtime"] + "pyodide.asm.wasm"):
        headers, _ = _get(origin + path)
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable", path
    for path in ("/", "/index.html", "/app.js", "/manifest.json", "/sw.js"):
        headers, _ = _get(origin + path, **{"Accept-Encoding": "br"})
        assert headers["Cache-Control"] == "no-cache", path
    # A folder merely named like one is not trusted to be content-named.
    assert not web.is_content_addressed("/runtime-latest/pyodide.asm.wasm")
    assert web.is_content_addressed("/" + manifest["runtime"] + "pyodide.mjs")


def test_cli_builds_and_serves_on_loopback(site: web.BuildResult, tmp_path: Path) -> None:
    from ecr_doctor.cli.main import main

    out = io.StringIO()
    assert main(["web", "--build", str(tmp_path / "out")], stdout=out) == 0
    assert "built" in out.getvalue()
    assert (tmp_path / "out" / "index.html").is_file()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ecr_doctor", "web", "--port", "0", "--serve", str(site.out_dir)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert "http://127.0.0.1:" in line, line
        url = line.split()[3]
        with urllib.request.urlopen(url) as response:
            assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# --- the page in Chromium ---------------------------------------------------------------------


@pytest.mark.real
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
def test_page_fix_equals_cli_fix(browser: Browser, example: Path, unsafe: bool) -> None:
    text = example.read_text()
    browser.diagnose(text, unsafe=unsafe)
    page = browser.page
    expected_ids = [f.rule_id for f in diagnose_text(text, "config.json", unknown_environment()).findings]
    shown_ids = [t.strip() for t in page.locator("#findings .rule-id").all_text_contents()]
    assert shown_ids == expected_ids and shown_ids
    # Byte for byte: textContent keeps tabs and newlines exactly.
    assert page.text_content("#fixed") == cli_fix(text, unsafe=unsafe)
    assert page.locator("#findings details.rule").count() == len(expected_ids)


@pytest.mark.real
def test_paste_broken_config_shows_findings_rule_pages_and_fix(browser: Browser) -> None:
    token = expired_auth(seed=7)
    config = json.dumps({"auths": {f"https://{ECR}": {"auth": token}}}, indent="\t") + "\n"
    browser.diagnose(config)
    page = browser.page
    assert "CFG001" in page.locator("#findings .rule-id").all_text_contents()
    details = page.locator("#findings details.rule").first
    details.locator("summary").click()
    assert "What it does" in details.inner_text() and "How to fix" in details.inner_text()
    fixed = page.text_content("#fixed")
    assert fixed == cli_fix(config)
    # The page cannot see whether docker-credential-ecr-login is installed, so mapping the host
    # to it is an unsafe fix (unticked by default); removing the expired token is safe.
    assert json.loads(fixed or "") == {"auths": {}}
    diff = page.text_content("#diff") or ""
    assert "+" in diff and token not in diff  # the diff masks credentials, as the CLI's does


@pytest.mark.real
def test_unparsable_config_shows_the_position(browser: Browser) -> None:
    browser.diagnose('{\n  "auths": {,\n}\n')
    error = browser.page.locator("#error")
    assert error.is_visible()
    assert "config.json:2:" in (error.text_content() or "")
    assert browser.page.text_content("#fixed") == ""  # no stale fix from the previous paste
    assert browser.page.is_disabled("#download-fixed")


@pytest.mark.real
def test_redacted_version_has_no_planted_secret(browser: Browser) -> None:
    token = expired_auth(seed=11)
    account = "987654321098"
    host = f"{account}.dkr.ecr.ap-southeast-2.amazonaws.com"
    config = json.dumps({"auths": {host: {"auth": token}},
                         "credHelpers": {"registry.corp-secret-name.example": "desktop"}},
                        indent="\t")
    browser.diagnose(config)
    redacted = browser.page.text_content("#redacted") or ""
    if web._module_file("ecr_doctor.core.redaction") is None:
        # Built before redaction.py landed: the page must say so rather than show the input.
        assert "unavailable" in redacted and token not in redacted
        return
    assert redacted.strip()
    for planted in (token, token[:40], account, "corp-secret-name"):
        assert planted not in redacted
    assert "amazonaws.com" in redacted or "ECR" in redacted.upper()


@pytest.mark.real
def test_explain_ranks_the_same_causes_as_the_cli(browser: Browser) -> None:
    page = browser.page
    error = ("Error response from daemon: Head \"https://%s/v2/app/manifests/latest\": "
             "no basic auth credentials" % ECR)
    page.fill("#error-text", error)
    page.click("#explain")
    page.wait_for_selector("#explain-out .cause")
    expected = explain_error(error, diagnose_text(page.input_value("#config"), "config.json",
                                                  unknown_environment()).findings)
    titles = [t.strip() for t in page.locator("#explain-out .cause-head strong").all_text_contents()]
    assert titles == [c.title for c in expected.causes]
    assert page.locator("#explain-out .runtime").inner_text() == expected.runtime_line()


@pytest.mark.real
def test_the_page_names_the_runtime_of_a_kubelet_event(browser: Browser) -> None:
    page = browser.page
    event = ('Warning  Failed  2m  kubelet  Failed to pull image "%s/app:1": rpc error: code = '
             "Unknown desc = failed to pull and unpack image: 401 Unauthorized" % ECR)
    page.fill("#error-text", event)
    page.click("#explain")
    page.wait_for_selector("#explain-out .cause")
    assert page.locator("#explain-out .runtime").inner_text().startswith(
        "Runtime: Kubernetes (kubelet)")
    expected = explain_error(event, diagnose_text(page.input_value("#config"), "config.json",
                                                  unknown_environment()).findings)
    first = page.locator("#explain-out .cause-head strong").first.inner_text()
    assert first == expected.causes[0].title


@pytest.mark.real
def test_keyboard_only(browser: Browser) -> None:
    page = browser.page
    page.fill("#config", "")
    page.focus("#config")
    page.keyboard.insert_text(EXAMPLES[0].read_text())
    page.keyboard.press("Control+Enter")
    browser.runs += 1
    page.wait_for_selector(f'body[data-runs="{browser.runs}"]', state="attached")
    assert page.locator("#findings .finding").count() > 0
    # Every control is reachable with Tab and labelled.
    for control in ("#config", "#diagnose", "#file", "#example", "#unsafe", "#error-text",
                    "#explain", "#copy-fixed", "#download-fixed"):
        assert page.eval_on_selector(control, "e => e.tabIndex >= 0"), control
        label = page.eval_on_selector(
            control, "e => (e.labels && e.labels.length ? e.labels[0].textContent : '') "
            "+ (e.getAttribute('aria-label') || '') + (e.textContent || '')")
        assert label.strip(), control


@pytest.mark.real
def test_readable_on_a_phone(browser: Browser) -> None:
    page = browser.page
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        browser.diagnose(EXAMPLES[0].read_text())
        # No sideways scrolling of the page itself; long lines scroll inside their own box.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.real
def test_works_offline_once_loaded(browser: Browser) -> None:
    page = browser.page
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    browser.context.set_offline(True)
    try:
        browser.load()
        browser.diagnose(EXAMPLES[1].read_text())
        assert page.text_content("#fixed") == cli_fix(EXAMPLES[1].read_text())
    finally:
        browser.context.set_offline(False)


@pytest.mark.real
def test_csp_blocks_other_origins_and_none_was_requested(browser: Browser) -> None:
    # The policy itself stops a connection attempt before it becomes a request...
    outcome = browser.page.evaluate(
        "fetch('http://203.0.113.7/collect').then(() => 'sent', e => 'blocked: ' + e)")
    assert outcome.startswith("blocked")
    # ...and over the whole session (load, every paste, explain, service worker, offline
    # reload) every request went to the page's own origin.
    assert browser.requests, "the route recorded nothing: the check would prove nothing"
    assert browser.foreign == [], browser.foreign
    assert all(url.startswith(browser.origin + "/") for url in browser.requests)


def test_a_browser_leaving_mid_download_prints_no_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import socket
    import struct
    import time

    (tmp_path / "big.wasm").write_bytes(b"\0" * (16 << 20))
    with serving(tmp_path) as url:
        client = socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1])))
        client.sendall(b"GET /big.wasm HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        client.recv(1024)
        # Close with RST, as a browser cancelling a transfer does.
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()
        time.sleep(0.5)  # the server thread hits the reset while writing the rest
        assert urllib.request.urlopen(f"{url}/big.wasm").status == 200  # still serving
    assert "Traceback" not in capsys.readouterr().err


# --- the page's fixes: the unknown machine never counts as having the helper ------------------


def test_page_holds_back_replacing_a_live_token_until_unsafe_is_ticked() -> None:
    from conftest import live_auth

    from ecr_doctor.web.api import analyse

    text = json.dumps({"auths": {ECR: {"auth": live_auth(real_clock=True)}}}, indent="\t")
    safe = json.loads(analyse(text))
    assert not safe["fix"]["changed"] and safe["fix"]["after"] == text
    assert sorted(f["rule_id"] for f in safe["fix"]["unsafe_skipped"]) == ["CFG001", "CFG002"]
    unsafe = json.loads(analyse(text, unsafe=True))
    assert json.loads(unsafe["fix"]["after"]) == {"auths": {}, "credHelpers": {ECR: "ecr-login"}}


def test_page_never_empties_a_global_store_config() -> None:
    from ecr_doctor.web.api import analyse

    text = json.dumps({"credsStore": "ecr-login"})
    data = json.loads(analyse(text, unsafe=True))
    assert data["fix"]["after"] == text
    (f,) = [f for f in data["findings"] if f["rule_id"] == "CFG005"]
    assert "ecr-doctor fix --write --unsafe-fixes --registry" in f["message"]


def test_a_paste_too_large_for_the_page_is_refused_with_a_way_out() -> None:
    # A 2.4 MB paste froze the page for 25 s: the page's one thread runs the core.
    from ecr_doctor.web import api

    result = json.loads(api.analyse("{" + " " * (api.MAX_PASTE_CHARS + 1) + "}"))
    assert not result["ok"] and result["too_large"]
    assert "ecr-doctor diagnose --config FILE" in result["error"]
    assert result["redacted"] == {"text": "", "placeholders": 0}


@pytest.mark.parametrize("call", ["analyse", "explain"])
def test_a_bug_in_the_core_is_an_answer_the_page_can_show(
        monkeypatch: pytest.MonkeyPatch, call: str) -> None:
    # An exception escaping into the page stopped it before it redrew: the previous paste's
    # findings and fix stayed on screen as if they were this one's.
    from ecr_doctor.web import api

    secret = "planted-" + "s3cr3t" * 4

    def broken(*_args: object, **_kwargs: object) -> object:
        raise RuntimeError(f"core bug quoting the paste: {secret}")

    monkeypatch.setattr(api, "diagnose_text", broken)
    monkeypatch.setattr("ecr_doctor.core.explain.explain_error", broken)  # imported lazily
    args = ('{"auths": {}}',) if call == "analyse" else ("no basic auth credentials",)
    raw = getattr(api, call)(*args)
    result = json.loads(raw)
    assert result["ok"] is False and result["internal"] is True
    assert "RuntimeError" in result["error"] and secret not in raw
    assert result["redacted"]["text"] == "" and result["causes"] == []


# --- a plain static host, under a sub-path -----------------------------------------------------


class _PlainStaticHost(SimpleHTTPRequestHandler):
    """What a static host such as GitHub Pages does for the page: files with their types, and
    no security header at all (so only the page's <meta> policy can hold)."""

    extensions_map = {  # noqa: RUF012  (the base class declares it a plain attribute)
        **SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm",
        ".mjs": "text/javascript", ".js": "text/javascript", ".json": "application/json"}

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.mark.real
def test_the_built_site_works_from_a_sub_path_of_a_plain_static_host(
        site: web.BuildResult, browser: Browser, tmp_path: Path) -> None:
    chromium = require_binary("chromium")

    shutil.copytree(site.out_dir, tmp_path / "root" / "ecr-doctor")
    (tmp_path / "root" / "index.html").write_text("the host's own page")
    handler = functools.partial(_PlainStaticHost, directory=str(tmp_path / "root"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    text = EXAMPLES[0].read_text()
    try:
        headers, _ = _get(origin + "/ecr-doctor/")
        assert "Content-Security-Policy" not in headers  # the host sends none
        context = browser.playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=chromium, args=CHROMIUM_ARGS,
            headless=True)
        try:
            page = context.pages[0] if context.pages else context.new_page()
            b = Browser(context, page, origin, url=origin + "/ecr-doctor/")
            context.route("**/*", b.route)
            b.load()
            b.diagnose(text)
            assert page.text_content("#fixed") == cli_fix(text)
            # The <meta> policy is in force: a connection elsewhere is refused by the page
            # itself, before any request exists.
            outcome = page.evaluate(
                "fetch('http://203.0.113.7/collect').then(() => 'sent', e => 'blocked')")
            assert outcome == "blocked"
            assert page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)") == \
                origin + "/ecr-doctor/"
        finally:
            context.close()
    finally:
        server.shutdown()
        server.server_close()
    assert b.foreign == []
    # Everything the page fetched lives under its sub-path: nothing assumed the site root.
    assert all(url.startswith(origin + "/ecr-doctor/") for url in b.requests), b.requests
