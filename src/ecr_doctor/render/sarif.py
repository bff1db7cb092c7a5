"""SARIF 2.1.0 for `scan`, `audit` and `ecs check`, shaped for GitHub code scanning.
Standard library only.

Every rule carries its page (short/full description, help text and markdown, references) so
code scanning shows the fix beside the alert; `partialFingerprints` keeps alerts stable across
line moves; `security-severity` drives GitHub's severity column. Paths under the scan's root
are relative to `%SRCROOT%` (code scanning resolves them against the checkout; an absolute
runner path would match no file in the repository), and `automationDetails.id` names the
analysis's category, so several ecr-doctor runs on one commit do not replace each other.
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


SRCROOT = "%SRCROOT%"


def _quote(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/:@-._~")


def _file_uri(path: str) -> str:
    posix = path.replace("\\", "/")
    return "file://" + _quote(posix if posix.startswith("/") else "/" + posix)  # C:/x: file:///C:/x


def _root_uri(root: str) -> str:
    return _file_uri(root.rstrip("/\\") + "/")


def _artifact(path: str, root: str | None) -> dict[str, str]:
    """An artifactLocation: relative to %SRCROOT% for a path under the root, else as given.

    Pure string work on the two paths (the caller resolved both), so it runs anywhere.
    """
    import posixpath

    posix = path.replace("\\", "/")
    if root is not None:
        base = root.replace("\\", "/").rstrip("/") or "/"
        absolute = posix if posixpath.isabs(posix) else posixpath.join(base, posix)
        absolute = posixpath.normpath(absolute)
        if absolute == base or absolute.startswith(base.rstrip("/") + "/"):
            relative = posixpath.relpath(absolute, base)
            return {"uri": _quote(relative), "uriBaseId": SRCROOT}
        return {"uri": _file_uri(absolute)}
    return {"uri": _quote(posix.removeprefix("./"))}


def _invocation(unreadable: Sequence[Skipped], exit_code: int | None,
                root: str | None) -> dict[str, Any]:
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
            "locations": [{"physicalLocation": {"artifactLocation": _artifact(u.path, root)}}],
        } for u in unreadable]
    return invocation


def sarif_document(findings: Sequence[Finding], rules: Iterable[Rule], *, category: str,
                   root: str | None = None, unreadable: Sequence[Skipped] = (),
                   exit_code: int | None = None) -> dict[str, Any]:
    """`category` becomes `automationDetails.id` ("<category>/": GitHub reads the part before
    the last slash as the category); `root` is the absolute directory paths are made relative
    to (None: paths as given)."""
    rule_list = sorted(rules, key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(rule_list)}
    results: list[dict[str, Any]] = []
    for f in findings:
        result: dict[str, Any] = {
            "ruleId": f.rule_id,
            "level": LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": _artifact(f.location.path, root),
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
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "ecr-doctor", "version": __version__,
                            "semanticVersion": __version__,
                            "informationUri": INFORMATION_URI,
                            "rules": [_rule_descriptor(r) for r in rule_list]}},
        "automationDetails": {"id": category.strip("/") + "/"},
        "invocations": [_invocation(unreadable, exit_code, root)],
        "results": results,
        "columnKind": "unicodeCodePoints",
    }
    if root is not None:
        run["originalUriBaseIds"] = {SRCROOT: {"uri": _root_uri(root)}}
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def dumps(findings: Sequence[Finding], rules: Iterable[Rule], *, category: str,
          root: str | None = None, unreadable: Sequence[Skipped] = (),
          exit_code: int | None = None) -> str:
    document = sarif_document(findings, rules, category=category, root=root,
                              unreadable=unreadable, exit_code=exit_code)
    return json.dumps(document, indent=2) + "\n"
