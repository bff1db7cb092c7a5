"""Exit codes and the two errors that map onto them: the CLI's contract with scripts and CI.

0 nothing at or above --fail-on; 1 findings at or above it (for `fix --check`: a change is
needed); 2 bad usage or unreadable input, nothing written; 3 a write failed, original untouched.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TextIO


EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_WRITE = 0, 1, 2, 3


class UsageError(Exception):
    """Bad arguments or input: exit 2, nothing written."""


class WriteFailed(Exception):
    """A write failed after the original was left untouched: exit 3."""


def use_color(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
