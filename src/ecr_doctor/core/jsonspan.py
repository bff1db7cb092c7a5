"""A position-aware strict JSON parser and minimal, style-preserving text edits.

Why not `json.loads`: it forgets where things are (rules need line:col), keeps only the last of
duplicate keys (Go merges them, see dockerconfig), and cannot tell us which bytes to change so
that a fix leaves the rest of a user's file byte-for-byte intact.

Strictness follows RFC 8259 as Go's encoding/json applies it (no comments, trailing commas,
NaN/Infinity, single quotes). Duplicate keys are allowed and all kept, in order.

Speed: strings go through the C `json.decoder.scanstring` (imported from `json.decoder`, whose
import is what lets the C scanner raise its errors), numbers and whitespace are matched with
regular expressions, and the parser is iterative (explicit stack) so nesting depth is bounded by
MAX_DEPTH, never by Python's recursion limit. Measured on the 2-core CI machine: 50 MB of
token-heavy config (long base64 strings) parses in ~0.5 s, but 54 MB of dense small nodes
(~4.5 M nodes) takes ~29 s (json.loads itself needs ~6 s), so dockerconfig.MAX_CONFIG_BYTES
(8 MiB) makes the loader refuse such files up front instead.

Standard library only (runs in Pyodide).
"""

from __future__ import annotations

import bisect
import json
import re
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from typing import Literal
    NodeKind = Literal["object", "array", "string", "number", "bool", "null"]


__all__ = [
    "MAX_DEPTH",
    "JsonSyntaxError",
    "LineIndex",
    "Member",
    "Node",
    "detect_indent",
    "insert_member",
    "line_col",
    "parse",
    "remove_member",
    "replace_key",
    "replace_value",
    "to_python",
]

# Go's encoding/json refuses nesting deeper than 10000 (decode.go · maxNestingDepth); no real
# config comes close, so we use the same bound.
MAX_DEPTH = 10000

# Go's encoding/json turns an escaped lone surrogate (`"\ud800"`) into U+FFFD
# (decode.go · unquoteBytes: `utf16.IsSurrogate(rr)` without a valid pair gives
# unicode.ReplacementChar); Python keeps it, and it could not even be written out as UTF-8.
_LONE_SURROGATE = "[\ud800-\udfff]"

Scalar = str | int | float | bool | None


class JsonSyntaxError(ValueError):
    """Invalid JSON. `line` and `col` are 1-based; `col` counts characters, not bytes."""

    def __init__(self, message: str, offset: int, line: int, col: int) -> None:
        super().__init__(f"{line}:{col}: {message}")
        self.message = message
        self.offset = offset
        self.line = line
        self.col = col


class Member(NamedTuple):
    """One `"key": value` pair. `key_start`/`key_end` span the quoted key token, quotes included."""

    key: str
    key_start: int
    key_end: int
    value: Node


class Node(NamedTuple):
    """A JSON value and its span `[start, end)` in the text (offsets are str indices)."""

    kind: NodeKind
    start: int
    end: int
    value: Scalar = None
    members: tuple[Member, ...] = ()
    items: tuple[Node, ...] = ()

    def __repr__(self) -> str:
        # Values can be credentials: a node shows its shape and position, never its content.
        size = f", members={len(self.members)}" if self.kind == "object" else ""
        return f"Node(kind={self.kind!r}, start={self.start}, end={self.end}{size})"


# The whitespace JSON allows between tokens (RFC 8259 §2).
_WHITESPACE = re.compile(r"[ \t\n\r]*")
# RFC 8259 §6; `[0-9]`, not `\d`, which would also match other scripts' digits. A match is the
# longest prefix that is a number; a fraction or exponent group makes it a float.
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")


def _skip_ws(text: str, pos: int) -> int:
    """The end of the JSON whitespace run starting at `pos`."""
    match = _WHITESPACE.match(text, pos)
    assert match is not None  # `*` matches the empty string too
    return match.end()


def _scan_number(text: str, pos: int) -> tuple[int, bool] | None:
    """(end, is_float) of the longest JSON number at `pos`, or None if there is none."""
    match = _NUMBER.match(text, pos)
    if match is None:
        return None
    return match.end(), match.group(1) is not None or match.group(2) is not None


_NUMBER_TAIL = frozenset("0123456789.eE+-")


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of `offset`; only '\\n' ends a line, as in Go's error offsets."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


class LineIndex:
    """Where each line of a text starts, found once: line and column of many offsets without
    counting newlines from the top for each (that made a 6 MB config's findings quadratic)."""

    __slots__ = ("_length", "_starts")

    def __init__(self, text: str) -> None:
        self._starts = [0, *(m.end() for m in re.finditer("\n", text))]
        self._length = len(text)

    def line_col(self, offset: int) -> tuple[int, int]:
        """As `line_col(text, offset)`."""
        offset = max(0, min(offset, self._length))
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


def _describe(ch: str) -> str:
    if ch == "\ufffd":
        return "an invalid UTF-8 byte (shown as U+FFFD)"
    if ch.isprintable() and not ch.isspace():
        return f"'{ch}'"
    if ch == "\ufeff":
        return "a byte order mark (U+FEFF)"
    return f"U+{ord(ch):04X}"


class _Parser:
    __slots__ = ("n", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)

    def fail(self, message: str, offset: int) -> JsonSyntaxError:
        line, col = line_col(self.text, offset)
        return JsonSyntaxError(message, offset, line, col)

    def eof(self, stack: list[_Frame]) -> JsonSyntaxError:
        message = "unexpected end of input (truncated file?)"
        if stack:
            frame = stack[-1]
            what = "object" if frame.is_object else "array"
            line, col = line_col(self.text, frame.start)
            message += f": the {what} opened at line {line}, column {col} is never closed"
        return self.fail(message, self.n)

    def string(self, pos: int) -> tuple[str, int]:
        """Decode the string whose opening quote is at `pos`; return (value, end offset)."""
        try:
            value, end = scanstring(self.text, pos + 1, True)
        except ValueError as exc:  # json.JSONDecodeError: msg and pos describe the problem
            msg: str = getattr(exc, "msg", str(exc))
            bad: int = getattr(exc, "pos", pos)
            if msg.startswith("Unterminated string"):
                # scanstring stops at the first raw newline as a control character, so
                # "unterminated" really means the input ended inside the string.
                line, col = line_col(self.text, pos)
                raise self.fail(
                    f"unexpected end of input (truncated file?): the string opened at line "
                    f"{line}, column {col} is never closed",
                    self.n,
                ) from None
            if msg.startswith("Invalid control character"):
                ch = self.text[bad]
                raise self.fail(
                    f"control character U+{ord(ch):04X} in string (newlines and tabs inside a"
                    " string must be written as \\n and \\t)",
                    bad,
                ) from None
            if msg.startswith("Invalid \\uXXXX"):
                # Python points at the 'u'; point at the backslash like the other escapes.
                at = bad - 1 if self.text[bad - 1 : bad] == "\\" else bad
                raise self.fail(
                    "invalid escape: \\u must be followed by 4 hex digits", at
                ) from None
            if msg.startswith("Invalid \\escape"):
                raise self.fail(
                    'invalid escape in string (allowed: \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)',
                    bad,
                ) from None
            raise self.fail(f"invalid string: {msg}", bad) from None
        # Most strings are ASCII, which cannot hold a surrogate.
        return (value if value.isascii() else re.sub(_LONE_SURROGATE, "\ufffd", value)), end

    def key(self, pos: int, frame: _Frame, stack: list[_Frame]) -> int:
        """Parse `"key" :` at `pos` (whitespace already skipped) and return the value offset."""
        text = self.text
        if pos >= self.n:
            raise self.eof(stack)
        ch = text[pos]
        if ch != '"':
            if ch == "}" and (frame.children or frame.items):
                raise self.fail("trailing comma before '}' (JSON does not allow it)", pos)
            if ch == "'":
                raise self.fail("object keys must use double quotes, not single quotes", pos)
            if ch == "/":
                raise self.fail("comments are not allowed in JSON", pos)
            raise self.fail(f"expected a string key in double quotes, found {_describe(ch)}", pos)
        key, end = self.string(pos)
        frame.key = key
        frame.key_start = pos
        frame.key_end = end
        pos = _skip_ws(text, end)
        if pos >= self.n:
            raise self.eof(stack)
        if text[pos] != ":":
            raise self.fail(f"expected ':' after object key, found {_describe(text[pos])}", pos)
        return _skip_ws(text, pos + 1)

    def scalar(self, pos: int, stack: list[_Frame]) -> Node:
        text = self.text
        ch = text[pos]
        if ch == '"':
            value, end = self.string(pos)
            return Node("string", pos, end, value)
        if ch == "-" or "0" <= ch <= "9":
            scanned = _scan_number(text, pos)
            if scanned is None:
                raise self.fail("invalid number", pos)
            end, is_float = scanned
            if end < self.n and text[end] in _NUMBER_TAIL:
                raise self.fail("invalid number (leading zeros, '.', or exponent misplaced)", end)
            token = text[pos:end]
            number: int | float
            try:
                number = float(token) if is_float else int(token)
            except ValueError:  # an integer past Python's 4300-digit conversion limit
                # Go decodes a number it does not keep without converting it (decode.go ·
                # literalStore for an ignored field); only its position matters here.
                number = float(token)
            return Node("number", pos, end, number)
        for word, val in (("true", True), ("false", False)):
            if text.startswith(word, pos):
                return Node("bool", pos, pos + len(word), val)
        if text.startswith("null", pos):
            return Node("null", pos, pos + 4, None)
        if text.startswith(("NaN", "Infinity"), pos):
            raise self.fail("NaN and Infinity are not valid JSON", pos)
        if ch == "'":
            raise self.fail("strings must use double quotes, not single quotes", pos)
        if ch == "/":
            raise self.fail("comments are not allowed in JSON", pos)
        if ch in "tfn" and (
            "true".startswith(text[pos : pos + 4])
            or "false".startswith(text[pos : pos + 5])
            or "null".startswith(text[pos : pos + 4])
        ):
            raise self.eof(stack)
        raise self.fail(
            "expected a value (object, array, string, number, true, false or null), "
            f"found {_describe(ch)}",
            pos,
        )


class _Frame:
    __slots__ = ("children", "is_object", "items", "key", "key_end", "key_start", "start")

    def __init__(self, is_object: bool, start: int) -> None:
        self.is_object = is_object
        self.start = start
        self.children: list[Member] = []
        self.items: list[Node] = []
        self.key = ""
        self.key_start = 0
        self.key_end = 0


def parse(text: str, *, allow_trailing: bool = False) -> Node:
    """Parse one JSON document.

    With `allow_trailing`, anything after the first complete value is ignored, which is what
    Go's `json.NewDecoder(r).Decode` does (docker/cli cli/config/configfile/file.go ·
    LoadFromReader); the caller can compare `node.end` with the text to notice it.
    """
    p = _Parser(text)
    n = p.n
    ws = _skip_ws
    pos = ws(text, 0)
    stack: list[_Frame] = []
    while True:
        # Here a value is expected at `pos` (whitespace already skipped).
        if pos >= n:
            raise p.eof(stack)
        ch = text[pos]
        node: Node
        if ch == "{" or ch == "[":
            if len(stack) >= MAX_DEPTH:
                raise p.fail(f"nesting too deep (more than {MAX_DEPTH} levels)", pos)
            start = pos
            pos = ws(text, pos + 1)
            close = "}" if ch == "{" else "]"
            if pos < n and text[pos] == close:
                pos += 1
                node = Node("object" if ch == "{" else "array", start, pos)
            else:
                frame = _Frame(ch == "{", start)
                stack.append(frame)
                if frame.is_object:
                    pos = p.key(pos, frame, stack)
                continue
        else:
            node = p.scalar(pos, stack)
            pos = node.end

        # A value just ended: attach it to its container, closing containers as they end.
        while True:
            if not stack:
                end = ws(text, pos)
                if end < n and not allow_trailing:
                    raise p.fail("unexpected data after the top-level value", end)
                return node
            frame = stack[-1]
            if frame.is_object:
                frame.children.append(Member(frame.key, frame.key_start, frame.key_end, node))
            else:
                frame.items.append(node)
            pos = ws(text, pos)
            if pos >= n:
                raise p.eof(stack)
            ch = text[pos]
            if ch == ",":
                pos = ws(text, pos + 1)
                if frame.is_object:
                    pos = p.key(pos, frame, stack)
                elif pos < n and text[pos] == "]":
                    raise p.fail("trailing comma before ']' (JSON does not allow it)", pos)
                break
            if frame.is_object and ch == "}":
                stack.pop()
                pos += 1
                node = Node("object", frame.start, pos, members=tuple(frame.children))
                continue
            if not frame.is_object and ch == "]":
                stack.pop()
                pos += 1
                node = Node("array", frame.start, pos, items=tuple(frame.items))
                continue
            if frame.is_object:
                raise p.fail(
                    f"expected ',' or '}}' after object member, found {_describe(ch)}", pos
                )
            raise p.fail(f"expected ',' or ']' after array element, found {_describe(ch)}", pos)


def to_python(node: Node) -> object:
    """Plain Python value; for duplicate keys the last one wins (like `json.loads`)."""
    # Iterative post-order walk so MAX_DEPTH-deep input cannot hit the recursion limit.
    results: dict[int, object] = {}
    todo: list[tuple[Node, bool]] = [(node, False)]
    while todo:
        current, expanded = todo.pop()
        if current.kind == "object":
            if expanded:
                results[id(current)] = {m.key: results.pop(id(m.value)) for m in current.members}
            else:
                todo.append((current, True))
                todo.extend((m.value, False) for m in current.members)
        elif current.kind == "array":
            if expanded:
                results[id(current)] = [results.pop(id(i)) for i in current.items]
            else:
                todo.append((current, True))
                todo.extend((i, False) for i in current.items)
        else:
            results[id(current)] = current.value
    return results[id(node)]


# --- Edits -------------------------------------------------------------------------------
# Each edit returns new text that differs from the old only inside the span it must touch, so
# a user's formatting, key order, unknown keys and duplicates elsewhere survive a fix.


def detect_indent(text: str) -> str:
    """The file's indent unit: '\\t' (what `docker login` writes), or N spaces; '\\t' if unknown."""
    # The first line after the first that starts with spaces or tabs and holds something else.
    newline = text.find("\n")
    while newline != -1:
        start = newline + 1
        end = start
        while end < len(text) and text[end] in " \t":
            end += 1
        if end > start and end < len(text) and not text[end].isspace():
            return "\t" if text[start] == "\t" else " " * (end - start)
        newline = text.find("\n", start)
    return "\t"


def _line_indent(text: str, offset: int) -> str:
    """The leading whitespace of the line holding `offset`."""
    line_start = text.rfind("\n", 0, offset) + 1
    lead = text[line_start:_skip_ws(text, line_start)]
    return lead.replace("\n", "").replace("\r", "")


def line_ending(text: str) -> str:
    """The file's line ending, from its first line: '\\r\\n' (Windows editors) or '\\n'."""
    newline = text.find("\n")
    return "\r\n" if newline > 0 and text[newline - 1] == "\r" else "\n"


def _is_multiline(text: str, obj: Node) -> bool:
    if obj.members:
        return "\n" in text[obj.start : obj.members[0].key_start]
    if obj.items:
        return "\n" in text[obj.start : obj.items[0].start]
    # Empty container: follow the file as a whole. A file holding nothing but `{}` gets
    # Docker's own layout (`json.MarshalIndent(..., "", "\t")` in SaveToWriter).
    return "\n" in text.strip() or ":" not in text


def _separators(text: str) -> tuple[str, str]:
    """(item separator, key separator) as used on one line in this file, e.g. (", ", ": ")."""
    m = re.search(r'"[ \t]*:([ \t]*)', text)
    colon = ":" + (m.group(1) if m else " ")
    c = re.search(r'[\]}"0-9el],([ \t]*)["\[{0-9tfn-]', text)
    comma = "," + (c.group(1) if c else " ")
    return comma, colon


def _dump(value: object, text: str, multiline: bool, prefix: str) -> str:
    """`value` as JSON in the file's style; continuation lines start with `prefix`."""
    if multiline:
        _, colon = _separators(text)
        dumped = json.dumps(
            value, indent=detect_indent(text), ensure_ascii=False, separators=(",", colon)
        )
        return dumped.replace("\n", line_ending(text) + prefix)
    return json.dumps(value, ensure_ascii=False, separators=_separators(text))


def remove_member(text: str, obj: Node, member: Member) -> str:
    """Delete `member` from `obj`, with its comma and its line, leaving the rest untouched."""
    members = obj.members
    index = next((i for i, m in enumerate(members) if m is member), None)
    if index is None:
        index = members.index(member)
    if len(members) == 1:
        # The only member: an empty `{}` is the neat result whatever the layout was.
        return text[: obj.start + 1] + text[obj.end - 1 :]
    if index > 0:
        # Cut from the end of the previous value: removes ",<ws>key: value" in one piece.
        return text[: members[index - 1].value.end] + text[member.value.end :]
    # First member: cut up to the next key, which inherits this member's indentation.
    return text[: member.key_start] + text[members[1].key_start :]


def insert_member(text: str, obj: Node, key: str, value: object) -> str:
    """Append `"key": value` after the last member of `obj`, in the file's own style."""
    if obj.kind != "object":
        raise ValueError("insert_member needs an object node")
    multiline = _is_multiline(text, obj)
    _, colon = _separators(text)
    dumped_key = json.dumps(key, ensure_ascii=False)
    if obj.members:
        last = obj.members[-1]
        if multiline:
            indent = _line_indent(text, last.key_start)
            addition = ("," + line_ending(text) + indent + dumped_key + colon
                        + _dump(value, text, True, indent))
        else:
            comma, _ = _separators(text)
            addition = comma + dumped_key + colon + _dump(value, text, False, "")
        return text[: last.value.end] + addition + text[last.value.end :]
    if multiline:
        base = _line_indent(text, obj.start)
        indent = base + detect_indent(text)
        newline = line_ending(text)
        body = "{" + newline + indent + dumped_key + colon + _dump(value, text, True, indent)
        body += newline + base + "}"
    else:
        body = "{" + dumped_key + colon + _dump(value, text, False, "") + "}"
    return text[: obj.start] + body + text[obj.end :]


def replace_value(text: str, node: Node, value: object) -> str:
    """Replace the value spanned by `node` with `value` (containers dumped in the file's style)."""
    multiline = isinstance(value, dict | list) and "\n" in text.strip()
    dumped = _dump(value, text, multiline, _line_indent(text, node.start))
    return text[: node.start] + dumped + text[node.end :]


def replace_key(text: str, member: Member, new_key: str) -> str:
    """Rename a member's key in place; its value and surroundings are untouched."""
    dumped = json.dumps(new_key, ensure_ascii=False)
    return text[: member.key_start] + dumped + text[member.key_end :]
