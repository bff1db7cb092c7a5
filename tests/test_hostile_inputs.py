"""Hostile inputs through every command that reads a file, each in a fresh interpreter (as a
user runs it: no module pre-imported by the test runner). A hostile file must be explained
(exit 2 with one error line) or handled, never crash, hang, or drive the terminal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import ECR
from envelope import validated

from ecr_doctor.core.jsonspan import parse
from ecr_doctor.machine.reading import NotRegularFile, TooLarge, read_regular_file
from ecr_doctor.render.guard import GuardedStream, escape_controls
from ecr_doctor.render.style import EMITTED_CODES, Style

HOSTILE = {
    "truncated.json": b'{"auths": {"' + ECR.encode() + b'": {"auth": "QVdT',
    "control.json": b'{"auths": {"a\x01b": {}}}',
    "bigint.json": b'{"credHelpers": {}, "n": ' + b"9" * 5000 + b"}",
    "surrogate.json": b'{"auths": {"\\ud800": {}}}',
    # A valid JSON escape: the decoded key holds ESC, BEL and a C1 CSI (U+009B).
    "escape.json": b'{"auths": {"\\u001b]0;pwned\\u0007\\u001b[2J\\u009b2J": {}}}',
    # Raw escape bytes: not valid JSON (a control character in a string).
    "rawesc.json": b'{"auths": {"\x1b]0;pwned\x07\x1b[2J": {}}}',
    "longline.json": b'{"auths": {"' + b"a" * (10 * 1024 * 1024) + b'": {}}}',
}
COMMANDS = (
    ("--config", "{f}"),
    ("diagnose", "--config", "{f}", "--format", "json"),
    ("fix", "--config", "{f}", "--diff"),
    ("fix", "--config", "{f}", "--format", "json"),
    ("verify", "--config", "{f}", "--timeout", "2"),
    ("redact", "{f}"),
    ("scan", "{f}"),
    ("scan", "{f}", "--format", "sarif"),
    ("scan", "{f}", "--format", "json"),
)


def run(args: list[str], home: Path, timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "ecr_doctor", *args], capture_output=True,
                          env=env, timeout=timeout, check=False)


@pytest.mark.parametrize("name", sorted(HOSTILE))
@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c[:2]) for c in COMMANDS])
def test_hostile_file_is_explained_not_crashed_on(tmp_path: Path, name: str,
                                                   command: tuple[str, ...]) -> None:
    path = tmp_path / name
    path.write_bytes(HOSTILE[name])
    path.chmod(0o600)
    result = run([part.format(f=path) for part in command], tmp_path)
    output = result.stdout + result.stderr
    assert b"Traceback" not in output, output.decode(errors="replace")[-2000:]
    assert result.returncode in (0, 1, 2), result.returncode
    if result.returncode == 2:
        assert result.stderr.startswith(b"ecr-doctor: error: ")
    # redact too: the file it writes is made to be shared, and shown with `cat`.
    for control in (b"\x1b", b"\x07", "\u009b".encode()):
        assert control not in output, (control, output[:500])
    if "json" in command and result.returncode != 2:
        validated(result.stdout.decode(), command[0])
    if "sarif" in command and result.returncode != 2:
        json.loads(result.stdout)


def test_a_fifo_is_refused_at_once_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "config.json"
    os.mkfifo(fifo)
    for command in (["--config", str(fifo)], ["redact", str(fifo)], ["fix", "--config",
                                                                      str(fifo), "--diff"]):
        result = run(command, tmp_path, timeout=20)
        assert result.returncode == 2
        assert b"not a regular file" in result.stderr


def test_bounded_reader_checks_what_it_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def attempt() -> None:
        try:
            read_regular_file(str(fifo), 1024)
        except BaseException as exc:  # the test reports it below
            outcome.append(exc)

    reader = threading.Thread(target=attempt, daemon=True)
    reader.start()
    reader.join(5)
    assert not reader.is_alive(), "opening a FIFO blocked"
    assert isinstance(outcome[0], NotRegularFile) and not outcome[0].is_directory
    big = tmp_path / "big"
    big.write_bytes(b"x" * 2048)
    with pytest.raises(TooLarge):
        read_regular_file(str(big), 1024)
    assert read_regular_file(str(big), 4096).data == b"x" * 2048
    with pytest.raises(NotRegularFile) as directory:
        read_regular_file(str(tmp_path), 1024)
    assert directory.value.is_directory


def test_lone_surrogate_decodes_as_go_does() -> None:
    # encoding/json decode.go · unquoteBytes: an unpaired surrogate escape is U+FFFD.
    node = parse('{"\\ud800x": "\\udc00", "ok": "\\ud83d\\ude00"}')
    assert [(m.key, m.value.value) for m in node.members] == [
        ("\ufffdx", "\ufffd"), ("ok", "\U0001f600")]


def test_huge_integer_is_a_number_not_a_crash() -> None:
    node = parse('{"n": ' + "9" * 5000 + "}")
    assert node.members[0].value.kind == "number"


def test_guard_escapes_controls_and_keeps_json_meaning() -> None:
    hostile = "key\x1b]0;title\x07\x1b[2J\x9b\r\u202e\ud800"
    shown = escape_controls(hostile)
    assert not any(ch in shown for ch in "\x1b\x07\x9b\r\u202e\ud800")
    assert shown == "key\\u001b]0;title\\u0007\\u001b[2J\\u009b\\u000d\\u202e\\ud800"
    document = json.dumps({"registry": hostile.replace("\ud800", "")}, ensure_ascii=False)
    assert json.loads(escape_controls(document)) == json.loads(document)


class _Terminal:
    def __init__(self) -> None:
        self.written: list[str] = []

    def write(self, text: str) -> int:
        self.written.append(text)
        return len(text)

    def isatty(self) -> bool:
        return True


def test_guard_lets_through_exactly_the_colour_codes_style_writes() -> None:
    terminal = _Terminal()
    stream = GuardedStream(terminal)  # type: ignore[arg-type]
    style = Style(True)
    line = style.bold("Found") + " " + style.diff_line("+x") + style.dim("\x1b[8mhidden")
    stream.write(line)
    written = "".join(terminal.written)
    assert "\x1b[8m" not in written and "\\u001b[8m" in written
    assert written.count("\x1b[") == sum(written.count(code) for code in EMITTED_CODES)
    assert stream.isatty()
