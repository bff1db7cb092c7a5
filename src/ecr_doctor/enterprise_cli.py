"""CLI edge for enterprise set-ups: `policy`, `ci`, and the profile / all-hosts `fix` flags.

Imported only when one of those is used, so `ecr-doctor diagnose` start-up pays nothing.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from .exits import EXIT_OK, UsageError, WriteFailed

if TYPE_CHECKING:
    from .environment import Environment
    from .fixer import FixPlan
    from .profiles import Assignment
    from .wrapperio import WrapperPlan

EXIT_CHANGE_NEEDED = 1


# --- fix --profile / --account / --region -------------------------------------------------


def add_fix_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("enterprise set-ups")
    group.add_argument("--profile", metavar="HOST=PROFILE", action="append", default=[],
                       dest="profiles",
                       help="use AWS profile PROFILE for registry HOST through a generated "
                       "wrapper helper docker-credential-ecr-login-<profile> (repeatable)")
    group.add_argument("--profile-map", metavar="FILE",
                       help="HOST=PROFILE lines (or a JSON object host: profile), as --profile")
    group.add_argument("--helper-dir", metavar="DIR",
                       help="where to install wrapper helpers (default: ~/.local/bin)")
    group.add_argument("--account", metavar="ID", action="append", default=[],
                       help="with --region: add credHelpers for every account x region "
                       "registry (repeatable)")
    group.add_argument("--region", metavar="REGION", action="append", default=[],
                       dest="regions", help="a region for --account (repeatable)")
    group.add_argument("--public", action="store_true",
                       help="also add ECR Public (public.ecr.aws)")
    group.add_argument("--pull-through", action="store_true",
                       help="print the image names that use the registries' pull-through "
                       "cache (they live under the same hosts, so need no extra entry)")


class FixExtras:
    """What the enterprise flags add to one `fix` run."""

    def __init__(self, args: argparse.Namespace) -> None:
        from .profiles import ProfileError, check_assignments, ecr_hosts, parse_assignment
        from .profiles import parse_profile_map as parse_map

        self.args = args
        self.plans: list[WrapperPlan] = []
        self.helper_dir = ""
        try:
            self.hosts = ecr_hosts(getattr(args, "account", []), getattr(args, "regions", []),
                                   public=getattr(args, "public", False))
            found = [parse_assignment(v) for v in getattr(args, "profiles", [])]
            map_path = getattr(args, "profile_map", None)
            if map_path:
                try:
                    with open(map_path, encoding="utf-8") as handle:
                        found += parse_map(handle.read(), map_path)
                except OSError as exc:
                    raise UsageError(f"--profile-map {map_path}: {exc.strerror}") from None
            self.assignments: list[Assignment] = check_assignments(found)
        except ProfileError as exc:
            raise UsageError(str(exc)) from None

    @property
    def active(self) -> bool:
        return bool(self.hosts or self.assignments or getattr(self.args, "pull_through", False))

    def registries(self) -> list[str]:
        """Hosts to add to --registry: every account x region (and ECR Public).

        Profile hosts are not added: their CFG020 fix names the wrapper directly, rather than
        CFG002 adding "ecr-login" first and CFG020 replacing it.
        """
        return list(self.hosts)

    def apply(self, plan: FixPlan, env: Environment, home: str) -> FixPlan:
        """Point each profile's host at its wrapper, through the ordinary fixer edits."""
        if not self.assignments:
            return plan
        from .dockerconfig import parse_config
        from .fixer import FixPlan as Plan
        from .fixer import plan_fix
        from .profiles import profile_findings
        from .wrapperio import default_helper_dir, plan_wrappers

        findings = profile_findings(parse_config(plan.after, plan.path), self.assignments)
        extra = plan_fix(plan.path, plan.after, findings)
        self.helper_dir = os.path.abspath(
            getattr(self.args, "helper_dir", None) or default_helper_dir(home))
        self.plans = plan_wrappers(self.helper_dir, [a.profile for a in self.assignments])
        return Plan(plan.path, plan.before, extra.after, plan.mode,
                    plan.applied + extra.applied, plan.unsafe_skipped)

    @property
    def wrappers_pending(self) -> bool:
        """For --check: a wrapper is missing, outdated, or blocked by a foreign file."""
        return any(p.action != "ok" for p in self.plans)

    def install(self) -> None:
        """Before the config is written: a config must never name a wrapper that is absent."""
        conflicts = [p for p in self.plans if p.action == "conflict"]
        if conflicts:
            raise UsageError(f"{conflicts[0].path} exists and is not an ecr-doctor wrapper; "
                             "refusing to overwrite it (choose another --helper-dir)")
        from .wrapperio import install_wrappers

        try:
            install_wrappers(self.plans)
        except OSError as exc:
            raise WriteFailed(f"cannot install wrapper helpers in {self.helper_dir}: "
                              f"{exc.strerror or exc} (the config is untouched)") from exc

    def report(self, out: TextIO, mode: str) -> None:
        from .wrapperio import on_path

        for p in self.plans:
            if p.action == "ok":
                out.write(f"wrapper {p.path}: up to date (AWS profile {p.profile!r})\n")
            elif p.action == "conflict":
                out.write(f"wrapper {p.path}: a different file is there; not overwritten\n")
            elif mode == "write":
                out.write(f"wrapper {p.path}: installed (AWS profile {p.profile!r})\n")
            else:
                out.write(f"wrapper {p.path}: would {p.action} (AWS profile {p.profile!r})\n")
        if self.plans and not on_path(self.helper_dir, os.environ.get("PATH", "")):
            out.write(f"note: {self.helper_dir} is not on PATH: Docker will not find the "
                      "wrappers until it is (add it to PATH for the process that runs docker)\n")
        if getattr(self.args, "pull_through", False):
            from .profiles import pull_through_notes

            hosts = [*self.args.registry, *(a.host for a in self.assignments)]
            notes = pull_through_notes(hosts)
            if notes:
                out.write("Pull-through cache: with a cache rule per upstream, images are "
                          "pulled through the same hosts (no extra credHelpers entry):\n")
                out.writelines(f"  {line}\n" for line in notes)


def fix_extras(args: argparse.Namespace) -> FixExtras:
    """Parse the enterprise flags and add their hosts to args.registry (the existing path)."""
    extras = FixExtras(args)
    args.registry = list(dict.fromkeys([*args.registry, *extras.registries()]))
    return extras


# --- policy -------------------------------------------------------------------------------


def configure_policy(parser: argparse.ArgumentParser) -> None:
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
    sub.add_parser("rego", help="OPA Rego v1 policy for conftest (static tokens, hosts "
                   "without helpers)",
                   description="Print an OPA Rego v1 policy (package main, conftest's default "
                   "namespace) that rejects static ECR tokens and ECR registries without a "
                   "credential helper: conftest test ~/.docker/config.json --policy DIR")


def run_policy(args: argparse.Namespace, out: TextIO) -> int:
    if args.policy_kind == "rego":
        from .policy.rego import rego_policy

        out.write(rego_policy())
        return EXIT_OK
    from .policy.iam import IamError, iam_policy, render_policy, repository_arn

    try:
        repos = [repository_arn(r, args.registry, args.account) for r in args.repository]
        policy = iam_policy(repos, pull=args.pull, push=args.push,
                            pull_through=args.pull_through_cache)
    except IamError as exc:
        raise UsageError(str(exc)) from None
    out.write(render_policy(policy))
    return EXIT_OK


# --- ci -----------------------------------------------------------------------------------


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


def configure_ci(parser: argparse.ArgumentParser) -> None:
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


def run_ci(args: argparse.Namespace, out: TextIO) -> int:
    from .policy.ci import (
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


__all__: Sequence[str] = ["FixExtras", "add_fix_flags", "configure_ci", "configure_policy",
                          "fix_extras", "run_ci", "run_policy"]
