"""The version-aware model against the installed Docker CLI (28.x at /usr/local/bin/docker).

What a user meets: `docker pull`, `docker push` and classic `docker build` with a credHelpers
entry whose helper is missing and a stale inline token, and DOCKER_AUTH_CONFIG with a CLI
older than 28.3. A fake daemon on a Unix socket records the credentials the real client sends
(X-Registry-Auth, X-Registry-Config); the loopback TLS registry of tests/realdocker.py records
what `docker manifest inspect` sends. Each observation is compared with what
ecr_doctor.core.clients predicts for the version `capture` reads from that same client.
"""

from __future__ import annotations

import base64
import http.server
import json
import os
import socketserver
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ECR, require_binary
from realdocker import basic, docker_sends, install_helpers, tls_registry

from ecr_doctor.core.clients import helper_failure_uses, reads_docker_auth_config
from ecr_doctor.core.dockerconfig import parse_config
from ecr_doctor.core.environment import DockerAuthConfigEnv
from ecr_doctor.core.resolution import Source, resolve
from ecr_doctor.core.rules.base import Context
from ecr_doctor.machine.capture import capture

pytestmark = pytest.mark.real


class DaemonHandler(http.server.BaseHTTPRequestHandler):
    """Enough of the Engine API for the CLI to send its request; records X-Registry-*."""

    protocol_version = "HTTP/1.1"

    def reply(self, body: bytes = b"", ctype: str = "application/json") -> None:
        self.send_response(200)
        self.send_header("Api-Version", "1.47")
        self.send_header("Ostype", "linux")
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_HEAD(self) -> None:
        self.reply()

    def do_GET(self) -> None:
        self.reply(b"OK", "text/plain") if self.path.endswith("/_ping") else self.reply(b"{}")

    def do_POST(self) -> None:
        if self.headers.get("Transfer-Encoding") == "chunked":
            while (size := int(self.rfile.readline().strip() or b"0", 16)) > 0:
                self.rfile.read(size + 2)
            self.rfile.readline()
        else:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.seen.append((self.path, {  # type: ignore[attr-defined]
            k.lower(): v for k, v in self.headers.items() if k.lower().startswith("x-registry")}))
        body = (b'{"stream":"ok\\n"}\n{"aux":{"ID":"sha256:' + b"0" * 64 + b'"}}\n'
                if "/build" in self.path else b'{"status":"done"}\n')
        self.reply(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def get_request(self) -> tuple[Any, Any]:
        request, _ = super().get_request()
        return request, ("local", 0)  # BaseHTTPRequestHandler wants a (host, port)


@pytest.fixture(scope="module")
def daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[Any]]]:
    socket = tmp_path_factory.mktemp("daemon") / "docker.sock"
    server = UnixServer(str(socket), DaemonHandler)
    server.seen = []  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"unix://{socket}", server.seen  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


def decode(value: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))


def docker_version() -> tuple[int, int, int]:
    docker = require_binary("docker")
    env = capture({"PATH": os.path.dirname(docker), "HOME": "/nonexistent"}, probe_docker=True)
    assert env.docker is not None and env.docker.version_tuple is not None, env.docker
    return env.docker.version_tuple


def test_capture_reads_the_clients_own_version() -> None:
    docker = require_binary("docker")
    own = subprocess.run([docker, "--version"], capture_output=True, text=True, timeout=30)
    version = docker_version()
    assert own.stdout.startswith(f"Docker version {'.'.join(map(str, version))}")


def run_commands(daemon: tuple[str, list[Any]], tmp_path: Path, doc: dict[str, Any]
                 ) -> dict[str, Any]:
    """{command: (exit code, credentials sent for ECR or None)} for pull, push, classic build."""
    docker = require_binary("docker")
    host, seen = daemon
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "config.json").write_text(json.dumps(doc))
    (tmp_path / "ctx").mkdir()
    (tmp_path / "ctx" / "Dockerfile").write_text("FROM scratch\n")
    env = {"PATH": os.path.dirname(docker), "HOME": str(tmp_path), "DOCKER_HOST": host,
           "DOCKER_CONFIG": str(tmp_path / "cfg"), "DOCKER_BUILDKIT": "0"}
    commands = {"pull": ["pull", f"{ECR}/app:v1"], "push": ["push", f"{ECR}/app:v1"],
                "build": ["build", "-q", str(tmp_path / "ctx")]}
    results: dict[str, Any] = {}
    for name, argv in commands.items():
        seen.clear()
        done = subprocess.run([docker, *argv], env=env, capture_output=True, text=True,
                              timeout=60)
        sent = None
        for _, headers in seen:
            if "x-registry-auth" in headers:
                sent = decode(headers["x-registry-auth"]).get("username") or None
            elif "x-registry-config" in headers:
                sent = (decode(headers["x-registry-config"]).get(ECR) or {}).get("username")
        results[name] = (done.returncode, sent)
    return results


def predicted(doc: dict[str, Any], version: tuple[int, int, int]) -> dict[str, Any]:
    config = parse_config(json.dumps(doc), "config.json")
    uses = {u.operation.split(" (")[0]: u for u in helper_failure_uses(resolve(config, ECR),
                                                                       version)}
    by_key = {e.key: e for e in config.auths}
    out = {}
    for name in ("pull", "push", "build"):
        use = uses[name]
        if use.outcome == "fails":
            out[name] = ("fails", None)
        elif use.outcome == "inline":
            (key,) = resolve(config, ECR).helper_error_fallback
            out[name] = (0, by_key[key].decoded_username)
        else:
            out[name] = (0, None)
    return out


def normalised(observed: dict[str, Any]) -> dict[str, Any]:
    return {k: ("fails", None) if code != 0 else (0, user) for k, (code, user) in
            observed.items()}


def test_missing_helper_per_command_matches_the_client(daemon: tuple[str, list[Any]],
                                                       tmp_path: Path) -> None:
    doc = {"auths": {ECR: {"auth": basic("fileuser", "stale")}},
           "credHelpers": {ECR: "missing"}}
    observed = normalised(run_commands(daemon, tmp_path, doc))
    assert observed == predicted(doc, docker_version())
    if docker_version() < (28, 5, 0):
        # What a 28.x user meets: every command "works" and sends the stale token.
        assert observed == {"pull": (0, "fileuser"), "push": (0, "fileuser"),
                            "build": (0, "fileuser")}


def test_missing_creds_store_classic_build_sends_nothing(daemon: tuple[str, list[Any]],
                                                         tmp_path: Path) -> None:
    doc = {"auths": {ECR: {"auth": basic("fileuser", "stale")}}, "credsStore": "missing"}
    observed = normalised(run_commands(daemon, tmp_path, doc))
    assert observed == predicted(doc, docker_version())
    assert observed["build"] == (0, None)


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("registry")
    install_helpers(root / "bin", root / "calls.log")
    with tls_registry(root) as (host, seen, ca):
        yield {"root": root, "host": host, "seen": seen, "ca": ca}


def test_docker_auth_config_by_version_matches_the_client(registry: dict[str, Any]) -> None:
    docker = require_binary("docker")
    host = registry["host"]
    config_dir = registry["root"] / "dac"
    config_dir.mkdir()
    doc = {"auths": {host: {"auth": basic("fileuser", "pw")}}}
    (config_dir / "config.json").write_text(json.dumps(doc))
    value = json.dumps({"auths": {host: {"auth": basic("envuser", "pw")}}})
    sent = docker_sends(docker, config_dir, host, registry["ca"], registry["root"] / "bin",
                        registry["seen"], extra_env={"DOCKER_AUTH_CONFIG": value})
    version = docker_version()
    env = capture({"PATH": os.path.dirname(docker), "HOME": str(config_dir),
                   "DOCKER_AUTH_CONFIG": value}, probe_docker=True)
    assert env.docker_auth_config == DockerAuthConfigEnv(keys=(host,))
    ctx = Context(parse_config(json.dumps(doc), "config.json"), env)
    (found,) = ctx.registries
    resolution = ctx.resolution(found)
    expected = "envuser" if reads_docker_auth_config(version) else "fileuser"
    assert sent == {expected}
    assert resolution.source is (Source.ENV if expected == "envuser" else Source.AUTHS)
