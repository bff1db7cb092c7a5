"""What an explanation is made of: causes, recognised messages, the explanation."""

from __future__ import annotations

from typing import NamedTuple


class Cause(NamedTuple):
    id: str
    title: str
    why: str
    check: str
    rule_ids: tuple[str, ...]
    score: int
    seen_here: bool = False


class Signature(NamedTuple):
    id: str
    label: str
    excerpt: str


class Explanation(NamedTuple):
    signatures: tuple[Signature, ...]
    causes: tuple[Cause, ...]

    def is_empty(self) -> bool:
        return not self.signatures and not self.causes
