"""Causes ranked for the runtime that printed the error: what each runtime adds, and the
Docker-config causes that cannot apply to a runtime that never reads a Docker config.

The kubelet pulls with its credential provider, the ECS agent with the task execution role,
Lambda with its own service principal, and containerd with what the kubelet hands it; none of
them reads ~/.docker/config.json (kubernetes/cloud-provider-aws · ecr-credential-provider;
aws/amazon-ecs-agent · agent/ecr/factory.go; awslabs/amazon-ecr-credential-helper#966). For
them the Docker-config causes sink, and their own causes lead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ecr_doctor.core.explain import clientage
from ecr_doctor.core.explain.runtimes import Runtime
from ecr_doctor.core.explain.specs import Scores

# Causes that live in ~/.docker/config.json or a Docker credential helper on the client.
DOCKER_CONFIG_CAUSES = frozenset({
    "no-helper-for-host", "ecr-helper-failed", "helper-key-mismatch", "helper-value-invalid",
    "misspelt-key", "duplicate-config-keys", "credsstore-lost-placeholders",
    "helper-not-on-path", "desktop-store-leftover", "helper-too-old", "docker-auth-config-env",
    "config-unparseable", "docker-config-is-file", "ecr-helper-cannot-store",
    "global-ecr-credsstore", "ignore-creds-storage-ineffective", "static-token-written",
    "keychain-no-entry", "stale-static-token", "expired-cached-token", "other-user-context",
    "no-aws-credentials", "sso-expired", "fips-endpoint-not-used", "helper-crashed",
    "helper-non-json-output", "classic-build-list-credentials", "buildx-scoped-config",
})

# Runtimes that never read a Docker config for the pull that failed.
_NO_DOCKER_CONFIG = frozenset({"kubelet", "containerd", "cri-o", "ecs", "lambda", "argocd",
                               "flux"})
DEMOTION = 45

# An authentication failure of some kind: the runtime's own causes apply.
_AUTH_FAILURE = frozenset({
    "no-basic-auth", "token-expired", "unauthorized", "http-401", "http-403",
    "pull-access-denied", "resource-denied", "keychain-not-found", "no-such-manifest",
    "not-authorized-action", "ecs-cannot-pull", "ecs-resource-init", "unexpected-status",
})

# What each runtime adds to an authentication failure, before anything else in the paste.
_RUNTIME_CAUSES: Mapping[str, Mapping[str, int]] = {
    "kubelet": {"node-role-no-ecr": 88, "k8s-in-tree-provider-removed": 80,
                "match-images-not-covering": 72, "pull-secret-token-expired": 62,
                "provider-apiversion-wrong": 55},
    "containerd": {"containerd-ignores-docker-helper": 90, "node-role-no-ecr": 65,
                   "pull-secret-token-expired": 50},
    "cri-o": {"node-role-no-ecr": 85, "k8s-in-tree-provider-removed": 75,
              "match-images-not-covering": 70},
    "ecs": {"ecs-execution-role-no-ecr": 88, "ecs-no-network-path": 78,
            "cross-account-repo-policy": 60},
    "lambda": {"lambda-image-not-private-ecr": 80, "lambda-cross-account-or-region": 75,
               "lambda-tag-missing": 70},
    "podman": {"podman-creds-store-ignored": 88},
    "skopeo": {"podman-creds-store-ignored": 88},
    "buildah": {"podman-creds-store-ignored": 88},
    "swarm": {"swarm-without-registry-auth": 95},
    "nomad": {"service-no-home-or-path": 88},
    "compose": {"compose-v1-no-helpers": 45},
    "buildkit": {"buildx-scoped-config": 50},
}
_CI = frozenset({"github-actions", "gitlab-ci", "codebuild", "jenkins", "circleci",
                 "bitbucket", "buildkite"})
_PLATFORM_CAUSES: Mapping[str, Mapping[str, int]] = {
    platform: {"iam-missing-action": 62, "wrong-aws-identity": 58} for platform in _CI
}

# The region label of an ECR-shaped host; a typo of a real one (`us-west1`, `{us-west1}`) is
# told apart from a placeholder (`<region>`, `$AWS_REGION`) someone put there to redact it.
_REGION_LABEL = re.compile(r"\.dkr\.ecr\.([^./\s]+)\.amazonaws\.com", re.IGNORECASE)
_REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d{1,2}")
_REGION_TYPO = re.compile(r"[a-z]{2}-?[a-z]+-?\d{1,2}")


def _malformed_region(text: str) -> bool:
    for m in _REGION_LABEL.finditer(text):
        label = m.group(1).strip("{}").lower()
        if _REGION_TYPO.fullmatch(label) and not _REGION.fullmatch(label):
            return True
    return False
_PUBLIC = re.compile(r"public\.ecr\.aws|ecr-public\.aws\.com", re.IGNORECASE)
_PRIVATE = re.compile(r"\.dkr[.-]ecr", re.IGNORECASE)


def _context(runtime: Runtime | None, text: str, signatures: frozenset[str]) -> Scores:
    """Causes the paste as a whole points at, beyond any one message."""
    out: Scores = {}
    auth = bool(signatures & _AUTH_FAILURE)
    if auth and _PUBLIC.search(text) and not _PRIVATE.search(text):
        # Anonymous pulls from ECR Public work; an auth failure there means a stored token,
        # and no `docker login` to a private registry is involved.
        out["ecr-public-stale-token"] = 99 if re.search(
            r"token has expired|\b403\b|Forbidden", text, re.IGNORECASE) else 85
        out["ecr-public-login-region"] = 70
        out["stale-static-token"] = -1  # replaced by the public-registry cause above
    if auth and _malformed_region(text):
        # The helper serves only hosts whose region is a real one (ecr-login/api/client.go ·
        # ecrPattern): a typo there is a host nobody has credentials for.
        out["wrong-account-or-region-token"] = 96
    if auth and re.search(r"^[ \t]*(?:[$#][ \t]*)?sudo\s+(?:-\S+\s+)*docker\b", text, re.MULTILINE):
        # sudo runs docker as root: root's ~/.docker/config.json and ~/.aws, not the user's.
        out["other-user-context"] = 93
    if "token-expired" in signatures and re.search(
            r"\b(?:1[2-9]|[2-9]\d)\s*h(?:ours?)?\b|Duration:\s*(?:1[2-9]|[2-9]\d)h", text,
            re.IGNORECASE):
        out["long-job-frozen-token"] = 96  # a job that ran past the token's 12 hours
    out.update(_docker_cli_age(runtime, text, signatures) if auth else {})
    if re.search(r"\bLogin Succeeded\b[\s\S]*no basic auth credentials", text):
        # The login worked, then the pull went anonymous: it was for another registry key.
        out["wrong-account-or-region-token"] = 94
    if re.search(r"failed to pull image \S+ with specified policies", text, re.IGNORECASE):
        # gitlab-runner pulls job images itself, with the runner host's helpers and
        # DOCKER_AUTH_CONFIG (gitlab-org/gitlab-runner · docs: using Amazon ECR).
        out["helper-not-on-path"] = 92
        out["docker-auth-config-env"] = 82
    if auth and re.search(r"^[ \t]*Step \d+(?:/\d+)? : FROM\b|Pulling repository\b", text,
                          re.IGNORECASE | re.MULTILINE):
        out["classic-build-list-credentials"] = 90  # the classic builder's own progress lines
    elif auth and (runtime is None or runtime.id == "docker-cli") and re.search(
            r"\bdocker\s+build\b(?![\s\S]*?\b(?:failed to solve|buildx)\b)", text, re.IGNORECASE):
        # `docker build` failing on auth with none of BuildKit's output is the classic builder,
        # which gets credentials only for the registries the store's `list` names, never by
        # parsing FROM (docker/cli · cli/command/image/build.go · GetAllCredentials;
        # awslabs/amazon-ecr-credential-helper#9, #251).
        out["classic-build-list-credentials"] = 88
    if auth and re.search(r"\bdocker-compose\b|^ERROR: for \S+", text,
                          re.IGNORECASE | re.MULTILINE):
        out.update(_compose_v1(text, signatures))
    if re.search(r"unable to retrieve secrets? from (?:ssm|asm|secrets ?manager)", text,
                 re.IGNORECASE):
        # The agent got past registry auth and failed on a `secrets` entry: the ECR side of
        # the execution role is not what failed (aws/amazon-ecs-agent ·
        # agent/taskresource/{ssmsecret,asmsecret}); the secret causes lead.
        out["ecs-execution-role-no-ecr"] = -1
        out["cross-account-repo-policy"] = -1
        out["ecs-secrets-permission"] = 80
        out["ecs-secret-wrong-account"] = 75
    if auth and re.search(r"imagePullSecrets?|dockerconfigjson|secret/", text, re.IGNORECASE):
        out["pull-secret-token-expired"] = 90
    if re.search(r"\bkuberuntime_image\.go\b|Error response from daemon", text) and \
            runtime is not None and runtime.id == "kubelet" and auth:
        out["node-role-no-ecr"] = 92  # dockershim: the kubelet's in-tree provider asked
    return out


def _docker_cli_age(runtime: Runtime | None, text: str, signatures: frozenset[str]) -> Scores:
    """What the client's version (or the Go it was built with) rules in and out."""
    if runtime is None or runtime.id != "docker-cli":
        return {}
    out: Scores = {}
    version = clientage.version_tuple(runtime.version)
    family = clientage.docker_cli_family(runtime.version, text)
    if version is not None and version < (1, 13):
        out["docker-too-old-for-helpers"] = 97
    elif version is None and family == clientage.GO_BEFORE_1_14:
        # An old client, though not how old: credHelpers needs 1.13, credsStore 1.11.
        out["docker-too-old-for-helpers"] = 83
    if family == clientage.FROM_29 and "no-basic-auth" in signatures:
        out["helper-not-on-path"] = -1  # 29 prints the exec error instead of going anonymous
    if family in (clientage.BEFORE_28_3, clientage.GO_BEFORE_1_14):
        out["docker-auth-config-env"] = -1  # read from 28.3 on only
    return out


def _compose_v1(text: str, signatures: frozenset[str]) -> Scores:
    """docker-compose v1 (Python, docker-py) prints `ERROR: for <service>` and finds
    credentials itself."""
    out: Scores = {}
    if clientage.go_quotes_urls(text) is not True:
        # Compose before 1.10 (January 2017) never called a helper; a daemon error quoting
        # its URL was built with Go 1.14 (2020) or later, and so was almost surely not
        # driven by a compose that old.
        out["compose-v1-no-helpers"] = 88
    if "no-basic-auth" in signatures:
        # docker-py raises "Credentials store error: StoreError('docker-credential-X not
        # installed or not available in PATH')" for a missing helper, never going anonymous
        # (docker/docker-py · docker/auth.py · _resolve_authconfig_credstore).
        out["helper-not-on-path"] = -1
    return out


def _ci_login_elsewhere(runtime: Runtime | None, signatures: frozenset[str]) -> Scores:
    """In CI the credentials come from a login step (aws-actions/amazon-ecr-login, `aws ecr
    get-login-password | docker login`), which stores an `auths` entry for the registry it
    logged in to, by default the caller's own account and region; an anonymous request means
    the image's host is not that one."""
    where = runtime.platform or runtime.id if runtime is not None else None
    if where not in _CI or "no-basic-auth" not in signatures:
        return {}
    return {"wrong-account-or-region-token": 88}


def runtime_scores(runtime: Runtime | None, text: str,
                   signatures: frozenset[str]) -> tuple[Scores, frozenset[str]]:
    """(cause scores to merge in, causes to demote) for this runtime and paste; a negative
    score removes a cause the paste rules out."""
    scores: Scores = {}
    auth = bool(signatures & _AUTH_FAILURE)
    if runtime is not None and auth:
        scores.update(_RUNTIME_CAUSES.get(runtime.id, {}))
        if runtime.platform:
            for cause, score in _PLATFORM_CAUSES.get(runtime.platform, {}).items():
                scores[cause] = max(scores.get(cause, 0), score)
    for context in (_ci_login_elsewhere(runtime, signatures), _context(runtime, text, signatures)):
        for cause, score in context.items():
            scores[cause] = score if score < 0 else max(scores.get(cause, 0), score)
    demoted = (DOCKER_CONFIG_CAUSES if runtime is not None and runtime.id in _NO_DOCKER_CONFIG
               else frozenset())
    return scores, demoted



__all__ = ["DEMOTION", "DOCKER_CONFIG_CAUSES", "runtime_scores"]
