"""A loopback TLS registry and logging credential helpers, to watch what the real Docker CLI sends.

The registry answers every request with a Basic challenge and records the Authorization
header; the helpers log each call. `docker manifest inspect` then shows exactly which
credential source the CLI chose — the ground truth the resolution model is checked against.
"""

from __future__ import annotations

import base64
import http.server
import json
import os
import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from conftest import require_binary

HELPER_USER = "helperuser"
ENV_USER = "envuser"


class ChallengeHandler(http.server.BaseHTTPRequestHandler):
    """A registry that answers every request with a Basic challenge and records what it saw
    (in `server.seen`): the Authorization header, or what `observed` returns."""

    def observed(self) -> object:
        return self.headers.get("Authorization")

    def do_GET(self) -> None:
        self.server.seen.append(self.observed())  # type: ignore[attr-defined]
        body = b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}'
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="ecr-doctor-test"')
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_HEAD = do_GET

    def log_message(self, format: str, *args: object) -> None:
        pass


def make_certificate(directory: Path, *, common_name: str = "127.0.0.1",
                     alt_names: str = "IP:127.0.0.1") -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [require_binary("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", f"/CN={common_name}",
         "-addext", f"subjectAltName={alt_names}"],
        check=True, capture_output=True,
    )
    return cert, key


@contextmanager
def tls_registry(directory: Path) -> Iterator[tuple[str, list[str | None], Path]]:
    """Yield (host:port, list of Authorization headers seen, CA file)."""
    cert, key = make_certificate(directory)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ChallengeHandler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.seen = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}", server.seen, cert  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


def install_helpers(bin_dir: Path, log: Path) -> None:
    """`fake` answers helperuser; `notfound` answers like the ECR helper on any failure."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    answer = json.dumps({"ServerURL": "x", "Username": HELPER_USER, "Secret": "helper-secret"})
    scripts = {
        "fake": f"echo \"fake $1 $(cat)\" >> '{log}'\necho '{answer}'\n",
        "notfound": f"echo \"notfound $1 $(cat)\" >> '{log}'\n"
                    "echo 'credentials not found in native keychain'\nexit 1\n",
    }
    for name, body in scripts.items():
        path = bin_dir / f"docker-credential-{name}"
        path.write_text("#!/bin/sh\n" + body)
        path.chmod(0o755)


def basic(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


def sent_user(header: str | None) -> str | None:
    if not header or not header.startswith("Basic "):
        return None
    return base64.b64decode(header[6:]).decode().split(":", 1)[0]


def docker_sends(
    docker: str, config_dir: Path, host: str, ca: Path, bin_dir: Path, seen: list[str | None],
    extra_env: dict[str, str] | None = None,
) -> set[str | None]:
    """Usernames the Docker CLI actually sent for `host` ({None}: anonymous). The CLI looks
    credentials up more than once per command, so a random pick can differ between looks."""
    seen.clear()
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "HOME": str(config_dir),
           "DOCKER_CONFIG": str(config_dir), "SSL_CERT_FILE": str(ca)}
    env.update(extra_env or {})
    subprocess.run([docker, "manifest", "inspect", f"{host}/app:v1"], env=env,
                   capture_output=True, text=True, timeout=30, check=False)
    users = {sent_user(h) for h in seen} - {None}
    return users or {None}


SKOPEO_ERROR = "<error>"


def skopeo_sends(
    skopeo: str, config_dir: Path, host: str, ca: Path, bin_dir: Path, seen: list[str | None],
) -> set[str | None]:
    """Usernames skopeo sent for `host` ({None}: anonymous), or {SKOPEO_ERROR} when the
    credential lookup itself failed (skopeo then sends nothing and exits)."""
    seen.clear()
    (config_dir / "run").mkdir(exist_ok=True)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "HOME": str(config_dir),
           "DOCKER_CONFIG": str(config_dir), "SSL_CERT_FILE": str(ca),
           # containers/image reads $XDG_RUNTIME_DIR/containers/auth.json first: keep it empty.
           "XDG_RUNTIME_DIR": str(config_dir / "run"), "XDG_CONFIG_HOME": str(config_dir / "xdg")}
    proc = subprocess.run([skopeo, "inspect", "--retry-times", "0", f"docker://{host}/app:v1"],
                          env=env, capture_output=True, text=True, timeout=30, check=False)
    if "error getting credentials" in proc.stderr or "getting username and password" in proc.stderr:
        return {SKOPEO_ERROR}
    # Anonymous, skopeo still answers a Basic challenge, with an empty user and password
    # (containers/image docker/docker_client.go · setupRequestAuth): that is "no credential".
    users = {sent_user(h) for h in seen} - {None, ""}
    return users or {None}
