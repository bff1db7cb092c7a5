"""What people paste, made plain: one line out for each line in, so a match keeps its line.

Real pastes are rarely the bare message a runtime printed. They come as terminal output with
colour codes, as logrus lines whose quotes are escaped (`error="exec: \\"docker-credential-…`:
awslabs/amazon-ecr-credential-helper logs through logrus), as JSON log records (Docker's
json-file driver, CloudWatch, Fluent Bit), with curly quotes from a chat client or a web page,
and with progress bars redrawn over CR. Patterns are written for the bare message; this module
turns each of those forms into it, line by line.
"""

from __future__ import annotations

import json
import re

# CSI and OSC escape sequences (colours, cursor moves, hyperlinks) and lone C0 controls
# other than tab: terminals and CI log viewers keep them in copied text.
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_CURLY = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
                        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'",
                        "\u00a0": " ", "\u2009": " ", "\u202f": " "})
# A JSON log record: decoded only when the line is one object, and only this long.
_MAX_JSON_LINE = 64 * 1024
_ESCAPED_QUOTE = re.compile(r'\\+"')


def _json_record(line: str) -> str | None:
    """The string values of a one-line JSON log record, joined; None if it is not one."""
    stripped = line.strip()
    if not (stripped.startswith("{") and stripped.endswith("}")) or len(stripped) > _MAX_JSON_LINE:
        return None
    try:
        record = json.loads(stripped)
    except ValueError:
        return None
    if not isinstance(record, dict):
        return None
    values: list[str] = []
    _strings(record, values, depth=0)
    return " ".join(v.replace("\r", " ").replace("\n", " ") for v in values)


def _strings(value: object, out: list[str], *, depth: int) -> None:
    if depth > 8 or len(out) > 200:
        return
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            _strings(item, out, depth=depth + 1)
    elif isinstance(value, list):
        for item in value:
            _strings(item, out, depth=depth + 1)


def _plain_line(line: str) -> str:
    # A lone CR (a progress bar redrawing) becomes a space like the other controls: nothing
    # printed before it is lost, and the line count stays.
    line = _CONTROLS.sub(" ", _ANSI.sub("", line)).translate(_CURLY)
    record = _json_record(line)
    if record is not None:
        line = record
    # logrus quotes a field with strconv.Quote; one level per log hop (`\"`, `\\\"`).
    return _ESCAPED_QUOTE.sub('"', line) if '\\"' in line else line


def normalise(text: str) -> str:
    """`text` with each line made plain; the same number of lines, in the same order."""
    lines = text.replace("\r\n", "\n").split("\n")
    return "\n".join(_plain_line(line) for line in lines)
