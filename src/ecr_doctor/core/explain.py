"""`ecr-doctor explain`: from a pasted Docker/ECR error to ranked causes and the check for each.

Standard library only: this module runs unchanged in Pyodide.

The catalogue is built from what the upstream code does, not from folklore. The central
fact: docker-credential-ecr-login reports *every* failure as "credentials not found in
native keychain" (awslabs/amazon-ecr-credential-helper · ecr-login/ecr.go · ECRHelper.Get),
docker/cli then sends an anonymous request (cli/config/credentials/native_store.go ·
getCredentialsFromStore), and the user only ever sees the registry's answer to that. So one
message has many causes, and the diagnosis findings of this machine decide which come first.

Pasted text is untrusted and often holds secrets (a `docker login -p <token>` line, an
`Authorization: Basic …` header, a base64 `auth`). Nothing from it reaches an Explanation
except redacted excerpts and values checked against strict patterns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import NamedTuple

from ecr_doctor.core.model import Finding

__all__ = [
    "Cause",
    "Explanation",
    "Signature",
    "causes_catalogue",
    "explain_error",
    "redact_text",
    "signature_ids",
]


class Cause(NamedTuple):
    id: str
    title: str
    why: str
    check: str
    rule_ids: tuple[str, ...]
    score: int
    seen_here: bool = False


class Signature(NamedTuple):
    id: str
    label: str
    excerpt: str


class Explanation(NamedTuple):
    signatures: tuple[Signature, ...]
    causes: tuple[Cause, ...]

    def is_empty(self) -> bool:
        return not self.signatures and not self.causes


# --- Redaction --------------------------------------------------------------------------

EXCERPT_LIMIT = 120
ELLIPSIS = "…"
# Pastes can be whole CI logs; the errors we look for sit in the first few hundred KiB.
_MAX_INPUT = 400_000

# Known ECR API action names: only these are ever echoed back from an IAM message (in the
# signature label and the check), so a token can never pass for an "action". Excerpts still
# redact the longer ones: a token equal to a public word would otherwise be let through.
_ECR_ACTIONS = frozenset(
    {
        "BatchCheckLayerAvailability", "BatchDeleteImage", "BatchGetImage",
        "BatchGetRepositoryScanningConfiguration", "BatchImportUpstreamImage",
        "CompleteLayerUpload", "CreatePullThroughCacheRule", "CreateRepository",
        "CreateRepositoryCreationTemplate", "DeleteLifecyclePolicy",
        "DeletePullThroughCacheRule", "DeleteRegistryPolicy", "DeleteRepository",
        "DeleteRepositoryCreationTemplate", "DeleteRepositoryPolicy",
        "DescribeImageReplicationStatus", "DescribeImageScanFindings", "DescribeImages",
        "DescribePullThroughCacheRules", "DescribeRegistry", "DescribeRepositories",
        "DescribeRepositoryCreationTemplates", "GetAccountSetting", "GetAuthorizationToken",
        "GetDownloadUrlForLayer", "GetLifecyclePolicy", "GetLifecyclePolicyPreview",
        "GetRegistryCatalogData", "GetRegistryPolicy", "GetRegistryScanningConfiguration",
        "GetRepositoryCatalogData", "GetRepositoryPolicy", "GetServiceBearerToken",
        "InitiateLayerUpload", "ListImages", "ListTagsForResource", "PutAccountSetting",
        "PutImage", "PutImageScanningConfiguration", "PutImageTagMutability",
        "PutLifecyclePolicy", "PutRegistryPolicy", "PutRegistryScanningConfiguration",
        "PutReplicationConfiguration", "PutRepositoryCatalogData", "ReplicateImage",
        "SetRepositoryPolicy", "StartImageScan", "StartLifecyclePolicyPreview", "TagResource",
        "UntagResource", "UpdatePullThroughCacheRule", "UpdateRepositoryCreationTemplate",
        "UploadLayerPart", "ValidatePullThroughCacheRule",
    }
)  # fmt: skip
# Each pattern's group 1 (or the whole match when it has no group) is secret.
_SECRET_PATTERNS: tuple[re.Pattern[str], ...] = (
    # `docker login -p <pw>`, `--password <pw>`, `--password=<pw>`; `--password-stdin` is a
    # flag with no value and must not match. The lookbehind keeps `docker-p…` words out.
    re.compile(r"""(?<![\w-])(?:-p|--password)(?:[ \t]*=[ \t]*|\s+)("[^"]*"|'[^']*'|\S+)"""),
    re.compile(r"(?<![\w-])-p([^\s=\-]\S*)"),
    re.compile(r"(?i)(?:AKIA|ASIA)[A-Z0-9]{12,}"),
    re.compile(
        r"(?i)\b(?:authorization|x-registry-auth|x-registry-config|x-amz-security-token"
        r"|x-amz-signature|x-amz-credential)\b[\"']?\s*[:=]\s*"
        r"(?:(?:basic|bearer|aws4-hmac-sha256)\s+)?([^\s\"',;&]+)"
    ),
    re.compile(r"(?i)\b(?:basic|bearer)\s+([A-Za-z0-9+/=._~-]{8,})"),
    re.compile(
        r"(?i)[\"'](?:auth|password|secret|identitytoken|registrytoken|authorizationtoken"
        r"|token|secretaccesskey|sessiontoken)[\"']\s*:\s*\"([^\"]*)\""
    ),
    re.compile(
        r"(?i)\b(?:aws_secret_access_key|aws_session_token|aws_security_token"
        r"|secret_access_key|password|passwd)\b\s*[=:]\s*(\"[^\"]*\"|'[^']*'|\S+)"
    ),
    re.compile(r"://[^/\s:@]+:([^/\s@]+)@"),
)
# A base64/hex run, allowed to continue across a line break because terminals wrap long
# tokens; each segment needs a newline, so matching stays linear.
_B64_RUN = re.compile(r"[A-Za-z0-9+/]+(?:[ \t]*\n[ \t]*[A-Za-z0-9+/]+)*={0,2}")
# base64url (JWT segments, some tokens): '-' and '_' would split a std run into short
# pieces, so such runs are caught separately when they mix cases and digits like a token.
_B64URL_RUN = re.compile(r"[A-Za-z0-9_+/-]{20,}={0,2}")
_MIN_RUN = 20


def _secret_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for pattern in _SECRET_PATTERNS:
        for m in pattern.finditer(text):
            start, end = m.span(1) if pattern.groups else m.span()
            if end > start:
                spans.append((start, end))
    for m in _B64_RUN.finditer(text):
        run = re.sub(r"\s+", "", m.group())
        if len(run.rstrip("=")) >= _MIN_RUN:
            spans.append(m.span())
    for m in _B64URL_RUN.finditer(text):
        run = m.group()
        if re.search(r"[a-z]", run) and re.search(r"[A-Z]", run) and re.search(r"[0-9]", run):
            spans.append(m.span())
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _apply_spans(text: str, spans: Iterable[tuple[int, int]], lo: int, hi: int) -> str:
    """text[lo:hi] with every secret span touching the window replaced by one ellipsis.

    A span crossing the window edge is dropped whole, so a slice never shows half a token.
    """
    out: list[str] = []
    pos = lo
    for start, end in spans:
        if end <= lo or start >= hi:
            continue
        if start > pos:
            out.append(text[pos:start])
        if not out or out[-1] != ELLIPSIS:
            out.append(ELLIPSIS)
        pos = max(pos, end)
    if pos < hi:
        out.append(text[pos:hi])
    return "".join(out)


def redact_text(text: str) -> str:
    """Replace every token-like part of `text` by an ellipsis (see _SECRET_PATTERNS)."""
    return _apply_spans(text, _secret_spans(text), 0, len(text))


def _excerpt(text: str, spans: Sequence[tuple[int, int]], start: int, end: int) -> str:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    if line_end < 0:
        line_end = len(text)
    lo, hi = line_start, line_end
    if hi - lo > EXCERPT_LIMIT:
        if end - start >= EXCERPT_LIMIT:
            lo, hi = start, start + EXCERPT_LIMIT
        else:
            lo = max(line_start, start - (EXCERPT_LIMIT - (end - start)) // 2)
            hi = min(line_end, lo + EXCERPT_LIMIT)
            lo = max(line_start, hi - EXCERPT_LIMIT)
    body = _apply_spans(text, spans, lo, hi)
    body = re.sub(r"\s+", " ", body).strip()
    # A second pass over the finished excerpt costs nothing and catches a run that the
    # whitespace collapse above might have joined.
    body = redact_text(body)
    if len(body) > EXCERPT_LIMIT:
        body = body[: EXCERPT_LIMIT - 1].rstrip() + ELLIPSIS
    prefix = ELLIPSIS if lo > line_start and not body.startswith(ELLIPSIS) else ""
    suffix = ELLIPSIS if hi < line_end and not body.endswith(ELLIPSIS) else ""
    return prefix + body + suffix


# --- Cause catalogue ----------------------------------------------------------------------


def _cause(id_: str, title: str, why: str, check: str, rule_ids: tuple[str, ...] = ()) -> Cause:
    return Cause(id=id_, title=title, why=why, check=check, rule_ids=rule_ids, score=0)


_CATALOGUE: tuple[Cause, ...] = (
    _cause(
        "no-helper-for-host",
        "No credential helper or login is configured for this exact registry host",
        "docker/cli looks up credHelpers by the exact registry key, then credsStore, then "
        "auths (docker/cli · cli/config/configfile/file.go · getConfiguredCredentialStore, "
        "GetAuthConfig). With nothing for the host the request is anonymous and ECR's Basic "
        "challenge fails (distribution · registry/client/auth/session.go · "
        "basicHandler.AuthorizeRequest).",
        "Look for the image's registry host, exactly as written, under credHelpers or auths "
        "in $DOCKER_CONFIG/config.json (default ~/.docker/config.json); `ecr-doctor diagnose` "
        "does this.",
        ("CFG002",),
    ),
    _cause(
        "ecr-helper-failed",
        "The ECR credential helper ran but failed, and reported it as 'not found'",
        "docker-credential-ecr-login turns every failure (no AWS credentials, expired SSO, "
        "network, AccessDenied, unsupported host) into 'credentials not found in native "
        "keychain' (awslabs/amazon-ecr-credential-helper · ecr-login/ecr.go · ECRHelper.Get); "
        "Docker then sends an anonymous request (docker/cli · "
        "cli/config/credentials/native_store.go · getCredentialsFromStore).",
        "Run `echo <host> | docker-credential-ecr-login get >/dev/null; echo exit=$?` as the "
        "same user, then `tail -n 50 ~/.ecr/log/ecr-login.log` (or $AWS_ECR_CACHE_DIR/log).",
        ("ENV009",),
    ),
    _cause(
        "no-aws-credentials",
        "The ECR helper finds no AWS credentials in the environment Docker runs it in",
        "The helper uses the AWS SDK default chain (environment, ~/.aws files, SSO, web "
        "identity, container and instance roles) of the process that runs docker "
        "(awslabs/amazon-ecr-credential-helper · ecr-login/api/factory.go · "
        "NewClientFromRegion); sudo, systemd units, IDEs and CI often see none (issues #207, "
        "#418).",
        "`aws sts get-caller-identity` in the same environment (same user, same AWS_PROFILE) "
        "that runs docker.",
        ("ENV007",),
    ),
    _cause(
        "sso-expired",
        "The AWS SSO (IAM Identity Center) session has expired",
        "An expired SSO session makes credential resolution fail; the ECR helper hides that "
        "as 'not found' and the AWS CLI reports it as an SSO token error "
        "(awslabs/amazon-ecr-credential-helper#229, #1027).",
        "`aws sso login --profile <profile>`, then `aws sts get-caller-identity --profile "
        "<profile>`.",
        ("ENV008", "ENV011"),
    ),
    _cause(
        "expired-aws-session",
        "Temporary AWS session credentials have expired",
        "STS session credentials (AWS_SESSION_TOKEN, an assumed role, a copied console "
        "session) have a fixed lifetime; after it every ECR call fails with ExpiredToken, and "
        "the ECR helper turns that into 'not found' (ecr-login/ecr.go · ECRHelper.Get).",
        "`aws sts get-caller-identity`; refresh or unset stale AWS_ACCESS_KEY_ID, "
        "AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN in the shell that runs docker.",
    ),
    _cause(
        "stale-static-token",
        "A static ECR token from `docker login` in auths is older than 12 hours",
        "`docker login` stores the ECR token in auths and nothing refreshes it; ECR tokens "
        "are valid for 12 hours (AWS ECR API · AuthorizationData), after which ECR answers "
        "403 'Your authorization token has expired' (aws/aws-cli#6580; "
        "CircleCI-Public/aws-ecr-orb#265).",
        "`ecr-doctor diagnose` shows the token's age; replace the auths entry with credHelpers "
        "→ ecr-login, or run get-login-password | docker login again.",
        ("CFG001", "CFG010"),
    ),
    _cause(
        "expired-cached-token",
        "The ECR helper fell back to an expired cached token",
        "When GetAuthorizationToken fails, ecr-login returns its cached token even if it has "
        "expired (awslabs/amazon-ecr-credential-helper · ecr-login/ecr.go · ECRHelper.Get; "
        "ecr-login/cache; issue #679), so 'token has expired' appears with the helper "
        "configured.",
        "`grep 'Falling back to cached token' ~/.ecr/log/ecr-login.log`; ExpiresAt in "
        "~/.ecr/cache.json; fix the underlying AWS credential or network failure.",
        ("ENV008",),
    ),
    _cause(
        "long-job-frozen-token",
        "A token fetched once was reused beyond 12 hours (long CI job, swarm service spec)",
        "A token obtained at job start or frozen into a swarm service spec outlives its 12-hour "
        "validity (moby/moby#31063; CircleCI-Public/aws-ecr-orb#265).",
        "Compare when the token was fetched with when the failing pull ran; log in right "
        "before the push/pull, or use the ecr-login helper.",
    ),
    _cause(
        "helper-key-mismatch",
        "A credHelpers key has a scheme, port or path, so it never matches",
        "credHelpers keys are compared with the bare host[:port] Docker derives from the image "
        "reference (docker/cli · cli/config/configfile/file.go · getConfiguredCredentialStore); "
        "'https://…', ':443' or '/repo' keys are dead and an old auths entry or nothing is used "
        "instead (awslabs/amazon-ecr-credential-helper#573).",
        "Each credHelpers key must be exactly <account>.dkr.ecr.<region>.amazonaws.com, with "
        "no scheme, port or path - and no unexpanded ${VARIABLE} or <placeholder>.",
        ("CFG003", "CFG013"),
    ),
    _cause(
        "helper-value-invalid",
        "A credHelpers value is not a helper suffix (e.g. 'docker-credential-ecr-login')",
        "Docker runs 'docker-credential-' + the value (docker/docker-credential-helpers · "
        "client/command.go · NewShellProgramFunc; docker/cli · "
        "cli/config/credentials/native_store.go), so 'docker-credential-ecr-login' or "
        "'ecr_login' names a program that does not exist.",
        "The value must be `ecr-login`; `command -v docker-credential-<value>` must print a path.",
        ("CFG004",),
    ),
    _cause(
        "misspelt-key",
        "A misspelt top-level key (credStore, credHelper) is silently ignored",
        "Docker's ConfigFile struct only reads credsStore and credHelpers (docker/cli · "
        "cli/config/configfile/file.go · ConfigFile); the credStore spelling is a common "
        "folk 'fix' that disables the store (docker/for-mac#7445).",
        "`grep -nE '\"cred(Store|Helper)\"' ~/.docker/config.json`",
        ("CFG006",),
    ),
    _cause(
        "duplicate-config-keys",
        "Duplicate keys in config.json: Docker uses the last one, not the one you read",
        "Go's encoding/json keeps the last of duplicate object keys, so an earlier credHelpers "
        "or auths block is silently replaced (docker/cli · cli/config/configfile/file.go · "
        "LoadFromReader).",
        "`ecr-doctor diagnose` lists duplicate keys with their lines.",
        ("CFG008",),
    ),
    _cause(
        "credsstore-lost-placeholders",
        "Empty auths placeholders left behind by a credential store that is gone",
        "With a credential store, `docker login` keeps only an empty {} entry in auths "
        "(docker/cli · cli/command/registry/login.go · storeCredentials); if the store is later "
        "removed or renamed those entries hold no credentials and requests go anonymous.",
        "auths entries that are {} with no credsStore/credHelpers entry for the same host.",
        ("CFG007",),
    ),
    _cause(
        "helper-not-on-path",
        "The credential helper named in config.json is not on the PATH Docker sees",
        "Docker execs docker-credential-<name> from the calling process's PATH "
        "(docker/docker-credential-helpers · client/client.go · Get); sudo, systemd units, IDEs "
        "and CI often have another PATH, and on Docker ≤ 28 `docker pull` ignores the error "
        "and goes anonymous (docker/cli · cli/command/registry.go · ResolveAuthConfig).",
        "`command -v docker-credential-<name>` as the user, and with the PATH, that runs docker.",
        ("ENV001",),
    ),
    _cause(
        "desktop-store-leftover",
        "credsStore 'desktop' / 'desktop.exe' left from Docker Desktop or broken WSL interop",
        'credsStore "desktop" ("desktop.exe" under WSL) stays in config.json after Docker '
        "Desktop is removed or WSL integration/interop is off, so every login and pull calls a "
        "helper that is gone (docker/for-win#12091, microsoft/WSL#4752, "
        "docker/docker-credential-helpers#149).",
        "`grep -n credsStore ~/.docker/config.json`; `command -v docker-credential-desktop "
        "docker-credential-desktop.exe`; remove credsStore or re-enable WSL integration.",
        ("ENV001",),
    ),
    _cause(
        "other-user-context",
        "Docker runs as another user or service with a different HOME, PATH and AWS setup",
        "`sudo docker …`, systemd units and CI services read the config.json of their own HOME "
        "(docker/cli · cli/config/config.go · Dir) and give the helper their own environment "
        "(awslabs/amazon-ecr-credential-helper#418).",
        "`sudo -H sh -c 'echo HOME=$HOME; command -v docker-credential-ecr-login; aws sts "
        "get-caller-identity'`, or use the docker group instead of sudo.",
    ),
    _cause(
        "helper-too-old",
        "The installed ECR helper is too old to recognise this registry host",
        "Each helper release matches hosts with its own regex; dual-stack (dkr-ecr…on.aws), "
        "EU sovereign (amazonaws.eu) and ISO hosts need ≥ 0.10/0.11, and an unmatched host is "
        "answered with 'not found' (awslabs/amazon-ecr-credential-helper · "
        "ecr-login/api/client.go · ecrPattern, ExtractRegistry).",
        "`docker-credential-ecr-login -v` and compare with the host form.",
        ("ENV002",),
    ),
    _cause(
        "fips-endpoint-not-used",
        "A FIPS registry host without AWS_USE_FIPS_ENDPOINT: the helper calls the non-FIPS API",
        "For dkr.ecr-fips hosts the helper still calls api.ecr.<region> unless "
        "AWS_USE_FIPS_ENDPOINT=true (awslabs/amazon-ecr-credential-helper · "
        "ecr-login/api/factory.go · NewClientWithFipsEndpoint); where only FIPS endpoints are "
        "reachable that call fails.",
        '`echo $AWS_USE_FIPS_ENDPOINT` where docker runs; the `Post "https://…"` URL in '
        "~/.ecr/log/ecr-login.log.",
        ("ENV003",),
    ),
    _cause(
        "network-to-ecr-api",
        "The ECR API endpoint (api.ecr.<region>) is unreachable: DNS, proxy or VPC endpoint",
        "The helper and the AWS CLI call api.ecr.<region>.amazonaws.com (api.ecr-public."
        "us-east-1 for ECR Public); DNS, proxy, firewall or a missing ecr.api VPC endpoint "
        "breaks that, and the helper hides it as 'not found' (ecr-login/ecr.go · "
        "ECRHelper.Get; awslabs/amazon-ecr-credential-helper#327).",
        "`nslookup api.ecr.<region>.amazonaws.com`; `curl -sS -o /dev/null -w '%{http_code}\\n' "
        "https://api.ecr.<region>.amazonaws.com/`; HTTPS_PROXY / NO_PROXY.",
    ),
    _cause(
        "docker-auth-config-env",
        "DOCKER_AUTH_CONFIG is set and overrides config.json",
        "Since docker/cli PR #6008 (CLI ≥ 28.3) DOCKER_AUTH_CONFIG is a credential store that "
        "takes precedence over config.json and its helpers (docker/cli · "
        "cli/config/configfile/file.go · parseEnvConfig), so a frozen token in it wins.",
        '`[ -n "$DOCKER_AUTH_CONFIG" ] && echo set` (do not print it); unset or refresh it.',
        ("ENV004",),
    ),
    _cause(
        "config-unparseable",
        "config.json cannot be parsed, so Docker ignores all of it",
        "On a parse error (bad JSON, a UTF-8 BOM, an auth value that is not base64 "
        "user:password) Docker warns and carries on with an empty config: no helper, no "
        "credential (docker/cli · cli/config/config.go · LoadDefaultConfigFile; "
        "configfile/file.go · LoadFromReader).",
        "`python3 -m json.tool ~/.docker/config.json >/dev/null`; `head -c3 "
        "~/.docker/config.json | od -c` for a BOM; back the file up before docker rewrites it.",
        ("CFG009", "CFG012"),
    ),
    _cause(
        "docker-config-is-file",
        "DOCKER_CONFIG points at a file instead of a directory",
        "DOCKER_CONFIG names the directory that holds config.json (docker/cli · "
        "cli/config/config.go · Dir, load); pointing it at the file makes Docker read "
        "<file>/config.json, fail with 'not a directory' and use no config.",
        "`echo $DOCKER_CONFIG`: it must be a directory containing config.json.",
        ("ENV006",),
    ),
    _cause(
        "ecr-helper-cannot-store",
        "`docker login` to a host whose credential helper is ecr-login",
        "docker login hands the password to the host's helper, and ecr-login's store answers "
        "'not implemented' unless AWS_ECR_IGNORE_CREDS_STORAGE=true on helper ≥ 0.9.0 "
        "(awslabs/amazon-ecr-credential-helper · ecr-login/ecr.go · ECRHelper.Add, "
        "shouldIgnoreCredsStorage; issue #102).",
        "Skip `docker login` for hosts mapped to ecr-login (the helper fetches tokens itself), "
        "or `export AWS_ECR_IGNORE_CREDS_STORAGE=true` with helper ≥ 0.9.0.",
        ("CFG005",),
    ),
    _cause(
        "global-ecr-credsstore",
        "A global credsStore 'ecr-login' captures every registry, Docker Hub included",
        "credsStore applies to every host without a credHelpers entry (docker/cli · "
        "cli/config/configfile/file.go · getConfiguredCredentialStore), so logins to Docker "
        "Hub or other registries reach the ECR helper, which cannot store them "
        "(awslabs/amazon-ecr-credential-helper#474).",
        "Replace credsStore with credHelpers entries for the ECR hosts (`ecr-doctor fix`).",
        ("CFG005",),
    ),
    _cause(
        "ignore-creds-storage-ineffective",
        "AWS_ECR_IGNORE_CREDS_STORAGE is not honoured (old helper or not passed through)",
        "The variable works only on helper ≥ 0.9.0, only as the exact string 'true', and only "
        "if it reaches the helper's process, which Docker Desktop on Windows may not do "
        "(ecr-login/ecr.go · shouldIgnoreCredsStorage; awslabs/amazon-ecr-credential-helper#922).",
        "`docker-credential-ecr-login -v` (≥ 0.9.0) and `echo $AWS_ECR_IGNORE_CREDS_STORAGE` in "
        "the shell that runs docker login.",
        ("ENV002", "ENV012"),
    ),
    _cause(
        "iam-missing-action",
        "The IAM identity policy does not allow the ECR action",
        'Pulls need ecr:GetAuthorizationToken (on "*"), ecr:BatchGetImage and '
        "ecr:GetDownloadUrlForLayer; pushes also the layer-upload actions and ecr:PutImage "
        "(AWS ECR user guide · image-push-iam; aws-actions/amazon-ecr-login README).",
        "The principal ARN and action in the message; `aws iam simulate-principal-policy "
        "--policy-source-arn <principal-arn> --action-names <action>`.",
    ),
    _cause(
        "cross-account-repo-policy",
        "Cross-account: the repository policy in the owner account does not grant access",
        "'because no resource-based policy allows' means the repository belongs to another "
        "account; its repository policy and your identity policy must both allow the action "
        "(AWS ECR user guide · repository-policies).",
        "`aws ecr get-repository-policy --registry-id <owner-account> --repository-name "
        "<repo>` run in the owner account.",
    ),
    _cause(
        "explicit-deny",
        "An explicit Deny, SCP or permissions boundary blocks the action",
        "An explicit Deny in an identity or repository policy, an Organizations SCP or a "
        "permissions boundary overrides any Allow (AWS IAM user guide · policy evaluation "
        "logic).",
        "The 'with an explicit deny in …' / 'because no … allows' clause names the policy type; "
        "review that policy.",
    ),
    _cause(
        "wrong-aws-identity",
        "The AWS SDK picked up a different identity than intended",
        "The SDK uses the first credentials in its chain: environment keys beat AWS_PROFILE, "
        "and a pod or instance role may belong to another account "
        "(aws-actions/amazon-ecr-login#951).",
        "`aws sts get-caller-identity` in the same environment; compare its account with the "
        "registry host.",
    ),
    _cause(
        "wrong-account-or-region-token",
        "The token is for another region or account than the registry",
        "ECR tokens are issued per region; a token from get-login-password --region A used on "
        "a registry in region B (or another account) is rejected, at login as '400 Bad "
        "Request' (aws/aws-cli#5317).",
        "`aws ecr get-login-password --region <region-in-host> | docker login --username AWS "
        "--password-stdin <host>`; ECR Public (public.ecr.aws) needs us-east-1.",
    ),
    _cause(
        "repo-does-not-exist",
        "The ECR repository does not exist (or the name is wrong)",
        "ECR does not create repositories on push; a missing repository, another "
        "account/region, or the repository URI used as the name all give 'name unknown' / "
        "RepositoryNotFoundException.",
        "`aws ecr describe-repositories --repository-names <name> --region <region>`",
    ),
    _cause(
        "wrong-image-name-or-tag",
        "The repository exists but this tag or digest does not",
        "The registry answers MANIFEST_UNKNOWN for a missing tag or digest (distribution · "
        "registry/api/v2/errors.go · ErrorCodeManifestUnknown); the image may have been pushed "
        "to another repository, region or account.",
        "`aws ecr describe-images --repository-name <name> --image-ids imageTag=<tag> "
        "--region <region>`",
    ),
    _cause(
        "not-an-ecr-reference",
        "The image name has no ECR host, so Docker talks to Docker Hub",
        "A reference without a registry host means docker.io, so `docker push app:tag` or a "
        "typo in the host goes to Docker Hub, which denies it (moby · distribution/errors.go · "
        "notFoundError; distribution · registry/api/errcode/register.go · ErrorCodeDenied).",
        "The image reference must start with <account>.dkr.ecr.<region>.amazonaws.com/; "
        "`docker tag` it and retry.",
    ),
    _cause(
        "aws-cli-v1-get-login",
        "Output of AWS CLI v1 `aws ecr get-login` with '-e none' was run",
        "`aws ecr get-login` prints `docker login -u AWS -p … -e none …` unless "
        "--no-include-email, and Docker ≥ 17.06 has no -e flag (aws/aws-cli · "
        "awscli/customizations/ecr.py · ECRLogin._run_main; aws/aws-cli#3374).",
        "Use `aws ecr get-login-password --region <region> | docker login --username AWS "
        "--password-stdin <host>`, or credHelpers → ecr-login.",
    ),
    _cause(
        "aws-cli-v2-no-get-login",
        "AWS CLI v2 has no `aws ecr get-login`",
        "AWS CLI v2 removed get-login; only get-login-password remains, so v1 scripts stop "
        "working (AWS CLI v2 migration guide; aws/aws-cli#4962).",
        "`aws --version`; replace with `aws ecr get-login-password --region <region> | docker "
        "login --username AWS --password-stdin <host>`.",
    ),
    _cause(
        "helper-crashed",
        "The credential helper crashed or exited with an unexpected status",
        "Docker reports a helper's exit status when it did not print the 'not found' sentinel "
        "(docker/docker-credential-helpers · client/client.go · Get); ecr-login 0.6.0 panics, "
        "exit 2, when the AWS config cannot be loaded, e.g. a malformed ~/.aws/config "
        "(ecr-login/api/factory.go · NewClientFromRegion).",
        "`echo <host> | docker-credential-ecr-login get >/dev/null; echo exit=$?` and "
        "`aws configure list`.",
    ),
    _cause(
        "helper-non-json-output",
        "The credential helper printed something that is not JSON",
        "Docker and containers/image parse the helper's stdout as JSON (docker/"
        "docker-credential-helpers · client/client.go · Get); a wrapper script's echo, a banner "
        "or the wrong binary gives 'invalid character … looking for beginning of value'.",
        "`echo <host> | docker-credential-<name> get | head -c1; echo` must print `{` and "
        "nothing else may go to stdout.",
    ),
    _cause(
        "static-token-written",
        "docker login wrote the credential into config.json in plain base64",
        "Without a helper for the host docker login stores base64(user:password) in auths "
        "(docker/cli · cli/config/credentials/file_store.go · unencryptedWarning): a secret at "
        "rest that, for ECR, also expires in 12 hours.",
        "`ecr-doctor diagnose`; use credHelpers → ecr-login for ECR hosts; `chmod 600 "
        "~/.docker/config.json`.",
        ("CFG001", "CFG011", "ENV005"),
    ),
    _cause(
        "keychain-no-entry",
        "The keychain-style helper simply has no entry for this host",
        "For desktop, osxkeychain, wincred, pass or secretservice, 'credentials not found in "
        "native keychain' means nothing is stored for the host, and Docker goes anonymous "
        "(docker/docker-credential-helpers · credentials/error.go; docker/cli · "
        "native_store.go · getCredentialsFromStore).",
        "`docker-credential-<name> list` shows the stored hosts; map the ECR host to "
        "ecr-login in credHelpers.",
    ),
)

_BY_ID: dict[str, Cause] = {c.id: c for c in _CATALOGUE}
_ORDER: dict[str, int] = {c.id: i for i, c in enumerate(_CATALOGUE)}


# --- Signatures ---------------------------------------------------------------------------

Scores = dict[str, int]
# Given the matched line (raw, never output) and the whole text, return score overrides.
Adjuster = Callable[[str, str], Scores]


class _Spec(NamedTuple):
    id: str
    label: str
    patterns: tuple[re.Pattern[str], ...]
    scores: Mapping[str, int]
    adjust: Adjuster | None = None


def _rx(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)


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
        out["desktop-store-leftover"] = 99
    return out


def _adjust_not_authorized(line: str, text: str) -> Scores:
    window = text if len(text) < 4000 else line
    if re.search(
        r"explicit\s+deny|no\s+(?:service\s+control|permissions\s+boundary)", window, re.IGNORECASE
    ):
        return {"explicit-deny": 98, "iam-missing-action": 55}
    if re.search(r"no\s+resource-based\s+policy\s+allows", window, re.IGNORECASE):
        return {"cross-account-repo-policy": 98, "iam-missing-action": 65}
    return {}


def _adjust_store_not_implemented(line: str, text: str) -> Scores:
    if re.search(r"docker\.io|ghcr\.io|quay\.io|gcr\.io|azurecr\.io", text, re.IGNORECASE):
        return {"global-ecr-credsstore": 97}
    if re.search(r"AWS_ECR_IGNORE_CREDS_STORAGE", text, re.IGNORECASE):
        return {"ignore-creds-storage-ineffective": 96}
    return {}


def _adjust_pull_denied(line: str, _text: str) -> Scores:
    m = re.search(r"pull\s+access\s+denied\s+for\s+([^\s,]+)", line, re.IGNORECASE)
    if m and not _ECR_HOST.search(m.group(1)):
        return {"not-an-ecr-reference": 96}
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

_SPECS: tuple[_Spec, ...] = (
    _Spec(
        "no-basic-auth",
        "no basic auth credentials (anonymous request to ECR)",
        _rx(r"no\s+basic\s+auth\s+credentials"),
        {"ecr-helper-failed": 90, "no-helper-for-host": 85, **_ANON},
    ),
    _Spec(
        "token-expired",
        "ECR: your authorization token has expired",
        _rx(r"authorization\s+token\s+has\s+expired"),
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
    _Spec(
        "helper-not-found",
        "credential helper executable not found in $PATH",
        _rx(
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
    _Spec(
        "keychain-not-found",
        "credentials not found in native keychain (helper 'not found')",
        _rx(r"credentials\s+not\s+found\s+in\s+native\s+keychain"),
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
    _Spec(
        "store-not-implemented",
        "error storing credentials: not implemented (docker login with ecr-login)",
        _rx(r"(?:storing|erasing)\s+credentials[\s\S]{0,160}?not\s+implemented"),
        {
            "ecr-helper-cannot-store": 95,
            "global-ecr-credsstore": 85,
            "ignore-creds-storage-ineffective": 60,
        },
        _adjust_store_not_implemented,
    ),
    _Spec(
        "no-such-manifest",
        "no such manifest (Docker 28 after a wrong or expired static token)",
        _rx(r"no\s+such\s+manifest"),
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
    _Spec(
        "manifest-unknown",
        "manifest unknown (tag or digest not in the repository)",
        _rx(r"manifest\s+unknown", r"ImageNotFoundException"),
        {
            "wrong-image-name-or-tag": 90,
            "repo-does-not-exist": 60,
            "wrong-account-or-region-token": 40,
        },
    ),
    _Spec(
        "not-authorized-action",
        "IAM: is not authorized to perform an ECR action",
        _rx(r"is\s+not\s+authorized\s+to\s+perform:?\s+(?:ecr(?:-public)?|sts):\s*\w+"),
        {
            "iam-missing-action": 90,
            "cross-account-repo-policy": 60,
            "wrong-aws-identity": 55,
            "explicit-deny": 50,
        },
        _adjust_not_authorized,
    ),
    _Spec(
        "pull-access-denied",
        "pull access denied … repository does not exist or may require 'docker login'",
        _rx(r"pull\s+access\s+denied\s+for\s+\S+"),
        {
            "no-helper-for-host": 80,
            "ecr-helper-failed": 75,
            "stale-static-token": 70,
            "repo-does-not-exist": 70,
            "not-an-ecr-reference": 65,
            "helper-key-mismatch": 60,
            "iam-missing-action": 50,
        },
        _adjust_pull_denied,
    ),
    _Spec(
        "unauthorized",
        "unauthorized: authentication required",
        _rx(r"unauthorized:\s+authentication\s+required"),
        {
            "no-helper-for-host": 80,
            "stale-static-token": 75,
            "ecr-helper-failed": 70,
            "wrong-account-or-region-token": 60,
            "helper-key-mismatch": 55,
            "not-an-ecr-reference": 40,
        },
    ),
    _Spec(
        "http-401",
        "HTTP 401 Unauthorized from the registry",
        _rx(r"\b401\s+unauthorized\b", r"status(?:\s+code)?:?\s+401\b"),
        {
            "no-helper-for-host": 80,
            "ecr-helper-failed": 75,
            "stale-static-token": 70,
            "helper-key-mismatch": 55,
            "wrong-account-or-region-token": 50,
            "sso-expired": 40,
        },
    ),
    _Spec(
        "http-403",
        "HTTP 403 Forbidden from the registry",
        _rx(r"\b403\s+forbidden\b", r"status(?:\s+code)?:?\s+403\b"),
        {
            "stale-static-token": 85,
            "iam-missing-action": 75,
            "expired-cached-token": 70,
            "wrong-account-or-region-token": 55,
            "cross-account-repo-policy": 45,
        },
    ),
    _Spec(
        "name-unknown",
        "name unknown: the repository does not exist in the registry",
        _rx(
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
    _Spec(
        "login-400",
        "login attempt … failed with status: 400 Bad Request",
        _rx(r"login\s+attempt\s+to\s+\S+\s+failed\s+with\s+status:\s+400\s+bad\s+request"),
        {"wrong-account-or-region-token": 95, "wrong-aws-identity": 50},
    ),
    _Spec(
        "unknown-flag-e",
        "unknown shorthand flag: 'e' in -e (AWS CLI v1 get-login output)",
        _rx(r"unknown\s+shorthand\s+flag:\s+'e'\s+in\s+-e"),
        {"aws-cli-v1-get-login": 98},
    ),
    _Spec(
        "cli-v2-get-login",
        "aws: invalid choice 'get-login' (AWS CLI v2)",
        _rx(
            r"invalid\s+choice:\s*['\"]?get-login(?!-)\b",
            r"aws:\s+error:\s+argument\s+operation:\s+invalid\s+choice",
        ),
        {"aws-cli-v2-no-get-login": 98},
    ),
    _Spec(
        "config-parse-error",
        "Docker could not load or parse config.json",
        _rx(r"error\s+parsing\s+config\s+file", r"error\s+loading\s+config\s+file"),
        {"config-unparseable": 90, "docker-config-is-file": 70, "duplicate-config-keys": 30},
        _adjust_config_error,
    ),
    _Spec(
        "helper-exit-status",
        "error getting credentials: the helper exited with an error",
        _rx(r"error\s+getting\s+credentials\s+-\s+err:\s+exit\s+status\s+\d+"),
        {
            "helper-crashed": 85,
            "no-aws-credentials": 50,
            "helper-value-invalid": 40,
            "helper-non-json-output": 35,
        },
        _adjust_exit_status,
    ),
    _Spec(
        "unencrypted-warning",
        "WARNING! Your credentials are stored unencrypted",
        _rx(r"your\s+credentials\s+are\s+stored\s+unencrypted"),
        {"static-token-written": 95, "no-helper-for-host": 60, "stale-static-token": 45},
    ),
    _Spec(
        "ecr-api-network",
        "network error reaching the ECR API endpoint",
        _rx(
            r"api\.ecr[\w.-]*[\s\S]{0,200}?(?:i/o\s+timeout|no\s+such\s+host|connection\s+refused"
            r"|context\s+deadline\s+exceeded|tls\s+handshake\s+timeout|network\s+is\s+unreachable)",
            r"could\s+not\s+connect\s+to\s+the\s+endpoint\s+url:\s*\"?https://(?:api\.)?ecr",
        ),
        {"network-to-ecr-api": 95, "fips-endpoint-not-used": 50, "ecr-helper-failed": 40},
        _adjust_network,
    ),
    _Spec(
        "sso-expired",
        "AWS SSO session expired or SSO token missing",
        _rx(
            r"the\s+sso\s+session\s+associated\s+with\s+this\s+profile\s+(?:has\s+expired"
            r"|is\s+otherwise\s+invalid)",
            r"error\s+loading\s+sso\s+token",
            r"refresh\s+cached\s+sso\s+token\s+failed",
        ),
        {"sso-expired": 98, "expired-cached-token": 50, "ecr-helper-failed": 40},
    ),
    _Spec(
        "aws-expired-token",
        "ExpiredToken: the AWS security token is expired",
        _rx(
            r"\bExpiredToken(?:Exception)?\b",
            r"security\s+token\s+included\s+in\s+the\s+"
            r"request\s+is\s+expired",
        ),
        {"expired-aws-session": 95, "sso-expired": 60, "expired-cached-token": 40},
    ),
    _Spec(
        "helper-non-json",
        "invalid character … looking for beginning of value (non-JSON output)",
        _rx(r"invalid\s+character\s+'.{1,6}?'\s+looking\s+for\s+beginning\s+of\s+value"),
        {"helper-non-json-output": 80, "helper-value-invalid": 50, "config-unparseable": 40},
        _adjust_non_json,
    ),
    _Spec(
        "resource-denied",
        "denied: requested access to the resource is denied",
        _rx(r"requested\s+access\s+to\s+the\s+resource\s+is\s+denied"),
        {
            "not-an-ecr-reference": 85,
            "iam-missing-action": 60,
            "repo-does-not-exist": 50,
            "stale-static-token": 45,
        },
        _adjust_resource_denied,
    ),
)

_SUPPORT_BONUS = 5  # per extra recognised message pointing at the same cause


def signature_ids() -> tuple[str, ...]:
    return tuple(spec.id for spec in _SPECS)


def causes_catalogue() -> tuple[Cause, ...]:
    return _CATALOGUE


# --- Matching -----------------------------------------------------------------------------


def _variants(text: str) -> tuple[str, str]:
    """The text with line structure kept, and with line breaks removed.

    Terminals and log viewers hard-wrap long errors, sometimes mid-word ("creden\\ntials");
    patterns use \\s+ between words for the first form, the second heals split words.
    """
    kept = text.replace("\r\n", "\n").replace("\r", "\n")
    joined = re.sub(r"[ \t]*\n[ \t]*", "", kept)
    return kept, joined


def _line_of(text: str, start: int, end: int) -> str:
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    return text[lo : hi if hi >= 0 else len(text)]


def _safe_value(value: str, pattern: str) -> str | None:
    """A value lifted from the paste is used only if it is short, well-formed and untouched
    by redaction."""
    if re.fullmatch(pattern, value) and redact_text(value) == value:
        return value
    return None


def _helper_from(line: str) -> str | None:
    m = _HELPER_NAME.search(line)
    return _safe_value(m.group(1), r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}") if m else None


def _action_from(line: str) -> str | None:
    m = re.search(
        r"not\s+authorized\s+to\s+perform:?\s+(ecr(?:-public)?|sts):\s*(\w+)", line, re.IGNORECASE
    )
    # Only a known action name is echoed back: the allowlist is what makes it safe.
    if m and m.group(2) in _ECR_ACTIONS:
        return f"{m.group(1).lower()}:{m.group(2)}"
    return None


def _specialise(cause: Cause, helper: str | None, action: str | None) -> Cause:
    check = cause.check
    if helper and "<name>" in check:
        check = check.replace("<name>", helper)
    if action and "<action>" in check:
        check = check.replace("<action>", action)
    return cause._replace(check=check) if check != cause.check else cause


def _find(spec: _Spec, variants: Sequence[str]) -> tuple[int, re.Match[str]] | None:
    for index, variant in enumerate(variants):
        first: re.Match[str] | None = None
        for pattern in spec.patterns:
            m = pattern.search(variant)
            if m and (first is None or m.start() < first.start()):
                first = m
        if first is not None:
            return index, first
    return None


def explain_error(text: str, findings: Sequence[Finding] = ()) -> Explanation:
    variants = _variants(text[:_MAX_INPUT])
    spans: dict[int, list[tuple[int, int]]] = {}
    helper: str | None = None
    action: str | None = None

    hits: list[tuple[int, Signature, Scores]] = []
    for spec in _SPECS:
        found = _find(spec, variants)
        if found is None:
            continue
        index, m = found
        variant = variants[index]
        if index not in spans:
            spans[index] = _secret_spans(variant)
        line = _line_of(variant, m.start(), m.end())
        label = spec.label
        if spec.id == "helper-not-found":
            helper = _helper_from(line) or helper
            label = f"{label}: docker-credential-{helper}" if helper else label
        elif spec.id == "not-authorized-action":
            action = _action_from(variant[m.start() : m.end()])
            label = f"{label}: {action}" if action else label
        scores = dict(spec.scores)
        if spec.adjust is not None:
            scores.update(spec.adjust(line, variant))
        excerpt = _excerpt(variant, spans[index], m.start(), m.end())
        # Matches in the healed (joined) text have no position in the paste; list them last.
        position = m.start() if index == 0 else len(variants[0])
        hits.append((position, Signature(id=spec.id, label=label, excerpt=excerpt), scores))

    if not hits:
        return Explanation(signatures=(), causes=())
    hits.sort(key=lambda h: h[0])

    best: dict[str, int] = {}
    support: dict[str, int] = {}
    for _, _, scores in hits:
        for cause_id, score in scores.items():
            best[cause_id] = max(best.get(cause_id, 0), score)
            support[cause_id] = support.get(cause_id, 0) + 1

    seen_rules = {f.rule_id for f in findings}
    causes: list[Cause] = []
    for cause_id, score in best.items():
        base = _BY_ID[cause_id]
        total = score + _SUPPORT_BONUS * (support[cause_id] - 1)
        seen = bool(seen_rules.intersection(base.rule_ids))
        causes.append(_specialise(base._replace(score=total, seen_here=seen), helper, action))
    causes.sort(key=lambda c: (not c.seen_here, -c.score, _ORDER[c.id]))
    return Explanation(signatures=tuple(sig for _, sig, _ in hits), causes=tuple(causes))
