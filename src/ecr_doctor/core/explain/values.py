"""What an explanation is made of: causes, recognised messages, the runtime, the explanation."""

from __future__ import annotations

from typing import NamedTuple

from ecr_doctor.core.explain.runtimes import Runtime


class Cause(NamedTuple):
    id: str
    title: str
    why: str
    check: str
    rule_ids: tuple[str, ...]
    score: int
    seen_here: bool = False
    #: The ERR rule declared from this cause when no config, file or machine rule covers it:
    #: its page (`ecr-doctor explain ERRnnn`) is this cause.
    own_rule: str | None = None
    sources: tuple[str, ...] = ()


class Signature(NamedTuple):
    id: str
    label: str
    excerpt: str
    #: 1-based line of the paste the message was found on; 0 when it was found only with the
    #: paste's hard-wrapped lines joined.
    line: int = 0


class Explanation(NamedTuple):
    signatures: tuple[Signature, ...]
    causes: tuple[Cause, ...]
    runtime: Runtime | None = None

    def is_empty(self) -> bool:
        return not self.signatures and not self.causes


def make_cause(id_: str, title: str, why: str, check: str, rule_ids: tuple[str, ...] = (), *,
               own: str | None = None, sources: tuple[str, ...] = ()) -> Cause:
    """A catalogue entry; `own` is the ERR rule declared from it when no other rule covers it."""
    return Cause(id=id_, title=title, why=why, check=check,
                 rule_ids=rule_ids + ((own,) if own else ()), score=0, own_rule=own,
                 sources=sources)
