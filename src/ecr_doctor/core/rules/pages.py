"""A rule's page as text: what, why, how to fix, example, source (`ecr-doctor explain RULE-ID`,
and the page's rule panel)."""

from __future__ import annotations

import textwrap

from ecr_doctor.core.rules.base import Rule


def _para(text: str) -> str:
    return textwrap.fill(text, width=88)


def rule_page(rule: Rule) -> str:
    fix = f"{rule.fixable.value} fix available" if rule.fixable else "no automatic fix"
    parts = [
        f"{rule.id} {rule.name}  [{rule.severity.label}; {fix}]",
        rule.summary,
        "",
        "What it does",
        _para(rule.doc.what),
        "",
        "Why it matters",
        _para(rule.doc.why),
        "",
        "How to fix",
        _para(rule.doc.fix),
    ]
    if rule.doc.example:
        parts += ["", "Example", f"    {rule.doc.example}"]
    if rule.doc.references:
        parts += ["", "Source"] + [f"  - {ref}" for ref in rule.doc.references]
    return "\n".join(parts) + "\n"
