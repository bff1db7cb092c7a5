"""The ECS rules' firing and silent cases for test_rule_messages.py (ECS001-ECS009 read a task
definition, so they run through `ecs.check_task_definition`, the entry point `ecs check` uses).

ECS010-ECS015 are declared for `explain` (a pasted ECS error), which fires them; until it does
they are listed in AWAITING_EXPLAIN and only their pages are tested.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ecr_doctor.core.model import Severity
from ecr_doctor.core.rules.ecs import check_task_definition
from ecr_doctor.core.taskdef import parse_task_definition

ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
ROLE = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"
TASK_ROLE = "arn:aws:iam::123456789012:role/web-task"
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:web/db-AbCdEf"
PLANTED = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8tSecret1"

AWAITING_EXPLAIN = frozenset({"ECS010", "ECS011", "ECS012", "ECS013", "ECS014", "ECS015"})


def taskdef(*containers: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"family": "web", **fields, "containerDefinitions": list(containers)}


def web(image: str = f"{ECR}/web:1.4", **fields: Any) -> dict[str, Any]:
    return {"name": "web", "image": image, **fields}


def ecs(doc: dict[str, Any] | str) -> Callable[[Path], list[Any]]:
    text = doc if isinstance(doc, str) else json.dumps(doc, indent=2)

    def run(_tmp: Path) -> list[Any]:
        from test_rule_messages import Seen  # the table's own record (no import cycle)

        return [Seen.of(f) for f in
                check_task_definition(parse_task_definition(text, "task.json"))]

    return run


FARGATE = {"requiresCompatibilities": ["FARGATE"]}
EC2 = {"requiresCompatibilities": ["EC2"]}


def firing(case: type) -> list[Any]:
    return [
        case("ECS001", "variable-account", ecs(taskdef(
            web("${AWS_ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com/web:1.4"),
            executionRoleArn=ROLE)), ("${AWS_ACCOUNT_ID}", 'container "web"'),
            registry="${AWS_ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com", line=7),
        case("ECS001", "misspelt-suffix", ecs(taskdef(
            web("123456789012.dkr.ecr.us-east-1.amazonaws.co/web:1"), executionRoleArn=ROLE)),
            ("amazonaws.co", "amazonaws.com")),
        case("ECS002", "no-tag", ecs(taskdef(web(f"{ECR}/web"), executionRoleArn=ROLE)),
             (f"{ECR}/web", ":latest"), registry=ECR),
        case("ECS003", "fargate", ecs(taskdef(web(), **FARGATE)),
             ('container "web"', ECR, "FARGATE"), registry=ECR, severity=Severity.HIGH),
        case("ECS003", "unknown-launch-type", ecs(taskdef(web())),
             ("does not say where it runs", "instance role"), severity=Severity.MEDIUM),
        case("ECS003", "ec2-only", ecs(taskdef(web(), **EC2)),
             ("EC2 only", "container instance role"), severity=Severity.INFO),
        case("ECS004", "secrets", ecs(taskdef(web(secrets=[
            {"name": "DB_PASSWORD", "valueFrom": SECRET}]), **EC2)),
            ('container "web"', "DB_PASSWORD", "every launch type"), severity=Severity.HIGH),
        case("ECS005", "fargate-awslogs", ecs(taskdef(
            {"name": "web", "image": "public.ecr.aws/nginx/nginx:1.27",
             "logConfiguration": {"logDriver": "awslogs"}}, **FARGATE)),
            ('container "web"', "awslogs", "FARGATE")),
        case("ECS006", "ecr-with-repository-credentials", ecs(taskdef(web(
            repositoryCredentials={"credentialsParameter": SECRET}), executionRoleArn=ROLE)),
            ("repositoryCredentials", ECR), registry=ECR),
        case("ECS007", "task-role-only", ecs(taskdef(web(), taskRoleArn=TASK_ROLE, **FARGATE)),
             ("taskRoleArn", "never used to pull", ECR), severity=Severity.HIGH),
        case("ECS008", "aws-secret-key", ecs(taskdef(web(environment=[
            {"name": "AWS_REGION", "value": "us-east-1"},
            {"name": "AWS_SECRET_ACCESS_KEY", "value": PLANTED}]), executionRoleArn=ROLE)),
            ('container "web"', "AWS_SECRET_ACCESS_KEY"), absent=(PLANTED, PLANTED[:8])),
        case("ECS009", "duplicate-role", ecs(
            '{"family": "web", "executionRoleArn": "' + ROLE + '", "executionRoleArn": "",\n'
            ' "containerDefinitions": [{"name": "web", "image": "' + ECR + '/web:1"}]}'),
            ("executionRoleArn", "the last one"), line=1),
    ]


SILENT: dict[str, Callable[[Path], list[Any]]] = {
    # A real ECR host, a placeholder-free image, a digest: nothing to say.
    "ECS001": ecs(taskdef(web(), web("public.ecr.aws/docker/library/httpd:2.4"),
                          web("ghcr.io/acme/app:1"), executionRoleArn=ROLE)),
    "ECS002": ecs(taskdef(web(f"{ECR}/web@sha256:" + "a" * 64), web("nginx:1.27"),
                          executionRoleArn=ROLE)),
    # The role is there; ECR Public and Docker Hub images need none.
    "ECS003": ecs(taskdef(web(), executionRoleArn=ROLE, **FARGATE)),
    "ECS004": ecs(taskdef(web(secrets=[{"name": "DB", "valueFrom": SECRET}]),
                          executionRoleArn=ROLE)),
    # On EC2 only the Docker daemon sends awslogs output with the instance role.
    "ECS005": ecs(taskdef({"name": "web", "image": "nginx:1.27",
                           "logConfiguration": {"logDriver": "awslogs"}}, **EC2)),
    # repositoryCredentials on a Docker Hub image is what the field is for.
    "ECS006": ecs(taskdef(web("acme/private:1", repositoryCredentials={
        "credentialsParameter": SECRET}), executionRoleArn=ROLE)),
    "ECS007": ecs(taskdef(web(), taskRoleArn=TASK_ROLE, executionRoleArn=ROLE, **FARGATE)),
    # Names that sound secret with values that are not, and references.
    "ECS008": ecs(taskdef(web(environment=[
        {"name": "SECRET_NAME", "value": "prod/web/db"},
        {"name": "DB_PASSWORD", "value": "${DB_PASSWORD}"},
        {"name": "PASSWORD_FILE", "value": "/run/secrets/db"},
        {"name": "AWS_REGION", "value": "us-east-1"}]), executionRoleArn=ROLE)),
    "ECS009": ecs(taskdef(web(), web(f"{ECR}/worker:2"), executionRoleArn=ROLE)),
}
