"""The causes behind ECR pull and push failures, as data: what each means, why the runtime ends
there, the check for it and the rules that cover it. Reviewed like code.

Plain values and text only (standard library, nothing compiled at import): `explain` ranks
these causes, and the ERR rule family (core/rules/err.py) declares a page from each cause that
no config, file or machine rule covers, so listing rules never loads the explain engine.
`docker` holds the causes in the Docker client and its credential helpers, `runtimes` those of
Kubernetes, ECS, Lambda, ECR Public, the AWS CLI and other clients.
"""

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
    #: The ERR rule declared from this cause when no config, file or machine rule covers it:
    #: its page (`ecr-doctor explain ERRnnn`) is this cause.
    own_rule: str | None = None
    sources: tuple[str, ...] = ()


def make_cause(id_: str, title: str, why: str, check: str, rule_ids: tuple[str, ...] = (), *,
               own: str | None = None, sources: tuple[str, ...] = ()) -> Cause:
    """A catalogue entry; `own` is the ERR rule declared from it when no other rule covers it."""
    return Cause(id=id_, title=title, why=why, check=check,
                 rule_ids=rule_ids + ((own,) if own else ()), score=0, own_rule=own,
                 sources=sources)
