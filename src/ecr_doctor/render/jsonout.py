"""Machine output: one envelope for every command.

`{"schema_version", "tool", "command", "exit_code", "result"}`, described by
`ecr_doctor/schemas/envelope.json`; `result` is described by `schemas/<command>.json`
(audit shares scan's). Additions bump the minor version, changes the major.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ecr_doctor import __version__
from ecr_doctor.core.engine import Diagnosis
from ecr_doctor.core.fixer import FixPlan
from ecr_doctor.core.model import Severity
from ecr_doctor.core.records import finding_dict

if TYPE_CHECKING:
    from ecr_doctor.core.explain import Explanation
    from ecr_doctor.core.rules.base import Rule
    from ecr_doctor.scan.report import FindingsReport

SCHEMA_VERSION = "2.3"


def envelope(command: str, result: dict[str, Any], *, exit_code: int) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "ecr-doctor", "version": __version__},
        "command": command,
        "exit_code": exit_code,
        "result": result,
    }


def diagnosis_result(diagnosis: Diagnosis, *, config: dict[str, Any]) -> dict[str, Any]:
    counts = Counter(f.severity.label for f in diagnosis.findings)
    return {
        "config": config,
        "registries": [
            {
                "lookup_key": res.lookup_key,
                "host": reg.host,
                "kind": reg.kind.value,
                "account": reg.account,
                "region": reg.region,
                "partition": reg.partition,
                "fips": reg.fips,
                "source": res.source.value,
                "helper": res.helper,
                "auth_key": res.auth_key,
                "shadowed_auths": list(res.shadowed_auths),
                "reason": res.reason,
            }
            for reg, res in diagnosis.registries
        ],
        "findings": [finding_dict(f) for f in diagnosis.findings],
        "summary": {
            "total": len(diagnosis.findings),
            "by_severity": {s.label: counts.get(s.label, 0) for s in Severity},
            "fixable": {
                "safe": sum(1 for f in diagnosis.findings
                            if f.fix and f.fix.applicability.value == "safe"),
                "unsafe": sum(1 for f in diagnosis.findings
                              if f.fix and f.fix.applicability.value == "unsafe"),
            },
        },
    }


def fix_result(plan: FixPlan, *, mode: str, written: bool, backup: str | None,
               wrappers: Sequence[dict[str, str]] = (),
               backup_tokens: Sequence[tuple[str, str]] = ()) -> dict[str, Any]:
    return {
        "path": plan.path,
        "mode": mode,
        "changed": plan.changed,
        "written": written,
        "backup": backup,
        # The live static tokens the backup still holds: delete it once verify passes.
        "backup_live_tokens": [{"registry": host, "expires_at": until}
                               for host, until in backup_tokens],
        "file_mode": None if plan.mode is None else f"{plan.mode:04o}",
        "applied": [finding_dict(f) for f in plan.applied],
        "unsafe_skipped": [finding_dict(f) for f in plan.unsafe_skipped],
        "diff": plan.diff(),
        "wrappers": list(wrappers),
    }


def report_result(report: FindingsReport) -> dict[str, Any]:
    from ecr_doctor.scan.report import severity_counts  # scan stays off diagnose's path

    result: dict[str, Any] = {
        "findings": [finding_dict(f) for f in report.findings],
        "skipped": [{"path": s.path, "reason": s.reason} for s in report.skipped],
        "unreadable": [{"path": u.path, "reason": u.reason} for u in report.unreadable],
        "checked": list(report.checked),
        "summary": {"files": report.files, "accepted_by_baseline": report.accepted_by_baseline,
                    **severity_counts(report.findings)},
    }
    if report.kubernetes is not None:
        result["kubernetes"] = report.kubernetes._asdict()
    return result


def rule_record(rule: Rule) -> dict[str, Any]:
    return {"id": rule.id, "name": rule.name, "severity": rule.severity.label,
            "summary": rule.summary, "fix": rule.fixable.value if rule.fixable else None}


def rules_result(rules: Sequence[Rule]) -> dict[str, Any]:
    return {"rules": [rule_record(r) for r in rules]}


def rule_page_result(rule: Rule, page: str) -> dict[str, Any]:
    doc = rule.doc
    return {"kind": "rule", "rule": {**rule_record(rule), "what": doc.what, "why": doc.why,
                                     "how_to_fix": doc.fix, "example": doc.example or None,
                                     "references": list(doc.references)},
            "page": page}


def explanation_result(explanation: Explanation) -> dict[str, Any]:
    return {
        "kind": "error",
        "recognised": [{"id": s.id, "label": s.label, "excerpt": s.excerpt}
                       for s in explanation.signatures],
        "causes": [{"rank": rank, "id": c.id, "title": c.title, "why": c.why,
                    "check": c.check, "rule_ids": list(c.rule_ids), "score": c.score,
                    "seen_here": c.seen_here}
                   for rank, c in enumerate(explanation.causes, 1)],
    }


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
