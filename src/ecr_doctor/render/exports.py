"""`ecr-doctor export`: which file each target gets, and the envelope's result
(schemas/export.json)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ecr_doctor.render.gitleaks import gitleaks_config
from ecr_doctor.render.trufflehog import trufflehog_config
from ecr_doctor.scan.patterns import ExportRule

SYNTAX = {"gitleaks": "toml", "trufflehog": "yaml"}


def export_file(target: str, rules: Sequence[ExportRule]) -> str:
    if target == "gitleaks":
        return gitleaks_config(rules)
    if target == "trufflehog":
        return trufflehog_config(rules)
    raise ValueError(f"no export for {target!r}")


def export_result(target: str, rules: Sequence[ExportRule], text: str) -> dict[str, Any]:
    return {
        "kind": target,
        "syntax": SYNTAX[target],
        "rules": [{"id": r.id, "description": r.description, "regex": r.regex,
                   "secret_group": r.secret_group, "keywords": list(r.keywords),
                   "scan_rules": list(r.scan_rules),
                   "allowlists": [{"description": a.description, "regexes": list(a.regexes)}
                                  for a in r.allowlists]}
                  for r in rules],
        "file": text,
    }
