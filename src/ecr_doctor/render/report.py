"""A findings report (what `scan` and `audit` print) in text, JSON or SARIF."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from ecr_doctor.core.model import Finding, Severity
from ecr_doctor.scan.walk import Skipped

# audit's text output is a one-screen summary: the worst findings first, then counts.
AUDIT_SCREEN = 15


@dataclass(frozen=True)
class FindingsReport:
    command: str                          # "scan" or "audit"
    findings: Sequence[Finding]
    files: int
    exit_code: int
    skipped: Sequence[Skipped] = ()
    #: Files a gate needed and could not read: they count against it, never for it.
    unreadable: Sequence[Skipped] = ()
    checked: Sequence[str] = ()
    accepted_by_baseline: int = 0


def severity_counts(findings: Sequence[Finding]) -> dict[str, int]:
    counts = {s.label: 0 for s in sorted(Severity, reverse=True)}
    for f in findings:
        counts[f.severity.label] += 1
    return counts


def emit_report(fmt: str, report: FindingsReport, out: TextIO, *, verbose: bool) -> None:
    if fmt == "sarif":
        from ecr_doctor.core.rules import all_rules
        from ecr_doctor.render.sarif import dumps as sarif_dumps

        used = {f.rule_id for f in report.findings}
        out.write(sarif_dumps(report.findings, [r for r in all_rules()
                                                if r.id.startswith("SCN") or r.id in used],
                              unreadable=report.unreadable, exit_code=report.exit_code))
    elif fmt == "json":
        from ecr_doctor.render.jsonout import dumps, envelope, report_result

        out.write(dumps(envelope(report.command, report_result(report),
                                 exit_code=report.exit_code)))
    else:
        out.write(_report_text(report, verbose=verbose))


def _report_text(report: FindingsReport, *, verbose: bool) -> str:
    findings = report.findings
    shown = findings if report.command == "scan" or verbose else findings[:AUDIT_SCREEN]
    lines = []
    for f in shown:
        fp = f.detail("secret")
        suffix = f" ({fp})" if fp else ""
        lines.append(f"{f.location}: {f.rule_id} [{f.severity.label}] {f.message}{suffix}")
    if len(shown) < len(findings):
        lines.append(f"... {len(findings) - len(shown)} more (-v or --format json lists all)")
    if verbose:
        lines += [f"skipped {s.path}: {s.reason}" for s in report.skipped]
    lines += [f"could not read {u.path}: {u.reason}" for u in report.unreadable]
    counts = severity_counts(findings)
    summary = ", ".join(f"{n} {sev}" for sev, n in counts.items() if n)
    if report.unreadable:
        # Never "no findings" for a run that could not read everything it was given.
        summary = (f"{summary or 'nothing found'} in what could be read; "
                   f"{len(report.unreadable)} could not be read")
    summary = summary or "no findings"
    known = report.accepted_by_baseline
    extra = f"; {known} accepted by the baseline" if known else ""
    hidden = (f"; {len(report.skipped)} skipped (-v lists them)"
              if report.skipped and not verbose else "")
    lines.append(f"ecr-doctor {report.command}: {report.files} file(s) checked: "
                 f"{summary}{extra}{hidden}")
    if verbose and report.command == "audit":
        lines += [f"checked {path}" for path in report.checked]
    return "".join(line + "\n" for line in lines)
