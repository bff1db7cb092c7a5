"""`ecr-doctor ci`: the canonical CI job for ECR (GitHub Actions, GitLab CI) or its OIDC
trust policy."""

from __future__ import annotations

import argparse

from ecr_doctor.cli.exits import EXIT_OK, UsageError
from ecr_doctor.cli.streams import Streams

SUMMARY = "print the canonical CI job for ECR (github) or its OIDC trust policy"
DESCRIPTION = (
    "Print the canonical GitHub Actions job for ECR with OIDC and no stored keys, or with "
    "--trust-policy the IAM trust policy for its role."
)


def _add_job_options(parser: argparse.ArgumentParser) -> None:
    """What every CI target's job needs: the role, where to push, and the pushing branch."""
    parser.add_argument("--role-arn", metavar="ARN", help="the IAM role the job assumes")
    parser.add_argument("--region", metavar="REGION", help="AWS region of the registry")
    parser.add_argument("--registry", metavar="HOST",
                        help="ECR registry host (default: the role's account in --region)")
    parser.add_argument("--image", metavar="NAME", default="app",
                        help="repository to push (default: app)")
    parser.add_argument("--branch", metavar="BRANCH", default="main",
                        help="the branch that pushes and may assume the role (default: main)")


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="ci_kind", metavar="TARGET", required=True)
    gh = sub.add_parser("github", help="GitHub Actions job: OIDC role, ECR login, push",
                        description="Print the canonical GitHub Actions workflow for ECR "
                        "(OIDC with id-token: write, configure-aws-credentials with "
                        "role-to-assume, amazon-ecr-login with masking; on self-hosted runners "
                        "a job-scoped credential helper config instead of a stored token), or "
                        "with --trust-policy the IAM trust policy for the OIDC role.")
    _add_job_options(gh)
    gh.add_argument("--self-hosted", action="store_true",
                    help="persistent runner: use the ECR credential helper, leave no token")
    gh.add_argument("--trust-policy", action="store_true",
                    help="print the OIDC role's trust policy instead")
    gh.add_argument("--repo", metavar="OWNER/NAME", help="GitHub repository (--trust-policy)")
    gh.add_argument("--account", metavar="ID", help="account for --trust-policy without "
                    "--role-arn")
    gl = sub.add_parser("gitlab", help="GitLab CI job: ID token, credential helper, push",
                        description="Print a GitLab CI job that pushes to ECR with an ID token "
                        "(id_tokens) and the ECR credential helper assuming the role (no stored "
                        "keys, no registry token on disk), or with --trust-policy the IAM trust "
                        "policy for the role.")
    _add_job_options(gl)
    gl.add_argument("--trust-policy", action="store_true",
                    help="print the role's trust policy instead")
    gl.add_argument("--project", metavar="GROUP/PROJECT",
                    help="GitLab project path (--trust-policy)")
    gl.add_argument("--gitlab-host", metavar="HOST", default="gitlab.com",
                    help="GitLab instance host name (--trust-policy; default gitlab.com)")
    gl.add_argument("--account", metavar="ID", help="account for --trust-policy without "
                    "--role-arn")


def run(args: argparse.Namespace, streams: Streams) -> int:
    out = streams.out
    from ecr_doctor.policy.ci import (
        CiError,
        github_trust_policy,
        github_workflow,
        gitlab_job,
        gitlab_trust_policy,
        target,
    )

    try:
        if args.ci_kind == "gitlab":
            if args.trust_policy:
                if not args.project:
                    raise CiError("--trust-policy needs --project GROUP/PROJECT")
                out.write(gitlab_trust_policy(args.role_arn, args.account, args.project,
                                              args.branch, args.gitlab_host))
                return EXIT_OK
            if not args.role_arn or not args.region:
                raise CiError("ci gitlab needs --role-arn ARN and --region REGION")
            out.write(gitlab_job(target(args.role_arn, args.region, args.registry),
                                 image=args.image, branch=args.branch))
            return EXIT_OK
        if args.trust_policy:
            if not args.repo:
                raise CiError("--trust-policy needs --repo OWNER/NAME")
            out.write(github_trust_policy(args.role_arn, args.account, args.repo, args.branch))
            return EXIT_OK
        if not args.role_arn or not args.region:
            raise CiError("ci github needs --role-arn ARN and --region REGION")
        out.write(github_workflow(target(args.role_arn, args.region, args.registry),
                                  self_hosted=args.self_hosted, image=args.image,
                                  branch=args.branch))
    except CiError as exc:
        raise UsageError(str(exc)) from None
    return EXIT_OK

