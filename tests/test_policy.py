"""Generated IAM policies, the Rego v1 policy and CI workflows: golden files and semantics.

Golden files live in tests/golden/; regenerate them with UPDATE_GOLDEN=1 and review the diff.
The Rego policy is evaluated by a real Rego engine (regopy, the rego-cpp bindings) over the
same Docker configs the Python rules read; both must agree finding for finding.
"""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from ecr_doctor.cli.main import main
from ecr_doctor.core.engine import diagnose_text
from ecr_doctor.core.environment import unknown_environment
from ecr_doctor.policy.iamcheck import check_iam_policy
from ecr_doctor.policy.rego import rego_policy

ROOT = Path(__file__).parent
GOLDEN = ROOT / "golden"
FIXTURES = sorted((ROOT / "fixtures" / "dockerconfigs").glob("*.json")) + sorted(
    (ROOT.parent / "src" / "ecr_doctor" / "examples").glob("*.json"))
ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
ROLE = "arn:aws:iam::123456789012:role/gha-ecr-push"

# Service Authorization Reference (docs.aws.amazon.com/service-authorization/latest/reference):
# "Actions defined by Amazon Elastic Container Registry" and "… Amazon ECR Public", and
# "Actions defined by AWS Security Token Service" (GetServiceBearerToken only). Kept as a block
# of words, as the reference prints them (hence the noqa).
AWS_ECR_ACTIONS = frozenset("""
BatchCheckLayerAvailability BatchDeleteImage BatchGetImage BatchGetRepositoryScanningConfiguration
BatchImportUpstreamImage CompleteLayerUpload CreatePullThroughCacheRule CreateRepository
CreateRepositoryCreationTemplate DeleteLifecyclePolicy DeletePullThroughCacheRule
DeleteRegistryPolicy DeleteRepository DeleteRepositoryCreationTemplate DeleteRepositoryPolicy
DescribeImageReplicationStatus DescribeImageScanFindings DescribeImages
DescribePullThroughCacheRules DescribeRegistry DescribeRepositories
DescribeRepositoryCreationTemplates GetAccountSetting GetAuthorizationToken
GetDownloadUrlForLayer GetImageCopyStatus GetLifecyclePolicy GetLifecyclePolicyPreview
GetRegistryPolicy GetRegistryScanningConfiguration GetRepositoryPolicy InitiateLayerUpload
ListImages ListTagsForResource PutAccountSetting PutImage PutImageScanningConfiguration
PutImageTagMutability PutLifecyclePolicy PutRegistryPolicy PutRegistryScanningConfiguration
PutReplicationConfiguration ReplicateImage SetRepositoryPolicy StartImageScan
StartLifecyclePolicyPreview TagResource UntagResource UpdatePullThroughCacheRule
UpdateRepositoryCreationTemplate UploadLayerPart ValidatePullThroughCacheRule
""".split())  # noqa: SIM905
AWS_ECR_PUBLIC_ACTIONS = frozenset("""
BatchCheckLayerAvailability BatchDeleteImage CompleteLayerUpload CreateRepository
DeleteRepository DeleteRepositoryPolicy DescribeImageTags DescribeImages DescribeRegistries
DescribeRepositories GetAuthorizationToken GetRegistryCatalogData GetRepositoryCatalogData
GetRepositoryPolicy InitiateLayerUpload ListTagsForResource PutImage PutRegistryCatalogData
PutRepositoryCatalogData SetRepositoryPolicy TagResource UntagResource UploadLayerPart
""".split())  # noqa: SIM905
KNOWN_ACTIONS = ({f"ecr:{a}" for a in AWS_ECR_ACTIONS}
                 | {f"ecr-public:{a}" for a in AWS_ECR_PUBLIC_ACTIONS}
                 | {"sts:GetServiceBearerToken"})
# Partition → (registry host suffix, region) for ARN checks (reference §8).
PARTITION_HOSTS = {
    "aws": ("123456789012.dkr.ecr.us-east-1.amazonaws.com", "us-east-1"),
    "aws-cn": ("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn", "cn-north-1"),
    "aws-us-gov": ("123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com", "us-gov-west-1"),
    "aws-iso": ("123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"),
    "aws-iso-b": ("123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1"),
    "aws-iso-e": ("123456789012.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk", "eu-isoe-west-1"),
    "aws-iso-f": ("123456789012.dkr.ecr.us-isof-south-1.csp.hci.ic.gov", "us-isof-south-1"),
    "aws-eusc": ("123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1"),
}


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    assert path.exists(), f"missing golden file {path} (UPDATE_GOLDEN=1 to create it)"
    assert text == path.read_text(), f"{name} differs from its golden file"


GOLDEN_CASES = {
    "iam-pull.json": ("policy", "iam", "--pull", "--repository", "app", "--registry", ECR),
    "iam-push-pull-two-repos.json": (
        "policy", "iam", "--pull", "--push", "--repository", "team/api",
        "--repository", "arn:aws:ecr:eu-west-1:210987654321:repository/base", "--registry", ECR),
    "iam-pull-through-cn.json": (
        "policy", "iam", "--pull", "--pull-through-cache", "--repository", "docker-hub/*",
        "--registry", "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn"),
    "iam-public-push.json": ("policy", "iam", "--push", "--repository", "web", "--registry",
                             "public.ecr.aws", "--account", "123456789012"),
    "policy.rego": ("policy", "rego"),
    "github-workflow.yml": ("ci", "github", "--role-arn", ROLE, "--region", "us-east-1"),
    "github-workflow-self-hosted.yml": (
        "ci", "github", "--role-arn", ROLE, "--region", "eu-west-1", "--registry",
        "210987654321.dkr.ecr.eu-west-1.amazonaws.com", "--self-hosted", "--image", "team/api",
        "--branch", "release/v2"),
    "github-trust-policy.json": ("ci", "github", "--trust-policy", "--role-arn", ROLE,
                                 "--repo", "acme/app", "--branch", "main"),
    "gitlab-ci.yml": ("ci", "gitlab", "--role-arn", ROLE, "--region", "eu-west-1"),
    "gitlab-trust-policy.json": ("ci", "gitlab", "--trust-policy", "--role-arn", ROLE,
                                 "--project", "acme/platform/app", "--branch", "main"),
}


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_golden(name: str) -> None:
    code, out, err = run(*GOLDEN_CASES[name])
    assert code == 0, err
    golden(name, out)
    assert run(*GOLDEN_CASES[name])[1] == out  # deterministic


# --- IAM semantics ----------------------------------------------------------------------------


def assert_valid_policy(policy: dict[str, Any], partition: str | None = None) -> None:
    assert set(policy) == {"Version", "Statement"}
    assert policy["Version"] == "2012-10-17"
    sids = [s["Sid"] for s in policy["Statement"]]
    assert len(set(sids)) == len(sids) and all(re.fullmatch(r"[A-Za-z0-9]+", s) for s in sids)
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        actions = statement["Action"]
        assert actions and set(actions) <= KNOWN_ACTIONS, set(actions) - KNOWN_ACTIONS
        assert len(set(actions)) == len(actions)
        resources = statement["Resource"]
        token_actions = {"ecr:GetAuthorizationToken", "ecr-public:GetAuthorizationToken",
                         "sts:GetServiceBearerToken"}
        if resources == "*":
            # Only the token actions may use "*", and GetAuthorizationToken only there.
            assert set(actions) <= token_actions
            continue
        assert not set(actions) & token_actions
        for arn in resources:
            private = re.fullmatch(
                r"arn:([a-z-]+):ecr:([a-z]{2,4}(?:-[a-z]+)+-[0-9]+):([0-9]{12}):repository/"
                r"([a-z0-9][a-z0-9._/-]*(?:/\*)?|\*)", arn)
            public = re.fullmatch(r"arn:aws:ecr-public::[0-9]{12}:repository/[a-z0-9._/-]+", arn)
            assert private or public, arn
            if private and partition:
                assert private.group(1) == partition, arn
            service = "ecr" if private else "ecr-public"
            assert all(a.startswith(service + ":") for a in actions)
    assert check_iam_policy(json.dumps(policy), "policy.json") == []


@pytest.mark.parametrize("name", [n for n in GOLDEN_CASES if n.startswith("iam-")])
def test_iam_golden_outputs_are_valid_policies(name: str) -> None:
    assert_valid_policy(json.loads(run(*GOLDEN_CASES[name])[1]))


@pytest.mark.parametrize("partition", sorted(PARTITION_HOSTS))
@pytest.mark.parametrize("mode", [("--pull",), ("--push",), ("--pull", "--push")])
def test_iam_arn_partition_comes_from_the_registry_host(partition: str, mode: tuple[str, ...]
                                                        ) -> None:
    host, region = PARTITION_HOSTS[partition]
    code, out, err = run("policy", "iam", *mode, "--repository", "team/app", "--registry", host)
    assert code == 0, err
    policy = json.loads(out)
    assert_valid_policy(policy, partition)
    arns = policy["Statement"][1]["Resource"]
    assert arns == [f"arn:{partition}:ecr:{region}:123456789012:repository/team/app"]


def test_iam_action_sets_are_the_documented_minimum() -> None:
    pull = json.loads(run(*GOLDEN_CASES["iam-pull.json"])[1])["Statement"]
    assert pull[0]["Action"] == ["ecr:GetAuthorizationToken"] and pull[0]["Resource"] == "*"
    assert pull[1]["Action"] == ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    _, out, _ = run("policy", "iam", "--push", "--repository", "app", "--registry", ECR)
    assert json.loads(out)["Statement"][1]["Action"] == [
        "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload",
        "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"]
    public = json.loads(run(*GOLDEN_CASES["iam-public-push.json"])[1])["Statement"]
    assert public[0]["Action"] == ["ecr-public:GetAuthorizationToken",
                                   "sts:GetServiceBearerToken"]


@pytest.mark.parametrize("argv, message", [
    (("--repository", "app", "--registry", ECR), "--pull, --push"),
    (("--pull", "--repository", "app"), "add --registry"),
    (("--pull", "--repository", "App Name", "--registry", ECR), "not a valid"),
    (("--pull", "--repository", "arn:aws:s3:::bucket"), "not an ECR repository ARN"),
    (("--pull", "--repository", "app", "--registry", "ghcr.io"), "not an Amazon ECR"),
    (("--push", "--repository", "web", "--registry", "public.ecr.aws"), "--account"),
    (("--pull",), "at least one --repository"),
])
def test_iam_usage_errors(argv: tuple[str, ...], message: str) -> None:
    code, out, err = run("policy", "iam", *argv)
    assert code == 2 and message in err and out == ""


# --- IAM001 / IAM002 ------------------------------------------------------------------------


def test_iam_check_flags_wildcards_and_star_resources() -> None:
    text = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "All", "Effect": "Allow", "Action": "ecr:*", "Resource": "*"},
        {"Effect": "Allow", "Action": ["ecr:BatchGetImage", "ecr:GetAuthorizationToken"],
         "Resource": "*"},
        {"Effect": "Allow", "Action": "ecr:Get*", "Resource": ["*"]},
        {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
        {"Effect": "Deny", "Action": "ecr:*", "Resource": "*"},
        {"Effect": "Allow", "Action": "ecr:PutImage",
         "Resource": "arn:aws:ecr:us-east-1:123456789012:repository/app"},
    ]}, indent=2)
    findings = check_iam_policy(text, "iam/ci.json")
    assert [f.rule_id for f in findings] == ["IAM001", "IAM002", "IAM002"]
    assert findings[0].location.line == 7 and "'All'" in findings[0].message
    assert "ecr:BatchGetImage" in findings[1].message
    assert "ecr:GetAuthorizationToken" not in findings[1].message
    assert "ecr:Get*" in findings[2].message


def test_iam_check_reads_nested_documents_and_ignores_other_files() -> None:
    cfn = {"Resources": {"Role": {"Properties": {"Policies": [{"PolicyDocument": {
        "Statement": [{"Effect": "Allow", "Action": ["*"], "Resource": "*"}]}}]}}}}
    assert [f.rule_id for f in check_iam_policy(json.dumps(cfn), "t.json")] == ["IAM001"]
    assert check_iam_policy("not json", "x") == []
    assert check_iam_policy('{"auths": {}}', "config.json") == []
    assert check_iam_policy(json.dumps({"Statement": {"Effect": "Allow",
                                                      "Action": "s3:*", "Resource": "*"}}),
                            "s3.json") == []


def test_iam_rules_have_pages() -> None:
    for rule_id in ("IAM001", "IAM002", "ENV020", "CFG020"):
        code, out, _ = run("explain", rule_id)
        assert code == 0 and rule_id in out


# --- Rego ---------------------------------------------------------------------------------


def rego_violations(text: str) -> set[tuple[str, str]]:
    regopy = pytest.importorskip("regopy") if os.environ.get("CI") != "true" else __import__(
        "regopy")
    interpreter = regopy.Interpreter()
    interpreter.add_module("main.rego", rego_policy())
    interpreter.set_input_term(text)
    output = json.loads(str(interpreter.query("data.main.deny")))
    messages = output["expressions"][0]
    found = set()
    for message in messages:
        m = re.match(r"(CFG00[12]) (\S+): ", message)
        assert m, message
        found.add((m.group(1), m.group(2)))
    return found


def python_violations(text: str, path: str) -> set[tuple[str, str]]:
    diagnosis = diagnose_text(text, path, unknown_environment())
    return {(f.rule_id, f.registry or "") for f in diagnosis.findings
            if f.rule_id in ("CFG001", "CFG002")}


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_rego_and_python_rules_agree(fixture: Path) -> None:
    text = fixture.read_text()
    assert rego_violations(text) == python_violations(text, str(fixture))


def test_agreement_fixtures_exercise_both_rules_both_ways() -> None:
    results = [python_violations(p.read_text(), str(p)) for p in FIXTURES]
    rules = {rule for found in results for rule, _ in found}
    assert rules == {"CFG001", "CFG002"}
    assert any(not found for found in results) and len(FIXTURES) >= 25


def test_rego_is_v1_for_conftest_default_namespace() -> None:
    text = rego_policy()
    assert "\npackage main\n" in text
    assert "deny contains msg if {" in text
    assert "deny[msg]" not in text and "import future.keywords" not in text


# --- GitHub Actions -------------------------------------------------------------------------


def load_workflow(text: str) -> dict[Any, Any]:
    document = yaml.safe_load(text)
    assert isinstance(document, dict)
    return document


@pytest.mark.parametrize("name", ["github-workflow.yml", "github-workflow-self-hosted.yml"])
def test_workflow_parses_and_has_the_canonical_shape(name: str) -> None:
    text = run(*GOLDEN_CASES[name])[1]
    workflow = load_workflow(text)
    assert workflow["permissions"]["id-token"] == "write"
    # YAML 1.1 (PyYAML, like GitHub's parser before 2020) reads the key `on` as True.
    trigger = workflow.get("on", workflow.get(True))
    job = workflow["jobs"]["image"]
    steps = job["steps"]
    uses = [s.get("uses", "") for s in steps]
    creds = next(s for s in steps if s.get("uses", "").startswith(
        "aws-actions/configure-aws-credentials@"))
    assert creds["with"]["role-to-assume"] == ROLE
    assert "aws-access-key-id" not in creds["with"]
    if name == "github-workflow.yml":
        assert job["runs-on"] == "ubuntu-latest"
        assert trigger["push"]["branches"] == ["main"]
        login = next(s for s in steps if s.get("uses", "").startswith(
            "aws-actions/amazon-ecr-login@"))
        assert login["with"]["mask-password"] == "true"
        assert "skip-logout" not in login["with"]
    else:
        assert "self-hosted" in job["runs-on"]
        assert trigger["push"]["branches"] == ["release/v2"]
        assert not any(u.startswith("aws-actions/amazon-ecr-login@") for u in uses)
        script = "\n".join(s.get("run", "") for s in steps)
        assert "docker login" not in script and '"ecr-login"' in script
        assert steps[-1]["if"] == "always()" and "rm -rf" in steps[-1]["run"]


def test_workflow_is_clean_under_ecr_doctors_own_scan(tmp_path: Path) -> None:
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    texts = [run(*GOLDEN_CASES[n])[1]
             for n in ("github-workflow.yml", "github-workflow-self-hosted.yml")]
    for index, text in enumerate(texts):
        (workflows / f"ecr-{index}.yml").write_text(text)
    texts.append(run(*GOLDEN_CASES["gitlab-ci.yml"])[1])
    (tmp_path / ".gitlab-ci.yml").write_text(texts[-1])
    for text in texts:
        # Whatever the scanner: no stored AWS key, no password on a command line, no token.
        assert not re.search(r"aws-(access-key-id|secret-access-key)|AKIA|--password|"
                             r"docker login|secrets\.", text)
    code, out, err = run("scan", str(tmp_path))
    assert code == 0 and "3 file(s) checked: no findings" in out, out + err


def test_generated_shell_is_valid_sh(tmp_path: Path) -> None:
    """Every run/script block the generators emit parses as POSIX sh (`sh -n`)."""
    import subprocess

    blocks: list[str] = []
    for name in ("github-workflow.yml", "github-workflow-self-hosted.yml"):
        blocks += [s["run"] for s in load_workflow(run(*GOLDEN_CASES[name])[1])["jobs"]["image"]
                   ["steps"] if "run" in s]
    job = load_workflow(run(*GOLDEN_CASES["gitlab-ci.yml"])[1])["ecr-image"]
    blocks += job["script"] + job["after_script"]
    assert len(blocks) >= 5
    for block in blocks:
        result = subprocess.run(["sh", "-n"], input=block, capture_output=True, text=True)
        assert result.returncode == 0, (block, result.stderr)


def test_gitlab_job_uses_id_token_and_helper_without_login() -> None:
    job = load_workflow(run(*GOLDEN_CASES["gitlab-ci.yml"])[1])["ecr-image"]
    assert job["id_tokens"]["AWS_ID_TOKEN"]["aud"] == "sts.amazonaws.com"
    assert job["variables"]["AWS_ROLE_ARN"] == ROLE
    assert job["rules"] == [{"if": '$CI_COMMIT_BRANCH == "main"'}]
    script = job["script"][0]
    assert "docker login" not in script and "AWS_WEB_IDENTITY_TOKEN_FILE" in script
    config = re.search(r"'(\{.*\})'", script)
    assert config and json.loads(config.group(1)) == {
        "credHelpers": {"123456789012.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login"}}
    policy = json.loads(run(*GOLDEN_CASES["gitlab-trust-policy.json"])[1])
    assert policy["Statement"][0]["Condition"]["StringEquals"] == {
        "gitlab.com:aud": "sts.amazonaws.com",
        "gitlab.com:sub": "project_path:acme/platform/app:ref_type:branch:ref:main"}


def test_trust_policy_is_scoped_to_repo_and_branch() -> None:
    policy = json.loads(run(*GOLDEN_CASES["github-trust-policy.json"])[1])
    statement = policy["Statement"][0]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Principal"]["Federated"] == (
        "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com")
    assert statement["Condition"] == {"StringEquals": {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"}}


@pytest.mark.parametrize("argv, message", [
    (("--role-arn", "arn:aws:iam::123:role/x", "--region", "us-east-1"), "not an IAM role ARN"),
    (("--role-arn", ROLE, "--region", "mars"), "not an AWS region"),
    (("--role-arn", ROLE), "--region"),
    (("--role-arn", ROLE, "--region", "us-east-1", "--registry", "ghcr.io"), "not a bare"),
    (("--role-arn", ROLE, "--region", "us-east-1", "--branch", "main\nevil: 1"), "branch"),
    (("--role-arn", ROLE, "--region", "us-east-1", "--image", "a b"), "--image"),
    (("--trust-policy", "--repo", "acme/app", "--branch", "*"), "needs the account"),
    (("--trust-policy", "--role-arn", ROLE, "--repo", "acme/app", "--branch", "*"), "branch"),
    (("--trust-policy", "--role-arn", ROLE, "--repo", "acme"), "owner/name"),
])
def test_ci_usage_errors(argv: tuple[str, ...], message: str) -> None:
    code, out, err = run("ci", "github", *argv)
    assert code == 2 and message in err and out == "", err
