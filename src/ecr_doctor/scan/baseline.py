"""Baselines: accept known findings by hash, as detect-secrets' `.secrets.baseline` does.

A baseline holds, per file, each finding's rule and `hashed_secret` (SHA-256 over the rule and
the secret or matched text; never the secret). Line numbers are kept for people, not matching,
so an edit above a known finding does not resurrect it. Standard library only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from ecr_doctor import __version__
from ecr_doctor.core.model import Finding

BASELINE_VERSION = 1


def key(finding: Finding) -> tuple[str, str, str]:
    return (finding.location.path, finding.rule_id, finding.detail("hash") or "")


def dumps(findings: Iterable[Finding]) -> str:
    results: dict[str, list[dict[str, object]]] = {}
    for f in sorted(findings, key=lambda f: (f.location.path, f.location.line, f.rule_id)):
        results.setdefault(f.location.path, []).append(
            {"rule_id": f.rule_id, "hashed_secret": f.detail("hash") or "",
             "line_number": f.location.line})
    return json.dumps({"version": BASELINE_VERSION, "generated_by": f"ecr-doctor {__version__}",
                       "results": results}, indent=2, sort_keys=True) + "\n"


def loads(text: str) -> set[tuple[str, str, str]]:
    """The accepted keys; ValueError when the file is not an ecr-doctor baseline."""
    data = json.loads(text)
    if not isinstance(data, dict) or not isinstance(data.get("results"), dict):
        raise ValueError("not an ecr-doctor baseline (no \"results\" object)")
    accepted: set[tuple[str, str, str]] = set()
    for path, entries in data["results"].items():
        if not isinstance(entries, list):
            raise ValueError(f"baseline results for {path!r} must be a list")
        for entry in entries:
            if isinstance(entry, dict):
                accepted.add((str(path), str(entry.get("rule_id", "")),
                              str(entry.get("hashed_secret", ""))))
    return accepted


def filter_known(findings: Iterable[Finding], accepted: set[tuple[str, str, str]]
                 ) -> tuple[list[Finding], int]:
    """The findings not in the baseline, and how many were accepted."""
    kept: list[Finding] = []
    known = 0
    for f in findings:
        if key(f) in accepted:
            known += 1
        else:
            kept.append(f)
    return kept, known
