"""The GitHub Action (action.yml at the repository root), run as far as it runs off GitHub.

Each composite step's shell script runs with bash exactly as written, with the step's `env`
filled in the way the runner would (inputs, `github.action_path`, earlier steps' outputs via
$GITHUB_OUTPUT), against a throwaway repository. The install step really installs this
checkout into a fresh venv (from PyPI for the dependencies). What cannot run here is
`github/codeql-action/upload-sarif` itself: the test checks the SARIF it would receive
(schema, automationDetails, repository-relative paths) and that the step is gated on it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import ECR, expired_auth

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
STEPS = {step.get("id", step["name"]): step for step in ACTION["runs"]["steps"]}
SARIF_SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json")
                          .read_text())
_EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


def _inputs(**given: str) -> dict[str, str]:
    values = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    values.update({name.replace("_", "-"): value for name, value in given.items()})
    return values


def _evaluate(template: str, context: Mapping[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        return context.get(match.group(1), "")  # the runner's value for a missing output: ""

    return _EXPRESSION.sub(one, template)


def _context(inputs: Mapping[str, str], outputs: Mapping[str, Mapping[str, str]]
             ) -> dict[str, str]:
    context = {"github.action_path": str(ROOT)}
    context.update({f"inputs.{k}": v for k, v in inputs.items()})
    for step, values in outputs.items():
        context.update({f"steps.{step}.outputs.{k}": v for k, v in values.items()})
    return context


def run_step(step_id: str, workspace: Path, runner_temp: Path, inputs: Mapping[str, str],
             outputs: dict[str, dict[str, str]]) -> subprocess.CompletedProcess[str]:
    step = STEPS[step_id]
    assert step["shell"] == "bash"
    context = _context(inputs, outputs)
    github_output = runner_temp / f"output-{step_id}"
    github_output.write_text("")
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root"),
           "RUNNER_TEMP": str(runner_temp), "GITHUB_OUTPUT": str(github_output),
           "GITHUB_WORKSPACE": str(workspace)}
    env.update({k: _evaluate(str(v), context) for k, v in step.get("env", {}).items()})
    # The runner runs `bash --noprofile --norc -eo pipefail {0}` on the script file.
    script = runner_temp / f"{step_id}.sh"
    script.write_text(step["run"])
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                          cwd=workspace, env=env, capture_output=True, text=True, timeout=600)
    lines = github_output.read_text().splitlines()
    outputs[step_id] = dict(line.split("=", 1) for line in lines if "=" in line)
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    runner_temp = tmp_path_factory.mktemp("runner-temp")
    outputs: dict[str, dict[str, str]] = {}
    done = run_step("install", runner_temp, runner_temp, _inputs(), outputs)
    assert done.returncode == 0, done.stderr
    assert Path(outputs["install"]["bin"]).is_file()
    return outputs["install"]


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / ".docker").mkdir(parents=True)
    (repo / ".docker" / "config.json").write_text(
        json.dumps({"auths": {ECR: {"auth": expired_auth()}}}, indent="\t"))
    (repo / "ci dir").mkdir()
    (repo / "ci dir" / "deploy.sh").write_text("#!/bin/sh\n$(aws ecr get-login --region "
                                                "us-east-1)\n")
    (repo / "README.md").write_text("Log in with aws ecr get-login-password.\n")
    return repo


def scan_and_gate(repo: Path, installed: Mapping[str, str], **given: str
                  ) -> tuple[dict[str, dict[str, str]], subprocess.CompletedProcess[str],
                             subprocess.CompletedProcess[str]]:
    runner_temp = repo.parent / "runner-temp"
    runner_temp.mkdir(exist_ok=True)
    outputs: dict[str, dict[str, str]] = {"install": dict(installed)}
    inputs = _inputs(**given)
    scanned = run_step("scan", repo, runner_temp, inputs, outputs)
    gated = run_step("Gate", repo, runner_temp, inputs, outputs)
    return outputs, scanned, gated


def _sarif(repo: Path, outputs: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((repo / outputs["scan"]["sarif-file"]).read_text())
    jsonschema.validate(document, SARIF_SCHEMA)
    return document


def test_the_action_declares_the_documented_interface() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) >= {"paths", "fail-on", "baseline", "category"}
    assert set(ACTION["outputs"]) >= {"sarif-file", "exit-code", "findings"}
    upload = STEPS["Upload SARIF to code scanning"]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert "steps.scan.outputs.sarif-file != ''" in upload["if"] and "always()" in upload["if"]
    assert upload["with"] == {"sarif_file": "${{ steps.scan.outputs.sarif-file }}",
                              "category": "${{ inputs.category }}"}


def test_no_expression_is_expanded_inside_a_script() -> None:
    # `${{ inputs.paths }}` pasted into `run:` is shell injection from whoever sets the input
    # (zizmor: template-injection); every value reaches the scripts through env.
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step["name"]


def test_findings_upload_and_fail_the_job(repository: Path, installed: Mapping[str, str]
                                          ) -> None:
    outputs, scanned, gated = scan_and_gate(repository, installed)
    assert scanned.returncode == 0, scanned.stderr
    assert outputs["scan"]["exit-code"] == "1" and outputs["scan"]["findings"] == "2"
    run = _sarif(repository, outputs)["runs"][0]
    assert run["automationDetails"]["id"] == "ecr-doctor/"
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in run["results"]}
    assert uris == {".docker/config.json", "ci%20dir/deploy.sh"}
    assert all(r["properties"]["security-severity"] for r in run["tool"]["driver"]["rules"])
    assert gated.returncode == 1 and "::error::" in gated.stdout


def test_fail_on_decides_the_gate_not_the_upload(repository: Path,
                                                 installed: Mapping[str, str]) -> None:
    outputs, _, gated = scan_and_gate(repository, installed, fail_on="none",
                                      category="ecr-doctor-nightly")
    assert gated.returncode == 0 and outputs["scan"]["sarif-file"] == "ecr-doctor.sarif"
    assert _sarif(repository, outputs)["runs"][0]["automationDetails"]["id"] == \
        "ecr-doctor-nightly/"
    outputs, _, gated = scan_and_gate(repository, installed, fail_on="critical")
    assert outputs["scan"]["exit-code"] == "0" and gated.returncode == 0


def test_paths_one_per_line_keep_their_spaces(repository: Path,
                                              installed: Mapping[str, str]) -> None:
    outputs, _, gated = scan_and_gate(repository, installed, paths="ci dir\nREADME.md\n")
    run = _sarif(repository, outputs)["runs"][0]
    assert [r["ruleId"] for r in run["results"]] == ["SCN003"]
    assert gated.returncode == 0  # SCN003 is medium, under the default gate (high)


def test_a_baseline_accepts_known_findings(repository: Path,
                                           installed: Mapping[str, str]) -> None:
    baseline = repository / ".ecr-doctor-baseline.json"
    done = subprocess.run([installed["bin"], "scan", ".", "--write-baseline", str(baseline)],
                          cwd=repository, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    outputs, _, gated = scan_and_gate(repository, installed, baseline=baseline.name)
    assert outputs["scan"]["exit-code"] == "0" and outputs["scan"]["findings"] == "0"
    assert gated.returncode == 0


def test_an_unreadable_input_fails_the_gate(repository: Path,
                                            installed: Mapping[str, str]) -> None:
    outputs, _, gated = scan_and_gate(repository, installed, paths="missing-dir")
    assert outputs["scan"]["exit-code"] == "2"
    assert gated.returncode == 1 and "no verdict" in gated.stdout


def test_a_hostile_input_is_data_not_shell(repository: Path,
                                           installed: Mapping[str, str]) -> None:
    outputs, _, _ = scan_and_gate(repository, installed,
                                  paths='$(touch pwned) "; touch pwned2 #',
                                  category="x$(touch pwned3)")
    assert not list(repository.glob("pwned*"))
    assert outputs["scan"]["exit-code"] == "2"  # the paths do not exist; nothing ran
