"""The bytes to write for an edited config: the edited text, with every byte the edit did not
touch kept exactly as it was read.

Fixes edit decoded text (`jsonspan`'s minimal edits), and decoding turns each byte that is not
UTF-8 into U+FFFD, as Go's decoder does. Encoding the edited text back would silently replace
those bytes in the file. So for such a file the edit is transplanted onto the original bytes:
the unchanged stretches are copied from the file byte for byte, only the edited stretches are
new. If an edit would itself remove or re-emit one of those bytes, there is no exact answer and
`UnsafeEdit` is raised: the caller writes nothing (`fix` exits 2) rather than guess.
"""

from __future__ import annotations

import difflib
import re

__all__ = ["UnsafeEdit", "edited_bytes"]

BOM = "\ufeff"
_ESCAPED = re.compile("[\udc80-\udcff]")


class UnsafeEdit(ValueError):
    """The edit touches bytes that are not UTF-8; `offset` is the first such byte's index in
    the decoded text (None when the file's decoding cannot be lined up with the text)."""

    def __init__(self, message: str, offset: int | None) -> None:
        super().__init__(message)
        self.offset = offset


def edited_bytes(raw: bytes, before: str, after: str) -> bytes:
    """`after` as bytes, given that `before` is `raw` decoded (a BOM kept as U+FEFF, every
    invalid byte as U+FFFD). Bytes outside the edited stretches are copied from `raw`."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return after.encode("utf-8")
    # surrogateescape keeps each invalid byte as one lone surrogate: the same length and
    # positions as the U+FFFD text when the decoder replaced byte by byte.
    escaped = raw.decode("utf-8", "surrogateescape")
    if _ESCAPED.sub("\ufffd", escaped) != before:
        first = _ESCAPED.search(escaped)
        raise UnsafeEdit("its invalid UTF-8 cannot be lined up with the decoded text",
                         first.start() if first else None)
    if before == after:
        return raw
    # Trim the common ends first: the edits are few and local, so the matcher sees little.
    start = 0
    limit = min(len(before), len(after))
    while start < limit and before[start] == after[start]:
        start += 1
    end = 0
    while (end < limit - start and before[len(before) - 1 - end] == after[len(after) - 1 - end]):
        end += 1
    old_mid = before[start:len(before) - end]
    new_mid = after[start:len(after) - end]
    parts = [escaped[:start]]
    matcher = difflib.SequenceMatcher(None, old_mid, new_mid, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old_span = escaped[start + i1:start + i2]
        if tag == "equal":
            parts.append(old_span)
            continue
        lost = _ESCAPED.search(old_span)
        if lost is not None:
            raise UnsafeEdit("the fix would rewrite bytes that are not UTF-8",
                             start + i1 + lost.start())
        new_span = new_mid[j1:j2]
        if "\ufffd" in new_span:
            raise UnsafeEdit("the fix would copy bytes that are not UTF-8 elsewhere",
                             start + i1)
        parts.append(new_span)
    parts.append(escaped[len(before) - end:])
    return "".join(parts).encode("utf-8", "surrogateescape")
