"""The commands behind the CLI: read the file and the machine once, run the core, render."""

from __future__ import annotations

import os

from ecr_doctor.lite import TYPE_CHECKING, NamedTuple

from .dockerconfig import (
    ConfigFile,
    ConfigLocation,
    DockerConfig,
    locate,
    parse_config,
    read_config,
)
from .engine import Diagnosis, diagnose_config, fix_text
from .environment import Environment, capture
from .exits import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError, WriteFailed
from .exits import use_color as _color
from .model import Finding, Severity
from .registries import classify
from .render.style import Style

if TYPE_CHECKING:
    import argparse  # only for annotations: `ecr-doctor` alone never loads it
    from typing import TextIO

class Loaded(NamedTuple):
    location: ConfigLocation
    file: ConfigFile
    config: DockerConfig
    env: Environment


def _fail_on(args: argparse.Namespace) -> Severity:
    try:
        return Severity.parse(args.fail_on)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _check_registries(values: list[str]) -> None:
    for value in values:
        if not classify(value).is_ecr:
            raise UsageError(f"--registry {value!r} is not an Amazon ECR registry host "
                             "(expected e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com)")


def load(config_arg: str | None, registries: list[str]) -> Loaded:
    home = os.path.expanduser("~")
    location = locate(config_arg, os.environ, home)
    file = read_config(location.path)
    config = parse_config(file.raw, location.path)
    helper_names = {h.helper for h in config.cred_helpers if h.helper} | {"ecr-login"}
    if config.creds_store is not None and config.creds_store.value:
        helper_names.add(config.creds_store.value)
    ecr_hosts = [e.key for e in config.auths] + [h.key for h in config.cred_helpers] + registries
    # Running a helper costs a process start (~10 ms for the Go binary). Its version only
    # matters for hosts that some helper release still in use does not recognise (ENV002:
    # ISO, dual-stack, EUSC; every release since 0.5.0 knows standard and public hosts).
    probe = ["ecr-login"] if any((classify(k).min_helper_version or (0, 0, 0)) > (0, 5, 0)
                                 for k in ecr_hosts) else []
    env = capture(os.environ, helper_names=sorted(helper_names), probe_versions=probe, home=home)
    return Loaded(location, file, config, env)


def _diagnose(loaded: Loaded, registries: list[str]) -> Diagnosis:
    return diagnose_config(
        loaded.config, loaded.env, extra_registries=registries, location=loaded.location,
        file_mode=loaded.file.mode, file_exists=loaded.file.exists,
    )


def _header(loaded: Loaded) -> str:
    state = "" if loaded.file.exists else " — no such file; Docker treats it as empty"
    return f"Config: {loaded.location.path} — {loaded.location.reason}{state}"


def run_diagnose(args: argparse.Namespace, out: TextIO) -> int:
    fail_on = _fail_on(args)
    _check_registries(args.registry)
    loaded = load(args.config, args.registry)
    diagnosis = _diagnose(loaded, args.registry)
    code = EXIT_FINDINGS if any(f.severity >= fail_on for f in diagnosis.findings) else EXIT_OK
    if args.format == "json":
        from .render.jsonout import diagnosis_dict, dumps

        out.write(dumps(diagnosis_dict(diagnosis, config=_config_dict(loaded), exit_code=code)))
        return code
    from .render.text import render_diagnosis

    style = Style(_color(out))
    if not loaded.file.exists and args.config is None and not args.registry:
        out.write(f"{_header(loaded)}\n\nNo Docker config on this machine, so nothing is "
                  "misconfigured yet.\nTo see what ecr-doctor finds and fixes, run: "
                  "ecr-doctor demo\nTo set up ECR registries now: ecr-doctor fix --write "
                  "--registry <account>.dkr.ecr.<region>.amazonaws.com\n")
        return code
    out.write(render_diagnosis(diagnosis, loaded.env, style, header=_header(loaded),
                               config_arg=args.config, registries=args.registry))
    return code


def _config_dict(loaded: Loaded) -> dict[str, object]:
    return {
        "path": loaded.location.path,
        "source": loaded.location.source,
        "reason": loaded.location.reason,
        "exists": loaded.file.exists,
        "symlink": loaded.file.is_symlink,
        "mode": None if loaded.file.mode is None else f"{loaded.file.mode & 0o777:04o}",
    }


def run_fix(args: argparse.Namespace, out: TextIO) -> int:
    _fail_on(args)
    from .enterprise_cli import fix_extras

    extras = fix_extras(args)  # --profile / --account x --region hosts join --registry
    _check_registries(args.registry)
    mode = args.mode or "diff"
    loaded = load(args.config, args.registry)
    text = _decoded(loaded)
    plan = fix_text(text, loaded.location.path, loaded.env, extra_registries=args.registry,
                    unsafe=args.unsafe_fixes, file_mode=loaded.file.mode,
                    location=loaded.location)
    plan = extras.apply(plan, loaded.env, loaded.env.home)
    # The fixed text must itself be a config Docker can read; if not, write nothing.
    parse_config(plan.after, loaded.location.path)
    written, backup = False, None
    if mode == "write":
        extras.install()  # wrappers first: the config must never name a missing helper
    if mode == "write" and plan.changed:
        from .fileio import WriteError, write_atomic

        try:
            backup = write_atomic(loaded.location.path, plan.after.encode("utf-8"),
                                  backup=loaded.file.exists)
        except WriteError as exc:
            raise WriteFailed(f"{exc} (the original is untouched)") from exc
        written = True
    if args.format == "json":
        from .render.jsonout import dumps, fix_dict

        out.write(dumps(fix_dict(plan, mode=mode, written=written, backup=backup)))
    else:
        _render_fix_text(out, plan, mode, written, backup, args)
        extras.report(out, mode)
    if mode == "check":
        return EXIT_FINDINGS if plan.changed or extras.wrappers_pending else EXIT_OK
    return EXIT_OK


def _decoded(loaded: Loaded) -> str:
    return loaded.config.text if not loaded.config.has_bom else "\ufeff" + loaded.config.text


def _render_fix_text(out: TextIO, plan: object, mode: str, written: bool, backup: str | None,
                     args: argparse.Namespace) -> None:
    from .fixer import FixPlan
    from .render.text import finding_line

    assert isinstance(plan, FixPlan)
    style = Style(_color(out))
    if not plan.changed:
        out.write(f"{plan.path}: nothing to fix.\n")
    else:
        if mode != "check":
            for line in plan.diff().splitlines():
                out.write(style.diff_line(line) + "\n")
            if plan.mode is not None:
                out.write(f"mode {plan.mode:04o} will be set on {plan.path}\n")
        for finding in plan.applied:
            out.write(f"fix: {finding_line(finding, style)}\n")
        if written:
            out.write(f"Wrote {plan.path}" + (f" (backup: {backup})" if backup else "") + "\n")
        elif mode == "diff":
            out.write("Nothing written. Apply with: ecr-doctor fix --write"
                      + (f" --config {args.config}" if args.config else "") + "\n")
        elif mode == "check":
            out.write(f"{plan.path}: would change ({len(plan.applied)} fixes).\n")
    if plan.unsafe_skipped:
        out.write(f"{len(plan.unsafe_skipped)} unsafe fix(es) not applied; add --unsafe-fixes:\n")
        for finding in plan.unsafe_skipped:
            out.write(f"  {finding_line(finding, style)}\n")


def run_explain(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    from .rules import get_rule

    words = args.text
    text = stdin.read() if words == ["-"] else " ".join(words)
    rule = get_rule(text) if len(text) < 16 else None
    if rule is not None:
        from .render.pages import rule_page

        out.write(rule_page(rule))
        return EXIT_OK
    if not text.strip():
        raise UsageError("nothing to explain: paste the error text, or name a rule id")
    from .explain import explain_error

    findings: tuple[Finding, ...] = ()
    try:
        findings = _diagnose(load(args.config, []), []).findings
    except Exception:  # the machine's own evidence is a bonus: explain works without it
        findings = ()
    explanation = explain_error(text, findings)
    from .render.pages import explanation_text

    out.write(explanation_text(explanation, Style(_color(out))))
    return EXIT_OK


def run_rules(args: argparse.Namespace, out: TextIO) -> int:
    from .rules import all_rules

    rules = all_rules()
    if args.format == "json":
        import json

        out.write(json.dumps([
            {"id": r.id, "name": r.name, "severity": r.severity.label, "summary": r.summary,
             "fix": r.fixable.value if r.fixable else None} for r in rules
        ], indent=2) + "\n")
        return EXIT_OK
    for r in rules:
        fix = r.fixable.value if r.fixable else "-"
        out.write(f"{r.id}  {r.severity.label:<8} fix:{fix:<6} {r.name}: {r.summary}\n")
    return EXIT_OK


__all__ = ["EXIT_USAGE", "run_diagnose", "run_explain", "run_fix", "run_rules"]
