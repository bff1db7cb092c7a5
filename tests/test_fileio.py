from __future__ import annotations

import json
import os
import random
import signal
import stat
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import run_without_root_bypass

import ecr_doctor
from ecr_doctor.machine.files import WriteError, write_atomic

NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_file_dirs_0700_file_0600(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "config.json"
    assert write_atomic(str(target), b"{}", now=NOW) is None
    assert target.read_bytes() == b"{}"
    assert mode_of(target) == 0o600
    old = os.umask(0)
    os.umask(old)
    assert mode_of(tmp_path / "a") == 0o700 & ~old
    assert mode_of(tmp_path / "a" / "b") == 0o700 & ~old


def test_backup_then_replace(tmp_path: Path) -> None:
    target = tmp_path / "config.json"
    target.write_bytes(b"old")
    target.chmod(0o644)
    backup = write_atomic(str(target), b"new", now=NOW)
    assert backup == str(tmp_path / "config.json.bak-20250102T030405Z")
    assert Path(backup).read_bytes() == b"old"
    assert mode_of(Path(backup)) == 0o600
    assert target.read_bytes() == b"new"
    assert mode_of(target) == 0o600
    # No clobbering: the same second gives -1, -2 ...
    assert write_atomic(str(target), b"newer", now=NOW) == backup + "-1"
    assert write_atomic(str(target), b"newest", now=NOW) == backup + "-2"
    assert Path(backup).read_bytes() == b"old"
    assert Path(backup + "-1").read_bytes() == b"new"


def test_no_backup_and_custom_mode(tmp_path: Path) -> None:
    target = tmp_path / "config.json"
    target.write_bytes(b"old")
    assert write_atomic(str(target), b"new", backup=False, mode=0o640) is None
    assert mode_of(target) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.json"]


def test_symlink_is_written_through_and_kept(tmp_path: Path) -> None:
    real_dir = tmp_path / "dotfiles"
    real_dir.mkdir()
    real = real_dir / "docker.json"
    real.write_bytes(b"old")
    link = tmp_path / "config.json"
    link.symlink_to(real)
    backup = write_atomic(str(link), b"new", now=NOW)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() == b"new"
    assert backup == str(real) + ".bak-20250102T030405Z"
    # Chains of links too.
    link2 = tmp_path / "l2"
    link2.symlink_to(link)
    write_atomic(str(link2), b"newer", backup=False)
    assert link2.is_symlink() and link.is_symlink() and real.read_bytes() == b"newer"


def test_dangling_symlink_creates_the_target(tmp_path: Path) -> None:
    link = tmp_path / "config.json"
    link.symlink_to(tmp_path / "sub" / "real.json")
    assert write_atomic(str(link), b"{}") is None
    assert link.is_symlink() and (tmp_path / "sub" / "real.json").read_bytes() == b"{}"


def test_failure_leaves_original_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "config.json"
    target.write_bytes(b"original")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(WriteError, match=r"cannot replace .*No space left on device"):
        write_atomic(str(target), b"new", backup=False)
    assert target.read_bytes() == b"original"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.json"]


def test_target_is_a_directory(tmp_path: Path) -> None:
    with pytest.raises(WriteError, match="is a directory"):
        write_atomic(str(tmp_path), b"{}")


def test_unwritable_directory(tmp_path: Path) -> None:
    target = tmp_path / "config.json"
    target.write_bytes(b"original")
    tmp_path.chmod(0o500)
    try:
        result = run_without_root_bypass(
            "from ecr_doctor.machine.files import WriteError, write_atomic\n"
            f"try:\n    write_atomic({str(target)!r}, b'new')\n"
            "except WriteError as e:\n    print('WriteError:', e)\n"
        )
    finally:
        tmp_path.chmod(0o700)
    assert "WriteError: " in result.stdout and "cannot" in result.stdout, result.stderr
    assert target.read_bytes() == b"original"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.json"]


# --- crash safety ------------------------------------------------------------------------------

CONFIG_A = json.dumps(
    {"auths": {f"h{i}.example": {"auth": "QUFB" * 50} for i in range(300)}}, indent="\t"
)
CONFIG_B = json.dumps(
    {"credHelpers": {f"h{i}.example": "ecr-login" for i in range(400)}}, indent="\t"
)

CHILD = """
import sys
from ecr_doctor.machine.files import write_atomic
path, a, b = sys.argv[1], open(sys.argv[2], "rb").read(), open(sys.argv[3], "rb").read()
print("ready", flush=True)
i = 0
while True:
    write_atomic(path, a if i % 2 else b, backup=i % 7 == 0)
    i += 1
"""


def test_sigkill_at_random_moments_never_leaves_a_torn_file(tmp_path: Path) -> None:
    a, b = tmp_path / "A", tmp_path / "B"
    a.write_text(CONFIG_A)
    b.write_text(CONFIG_B)
    target = tmp_path / "cfg" / "config.json"
    target.parent.mkdir()
    target.write_text(CONFIG_A)
    src = str(Path(ecr_doctor.__file__).parent.parent)
    env = {**os.environ, "PYTHONPATH": src}
    rng = random.Random(1234)
    started = time.monotonic()
    kills = 0
    while kills < 60 and time.monotonic() - started < 12:
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(target), str(a), str(b)],
            stdout=subprocess.PIPE,
            env=env,
        )
        assert child.stdout is not None
        assert child.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0, 0.03))
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        kills += 1
        content = target.read_text()
        assert content in (CONFIG_A, CONFIG_B)
        json.loads(content)
        assert not target.is_symlink()
    assert kills >= 50
    # Leftover temp files may exist (the kill can land between create and rename) but are
    # hidden dot-files, never the target; backups are complete copies.
    for leftover in target.parent.iterdir():
        if leftover.name.startswith("config.json.bak-"):
            assert leftover.read_text() in (CONFIG_A, CONFIG_B)
        elif leftover.name != "config.json":
            assert leftover.name.startswith(".config.json.ecr-doctor-tmp-")
