"""The core's values as plain JSON-ready records: one shape for a finding everywhere (the CLI's
JSON envelope, SARIF's properties, the page)."""

from __future__ import annotations

from typing import Any

from ecr_doctor.core.model import Finding


def finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "rule_id": finding.rule_id,
        "severity": finding.severity.label,
        "message": finding.message,
        "path": finding.location.path,
        "line": finding.location.line,
        "col": finding.location.col,
        "registry": finding.registry,
        "fix": None if finding.fix is None else {
            "applicability": finding.fix.applicability.value,
            "description": finding.fix.description,
        },
        "details": dict(finding.details),
    }
