"""Terminal colour: ANSI codes on a TTY unless NO_COLOR is set (no-color.org).

Five escape codes do not justify importing a terminal library on a command whose start-up
time is budgeted at 1.5x a bare interpreter.
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


class Style:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled else text

    def severity(self, severity: Severity, text: str | None = None) -> str:
        return self._wrap(_CODES[severity], text if text is not None else severity.label)

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)

    def diff_line(self, line: str) -> str:
        if line.startswith(("+++", "---")):
            return self.bold(line)
        if line.startswith("+"):
            return self._wrap("32", line)
        if line.startswith("-"):
            return self._wrap("31", line)
        if line.startswith("@@"):
            return self._wrap("36", line)
        return line
