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

    try:
        repos = [repository_arn(r, args.registry, args.account) for r in args.repository]
        policy = iam_policy(repos, pull=args.pull, push=args.push,
                            pull_through=args.pull_through_cache)
    except IamError as exc:
        raise UsageError(str(exc)) from None
    out.write(_enveloped({"kind": "iam", "policy": policy}) if args.format == "json"
              else render_policy(policy))
    return EXIT_OK


def _enveloped(result: dict[str, object]) -> str:
    from ecr_doctor.render.jsonout import dumps, envelope

    return dumps(envelope("policy", dict(result), exit_code=EXIT_OK))

