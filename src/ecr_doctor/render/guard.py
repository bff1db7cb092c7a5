"""The output guard: every character that leaves the process through the CLI's streams passes
here, so text taken from input (registry keys, helper messages, pasted logs) cannot drive the
terminal.

Control characters (C0 but tab and newline, DEL, C1 — U+009B is a one-character CSI), bidi
overrides (they reorder what a reader sees) and lone surrogates (they cannot even be encoded)
are written as `\\uXXXX`. That spelling reads as an escape in text and is the same character
again inside a JSON string, so JSON and SARIF output keep their meaning exactly. The only
escape sequences let through are the colour codes `Style` itself writes, and only on a stream
that colour was decided for: none of them moves the cursor, clears or hides text.
"""

from __future__ import annotations

import re
from typing import TextIO

from ecr_doctor.core.controls import UNSAFE_CHARACTERS
from ecr_doctor.render.style import EMITTED_CODES

_UNSAFE = re.compile(f"[{UNSAFE_CHARACTERS}\r]")
_STYLE = re.compile("|".join(re.escape(code) for code in sorted(EMITTED_CODES, key=len,
                                                                  reverse=True)))


def _escaped(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def escape_controls(text: str) -> str:
    """`text` with every unsafe character spelt `\\uXXXX`."""
    return _UNSAFE.sub(_escaped, text)


def escape_except_style(text: str) -> str:
    """As escape_controls, but the colour codes Style writes stay codes."""
    pieces: list[str] = []
    last = 0
    for match in _STYLE.finditer(text):
        pieces += [escape_controls(text[last:match.start()]), match.group()]
        last = match.end()
    pieces.append(escape_controls(text[last:]))
    return "".join(pieces)


class GuardedStream:
    """A text stream that writes through the guard; the rest is the wrapped stream's."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(escape_except_style(text))

    def writelines(self, lines: list[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> object:
        # flush, isatty (colour is decided on the real stream), encoding, and `buffer` for
        # the one command that writes a file's bytes on purpose (redact, unredact), which
        # guards a terminal itself.
        return getattr(self._stream, name)


def guarded(stream: TextIO) -> TextIO:
    """`stream` behind the guard, typed as the stream it stands for."""
    return GuardedStream(stream)  # type: ignore[return-value]
