"""verify and the credential-helper protocol client, against fake helpers (real ones: test_real_chain)."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from conftest import ECR, ECR2

from ecr_doctor.core.forensics import HelperLog
from ecr_doctor.core.tokens import TokenStatus, make_ecr_password
from ecr_doctor.core.verification import Check, Probe
from ecr_doctor.machine.helper_protocol import HelperOutcome, parse_get_output, run_get

SRC = str(Path(__file__).parent.parent / "src")


def helper(bin_dir: Path, name: str, body: str) -> Path:
    bin_dir.mkdir(parents=True, exist_ok=True)
    path = bin_dir / f"docker-credential-{name}"
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


def answer(secret: str, user: str = "AWS", server_url: str | None = None) -> str:
    """A helper body answering as docker-credential-helpers' Serve does: the ServerURL it was
    asked for (or `server_url`), the user name and the secret."""
    body = json.dumps({"ServerURL": "@URL@", "Username": user, "Secret": secret})
    before, after = body.split("@URL@")
    url = server_url if server_url is not None else "$url"
    return f"read url; printf '%s%s%s' '{before}' \"{url}\" '{after}'\n"


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
    assert "live for" in out and "fp:" in out and password not in out


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

    from ecr_doctor.core.secrets import Secret
    from ecr_doctor.machine.probe import probe

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


# --- The JSON report: the shared envelope, and schemas/verify.json for its result -------------

VERIFY_SCHEMA = Path(__file__).parent.parent / "src" / "ecr_doctor" / "schemas" / "verify.json"


def verify_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(VERIFY_SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_verify_json_result_matches_its_schema(tmp_path: Path) -> None:
    validator = verify_validator()
    live = make_ecr_password(datetime.now(UTC) + timedelta(hours=6))
    helper(tmp_path / "bin", "ecr-login", answer(live))
    helper(tmp_path / "bin", "other", "echo 'credentials not found in native keychain'; exit 1\n")
    scenarios: list[tuple[dict[str, object], tuple[str, ...]]] = [
        ({"credHelpers": {ECR: "ecr-login", ECR2: "other"}}, ()),
        ({"credHelpers": {ECR: "missing"}, "auths": {ECR2: {"auth": "QVdTOng="}}}, ()),
        ({}, ("--registry", ECR)),
        ({}, ()),
    ]
    seen: set[str] = set()
    for config, args in scenarios:
        code, out = run_verify(tmp_path, config, "--format", "json", *args,
                               path=str(tmp_path / "bin"))
        document = json.loads(out)
        assert document["schema_version"] == "2.3" and document["command"] == "verify"
        assert document["exit_code"] == code and document["tool"]["name"] == "ecr-doctor"
        validator.validate(document["result"])
        seen |= {r["outcome"] or r["reason"].split()[0] for r in document["result"]["registries"]}
        assert live not in out
    assert {"credentials", "not-found", "docker-credential-missing", "Docker"} <= seen


def test_schema_holds_every_field_the_renderer_writes() -> None:
    # A probe cannot be run from a test without a registry: render one and check it too.
    from ecr_doctor.render.verify import result

    check = Check(registry=ECR, source="credHelpers", helper="ecr-login", helper_path="/x",
                  helper_found=True, ran=True, outcome="credentials", exit_code=0, seconds=0.1,
                  username="AWS", fingerprint="fp:0123abcd", token_expires_at=datetime.now(UTC),
                  token_state="live", usable=False, reason="r", configured=True,
                  probe=Probe(url=f"https://{ECR}/v2/", status=403, message="denied: x"),
                  cache_state="stale")
    rendered = result("Config: x", [check], aws_chain=())
    verify_validator().validate(rendered)
    schema = json.loads(VERIFY_SCHEMA.read_text())
    assert set(schema["$defs"]["check"]["properties"]) == set(rendered["registries"][0])
    assert set(schema["$defs"]["check"]["required"]) == set(rendered["registries"][0])


# --- The judgement, as pure values --------------------------------------------------------------

def _judge(outcome: str = "credentials", *, state: str = "live", configured: bool = True,
           log: HelperLog | None = None) -> Check:
    from ecr_doctor.core.environment import HelperBinary
    from ecr_doctor.core.verification import HelperRun, Target, judge

    goal = Target(registry=ECR, source="credHelpers", helper="ecr-login", configured=configured)
    binary = HelperBinary("ecr-login", "docker-credential-ecr-login", "/bin/h", True, True)
    run = HelperRun(outcome=outcome, exit_code=0, seconds=0.12345, username="AWS",
                    fingerprint="fp:00000000", message="boom")
    token = TokenStatus(state=state, expires_at=None, seconds_left=None)  # type: ignore[arg-type]
    return judge(goal, binary=binary, run=run, token=token, log=log, cache_state=None)


def test_check_is_frozen_and_keyword_only() -> None:
    import dataclasses

    with pytest.raises(TypeError):
        Check(ECR, "credHelpers", None, None)  # type: ignore[call-arg]
    check = _judge()
    with pytest.raises(dataclasses.FrozenInstanceError):
        check.usable = False  # type: ignore[misc]


def test_judgement_reasons() -> None:
    live = _judge()
    assert live.usable and live.reason == "credentials returned"
    assert live.seconds == 0.123
    log = HelperLog("/log", True, "Falling back to cached token: refused", None, True)
    expired = _judge(state="expired", log=log)
    assert not expired.usable and expired.fell_back_to_cache
    assert expired.reason.endswith(
        "'denied: Your authorization token has expired'; helper log: Falling back to cached "
        "token: refused")
    # A usable run ignores the log: its errors belong to earlier runs.
    assert _judge(log=log).helper_log_error is None
    failed = _judge("error")
    assert failed.reason == "the helper failed (error): boom"
    unconfigured = _judge(configured=False)
    assert not unconfigured.usable
    assert unconfigured.reason.startswith(
        "credentials returned; but the config does not use it")


def test_judgement_without_a_run() -> None:
    from ecr_doctor.core.environment import HelperBinary
    from ecr_doctor.core.verification import Target, judge

    static = judge(Target(registry=ECR, source="auths", helper=None, configured=True,
                          auth_key=ECR), binary=None, run=None, token=None, log=None,
                   cache_state="fresh")
    assert not static.usable and not static.ran and static.cache_state == "fresh"
    assert static.reason.startswith(f"Docker sends the static auths[{ECR}] token")
    goal = Target(registry=ECR, source="anonymous", helper="ecr-login", configured=False)
    lost = HelperBinary("ecr-login", "docker-credential-ecr-login", "/h", True, False)
    not_exec = judge(goal, binary=lost, run=None, token=None, log=None, cache_state=None)
    assert not_exec.reason == (
        "docker-credential-ecr-login is not executable; Docker cannot run it; but the config "
        "does not use it: Docker sends no credentials for this registry (run `ecr-doctor fix "
        f"--write --registry {ECR}`)")
    missing = judge(goal, binary=None, run=None, token=None, log=None, cache_state=None)
    assert "is not on PATH" in missing.reason and not missing.helper_found


def test_a_probe_that_is_not_200_makes_the_check_unusable() -> None:
    from ecr_doctor.core.verification import with_probe

    check = _judge()
    ok = with_probe(check, Probe(url="u", status=200, message=""))
    assert ok.usable and ok.reason == check.reason and ok.probe is not None
    denied = with_probe(check, Probe(url="u", status=403, message="denied: expired"))
    assert not denied.usable
    assert denied.reason == "credentials returned; but the registry answered 403 (denied: expired)"
    silent = with_probe(check, Probe(url="u", status=None, message=""))
    assert silent.reason.endswith("answered nothing")


# --- Reading the helper log: only this run's lines, bounded, never blocking ---------------------

def test_helper_log_since_reads_only_what_the_run_added(tmp_path: Path) -> None:
    from ecr_doctor.machine.forensics import helper_log_size, read_helper_log_since

    log = tmp_path / "ecr-login.log"
    log.write_text('time="t1" level=error msg="old failure" error="from yesterday"\n')
    offset = helper_log_size(str(log))
    with log.open("a") as handle:
        handle.write('time="t2" level=info msg="Retrieving credentials"\n')
    read = read_helper_log_since(str(log), offset)
    assert read is not None and read.last_error is None
    # Rotated (now shorter than the offset): read from the start.
    log.write_text('level=error msg="new failure"\n')
    read = read_helper_log_since(str(log), offset)
    assert read is not None and read.last_error == "new failure"
    assert read_helper_log_since(str(tmp_path / "none.log"), 0) is None
    assert helper_log_size(str(tmp_path / "none.log")) == 0
    fifo = tmp_path / "fifo.log"
    os.mkfifo(fifo)
    assert read_helper_log_since(str(fifo), 0) is None


def test_probe_error_body_is_read_as_docker_prints_it() -> None:
    from ecr_doctor.machine.probe import error_message

    assert error_message(b'{"errors":[{"code":"UNAUTHORIZED","message":"no"}]}') == (
        "unauthorized: no")
    for body in (b"", b"<html>", b"[]", b'{"errors": 5}', b'{"errors": [1, "x"]}'):
        assert error_message(body) == ""


# --- Hostile helpers: what they print never reaches a report, and they cannot hang verify ----


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_failing_helper_that_prints_its_credential_json_is_not_echoed(
        tmp_path: Path, fmt: str) -> None:
    password = make_ecr_password(datetime.now(UTC) + timedelta(hours=6))
    # A wrapper that lets the real helper answer, then exits 1 (e.g. `set -e` tripping late).
    helper(tmp_path / "bin", "ecr-login", answer(password) + "exit 1\n")
    code, out = run_verify(tmp_path, {"credHelpers": {ECR: "ecr-login"}}, "--format", fmt,
                           path=str(tmp_path / "bin"))
    assert code == 1
    assert password not in out and password[:40] not in out
    assert "may hold a credential" in out


def test_a_failing_helper_quoting_a_token_in_its_error_is_masked(tmp_path: Path) -> None:
    password = make_ecr_password(datetime.now(UTC) + timedelta(hours=6))
    helper(tmp_path / "bin", "ecr-login",
           f"read url; echo 'error: token {password} was refused; retry with -p hunter2hunter2'\n"
           "exit 1\n")
    code, out = run_verify(tmp_path, {"credHelpers": {ECR: "ecr-login"}},
                           path=str(tmp_path / "bin"))
    assert code == 1 and "the helper failed (error)" in out
    assert password[:24] not in out and "hunter2hunter2" not in out


def test_a_helper_that_streams_forever_is_stopped_at_the_output_cap(tmp_path: Path) -> None:
    path = helper(tmp_path, "firehose", "read url; exec yes 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'\n")
    result = run_get(str(path), ECR, {"PATH": "/usr/bin:/bin"}, 20)
    assert result.outcome is HelperOutcome.BAD_OUTPUT
    assert "more than" in result.message and "AAAA" not in result.message


def test_a_helper_answering_for_another_registry_is_not_ok(tmp_path: Path) -> None:
    password = make_ecr_password(datetime.now(UTC) + timedelta(hours=6))
    helper(tmp_path / "bin", "ecr-login", answer(password, server_url=f"https://{ECR2}"))
    code, out = run_verify(tmp_path, {"credHelpers": {ECR: "ecr-login"}},
                           path=str(tmp_path / "bin"))
    assert code == 1 and "FAIL" in out
    assert f"answered for ServerURL 'https://{ECR2}', not for {ECR}" in out


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e308", "0", "-1"])
def test_an_unusable_timeout_is_bad_usage(tmp_path: Path, value: str) -> None:
    home = tmp_path / "home"
    home.mkdir()
    proc = subprocess.run([sys.executable, "-m", "ecr_doctor", "verify", f"--timeout={value}"],
                          env={"HOME": str(home), "PATH": "/usr/bin:/bin", "PYTHONPATH": SRC},
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "--timeout must be" in proc.stderr


def test_a_registry_error_body_is_shown_short_and_masked() -> None:
    from ecr_doctor.machine.probe import error_message

    token = "eyJwYXlsb2FkIjoi" + "A" * 300
    body = json.dumps({"errors": [{"code": "DENIED", "message": f"bad token {token} " + "x" * 900}]})
    shown = error_message(body.encode())
    assert shown.startswith("denied: bad token") and token[:40] not in shown
    assert len(shown) <= 400


def _docker_login_then_fix(tmp_path: Path, *, expires_in: timedelta) -> tuple[Path, str]:
    """A config with a `docker login` ECR token, rewritten by `fix --write`: the backup it keeps
    holds that token."""
    password = make_ecr_password(datetime.now(UTC) + expires_in)
    auth = base64.b64encode(f"AWS:{password}".encode()).decode()
    home = tmp_path / "home"
    (home / ".docker").mkdir(parents=True, exist_ok=True)
    config = home / ".docker" / "config.json"
    config.write_text(json.dumps({"auths": {ECR: {"auth": auth}}}))
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "PYTHONPATH": SRC, "NO_COLOR": "1"}
    proc = subprocess.run([sys.executable, "-m", "ecr_doctor", "fix", "--write",
                           "--unsafe-fixes"], env=env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert list((home / ".docker").glob("config.json.bak-*")), "fix kept no backup"
    return home, password


def _verify_after_fix(tmp_path: Path, home: Path, *args: str,
                      helper_body: str) -> tuple[int, str]:
    helper(tmp_path / "bin", "ecr-login", helper_body)
    env = {"HOME": str(home), "PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin", "PYTHONPATH": SRC,
           "NO_COLOR": "1", "AWS_EC2_METADATA_DISABLED": "true"}
    proc = subprocess.run([sys.executable, "-m", "ecr_doctor", "verify", *args], env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, proc.stdout


def test_verify_offers_to_remove_a_live_token_backup_once_the_new_setup_works(
        tmp_path: Path) -> None:
    home, old = _docker_login_then_fix(tmp_path, expires_in=timedelta(hours=8))
    fresh = make_ecr_password(datetime.now(UTC) + timedelta(hours=11))
    code, out = _verify_after_fix(tmp_path, home, helper_body=answer(fresh))
    (backup,) = (home / ".docker").glob("config.json.bak-*")
    assert code == 0, out
    assert str(backup) in out and "ecr-doctor verify --remove-live-backups" in out
    assert backup.exists()  # offered, not done
    assert old not in out and fresh not in out

    code, out = _verify_after_fix(tmp_path, home, "--remove-live-backups", "--format", "json",
                                  helper_body=answer(fresh))
    (entry,) = json.loads(out)["result"]["live_token_backups"]
    assert code == 0 and entry["removed"] and entry["hosts"] == [ECR]
    assert not backup.exists()


def test_verify_keeps_a_live_token_backup_when_verification_fails(tmp_path: Path) -> None:
    home, _ = _docker_login_then_fix(tmp_path, expires_in=timedelta(hours=8))
    failing = "echo 'credentials not found in native keychain'; exit 1\n"
    code, out = _verify_after_fix(tmp_path, home, "--remove-live-backups", helper_body=failing)
    (backup,) = (home / ".docker").glob("config.json.bak-*")
    assert code == 1 and backup.exists()
    assert "Kept: verify did not pass" in out


def test_a_backup_holding_only_an_expired_token_is_not_listed(tmp_path: Path) -> None:
    home, _ = _docker_login_then_fix(tmp_path, expires_in=-timedelta(hours=1))
    fresh = make_ecr_password(datetime.now(UTC) + timedelta(hours=11))
    code, out = _verify_after_fix(tmp_path, home, "--remove-live-backups",
                                  helper_body=answer(fresh))
    assert code == 0 and "live ECR token" not in out
    assert list((home / ".docker").glob("config.json.bak-*"))


def test_a_backup_rewritten_after_it_was_judged_is_not_removed(tmp_path: Path) -> None:
    from ecr_doctor.machine.backups import backups_beside, remove_backup

    home, _ = _docker_login_then_fix(tmp_path, expires_in=timedelta(hours=8))
    (backup,) = backups_beside(str(home / ".docker" / "config.json")).found
    Path(backup.path).write_bytes(backup.data + b"\n")  # someone else's edit
    assert not remove_backup(backup) and Path(backup.path).exists()


def test_diagnose_reports_a_backup_that_holds_a_live_token(tmp_path: Path) -> None:
    home, password = _docker_login_then_fix(tmp_path, expires_in=timedelta(hours=8))
    (backup,) = (home / ".docker").glob("config.json.bak-*")
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "PYTHONPATH": SRC, "NO_COLOR": "1"}
    for fmt in ("text", "json"):
        proc = subprocess.run([sys.executable, "-m", "ecr_doctor", "diagnose", "--format", fmt],
                              env=env, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 1 and password not in proc.stdout
        assert f"{backup}:1:" in proc.stdout or f'"path": "{backup}"' in proc.stdout
        assert "SCN001" in proc.stdout
