"""The ERR family: causes that only an error message shows, fired by `explain`.

Each rule is declared from the catalogue's cause that names it (`own=`, core/causes): the
cause's title is the summary, its explanation the page's why, its check the fix, its citations the
sources. One text, two views: the ranked cause in `explain "<error>"` and the page in
`explain ERRnnn`. Standard library only.
"""

from __future__ import annotations

import re

from ecr_doctor.core.causes import Cause
from ecr_doctor.core.causes.catalogue import CATALOGUE
from ecr_doctor.core.model import Severity
from ecr_doctor.core.rules.base import Family, RuleDoc

FAMILY = Family("ERR")

# A citation in the cause's text: "(owner/repo · path · Function)", "(…#123)", a guide name.
_CITATION = re.compile(r"\(([^()]*?(?:·|#\d|Guide|Reference|API|KEP-)[^()]*)\)")


def _references(cause: Cause) -> tuple[str, ...]:
    found = list(cause.sources)
    for m in _CITATION.finditer(cause.why):
        for part in m.group(1).split(";"):
            part = part.strip()
            if part and part not in found:
                found.append(part)
    return tuple(found)


def _declare(cause: Cause) -> None:
    assert cause.own_rule is not None
    FAMILY.declare(
        cause.own_rule,
        cause.id,
        Severity.MEDIUM,
        cause.title,
        RuleDoc(
            what="`ecr-doctor explain` ranks this cause when a pasted error points at it; no "
            "config or file shows it, so it is never a finding of `diagnose`.",
            why=cause.why,
            fix=cause.check,
            references=_references(cause),
        ),
    )


for _cause in sorted((c for c in CATALOGUE if c.own_rule), key=lambda c: c.own_rule or ""):
    _declare(_cause)
