"""Machine output: one envelope for every command.

`{"schema_version", "tool", "command", "exit_code", "result"}`, described by
`ecr_doctor/schemas/envelope.json`; `result` is described by `schemas/<command>.json`.
Additions bump the minor version, changes the major.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from ecr_doctor import __version__
from ecr_doctor.core.engine import Diagnosis
from ecr_doctor.core.fixer import FixPlan
from ecr_doctor.core.model import Severity
from ecr_doctor.core.records import finding_dict

SCHEMA_VERSION = "2.0"


def envelope(command: str, result: dict[str, Any], *, exit_code: int) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "ecr-doctor", "version": __version__},
        "command": command,
        "exit_code": exit_code,
        "result": result,
    }


def diagnosis_dict(
    diagnosis: Diagnosis, *, config: dict[str, Any], exit_code: int
) -> dict[str, Any]:
    counts = Counter(f.severity.label for f in diagnosis.findings)
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "ecr-doctor", "version": __version__},
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
        "exit_code": exit_code,
    }


def fix_dict(plan: FixPlan, *, mode: str, written: bool, backup: str | None) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "ecr-doctor", "version": __version__},
        "path": plan.path,
        "mode": mode,
        "changed": plan.changed,
        "written": written,
        "backup": backup,
        "file_mode": None if plan.mode is None else f"{plan.mode:04o}",
        "applied": [finding_dict(f) for f in plan.applied],
        "unsafe_skipped": [finding_dict(f) for f in plan.unsafe_skipped],
        "diff": plan.diff(),
    }


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
