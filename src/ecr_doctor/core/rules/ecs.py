"""The ECS family: Amazon ECS / Fargate task definitions that cannot pull from ECR, or leak a
credential. Standard library only.

They read task definitions, not Docker configs, so they are declared (no Docker-config check
runs them): `check_task_definition` below fires ECS001-ECS009 for `ecr-doctor ecs check`, and
ECS010-ECS015 describe failures only a pasted error or the AWS account shows (no network
path, the role's policies, a missing image, a repository policy); `explain` fires those.

How the ECS agent picks pull credentials (aws/amazon-ecs-agent, read at 8dfceca6):
* agent/dockerclient/dockerapi/docker_client.go · getAuthdata: each container carries one
  `registryAuthentication` chosen by the ECS control plane: `ecr` (pull through the ECR API)
  or `asm` (a username/password read from Secrets Manager); none means Docker's own config.
* agent/ecr/factory.go · getClientConfig: for `ecr` with `useExecutionRole` the agent calls
  ECR with the task execution role's credentials; without it, with the container instance's
  own credentials (instance profile), which every task on that instance shares.
* agent/engine/docker_task_engine.go · setRegistryCredentials: an execution-role pull whose
  credentials the agent does not have fails with `engine ecr credentials: not found`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from ecr_doctor.core.imageref import ImageRef, parse_image
from ecr_doctor.core.model import Finding, Severity
from ecr_doctor.core.placeholders import not_a_value
from ecr_doctor.core.registries import RegistryKind, classify, ecr_look_alike
from ecr_doctor.core.rules.base import Family, Rule, RuleDoc
from ecr_doctor.core.secrets import find_secret_spans, mask

if TYPE_CHECKING:
    from ecr_doctor.core.taskdef import ContainerDef, TaskDefinition

FAMILY = Family("ECS")

_AGENT_AUTH = ("aws/amazon-ecs-agent · agent/dockerclient/dockerapi/docker_client.go · "
               "getAuthdata (one registry authentication per container: ecr or asm)")
_AGENT_FACTORY = ("aws/amazon-ecs-agent · agent/ecr/factory.go · getClientConfig "
                  "(useExecutionRole: execution role; otherwise the instance's credentials)")
_AGENT_ENGINE = ("aws/amazon-ecs-agent · agent/engine/docker_task_engine.go · "
                 "setRegistryCredentials")
_EXEC_ROLE_DOC = ("Amazon ECS Developer Guide · Amazon ECS task execution IAM role "
                  "(task_execution_IAM_role): when a task needs it")
_SECRETS_DOC = ("Amazon ECS Developer Guide · Pass sensitive data to a container "
                "(specifying-sensitive-data)")
_PRIVATE_AUTH_DOC = ("Amazon ECS Developer Guide · Private registry authentication for tasks "
                     "(private-auth): \"If your task definition references an image that's "
                     "stored in Amazon ECR, this topic doesn't apply\"")
_FARGATE_ECR_ERROR = ("ClientException: Fargate requires task definition to have execution "
                      "role ARN to support ECR images (hashicorp/terraform-provider-aws#3051, "
                      "nathanpeck/aws-cloudformation-fargate#1)")
_SECRETS_ERROR = ("ClientException: When you are specifying container secrets, you must also "
                  "specify a value for 'executionRoleArn' (hashicorp/terraform-provider-aws"
                  "#6503, fabfuel/ecs-deploy#87)")
_REFERENCE = ("distribution/reference · normalize.go · splitDockerDomain, reference.go · Parse "
              "(no tag and no digest means :latest)")
_TROUBLESHOOT = ("Amazon ECS Developer Guide · Troubleshooting · CannotPullContainer task errors "
                 "(task_cannot_pull_image) and ResourceInitializationError "
                 "(resource-initialization-error)")

# Shown values are cut: an image name can be a 10 MB line in a hostile file.
_SHOWN = 120


def _shown(text: str, limit: int = _SHOWN) -> str:
    """Input text as a message may quote it: any credential in it masked, then cut short."""
    text = mask(text)
    return text if len(text) <= limit else text[:limit] + "…"


# --- checked rules ------------------------------------------------------------------------

ECS001 = FAMILY.declare(
    "ECS001", "ecr-look-alike-image-host", Severity.HIGH,
    "A container image names a host that looks like Amazon ECR but is not one",
    RuleDoc(
        what="A container's `image` starts with a host shaped like an ECR registry "
        "(`<account>.dkr.ecr.<region>.amazonaws.com`) that is not one: an unexpanded "
        "variable or placeholder where the account or region goes, an account that is not "
        "12 digits, a misspelt suffix, upper case, or a misspelt `public.ecr.aws`.",
        why="ECS expands nothing in a task definition: the agent asks Docker to pull from "
        "that exact host, which does not resolve or is not ECR, and because it is not an ECR "
        "host ECS does not pull it through ECR with the execution role either. The task "
        "stops with `CannotPullContainerError` (`no such host`, or an authentication error).",
        fix="Render the template before registering it (the account and region as "
        "`aws ecr describe-repositories` prints `repositoryUri`), or correct the host.",
        example='"image": "${AWS_ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com/web:1.4"',
        references=(_REFERENCE, "Amazon ECR User Guide · Private registry concepts "
                    "(registry URL aws_account_id.dkr.ecr.region.amazonaws.com)"),
    ),
)

ECS002 = FAMILY.declare(
    "ECS002", "image-without-tag-or-digest", Severity.LOW,
    "A container image has neither a tag nor a digest, so :latest is pulled",
    RuleDoc(
        what="A container's `image` names a repository with no `:tag` and no `@sha256:` "
        "digest.",
        why="Docker, and the ECS agent through it, pull `:latest` then (distribution/reference "
        "normalisation). Which image runs changes whenever someone pushes `latest`, tasks of "
        "one service can run different images, and with ECR tag immutability on, `latest` "
        "usually does not exist: `CannotPullContainerError: ... not found`.",
        fix="Name the tag you deploy, or better the digest (`repo@sha256:...`, as "
        "`aws ecr describe-images` prints `imageDigest`).",
        example='"image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web"',
        references=(_REFERENCE, "Amazon ECS Developer Guide · Task definition parameters "
                    "· image"),
    ),
)

ECS003 = FAMILY.declare(
    "ECS003", "private-ecr-image-without-execution-role", Severity.HIGH,
    "A private ECR image is used without a task execution role (executionRoleArn)",
    RuleDoc(
        what="A container pulls from a private ECR registry and the task definition has no "
        "`executionRoleArn`. Severity follows where it may run: high on Fargate or ECS "
        "Anywhere (EXTERNAL), medium when the file does not say, info when it runs on EC2 "
        "only.",
        why="On Fargate and on external instances the pull goes through ECR with the task "
        "execution role, so without one ECS refuses the definition (`" + _FARGATE_ECR_ERROR
        + "`). On an EC2 container instance the agent pulls with the instance's own "
        "credentials instead (agent/ecr/factory.go · getClientConfig without "
        "useExecutionRole): it works when the instance role can pull (the "
        "AmazonEC2ContainerServiceforEC2Role policy), but then every task on that instance "
        "can pull whatever that role can, and the same definition fails on Fargate.",
        fix="Create a task execution role (`ecr-doctor policy iam --ecs-task-execution "
        "--repository ARN` prints its least-privilege policy and trust policy) and set "
        "`executionRoleArn` to it.",
        example='{"requiresCompatibilities": ["FARGATE"], "containerDefinitions": '
        '[{"image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4"}]}',
        references=(_EXEC_ROLE_DOC, _AGENT_FACTORY, _FARGATE_ECR_ERROR),
    ),
)

ECS004 = FAMILY.declare(
    "ECS004", "secrets-without-execution-role", Severity.HIGH,
    "secrets or repositoryCredentials are used without a task execution role",
    RuleDoc(
        what="A container has `secrets` (Secrets Manager or SSM Parameter Store "
        "`valueFrom`), `logConfiguration.secretOptions` or `repositoryCredentials`, and the "
        "task definition has no `executionRoleArn`. This is so on every launch type, EC2 "
        "included: the instance role is never used for them.",
        why="The agent reads those values with the task execution role's credentials before "
        "the container starts. ECS refuses to register such a definition (`" + _SECRETS_ERROR
        + "`); a definition built around that error (the field stripped by a deploy tool that "
        "copies only some fields) fails again at the next registration.",
        fix="Set `executionRoleArn` to a role that may read exactly those values: "
        "`ecr-doctor policy iam --ecs-task-execution --secret ARN --parameter ARN`.",
        example='"secrets": [{"name": "DB_PASSWORD", "valueFrom": '
        '"arn:aws:ssm:us-east-1:123456789012:parameter/db/password"}]',
        references=(_SECRETS_DOC, _EXEC_ROLE_DOC, _SECRETS_ERROR),
    ),
)

ECS005 = FAMILY.declare(
    "ECS005", "awslogs-without-execution-role", Severity.HIGH,
    "The awslogs log driver is used on Fargate without a task execution role",
    RuleDoc(
        what="A container logs with `logDriver: awslogs`, the task may run on Fargate or ECS "
        "Anywhere, and there is no `executionRoleArn`. Silent for EC2 only, where the Docker "
        "daemon sends the logs with the instance role.",
        why="On Fargate the logs are sent with the task execution role; without one ECS "
        "refuses the definition (`Fargate requires task definition to have execution role "
        "ARN to support log driver awslogs`), and a role without `logs:CreateLogStream` / "
        "`logs:PutLogEvents` stops the task at start.",
        fix="Set `executionRoleArn`; `ecr-doctor policy iam --ecs-task-execution --log-group "
        "ARN` adds the two logs actions on that group only.",
        references=(_EXEC_ROLE_DOC, "Amazon ECS Developer Guide · Send Amazon ECS logs to "
                    "CloudWatch (using_awslogs): required IAM permissions"),
    ),
)

ECS006 = FAMILY.declare(
    "ECS006", "repository-credentials-on-ecr-image", Severity.MEDIUM,
    "repositoryCredentials is set on an ECR image (it is for registries other than ECR)",
    RuleDoc(
        what="A container whose `image` is in a private ECR registry also has "
        "`repositoryCredentials` (a Secrets Manager secret with a username and password).",
        why="Private registry authentication is for registries outside AWS; the ECS guide "
        "says it does not apply to ECR images. The agent pulls each container with exactly "
        "one registry authentication chosen by the ECS control plane (docker_client.go · "
        "getAuthdata: `ecr` through the ECR API, or `asm`, the secret sent to the registry as "
        "basic auth). Which one ECS picks for an ECR image that carries both is not in the "
        "agent's source. If it is `asm`, ECR gets a static password where it accepts only "
        "`AWS` and a token at most 12 hours old, so the pull fails with an authorization "
        "error once the token in the secret expires; if it is `ecr`, the field only adds a "
        "secret and a `secretsmanager:GetSecretValue` grant that nothing needs.",
        fix="Remove `repositoryCredentials` from that container and let the execution role "
        "pull (`ecr:GetAuthorizationToken`, `ecr:BatchGetImage`, "
        "`ecr:GetDownloadUrlForLayer`). Not applied automatically: if the secret really "
        "holds a refreshed token, removing it changes which credential pulls.",
        references=(_PRIVATE_AUTH_DOC, _AGENT_AUTH, _AGENT_FACTORY),
    ),
)

ECS007 = FAMILY.declare(
    "ECS007", "task-role-instead-of-execution-role", Severity.HIGH,
    "taskRoleArn is set but executionRoleArn is not: the task role is never used to pull",
    RuleDoc(
        what="The task definition has a `taskRoleArn`, no `executionRoleArn`, and a container "
        "pulls from a private ECR registry. Severity as ECS003 (which this replaces for the "
        "same container): high on Fargate or ECS Anywhere, medium when the file does not "
        "say, info on EC2 only.",
        why="The task role is what the application inside the container gets (through "
        "`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`); the agent pulls images before any "
        "container runs, with the execution role or, without one on EC2, the instance's "
        "credentials (agent/ecr/factory.go · getClientConfig). ECR permissions on the task "
        "role therefore do nothing for the pull, however broad they are.",
        fix="Add an `executionRoleArn` with the pull permissions (`ecr-doctor policy iam "
        "--ecs-task-execution --repository ARN`), and keep ECR pull rights off the task role "
        "unless the application itself pulls images.",
        example='{"taskRoleArn": "arn:aws:iam::123456789012:role/web-task", '
        '"containerDefinitions": [{"image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/'
        'web:1.4"}]}',
        references=(_EXEC_ROLE_DOC, "Amazon ECS Developer Guide · Amazon ECS task IAM role "
                    "(task-iam-roles)", _AGENT_FACTORY),
    ),
)

ECS008 = FAMILY.declare(
    "ECS008", "plaintext-secret-in-environment", Severity.HIGH,
    "A container's environment holds a credential in plain text",
    RuleDoc(
        what="An `environment` entry whose value the project's secret detector recognises "
        "as a credential: `AWS_SECRET_ACCESS_KEY`, `*_PASSWORD`, `*_TOKEN`, `*SECRET*` and "
        "`API_KEY` assignments, access key IDs, ECR tokens, private keys, URL passwords. "
        "References such as `$VAR` or `${VAR}` do not fire. The value is never printed: a "
        "keyed `fp:` fingerprint tells two findings of one run apart.",
        why="Environment values are part of the task definition: anyone with "
        "`ecs:DescribeTaskDefinition` reads them, every revision keeps them for good, and "
        "`docker inspect` on the instance shows them. `secrets` injects the same variable "
        "from Secrets Manager or Parameter Store without that exposure.",
        fix="Rotate the credential, store it in Secrets Manager or SSM Parameter Store, and "
        "move the entry to `secrets` (`{\"name\": ..., \"valueFrom\": ARN}`); for AWS keys, "
        "give the task a `taskRoleArn` instead of keys.",
        example='"environment": [{"name": "AWS_SECRET_ACCESS_KEY", "value": "<the secret key>"}]',
        references=(_SECRETS_DOC, "Amazon ECS Developer Guide · Security best practices · "
                    "secrets management (never in environment variables)"),
    ),
)

ECS009 = FAMILY.declare(
    "ECS009", "duplicate-key", Severity.LOW,
    "A task definition key is written twice; only the last one is used",
    RuleDoc(
        what="The task definition, or one of its containers, holds the same key twice "
        "(two `image`, two `executionRoleArn`, …).",
        why="The AWS CLI reads `--cli-input-json` with Python's json module, which keeps the "
        "last of two equal keys and drops the other without a word; editors and reviewers "
        "usually read the first. What is registered is not what was reviewed.",
        fix="Delete the copy you did not mean; keep one of each key.",
        example='{"family": "web", "executionRoleArn": "...", "executionRoleArn": ""}',
        references=("Python json documentation: \"The RFC does not specify how duplicate "
                    "names are handled; this module uses the last value\"",),
    ),
)

# --- declared rules: fired by `explain` (a pasted error), never by reading a file ---------

_NETWORK_DOC = ("Amazon ECR User Guide · Interface VPC endpoints (AWS PrivateLink) "
                "(vpc-endpoints): com.amazonaws.<region>.ecr.api, .ecr.dkr, and the S3 gateway "
                "endpoint for layers")

FAMILY.declare(
    "ECS010", "no-network-path-to-ecr", Severity.HIGH,
    "The task's subnet has no network path to ECR (no NAT, public IP or VPC endpoints)",
    RuleDoc(
        what="Recognised from the errors a task stops with when it cannot reach ECR at all: "
        "`CannotPullContainerError: ... dial tcp ...: i/o timeout` (or `context deadline "
        "exceeded`) and `ResourceInitializationError: unable to pull secrets or registry "
        "auth: ... There is a connection issue between the task and Amazon ECR. Check your "
        "task network configuration.`",
        why="Fargate pulls over the task's own elastic network interface. A private subnet "
        "needs a NAT gateway route, or VPC endpoints for every service the start-up uses; a "
        "public subnet needs `assignPublicIp: ENABLED` (an internet gateway route alone "
        "gives a task without a public IP no way out); and the security group and network "
        "ACL must allow outbound HTTPS (443). With endpoints, ECR needs three: "
        "`com.amazonaws.<region>.ecr.api` (GetAuthorizationToken), "
        "`com.amazonaws.<region>.ecr.dkr` (the registry API) and the S3 gateway endpoint "
        "(`com.amazonaws.<region>.s3`; layers are downloaded from S3), each interface "
        "endpoint with private DNS on and a security group that admits 443 from the task. "
        "`awslogs` also needs `com.amazonaws.<region>.logs`, and `secrets` need "
        "`secretsmanager` or `ssm` endpoints. Platform version 1.4.0 and later fetch "
        "secrets and the ECR token through the task's interface too.",
        fix="Check, for the task's subnets: the route table (0.0.0.0/0 to a NAT gateway, or "
        "to an internet gateway with `assignPublicIp: ENABLED`), outbound 443 in the "
        "security group and NACL, and else create the endpoints above (`aws ec2 "
        "describe-vpc-endpoints --filters Name=vpc-id,Values=VPC`).",
        example="CannotPullContainerError: pull image manifest has been retried 5 time(s): "
        "failed to resolve ref ...: dial tcp 52.94.0.1:443: i/o timeout",
        references=(_NETWORK_DOC, _TROUBLESHOOT, "Amazon ECS Developer Guide · Fargate task "
                    "networking (fargate-task-networking), platform version 1.4.0 changes"),
    ),
)

FAMILY.declare(
    "ECS011", "execution-role-lacks-ecr-pull", Severity.HIGH,
    "The task execution role is missing or lacks the ECR pull permissions",
    RuleDoc(
        what="Recognised from a pull refused by IAM: `CannotPullContainerError: ... "
        "AccessDeniedException: User: arn:aws:sts::...:assumed-role/ROLE/... is not "
        "authorized to perform: ecr:GetAuthorizationToken` (or `ecr:BatchGetImage`, "
        "`ecr:GetDownloadUrlForLayer`), or `ECS was unable to assume the role`.",
        why="The execution role needs `ecr:GetAuthorizationToken` on `*` (it cannot be "
        "scoped) and `ecr:BatchGetImage` plus `ecr:GetDownloadUrlForLayer` on the "
        "repository, which is what AWS's AmazonECSTaskExecutionRolePolicy grants (with "
        "`ecr:BatchCheckLayerAvailability`, which a pull does not need, and the two logs "
        "actions). A pull-through cache repository also needs "
        "`ecr:BatchImportUpstreamImage`, and `ecr:CreateRepository` for its first pull.",
        fix="Attach AmazonECSTaskExecutionRolePolicy, or the least-privilege policy from "
        "`ecr-doctor policy iam --ecs-task-execution --repository ARN`; check the role "
        "named in the error is the `executionRoleArn` (not the task role).",
        references=(_EXEC_ROLE_DOC, "AWS managed policy reference · "
                    "AmazonECSTaskExecutionRolePolicy", _AGENT_ENGINE),
    ),
)

FAMILY.declare(
    "ECS012", "execution-role-lacks-secret-access", Severity.HIGH,
    "The task execution role cannot read the task's secrets (Secrets Manager, SSM, KMS)",
    RuleDoc(
        what="Recognised from `ResourceInitializationError: unable to pull secrets or "
        "registry auth: execution resource retrieval failed: unable to retrieve secret from "
        "asm` / `... ssm` with `AccessDeniedException`, or a KMS `AccessDenied` on decrypt.",
        why="The agent reads each `secrets` and `repositoryCredentials` value with the "
        "execution role before the container starts: Secrets Manager values need "
        "`secretsmanager:GetSecretValue` on the secret, Parameter Store values "
        "`ssm:GetParameters` on the parameter, and either needs `kms:Decrypt` on the key "
        "when it is a customer managed KMS key. AmazonECSTaskExecutionRolePolicy grants none "
        "of them.",
        fix="Grant exactly those: `ecr-doctor policy iam --ecs-task-execution --secret ARN "
        "--parameter ARN --kms-key ARN`.",
        references=(_SECRETS_DOC, _EXEC_ROLE_DOC),
    ),
)

FAMILY.declare(
    "ECS013", "execution-role-trust-policy", Severity.HIGH,
    "The task execution role does not trust ecs-tasks.amazonaws.com",
    RuleDoc(
        what="Recognised from `ECS was unable to assume the role 'arn:aws:iam::...:role/...' "
        "that was provided for this task. Please verify that the role being passed has the "
        "proper trust relationship and permissions`.",
        why="ECS assumes the execution role as the service principal "
        "`ecs-tasks.amazonaws.com`; a role created for EC2 (`ec2.amazonaws.com`), for "
        "`ecs.amazonaws.com`, or with a condition ECS does not meet cannot be assumed, and "
        "the task never starts. The caller registering or running the task also needs "
        "`iam:PassRole` on the role.",
        fix="Set the role's trust policy to the one `ecr-doctor policy iam "
        "--ecs-task-execution ...` prints (`aws iam update-assume-role-policy`).",
        references=(_EXEC_ROLE_DOC, "telia-oss/terraform-aws-ecs-fargate#58 (the error "
                    "text)"),
    ),
)

FAMILY.declare(
    "ECS014", "image-not-found", Severity.HIGH,
    "The image or tag the task names does not exist in the repository",
    RuleDoc(
        what="Recognised from `CannotPullContainerError: ... <image>: not found` or `... "
        "manifest unknown` / `failed to resolve ref ... not found`.",
        why="Authentication worked (ECR answered), but the repository has no such tag or "
        "digest: a tag that was never pushed, pushed to another region or account, removed "
        "by a lifecycle policy, or `latest` implied by an image without a tag (ECS002).",
        fix="List what exists: `aws ecr describe-images --repository-name NAME --region R "
        "--image-ids imageTag=TAG`; push the image or point the task definition at a tag or "
        "digest that exists.",
        references=(_TROUBLESHOOT, "Amazon ECR User Guide · Lifecycle policies"),
    ),
)

FAMILY.declare(
    "ECS015", "repository-policy-denies-cross-account", Severity.HIGH,
    "The ECR repository policy does not let the task's account pull (cross-account)",
    RuleDoc(
        what="Recognised from a pull by a role in another account than the repository's that "
        "is refused with `... is not authorized to perform: ecr:BatchGetImage on resource: "
        "arn:aws:ecr:...:repository/...` `because no resource-based policy allows` it.",
        why="For a cross-account pull both sides must allow it: the execution role's own "
        "policy, and the repository policy in the owning account, which must name the "
        "task's account or execution role with `ecr:BatchGetImage` and "
        "`ecr:GetDownloadUrlForLayer`. `ecr:GetAuthorizationToken` is asked of the task's "
        "own account and needs no repository policy.",
        fix="In the owning account: `aws ecr set-repository-policy` with a statement that "
        "allows the task's execution role (or account) those two actions.",
        references=("Amazon ECR User Guide · Private repository policy examples "
                    "(repository-policy-examples): allow another account",
                    "aws/containers-roadmap#1467"),
    ),
)


# --- the check ----------------------------------------------------------------------------

_MAY_NEED_ROLE = frozenset({"FARGATE", "EXTERNAL"})


def _pull_severity(td: TaskDefinition) -> tuple[Severity, str]:
    """How bad a missing execution role is for an ECR pull, and where that follows from."""
    types = td.launch_types
    if not types:
        return Severity.MEDIUM, ("the file does not say where it runs (no "
                                 "requiresCompatibilities): on Fargate or ECS Anywhere ECS "
                                 "refuses it; on EC2 the agent pulls with the instance role")
    if types & _MAY_NEED_ROLE:
        where = " and ".join(sorted(types & _MAY_NEED_ROLE))
        severity = Severity.HIGH
        return severity, f"on {where} the pull needs it and ECS refuses the definition"
    return Severity.INFO, ("it runs on EC2 only, where the agent pulls with the container "
                           "instance role instead: every task on the instance shares that "
                           "access, and the definition fails on Fargate")


def _ecr_image(container: ContainerDef) -> ImageRef | None:
    if container.image is None:
        return None
    ref = parse_image(container.image.value)
    return ref if ref.explicit_domain and classify(ref.domain).kind is \
        RegistryKind.ECR_PRIVATE else None


def _image_findings(td: TaskDefinition, container: ContainerDef) -> Iterator[Finding]:
    if container.image is None:
        return
    ref = parse_image(container.image.value)
    at = td.location(container.image.offset)
    registry = ref.domain if ref.explicit_domain else None
    problem = ecr_look_alike(ref.domain) if ref.explicit_domain else None
    if problem is not None:
        # The classifier speaks of Docker configs; here it is ECS that expands nothing.
        problem = problem.replace("Docker expands nothing in config.json",
                                  "ECS expands nothing in a task definition")
        yield ECS001.finding(
            f'{container.label}: image host "{_shown(ref.domain)}" is not an Amazon ECR '
            f"registry: {problem}; ECS pulls from that exact host",
            at, registry=_shown(ref.domain))
    if ref.implied_latest and ref.repository:
        yield ECS002.finding(
            f'{container.label}: image "{_shown(ref.raw)}" has no tag or digest, so '
            ":latest is pulled; name a tag, or a digest (@sha256:...)",
            at, registry=registry)


def _role_findings(td: TaskDefinition, container: ContainerDef) -> Iterator[Finding]:
    has_role = td.execution_role_arn is not None
    ecr = _ecr_image(container)
    if ecr is not None and not has_role:
        severity, why = _pull_severity(td)
        at = td.location(container.image.offset if container.image else container.offset)
        if td.task_role_arn is not None:
            yield ECS007.finding(
                f"{container.label} pulls {_shown(ecr.domain)}/{_shown(ecr.repository)} "
                "from private ECR, and only taskRoleArn is set: the task role is never used "
                f"to pull; add executionRoleArn ({why})",
                at, registry=ecr.domain, severity=severity)
        else:
            yield ECS003.finding(
                f"{container.label} pulls {_shown(ecr.domain)}/{_shown(ecr.repository)} "
                f"from private ECR without executionRoleArn ({why})",
                at, registry=ecr.domain, severity=severity)
    if ecr is not None and container.repository_credentials is not None:
        yield ECS006.finding(
            f"{container.label}: repositoryCredentials is for registries other than ECR, "
            f"but its image is in private ECR ({_shown(ecr.domain)}); remove it and let the "
            "execution role pull",
            td.location(container.repository_credentials.offset), registry=ecr.domain)
    if not has_role:
        needs = [f"secrets {', '.join(_shown(s.name or s.value_from) for s in container.secrets)}"
                 ] if container.secrets else []
        if container.log_secrets:
            needs.append("logConfiguration.secretOptions")
        if container.repository_credentials is not None:
            needs.append("repositoryCredentials")
        if needs:
            offset = (container.secrets_offset if container.secrets
                      and container.secrets_offset is not None
                      else container.repository_credentials.offset
                      if container.repository_credentials is not None else container.offset)
            yield ECS004.finding(
                f"{container.label} uses {'; '.join(needs)} without executionRoleArn: the "
                "agent reads them with the task execution role on every launch type, and "
                "ECS refuses to register the definition",
                td.location(offset))
        driver = container.log_driver
        types = td.launch_types
        if driver is not None and driver.value == "awslogs" and (
                not types or types & _MAY_NEED_ROLE):
            where = (" and ".join(sorted(types & _MAY_NEED_ROLE)) if types
                     else "Fargate (the file does not say where it runs)")
            yield ECS005.finding(
                f"{container.label} logs with awslogs without executionRoleArn: on {where} "
                "the logs are sent with the task execution role",
                td.location(driver.offset),
                severity=Severity.HIGH if types else Severity.MEDIUM)


def _is_credential(name: str, value: str) -> bool:
    """Whether the one secret detector finds a credential in `NAME=value`'s value."""
    if not_a_value(value) is not None:
        return False
    text = f"{name}={value}"
    start = len(name) + 1
    return any(span.end > start for span in find_secret_spans(text))


def _environment_findings(td: TaskDefinition, container: ContainerDef) -> Iterator[Finding]:
    for var in container.environment:
        if _is_credential(var.name, var.value.reveal()):
            yield ECS008.finding(
                f'{container.label}: environment variable "{_shown(var.name)}" holds a '
                "credential in plain text; move it to secrets (valueFrom) and rotate it",
                td.location(var.offset), details=(("secret", var.value.fingerprint),))


def _duplicate_findings(td: TaskDefinition) -> Iterator[Finding]:
    for dup in td.duplicates:
        yield ECS009.finding(
            f'{dup.where}: key "{_shown(dup.key)}" is written again later; the AWS CLI keeps '
            "the last one and ignores this one",
            td.location(dup.offset))


def check_task_definition(td: TaskDefinition) -> list[Finding]:
    """Every ECS001-ECS009 finding for `td`, in file order."""
    found: list[Finding] = []
    for container in td.containers:
        found += _image_findings(td, container)
        found += _role_findings(td, container)
        found += _environment_findings(td, container)
    found += _duplicate_findings(td)
    found.sort(key=lambda f: (f.location.line, f.location.col, f.rule_id))
    return found


CHECKED: tuple[Rule, ...] = (ECS001, ECS002, ECS003, ECS004, ECS005, ECS006, ECS007, ECS008,
                             ECS009)


def checked_rules() -> Iterable[Rule]:
    """The rules `ecs check` can fire (SARIF lists them with their help)."""
    return CHECKED


def shown(text: str, limit: int = 1000) -> str:
    """How renderers quote a task definition's own text (images, role ARNs)."""
    return _shown(text, limit)
