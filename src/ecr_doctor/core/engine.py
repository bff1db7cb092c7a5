"""The pipeline: config text + environment → findings → fix plan. Standard library only.

This is the whole core the browser build calls; the CLI adds file and machine I/O around it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from ecr_doctor.core.dockerconfig import DockerConfig, parse_config
from ecr_doctor.core.environment import Environment
from ecr_doctor.core.model import Finding
from ecr_doctor.core.options import DEFAULT_OPTIONS, Options
from ecr_doctor.core.registries import Registry
from ecr_doctor.core.resolution import Resolution
from ecr_doctor.core.rules import Context, all_rules

if TYPE_CHECKING:
    from ecr_doctor.core.fixer import FixPlan

# A fix can enable a rule that has its own fix (a renamed `credStore: ecr-login` becomes a
# global ecr-login store). Fixing to a fixpoint is what makes `fix --write` idempotent.
MAX_FIX_ROUNDS = 5


class Diagnosis(NamedTuple):
    context: Context
    findings: tuple[Finding, ...]

    @property
    def config(self) -> DockerConfig:
        return self.context.config

    @property
    def registries(self) -> tuple[tuple[Registry, Resolution], ...]:
        return tuple((r, self.context.resolution(r)) for r in self.context.registries)


def diagnose_config(config: DockerConfig, env: Environment,
                    options: Options = DEFAULT_OPTIONS) -> Diagnosis:
    ctx = Context(config, env, options)
    findings = [f for rule in all_rules() for f in rule.check(ctx)]
    findings.sort(key=lambda f: (f.location.line, f.location.col, f.rule_id, f.message))
    return Diagnosis(ctx, tuple(findings))


def diagnose_text(text: str | bytes, path: str, env: Environment,
                  options: Options = DEFAULT_OPTIONS) -> Diagnosis:
    return diagnose_config(parse_config(text, path), env, options)


def fix_text(text: str, path: str, env: Environment, options: Options = DEFAULT_OPTIONS) -> FixPlan:
    """Fix to a fixpoint; `text` is the decoded file (a leading BOM kept as U+FEFF)."""
    from ecr_doctor.core.fixer import FixPlan, plan_fix  # only `fix` pays for difflib

    current = text
    applied: dict[tuple[str, str], Finding] = {}
    mode: int | None = None
    skipped: tuple[Finding, ...] = ()
    withheld: tuple[Finding, ...] = ()
    for _ in range(MAX_FIX_ROUNDS):
        # Once a round has set the file's mode, later rounds see the file as it will be.
        round_options = options if mode is None else options._replace(file_mode=mode)
        diagnosis = diagnose_config(parse_config(current, path), env, round_options)
        plan = plan_fix(path, current, diagnosis.findings, unsafe=options.unsafe_fixes)
        skipped = plan.unsafe_skipped
        withheld = tuple(f for f in diagnosis.findings if f.detail("fix_withheld"))
        for finding in plan.applied:
            applied.setdefault((finding.rule_id, finding.message), finding)
        mode = plan.mode if plan.mode is not None else mode
        if plan.after == current:
            break
        current = plan.after
    return FixPlan(path, text, current, mode, tuple(applied.values()), skipped, withheld)
