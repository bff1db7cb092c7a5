"""The bytes to write for an edited config: the edited text, with every byte the edit did not
touch kept exactly as it was read.

Fixes edit decoded text (`jsonspan`'s minimal edits), and decoding turns each byte that is not
UTF-8 into U+FFFD, as Go's decoder does. Encoding the edited text back would silently replace
those bytes all over the file. So for such a file the edit is carried over to the original
bytes, in one of two ways, each checked against the plan before it is trusted:

* a replay: the caller ran the same fix over the file decoded with `surrogateescape` (each
  invalid byte kept as one lone surrogate); its result is used when, read with U+FFFD for each
  such byte, it is exactly the plan's text;
* a transplant: the stretches the plan did not change are copied from the original bytes
  (matched line by line, then character by character inside changed lines); only the edited
  stretches are new.

If neither is exact (an edit would itself have to drop or re-emit one of those bytes),
`UnsafeEdit` is raised and the caller writes nothing (`fix` exits 2) rather than guess.
"""

from __future__ import annotations

import difflib
import re

__all__ = ["UnsafeEdit", "edited_bytes", "escaped_text", "is_utf8"]

_ESCAPED = re.compile("[\udc80-\udcff]")


class UnsafeEdit(ValueError):
    """The edit touches bytes that are not UTF-8; `offset` is the first such byte's index in
    the decoded text (None when the file's decoding cannot be lined up with the text)."""

    def __init__(self, message: str, offset: int | None) -> None:
        super().__init__(message)
        self.offset = offset


def is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def escaped_text(raw: bytes) -> str:
    """`raw` decoded with each invalid byte as a lone surrogate (a BOM kept as U+FEFF)."""
    return raw.decode("utf-8", "surrogateescape")


def _as_read(escaped: str) -> str:
    return _ESCAPED.sub("\ufffd", escaped)


def edited_bytes(raw: bytes, before: str, after: str, replay: str | None = None) -> bytes:
    """`after` as bytes, given that `before` is `raw` decoded (a BOM kept as U+FEFF, every
    invalid byte as U+FFFD). `replay`: the same fix run over `escaped_text(raw)`, if the
    caller could. Bytes outside the edited stretches are those of `raw`."""
    if is_utf8(raw):
        return after.encode("utf-8")
    if before == after:
        return raw
    if replay is not None and _as_read(replay) == after:
        return replay.encode("utf-8", "surrogateescape")
    escaped = escaped_text(raw)
    if _as_read(escaped) != before:
        first = _ESCAPED.search(escaped)
        raise UnsafeEdit("its invalid UTF-8 cannot be lined up with the decoded text",
                         first.start() if first else None)
    result = "".join(_transplant(escaped, before, after))
    if _as_read(result) != after:  # cannot happen; never write what was not planned
        raise UnsafeEdit("the edit could not be carried over to the original bytes", None)
    return result.encode("utf-8", "surrogateescape")


def _transplant(escaped: str, before: str, after: str) -> list[str]:
    old_lines = before.splitlines(keepends=True)
    new_lines = after.splitlines(keepends=True)
    starts = [0]
    for line in old_lines:
        starts.append(starts[-1] + len(line))
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old_span = escaped[starts[i1]:starts[i2]]
        if tag == "equal":
            parts.append(old_span)
        else:
            parts += _chars(old_span, starts[i1], "".join(new_lines[j1:j2]))
    return parts


def _chars(escaped: str, offset: int, new: str) -> list[str]:
    """Inside a changed block: copy what matches, refuse to drop or re-emit an invalid byte."""
    old = _as_read(escaped)
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(escaped[i1:i2])
            continue
        lost = _ESCAPED.search(escaped, i1, i2)
        if lost is not None:
            raise UnsafeEdit("the fix would rewrite bytes that are not UTF-8",
                             offset + lost.start())
        if "\ufffd" in new[j1:j2]:
            raise UnsafeEdit("the fix would copy bytes that are not UTF-8 elsewhere",
                             offset + i1)
        parts.append(new[j1:j2])
    return parts
