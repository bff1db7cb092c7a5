"""The rule registry: every family, by name; a family is a module whose id prefix names it."""

from __future__ import annotations

from ecr_doctor.core.rules import cfg, ecs, env, err, iam, kub, scn
from ecr_doctor.core.rules.base import Context, Family, Rule, RuleDoc

__all__ = ["FAMILIES", "RULES", "Context", "Rule", "RuleDoc", "all_rules", "get_rule"]

FAMILIES: tuple[Family, ...] = (cfg.FAMILY, env.FAMILY, iam.FAMILY, scn.FAMILY, kub.FAMILY,
                                ecs.FAMILY, err.FAMILY)


def _index(families: tuple[Family, ...]) -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for family in families:
        for rule in family.rules:
            if rule.id in rules:
                raise ValueError(f"duplicate rule id {rule.id}")
            rules[rule.id] = rule
    return dict(sorted(rules.items()))


RULES: dict[str, Rule] = _index(FAMILIES)


def all_rules() -> list[Rule]:
    return list(RULES.values())


def get_rule(rule_id: str) -> Rule | None:
    return RULES.get(rule_id.strip().upper())
