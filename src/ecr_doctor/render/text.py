"""Human output: one line per finding, `path:line:col: RULE [severity] message`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecr_doctor.core.engine import Diagnosis
from ecr_doctor.core.environment import Environment
from ecr_doctor.core.model import Applicability, Finding, Severity
from ecr_doctor.core.resolution import Source
from ecr_doctor.render.style import Style

if TYPE_CHECKING:
    from collections.abc import Sequence


def finding_line(finding: Finding, style: Style) -> str:
    sev = style.severity(finding.severity, f"[{finding.severity.label}]")
    return f"{finding.location}: {style.bold(finding.rule_id)} {sev} {finding.message}"


def summary_counts(findings: Sequence[Finding]) -> str:
    counts: dict[Severity, int] = {}
    for finding in findings:
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
    parts = [f"{counts[s]} {s.label}" for s in sorted(counts, reverse=True)]
    noun = "problem" if len(findings) == 1 else "problems"
    return f"{len(findings)} {noun} ({', '.join(parts)})"


def render_registries(diagnosis: Diagnosis, env: Environment, style: Style) -> list[str]:
    lines = []
    for registry, resolution in diagnosis.registries:
        if resolution.source in (Source.CRED_HELPER, Source.CREDS_STORE):
            via = f"{resolution.source.value} → {resolution.helper_binary}"
            binary = env.helper(resolution.helper or "") if env.known else None
            if binary is not None:
                if not binary.found:
                    via += style.severity(Severity.HIGH, " (not on PATH)")
                elif binary.version:
                    via += f" ({binary.version})"
        elif resolution.source is Source.NONE:
            via = "anonymous"
        else:
            via = resolution.source.value
            if resolution.auth_key:
                via += f' ["{resolution.auth_key}"]'
        kind = style.dim(registry.kind.value)
        lines.append(f"  {style.bold(resolution.lookup_key)}  {kind}  {via}")
        lines.append(style.dim(f"      {resolution.reason}"))
    return lines


def fix_command(config_arg: str | None, registries: Sequence[str], unsafe: bool) -> str:
    parts = ["ecr-doctor", "fix", "--write"]
    if config_arg:
        parts += ["--config", _quote(config_arg)]
    for registry in registries:
        parts += ["--registry", _quote(registry)]
    if unsafe:
        parts.append("--unsafe-fixes")
    return " ".join(parts)


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


def render_diagnosis(
    diagnosis: Diagnosis,
    env: Environment,
    style: Style,
    *,
    header: str,
    config_arg: str | None,
    registries: Sequence[str],
    show_registries: bool = True,
) -> str:
    out = [header]
    findings = diagnosis.findings
    for finding in findings:
        out.append(finding_line(finding, style))
    if show_registries and diagnosis.registries:
        out.append("")
        out.append("Credential source Docker will use, per registry:")
        out.extend(render_registries(diagnosis, env, style))
    out.append("")
    if not findings:
        out.append(style.bold("No problems found."))
        return "\n".join(out) + "\n"
    safe = [f for f in findings if f.fix and f.fix.applicability is Applicability.SAFE]
    unsafe = [f for f in findings if f.fix and f.fix.applicability is Applicability.UNSAFE]
    out.append(f"Found {summary_counts(findings)}.")
    if safe:
        out.append(f"{len(safe)} fixable: {style.bold(fix_command(config_arg, registries, False))}"
                   "  (preview with: ecr-doctor fix --diff)")
    if unsafe:
        out.append(f"{len(unsafe)} more with unsafe fixes: "
                   f"{fix_command(config_arg, registries, True)}")
    out.append("Details for any rule: ecr-doctor explain RULE-ID")
    return "\n".join(out) + "\n"
