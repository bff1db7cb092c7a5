"""The rule registry: importing this package registers every rule."""

from __future__ import annotations

from ecr_doctor.core.rules import (  # noqa: F401  (each family registers its rules)
    aws,
    config,
    enterprise,
    machine,
    scn,
)
from ecr_doctor.core.rules.base import RULES, Context, Rule, RuleDoc

__all__ = ["RULES", "Context", "Rule", "RuleDoc", "all_rules", "get_rule"]


def all_rules() -> list[Rule]:
    return [RULES[key] for key in sorted(RULES)]


def get_rule(rule_id: str) -> Rule | None:
    return RULES.get(rule_id.strip().upper())
