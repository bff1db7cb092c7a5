"""Every command with `--format json` prints one envelope that validates against the published
schemas (src/ecr_doctor/schemas/envelope.json and the command's result schema)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ECR, expired_auth
from envelope import SCHEMAS, validated

from ecr_doctor.cli.main import COMMANDS, build_command_parser


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], "HOME": str(home), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "ecr_doctor", *args], capture_output=True,
                          text=True, env=env, timeout=120)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    docker = tmp_path / ".docker"
    docker.mkdir()
    (docker / "config.json").write_text(json.dumps(
        {"auths": {f"https://{ECR}": {"auth": expired_auth()}}}))
    return tmp_path


CASES = {
    "diagnose": ("diagnose",),
    "fix": ("fix", "--diff"),
    "fix-check": ("fix", "--check"),
    "explain-rule": ("explain", "CFG001"),
    "explain-error": ("explain", "no basic auth credentials"),
    "explain-unknown": ("explain", "something nobody has ever printed"),
    "rules": ("rules",),
    "scan": ("scan", "{home}/.docker"),
    "audit": ("audit", "--root", "{home}"),
    "policy-iam": ("policy", "iam", "--pull", "--repository",
                   "arn:aws:ecr:us-east-1:123456789012:repository/app"),
    "policy-rego": ("policy", "rego"),
    "kube-provider-config": ("kube", "provider-config"),
    "export-gitleaks": ("export", "gitleaks"),
    "export-trufflehog": ("export", "trufflehog"),
    "policy-ecs": ("policy", "iam", "--ecs-task-execution", "--repository",
                   "arn:aws:ecr:us-east-1:123456789012:repository/app"),
    "ecs-check": ("ecs", "check", str(Path(__file__).parent / "fixtures" / "ecs"
                                      / "aws-sdk-describe-hello-world.json")),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_json_output_validates(home: Path, case: str) -> None:
    args = [a.format(home=home) for a in CASES[case]]
    result = cli(home, *args, "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    document = json.loads(result.stdout)
    assert document["schema_version"] == "2.2" and document["exit_code"] == result.returncode
    validated(result.stdout, args[0])


def test_a_rule_page_in_json_carries_the_same_page(home: Path) -> None:
    text = cli(home, "explain", "CFG001").stdout
    result = validated(cli(home, "explain", "CFG001", "--format", "json").stdout, "explain")
    assert result["page"] == text and result["rule"]["id"] == "CFG001"


def test_the_envelope_names_every_command_that_prints_json() -> None:
    def formats(parser: argparse.ArgumentParser) -> set[str]:
        found: set[str] = set()
        for action in parser._actions:
            if action.dest == "format" and action.choices:
                found |= set(action.choices)
            if isinstance(action, argparse._SubParsersAction):
                for child in action.choices.values():
                    found |= formats(child)
        return found

    with_json = {name for name in COMMANDS if "json" in formats(build_command_parser(name))}
    schema = json.loads((SCHEMAS / "envelope.json").read_text())
    assert with_json == set(schema["properties"]["command"]["enum"])
    for name in with_json:
        assert (SCHEMAS / f"{'scan' if name == 'audit' else name}.json").exists(), name
