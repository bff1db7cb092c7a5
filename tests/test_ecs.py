"""`ecr-doctor ecs check` and `policy iam --ecs-task-execution`: real task definitions, the
exit codes CI relies on, the JSON schema, and hostile input (truncated, binary, FIFO, huge,
control characters, a planted secret, duplicate keys)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from ecs_cases import ECR, PLANTED, ROLE, SECRET, taskdef, web
from envelope import validated

from ecr_doctor.cli.main import main
from ecr_doctor.core.imageref import parse_image
from ecr_doctor.core.taskdef import MAX_TASKDEF_BYTES
from ecr_doctor.policy.iamcheck import check_iam_policy

FIXTURES = Path(__file__).parent / "fixtures" / "ecs"
SRC = str(Path(__file__).parent.parent / "src")


def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = main(list(argv), stdout=out, stderr=err)
    finally:
        sys.stdin = saved
    return code, out.getvalue(), err.getvalue()


def check(path: Path | str, *extra: str) -> tuple[int, str, str]:
    return run("ecs", "check", str(path), *extra)


def findings(path: Path | str) -> list[dict[str, object]]:
    code, out, err = check(path, "--format", "json")
    assert code in (0, 1), err
    result = validated(out, "ecs")
    assert result["summary"]["total"] == len(result["findings"])
    return list(result["findings"])


def write(tmp_path: Path, doc: object, name: str = "task.json") -> Path:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc, indent=2))
    return path


# --- image references, as Docker splits them -------------------------------------------------


@pytest.mark.parametrize(("raw", "domain", "repository", "tag", "digest"), [
    ("nginx", "docker.io", "library/nginx", None, None),
    ("nginx:1.27", "docker.io", "library/nginx", "1.27", None),
    ("acme/app", "docker.io", "acme/app", None, None),
    ("localhost:5000/app:dev", "localhost:5000", "app", "dev", None),
    (f"{ECR}/team/web:1.4", ECR, "team/web", "1.4", None),
    (f"{ECR}/web@sha256:{'a' * 64}", ECR, "web", None, "sha256:" + "a" * 64),
    ("public.ecr.aws/docker/library/httpd:latest", "public.ecr.aws", "docker/library/httpd",
     "latest", None),
    ("index.docker.io/library/nginx", "docker.io", "library/nginx", None, None),
])
def test_image_reference_is_split_as_docker_splits_it(raw: str, domain: str, repository: str,
                                                      tag: str | None,
                                                      digest: str | None) -> None:
    ref = parse_image(raw)
    assert (ref.domain, ref.repository, ref.tag, ref.digest) == (domain, repository, tag, digest)


# --- real task definitions -----------------------------------------------------------------


def test_aws_samples_fargate_awslogs_without_role_is_refused() -> None:
    found = findings(FIXTURES / "aws-samples-nginx-fargate.json")
    assert [(f["rule_id"], f["severity"], f["line"]) for f in found] == [("ECS005", "high", 19)]


def test_aws_docs_sample_fargate_is_clean() -> None:
    code, out, _ = check(FIXTURES / "aws-docs-sample-fargate.json")
    assert code == 0
    assert "no findings" in out and "runs on: FARGATE" in out


def test_terraform_3051_fargate_ecr_without_role() -> None:
    (finding,) = findings(FIXTURES / "terraform-3051-fargate-ecr.json")
    assert finding["rule_id"] == "ECS003" and finding["severity"] == "high"
    assert (finding["line"], finding["col"]) == (10, 16)


def test_describe_output_is_read_and_the_sdk_example_password_flagged() -> None:
    code, out, _ = check(FIXTURES / "aws-sdk-describe-hello-world.json", "--format", "json")
    assert code == 1
    result = validated(out, "ecs")
    assert (result["shape"], result["family"], result["revision"]) == ("describe",
                                                                         "hello_world", 8)
    assert [c["registry"] for c in result["containers"]] == ["docker.io", "docker.io"]
    ids = sorted(f["rule_id"] for f in result["findings"])
    assert ids == ["ECS002", "ECS002", "ECS008"]
    (secret,) = [f for f in result["findings"] if f["rule_id"] == "ECS008"]
    assert "MYSQL_ROOT_PASSWORD" in secret["message"]
    assert str(secret["details"]["secret"]).startswith("fp:")


def test_invalid_json_from_aws_samples_is_exit_2_with_its_position() -> None:
    code, out, err = check(FIXTURES / "aws-samples-tomcat-ec2.json")
    assert code == 2 and out == ""
    assert "aws-samples-tomcat-ec2.json:5:5: not valid JSON" in err


# --- exit codes, formats, stdin ------------------------------------------------------------


def test_fail_on_gates_the_exit_code(tmp_path: Path) -> None:
    path = write(tmp_path, taskdef(web(), requiresCompatibilities=["EC2"]))  # ECS003 info
    assert check(path)[0] == 0
    assert check(path, "--fail-on", "info")[0] == 1
    assert check(path, "--fail-on", "nonsense")[0] == 2


def test_stdin_and_sarif(tmp_path: Path) -> None:
    doc = json.dumps(taskdef(web(f"{ECR}/web"), executionRoleArn=ROLE))
    code, out, _ = run("ecs", "check", "-", "--format", "sarif", stdin=doc)
    assert code == 1
    sarif = json.loads(out)
    (result,) = sarif["runs"][0]["results"]
    assert result["ruleId"] == "ECS002"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "%3Cstdin%3E"


def test_not_a_task_definition_is_exit_2(tmp_path: Path) -> None:
    for doc, message in (("[]", "expected a JSON object"),
                         ('{"family": "web"}', "no containerDefinitions")):
        code, _, err = check(write(tmp_path, doc))
        assert code == 2 and message in err, err


def test_missing_file_is_exit_2(tmp_path: Path) -> None:
    code, _, err = check(tmp_path / "absent.json")
    assert code == 2 and "cannot read" in err


# --- hostile input -------------------------------------------------------------------------


def test_truncated_file_is_exit_2(tmp_path: Path) -> None:
    text = json.dumps(taskdef(web(), executionRoleArn=ROLE), indent=2)
    code, _, err = check(write(tmp_path, text[: len(text) // 2]))
    assert code == 2 and "truncated file?" in err


def test_binary_file_is_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "task.json"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe" * 100)
    code, _, err = check(path)
    assert code == 2 and "not UTF-8" in err


def test_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "task.json"
    os.mkfifo(fifo)
    link = tmp_path / "link.json"
    link.symlink_to(fifo)
    for path in (fifo, link):
        # A subprocess with a timeout: a reader that blocked on the FIFO would hang the suite.
        done = subprocess.run([sys.executable, "-m", "ecr_doctor", "ecs", "check", str(path)],
                              capture_output=True, text=True, timeout=60,
                              env={"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin"})
        assert done.returncode == 2 and "not a regular file" in done.stderr


def test_symlink_to_a_task_definition_is_followed(tmp_path: Path) -> None:
    target = write(tmp_path, taskdef(web(), executionRoleArn=ROLE))
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert check(link)[0] == 0


def test_file_over_the_cap_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "task.json"
    path.write_bytes(b" " * (MAX_TASKDEF_BYTES + 1))
    code, _, err = check(path)
    assert code == 2 and "larger than" in err


def test_a_ten_megabyte_image_line_is_cut_in_every_output(tmp_path: Path) -> None:
    image = "a" * (7 * 1024 * 1024)  # one line; the file stays under the 8 MiB cap
    path = write(tmp_path, json.dumps(taskdef(web(image), executionRoleArn=ROLE)))
    for fmt in ("text", "json", "sarif"):
        code, out, _ = check(path, "--format", fmt)
        assert code == 1 and len(out) < 100_000, fmt
    code, out, _ = check(path, "--format", "json")
    assert validated(out, "ecs")["findings"][0]["rule_id"] == "ECS002"


def test_control_characters_in_an_image_are_shown_escaped(tmp_path: Path) -> None:
    image = f"{ECR}/web\u001b[2J\u009b31m\u202e"
    path = write(tmp_path, json.dumps(taskdef(web(image), executionRoleArn=ROLE)))
    for fmt in ("text", "json", "sarif"):
        _, out, _ = check(path, "--format", fmt)
        assert not any(c in out for c in "\u001b\u009b\u202e"), fmt
        assert "\\u001b" in out, fmt


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_a_planted_environment_secret_is_never_printed(tmp_path: Path, fmt: str) -> None:
    path = write(tmp_path, taskdef(web(f"{ECR}/web", environment=[
        {"name": "AWS_SECRET_ACCESS_KEY", "value": PLANTED},
        {"name": "GITHUB_TOKEN", "value": "ghp_" + PLANTED[:30]}]), executionRoleArn=ROLE))
    done = subprocess.run([sys.executable, "-m", "ecr_doctor", "ecs", "check", str(path),
                           "--format", fmt], capture_output=True, text=True, timeout=60,
                          env={"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin", "NO_COLOR": "1"})
    assert done.returncode == 1
    output = done.stdout + done.stderr
    assert "ECS008" in output
    pieces = {PLANTED[i:i + 8] for i in range(len(PLANTED) - 7)}
    assert not [p for p in pieces if p in output]


def test_duplicate_keys_use_the_last_as_the_aws_cli_does(tmp_path: Path) -> None:
    text = ('{"family": "web", "containerDefinitions": [{"name": "web",\n'
            f' "image": "{ECR}/web:1", "image": "nginx:1.27"}}]}}')
    found = findings(write(tmp_path, text))
    # The last image (Docker Hub) is the one used: no ECS003 for the ECR one before it.
    assert [(f["rule_id"], f["line"]) for f in found] == [("ECS009", 2)]


def test_a_bom_keeps_positions(tmp_path: Path) -> None:
    path = tmp_path / "task.json"
    path.write_text("\ufeff" + json.dumps(taskdef(web(f"{ECR}/web")), indent=2))
    (ecs003, ecs002) = sorted(findings(path), key=lambda f: str(f["rule_id"]), reverse=True)
    assert (ecs003["line"], ecs003["col"], ecs002["line"]) == (6, 16, 6)


# --- policy iam --ecs-task-execution -------------------------------------------------------

REPO = "arn:aws:ecr:us-east-1:123456789012:repository/web"
PARAM = "arn:aws:ssm:us-east-1:123456789012:parameter/web/db"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web"


def ecs_policy(*extra: str) -> dict[str, object]:
    code, out, err = run("policy", "iam", "--ecs-task-execution", "--format", "json", *extra)
    assert code == 0, err
    return validated(out, "policy")


def test_execution_role_policy_is_least_privilege_and_passes_the_iam_checker() -> None:
    result = ecs_policy("--repository", REPO, "--secret", SECRET, "--parameter", PARAM,
                        "--kms-key", KEY, "--log-group", GROUP)
    policy = result["policy"]
    assert check_iam_policy(json.dumps(policy), "execution-role.json") == []
    grants = {s["Sid"]: (s["Action"], s["Resource"]) for s in policy["Statement"]}
    assert grants == {
        "EcrAuthorizationToken": (["ecr:GetAuthorizationToken"], "*"),
        "EcrPull": (["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], [REPO]),
        "AwsLogs": (["logs:CreateLogStream", "logs:PutLogEvents"],
                    [GROUP, GROUP + ":log-stream:*"]),
        "SecretsManagerValues": (["secretsmanager:GetSecretValue"], [SECRET]),
        "SsmParameters": (["ssm:GetParameters"], [PARAM]),
        "KmsDecrypt": (["kms:Decrypt"], [KEY]),
    }
    (trust,) = result["trust_policy"]["Statement"]
    assert trust["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}
    assert trust["Action"] == "sts:AssumeRole" and "Condition" not in trust


def test_only_what_is_named_is_granted() -> None:
    statements = ecs_policy("--secret", SECRET)["policy"]["Statement"]
    assert [s["Sid"] for s in statements] == ["SecretsManagerValues"]


def test_source_account_scopes_the_trust_policy() -> None:
    (trust,) = ecs_policy("--repository", REPO, "--source-account",
                          "123456789012")["trust_policy"]["Statement"]
    assert trust["Condition"] == {
        "StringEquals": {"aws:SourceAccount": "123456789012"},
        "ArnLike": {"aws:SourceArn": "arn:aws:ecs:us-east-1:123456789012:*"}}


def test_text_output_holds_both_documents() -> None:
    code, out, _ = run("policy", "iam", "--ecs-task-execution", "--repository", REPO)
    assert code == 0
    parts = [p for p in out.split("# ") if p.strip()]
    documents = [json.loads(p.split("\n", 1)[1]) for p in parts]
    assert [len(d["Statement"]) for d in documents] == [2, 1]


@pytest.mark.parametrize(("argv", "message"), [
    ((), "at least one"),
    (("--secret", "db-password"), "not a Secrets Manager secret ARN"),
    (("--log-group", "/ecs/web"), "not a CloudWatch Logs group ARN"),
    (("--repository", "arn:aws:ecr-public::123456789012:repository/web"), "anonymously"),
    (("--repository", REPO, "--pull"), "drop --pull"),
    (("--repository", REPO, "--source-account", "1234"), "12-digit"),
])
def test_ecs_policy_usage_errors(argv: tuple[str, ...], message: str) -> None:
    code, out, err = run("policy", "iam", "--ecs-task-execution", *argv)
    assert code == 2 and out == "" and message in err, err


def test_ecs_options_need_ecs_task_execution() -> None:
    code, _, err = run("policy", "iam", "--pull", "--repository", REPO, "--secret", SECRET)
    assert code == 2 and "--ecs-task-execution" in err
