"""The CLI as a user meets it: a real process, real files, exit codes, output formats."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ECR, expired_auth, live_auth
from envelope import validated


def cli(*args: str, home: Path, env: dict[str, str] | None = None,
        stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    base = {"PATH": os.environ["PATH"], "HOME": str(home), "NO_COLOR": "1",
            "AWS_PROFILE": "dev"}
    base.update(env or {})
    return subprocess.run([sys.executable, "-m", "ecr_doctor", *args], capture_output=True,
                          text=True, env=base, input=stdin, timeout=60)


def write_config(home: Path, doc: object, mode: int = 0o600) -> Path:
    path = home / ".docker" / "config.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent="\t") + "\n")
    path.chmod(mode)
    return path


def test_no_config_points_to_demo(tmp_path: Path) -> None:
    result = cli(home=tmp_path)
    assert result.returncode == 0
    assert "ecr-doctor demo" in result.stdout
    assert str(tmp_path / ".docker" / "config.json") in result.stdout


def test_a_legacy_dockercfg_alone_is_not_called_no_config(tmp_path: Path) -> None:
    # Docker 23.0 removed the legacy file (docker/cli docs/deprecated.md); "No Docker config
    # on this machine" beside a ~/.dockercfg full of logins left users wondering why none
    # of them was used.
    legacy = tmp_path / ".dockercfg"
    legacy.write_text(json.dumps({"https://index.docker.io/v1/": {"auth": "dXNlcjpwYXNz"}}))
    legacy.chmod(0o600)
    result = cli(home=tmp_path)
    assert "No Docker config on this machine" not in result.stdout
    assert f"{legacy}:1:2: CFG035 [low] a legacy .dockercfg" in result.stdout
    # Beside a config.json, Docker never looked at it; podman still does (its last fallback).
    write_config(tmp_path, {"auths": {}})
    assert "CFG035" not in cli(home=tmp_path).stdout


def test_demo_runs_anywhere(tmp_path: Path) -> None:
    result = cli("demo", home=tmp_path)
    assert result.returncode == 0, result.stderr
    for rule in ("CFG001", "CFG003", "CFG004", "CFG005", "ENV001"):
        assert rule in result.stdout
    assert "+\t\t\"123456789012.dkr.ecr.us-east-1.amazonaws.com\": \"ecr-login\"" in result.stdout


def test_diagnose_reports_and_exits_1(tmp_path: Path) -> None:
    token = live_auth(real_clock=True)
    path = write_config(tmp_path, {"auths": {ECR: {"auth": token}}})
    result = cli(home=tmp_path)
    assert result.returncode == 1
    assert f"{path}:3:" in result.stdout and "CFG001 [critical]" in result.stdout
    assert "ecr-doctor fix --write" in result.stdout
    assert token[:20] not in result.stdout + result.stderr


def test_fail_on_threshold(tmp_path: Path) -> None:
    write_config(tmp_path, {"auths": {ECR: {}}, "credHelpers": {ECR: "ecr-login"}})
    # Only an info finding (CFG007) remains, plus machine findings depending on PATH.
    result = cli("--fail-on", "critical", home=tmp_path)
    assert result.returncode == 0, result.stdout
    assert cli("--fail-on", "bogus", home=tmp_path).returncode == 2


def test_json_output_matches_schema(tmp_path: Path) -> None:
    write_config(tmp_path, {"auths": {f"https://{ECR}": {"auth": expired_auth()}}})
    result = cli("--format", "json", home=tmp_path)
    data = validated(result.stdout, "diagnose")
    assert json.loads(result.stdout)["exit_code"] == result.returncode == 1
    assert {f["rule_id"] for f in data["findings"]} >= {"CFG001", "CFG002"}


def test_config_location_precedence(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "config.json").write_text("{}")
    result = cli("--format", "json", home=tmp_path, env={"DOCKER_CONFIG": str(elsewhere)})
    assert validated(result.stdout, "diagnose")["config"]["source"] == "DOCKER_CONFIG"
    flag_dir = tmp_path / "flag"
    flag_dir.mkdir()
    (flag_dir / "config.json").write_text("{}")
    for arg in (str(flag_dir), str(flag_dir / "config.json")):
        data = validated(cli("--config", arg, "--format", "json", home=tmp_path,
                             env={"DOCKER_CONFIG": str(elsewhere)}).stdout, "diagnose")
        assert data["config"]["path"] == str(flag_dir / "config.json")
        assert data["config"]["source"] == "--config"


@pytest.mark.parametrize("content", ['{"auths": {', "\x00\x01\x02garbage", '{"a": 1,}'])
def test_bad_input_exits_2_with_position_and_writes_nothing(tmp_path: Path, content: str) -> None:
    path = tmp_path / ".docker" / "config.json"
    path.parent.mkdir()
    path.write_text(content)
    for args in ((), ("fix", "--write")):
        result = cli(*args, home=tmp_path)
        assert result.returncode == 2
        assert result.stderr.startswith(f"ecr-doctor: error: {path}:1:")
        assert path.read_text() == content
        assert list(path.parent.iterdir()) == [path]


def test_directory_as_config_is_clear_error(tmp_path: Path) -> None:
    (tmp_path / "x" / "config.json").mkdir(parents=True)
    result = cli("--config", str(tmp_path / "x"), home=tmp_path)
    assert result.returncode == 2 and "directory" in result.stderr


def test_fix_diff_check_write_cycle(tmp_path: Path) -> None:
    token = expired_auth()
    path = write_config(tmp_path, {"auths": {ECR: {"auth": token}}}, mode=0o644)
    original = path.read_text()

    diff = cli("fix", home=tmp_path)
    assert diff.returncode == 0 and "+\t\t\"%s\": \"ecr-login\"" % ECR in diff.stdout
    assert token[:16] not in diff.stdout and path.read_text() == original

    assert cli("fix", "--check", home=tmp_path).returncode == 1
    written = cli("fix", "--write", home=tmp_path)
    assert written.returncode == 0, written.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text()) == {"auths": {}, "credHelpers": {ECR: "ecr-login"}}
    backups = list(path.parent.glob("config.json.bak-*"))
    assert len(backups) == 1 and backups[0].read_text() == original
    assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600

    assert cli("fix", "--check", home=tmp_path).returncode == 0
    again = cli("fix", "--write", home=tmp_path)
    assert again.returncode == 0 and "nothing to fix" in again.stdout
    assert len(list(path.parent.glob("config.json.bak-*"))) == 1


def test_fix_json_output_matches_schema(tmp_path: Path) -> None:
    write_config(tmp_path, {"credHelpers": {f"https://{ECR}": "ecr-login"}})
    result = cli("fix", "--format", "json", home=tmp_path)
    data = validated(result.stdout, "fix")
    assert data["changed"] and not data["written"]


def test_fix_writes_through_symlink(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "docker.json"
    real.parent.mkdir()
    real.write_text(json.dumps({"credHelpers": {f"https://{ECR}": "ecr-login"}}))
    link = tmp_path / ".docker" / "config.json"
    link.parent.mkdir()
    link.symlink_to(real)
    assert cli("fix", "--write", home=tmp_path).returncode == 0
    assert link.is_symlink()
    assert json.loads(real.read_text()) == {"credHelpers": {ECR: "ecr-login"}}


def test_registry_flag_creates_config(tmp_path: Path) -> None:
    result = cli("fix", "--write", "--registry", ECR, home=tmp_path)
    assert result.returncode == 0, result.stderr
    path = tmp_path / ".docker" / "config.json"
    assert json.loads(path.read_text()) == {"credHelpers": {ECR: "ecr-login"}}
    assert cli("fix", "--registry", "ghcr.io", home=tmp_path).returncode == 2


def test_explain_error_and_rule(tmp_path: Path) -> None:
    write_config(tmp_path, {"auths": {ECR: {"auth": expired_auth()}}})
    text = ("Error response from daemon: pull access denied ... denied: Your authorization "
            "token has expired. Reauthenticate and try again.")
    result = cli("explain", text, home=tmp_path)
    assert result.returncode == 0
    assert "this machine shows it" in result.stdout and "CFG001" in result.stdout
    page = cli("explain", "CFG003", home=tmp_path)
    assert page.returncode == 0 and "Why it matters" in page.stdout
    piped = cli("explain", "-", home=tmp_path, stdin="no basic auth credentials\n")
    assert piped.returncode == 0 and "Likely causes" in piped.stdout


def test_rules_lists_everything(tmp_path: Path) -> None:
    data = validated(cli("rules", "--format", "json", home=tmp_path).stdout, "rules")
    assert {"CFG001", "CFG005", "ENV001", "ENV007"} <= {r["id"] for r in data["rules"]}


def test_help_says_offline(tmp_path: Path) -> None:
    result = cli("--help", home=tmp_path)
    text = " ".join(result.stdout.split())
    assert result.returncode == 0 and "only `verify` reaches beyond this machine" in text
    assert "Every other command is offline" in text
    for command in ("diagnose", "fix", "explain"):
        sub = " ".join(cli(command, "--help", home=tmp_path).stdout.split())
        assert "never touch the network" in sub, command
    assert cli("nonsense-command", home=tmp_path).returncode == 2


def test_write_failure_exits_3_and_leaves_original(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from ecr_doctor.cli.main import main
    from ecr_doctor.machine import files as fileio

    path = write_config(tmp_path, {"credHelpers": {f"https://{ECR}": "ecr-login"}})
    original = path.read_bytes()

    def failing_write(*args: object, **kwargs: object) -> None:
        raise fileio.WriteError("cannot rename temp file onto config.json: disk full")

    monkeypatch.setattr(fileio, "write_atomic", failing_write)
    err = io.StringIO()
    code = main(["fix", "--write", "--config", str(path)], stdout=io.StringIO(), stderr=err)
    assert code == 3
    assert "disk full" in err.getvalue() and "untouched" in err.getvalue()
    assert path.read_bytes() == original


def test_huge_file_is_refused_cleanly(tmp_path: Path) -> None:
    path = tmp_path / ".docker" / "config.json"
    path.parent.mkdir()
    with path.open("w") as fh:
        fh.write('{"auths": {')
        fh.write(",".join(f'"h{i}.example": {{}}' for i in range(2_500_000)))
        fh.write("}}")
    assert path.stat().st_size > 50_000_000
    result = cli(home=tmp_path)
    assert result.returncode == 2 and str(path) in result.stderr


def test_dangling_symlink_config_is_treated_as_missing(tmp_path: Path) -> None:
    link = tmp_path / ".docker" / "config.json"
    link.parent.mkdir()
    link.symlink_to(tmp_path / "gone" / "config.json")
    result = cli("fix", "--write", "--registry", ECR, home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink()
    assert json.loads((tmp_path / "gone" / "config.json").read_text()) == {
        "credHelpers": {ECR: "ecr-login"}}


def test_bare_diagnose_does_not_load_optional_machinery(tmp_path: Path) -> None:
    # Start-up is budgeted (benchmarks/startup.py): the main job must not pay for the fixer,
    # the explainer, other commands' modules or their third-party dependencies.
    code = ("import io, sys; from ecr_doctor.cli.main import main; main(['diagnose'], "
            "stdout=io.StringIO()); heavy = {'difflib', 'hashlib', 'subprocess', "
            "'ecr_doctor.core.fixer', 'ecr_doctor.core.explain', 'ecr_doctor.scan', 'ecr_doctor.core.redaction', "
            "'ecr_doctor.web.build', 'ecr_doctor.cli.verify', 'yaml', 'rich'}; "
            "print(sorted(heavy & set(sys.modules)))")
    write_config(tmp_path, {"credHelpers": {ECR: "ecr-login"}, "auths": {"ghcr.io": {}}})
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}, timeout=60)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


def test_every_command_module_is_reachable_and_complete() -> None:
    # A sub-command is a module of ecr_doctor.cli with configure() and run(); one left out of
    # COMMANDS would be dead code that --help never lists.
    import ecr_doctor.cli as package
    from ecr_doctor.cli.main import COMMANDS, command_module

    folder = Path(package.__file__).parent
    defining = sorted(p.stem for p in folder.glob("*.py") if "\ndef run(" in p.read_text())
    assert defining == sorted(COMMANDS)
    for name in COMMANDS:
        module = command_module(name)
        assert callable(module.configure) and callable(module.run)
        assert module.SUMMARY and module.DESCRIPTION


def test_no_config_but_broken_docker_auth_config_shows_the_findings(tmp_path: Path) -> None:
    """The "nothing is misconfigured yet" greeting is for a clean machine only."""
    result = cli(home=tmp_path, env={"DOCKER_AUTH_CONFIG": '{"auths": {'})
    assert result.returncode == 1, result.stdout
    assert "nothing is misconfigured" not in result.stdout
    assert "ENV" in result.stdout and "DOCKER_AUTH_CONFIG" in result.stdout


def test_fix_says_why_a_global_store_is_kept_and_what_to_run(tmp_path: Path) -> None:
    path = write_config(tmp_path, {"credsStore": "ecr-login"})
    original = path.read_text()
    result = cli("fix", "--write", "--unsafe-fixes", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert path.read_text() == original
    assert "1 fix(es) withheld: applying them would leave a registry worse off:" in result.stdout
    assert ("`ecr-doctor fix --write --unsafe-fixes --registry "
            "<account>.dkr.ecr.<region>.amazonaws.com`") in result.stdout


def test_web_on_a_busy_port_is_bad_usage_not_a_traceback(tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = cli("web", "--port", str(port), home=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"cannot serve on 127.0.0.1:{port}" in result.stderr
    assert cli("web", "--port", "70000", home=tmp_path).returncode == 2
