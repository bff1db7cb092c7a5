"""Terminal colour: ANSI codes on a TTY unless NO_COLOR is set (no-color.org).

A handful of SGR codes is all the output needs; `EMITTED_CODES` lists every escape sequence
this module can write, so the output guard (render/guard.py) lets exactly those through.
"""

from __future__ import annotations

from ecr_doctor.core.model import Severity

_CODES = {
    Severity.CRITICAL: "1;35",
    Severity.HIGH: "1;31",
    Severity.MEDIUM: "33",
    Severity.LOW: "36",
    Severity.INFO: "2",
}

_RESET = "\x1b[0m"
_BOLD, _DIM, _ADDED, _REMOVED, _HUNK = "1", "2", "32", "31", "36"
_OTHER_CODES = (_BOLD, _DIM, _ADDED, _REMOVED, _HUNK)
EMITTED_CODES = frozenset({_RESET, *(f"\x1b[{code}m" for code in (*_CODES.values(),
                                                                 *_OTHER_CODES))})


class Style:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}{_RESET}" if self.enabled else text

    def severity(self, severity: Severity, text: str | None = None) -> str:
        return self._wrap(_CODES[severity], text if text is not None else severity.label)

    def bold(self, text: str) -> str:
        return self._wrap(_BOLD, text)

    def dim(self, text: str) -> str:
        return self._wrap(_DIM, text)

    def diff_line(self, line: str) -> str:
        if line.startswith(("+++", "---")):
            return self.bold(line)
        if line.startswith("+"):
            return self._wrap(_ADDED, line)
        if line.startswith("-"):
            return self._wrap(_REMOVED, line)
        if line.startswith("@@"):
            return self._wrap(_HUNK, line)
        return line
