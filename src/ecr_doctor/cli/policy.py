"""`ecr-doctor policy`: least-privilege IAM (iam) and conftest Rego (rego) policies."""

from __future__ import annotations

import argparse

from ecr_doctor.cli.exits import EXIT_OK, UsageError
from ecr_doctor.cli.streams import Streams

SUMMARY = "print a least-privilege IAM policy (iam) or a conftest Rego policy (rego)"
DESCRIPTION = (
    "Print generated policies: `policy iam` least-privilege IAM JSON for ECR pull/push, "
    "`policy rego` an OPA Rego v1 policy for conftest. Nothing is read or sent."
)


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="policy_kind", metavar="KIND", required=True)
    iam = sub.add_parser("iam", help="least-privilege IAM policy JSON for pull and/or push",
                         description="Print a least-privilege IAM policy for pulling from and/or "
                         "pushing to ECR repositories. ecr:GetAuthorizationToken is granted on "
                         "* (it cannot be scoped), everything else on the repository ARNs.")
    iam.add_argument("--pull", action="store_true", help="allow pulling")
    iam.add_argument("--push", action="store_true", help="allow pushing")
    iam.add_argument("--repository", metavar="ARN|NAME", action="append", default=[],
                     help="a repository ARN, or a name with --registry (repeatable; a "
                     "trailing /* covers a namespace such as a pull-through cache prefix)")
    iam.add_argument("--registry", metavar="HOST",
                     help="registry host for repository names; sets partition, region, account")
    iam.add_argument("--account", metavar="ID", help="owning account (ECR Public names only)")
    iam.add_argument("--pull-through-cache", action="store_true",
                     help="also allow pulls to populate a pull-through cache "
                     "(BatchImportUpstreamImage, CreateRepository)")
    ecs = iam.add_argument_group(
        "ECS task execution role",
        "--ecs-task-execution prints the permissions policy of a task execution role (each "
        "--repository, --secret, --parameter, --kms-key and --log-group given, nothing else) "
        "and its trust policy for ecs-tasks.amazonaws.com")
    ecs.add_argument("--ecs-task-execution", action="store_true",
                     help="a task execution role instead of a --pull/--push policy")
    ecs.add_argument("--secret", metavar="ARN", action="append", default=[],
                     help="a Secrets Manager secret the task reads (secrets, "
                     "repositoryCredentials): secretsmanager:GetSecretValue (repeatable)")
    ecs.add_argument("--parameter", metavar="ARN", action="append", default=[],
                     help="an SSM parameter the task reads: ssm:GetParameters (repeatable)")
    ecs.add_argument("--kms-key", metavar="ARN", action="append", default=[],
                     help="a customer managed KMS key that encrypts them: kms:Decrypt "
                     "(repeatable)")
    ecs.add_argument("--log-group", metavar="ARN", action="append", default=[],
                     help="the awslogs log group: logs:CreateLogStream, logs:PutLogEvents "
                     "(repeatable)")
    ecs.add_argument("--source-account", metavar="ID",
                     help="add aws:SourceAccount / aws:SourceArn conditions to the trust "
                     "policy (only tasks of this account may assume the role)")
    iam.add_argument("--format", choices=("text", "json"), default="text",
                     help="text: the policy document itself; json: in ecr-doctor's envelope")
    rego = sub.add_parser("rego", help="OPA Rego v1 policy for conftest (static tokens, hosts "
                   "without helpers)",
                   description="Print an OPA Rego v1 policy (package main, conftest's default "
                   "namespace) that rejects static ECR tokens and ECR registries without a "
                   "credential helper: conftest test ~/.docker/config.json --policy DIR")
    rego.add_argument("--format", choices=("text", "json"), default="text",
                      help="text: the Rego module itself; json: in ecr-doctor's envelope")


def run(args: argparse.Namespace, streams: Streams) -> int:
    out = streams.out
    if args.policy_kind == "rego":
        from ecr_doctor.policy.rego import rego_policy

        text = rego_policy()
        out.write(_enveloped({"kind": "rego", "rego": text}) if args.format == "json"
                  else text)
        return EXIT_OK
    from ecr_doctor.policy.iam import IamError, iam_policy, render_policy, repository_arn

    if args.ecs_task_execution:
        return _ecs_task_execution(args, streams)
    if args.secret or args.parameter or args.kms_key or args.log_group or args.source_account:
        raise UsageError("--secret, --parameter, --kms-key, --log-group and --source-account "
                         "go with --ecs-task-execution")
    try:
        repos = [repository_arn(r, args.registry, args.account) for r in args.repository]
        policy = iam_policy(repos, pull=args.pull, push=args.push,
                            pull_through=args.pull_through_cache)
    except IamError as exc:
        raise UsageError(str(exc)) from None
    out.write(_enveloped({"kind": "iam", "policy": policy}) if args.format == "json"
              else render_policy(policy))
    return EXIT_OK


def _ecs_task_execution(args: argparse.Namespace, streams: Streams) -> int:
    from ecr_doctor.policy.iam import (
        EcsResources,
        IamError,
        ecs_task_execution_policy,
        ecs_tasks_trust_policy,
        partition_and_region,
        render_policy,
        repository_arn,
    )

    if args.pull or args.push or args.pull_through_cache:
        raise UsageError("--ecs-task-execution grants the pull a task needs; drop --pull, "
                         "--push and --pull-through-cache")
    try:
        repos = [repository_arn(r, args.registry, args.account) for r in args.repository]
        policy = ecs_task_execution_policy(EcsResources(
            repos, args.secret, args.parameter, args.kms_key, args.log_group))
        partition, region = partition_and_region(
            [r.arn for r in repos] + args.secret + args.parameter + args.kms_key
            + args.log_group)
        trust = ecs_tasks_trust_policy(args.source_account, partition=partition, region=region)
    except IamError as exc:
        raise UsageError(str(exc)) from None
    if args.format == "json":
        streams.out.write(_enveloped({"kind": "iam-ecs-task-execution", "policy": policy,
                                      "trust_policy": trust}))
    else:
        # Two documents; `--format json` gives each alone (.result.policy, .result.trust_policy).
        streams.out.write("# Permissions policy of the task execution role "
                          "(aws iam put-role-policy --policy-document)\n" + render_policy(policy)
                          + "# Trust policy of the role "
                          "(aws iam create-role --assume-role-policy-document)\n"
                          + render_policy(trust))
    return EXIT_OK


def _enveloped(result: dict[str, object]) -> str:
    from ecr_doctor.render.jsonout import dumps, envelope

    return dumps(envelope("policy", dict(result), exit_code=EXIT_OK))

