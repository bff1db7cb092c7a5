"""What `scan` and `audit` found: the findings, and what they read and could not read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from ecr_doctor.core.model import Finding, Severity
from ecr_doctor.scan.walk import Skipped

if TYPE_CHECKING:
    from ecr_doctor.scan.kube import KubeSummary


class FindingsReport(NamedTuple):
    command: str                          # "scan" or "audit"
    findings: Sequence[Finding]
    files: int
    exit_code: int
    skipped: Sequence[Skipped] = ()
    #: Files a gate needed and could not read: they count against it, never for it.
    unreadable: Sequence[Skipped] = ()
    checked: Sequence[str] = ()
    accepted_by_baseline: int = 0
    #: `scan -`: what the Kubernetes objects on stdin held.
    kubernetes: KubeSummary | None = None


def severity_counts(findings: Sequence[Finding]) -> dict[str, int]:
    counts = {s.label: 0 for s in sorted(Severity, reverse=True)}
    for f in findings:
        counts[f.severity.label] += 1
    return counts
