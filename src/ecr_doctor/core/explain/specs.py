"""What a recognised message is, as data: its patterns, the causes it points at, and an
optional adjuster that reads the rest of the paste."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import NamedTuple

Scores = dict[str, int]
# Given the matched line (raw, never output) and the whole text, return score overrides.
Adjuster = Callable[[str, str], Scores]


class Spec(NamedTuple):
    id: str
    label: str
    patterns: tuple[re.Pattern[str], ...]
    scores: Mapping[str, int]
    adjust: Adjuster | None = None


def rx(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)
