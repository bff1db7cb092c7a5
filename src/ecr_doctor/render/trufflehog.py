"""`ecr-doctor export trufflehog`: the scanner's rules as trufflehog custom detectors (YAML).

The format is trufflehog's (pkg/custom_detectors/CUSTOM_DETECTORS.md, proto
custom_detectors.proto `CustomRegex`; pkg/config reads it strictly, so an unknown key is an
error): a `detectors` list, each with `name`, `description`, `keywords` (at least one; the
detector runs only near one of them, compared lower-cased), `regex` (a map of names to RE2
patterns; the secret is capture group 1, custom_detectors.go) and `exclude_regexes_capture`
(patterns that drop a match when they match the captured secret, as a gitleaks rule
allowlist does with its default target).

Every string is written double-quoted as JSON writes it: a JSON string is a valid YAML
double-quoted scalar, so no regex character (`*`, `:`, `#`, `{`) is read as YAML syntax.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from ecr_doctor import __version__
from ecr_doctor.scan.patterns import ExportRule

_q = json.dumps


def trufflehog_config(rules: Iterable[ExportRule]) -> str:
    lines = [
        f"# ecr-doctor {__version__}: Amazon ECR and Docker credential rules as trufflehog custom",
        "# detectors, made from the patterns `ecr-doctor scan` uses:",
        "#   trufflehog filesystem --config ecr.yaml .",
        "# Findings are unverified (no verify endpoint): `ecr-doctor scan` decodes a token's",
        "# expiry offline; `ecr-doctor explain RULE` says how to fix each finding.",
        "detectors:",
    ]
    for rule in rules:
        lines += [f"  - name: {_q(rule.id)}", f"    description: {_q(rule.description)}",
                  "    keywords:"]
        lines += [f"      - {_q(k)}" for k in rule.keywords]
        # One named regex: with several, trufflehog reports only places where all match.
        lines += ["    regex:", f"      secret: {_q(_first_group_is_secret(rule))}"]
        for target, key in (("secret", "exclude_regexes_capture"),
                            ("match", "exclude_regexes_match")):
            excludes = [r for allow in rule.allowlists if allow.target == target
                        for r in allow.regexes]
            if excludes:
                lines.append(f"    {key}:")
                lines += [f"      - {_q(r)}" for r in excludes]
    return "\n".join(lines) + "\n"


def _first_group_is_secret(rule: ExportRule) -> str:
    # trufflehog takes capture group 1 as the secret and has no secretGroup setting.
    if rule.secret_group != 1:
        raise ValueError(f"{rule.id}: trufflehog reports capture group 1, not "
                         f"{rule.secret_group}")
    return rule.regex


__all__ = ["trufflehog_config"]
