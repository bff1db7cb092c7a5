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
from ecr_doctor.core.model import Finding, Severity
from ecr_doctor.core.records import finding_dict

if TYPE_CHECKING:
    from ecr_doctor.core.explain import Explanation
    from ecr_doctor.core.registries import Registry
    from ecr_doctor.core.resolution import Resolution
    from ecr_doctor.core.rules.base import Rule
    from ecr_doctor.core.taskdef import TaskDefinition
    from ecr_doctor.scan.report import FindingsReport

SCHEMA_VERSION = "2.2"


def envelope(command: str, result: dict[str, Any], *, exit_code: int) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "ecr-doctor", "version": __version__},
        "command": command,
        "exit_code": exit_code,
        "result": result,
    }


def _client_uses(diagnosis: Diagnosis, registry: Registry, res: Resolution) -> dict[str, Any]:
    """Per command, what the Docker CLI sends when the host's helper is missing; and the
    buildx scoped configs BuildKit builds use for the host instead of this file (schema 2.2)."""
    from ecr_doctor.core.clients import helper_failure_uses

    env = diagnosis.context.env
    binary = env.helper(res.helper) if res.helper and env.known else None
    failing = binary is not None and not (binary.found and binary.executable)
    operations = [] if diagnosis.context.podman or not failing else [
        {"operation": u.operation, "uses": u.uses, "outcome": u.outcome}
        for u in helper_failure_uses(res, env.docker_version)]
    buildkit = [
        {"config": u.config.path, "applies_to": u.applies_to, "state": u.config.state,
         "source": u.resolution.source.value if u.resolution is not None else None,
         "helper": u.resolution.helper if u.resolution is not None else None,
         "auth_key": u.resolution.auth_key if u.resolution is not None else None,
         "summary": u.summary}
        for u in diagnosis.context.buildkit(registry)]
    return {"operations": operations, "buildkit": buildkit}


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
                **_client_uses(diagnosis, reg, res),
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
        "runtime": (explanation.runtime._asdict() if explanation.runtime is not None
                    else None),
        "recognised": [{"id": s.id, "label": s.label, "excerpt": s.excerpt, "line": s.line}
                       for s in explanation.signatures],
        "causes": [{"rank": rank, "id": c.id, "title": c.title, "why": c.why,
                    "check": c.check, "rule_ids": list(c.rule_ids), "score": c.score,
                    "seen_here": c.seen_here}
                   for rank, c in enumerate(explanation.causes, 1)],
    }


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def ecs_result(td: TaskDefinition, findings: Sequence[Finding]) -> dict[str, Any]:
    """`ecs check`: what the task definition holds that the rules read, and the findings."""
    from ecr_doctor.core.imageref import parse_image
    from ecr_doctor.core.registries import classify
    from ecr_doctor.core.rules.ecs import shown

    def image(raw: str) -> dict[str, Any]:
        ref = parse_image(raw)
        return {"image": shown(raw), "registry": shown(ref.domain),
                "registry_kind": classify(ref.domain).kind.value if ref.explicit_domain
                else "docker-hub", "tag": shown(ref.tag) if ref.tag is not None else None,
                "digest": shown(ref.digest) if ref.digest is not None else None}

    counts = Counter(f.severity.label for f in findings)
    return {
        "path": td.path,
        "shape": td.shape,
        "family": shown(td.family) if td.family is not None else None,
        "revision": td.revision,
        "launch_types": sorted(td.launch_types),
        "execution_role_arn": (shown(td.execution_role_arn.value)
                               if td.execution_role_arn is not None else None),
        "task_role_arn": shown(td.task_role_arn.value) if td.task_role_arn is not None else None,
        "containers": [{"name": shown(c.name), **(image(c.image.value) if c.image else
                        {"image": None, "registry": None, "registry_kind": None, "tag": None,
                         "digest": None})} for c in td.containers],
        "findings": [finding_dict(f) for f in findings],
        "summary": {"total": len(findings),
                    "by_severity": {s.label: counts.get(s.label, 0) for s in Severity}},
    }
