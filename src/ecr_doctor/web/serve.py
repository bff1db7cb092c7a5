"""Serve a built page on 127.0.0.1 only, with the security headers, and `ecr-doctor web`'s
build-then-serve loop.

The page itself has no backend: the server only hands out static files, with a
Content-Security-Policy that forbids every other origin, so "nothing leaves your browser" is
enforced by the browser rather than promised by us.
"""

from __future__ import annotations

import functools
import io
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO, TextIO

from ecr_doctor.web.build import build, copy_site, find_pyodide, is_content_addressed
from ecr_doctor.web.site import PACKAGED_SITE, page_version

DEFAULT_PORT = 8765

# The one policy, sent as a header and (minus frame-ancestors, which a <meta> cannot carry)
# repeated in index.html so a static host that sends no header still enforces it.
CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; "
    "img-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def accepted_encodings(header: str) -> frozenset[str]:
    """The codings an Accept-Encoding header allows (RFC 9110 §12.5.3): `q=0` refuses one."""
    allowed: set[str] = set()
    for item in header.split(",")[:32]:
        coding, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0 and coding:
            allowed.add(coding.strip().lower())
    return frozenset(allowed)


# Precompressed variants `web --build` writes beside a file, best first.
_VARIANTS = (("br", ".br"), ("gzip", ".gz"))


def make_server(root: Path, port: int = DEFAULT_PORT) -> ThreadingHTTPServer:
    """A static server for `root` bound to 127.0.0.1 only, with the page's security headers,
    precompressed files served with Content-Encoding, and content-named folders cached for
    good."""
    class Handler(SimpleHTTPRequestHandler):
        extensions_map = {  # noqa: RUF012  (the base class declares it a plain attribute)
            **SimpleHTTPRequestHandler.extensions_map,
            ".wasm": "application/wasm",   # needed for WebAssembly.instantiateStreaming
            ".mjs": "text/javascript",
            ".js": "text/javascript",
            ".json": "application/json",
            ".whl": "application/zip",
            ".zip": "application/zip",
            ".svg": "image/svg+xml",
        }
        _encoding: str | None = None
        _encoded_type: str = ""

        def send_head(self) -> io.BytesIO | BinaryIO | None:
            self._encoding = None
            url_path, sep, query = self.path.partition("?")
            local = self.translate_path(url_path)
            if url_path.endswith("/") and os.path.isdir(local):
                url_path, local = url_path + "index.html", os.path.join(local, "index.html")
            if os.path.isfile(local):
                allowed = accepted_encodings(self.headers.get("Accept-Encoding", ""))
                for coding, suffix in _VARIANTS:
                    if coding in allowed and os.path.isfile(local + suffix):
                        # The same file, smaller: its type is the original's, its encoding
                        # says how to read it.
                        self._encoding, self._encoded_type = coding, self.guess_type(local)
                        self.path = url_path + suffix + sep + query
                        break
            return super().send_head()

        def guess_type(self, path: str | os.PathLike[str]) -> str:
            return self._encoded_type if self._encoding else super().guess_type(path)

        def end_headers(self) -> None:
            for name, value in SECURITY_HEADERS.items():
                self.send_header(name, value)
            if self._encoding:
                self.send_header("Content-Encoding", self._encoding)
            self.send_header("Vary", "Accept-Encoding")
            if is_content_addressed(self.path.partition("?")[0]):
                # Named after its content: it never changes under this name.
                self.send_header("Cache-Control", "public, max-age=31536000, immutable")
            else:
                # Revalidate the page's own files every time: a stale HTTP cache must not pin
                # an old build under the service worker.
                self.send_header("Cache-Control", "no-cache")
            super().end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass  # a request log would only repeat the browser's own network panel

    class Server(ThreadingHTTPServer):
        def handle_error(self, request: object, client_address: object) -> None:
            # A browser that navigates away mid-download resets the connection: routine, so
            # no traceback on the user's terminal. Anything else is still reported.
            if isinstance(sys.exc_info()[1], ConnectionError):
                return
            super().handle_error(request, client_address)  # type: ignore[arg-type]

    handler = functools.partial(Handler, directory=str(root))
    return Server(("127.0.0.1", port), handler)


@contextmanager
def serving(root: Path) -> Iterator[str]:
    """`root` served as `make_server` does, on a free port, from a background thread; yields
    the origin (http://127.0.0.1:PORT) and stops the server on exit."""
    server = make_server(root, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _stop_on_sigterm() -> None:
    """Treat SIGTERM like Ctrl-C, so the temporary build folder is removed either way."""
    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    with suppress(ValueError):  # not the main thread (embedded use): leave as is
        signal.signal(signal.SIGTERM, stop)


class ServeError(Exception):
    """The page cannot be served as asked (a busy or impossible port)."""


def run_web(*, port: int, build_dir: str | None, serve_dir: str | None,
            pyodide_dir: str | None, out: TextIO) -> int:
    """`ecr-doctor web`: serve the page this install carries (or, in a checkout, build it
    first); `--build DIR` only writes the static site."""
    pyodide = Path(pyodide_dir) if pyodide_dir else None
    # The built-in page, unless the user asked for another runtime to build with.
    packaged = PACKAGED_SITE if pyodide is None and page_version(PACKAGED_SITE) else None
    if build_dir is not None:
        result = (copy_site(packaged, Path(build_dir)) if packaged
                  else build(Path(build_dir), pyodide_dir=pyodide))
        out.write(f"built {len(result.files)} files ({result.total_bytes / 1e6:.1f} MB) "
                  f"in {result.out_dir}\n")
        return 0
    if not 0 <= port <= 65535:
        raise ServeError(f"--port {port} is not a TCP port (0 to 65535; 0 picks a free one)")
    _stop_on_sigterm()
    with tempfile.TemporaryDirectory(prefix="ecr-doctor-web-") as tmp:
        root = Path(serve_dir) if serve_dir else (packaged or Path(tmp))
        if root == Path(tmp):
            find_pyodide(pyodide)  # no runtime to build with: say how to get one, bind nothing
        # Bind before building: a busy port is known in a millisecond, the build takes seconds.
        try:
            server = make_server(root, port)
        except OSError as exc:
            raise ServeError(f"cannot serve on 127.0.0.1:{port}: {exc.strerror or exc} "
                             "(another server there? choose one with --port, or 0 for any "
                             "free port)") from None
        if root == Path(tmp):
            build(root, pyodide_dir=pyodide)
        host, bound = server.server_address[:2]
        out.write(f"ecr-doctor web page: http://{host!s}:{bound}/  (Ctrl-C to stop)\n"
                  "Served on this machine only; the page sends nothing anywhere.\n")
        out.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
    return 0
