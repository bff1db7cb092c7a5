"""The three streams a command talks through; tests pass their own."""

from __future__ import annotations

from typing import NamedTuple, TextIO


class Streams(NamedTuple):
    out: TextIO
    err: TextIO
    stdin: TextIO
