"""verify and the credential-helper protocol client, against fake helpers (real ones: test_real_chain)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import ECR

from ecr_doctor.core.tokens import make_ecr_password
from ecr_doctor.machine.helper_protocol import HelperOutcome, parse_get_output, run_get

SRC = str(Path(__file__).parent.parent / "src")


def helper(bin_dir: Path, name: str, body: str) -> Path:
    bin_dir.mkdir(parents=True, exist_ok=True)
    path = bin_dir / f"docker-credential-{name}"
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


def answer(secret: str, user: str = "AWS") -> str:
    return f"read url; printf '%s' '{json.dumps({'ServerURL': 'x', 'Username': user, 'Secret': secret})}'\n"


def test_protocol_sends_the_url_on_stdin_and_parses_json(tmp_path: Path) -> None:
    log = tmp_path / "calls"
    path = helper(tmp_path, "fake", f'read url; echo "$1 $url" > {log}\n'
                  'echo \'{"ServerURL":"s","Username":"AWS","Secret":"hunter2"}\'\n')
    result = run_get(str(path), ECR, {"PATH": "/usr/bin:/bin"}, 5)
    assert result.outcome is HelperOutcome.CREDENTIALS and result.username == "AWS"
    assert log.read_text().strip() == f"get {ECR}"
    assert "hunter2" not in repr(result) and result.secret is not None
    assert result.secret.reveal() == "hunter2"


@pytest.mark.parametrize(("out", "code", "outcome"), [
    (b"credentials not found in native keychain\n", 1, HelperOutcome.NOT_FOUND),
    (b"some failure", 1, HelperOutcome.ERROR),
    (b"", 2, HelperOutcome.ERROR),
    (b"not json", 0, HelperOutcome.BAD_OUTPUT),
    (b"[]", 0, HelperOutcome.BAD_OUTPUT),
    (b'{"Username":"AWS"}', 0, HelperOutcome.BAD_OUTPUT),
])
def test_protocol_outcomes(out: bytes, code: int, outcome: HelperOutcome) -> None:
    assert parse_get_output(out, code, 0.1).outcome is outcome


def test_bad_output_is_never_echoed() -> None:
    result = parse_get_output(b"AWS:supersecret-not-json", 0, 0.1)
    assert "supersecret" not in result.message


def test_protocol_timeout_kills_the_process_group(tmp_path: Path) -> None:
    marker = tmp_path / "child.pid"
    path = helper(tmp_path, "slow", f"sleep 30 & echo $! > {marker}\nwait\n")
    started = time.monotonic()
    result = run_get(str(path), ECR, {"PATH": "/usr/bin:/bin"}, 0.5)
    assert result.outcome is HelperOutcome.TIMEOUT
    assert time.monotonic() - started < 5
    child = int(marker.read_text())
    time.sleep(0.2)
    # Dead: gone, or a zombie waiting for whichever process adopted it to reap it.
    status = Path(f"/proc/{child}/status")
    assert not status.exists() or "State:\tZ" in status.read_text()


def test_protocol_missing_binary(tmp_path: Path) -> None:
    result = run_get(str(tmp_path / "nope"), ECR, {}, 1)
    assert result.outcome is HelperOutcome.NOT_RUNNABLE


def run_verify(tmp_path: Path, config: dict[str, object], *args: str, path: str = "",
               extra: dict[str, str] | None = None) -> tuple[int, str]:
    home = tmp_path / "home"
    (home / ".docker").mkdir(parents=True, exist_ok=True)
    (home / ".docker" / "config.json").write_text(json.dumps(config))
    env = {"HOME": str(home), "PATH": f"{path}:/usr/bin:/bin" if path else "/nonexistent",
           "PYTHONPATH": SRC, "NO_COLOR": "1", "AWS_EC2_METADATA_DISABLED": "true",
           "AWS_MAX_ATTEMPTS": "1", **(extra or {})}
    proc = subprocess.run([sys.executable, "-m", "ecr_doctor", "verify", *args], env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, proc.stdout


def test_verify_live_token_exit_0_and_no_secret(tmp_path: Path) -> None:
    password = make_ecr_password(datetime.now(UTC) + timedelta(hours=6))
    helper(tmp_path / "bin", "ecr-login", answer(password))
    code, out = run_verify(tmp_path, {"credHelpers": {ECR: "ecr-login"}}, path=str(tmp_path / "bin"))
    assert code == 0, out
    assert "live for" in out and "sha256:" in out and password not in out


def test_verify_expired_token_from_an_exit_0_helper_fails(tmp_path: Path) -> None:
    password = make_ecr_password(datetime.now(UTC) - timedelta(hours=1))
    helper(tmp_path / "bin", "ecr-login", answer(password))
    code, out = run_verify(tmp_path, {"credHelpers": {ECR: "ecr-login"}}, "--format", "json",
                           path=str(tmp_path / "bin"))
    report = json.loads(out)["result"]["registries"][0]
    assert code == 1 and report["token_state"] == "expired" and not report["usable"]
    assert password not in out


def test_verify_not_found_and_missing_and_static(tmp_path: Path) -> None:
    helper(tmp_path / "bin", "ecr-login",
           "echo 'credentials not found in native keychain'; exit 1\n")
    code, out = run_verify(tmp_path, {"credHelpers": {ECR: "ecr-login"}},
                           path=str(tmp_path / "bin"))
    assert code == 1 and "not found" in out
    code, out = run_verify(tmp_path, {"credHelpers": {ECR: "ecr-login"}})
    assert code == 1 and "not on PATH" in out
    code, out = run_verify(tmp_path, {"auths": {ECR: {"auth": "QVdTOng="}}})
    assert code == 1 and "static" in out


def test_verify_registry_not_in_config_is_checked_but_not_usable(tmp_path: Path) -> None:
    helper(tmp_path / "bin", "ecr-login", answer("pw"))
    code, out = run_verify(tmp_path, {}, "--registry", ECR, path=str(tmp_path / "bin"))
    assert code == 1 and "config does not use it" in out


def test_verify_usage_errors(tmp_path: Path) -> None:
    home = tmp_path
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "PYTHONPATH": SRC}
    for args in (["--registry", "ghcr.io"], ["--timeout", "0"], ["--format", "xml"]):
        proc = subprocess.run([sys.executable, "-m", "ecr_doctor", "verify", *args], env=env,
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2, (args, proc.stderr)


def test_verify_help_says_probe_is_the_only_network_use() -> None:
    proc = subprocess.run([sys.executable, "-m", "ecr_doctor", "verify", "--help"],
                          env={"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=60)
    assert "--probe" in proc.stdout and "network" in proc.stdout


def test_probe_reports_denied_message(tmp_path: Path) -> None:
    import http.server
    import ssl
    import threading

    from realdocker import make_certificate

    from ecr_doctor.machine.probe import probe
    from ecr_doctor.core.secrets import Secret

    class Denied(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps({"errors": [{"code": "DENIED", "message":
                                           "Your authorization token has expired."}]}).encode()
            self.send_response(403)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    cert, key = make_certificate(tmp_path)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Denied)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    old = os.environ.get("SSL_CERT_FILE")
    os.environ["SSL_CERT_FILE"] = str(cert)
    try:
        found = probe(f"127.0.0.1:{server.server_address[1]}", "AWS", Secret("x"), 5)
    finally:
        server.shutdown()
        if old is None:
            del os.environ["SSL_CERT_FILE"]
        else:
            os.environ["SSL_CERT_FILE"] = old
    assert found.status == 403
    assert found.message == "denied: Your authorization token has expired."
