"""Human output: one line per finding, `path:line:col: RULE [severity] message`."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ecr_doctor.core.clients import helper_failure_uses
from ecr_doctor.core.engine import Diagnosis
from ecr_doctor.core.environment import Environment
from ecr_doctor.core.model import Applicability, Finding, Severity
from ecr_doctor.core.resolution import Source
from ecr_doctor.render.style import Style

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ecr_doctor.core.fixer import FixPlan
    from ecr_doctor.core.taskdef import TaskDefinition
    from ecr_doctor.machine.wrappers import WrapperPlan
    from ecr_doctor.scan.report import FindingsReport


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
    # A missing store fails every registry it serves alike: its per-command lines are shown
    # once, and the next registries with the very same lines point back (one screen for a
    # config of many registries).
    shown: dict[tuple[str, tuple[str, ...]], str] = {}
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
        failing = (resolution.helper and env.known
                   and (binary := env.helper(resolution.helper)) is not None
                   and not (binary.found and binary.executable))
        if failing and not diagnosis.context.podman:
            uses = tuple(f"        {use.operation}: {use.uses}"
                         for use in helper_failure_uses(resolution, env.docker_version))
            same = shown.setdefault((resolution.helper_binary or "", uses),
                                    resolution.lookup_key)
            if same != resolution.lookup_key:
                lines.append(f"      with {resolution.helper_binary} missing: per command as "
                             f"for {same} above")
            else:
                lines.append(f"      with {resolution.helper_binary} missing, per command:")
                lines.extend(uses)
        for scoped in diagnosis.context.buildkit(registry):
            lines.append(f"      BuildKit builds, {scoped.applies_to}: buildx scoped config "
                         f"{scoped.summary}")
    return lines


def fix_command(config_arg: str | None, registries: Sequence[str], unsafe: bool,
                extra: Sequence[str] = ()) -> str:
    """The `fix --write` command line that applies what was shown (`extra`: further options,
    already split into words)."""
    parts = ["ecr-doctor", "fix", "--write"]
    if config_arg:
        parts += ["--config", _quote(config_arg)]
    for registry in registries:
        parts += ["--registry", _quote(registry)]
    if unsafe:
        parts.append("--unsafe-fixes")
    parts += [_quote(word) for word in extra]
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
        who = ("podman / skopeo / buildah" if diagnosis.context.podman else "Docker")
        out.append(f"Credential source {who} will use, per registry:")
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


def fix_report(plan: FixPlan, style: Style, *, mode: str, written: bool, backup: str | None,
               write_command: str, backup_tokens: Sequence[tuple[str, str]] = (),
               wrappers: Sequence[WrapperPlan] = (),
               helper_dir_on_path: bool = True,
               pull_through_hosts: Sequence[str] | None = None) -> str:
    """What `fix` did or would do: the diff, each fix, the wrappers and what to run next."""
    out = _config_fix_lines(plan, style, mode=mode, written=written, backup=backup,
                            write_command=write_command)
    if written and backup:
        out += [f"note: the backup {backup} (mode 0600) holds a live token for {host} until "
                f"{until}; once the new set-up works, "
                "`ecr-doctor verify --remove-live-backups` deletes it"
                for host, until in backup_tokens]
    for w in wrappers:
        if w.action == "ok":
            out.append(f"wrapper {w.path}: up to date (AWS profile {w.profile!r})")
        elif w.action == "conflict":
            out.append(f"wrapper {w.path}: a different file is there; not overwritten")
        elif mode == "write":
            out.append(f"wrapper {w.path}: installed (AWS profile {w.profile!r})")
        else:
            out.append(f"wrapper {w.path}: would {w.action} (AWS profile {w.profile!r})")
    if wrappers and not helper_dir_on_path:
        helper_dir = os.path.dirname(wrappers[0].path)
        out.append(f"note: {helper_dir} is not on PATH: Docker will not find the wrappers "
                   "until it is (add it to PATH for the process that runs docker)")
    if pull_through_hosts is not None:
        from ecr_doctor.core.profiles import pull_through_notes

        notes = pull_through_notes(pull_through_hosts)
        if notes:
            out.append("Pull-through cache: with a cache rule per upstream, images are pulled "
                       "through the same hosts (no extra credHelpers entry):")
            out += [f"  {line}" for line in notes]
    return "".join(line + "\n" for line in out)


def _config_fix_lines(plan: FixPlan, style: Style, *, mode: str, written: bool,
                      backup: str | None, write_command: str) -> list[str]:
    out: list[str] = []
    if not plan.changed:
        out.append(f"{plan.path}: nothing to fix.")
    else:
        if mode != "check":
            out += [style.diff_line(line) for line in plan.diff().splitlines()]
            if plan.mode is not None:
                out.append(f"mode {plan.mode:04o} will be set on {plan.path}")
        out += [f"fix: {finding_line(finding, style)}" for finding in plan.applied]
        if written:
            out.append(f"Wrote {plan.path}" + (f" (backup: {backup})" if backup else ""))
        elif mode == "diff":
            # The same options as this run: without its --registry, a rerun plans less.
            out.append(f"Nothing written. Apply with: {write_command}")
        elif mode == "check":
            out.append(f"{plan.path}: would change ({len(plan.applied)} fixes).")
    if plan.unsafe_skipped:
        out.append(f"{len(plan.unsafe_skipped)} unsafe fix(es) not applied; add --unsafe-fixes:")
        out += [f"  {finding_line(finding, style)}" for finding in plan.unsafe_skipped]
    if plan.withheld:
        out.append(f"{len(plan.withheld)} fix(es) withheld: applying them would leave a "
                   "registry worse off:")
        out += [f"  {finding_line(finding, style)}" for finding in plan.withheld]
    return out


# audit's text output is a one-screen summary: the worst findings first, then counts.
AUDIT_SCREEN = 15


def report_text(report: FindingsReport, *, verbose: bool) -> str:
    """`scan`'s list of findings, or `audit`'s one-screen summary (all with -v)."""
    from ecr_doctor.scan.report import severity_counts  # scan stays off diagnose's path

    findings = report.findings
    shown = findings if report.command == "scan" or verbose else findings[:AUDIT_SCREEN]
    lines = []
    kube = report.kubernetes
    listed = shown
    if kube is not None:
        lines += _secret_lines([f for f in shown if f.detail("object")])
        listed = [f for f in shown if not f.detail("object")]
    for f in listed:
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
    if kube is not None:
        lines.append(f"ecr-doctor scan: stdin: {kube.objects} Kubernetes object(s), "
                     f"{kube.secrets} Secret(s), {kube.pull_secrets} pull secret(s), "
                     f"{kube.ecr_tokens} ECR token(s) ({kube.live} live, {kube.expired} "
                     f"expired): {summary}{extra}")
    else:
        lines.append(f"ecr-doctor {report.command}: {report.files} file(s) checked: "
                     f"{summary}{extra}{hidden}")
    if verbose and report.command == "audit":
        lines += [f"checked {path}" for path in report.checked]
    return "".join(line + "\n" for line in lines)


def ecs_text(td: TaskDefinition, findings: Sequence[Finding], style: Style) -> str:
    """`ecs check`: what was read (family, where it runs, each image), then one line per
    finding, then the count."""
    from ecr_doctor.core.imageref import parse_image
    from ecr_doctor.core.registries import classify
    from ecr_doctor.core.rules.ecs import shown

    name = shown(td.family or "(no family)", 120)
    if td.revision is not None:
        name += f":{td.revision}"
    form = ("describe-task-definition output" if td.shape == "describe"
            else "task definition")
    where = ", ".join(sorted(td.launch_types)) or "not stated (requiresCompatibilities)"
    role = (shown(td.execution_role_arn.value, 200) if td.execution_role_arn is not None
            else "none")
    lines = [f"{td.path}: {form} {name}; runs on: {where}; execution role: {role}"]
    for container in td.containers:
        if container.image is None:
            lines.append(style.dim(f"  {shown(container.name, 80)}  (no image)"))
            continue
        ref = parse_image(container.image.value)
        kind = classify(ref.domain).kind.value if ref.explicit_domain else "docker-hub"
        lines.append(f"  {style.bold(shown(container.name, 80))}  "
                     f"{shown(container.image.value, 200)}  {style.dim(kind)}")
    lines += [finding_line(f, style) for f in findings]
    lines.append(f"ecr-doctor ecs check: {summary_counts(findings) if findings else 'no findings'}")
    return "".join(line + "\n" for line in lines)


def compact_span(seconds: int) -> str:
    """`3h 10m`, `2d`: a column of expiries a person scans, not reads."""
    seconds = abs(seconds)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        hours, minutes = divmod(seconds // 60, 60)
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    days, rest = divmod(seconds, 86400)
    return f"{days}d {rest // 3600}h" if days < 2 and rest >= 3600 else f"{days}d"


def _expiry(f: Finding) -> str:
    expires, left = f.detail("expires_at"), f.detail("seconds_left")
    if f.rule_id != "SCN009":
        return f.detail("problem") or f.message
    if expires is None or left is None:
        state = f.detail("token_state")
        return "not an ECR token" if state == "not-a-token" else "expiry unknown"
    from datetime import datetime

    when = datetime.strptime(expires, "%Y-%m-%dT%H:%M:%SZ").strftime("%Y-%m-%d %H:%M UTC")
    seconds = int(left)
    span = f"in {compact_span(seconds)}" if seconds >= 0 else f"expired {compact_span(seconds)} ago"
    return f"expires {when} ({span})"


def _secret_lines(findings: list[Finding]) -> list[str]:
    """`scan -`: one aligned line per pull-secret finding, `namespace/name  host  expiry  ID`."""
    rows = [(f.detail("object") or "", f.registry or "-", _expiry(f),
             f"{f.rule_id} [{f.severity.label}]", f.detail("secret")) for f in findings]
    width_obj = max((len(r[0]) for r in rows), default=0)
    width_host = max((len(r[1]) for r in rows), default=0)
    return [f"{obj:<{width_obj}}  {host:<{width_host}}  {expiry}  {rule}"
            + (f" ({fp})" if fp else "") for obj, host, expiry, rule, fp in rows]
