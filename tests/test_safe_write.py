"""One safe-write path (machine/files.write_atomic): compare-and-swap, owner and mode kept,
untouched bytes kept, recognisable temp files tidied after a kill, outputs that would replace
an input refused, and backups that hold a live token said out loud."""

from __future__ import annotations

import io
import json
import os
import signal
import stat
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import ECR, expired_auth, live_auth

import ecr_doctor
from ecr_doctor.core.model import Severity
from ecr_doctor.core.rawedit import UnsafeEdit, edited_bytes
from ecr_doctor.machine import files
from ecr_doctor.machine.files import TEMP_MARK, Changed, remove_stale_temps, write_atomic
from ecr_doctor.scan.audit import audit_host

SRC = str(Path(ecr_doctor.__file__).parent.parent)


def env_for(home: Path) -> dict[str, str]:
    return {"PATH": os.environ["PATH"], "HOME": str(home), "NO_COLOR": "1",
            "AWS_PROFILE": "dev", "PYTHONPATH": SRC}


def cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ecr_doctor", *args], capture_output=True,
                          text=True, env=env_for(home), timeout=120)


def config_at(home: Path, raw: bytes, mode: int = 0o600) -> Path:
    path = home / ".docker" / "config.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    path.chmod(mode)
    return path


def temps(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if TEMP_MARK in p.name)


# --- compare-and-swap, in the writer -----------------------------------------------------------


def test_changed_target_is_never_clobbered(tmp_path: Path) -> None:
    target = tmp_path / "config.json"
    target.write_bytes(b"theirs")
    with pytest.raises(Changed, match="changed while we were writing; nothing written"):
        write_atomic(str(target), b"ours", expected=b"planned from this")
    assert target.read_bytes() == b"theirs"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.json"]  # no backup, no temp
    # Planned from "no file", but one appeared.
    with pytest.raises(Changed):
        write_atomic(str(target), b"ours", expected=None)
    assert target.read_bytes() == b"theirs"
    # The same content planned from: written, with a backup of exactly that.
    backup = write_atomic(str(target), b"ours", expected=b"theirs")
    assert target.read_bytes() == b"ours" and backup and Path(backup).read_bytes() == b"theirs"


def test_a_write_landing_between_the_check_and_the_swap_is_swapped_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The last microseconds: another writer renames its file in after our final compare."""
    real_exchange = files._exchange
    (tmp_path / "x").write_bytes(b"x")
    (tmp_path / "y").write_bytes(b"y")
    if not real_exchange(str(tmp_path / "x"), str(tmp_path / "y")):
        pytest.skip("no RENAME_EXCHANGE here: a plain rename follows the last check")
    (tmp_path / "x").unlink()
    (tmp_path / "y").unlink()
    target = tmp_path / "config.json"
    target.write_bytes(b"v1")
    calls = []

    def racing_exchange(a: str, b: str) -> bool:
        if not calls:
            other = tmp_path / "other-writer-tmp"
            other.write_bytes(b"v2 from the other writer")
            os.replace(other, target)
        calls.append((a, b))
        return real_exchange(a, b)

    monkeypatch.setattr(files, "_exchange", racing_exchange)
    with pytest.raises(Changed):
        write_atomic(str(target), b"plan made from v1", expected=b"v1")
    assert len(calls) >= 2  # swapped in, then back
    assert target.read_bytes() == b"v2 from the other writer"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.json"]


def test_a_file_appearing_before_a_create_is_kept(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "config.json"
    real_create = files._create_new

    def racing_create(temp: str, dest: str) -> None:
        Path(dest).write_bytes(b"created meanwhile")
        real_create(temp, dest)

    monkeypatch.setattr(files, "_create_new", racing_create)
    with pytest.raises(Changed):
        write_atomic(str(target), b"ours", expected=None)
    assert target.read_bytes() == b"created meanwhile"
    assert temps(tmp_path) == []


RACE_WRITER = """
import json, os, random, sys, time
path, stop, host = sys.argv[1], sys.argv[2], sys.argv[3]
rng = random.Random(20261203)

def write(k):
    doc = {"credHelpers": {"https://" + host: "ecr-login"}, "HttpHeaders": {"X-Counter": str(k)}}
    tmp = path + ".writer"
    with open(tmp, "w") as fh:
        fh.write(json.dumps(doc, indent="\\t") + "\\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)   # what Docker's own Save does

def counter():
    with open(path, "rb") as fh:
        doc = json.loads(fh.read())   # every file on disk must be valid JSON
    return doc["HttpHeaders"]["X-Counter"]

def still_there(k):
    # A swap-back can show our plan for microseconds; a lost update stays lost.
    for _ in range(100):
        if counter() == str(k):
            return True
        time.sleep(0.001)
    return False

k, lost = 0, []
write(k)
print("ready", flush=True)
while not os.path.exists(stop):
    time.sleep(rng.choice([0, 0, 0.0002, 0.001, 0.003, 0.01, 0.03]))
    if not still_there(k):
        lost.append(k)
    k += 1
    write(k)
if not still_there(k):
    lost.append(k)
print(json.dumps({"rounds": k, "lost": lost}), flush=True)
"""

RACE_FIXER = """
import io, json, sys
from ecr_doctor.cli.main import main
path, rounds = sys.argv[1], int(sys.argv[2])
codes = {}
for _ in range(rounds):
    code = main(["fix", "--write", "--config", path], stdout=io.StringIO(), stderr=io.StringIO())
    codes[str(code)] = codes.get(str(code), 0) + 1
print(json.dumps(codes), flush=True)
"""


def test_race_with_a_second_writer_loses_no_update(tmp_path: Path) -> None:
    """A second process rewrites the config in a loop (a new counter each round) while
    `fix --write` runs over and over: no counter it wrote is ever replaced by a plan made from
    an older one, and every file read is valid JSON."""
    home = tmp_path / "home"
    path = home / ".docker" / "config.json"
    path.parent.mkdir(parents=True)
    stop = tmp_path / "stop"
    env = env_for(home)
    writer = subprocess.Popen([sys.executable, "-c", RACE_WRITER, str(path), str(stop), ECR],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline() == "ready\n"
        fixer = subprocess.run([sys.executable, "-c", RACE_FIXER, str(path), "500"],
                               capture_output=True, text=True, env=env, timeout=600)
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=60)
    assert fixer.returncode == 0, fixer.stderr
    codes = json.loads(fixer.stdout)
    summary = json.loads(out.strip().splitlines()[-1])
    assert writer.returncode == 0, err
    # Every run either wrote a fresh plan or gave up with exit 3; both happened.
    assert set(codes) <= {"0", "3"}, codes
    assert sum(codes.values()) == 500
    assert codes.get("0", 0) > 0, codes
    assert summary["rounds"] + sum(codes.values()) >= 500
    assert summary["lost"] == [], summary
    doc = json.loads(path.read_bytes())
    assert doc["HttpHeaders"]["X-Counter"] == str(summary["rounds"])
    assert temps(path.parent) == []


# --- kill -9 mid-write -------------------------------------------------------------------------

SLOW_FIX = """
import sys, time
from ecr_doctor.machine import files
real = files._write_all

def slow(fd, data):
    real(fd, data)
    print("paused", flush=True)   # the temp file is complete, not yet renamed
    time.sleep(120)

files._write_all = slow
from ecr_doctor.cli.main import main
sys.exit(main(["fix", "--write", "--config", sys.argv[1]]))
"""


@pytest.mark.parametrize("pause_at", [1, 2])
def test_kill_9_mid_write_leaves_no_temp_with_a_credential_after_the_next_run(
        tmp_path: Path, pause_at: int) -> None:
    token = live_auth(real_clock=True)
    raw = (json.dumps({"auths": {ECR: {"auth": token}}}, indent="\t") + "\n").encode()
    path = config_at(tmp_path, raw)
    # pause_at 1: the backup's temp copy; 2: the new config's temp file.
    script = SLOW_FIX if pause_at == 1 else SLOW_FIX.replace(
        "def slow(fd, data):\n    real(fd, data)\n",
        "calls = []\ndef slow(fd, data):\n    real(fd, data)\n    calls.append(1)\n"
        "    if len(calls) < 2:\n        return\n")
    child = subprocess.Popen([sys.executable, "-c", script, str(path)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env_for(tmp_path))
    assert child.stdout is not None
    line = child.stdout.readline()
    assert line == b"paused\n", child.stderr.read() if child.stderr else line
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stdout.close()
    if child.stderr:
        child.stderr.close()
    assert path.read_bytes() == raw  # the original is whole
    left = temps(path.parent)
    assert len(left) == 1, left  # one at most
    assert left[0].name.startswith(".config.json" + TEMP_MARK)
    assert stat.S_IMODE(left[0].stat().st_mode) == 0o600
    # A fresh temp is someone's write in flight: left alone.
    remove_stale_temps(str(path.parent), "config.json")
    assert temps(path.parent) == left
    old = time.time() - 60
    os.utime(left[0], (old, old))
    result = cli("fix", "--write", "--config", str(path), home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert temps(path.parent) == []
    holders = [p.name for p in path.parent.iterdir() if token.encode() in p.read_bytes()]
    assert all(".bak-" in name for name in holders), holders


def test_stale_temp_cleanup_touches_only_its_own(tmp_path: Path) -> None:
    old = time.time() - 60
    ours = tmp_path / f".config.json{TEMP_MARK}0123456789ab"
    # Releases before the compare-and-swap write used this name; a killed one left a config.
    legacy = tmp_path / ".config.json.tmp-0123456789ab"
    other_name = tmp_path / ".config.json.tmp-0123"
    other_target = tmp_path / f".other.json{TEMP_MARK}0123456789ab"
    not_hex = tmp_path / f".config.json{TEMP_MARK}notours"
    folder = tmp_path / f".config.json{TEMP_MARK}abcdef"
    for p in (ours, legacy, other_name, other_target, not_hex):
        p.write_bytes(b"x")
        os.utime(p, (old, old))
    folder.mkdir()
    link = tmp_path / f".config.json{TEMP_MARK}fedcba"
    link.symlink_to(other_name)
    fresh_legacy = tmp_path / ".config.json.tmp-fedcba987654"  # another run's, still writing
    fresh_legacy.write_bytes(b"x")
    removed = remove_stale_temps(str(tmp_path), "config.json")
    assert sorted(removed) == sorted([str(ours), str(legacy)])
    assert all(p.exists() or p.is_symlink()
               for p in (other_name, other_target, not_hex, folder, link, fresh_legacy))


# --- owner, group and mode ---------------------------------------------------------------------


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to own files as another user")
def test_root_keeps_the_owner_of_another_users_config(tmp_path: Path) -> None:
    raw = (json.dumps({"auths": {ECR: {"auth": expired_auth()}}}, indent="\t") + "\n").encode()
    path = config_at(tmp_path, raw)
    os.chown(path, 1000, 1000)
    result = cli("fix", "--write", "--config", str(path), home=tmp_path)
    assert result.returncode == 0, result.stderr
    st = path.stat()
    assert (st.st_uid, st.st_gid) == (1000, 1000)
    assert stat.S_IMODE(st.st_mode) == 0o600
    (backup,) = path.parent.glob("config.json.bak-*")
    assert (backup.stat().st_uid, backup.stat().st_gid) == (1000, 1000)
    assert json.loads(path.read_bytes())["credHelpers"] == {ECR: "ecr-login"}


def test_mode_is_kept_at_most_0600(tmp_path: Path) -> None:
    raw = (json.dumps({"credHelpers": {f"https://{ECR}": "ecr-login"}}, indent="\t")
           + "\n").encode()
    path = config_at(tmp_path, raw, mode=0o400)
    result = cli("fix", "--write", "--config", str(path), home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o400
    assert json.loads(path.read_bytes()) == {"credHelpers": {ECR: "ecr-login"}}


# --- bytes fix did not edit --------------------------------------------------------------------


def test_crlf_file_stays_crlf(tmp_path: Path) -> None:
    doc = {"auths": {ECR: {"auth": expired_auth()}}, "HttpHeaders": {"User-Agent": "x"}}
    raw = (json.dumps(doc, indent="\t") + "\n").replace("\n", "\r\n").encode()
    path = config_at(tmp_path, raw)
    result = cli("fix", "--write", "--config", str(path), home=tmp_path)
    assert result.returncode == 0, result.stderr
    after = path.read_bytes()
    assert after.count(b"\n") == after.count(b"\r\n") > 3
    assert json.loads(after)["credHelpers"] == {ECR: "ecr-login"}


def test_invalid_utf8_elsewhere_is_kept_byte_for_byte(tmp_path: Path) -> None:
    raw = (b'{\n\t"auths": {"' + ECR.encode() + b'": {"auth": "' + expired_auth().encode()
           + b'"}},\n\t"HttpHeaders": {"User-Agent": "caf\xe9 \xff"}\n}\n')
    path = config_at(tmp_path, raw)
    result = cli("fix", "--write", "--config", str(path), home=tmp_path)
    assert result.returncode == 0, result.stderr
    after = path.read_bytes()
    assert b'"User-Agent": "caf\xe9 \xff"' in after
    assert "\ufffd".encode() not in after
    assert ECR.encode() + b'": "ecr-login"' in after and expired_auth().encode() not in after


def test_transplant_without_replay_and_refusal() -> None:
    raw = b'{\n\t"a": {"x": 1},\n\t"h": "caf\xe9"\n}\n'
    before = raw.decode("utf-8", "replace")
    after = before.replace('{"x": 1}', '{}') .replace('"caf\ufffd"\n', '"caf\ufffd",\n\t"b": 2\n')
    assert edited_bytes(raw, before, after) == (
        b'{\n\t"a": {},\n\t"h": "caf\xe9",\n\t"b": 2\n}\n')
    # An edit that would drop the byte, or copy it elsewhere: refused, never guessed.
    with pytest.raises(UnsafeEdit, match="rewrite bytes that are not UTF-8"):
        edited_bytes(raw, before, before.replace('"caf\ufffd"', '"cafe"'))
    with pytest.raises(UnsafeEdit, match="copy bytes"):
        edited_bytes(raw, before, before.replace('{"x": 1}', '"\ufffd"'))
    # UTF-8 files are simply encoded.
    assert edited_bytes(b"{}", "{}", '{"a": 1}') == b'{"a": 1}'


# --- refusing to overwrite inputs --------------------------------------------------------------


def test_redact_refuses_outputs_that_name_an_input(tmp_path: Path) -> None:
    log = tmp_path / "log.txt"
    original = f"pulling from {ECR} with {expired_auth()}\n".encode()
    log.write_bytes(original)
    mapping = tmp_path / "map.json"
    for args, reason in (
            (("-o", str(log)), "is the input file"),
            (("--map", str(mapping), "-o", str(mapping)), "is the map file"),
            (("--map", str(log), "--force"), "is the input file"),
    ):
        result = cli("redact", str(log), *args, home=tmp_path)
        assert result.returncode == 2, result
        assert reason in result.stderr and "nothing written" in result.stderr
        assert log.read_bytes() == original
        assert not mapping.exists()
    # Through a symlink to the input, too.
    alias = tmp_path / "alias.txt"
    alias.symlink_to(log)
    assert cli("redact", str(log), "-o", str(alias), home=tmp_path).returncode == 2
    assert log.read_bytes() == original
    # unredact -o naming its map.
    assert cli("redact", str(log), "--map", str(mapping), "-o", str(tmp_path / "r.txt"),
               home=tmp_path).returncode == 0
    before = mapping.read_bytes()
    result = cli("unredact", str(tmp_path / "r.txt"), "--map", str(mapping), "-o",
                 str(mapping), home=tmp_path)
    assert result.returncode == 2 and "the map it reads" in result.stderr
    assert mapping.read_bytes() == before


def test_web_build_refuses_a_folder_it_did_not_write(tmp_path: Path) -> None:
    from ecr_doctor.cli.main import main
    from ecr_doctor.web.build import CORE_NAME, check_out_dir

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("my own page\n")
    err = io.StringIO()
    assert main(["web", "--build", str(site)], stdout=io.StringIO(), stderr=err) == 2
    assert "was not written by `ecr-doctor web --build`" in err.getvalue()
    assert sorted(p.name for p in site.iterdir()) == ["index.html"]
    assert (site / "index.html").read_text() == "my own page\n"
    # A file in the way, too.
    (tmp_path / "file").write_text("x")
    assert main(["web", "--build", str(tmp_path / "file")], stdout=io.StringIO(),
                stderr=io.StringIO()) == 2
    # A folder an earlier build wrote (its manifest names our core), an empty or a new one.
    (site / "manifest.json").write_text(json.dumps({"version": "x", "core": CORE_NAME,
                                                    "assets": []}))
    check_out_dir(site)
    (tmp_path / "empty").mkdir()
    check_out_dir(tmp_path / "empty")
    check_out_dir(tmp_path / "new")


# --- backups that hold a live token ------------------------------------------------------------


def test_backup_with_a_live_token_is_0600_said_and_audited(tmp_path: Path) -> None:
    root = tmp_path / "root"
    home = root / "home" / "dev"
    token = live_auth(real_clock=True)
    raw = (json.dumps({"auths": {ECR: {"auth": token}}}, indent="\t") + "\n").encode()
    path = config_at(home, raw, mode=0o644)
    result = cli("fix", "--write", "--config", str(path), home=home)
    assert result.returncode == 0, result.stderr
    (backup,) = path.parent.glob("config.json.bak-*")
    assert backup.read_bytes() == raw and stat.S_IMODE(backup.stat().st_mode) == 0o600
    note = [line for line in result.stdout.splitlines() if line.startswith("note: the backup")]
    until = note[0].split(" until ")[1].split(";")[0]
    expected = (f"note: the backup {backup} (mode 0600) holds a live token for {ECR} until "
                f"{until}; once the new set-up works, `ecr-doctor verify "
                "--remove-live-backups` deletes it")
    assert note == [expected], result.stdout
    assert token not in result.stdout
    report = audit_host(str(root), [], {}, now=datetime.now(UTC))
    found = [f for f in report.findings if f.location.path == str(backup)]
    assert [f.rule_id for f in found] == ["SCN001"]
    assert found[0].severity is Severity.CRITICAL and "a backup of a Docker config" in \
        found[0].message
    assert str(backup) in report.checked


def test_no_note_for_an_expired_token(tmp_path: Path) -> None:
    raw = (json.dumps({"auths": {ECR: {"auth": expired_auth()}}}, indent="\t") + "\n").encode()
    path = config_at(tmp_path, raw)
    result = cli("fix", "--write", "--config", str(path), home=tmp_path)
    assert result.returncode == 0 and "Wrote" in result.stdout
    assert "note: the backup" not in result.stdout


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to own files as another user")
def test_an_owner_that_cannot_be_kept_refuses_the_write(tmp_path: Path) -> None:
    """Without the right to chown, another user's file is never silently made ours."""
    from conftest import require_binary

    theirs = tmp_path / "theirs.json"
    theirs.write_bytes(b"{}")
    os.chown(theirs, 1000, 1000)
    ours = tmp_path / "ours.json"
    ours.write_bytes(b"{}")
    os.chown(ours, 0, 1000)  # our file, a group we may not set without CAP_CHOWN
    code = (
        "import sys\nfrom ecr_doctor.machine.files import WriteError, write_atomic\n"
        "for path in sys.argv[1:]:\n"
        "    try:\n        write_atomic(path, b'{\"a\": 1}', backup=False, expected=b'{}')\n"
        "        print('wrote', path)\n"
        "    except WriteError as exc:\n        print('refused', exc)\n")
    result = subprocess.run([require_binary("setpriv"), "--bounding-set=-chown", sys.executable,
                             "-c", code, str(theirs), str(ours)], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": SRC}, timeout=60)
    lines = result.stdout.splitlines()
    assert lines[0].startswith("refused cannot keep the owner 1000:1000"), result
    assert theirs.read_bytes() == b"{}" and theirs.stat().st_uid == 1000
    assert lines[1] == f"wrote {ours}"
    assert ours.read_bytes() == b'{"a": 1}' and ours.stat().st_uid == 0
    assert temps(tmp_path) == []


def _interfering_write(monkeypatch: pytest.MonkeyPatch, path: Path, times: int) -> list[int]:
    """Make another writer rewrite `path` just before each of the first `times` writes."""
    real = files.write_atomic
    calls: list[int] = []

    def interfering(target: str, data: bytes, **kwargs: object) -> str | None:
        calls.append(1)
        if len(calls) <= times:
            doc = {"credHelpers": {f"https://{ECR}": "ecr-login"},
                   "HttpHeaders": {"X-Round": str(len(calls))}}
            path.write_text(json.dumps(doc, indent="\t") + "\n")
        return real(target, data, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(files, "write_atomic", interfering)
    return calls


def test_fix_replans_on_top_of_a_concurrent_change(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from ecr_doctor.cli.main import main

    raw = (json.dumps({"credHelpers": {f"https://{ECR}": "ecr-login"}}, indent="\t")
           + "\n").encode()
    path = config_at(tmp_path, raw)
    calls = _interfering_write(monkeypatch, path, times=2)
    out = io.StringIO()
    assert main(["fix", "--write", "--config", str(path)], stdout=out,
                stderr=io.StringIO()) == 0
    assert len(calls) == 3
    # The plan written is the one made from the other writer's last file.
    assert json.loads(path.read_bytes()) == {"credHelpers": {ECR: "ecr-login"},
                                             "HttpHeaders": {"X-Round": "2"}}
    (backup,) = path.parent.glob("config.json.bak-*")
    assert json.loads(backup.read_bytes())["HttpHeaders"] == {"X-Round": "2"}
    assert "Wrote" in out.getvalue()


def test_fix_gives_up_with_exit_3_and_writes_nothing(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from ecr_doctor.cli.fix import MAX_WRITE_ATTEMPTS
    from ecr_doctor.cli.main import main

    raw = (json.dumps({"credHelpers": {f"https://{ECR}": "ecr-login"}}, indent="\t")
           + "\n").encode()
    path = config_at(tmp_path, raw)
    calls = _interfering_write(monkeypatch, path, times=1000)
    err = io.StringIO()
    assert main(["fix", "--write", "--config", str(path)], stdout=io.StringIO(),
                stderr=err) == 3
    assert len(calls) == MAX_WRITE_ATTEMPTS
    assert "changed while we were writing; nothing written" in err.getvalue()
    assert json.loads(path.read_bytes())["HttpHeaders"] == {"X-Round": str(MAX_WRITE_ATTEMPTS)}
    assert list(path.parent.glob("config.json.bak-*")) == [] and temps(path.parent) == []


def test_wrapper_changed_since_planned_is_not_overwritten(tmp_path: Path) -> None:
    from ecr_doctor.machine.wrappers import install_wrappers, plan_wrappers

    (plan,) = plan_wrappers(str(tmp_path), ["dev"])
    assert plan.action == "create"
    Path(plan.path).write_text("#!/bin/sh\necho someone else's\n")
    with pytest.raises(Changed):
        install_wrappers([plan])
    assert Path(plan.path).read_text() == "#!/bin/sh\necho someone else's\n"
    (plan,) = plan_wrappers(str(tmp_path), ["dev"])
    assert plan.action == "conflict"


def test_the_json_report_names_the_live_tokens_a_backup_holds(tmp_path: Path) -> None:
    from envelope import validated

    token = live_auth(real_clock=True)
    raw = (json.dumps({"auths": {ECR: {"auth": token}}}, indent="\t") + "\n").encode()
    path = config_at(tmp_path, raw)
    result = cli("fix", "--write", "--format", "json", "--config", str(path), home=tmp_path)
    assert result.returncode == 0, result.stderr
    fixed = validated(result.stdout, "fix")
    assert fixed["backup"] and [t["registry"] for t in fixed["backup_live_tokens"]] == [ECR]
    assert token not in result.stdout
