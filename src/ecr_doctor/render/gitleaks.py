"""`ecr-doctor export gitleaks`: the scanner's rules as a gitleaks config (TOML), written by
hand (the standard library reads TOML but does not write it).

The keys are those gitleaks 8.30 reads (config/config.go `ViperConfig`): `[extend] useDefault`
keeps gitleaks' own rules, and each `[[rules]]` has `id`, `description`, `regex`,
`secretGroup`, `keywords`, `tags` and `[[rules.allowlists]]` (the array form replaced
`[rules.allowlist]` in v8.21.0; the old table still loads, but not beside the new one).
`minVersion` makes gitleaks 8.29 and later warn when they are older than that.
"""

from __future__ import annotations

from collections.abc import Iterable

from ecr_doctor import __version__
from ecr_doctor.scan.patterns import ExportRule

# `[[rules.allowlists]]` is the newest key the file uses.
MIN_GITLEAKS_VERSION = "v8.21.0"


def toml_string(value: str) -> str:
    """`value` as a TOML string: a literal string (no escapes, so a regex reads as written)
    when it can be one, else a basic string with every special character escaped.

    TOML 1.0: a literal string holds any character but `'`, a newline and the control
    characters other than tab; a basic string escapes `"`, `\\` and every control character.
    """
    if "'" not in value and not any(_is_control(c) for c in value if c != "\t"):
        return f"'{value}'"
    out = []
    for c in value:
        if c in '"\\':
            out.append("\\" + c)
        elif _is_control(c) or 0xD800 <= ord(c) <= 0xDFFF:
            # A lone surrogate is no Unicode scalar value: TOML cannot hold it even escaped,
            # so it is spelt as the replacement character.
            out.append(f"\\u{0xFFFD if ord(c) >= 0xD800 else ord(c):04X}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def _is_control(c: str) -> bool:
    return ord(c) < 0x20 or ord(c) == 0x7F


def _array(values: Iterable[str]) -> str:
    return "[" + ", ".join(toml_string(v) for v in values) + "]"


def gitleaks_config(rules: Iterable[ExportRule]) -> str:
    lines = [
        f"# ecr-doctor {__version__}: Amazon ECR and Docker credential rules for gitleaks,",
        "# made from the patterns `ecr-doctor scan` uses. Use it as it is",
        "#   gitleaks dir --config .gitleaks-ecr.toml .",
        "# or from your own .gitleaks.toml:  [extend] path = \".gitleaks-ecr.toml\"",
        "# `ecr-doctor scan` decodes what these rules can only match (token expiry, account,",
        "# region); `ecr-doctor explain RULE` says how to fix each finding.",
        "",
        f"title = {toml_string('ecr-doctor rules for gitleaks')}",
        f"minVersion = {toml_string(MIN_GITLEAKS_VERSION)}",
        "",
        "[extend]",
        "useDefault = true",
    ]
    for rule in rules:
        lines += [
            "",
            "[[rules]]",
            f"id = {toml_string(rule.id)}",
            f"description = {toml_string(rule.description)}",
            f"regex = {toml_string(rule.regex)}",
            f"secretGroup = {rule.secret_group}",
            f"keywords = {_array(rule.keywords)}",
            f"tags = {_array(('ecr-doctor', *rule.scan_rules))}",
        ]
        for allow in rule.allowlists:
            lines += [
                "",
                "  [[rules.allowlists]]",
                f"  description = {toml_string(allow.description)}",
                # The default target is the secret (the secretGroup), as trufflehog's
                # exclude_regexes_capture is: one list serves both files.
                *([f"  regexTarget = {toml_string(allow.target)}"]
                  if allow.target != "secret" else []),
                f"  regexes = {_array(allow.regexes)}",
            ]
    return "\n".join(lines) + "\n"


__all__ = ["MIN_GITLEAKS_VERSION", "gitleaks_config", "toml_string"]
