"""The messages each runtime prints, as data: patterns, the causes they point at, and
adjustments read from the rest of the paste.
"""

from __future__ import annotations

import re

from ecr_doctor.core.causes.catalogue import CATALOGUE as _CATALOGUE
from ecr_doctor.core.explain.runtime_signatures import RUNTIME_SPECS
from ecr_doctor.core.explain.specs import Scores, Spec, rx
from ecr_doctor.core.explain.values import Cause

_ECR_HOST = re.compile(r"dkr[.-]ecr|public\.ecr\.aws|ecr-public\.aws\.com", re.IGNORECASE)
_HELPER_NAME = re.compile(r"docker-credential-([A-Za-z0-9][A-Za-z0-9._-]{0,39})")


def _adjust_helper_missing(line: str, _text: str) -> Scores:
    m = _HELPER_NAME.search(line)
    name = m.group(1).lower() if m else ""
    out: Scores = {}
    if name.startswith("desktop"):
        out["desktop-store-leftover"] = 98
    if name.startswith("docker-credential") or "_" in name or name in {"ecr", "ecrlogin"}:
        out["helper-value-invalid"] = 97
    if re.search(r"exec format error|invalid argument", line, re.IGNORECASE):
        # desktop.exe under WSL is Docker Desktop's leftover; any other helper is a binary
        # for another CPU or OS.
        if name.startswith("desktop"):
            out["desktop-store-leftover"] = 99
        else:
            out["helper-wrong-architecture"] = 99
    return out


def _adjust_not_authorized(line: str, text: str) -> Scores:
    window = text if len(text) < 4000 else line
    if re.search(
        r"explicit\s+deny|no\s+(?:service\s+control|permissions\s+boundary)", window, re.IGNORECASE
    ):
        return {"explicit-deny": 98, "iam-missing-action": 55}
    if re.search(r"no\s+resource-based\s+policy\s+allows", window, re.IGNORECASE):
        # Another account's repository: its policy, or a name that is not the one meant.
        return {"cross-account-repo-policy": 98, "wrong-image-name-or-tag": 80,
                "iam-missing-action": 65}
    return {}


def _adjust_store_not_implemented(line: str, text: str) -> Scores:
    if re.search(r"docker\.io|ghcr\.io|quay\.io|gcr\.io|azurecr\.io", text, re.IGNORECASE):
        return {"global-ecr-credsstore": 97}
    if re.search(r"AWS_ECR_IGNORE_CREDS_STORAGE", text, re.IGNORECASE):
        return {"ignore-creds-storage-ineffective": 96}
    return {}


def _adjust_pull_denied(line: str, _text: str) -> Scores:
    m = re.search(r"(?:pull\s+access\s+denied\s+for|repository)\s+([^\s,]+)", line,
                  re.IGNORECASE)
    if m and not _ECR_HOST.search(m.group(1)):
        return {"not-an-ecr-reference": 96}
    if m and "/" not in m.group(1):
        # A registry host with no repository: the image name lost its path (an empty
        # variable in `$REGISTRY/$REPOSITORY`).
        return {"wrong-image-name-or-tag": 97}
    if re.search(r"may\s+require\s+'docker\s+login'[\s'\"_*`.]*$", line, re.IGNORECASE):
        # Nothing after the daemon's phrase: the registry sent no auth error to quote, so the
        # first half of "does not exist or may require 'docker login'" is the likelier one;
        # an ECR client with no credentials gets "no basic auth credentials" instead.
        return {"repo-does-not-exist": 86, "wrong-image-name-or-tag": 84}
    return {}


def _adjust_resource_denied(_line: str, text: str) -> Scores:
    if _ECR_HOST.search(text):
        return {"not-an-ecr-reference": 50, "iam-missing-action": 85, "stale-static-token": 70}
    return {}


def _adjust_config_error(line: str, _text: str) -> Scores:
    if re.search(r"not\s+a\s+directory|is\s+a\s+directory", line, re.IGNORECASE):
        return {"docker-config-is-file": 98}
    return {}


def _adjust_exit_status(line: str, _text: str) -> Scores:
    if re.search(r"exit\s+status\s+2\b|panic", line, re.IGNORECASE):
        return {"helper-crashed": 97}
    return {}


def _adjust_non_json(line: str, _text: str) -> Scores:
    # Go prints a UTF-8 BOM's first byte as 'ï': that is config.json, not a helper.
    if re.search(r"invalid\s+character\s+'(?:ï|\\ufeff|\ufeff)'", line, re.IGNORECASE):
        return {"config-unparseable": 98, "helper-non-json-output": 30}
    if re.search(r"config\.json|config\s+file", line, re.IGNORECASE):
        return {"config-unparseable": 95}
    return {}


def _adjust_network(line: str, text: str) -> Scores:
    if re.search(r"fips", text, re.IGNORECASE):
        return {"fips-endpoint-not-used": 90}
    return {}


def _adjust_keychain(_line: str, text: str) -> Scores:
    if re.search(
        r"osxkeychain|wincred|secretservice|credential-pass|credential-desktop", text, re.IGNORECASE
    ):
        return {"keychain-no-entry": 95}
    return {}


_ANON = {  # shared tail: everything that makes Docker go anonymous against ECR
    "helper-key-mismatch": 80,
    "misspelt-key": 70,
    "no-aws-credentials": 75,
    "sso-expired": 65,
    "helper-too-old": 60,
    "helper-not-on-path": 55,
    "helper-value-invalid": 55,
    "credsstore-lost-placeholders": 50,
    "other-user-context": 45,
    "network-to-ecr-api": 45,
    "config-unparseable": 45,
    "docker-config-is-file": 40,
    "docker-auth-config-env": 35,
    "duplicate-config-keys": 35,
    "fips-endpoint-not-used": 30,
}

_SPECS: tuple[Spec, ...] = (
    Spec(
        "no-basic-auth",
        "no basic auth credentials (anonymous request to ECR)",
        rx(r"no\s+basic\s+auth\s+credentials"),
        # Up to 28.x `docker pull` (push to 28.4) drops a missing helper's exec error and
        # goes anonymous (docker/cli · cli/command/registry.go · ResolveAuthConfig), so a
        # helper that is not installed looks exactly like this (docker/cli#2121).
        {"ecr-helper-failed": 90, "no-helper-for-host": 85, **_ANON, "helper-not-on-path": 82},
    ),
    Spec(
        "token-expired",
        "ECR: your authorization token has expired",
        rx(r"authorization\s+token\s+has\s+expired"),
        {
            "stale-static-token": 95,
            "expired-cached-token": 80,
            "no-helper-for-host": 60,
            "docker-auth-config-env": 60,
            "long-job-frozen-token": 55,
            "helper-key-mismatch": 50,
            "misspelt-key": 40,
            "duplicate-config-keys": 35,
        },
    ),
    Spec(
        "helper-not-found",
        "credential helper executable not found in $PATH",
        rx(
            r"docker-credential-[\w.-]+\"?:?\s*executable\s+file\s+not\s+found\s+in\s+\$?PATH",
            r"docker-credential-[\w.-]+\s+not\s+installed\s+or\s+not\s+available\s+in\s+PATH",
            r"docker-credential-[\w.-]+\"?:\s*(?:exec\s+format\s+error|invalid\s+argument)",
            r"docker-credential-[\w.-]+\s+resolves\s+to\s+executable\s+in\s+current\s+directory",
        ),
        {
            "helper-not-on-path": 90,
            "desktop-store-leftover": 60,
            "helper-value-invalid": 50,
            "other-user-context": 45,
            "misspelt-key": 20,
        },
        _adjust_helper_missing,
    ),
    Spec(
        "keychain-not-found",
        "credentials not found in native keychain (helper 'not found')",
        rx(r"credentials\s+not\s+found\s+in\s+native\s+keychain"),
        {
            "ecr-helper-failed": 90,
            "no-aws-credentials": 80,
            "sso-expired": 70,
            "helper-too-old": 70,
            "keychain-no-entry": 60,
            "network-to-ecr-api": 55,
            "other-user-context": 45,
            "fips-endpoint-not-used": 30,
        },
        _adjust_keychain,
    ),
    Spec(
        "store-not-implemented",
        "error storing credentials: not implemented (docker login with ecr-login)",
        rx(r"(?:storing|erasing)\s+credentials[\s\S]{0,160}?not\s+implemented"),
        {
            "ecr-helper-cannot-store": 95,
            "global-ecr-credsstore": 85,
            "ignore-creds-storage-ineffective": 60,
        },
        _adjust_store_not_implemented,
    ),
    Spec(
        "no-such-manifest",
        "no such manifest (Docker 28 after a wrong or expired static token)",
        rx(r"no\s+such\s+manifest"),
        {
            "stale-static-token": 90,
            "wrong-account-or-region-token": 70,
            "wrong-image-name-or-tag": 65,
            "helper-key-mismatch": 55,
            "no-helper-for-host": 45,
            "misspelt-key": 45,
            "docker-auth-config-env": 40,
        },
    ),
    Spec(
        "manifest-unknown",
        "manifest unknown (tag or digest not in the repository)",
        rx(r"manifest\s+unknown", r"ImageNotFoundException"),
        {
            "wrong-image-name-or-tag": 90,
            "repo-does-not-exist": 60,
            "wrong-account-or-region-token": 40,
        },
    ),
    Spec(
        "not-authorized-action",
        "IAM: is not authorized to perform an ECR action",
        rx(r"is\s+not\s+authorized\s+to\s+perform:?\s+(?:ecr(?:-public)?|sts):\s*\w+"),
        {
            "iam-missing-action": 90,
            "cross-account-repo-policy": 60,
            "wrong-aws-identity": 55,
            "explicit-deny": 50,
        },
        _adjust_not_authorized,
    ),
    Spec(
        "pull-access-denied",
        "pull access denied … repository does not exist or may require 'docker login'",
        rx(r"pull\s+access\s+denied\s+for\s+\S+",
           r"repository\s+\S+\s+not\s+found:\s+does\s+not\s+exist\s+or\s+no\s+pull\s+access"),
        {
            "no-helper-for-host": 80,
            "ecr-helper-failed": 75,
            "stale-static-token": 70,
            "repo-does-not-exist": 70,
            "not-an-ecr-reference": 65,
            "wrong-image-name-or-tag": 62,
            "helper-key-mismatch": 60,
            "iam-missing-action": 50,
        },
        _adjust_pull_denied,
    ),
    Spec(
        "unauthorized",
        "unauthorized: authentication required",
        rx(r"unauthorized:\s+authentication\s+required"),
        {
            "no-helper-for-host": 80,
            "stale-static-token": 75,
            "ecr-helper-failed": 70,
            "wrong-account-or-region-token": 60,
            "helper-key-mismatch": 55,
            "not-an-ecr-reference": 40,
        },
    ),
    Spec(
        "http-401",
        "HTTP 401 Unauthorized from the registry",
        rx(r"\b401\s+unauthorized\b", r"status(?:\s+code)?:?\s+401\b"),
        {
            "no-helper-for-host": 80,
            "ecr-helper-failed": 75,
            "stale-static-token": 70,
            "helper-key-mismatch": 55,
            "wrong-account-or-region-token": 50,
            "sso-expired": 40,
        },
    ),
    Spec(
        "http-403",
        "HTTP 403 Forbidden from the registry",
        rx(r"\b403\s+forbidden\b", r"status(?:\s+code)?:?\s+403\b"),
        {
            "stale-static-token": 85,
            "iam-missing-action": 75,
            "expired-cached-token": 70,
            "wrong-account-or-region-token": 55,
            "cross-account-repo-policy": 45,
        },
    ),
    Spec(
        "name-unknown",
        "name unknown: the repository does not exist in the registry",
        rx(
            r"name\s+unknown:\s+the\s+repository\s+with\s+name",
            r"repository\s+with\s+name\s+'?[^\s']+'?\s+does\s+not\s+exist",
            r"RepositoryNotFoundException",
        ),
        {
            "repo-does-not-exist": 95,
            "wrong-account-or-region-token": 50,
            "wrong-image-name-or-tag": 40,
        },
    ),
    Spec(
        "login-400",
        "login attempt … failed with status: 400 Bad Request",
        rx(r"login\s+attempt\s+to\s+\S+\s+failed\s+with\s+status:\s+400\s+bad\s+request"),
        {"wrong-account-or-region-token": 95, "wrong-aws-identity": 50},
    ),
    Spec(
        "unknown-flag-e",
        "unknown shorthand flag: 'e' in -e (AWS CLI v1 get-login output)",
        rx(r"unknown\s+shorthand\s+flag:\s+'e'\s+in\s+-e"),
        {"aws-cli-v1-get-login": 98},
    ),
    Spec(
        "cli-v2-get-login",
        "aws: invalid choice 'get-login' (AWS CLI v2)",
        rx(
            r"invalid\s+choice:\s*['\"]?get-login(?!-)\b",
            r"aws:\s+error:\s+argument\s+operation:\s+invalid\s+choice",
        ),
        {"aws-cli-v2-no-get-login": 98},
    ),
    Spec(
        "config-parse-error",
        "Docker could not load or parse config.json",
        rx(r"error\s+parsing\s+config\s+file", r"error\s+loading\s+config\s+file"),
        {"config-unparseable": 90, "docker-config-is-file": 70, "duplicate-config-keys": 30},
        _adjust_config_error,
    ),
    Spec(
        "helper-exit-status",
        "error getting credentials: the helper exited with an error",
        rx(r"error\s+getting\s+credentials\s+-\s+err:\s+exit\s+status\s+\d+"),
        {
            "helper-crashed": 85,
            "no-aws-credentials": 50,
            "helper-value-invalid": 40,
            "helper-non-json-output": 35,
        },
        _adjust_exit_status,
    ),
    Spec(
        "unencrypted-warning",
        "WARNING! Your credentials are stored unencrypted",
        rx(r"your\s+credentials\s+are\s+stored\s+unencrypted"),
        {"static-token-written": 95, "no-helper-for-host": 60, "stale-static-token": 45},
    ),
    Spec(
        "ecr-api-network",
        "network error reaching the ECR API endpoint",
        rx(
            r"api\.ecr[\w.-]*[\s\S]{0,200}?(?:i/o\s+timeout|no\s+such\s+host|connection\s+refused"
            r"|context\s+deadline\s+exceeded|tls\s+handshake\s+timeout|network\s+is\s+unreachable)",
            r"could\s+not\s+connect\s+to\s+the\s+endpoint\s+url:\s*\"?https://(?:api\.)?ecr",
        ),
        {"network-to-ecr-api": 95, "fips-endpoint-not-used": 50, "ecr-helper-failed": 40},
        _adjust_network,
    ),
    Spec(
        "sso-expired",
        "AWS SSO session expired or SSO token missing",
        rx(
            r"the\s+sso\s+session\s+associated\s+with\s+this\s+profile\s+(?:has\s+expired"
            r"|is\s+otherwise\s+invalid)",
            r"error\s+loading\s+sso\s+token",
            r"refresh\s+cached\s+sso\s+token\s+failed",
        ),
        {"sso-expired": 98, "expired-cached-token": 50, "ecr-helper-failed": 40},
    ),
    Spec(
        "aws-expired-token",
        "ExpiredToken: the AWS security token is expired",
        rx(
            r"\bExpiredToken(?:Exception)?\b",
            r"security\s+token\s+included\s+in\s+the\s+"
            r"request\s+is\s+expired",
        ),
        {"expired-aws-session": 95, "sso-expired": 60, "expired-cached-token": 40},
    ),
    Spec(
        "helper-non-json",
        "invalid character … looking for beginning of value (non-JSON output)",
        rx(r"invalid\s+character\s+'.{1,6}?'\s+looking\s+for\s+beginning\s+of\s+value"),
        {"helper-non-json-output": 80, "helper-value-invalid": 50, "config-unparseable": 40},
        _adjust_non_json,
    ),
    Spec(
        "resource-denied",
        "denied: requested access to the resource is denied",
        rx(r"requested\s+access\s+to\s+the\s+resource\s+is\s+denied"),
        {
            "not-an-ecr-reference": 85,
            "iam-missing-action": 60,
            "repo-does-not-exist": 50,
            "stale-static-token": 45,
        },
        _adjust_resource_denied,
    ),
)

_SPECS = _SPECS + RUNTIME_SPECS

_SUPPORT_BONUS = 5  # per extra recognised message pointing at the same cause


def signature_ids() -> tuple[str, ...]:
    return tuple(spec.id for spec in _SPECS)


def causes_catalogue() -> tuple[Cause, ...]:
    return _CATALOGUE
