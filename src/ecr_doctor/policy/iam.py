"""Least-privilege IAM policy documents for pulling from and pushing to Amazon ECR.

Standard library only. Sources (reference §8):
* Amazon ECR User Guide, "IAM permissions for pushing an image" (image-push-iam): push needs
  BatchCheckLayerAvailability, BatchGetImage, CompleteLayerUpload, InitiateLayerUpload,
  PutImage and UploadLayerPart on the repository, and GetAuthorizationToken on "*".
* AWS managed policy AmazonEC2ContainerRegistryPullOnly (2024): pull needs BatchGetImage and
  GetDownloadUrlForLayer; pull-through cache adds BatchImportUpstreamImage, and
  CreateRepository when the first pull creates the cached repository (ECR User Guide,
  "IAM permissions required to sync an upstream registry").
* ECR Public: GetAuthorizationToken needs ecr-public:GetAuthorizationToken *and*
  sts:GetServiceBearerToken; push needs the five layer/image actions on the repository.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import NamedTuple

from ecr_doctor.core.registries import ECR_PUBLIC_HOST, RegistryKind, classify

POLICY_VERSION = "2012-10-17"

PRIVATE_AUTH = ("ecr:GetAuthorizationToken",)
PRIVATE_PULL = ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")
PRIVATE_PUSH = (
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchGetImage",
    "ecr:CompleteLayerUpload",
    "ecr:InitiateLayerUpload",
    "ecr:PutImage",
    "ecr:UploadLayerPart",
)
PULL_THROUGH = ("ecr:BatchImportUpstreamImage", "ecr:CreateRepository")
PUBLIC_AUTH = ("ecr-public:GetAuthorizationToken", "sts:GetServiceBearerToken")
PUBLIC_PUSH = (
    "ecr-public:BatchCheckLayerAvailability",
    "ecr-public:CompleteLayerUpload",
    "ecr-public:InitiateLayerUpload",
    "ecr-public:PutImage",
    "ecr-public:UploadLayerPart",
)

# arn:<partition>:ecr:<region>:<account>:repository/<name>; names are lower-case, may hold
# "/" namespaces (ECR API reference, CreateRepository repositoryName pattern); a trailing
# "/*" or "*" scopes a pull-through cache prefix.
_NAME = r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*(?:[a-z0-9]+(?:[._-][a-z0-9]+)*|\*)(?:/\*)?"
PRIVATE_ARN = re.compile(
    r"arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc):ecr:"
    r"([a-z]{2,4}(?:-[a-z]+)+-[0-9]+):([0-9]{12}):repository/(" + _NAME + ")",
    re.ASCII,
)
PUBLIC_ARN = re.compile(r"arn:aws:ecr-public::([0-9]{12}):repository/(" + _NAME + ")", re.ASCII)


class IamError(ValueError):
    pass


class Repo(NamedTuple):
    arn: str
    public: bool


def repository_arn(repository: str, registry: str | None, account: str | None = None) -> Repo:
    """A full ARN as given, or built from NAME + registry host (partition from the host)."""
    if repository.startswith("arn:"):
        if PRIVATE_ARN.fullmatch(repository):
            return Repo(repository, False)
        if PUBLIC_ARN.fullmatch(repository):
            return Repo(repository, True)
        raise IamError(f"--repository {repository!r} is not an ECR repository ARN "
                       "(arn:<partition>:ecr:<region>:<account>:repository/<name>)")
    name = repository.strip("/")
    if not re.fullmatch(_NAME, name, re.ASCII):
        raise IamError(f"--repository {repository!r} is not a valid ECR repository name")
    if registry is None:
        raise IamError(f"--repository {repository!r} is a name: add --registry HOST "
                       "(or give the full ARN)")
    reg = classify(registry)
    if reg.kind is RegistryKind.ECR_PUBLIC:
        if account is None:
            raise IamError("ECR Public repository ARNs need the owning account: add --account")
        return Repo(f"arn:aws:ecr-public::{account}:repository/{name}", True)
    if reg.kind is not RegistryKind.ECR_PRIVATE:
        raise IamError(f"--registry {registry!r} is not an Amazon ECR registry host")
    return Repo(f"arn:{reg.partition}:ecr:{reg.region}:{reg.account}:repository/{name}", False)


def iam_policy(
    repositories: Sequence[Repo], *, pull: bool, push: bool, pull_through: bool = False
) -> dict[str, object]:
    if not (pull or push):
        raise IamError("choose --pull, --push or both")
    if not repositories:
        raise IamError("name at least one --repository")
    private = sorted({r.arn for r in repositories if not r.public})
    public = sorted({r.arn for r in repositories if r.public})
    statements: list[dict[str, object]] = []
    if private:
        statements.append({
            "Sid": "EcrAuthorizationToken",
            "Effect": "Allow",
            # GetAuthorizationToken cannot be scoped to a repository (image-push-iam).
            "Action": list(PRIVATE_AUTH),
            "Resource": "*",
        })
        actions: set[str] = set()
        if pull:
            actions |= set(PRIVATE_PULL)
        if push:
            actions |= set(PRIVATE_PUSH)
        if pull_through:
            actions |= set(PULL_THROUGH)
        statements.append({
            "Sid": _sid("Ecr", pull, push, pull_through),
            "Effect": "Allow",
            "Action": sorted(actions),
            "Resource": private,
        })
    if public:
        statements.append({
            "Sid": "EcrPublicAuthorizationToken",
            "Effect": "Allow",
            "Action": list(PUBLIC_AUTH),
            "Resource": "*",
        })
        if push:
            # Anonymous pulls need nothing; an authenticated pull needs only the token.
            statements.append({
                "Sid": "EcrPublicPush",
                "Effect": "Allow",
                "Action": list(PUBLIC_PUSH),
                "Resource": public,
            })
    return {"Version": POLICY_VERSION, "Statement": statements}


def _sid(prefix: str, pull: bool, push: bool, pull_through: bool) -> str:
    parts = [prefix] + (["Pull"] if pull else []) + (["Push"] if push else [])
    if pull_through:
        parts.append("PullThroughCache")
    return "".join(parts)


def render_policy(policy: dict[str, object]) -> str:
    return json.dumps(policy, indent=2) + "\n"


__all__ = ["ECR_PUBLIC_HOST", "IamError", "Repo", "iam_policy", "render_policy",
           "repository_arn"]
