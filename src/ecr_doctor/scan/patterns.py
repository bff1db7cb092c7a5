"""The scanner's detectors as regular expressions other secret scanners run
(`ecr-doctor export gitleaks|trufflehog`). Data only: render/ writes the files.

Every pattern here is RE2, the dialect of Go's regexp, which both gitleaks and trufflehog
compile rules with: no lookaround, no backreference, no possessive quantifier. They are built
from what `scan` itself uses (core/secrets: the token prefixes and `ecr_token_pattern`;
scan/detect: the length floor), so a change there changes the export too.

Regular expressions cannot decode, and `scan` decides only after decoding: an ECR token must
decode to the observed `{"payload":…,"datakey":…}` layout, a Docker config must parse as JSON.
What can be checked without decoding is checked: a token's prefix is the base64 of the whole
fixed start of that layout (`{"payload":"`, and `AWS:` + that for an `auth` value), not only
the shorter prefix scan's pre-filter looks for, which keeps most look-alikes out.

Each secret is reported once: the contextual rules (a Docker config entry, an
`authorizationToken` member) allow the values a token rule already reports, as `scan` reports
a token in a Docker config under SCN001 and not again as a bare token.
"""

from __future__ import annotations

from typing import NamedTuple

from ecr_doctor.core.secrets import (
    ECR_AUTH_PREFIX,
    ECR_PASSWORD_PREFIX,
    PLACEHOLDER,
    base64_prefix,
    ecr_token_pattern,
)
from ecr_doctor.scan.detect import BARE_TOKEN_MIN_BODY


class Allowlist(NamedTuple):
    """Matches that are not findings (any regex matching suffices): tested against the
    rule's secret group, or with `target` "match" against the whole match (gitleaks
    `regexTarget = "match"`, trufflehog `exclude_regexes_match`)."""

    description: str
    regexes: tuple[str, ...]
    target: str = "secret"


class ExportRule(NamedTuple):
    id: str
    description: str
    regex: str  # RE2; the secret is capture group `secret_group`
    secret_group: int
    # Pre-filter: the rule runs only on text containing one of these (both tools compare
    # lower-cased), so each must be a substring of every match.
    keywords: tuple[str, ...]
    scan_rules: tuple[str, ...]  # the `ecr-doctor scan` rules that report the same secrets
    allowlists: tuple[Allowlist, ...] = ()


# What an ECR registry password decodes to starts like this (core/tokens.decode_ecr_password;
# make_ecr_password writes the same compact JSON). ECR_PASSWORD_PREFIX is the base64 of its
# first 9 characters, ECR_AUTH_PREFIX that of "AWS:ey".
_PASSWORD_JSON_START = '{"payload":"'
PASSWORD_PREFIX = base64_prefix(_PASSWORD_JSON_START)
AUTH_PREFIX = base64_prefix("AWS:" + PASSWORD_PREFIX)


def _token(prefix: str, scan_prefix: str) -> str:
    # The same shortest token as scan's: its prefix plus BARE_TOKEN_MIN_BODY characters.
    return ecr_token_pattern(prefix, BARE_TOKEN_MIN_BODY - (len(prefix) - len(scan_prefix)),
                             re2=True)


AUTH_TOKEN = _token(AUTH_PREFIX, ECR_AUTH_PREFIX)
PASSWORD_TOKEN = _token(PASSWORD_PREFIX, ECR_PASSWORD_PREFIX)


def _whole(token: str) -> str:
    """A secret that is all one token rule's token (its left boundary then can only be `^`)."""
    return f"^(?:{token})$"


_REPORTED_AS_TOKEN = Allowlist(
    "an ECR token: reported by ecr-doctor-ecr-auth or ecr-doctor-ecr-password",
    (_whole(AUTH_TOKEN), _whole(PASSWORD_TOKEN)))

# Where a committed file holds no credential: a CI or shell reference (core/secrets
# PLACEHOLDER, what `scan` calls a password variable), a template or JSON where a value would
# be (`{{ .Values.x }}`; gitleaks' decoding of an ECR password), or a mask (GitHub's `***`,
# ecr-doctor's own `<redacted>` and `redact` placeholders). gitleaks' default config allows
# similar values globally (config/gitleaks.toml [allowlist] regexes); these stay with the rule,
# so they hold without the defaults and in trufflehog.
_PLACEHOLDERS = Allowlist(
    "a variable reference, template or mask, not a credential",
    ("^" + PLACEHOLDER, r"^\{", r"^<", r"^\*+$",
     r"(?i)^(?:x{3,}|redacted|masked|changeme|placeholder)$"))

# A registry only documentation names (core/placeholders.documentation_host: RFC 2606 names,
# Docker's `myregistrydomain.com`, `myregistry…`), as the quoted key an entry's match starts
# with: no credential for it logs in anywhere.
_DOCUMENTATION_HOSTS = Allowlist(
    "a registry only documentation names (example.com, *.example, *.test, myregistry...)",
    (r'(?i)^\\*"(?:https?://)?(?:[a-z0-9-]+\.)*(?:example\.(?:com|net|org)|[a-z0-9-]+\.'
     r'(?:example|test|invalid)|myregistrydomain\.com|(?:my|your)[-_]?(?:private[-_]?)?registry'
     r'(?:[-_.][a-z0-9.-]*)?)(?::[0-9]+)?(?:/[^"\\]*)?\\*"',),
    target="match")

# A quoted JSON key, also inside a JSON string (`{\"auths\": …}` in DOCKER_AUTH_CONFIG).
_Q = r'\\*"'
# A Docker config entry's key: a registry host, with scheme, port or path as docker/cli's
# legacy lookup accepts them (`https://HOST/v2/`). A dot, a port or `localhost` tells a host
# from any other JSON key.
_HOST = (r"(?:https?://)?(?:(?:[a-z0-9-]+\.)+[a-z0-9-]+(?::[0-9]+)?|[a-z0-9.-]+:[0-9]+|localhost)"
         r'(?:/[^"\\\s]*)?')
# An `auths` entry up to one of its credential members (docker/cli types.AuthConfig; Go's JSON
# decoding matches member names case-insensitively, hence (?i)).
_ENTRY = rf"(?i){_Q}{_HOST}{_Q}\s*:\s*\{{[^{{}}]*?{_Q}"
# `auth` is base64 with its closing quote: gitleaks decodes base64 in place (--max-decode-depth,
# 5 by default) and scans again, and a decoded `user:password` must not read as a second
# credential. (trufflehog sees at most 1,000 bytes after a keyword, MaxSecretSize, less than an
# ECR `auth` value; those are the token rule's anyway.)
DOCKER_CONFIG_AUTH = rf"{_ENTRY}auth{_Q}\s*:\s*{_Q}([A-Za-z0-9+/]+={{0,2}}){_Q}"
# The other members hold the secret itself, any characters; the value is left open at its end
# (trufflehog's window again).
DOCKER_CONFIG_PASSWORD = (rf"{_ENTRY}(?:password|identitytoken|registrytoken){_Q}\s*:\s*{_Q}"
                          r'([^"\\\s]+)')
# `aws ecr get-authorization-token` prints `authorizationToken`; the ecr-login helper's cache
# (~/.ecr/cache.json, amazon-ecr-credential-helper ecr-login/cache/file.go) stores
# `AuthorizationToken`. Either is the `auth` form, whatever layout the token inside has.
AUTHORIZATION_TOKEN = (rf"(?i){_Q}authorizationToken{_Q}\s*:\s*{_Q}"
                       rf"([A-Za-z0-9+/]{{{len(ECR_AUTH_PREFIX) + BARE_TOKEN_MIN_BODY},}}={{0,2}})")
# A Kubernetes pull secret's `data` (.dockerconfigjson / .dockercfg): base64 of a JSON object,
# so `ey` (`{"`) or `ew` (`{` and a newline, a tab or CR). Templates (`{{ … | b64enc }}`) and
# short placeholders stay out.
KUBERNETES_DOCKER_CONFIG = (r"""\.docker(?:configjson|cfg)(?:\\*["'])?\s*:\s*(?:\\*["'])?"""
                            r"(e[wy][A-Za-z0-9+/]{30,}={0,2})")

RULES: tuple[ExportRule, ...] = (
    ExportRule(
        "ecr-doctor-ecr-auth",
        "Amazon ECR authorization token in Docker's `auth` form (base64 of AWS:<password>), "
        "a registry credential for up to 12 hours (ecr-doctor explain SCN002)",
        AUTH_TOKEN, 1, (ECR_AUTH_PREFIX,), ("SCN001", "SCN002", "SCN009")),
    ExportRule(
        "ecr-doctor-ecr-password",
        "Amazon ECR registry password (aws ecr get-login-password output), a registry "
        "credential for up to 12 hours (ecr-doctor explain SCN002)",
        PASSWORD_TOKEN, 1, (ECR_PASSWORD_PREFIX,), ("SCN001", "SCN002", "SCN005")),
    ExportRule(
        "ecr-doctor-docker-config-auth",
        "Static registry credential (`auth`) in a Docker config `auths` entry (config.json, "
        "auth.json, .dockercfg, DOCKER_AUTH_CONFIG): use a credential helper "
        "(ecr-doctor explain SCN001)",
        DOCKER_CONFIG_AUTH, 1, ("auth",), ("SCN001",),
        (_REPORTED_AS_TOKEN, _DOCUMENTATION_HOSTS)),
    ExportRule(
        "ecr-doctor-docker-config-password",
        "Static registry credential (`password`, `identitytoken`, `registrytoken`) in a Docker "
        "config `auths` entry: use a credential helper (ecr-doctor explain SCN001)",
        DOCKER_CONFIG_PASSWORD, 1, ("password", "identitytoken", "registrytoken"), ("SCN001",),
        (_REPORTED_AS_TOKEN, _PLACEHOLDERS, _DOCUMENTATION_HOSTS)),
    ExportRule(
        "ecr-doctor-ecr-authorization-token",
        "Amazon ECR authorization token in GetAuthorizationToken output or the ECR credential "
        "helper's cache (~/.ecr/cache.json) (ecr-doctor explain SCN002)",
        AUTHORIZATION_TOKEN, 1, ("authorizationtoken",), ("SCN002",), (_REPORTED_AS_TOKEN,)),
    ExportRule(
        "ecr-doctor-kubernetes-pull-secret",
        "Docker config in a Kubernetes pull secret (.dockerconfigjson / .dockercfg data): "
        "registry credentials in a manifest (ecr-doctor explain SCN009)",
        KUBERNETES_DOCKER_CONFIG, 1, ("dockerconfigjson", "dockercfg"), ("SCN001", "SCN009")),
)

__all__ = ["AUTH_PREFIX", "PASSWORD_PREFIX", "RULES", "Allowlist", "ExportRule"]
