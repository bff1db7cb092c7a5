"""The IAM family: IAM policy documents that grant too much. Standard library only.

They read IAM policy documents, not Docker configs: `ecr_doctor.policy.iamcheck` fires them
(through `ecr-doctor scan`); they are declared here so `ecr-doctor rules` lists them and
`ecr-doctor explain IAM001` prints their pages.
"""

from __future__ import annotations

from ecr_doctor.core.model import Severity
from ecr_doctor.core.rules.base import Family, RuleDoc

FAMILY = Family("IAM")

_IAM_REFERENCES = (
    "Amazon ECR User Guide · Private repository policies / image-push-iam",
    "Service Authorization Reference · Actions defined by Amazon Elastic Container Registry",
)


FAMILY.declare(
    "IAM001",
    "ecr-wildcard-action",
    Severity.HIGH,
    "An IAM policy grants every ECR action (ecr:* or *)",
    RuleDoc(
        what="An `Allow` statement of an IAM policy document grants `ecr:*`, `ecr-public:*` "
        "or `*`.",
        why="Pulling needs two repository actions and pushing five more (Amazon ECR User "
        "Guide, image-push-iam); `ecr:*` adds deleting images and repositories, changing "
        "repository and registry policies and replication, so a leaked CI credential can "
        "destroy or repoint every image in the account.",
        fix="Generate the least-privilege policy: `ecr-doctor policy iam --pull|--push "
        "--repository ARN`.",
        references=_IAM_REFERENCES,
    ),
)

FAMILY.declare(
    "IAM002",
    "ecr-repository-action-on-any-resource",
    Severity.MEDIUM,
    "An IAM policy grants ECR repository actions on Resource \"*\"",
    RuleDoc(
        what="An `Allow` statement grants repository-level ECR actions (pull, push, delete, "
        "…) on `\"Resource\": \"*\"`.",
        why="Only `ecr:GetAuthorizationToken` (and a few registry-level actions) need `*`; "
        "repository actions on `*` reach every repository in every region of the account.",
        fix="Scope repository actions to repository ARNs "
        "(`arn:<partition>:ecr:<region>:<account>:repository/<name>`) and keep "
        "`ecr:GetAuthorizationToken` alone on `*`: `ecr-doctor policy iam` prints one.",
        references=_IAM_REFERENCES,
    ),
)
