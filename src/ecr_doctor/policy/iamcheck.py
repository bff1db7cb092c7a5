"""IAM001…: flag IAM policy documents that grant ECR more than a pipeline needs.

Standard library only, pure: `check_iam_policy(text, path)` takes a file's text and returns
findings; walking a repository is the scanner's job. Any JSON object with a `Statement` member
counts as a policy document, so bare policies, CloudFormation `PolicyDocument`s and Terraform
JSON are all read.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterator

from ecr_doctor.core.model import Finding, Location
from ecr_doctor.core.rules import RULES

# Service Authorization Reference, "Actions defined by Amazon Elastic Container Registry" and
# "… Amazon Elastic Container Registry Public": actions whose resource type is `repository`.
ECR_REPOSITORY_ACTIONS = frozenset({
    "BatchCheckLayerAvailability", "BatchDeleteImage", "BatchGetImage",
    "BatchGetRepositoryScanningConfiguration", "BatchImportUpstreamImage",
    "CompleteLayerUpload", "CreateRepository", "DeleteLifecyclePolicy", "DeleteRepository",
    "DeleteRepositoryPolicy", "DescribeImageReplicationStatus", "DescribeImageScanFindings",
    "DescribeImages", "DescribeRepositories", "GetDownloadUrlForLayer", "GetLifecyclePolicy",
    "GetLifecyclePolicyPreview", "GetRepositoryPolicy", "InitiateLayerUpload", "ListImages",
    "ListTagsForResource", "PutImage", "PutImageScanningConfiguration",
    "PutImageTagMutability", "PutLifecyclePolicy", "ReplicateImage", "SetRepositoryPolicy",
    "StartImageScan", "StartLifecyclePolicyPreview", "TagResource", "UntagResource",
    "UploadLayerPart",
})
ECR_PUBLIC_REPOSITORY_ACTIONS = frozenset({
    "BatchCheckLayerAvailability", "BatchDeleteImage", "CompleteLayerUpload",
    "CreateRepository", "DeleteRepository", "DeleteRepositoryPolicy", "DescribeImageTags",
    "DescribeImages", "GetRepositoryCatalogData", "GetRepositoryPolicy",
    "InitiateLayerUpload", "ListTagsForResource", "PutImage", "PutRepositoryCatalogData",
    "SetRepositoryPolicy", "TagResource", "UntagResource", "UploadLayerPart",
})
_SERVICES = {"ecr": ECR_REPOSITORY_ACTIONS, "ecr-public": ECR_PUBLIC_REPOSITORY_ACTIONS}
_WILDCARDS = frozenset({"*", "ecr:*", "ecr-public:*"})
_MAX_DEPTH = 64


def _as_list(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _statements(node: object, depth: int = 0) -> Iterator[dict[str, object]]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(node, dict):
        statement = node.get("Statement")
        if isinstance(statement, dict):
            yield statement
        elif isinstance(statement, list):
            yield from (s for s in statement if isinstance(s, dict))
        for key, value in node.items():
            if key != "Statement":
                yield from _statements(value, depth + 1)
    elif isinstance(node, list):
        for value in node:
            yield from _statements(value, depth + 1)


def _repository_actions(action: str) -> list[str]:
    """The repository-level actions `action` (maybe a wildcard pattern) grants."""
    service, sep, name = action.partition(":")
    actions = _SERVICES.get(service.lower()) if sep else None
    if actions is None:
        return []
    # IAM matches action names case-insensitively, with * and ? wildcards.
    return sorted(a for a in actions if fnmatch.fnmatchcase(a.lower(), name.lower()))


class _Locator:
    """Line:column of successive occurrences of a JSON string literal in the text."""

    def __init__(self, text: str, path: str) -> None:
        self.text, self.path = text, path
        self.cursor: dict[str, int] = {}

    def find(self, literal: str) -> Location:
        needle = json.dumps(literal)
        start = self.cursor.get(needle, 0)
        offset = self.text.find(needle, start)
        if offset < 0:
            offset = self.text.find(needle)
        if offset < 0:
            return Location(self.path)
        self.cursor[needle] = offset + 1
        line = self.text.count("\n", 0, offset) + 1
        col = offset - (self.text.rfind("\n", 0, offset) + 1) + 1
        return Location(self.path, line, col)


def check_iam_policy(text: str, path: str) -> list[Finding]:
    """Findings for every over-broad ECR grant in an IAM policy file; [] if not JSON/IAM."""
    try:
        document = json.loads(text.lstrip("\ufeff"))
    except (ValueError, RecursionError):
        return []
    wildcard, on_any = RULES["IAM001"], RULES["IAM002"]
    locate = _Locator(text, path)
    findings: list[Finding] = []
    for number, statement in enumerate(_statements(document), 1):
        if statement.get("Effect") != "Allow":
            continue
        actions = _as_list(statement.get("Action"))
        sid = statement.get("Sid")
        label = f"statement {sid!r}" if isinstance(sid, str) else f"statement #{number}"
        broad = [a for a in actions if a.lower() in _WILDCARDS]
        if broad:
            findings.append(wildcard.finding(
                f"{label} allows {broad[0]}: every ECR action, including deleting images and "
                "repositories and rewriting their policies", locate.find(broad[0]),
                details=(("action", broad[0]),)))
            continue
        if "*" not in _as_list(statement.get("Resource")):
            continue
        granted = {a: _repository_actions(a) for a in actions}
        offending = [a for a, reach in granted.items() if reach]
        if offending:
            findings.append(on_any.finding(
                f"{label} allows repository actions {', '.join(offending)} on Resource \"*\" "
                "(every repository in the account); scope them to repository ARNs",
                locate.find(offending[0]), details=(("actions", ",".join(offending)),)))
    return findings
