"""`ecr-doctor redact` / `unredact` as a user meets them: real processes, files, modes, exits."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from conftest import ECR, expired_auth

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
CONFIG = json.dumps({"auths": {ECR: {"auth": expired_auth()}},
                     "HttpHeaders": {"X-Key": "AKIAIOSFODNN7EXAMPLE", "X-Secret": SECRET}},
                    indent="\t") + "\n"


def cli(*args: str, cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {"PATH": os.environ["PATH"], "HOME": str(cwd), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "ecr_doctor", *args], capture_output=True,
                          env=env, input=stdin, cwd=cwd, timeout=60)


def test_redact_file_writes_a_0600_map_and_unredact_restores_exactly(tmp_path: Path) -> None:
    src = tmp_path / "config.json"
    # CRLF, a BOM and no final newline: unredact must give back every byte.
    src.write_bytes(b"\xef\xbb\xbf" + CONFIG.replace("\n", "\r\n").rstrip().encode())
    result = cli("redact", "config.json", "--map", "map.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "123456789012" not in out and "AKIA" not in out and SECRET not in out
    assert stat.S_IMODE((tmp_path / "map.json").stat().st_mode) == 0o600
    err = result.stderr.decode()
    assert "map.json" in err and "never share it" in err
    (tmp_path / "redacted.json").write_bytes(result.stdout)
    back = cli("unredact", "redacted.json", "--map", "map.json", cwd=tmp_path)
    assert back.returncode == 0, back.stderr
    assert back.stdout == src.read_bytes()


def test_stdin_and_output_file(tmp_path: Path) -> None:
    result = cli("redact", "-", "-o", "out.txt", "--map", "m.json", cwd=tmp_path,
                 stdin=f"aws_secret_access_key = {SECRET}\n".encode())
    assert result.returncode == 0, result.stderr
    assert result.stdout == b""
    assert (tmp_path / "out.txt").read_text() == "aws_secret_access_key = <SECRET_1>\n"
    back = cli("unredact", "out.txt", "--map", "m.json", "-o", "back.txt", cwd=tmp_path)
    assert back.returncode == 0
    assert (tmp_path / "back.txt").read_text() == f"aws_secret_access_key = {SECRET}\n"


def test_no_file_argument_reads_stdin(tmp_path: Path) -> None:
    result = cli("redact", cwd=tmp_path, stdin=b"AKIAIOSFODNN7EXAMPLE")
    assert result.returncode == 0
    assert result.stdout == b"<ACCESS_KEY_ID_1>"
    assert b"cannot be undone" in result.stderr


def test_refuses_to_overwrite_a_map_unless_forced(tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_text("AKIAIOSFODNN7EXAMPLE")
    (tmp_path / "map.json").write_text("precious")
    refused = cli("redact", "in.txt", "--map", "map.json", cwd=tmp_path)
    assert refused.returncode == 2
    assert b"--force" in refused.stderr
    assert refused.stdout == b""
    assert (tmp_path / "map.json").read_text() == "precious"
    forced = cli("redact", "in.txt", "--map", "map.json", "--force", cwd=tmp_path)
    assert forced.returncode == 0
    assert json.loads((tmp_path / "map.json").read_text())["entries"]


def test_bad_input_exits_2_without_echoing_it(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{"password": "hunter2hunter2",')
    result = cli("redact", "bad.json", "--kind", "config", cwd=tmp_path)
    assert result.returncode == 2
    assert b"hunter2" not in result.stderr and b"line 1" in result.stderr
    missing = cli("redact", "nope.txt", cwd=tmp_path)
    assert missing.returncode == 2 and b"cannot read nope.txt" in missing.stderr
    (tmp_path / "latin1.txt").write_bytes(b"caf\xe9")
    assert cli("redact", "latin1.txt", cwd=tmp_path).returncode == 2


def test_unredact_rejects_a_bad_map(tmp_path: Path) -> None:
    (tmp_path / "r.txt").write_text("x")
    (tmp_path / "m.json").write_text('{"secret": "hunter2hunter2"}')
    result = cli("unredact", "r.txt", "--map", "m.json", cwd=tmp_path)
    assert result.returncode == 2
    assert b"not an ecr-doctor redaction map" in result.stderr
    assert b"hunter2" not in result.stderr
    assert cli("unredact", "r.txt", cwd=tmp_path).returncode == 2  # --map is required


def test_help_says_it_works_offline(tmp_path: Path) -> None:
    for command in ("redact", "unredact"):
        result = cli(command, "--help", cwd=tmp_path)
        assert result.returncode == 0
        assert b"offline" in result.stdout


def test_redacted_config_still_diagnoses_the_same(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(CONFIG)
    redacted = cli("redact", "config.json", cwd=tmp_path).stdout
    (tmp_path / "redacted.json").write_bytes(redacted)

    def rules(name: str) -> list[str]:
        result = cli("diagnose", "--config", name, "--format", "json", cwd=tmp_path)
        return sorted(f["rule_id"] for f in json.loads(result.stdout)["result"]["findings"])

    assert rules("redacted.json") == rules("config.json")
    assert "CFG001" in rules("redacted.json")
