"""SARIF 2.1.0 for `scan`, `audit` and `ecs check`, shaped for GitHub code scanning.
Standard library only.

Every rule carries its page (short/full description, help text and markdown, references) so
code scanning shows the fix beside the alert; `partialFingerprints` keeps alerts stable across
line moves; `security-severity` drives GitHub's severity column.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from ecr_doctor import __version__
from ecr_doctor.core.model import Finding, Severity
from ecr_doctor.core.rules.base import Rule
from ecr_doctor.scan.walk import Skipped

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/ecr-doctor/ecr-doctor"

LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning",
         Severity.LOW: "note", Severity.INFO: "note"}
# GitHub maps security-severity > 9 critical, >= 7 high, >= 4 medium, else low.
SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5",
                     Severity.LOW: "3.0", Severity.INFO: "1.0"}


def _help_markdown(rule: Rule) -> str:
    doc = rule.doc
    parts = [f"**{rule.id} {rule.name}** — {rule.summary}", "", f"**What.** {doc.what}", "",
             f"**Why it matters.** {doc.why}", "", f"**Fix.** {doc.fix}"]
    if doc.example:
        parts += ["", "Example:", "", f"```\n{doc.example}\n```"]
    if doc.references:
        parts += ["", "References:", ""] + [f"- {ref}" for ref in doc.references]
    return "\n".join(parts)


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    doc = rule.doc
    text = f"{doc.what}\n\nWhy: {doc.why}\n\nFix: {doc.fix}"
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": doc.what},
        "help": {"text": text, "markdown": _help_markdown(rule)},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"tags": ["security", "secrets", "docker", "ecr"],
                       "security-severity": SECURITY_SEVERITY[rule.severity],
                       "precision": "high"},
    }


def _uri(path: str) -> str:
    from urllib.parse import quote

    return quote(path.replace("\\", "/").removeprefix("./"), safe="/:@-._~")


def _invocation(unreadable: Sequence[Skipped], exit_code: int | None) -> dict[str, Any]:
    """The run's invocation: whether it read everything, and what it could not read as
    `toolExecutionNotifications` (code scanning lists them with the tool's status)."""
    invocation: dict[str, Any] = {"executionSuccessful": not unreadable}
    if exit_code is not None:
        invocation["exitCode"] = exit_code
    if unreadable:
        invocation["toolExecutionNotifications"] = [{
            "level": "error",
            "message": {"text": f"could not read {u.path}: {u.reason}"},
            "descriptor": {"id": "unreadable"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(u.path)}}}],
        } for u in unreadable]
    return invocation


def sarif_document(findings: Sequence[Finding], rules: Iterable[Rule], *,
                   unreadable: Sequence[Skipped] = (),
                   exit_code: int | None = None) -> dict[str, Any]:
    rule_list = sorted(rules, key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(rule_list)}
    results: list[dict[str, Any]] = []
    for f in findings:
        result: dict[str, Any] = {
            "ruleId": f.rule_id,
            "level": LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": _uri(f.location.path)},
                "region": {"startLine": max(1, f.location.line),
                           "startColumn": max(1, f.location.col)},
            }}],
            "partialFingerprints": {"ecrDoctorHash/v2": f.detail("hash") or ""},
            # A Kubernetes Secret (namespace/name) is where the finding is, in a file or not.
            **({"logicalLocations": [{"fullyQualifiedName": f.detail("object"),
                                      "kind": "resource"}]} if f.detail("object") else {}),
            "properties": {"severity": f.severity.label,
                           "security-severity": SECURITY_SEVERITY[f.severity],
                           **{k: v for k, v in f.details if k != "hash"}},
        }
        if f.rule_id in index:
            result["ruleIndex"] = index[f.rule_id]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "ecr-doctor", "version": __version__,
                                "semanticVersion": __version__,
                                "informationUri": INFORMATION_URI,
                                "rules": [_rule_descriptor(r) for r in rule_list]}},
            "invocations": [_invocation(unreadable, exit_code)],
            "results": results,
            "columnKind": "unicodeCodePoints",
        }],
    }


def dumps(findings: Sequence[Finding], rules: Iterable[Rule], *,
          unreadable: Sequence[Skipped] = (), exit_code: int | None = None) -> str:
    document = sarif_document(findings, rules, unreadable=unreadable, exit_code=exit_code)
    return json.dumps(document, indent=2) + "\n"
