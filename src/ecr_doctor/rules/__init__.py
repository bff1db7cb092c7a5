"""The rule registry: importing this package registers every rule."""

from __future__ import annotations

from . import aws, config, enterprise, machine  # noqa: F401  (registration side effect)
from .base import RULES, Context, Rule, RuleDoc

__all__ = ["RULES", "Context", "Rule", "RuleDoc", "all_rules", "get_rule"]


def all_rules() -> list[Rule]:
    return [RULES[key] for key in sorted(RULES)]


def get_rule(rule_id: str) -> Rule | None:
    return RULES.get(rule_id.strip().upper())
