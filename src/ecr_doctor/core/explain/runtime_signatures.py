"""The messages only one runtime prints (kubelet, containerd, ECS, Lambda, ECR Public, the AWS
CLI, credential stores, swarm), as data; signatures.py holds the registry-protocol ones every
Docker-style client shares.
"""

from __future__ import annotations

import re

from ecr_doctor.core.explain.specs import Scores, Spec, rx

# Loose on the account: threads redact it (`xxx`, `<account>`).
_ECR_PRIVATE = re.compile(r"\.dkr[.-]ecr(?:-fips)?\.[a-z0-9-]+\.", re.IGNORECASE)


def _adjust_lambda_source(line: str, _text: str) -> Scores:
    m = re.search(r"source image\s+(\S+)\s+(?:is not valid|does not exist)", line, re.IGNORECASE)
    image = m.group(1) if m else ""
    if re.search(r"does not exist", line, re.IGNORECASE):
        return {"lambda-tag-missing": 97}
    host = image.split("/")[0] if "/" in image else ""
    if ":" in image.split("/")[-1] and "@" in image:
        return {"wrong-image-name-or-tag": 97}  # a tag and a digest: Lambda takes one
    if "public.ecr.aws" in image.lower() or ("." in host and not _ECR_PRIVATE.search(host)):
        return {"lambda-image-not-private-ecr": 97}
    if not host:
        return {"not-an-ecr-reference": 97}  # a bare repository name, no registry
    return {}


def _adjust_secrets_fetch(_line: str, text: str) -> Scores:
    if re.search(r"AccessDenied|not authorized to perform", text, re.IGNORECASE):
        return {"ecs-secrets-permission": 97, "ecs-no-network-path": 40}
    if re.search(r"ParameterNotFound|ResourceNotFoundException|invalid parameters|"
                 r"can't find the specified secret", text, re.IGNORECASE):
        return {"ecs-secret-wrong-account": 97, "ecs-no-network-path": 40}
    if re.search(r"i/o timeout|context deadline exceeded|connection issue|dial tcp|"
                 r"request canceled", text, re.IGNORECASE):
        return {"ecs-no-network-path": 97}  # the task's ENI reached no endpoint
    return {}


def _adjust_cannot_pull(_line: str, text: str) -> Scores:
    if re.search(r"i/o timeout|context deadline exceeded|Client\.Timeout|request canceled|"
                 r"connection (?:refused|reset)|no such host|dial tcp", text, re.IGNORECASE):
        return {"ecs-no-network-path": 97}
    if re.search(r"\bnot found\b|manifest unknown|does not exist", text, re.IGNORECASE):
        return {"wrong-image-name-or-tag": 95}
    if re.search(r"\d{12}\.dkr\.ecr[\s\S]{0,400}?\b(?:403|AccessDenied)\b", text) and \
            re.search(r"blobs/sha256|@sha256", text):
        return {"cross-account-repo-policy": 90, "ecs-execution-role-no-ecr": 85}
    return {}


RUNTIME_SPECS: tuple[Spec, ...] = (
    # --- Kubernetes ---------------------------------------------------------------------------
    Spec(
        "sandbox-image",
        "the pod sandbox (pause) image could not be pulled",
        rx(r"failed to get sandbox image", r"FailedCreatePodSandBox[\s\S]{0,200}?pause"),
        {"pause-image-no-credentials": 96, "containerd-ignores-docker-helper": 80,
         "node-role-no-ecr": 60},
    ),
    Spec(
        "provider-exec-failed",
        "the kubelet's credential provider plugin failed",
        rx(r"error execing credential provider plugin",
           r"Failed getting credential from external registry credential provider"),
        {"provider-apiversion-wrong": 85, "node-role-no-ecr": 70,
         "docker-helper-as-kubelet-provider": 60, "match-images-not-covering": 40},
    ),
    Spec(
        "provider-version-unsupported",
        "credential provider: group version … is not supported",
        rx(r"group version credentialprovider\.kubelet\.k8s\.io/\w+ is not supported",
           r"no kind \"CredentialProviderRequest\" is registered"),
        {"provider-apiversion-wrong": 98},
    ),
    Spec(
        "helper-got-provider-request",
        "docker-credential-ecr-login was sent a kubelet CredentialProviderRequest",
        rx(r"CredentialProviderRequest[\s\S]{0,400}?(?:Error parsing the serverURL|invalid port)",
           r"Error parsing the serverURL[\s\S]{0,200}?CredentialProviderRequest"),
        {"docker-helper-as-kubelet-provider": 98},
    ),
    Spec(
        "no-credential-provider",
        "the kubelet has no credential provider for this image",
        rx(r"no credential provider (?:plugin )?(?:found|matched)",
           r"image-credential-provider-(?:config|bin-dir)"),
        {"k8s-in-tree-provider-removed": 90, "match-images-not-covering": 80},
    ),
    # --- ECS / Fargate -------------------------------------------------------------------------
    Spec(
        "ecs-resource-init",
        "ECS: ResourceInitializationError: unable to pull secrets or registry auth",
        rx(r"ResourceInitializationError:\s*unable to pull secrets or registry auth",
           r"ResourceInitializationError"),
        {"ecs-no-network-path": 90, "ecs-execution-role-no-ecr": 70,
         "ecs-secrets-permission": 65, "ecs-secret-wrong-account": 45},
        _adjust_secrets_fetch,
    ),
    Spec(
        "ecs-cannot-pull",
        "ECS: CannotPullContainerError",
        rx(r"CannotPull(?:ECR)?Container(?:Error)?"),
        {"ecs-execution-role-no-ecr": 85, "ecs-no-network-path": 75,
         "wrong-image-name-or-tag": 55, "cross-account-repo-policy": 50},
        _adjust_cannot_pull,
    ),
    # --- Lambda --------------------------------------------------------------------------------
    Spec(
        "lambda-media-type",
        "Lambda: the image manifest or layer media type is not supported",
        rx(r"image manifest, config or layer media type for the source image[\s\S]{0,200}?"
           r"is not supported"),
        {"lambda-oci-index-unsupported": 98},
    ),
    Spec(
        "lambda-source-image",
        "Lambda: source image is not valid / does not exist",
        rx(r"Source image \S+ (?:is not valid|does not exist)"),
        {"wrong-image-name-or-tag": 80, "lambda-tag-missing": 75,
         "lambda-image-not-private-ecr": 60, "not-an-ecr-reference": 60},
        _adjust_lambda_source,
    ),
    Spec(
        "lambda-same-account",
        "Lambda: image repository must be in the same account / region",
        rx(r"Image repository must be in the same (?:account|region)",
           r"Lambda does not have permission to access the ECR image"),
        {"lambda-cross-account-or-region": 98},
    ),
    # --- ECR Public ----------------------------------------------------------------------------
    Spec(
        "public-rate-limit",
        "ECR Public: toomanyrequests: Rate exceeded",
        rx(r"toomanyrequests:?\s*Rate exceeded", r"\b429 Too Many Requests\b"),
        {"ecr-public-rate-limit": 97},
    ),
    Spec(
        "public-not-authorized",
        "ECR Public: denied: Not Authorized",
        rx(r"public\.ecr\.aws[\s\S]{0,200}?denied:\s*Not Authorized"),
        {"ecr-public-login-region": 88, "aws-cli-too-old": 80, "ecr-public-stale-token": 60},
    ),
    # --- AWS CLI -------------------------------------------------------------------------------
    Spec(
        "cli-unknown-command",
        "aws: error: argument command: Invalid choice (the CLI does not know the command)",
        rx(r"aws: error: argument command: Invalid choice"),
        {"aws-cli-too-old": 96},
    ),
    Spec(
        "region-format",
        "AWS SDK: region name does not match a supported format",
        rx(r"Provided region_name '[^']*' doesn't match a supported format",
           r"Invalid region:? region was not a valid DNS name"),
        {"invalid-region-config": 98},
    ),
    # --- credential stores ---------------------------------------------------------------------
    Spec(
        "keychain-interaction",
        "osxkeychain: user interaction is not allowed / passphrase not correct",
        rx(r"User interaction is not allowed", r"-25308\b",
           r"user name or passphrase you entered is not correct"),
        {"osxkeychain-locked": 97},
    ),
    Spec(
        "wincred-bad-data",
        "wincred: The stub received bad data",
        rx(r"The stub received bad data"),
        {"wincred-stub-bad-data": 98},
    ),
    Spec(
        "pass-not-initialised",
        "pass: password store is not initialised",
        rx(r"pass not initiali[sz]ed", r"password store is empty"),
        {"pass-not-initialised": 98},
    ),
    # --- the resolver BuildKit and containerd share ------------------------------------------
    Spec(
        "unexpected-status",
        "unexpected status from HEAD request (the registry refused the resolver)",
        rx(r"unexpected status from HEAD request to https?://\S+"),
        {"stale-static-token": 60, "no-helper-for-host": 55, "iam-missing-action": 50},
    ),
    # --- swarm ---------------------------------------------------------------------------------
    Spec(
        "swarm-no-digest",
        "swarm: image could not be accessed on a registry to record its digest",
        rx(r"could not be accessed on a registry to record\s+its digest"),
        {"swarm-without-registry-auth": 95, "no-helper-for-host": 60},
    ),
)
