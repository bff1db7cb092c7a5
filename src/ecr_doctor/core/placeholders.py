"""What looks like a credential's place but holds none: a mask, a reference, a placeholder.

One notion for every rule that reports a credential: a value in a Docker config, a
`docker login -p` argument, a CI file's container password, a Kubernetes Secret committed to a
repository. Such a value is filled in (or was hidden) elsewhere; reporting it as a secret is
the false positive that teaches people to ignore a scanner. Standard library only.
"""

from __future__ import annotations

import re

# CI logs print secrets masked: GitHub Actions `***`, GitLab `[MASKED]`, Jenkins `****`,
# Azure Pipelines `***`, and people paste `<redacted>`, `xxxx` or bullets.
_MASK = re.compile(r"[*\u2022\u25cf#xX.]{3,}|\[(?:MASKED|REDACTED|HIDDEN|FILTERED|SECURE)\]"
                   r"|<(?:redacted|masked|hidden|secret|token|password)>|(?:REDACTED|MASKED)",
                   re.IGNORECASE)

# Filled in by a shell, CI system or template engine before anything uses it:
#   $VAR ${VAR} $(cmd) (shell, Azure macro) %VAR% (cmd.exe) ${{ x }} (GitHub) {{ x }} (Helm,
#   Jinja, Go templates, GitLab `$[[ inputs.x ]]`) <%= x %> (ERB) #{x} (Octopus, Ruby)
#   ((x)) (Concourse) __X__ (Azure token replacement) @X@ (Maven/Ant filtering).
_REFERENCE = re.compile(r"\$|%[A-Za-z_][A-Za-z0-9_]*%|\{\{|<%|#\{|\(\(|__[A-Z][A-Z0-9_]*__$"
                        r"|@[A-Z][A-Z0-9_]*@$")
_REFERENCE_INSIDE = re.compile(r"\$\{|\{\{|\$\(|\$[A-Z_][A-Z0-9_]*\b|\$\[\[")

# What documentation writes where a value goes: `<your-password>`, `[token]`.
_BRACKETED = re.compile(r"<[^<>\n]{1,80}>|\[[A-Za-z _-]{3,40}\]")

# Words docs and tutorials put in a credential's place. Only for registry credentials: an
# application's `MYSQL_ROOT_PASSWORD=password` in a task definition is a real (weak) password.
_WORD = re.compile(
    r"(?:your|my|the)[-_ ]?(?:registry[-_ ]?)?(?:password|passwd|pass|token|secret|auth|key|pat)"
    r"(?:[-_ ]?(?:here|value))?"
    r"|password|passwd|secret|token|changeme|change[-_]me|replace[-_]?me|example|sample|"
    r"dummy|fake|placeholder|todo|tbd|none|null|xxx+",
    re.IGNORECASE)

# RFC 2606 / RFC 6761 names no registry can have, and the stand-ins docs use for "yours".
_EXAMPLE_HOST = re.compile(
    r"(?:[\w.-]+\.)?(?:example\.(?:com|net|org)|[\w-]+\.(?:example|test|invalid))"
    r"|myregistrydomain\.com|(?:[\w.-]*[./])?(?:my|your)[-_]?(?:private[-_]?)?registry(?:[-_.][\w.-]*)?"
    r"|<[^<>]+>(?:[\w.-]*)|aws_account_id\.dkr\.ecr\.[\w.-]+|\{[^{}]+\}\.dkr\.ecr\.[\w.{}-]+",
    re.IGNORECASE)


def _bare(value: str) -> str:
    return value.strip().strip("\"'").strip()


def not_a_value(value: str) -> str | None:
    """Why `value` is not a credential ("empty", "a mask", "a reference", "a placeholder"),
    or None when it may be one. Quotes around it are ignored."""
    text = _bare(value)
    if not text:
        return "empty"
    if _MASK.fullmatch(text):
        return "a mask"
    if _REFERENCE.match(text) or _REFERENCE_INSIDE.search(text):
        return "a reference"
    if _BRACKETED.fullmatch(text):
        return "a placeholder"
    return None


def not_a_registry_credential(value: str, username: str | None = None) -> str | None:
    """`not_a_value`, and the words docs put in a registry login's place (`-p password`,
    `username:password`)."""
    why = not_a_value(value)
    if why is None and _WORD.fullmatch(_bare(value)):
        return "a placeholder"
    if why is None and username is not None and _bare(username).lower() in (
            "username", "user", "<username>") and _bare(value).lower() in ("pass", "pwd"):
        return "a placeholder"
    return why


def documentation_host(host: str) -> bool:
    """A registry name only documentation uses (`registry.example.com`, `myregistry`,
    `<registry>`, `aws_account_id.dkr.ecr.region.amazonaws.com`): no credential for it works."""
    name = host.strip().lower()
    for prefix in ("https://", "http://"):
        name = name.removeprefix(prefix)
    name = name.split("/", 1)[0]
    if not name.startswith("<"):
        name = re.sub(r":\d+$", "", name)
    return _EXAMPLE_HOST.fullmatch(name) is not None


__all__ = ["documentation_host", "not_a_registry_credential", "not_a_value"]
