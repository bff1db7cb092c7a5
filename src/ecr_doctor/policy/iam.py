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


# --- The ECS task execution role ------------------------------------------------------------
# Amazon ECS Developer Guide, "Amazon ECS task execution IAM role" (task_execution_IAM_role):
# the agent uses it to pull from private ECR (GetAuthorizationToken on "*", BatchGetImage and
# GetDownloadUrlForLayer on the repository), to send awslogs output (CreateLogStream on the
# log group, PutLogEvents on its streams), and to read `secrets` / `repositoryCredentials`
# (secretsmanager:GetSecretValue, ssm:GetParameters, kms:Decrypt for a customer managed key).
# AWS's AmazonECSTaskExecutionRolePolicy grants the ECR and logs actions on "*" and adds
# BatchCheckLayerAvailability, which a pull does not call.

ECS_TASKS_PRINCIPAL = "ecs-tasks.amazonaws.com"
_PARTITION = r"(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc)"
_REGION = r"[a-z]{2,4}(?:-[a-z]+)+-[0-9]+"
SECRET_ARN = re.compile(_PARTITION + r":secretsmanager:" + _REGION
                        + r":[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+", re.ASCII)
PARAMETER_ARN = re.compile(_PARTITION + r":ssm:" + _REGION
                           + r":[0-9]{12}:parameter/[A-Za-z0-9/_.-]+(?:/\*)?", re.ASCII)
KMS_KEY_ARN = re.compile(_PARTITION + r":kms:" + _REGION + r":[0-9]{12}:key/[A-Za-z0-9-]+",
                         re.ASCII)
LOG_GROUP_ARN = re.compile(_PARTITION + r":logs:" + _REGION
                           + r":[0-9]{12}:log-group:([A-Za-z0-9_/.#-]+)(?::\*)?", re.ASCII)
_ACCOUNT = re.compile(r"[0-9]{12}", re.ASCII)


class EcsResources(NamedTuple):
    repositories: Sequence[Repo] = ()
    secrets: Sequence[str] = ()
    parameters: Sequence[str] = ()
    kms_keys: Sequence[str] = ()
    log_groups: Sequence[str] = ()


def _checked(values: Sequence[str], pattern: re.Pattern[str], flag: str, shape: str
             ) -> list[str]:
    for value in values:
        if not value.startswith("arn:") or pattern.fullmatch(value[4:]) is None:
            raise IamError(f"{flag} {value!r} is not {shape}")
    return sorted(set(values))


def ecs_task_execution_policy(resources: EcsResources) -> dict[str, object]:
    """The least-privilege permissions policy of an ECS task execution role: a statement per
    need, each on exactly the resources given."""
    public = [r.arn for r in resources.repositories if r.public]
    if public:
        raise IamError(f"--repository {public[0]!r} is in ECR Public: ECS pulls public images "
                       "anonymously, so the execution role needs nothing for it")
    repos = sorted({r.arn for r in resources.repositories})
    secrets = _checked(resources.secrets, SECRET_ARN, "--secret", "a Secrets Manager "
                       "secret ARN (arn:aws:secretsmanager:R:ACCOUNT:secret:NAME)")
    parameters = _checked(resources.parameters, PARAMETER_ARN, "--parameter",
                          "an SSM parameter ARN (arn:aws:ssm:R:ACCOUNT:parameter/NAME)")
    keys = _checked(resources.kms_keys, KMS_KEY_ARN, "--kms-key",
                    "a KMS key ARN (arn:aws:kms:R:ACCOUNT:key/ID)")
    groups = _checked(resources.log_groups, LOG_GROUP_ARN, "--log-group",
                      "a CloudWatch Logs group ARN (arn:aws:logs:R:ACCOUNT:log-group:NAME)")
    if not (repos or secrets or parameters or keys or groups):
        raise IamError("name what the task uses: --repository, --secret, --parameter, "
                       "--kms-key or --log-group (at least one)")
    statements: list[dict[str, object]] = []
    if repos:
        statements.append({"Sid": "EcrAuthorizationToken", "Effect": "Allow",
                           # GetAuthorizationToken cannot be scoped to a repository.
                           "Action": list(PRIVATE_AUTH), "Resource": "*"})
        statements.append({"Sid": "EcrPull", "Effect": "Allow", "Action": list(PRIVATE_PULL),
                           "Resource": repos})
    if groups:
        # CreateLogStream is authorised on the group, PutLogEvents on its streams (Service
        # Authorization Reference, Amazon CloudWatch Logs: log-group and log-stream ARNs).
        base = sorted({g.removesuffix(":*") for g in groups})
        statements.append({"Sid": "AwsLogs", "Effect": "Allow",
                           "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                           "Resource": sorted(base + [f"{g}:log-stream:*" for g in base])})
    if secrets:
        statements.append({"Sid": "SecretsManagerValues", "Effect": "Allow",
                           "Action": ["secretsmanager:GetSecretValue"], "Resource": secrets})
    if parameters:
        statements.append({"Sid": "SsmParameters", "Effect": "Allow",
                           "Action": ["ssm:GetParameters"], "Resource": parameters})
    if keys:
        statements.append({"Sid": "KmsDecrypt", "Effect": "Allow", "Action": ["kms:Decrypt"],
                           "Resource": keys})
    return {"Version": POLICY_VERSION, "Statement": statements}


def ecs_tasks_trust_policy(source_account: str | None = None, *, partition: str = "aws",
                           region: str | None = None) -> dict[str, object]:
    """The role's trust policy: ECS tasks may assume it. With `source_account`, the
    confused-deputy conditions AWS documents for roles ecs-tasks.amazonaws.com assumes (Amazon
    ECS Developer Guide, "Amazon ECS task IAM role": aws:SourceAccount and aws:SourceArn
    `arn:aws:ecs:<region>:<account>:*`). The execution role page shows the policy without
    them, so they are added only when asked for."""
    statement: dict[str, object] = {"Sid": "EcsTasksAssumeRole", "Effect": "Allow",
                                    "Principal": {"Service": ECS_TASKS_PRINCIPAL},
                                    "Action": "sts:AssumeRole"}
    if source_account is not None:
        if _ACCOUNT.fullmatch(source_account) is None:
            raise IamError(f"--source-account {source_account!r} is not a 12-digit account")
        statement["Condition"] = {
            "StringEquals": {"aws:SourceAccount": source_account},
            "ArnLike": {"aws:SourceArn":
                        f"arn:{partition}:ecs:{region or '*'}:{source_account}:*"},
        }
    return {"Version": POLICY_VERSION, "Statement": [statement]}


def partition_and_region(arns: Sequence[str]) -> tuple[str, str | None]:
    """The partition of the ARNs given (`aws` when none), and their region if they share one."""
    parts = [a.split(":") for a in arns if a.startswith("arn:") and a.count(":") >= 5]
    partitions = {p[1] for p in parts}
    regions = {p[3] for p in parts if p[3]}
    partition = partitions.pop() if len(partitions) == 1 else "aws"
    return partition, (regions.pop() if len(regions) == 1 else None)


__all__ = ["ECR_PUBLIC_HOST", "ECS_TASKS_PRINCIPAL", "EcsResources", "IamError", "Repo",
           "ecs_task_execution_policy", "ecs_tasks_trust_policy", "iam_policy",
           "partition_and_region", "render_policy", "repository_arn"]
