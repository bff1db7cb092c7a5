"""A findings report (what `scan` and `audit` print) in the format asked for."""

from __future__ import annotations

from typing import TextIO

from ecr_doctor.scan.report import FindingsReport


def emit_report(fmt: str, report: FindingsReport, out: TextIO, *, verbose: bool,
                sarif_category: str | None = None, sarif_root: str | None = None) -> None:
    if fmt == "sarif":
        from ecr_doctor.core.rules import all_rules
        from ecr_doctor.render.sarif import dumps as sarif_dumps

        used = {f.rule_id for f in report.findings}
        out.write(sarif_dumps(report.findings, [r for r in all_rules()
                                                if r.id.startswith("SCN") or r.id in used],
                              category=sarif_category or f"ecr-doctor/{report.command}",
                              root=sarif_root, unreadable=report.unreadable,
                              exit_code=report.exit_code))
    elif fmt == "json":
        from ecr_doctor.render.jsonout import dumps, envelope, report_result

        out.write(dumps(envelope(report.command, report_result(report),
                                 exit_code=report.exit_code)))
    else:
        from ecr_doctor.render.text import report_text

        out.write(report_text(report, verbose=verbose))
