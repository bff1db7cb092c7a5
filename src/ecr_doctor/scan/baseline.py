"""Baselines: accept known findings, as detect-secrets' `.secrets.baseline` does, without
holding anything a secret can be recovered from.

A baseline names, per file, each accepted finding's rule and `hash` (scan/detect: the rule
and the finding's line with its secrets masked, which survives edits elsewhere in the file
and never changes between runs or machines). For a finding about a secret it adds the
secret's check: PBKDF2 under the baseline's own random salt. A rotated secret on the same
line is therefore a new finding, and the file cannot be used to test password guesses
cheaply. Line numbers are kept for people, not for matching.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from typing import NamedTuple

from ecr_doctor import __version__
from ecr_doctor.core.model import Finding
from ecr_doctor.scan.detect import SECRET_CHECK

BASELINE_VERSION = 2
_SALT_BYTES = 16


class Baseline(NamedTuple):
    salt: bytes
    #: (path, rule id, hash, secret check or "") of every accepted finding.
    accepted: frozenset[tuple[str, str, str, str]]


def new_salt() -> bytes:
    return os.urandom(_SALT_BYTES)  # what secrets.token_bytes is, without importing hmac


def key(finding: Finding) -> tuple[str, str, str, str]:
    return (finding.location.path, finding.rule_id, finding.detail("hash") or "",
            finding.detail(SECRET_CHECK) or "")


def dumps(findings: Iterable[Finding], salt: bytes) -> str:
    results: dict[str, list[dict[str, object]]] = {}
    for f in sorted(findings, key=lambda f: (f.location.path, f.location.line, f.rule_id)):
        entry: dict[str, object] = {"rule_id": f.rule_id, "hash": f.detail("hash") or "",
                                    "line_number": f.location.line}
        check = f.detail(SECRET_CHECK)
        if check is not None:
            entry["secret_check"] = check
        results.setdefault(f.location.path, []).append(entry)
    return json.dumps({"version": BASELINE_VERSION, "generated_by": f"ecr-doctor {__version__}",
                       "salt": salt.hex(), "results": results}, indent=2, sort_keys=True) + "\n"


def loads(text: str) -> Baseline:
    """The baseline in `text`; ValueError when it is not an ecr-doctor baseline this version
    reads."""
    data = json.loads(text)
    if not isinstance(data, dict) or not isinstance(data.get("results"), dict):
        raise ValueError("not an ecr-doctor baseline (no \"results\" object)")
    if data.get("version") != BASELINE_VERSION:
        # Version 1 keyed findings by an unsalted SHA-256 of the secret: guessable, and
        # nothing to match against any more. Rewriting it takes one command.
        raise ValueError(f"baseline version {data.get('version')!r}; this ecr-doctor reads "
                         f"version {BASELINE_VERSION}: rewrite it with --write-baseline")
    try:
        salt = bytes.fromhex(str(data.get("salt", "")))
    except ValueError:
        salt = b""
    if len(salt) < _SALT_BYTES:
        raise ValueError("baseline has no valid \"salt\"")
    accepted: set[tuple[str, str, str, str]] = set()
    for path, entries in data["results"].items():
        if not isinstance(entries, list):
            raise ValueError(f"baseline results for {path!r} must be a list")
        for entry in entries:
            if isinstance(entry, dict):
                accepted.add((str(path), str(entry.get("rule_id", "")),
                              str(entry.get("hash", "")), str(entry.get("secret_check", ""))))
    return Baseline(salt, frozenset(accepted))


def filter_known(findings: Iterable[Finding], baseline: Baseline | None
                 ) -> tuple[list[Finding], int]:
    """The findings not in the baseline, and how many were accepted."""
    kept: list[Finding] = []
    known = 0
    for f in findings:
        if baseline is not None and key(f) in baseline.accepted:
            known += 1
        else:
            kept.append(f)
    return kept, known


def without_checks(findings: Iterable[Finding]) -> list[Finding]:
    """`findings` as they may be shown: a secret's baseline check is for matching only."""
    return [f._replace(details=tuple(d for d in f.details if d[0] != SECRET_CHECK))
            if f.detail(SECRET_CHECK) is not None else f for f in findings]
