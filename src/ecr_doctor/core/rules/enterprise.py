"""Rules for enterprise set-ups: a profile per registry, and IAM policy files.

Standard library only. The IAM rules (IAM001…) read IAM policy documents, not Docker configs:
their checks live in `ecr_doctor.policy.iamcheck.check_iam_policy`; they are registered here
so `ecr-doctor rules` lists them and `ecr-doctor explain IAM001` prints their pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecr_doctor.core.model import Applicability, Finding, Severity
from ecr_doctor.core.rules.base import Context, Rule, RuleDoc, rule

if TYPE_CHECKING:
    from collections.abc import Iterator


@rule(
    "CFG020",
    "registry-profile",
    Severity.INFO,
    "A registry should use its own AWS profile (fix --profile)",
    RuleDoc(
        what="Emitted by `ecr-doctor fix --profile HOST=PROFILE` (or `--profile-map FILE`) "
        "for each registry whose `credHelpers` entry does not yet name the wrapper helper "
        "`ecr-login-<profile>`.",
        why="Docker maps a registry to a helper name and nothing else, and the ECR helper takes "
        "credentials from the AWS SDK's default chain, so one machine cannot use a different "
        "AWS profile per registry (amazon-ecr-credential-helper #249, #976; docker/cli #2145). "
        "A wrapper `docker-credential-ecr-login-<profile>` that exports `AWS_PROFILE` (and "
        "drops static keys and web identity from the environment, which would outrank the "
        "profile) and then execs `docker-credential-ecr-login` does it with no patch to "
        "either tool.",
        fix="`ecr-doctor fix --write --profile HOST=PROFILE [--helper-dir DIR]` installs the "
        "wrapper (default `~/.local/bin`; it says if that is not on PATH) and points "
        "`credHelpers[HOST]` at it. Profile names other than lower-case letters, digits and "
        "dashes get a suffix with a short hash, so wrappers never collide.",
        example='{"credHelpers": {"123456789012.dkr.ecr.us-east-1.amazonaws.com": '
        '"ecr-login-prod"}}',
        references=(
            "awslabs/amazon-ecr-credential-helper issues #249, #976",
            "docker/cli issue #2145",
            "aws/aws-sdk-go-v2 · config/resolve_credentials.go · resolveCredentialChain",
        ),
    ),
    fixable=Applicability.SAFE,
)
def registry_profile(self: Rule, ctx: Context) -> Iterator[Finding]:
    # Only `fix --profile` knows the wanted mapping (profiles.profile_findings); a config
    # alone never says which profile a registry should use.
    return iter(())


@rule(
    "ENV020",
    "wrapper-profile-missing",
    Severity.HIGH,
    "A profile wrapper helper selects an AWS profile that does not exist",
    RuleDoc(
        what="`credHelpers` names an ecr-doctor profile wrapper (`ecr-login-<profile>`); the "
        "wrapper found on PATH exports `AWS_PROFILE` for a profile that neither the shared "
        "config file nor the credentials file defines.",
        why="With a named profile missing, the AWS SDK fails to load its configuration; the "
        "ECR helper reports that as 'credentials not found' (ecr-login/ecr.go `Get`; 0.6.0 "
        "even panics in `NewClientFromRegion`), and Docker sends the request anonymous: "
        "`no basic auth credentials`.",
        fix="Create the profile (`aws configure sso --profile NAME`, or a `[profile NAME]` "
        "section in ~/.aws/config), or regenerate the wrapper for the right profile with "
        "`ecr-doctor fix --write --profile HOST=PROFILE`.",
        references=("awslabs/amazon-ecr-credential-helper · ecr-login/ecr.go · ECRHelper.Get",),
    ),
    needs_machine=True,
)
def wrapper_profile_missing(self: Rule, ctx: Context) -> Iterator[Finding]:
    profiles = dict(ctx.env.helper_profiles)
    known = set(ctx.env.aws.profiles)
    reported: set[str] = set()
    for entry in ctx.config.cred_helpers:
        profile = profiles.get(entry.helper)
        if profile is None or entry.helper in reported:
            continue
        reported.add(entry.helper)
        if profile in known:
            continue
        binary = ctx.env.helper(entry.helper)
        where = binary.path if binary is not None and binary.path else entry.helper
        yield self.finding(
            f"{where} selects AWS profile {profile!r}, which no shared config or credentials "
            f"file defines: the ECR helper will fail for {entry.key}",
            entry.location,
            registry=entry.key,
            details=(("helper", entry.helper), ("profile", profile)),
        )


_IAM_REFERENCES = (
    "Amazon ECR User Guide · Private repository policies / image-push-iam",
    "Service Authorization Reference · Actions defined by Amazon Elastic Container Registry",
)


def _no_docker_config_check(self: Rule, ctx: Context) -> Iterator[Finding]:
    return iter(())


rule(
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
)(_no_docker_config_check)

rule(
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
)(_no_docker_config_check)
