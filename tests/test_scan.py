"""Scan detectors SCN001-SCN008: true positives, look-alikes that must stay silent, positions.

Fixtures follow the forms named on the rule pages: path-suffixed `auths` keys (docker/cli
legacy lookup), escaped DOCKER_AUTH_CONFIG JSON in GitLab CI YAML and a GitLab runner
config.toml (trufflehog's docker detector, glsec GL066), Kubernetes `.dockerconfigjson` /
`.dockercfg` Secrets (Trivy's only form), zizmor's hard-coded container credentials.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from conftest import ECR, NOW, expired_auth, live_auth
from scan_cases import (
    AUTH,
    CASES,
    GITLAB_CI_ESCAPED,
    HELPER_CACHE,
    KUBE_REGCRED,
    KUBE_STRING_DATA,
    PASSWORD,
    RUNNER_TOML,
    TOKEN_LOOK_ALIKES,
    TRIVY_DOCKER_SECRETS,
    Case,
    b64,
)

from ecr_doctor.core.model import Finding, Severity
from ecr_doctor.scan.detect import file_kind
from ecr_doctor.scan.files import scan_bytes
from ecr_doctor.scan.yamlio import load_yaml


def scan(path: str, text: str | bytes) -> list[Finding]:
    data = text.encode() if isinstance(text, str) else text
    return scan_bytes(path, data, yaml_loader=load_yaml, now=NOW)


def ids(findings: list[Finding]) -> list[str]:
    return [f.rule_id for f in findings]


# SCN001: Docker config documents -----------------------------------------------------------

@pytest.mark.parametrize("key", [ECR, f"https://{ECR}", f"https://{ECR}/v2/", f"{ECR}/v1/"])
def test_path_suffixed_keys_are_decoded_as_ecr(key: str) -> None:
    text = json.dumps({"auths": {key: {"auth": expired_auth()}}}, indent="\t")
    (f,) = scan("team/.docker/config.json", text)
    assert f.rule_id == "SCN001" and f.severity is Severity.HIGH
    assert f.detail("account") == "123456789012" and f.detail("region") == "us-east-1"
    assert "expired" in f.message and f.location.line == 3


def test_live_ecr_token_is_critical() -> None:
    (f,) = scan("config.json", json.dumps({"auths": {ECR: {"auth": live_auth()}}}))
    assert f.severity is Severity.CRITICAL and "live" in f.message


def test_other_registries_are_reported_as_medium() -> None:
    doc = {"auths": {"ghcr.io": {"auth": b64("octo:ghp_notreal")},
                     "https://index.docker.io/v1/": {"username": "bob", "password": "hunter2"}}}
    found = scan("auth.json", json.dumps(doc, indent=2))
    assert ids(found) == ["SCN001", "SCN001"]
    assert {f.severity for f in found} == {Severity.MEDIUM}
    assert {f.registry for f in found} == {"ghcr.io", "index.docker.io"}


def test_empty_placeholders_and_helpers_do_not_fire() -> None:
    doc = {"auths": {ECR: {}, "ghcr.io": {"auth": ""}}, "credHelpers": {ECR: "ecr-login"}}
    assert scan("config.json", json.dumps(doc)) == []


def test_json_files_only_fire_with_credentials_in_auths() -> None:
    assert scan("package.json", '{"name": "x", "auths": "not an object"}') == []
    assert scan("data/tokens.json", json.dumps({"auths": {ECR: {"auth": AUTH}}}))[0].rule_id \
        == "SCN001"


def test_legacy_dockercfg_without_auths_wrapper() -> None:
    (f,) = scan("home/.dockercfg", json.dumps({f"https://{ECR}": {"auth": AUTH, "email": "x"}}))
    assert f.rule_id == "SCN001" and f.severity is Severity.CRITICAL


def test_kubernetes_secret_base64_dockerconfigjson() -> None:
    (f,) = scan("k8s/regcred.yaml", KUBE_REGCRED)
    # An ECR token in a Secret is SCN009 (tests/test_scan_kube_secrets.py), read once.
    assert f.rule_id == "SCN009" and f.location.line == 7 and "Kubernetes Secret" in f.message


def test_kubernetes_string_data_and_legacy_dockercfg() -> None:
    found = scan("secrets.yml", KUBE_STRING_DATA)
    assert ids(found) == ["SCN001", "SCN009"]
    assert found[0].location.line == 4 and found[1].location.line == 8


def test_kubernetes_templated_secret_does_not_fire() -> None:
    text = "kind: Secret\ndata:\n  .dockerconfigjson: {{ .Values.dockerconfig | b64enc }}\n"
    assert scan("chart/templates/secret.yaml", text) == []


def test_escaped_docker_auth_config_in_gitlab_ci() -> None:
    (f,) = scan(".gitlab-ci.yml", GITLAB_CI_ESCAPED)
    assert f.rule_id == "SCN001" and f.location.line == 3 and "DOCKER_AUTH_CONFIG" in f.message


def test_docker_auth_config_variable_reference_does_not_fire() -> None:
    text = "variables:\n  DOCKER_AUTH_CONFIG: $ECR_AUTH_JSON\njob:\n  script: [echo hi]\n"
    assert scan(".gitlab-ci.yml", text) == []


def test_gitlab_runner_config_toml_escaped_environment() -> None:
    (f,) = scan("etc/gitlab-runner/config.toml", RUNNER_TOML)
    assert f.rule_id == "SCN001" and f.location.line == 4 and "config.toml" in f.message


def test_docker_auth_config_in_shell_and_k8s_env() -> None:
    sh = f"#!/bin/sh\nexport DOCKER_AUTH_CONFIG='{json.dumps({'auths': {ECR: {'auth': AUTH}}})}'\n"
    assert ids(scan("ci/setup", sh)) == ["SCN001"]
    pod = ("env:\n  - name: DOCKER_AUTH_CONFIG\n"
           f"    value: '{json.dumps({'auths': {'ghcr.io': {'auth': b64('a:b')}}})}'\n")
    assert ids(scan("pod.yaml", pod)) == ["SCN001"]


# SCN001 anywhere: a Docker config document in any text, escaped any number of times ---------

CONFIG = {"auths": {ECR: {"auth": AUTH}}}
GHCR = {"auths": {"ghcr.io": {"auth": b64("octo:ghp_realistic0value")}}}


def escaped(obj: object, times: int) -> str:
    text = json.dumps(obj)
    for _ in range(times):
        text = json.dumps(text)[1:-1]  # one more level of string escaping, without the quotes
    return text


@pytest.mark.parametrize("path", ["notes/setup.txt", "build.log", "docs/config", "a.md"])
def test_a_config_document_in_plain_text(path: str) -> None:
    text = "Paste this into ~/.docker/config.json:\n\n" + json.dumps(CONFIG, indent=2) + "\n"
    (f,) = scan(path, text)
    assert f.rule_id == "SCN001" and f.registry == ECR
    assert f.location.line == 5  # the entry's own line, not the document's


def test_two_config_documents_on_one_line() -> None:
    line = f"old={json.dumps(CONFIG)} new={json.dumps(GHCR)}\n"
    found = scan("ci.log", "header\n" + line)
    assert sorted(f.registry or "" for f in found) == sorted([ECR, "ghcr.io"])
    assert {f.location.line for f in found} == {2}


@pytest.mark.parametrize("times", [1, 2, 3, 4])
def test_a_config_escaped_any_number_of_times(times: int) -> None:
    # config.toml escapes once; that TOML quoted in a JSON or YAML value escapes again.
    text = f'{{"runner_toml": "environment = [\\"DOCKER_AUTH_CONFIG={escaped(CONFIG, times)}\\"]"}}\n'
    found = scan("deploy/values.txt", text)
    assert ids(found) == ["SCN001"] and found[0].registry == ECR


def test_runner_toml_with_a_doubly_escaped_config() -> None:
    value = escaped(CONFIG, 2)
    text = f'[[runners]]\n  environment = ["DOCKER_AUTH_CONFIG={value}"]\n'
    (f,) = scan("config.toml", text)
    assert f.rule_id == "SCN001" and f.location.line == 2


def test_a_config_found_by_its_own_detector_is_reported_once() -> None:
    text = json.dumps(CONFIG, indent="\t")
    assert ids(scan(".docker/config.json", text)) == ["SCN001"]
    assert ids(scan("job.yml", f"variables:\n  DOCKER_AUTH_CONFIG: '{json.dumps(CONFIG)}'\n")) \
        == ["SCN001"]


@pytest.mark.parametrize("text", [
    '{"auths": "not an object"}',
    '{"auths": {}}',
    '"auths": {"x": {"auth": "abc"}} but no object around it',
    '{"auths": {"ghcr.io": {"auth": "' + b64("octo:${GHCR_TOKEN}") + '"}}}',
    '{\\\\"auths\\": {}}',  # escape depths that do not match
    "\\" * 5000 + '"auths":',
])
def test_text_that_is_no_config_with_credentials_stays_quiet(text: str) -> None:
    assert scan("notes.txt", text + "\n") == []


@pytest.mark.parametrize("data", [
    b'{\\"auths\\":' * 200_000,            # every key escaped, no object ever closes
    b'{"auths":' * 200_000,                  # nesting past any decoder's depth
    b"{" * 1_000_000 + b'"auths": {}',       # openers to try, none a config
    b"\\" * 2_000_000 + b'"auths":',          # one run of backslashes
], ids=["escaped-keys", "nested-keys", "openers", "backslashes"])
def test_hostile_text_around_auths_keys_is_bounded_work(data: bytes) -> None:
    # Each shape made the embedded-config search quadratic before its bounds; now each
    # finishes in well under a second (no timing assertion: a regression shows as a hang).
    # Past its budget the search stops and says so: the file is not passed unsearched.
    from ecr_doctor.scan.files import IncompleteScan

    try:
        assert scan("hostile.txt", data) == []
    except IncompleteScan as exc:
        assert exc.findings == [] and "not checked to the end" in exc.reason


def test_a_config_hidden_behind_junk_fragments_fails_the_gate(tmp_path: Path) -> None:
    # Junk `"auths":` keys to spend the search's budget, then a real config: the scan must
    # not pass the file (exit 2, the file listed as unreadable), and still report what it saw.
    from ecr_doctor.cli.main import main

    junk = '{"auths": oops ' * 2000
    (tmp_path / "notes.txt").write_text(junk + json.dumps(CONFIG) + "\n")
    out, err = io.StringIO(), io.StringIO()
    code = main(["scan", str(tmp_path), "--format", "json"], stdout=out, stderr=err)
    result = json.loads(out.getvalue())["result"]
    assert code == 2
    (lost,) = result["unreadable"]
    assert lost["reason"].endswith("the file was not checked to the end (exclude it, or split it)")


# Not a value: masks, references, placeholders, documentation hosts --------------------------

@pytest.mark.parametrize("entry", [
    {"auth": "${DOCKER_AUTH}"},
    {"auth": b64("AWS:${ECR_PASSWORD}")},
    {"username": "AWS", "password": "***"},
    {"username": "ci", "password": "[MASKED]"},
    {"username": "ci", "password": "{{ .Values.registryPassword }}"},
    {"username": "ci", "password": "<your-password>"},
    {"auth": b64("username:password")},
    {"identitytoken": "$(IDENTITY_TOKEN)"},
])
def test_a_value_filled_in_elsewhere_is_no_credential(entry: dict[str, str]) -> None:
    doc = json.dumps({"auths": {"ghcr.io": entry}})
    assert scan("config.json", doc) == []
    assert scan("docs/setup.txt", "config: " + doc + "\n") == []


@pytest.mark.parametrize("host", ["registry.example.com", "https://myregistry.azurecr.io",
                                  "aws_account_id.dkr.ecr.us-east-1.amazonaws.com",
                                  "<registry-host>", "myregistrydomain.com:5000"])
def test_documentation_hosts_are_no_credential(host: str) -> None:
    doc = json.dumps({"auths": {host: {"auth": b64("octo:Sup3rSecretValue")}}})
    assert scan("README.md", doc + "\n") == []


@pytest.mark.parametrize("line", [
    'docker login -u ci -p "Sup3r Secret" ghcr.io\n',
    "docker login ghcr.io -u ci --password 'Sup3r Secret'\n",
    "docker login --password=\"Sup3r Secret\" -u ci ghcr.io\n",
])
def test_docker_login_names_its_server_and_no_word_of_the_password(line: str) -> None:
    (f,) = scan("ci.sh", line)
    assert f.rule_id == "SCN005" and f.registry == "ghcr.io"
    assert "Secret" not in f.message and "Sup3r" not in f.message


def test_a_mask_in_docker_login_is_no_literal_password() -> None:
    (f,) = scan("ci.sh", "docker login -u ci -p ****** ghcr.io\n")
    assert f.rule_id == "SCN005" and f.severity is Severity.MEDIUM
    assert f.detail("secret") is None and "mask" in f.message
    (f,) = scan("ci.sh", "docker login -u ci -p Sup3rSecretValue ghcr.io\n")
    assert f.severity is Severity.HIGH and f.detail("secret") is not None


# SCN002: bare ECR tokens --------------------------------------------------------------------

def test_bare_auth_and_password_in_a_log() -> None:
    text = f"step 1\ntoken={AUTH}\nlogin with {PASSWORD} done\n"
    found = scan("build.log", text)
    assert ids(found) == ["SCN002"]  # the password inside AUTH is the same secret: reported once
    assert found[0].location.line == 2 and found[0].severity is Severity.CRITICAL


def test_password_alone() -> None:
    (f,) = scan("notes.txt", f"pw: {PASSWORD}\n")
    assert f.rule_id == "SCN002" and f.detail("form") == "password"


def test_helper_cache_json() -> None:
    (f,) = scan("home/ci/.ecr/cache.json", HELPER_CACHE)
    assert f.rule_id == "SCN002" and "helper cache" in f.message


@pytest.mark.parametrize("decoy", TOKEN_LOOK_ALIKES)
def test_token_look_alikes_do_not_fire(decoy: str) -> None:
    assert scan("docs/readme.md", f"example: {decoy}\n") == []


# SCN003 / SCN005: shell lines ---------------------------------------------------------------

@pytest.mark.parametrize(("path", "text", "line"), [
    ("deploy.sh", "#!/bin/bash\nset -e\n$(aws ecr get-login --no-include-email --region eu-west-1)\n", 3),
    ("Makefile", "login:\n\teval $$(aws --region us-east-1 ecr get-login)\n", 2),
    ("Dockerfile", "FROM alpine\nRUN $(aws ecr get-login --region us-east-1) && make\n", 2),
    (".github/workflows/b.yml", "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n"
     "      - run: |\n          echo hi\n          $(aws ecr get-login)\n", 8),
    (".circleci/config.yml", "jobs:\n  b:\n    steps:\n      - run:\n          command: "
     "eval $(aws ecr get-login --no-include-email)\n", 5),
    # Options before the subcommand (the missed forms).
    ("deploy.sh", "$(aws ecr --region eu-west-1 get-login --no-include-email)\n", 1),
    ("deploy.sh", "eval $(aws --debug ecr get-login)\n", 1),
    ("deploy.sh", "aws --profile ci ecr --region us-east-1 get-login | sh\n", 1),
])
def test_get_login_v1(path: str, text: str, line: int) -> None:
    (f,) = [f for f in scan(path, text) if f.rule_id == "SCN003"]
    assert f.location.line == line


@pytest.mark.parametrize("text", [
    "aws ecr get-login-password --region us-east-1 | docker login -u AWS --password-stdin h\n",
    "# old: $(aws ecr get-login)\n",
    "aws ecr-public get-login-password | docker login --username AWS --password-stdin p\n",
    "aws ecr --region us-east-1 get-login-password | docker login -u AWS --password-stdin h\n",
    "aws ecr-public --region us-east-1 get-login-password | docker login --password-stdin p\n",
])
def test_get_login_look_alikes(text: str) -> None:
    assert scan("x.sh", text) == []


def test_docker_login_password_flag() -> None:
    text = ("docker login -u AWS -p $TOKEN h\n"
            "docker login --username bob --password=Sup3rSecretValue registry.example.com\n"
            "echo $PW | docker login -u bob --password-stdin h\n")
    found = scan("login.sh", text)
    assert ids(found) == ["SCN005", "SCN005"]
    assert [f.severity for f in found] == [Severity.MEDIUM, Severity.HIGH]
    assert "Sup3rSecretValue" not in repr(found)


def test_aws_cli_v1_output_line_fires_twice_without_leaking() -> None:
    text = f"docker login -u AWS -p {PASSWORD} -e none https://{ECR}\n"
    found = scan("run.sh", text)
    assert sorted(ids(found)) == ["SCN002", "SCN005"]
    assert PASSWORD not in repr(found)


# GitHub Actions: SCN004, SCN006, SCN007, SCN008 ---------------------------------------------

WF = """on: push
jobs:
  build:
    runs-on: {runs_on}
    steps:
      - uses: actions/checkout@v4
      - run: |
          aws ecr get-login-password --region us-east-1 | docker login --username AWS --password-stdin {ecr}
          docker push {ecr}/app:1
{extra}"""


def test_self_hosted_login_without_logout() -> None:
    (f,) = scan(".github/workflows/p.yml", WF.format(runs_on="[self-hosted, linux]", ecr=ECR,
                                                     extra=""))
    assert f.rule_id == "SCN004" and f.location.line == 8


@pytest.mark.parametrize(("runs_on", "extra"), [
    ("ubuntu-latest", ""),
    ("self-hosted", "      - if: always()\n        run: docker logout " + ECR + "\n"),
])
def test_self_hosted_look_alikes(runs_on: str, extra: str) -> None:
    assert scan(".github/workflows/p.yml", WF.format(runs_on=runs_on, ecr=ECR, extra=extra)) == []


def test_buildkite_and_tagged_gitlab_job_are_self_hosted() -> None:
    login = f"aws ecr get-login-password | docker login -u AWS --password-stdin {ECR}"
    bk = f"steps:\n  - label: push\n    command: {login}\n"
    assert ids(scan(".buildkite/pipeline.yml", bk)) == ["SCN004"]
    gl = f"push:\n  tags: [shell-runner]\n  script:\n    - {login}\n"
    assert ids(scan(".gitlab-ci.yml", gl)) == ["SCN004"]
    assert scan(".gitlab-ci.yml", gl.replace("  tags: [shell-runner]\n", "")) == []


@pytest.mark.parametrize(("path", "text", "self_hosted"), [
    # Bitbucket Pipelines: the `self.hosted` label picks the workspace's own runners.
    ("bitbucket-pipelines.yml", "pipelines:\n  default:\n    - step:\n        runs-on:\n"
     "          - self.hosted\n          - linux\n        script:\n          - {login}\n", True),
    ("bitbucket-pipelines.yml", "pipelines:\n  default:\n    - step:\n        script:\n"
     "          - {login}\n", False),
    # Azure Pipelines: a named pool is the organisation's agents; vmImage is Microsoft's.
    ("azure-pipelines.yml", "pool: build-agents\nsteps:\n  - script: {login}\n", True),
    ("azure-pipelines.yml", "pool:\n  name: build-agents\n  demands: docker\nsteps:\n"
     "  - script: {login}\n", True),
    ("azure-pipelines.yml", "pool:\n  vmImage: ubuntu-latest\nsteps:\n  - script: {login}\n",
     False),
    ("azure-pipelines.yml", "pool: Azure Pipelines\nsteps:\n  - script: {login}\n", False),
])
def test_bitbucket_and_azure_self_hosted_runners(path: str, text: str, self_hosted: bool) -> None:
    login = f"aws ecr get-login-password | docker login -u AWS --password-stdin {ECR}"
    found = ids(scan(path, text.format(login=login)))
    assert found == (["SCN004"] if self_hosted else []), found


def test_ecr_login_action_flags() -> None:
    text = ("on: push\njobs:\n  b:\n    runs-on: self-hosted\n    steps:\n"
            "      - uses: aws-actions/amazon-ecr-login@v2\n        with:\n"
            "          mask-password: 'false'\n          skip-logout: true\n")
    found = scan(".github/workflows/x.yaml", text)
    assert ids(found) == ["SCN006", "SCN004"]
    assert [f.location.line for f in found] == [8, 9]
    quiet = text.replace("'false'", "'true'").replace("skip-logout: true", "skip-logout: false")
    assert scan(".github/workflows/x.yaml", quiet) == []


def test_hardcoded_container_credentials() -> None:
    text = ("on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    container:\n"
            "      image: ghcr.io/o/i\n      credentials:\n        username: me\n"
            "        password: hunter2hunter2\n    services:\n      db:\n        image: x\n"
            "        credentials:\n          username: me\n"
            "          password: ${{ secrets.DB_PW }}\n    steps: [{run: make}]\n")
    (f,) = scan(".github/workflows/t.yml", text)
    assert f.rule_id == "SCN007" and f.location.line == 9
    assert "hunter2hunter2" not in repr(f)


@pytest.mark.parametrize("action", ["docker/login-action@v3", "azure/docker-login@v1",
                                    "redhat-actions/podman-login@v1"])
def test_login_action_literal_password(action: str) -> None:
    # trufflehog's ACR detector case, written as a valid workflow (peer case trufflehog-acr-tp-2).
    text = ("on: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n"
            f"      - uses: {action}\n        with:\n          registry: crmshopacr.azurecr.io\n"
            "          username: crmshopacr\n"
            "          password: o9uXSjWlUdRwAeGP2xGSfGy+25vetsONo3Mq13fksa+ACRBXyFsY\n")
    (f,) = scan(".github/workflows/d.yml", text)
    assert f.rule_id == "SCN007" and f.location.line == 10 and action.split("@")[0] in f.message
    assert "o9uXSj" not in repr(f)
    for quiet in ("${{ secrets.ACR_PASSWORD }}", "'***'", "<password>"):
        assert scan(".github/workflows/d.yml", text.replace(
            "o9uXSjWlUdRwAeGP2xGSfGy+25vetsONo3Mq13fksa+ACRBXyFsY", quiet)) == []


def test_an_auth_docker_cannot_decode_and_too_short_to_read_is_nothing() -> None:
    # glsec's GL066 negative: SOME_CONFIG='{"auths":{"reg":{"auth":"x"}}}'.
    assert scan("notes.txt", '{"auths": {"reg": {"auth": "x"}}}\n') == []
    (f,) = scan("notes.txt", '{"auths": {"reg": {"auth": "not base64 but long enough"}}}\n')
    assert f.rule_id == "SCN001"


def test_a_pull_secret_inside_a_watch_event_or_admission_review() -> None:
    secret = {"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/dockerconfigjson",
              "metadata": {"name": "regcred", "namespace": "ci"},
              "data": {".dockerconfigjson": b64(json.dumps({"auths": {ECR: {"auth": AUTH}}}))}}
    for wrapper in ({"type": "ADDED", "object": secret},
                    {"kind": "AdmissionReview", "apiVersion": "admission.k8s.io/v1",
                     "request": {"uid": "1", "object": secret}}):
        (f,) = scan("events.json", json.dumps(wrapper))
        assert f.rule_id == "SCN009" and f.detail("object") == "ci/regcred"


def test_long_lived_keys_for_ecr() -> None:
    base = ("on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n"
            "          {creds}\n          aws-region: us-east-1\n"
            "      - uses: aws-actions/amazon-ecr-login@v2\n")
    (f,) = scan(".github/workflows/k.yml",
                base.format(creds="aws-access-key-id: ${{ secrets.AWS_KEY }}"))
    assert f.rule_id == "SCN008" and f.severity is Severity.LOW and f.location.line == 8
    (lit,) = scan(".github/workflows/k.yml",
                  base.format(creds="aws-access-key-id: AKIAIOSFODNN7EXAMPLE"))
    assert lit.severity is Severity.HIGH and "AKIAIOSFODNN7EXAMPLE" not in repr(lit)
    oidc = base.format(creds="role-to-assume: arn:aws:iam::123456789012:role/ci")
    assert scan(".github/workflows/k.yml", oidc) == []
    no_ecr = base.format(creds="aws-access-key-id: ${{ secrets.K }}").replace(
        "amazon-ecr-login", "setup-sam")
    assert scan(".github/workflows/k.yml", no_ecr) == []


def test_env_access_key_with_ecr_use() -> None:
    text = ("on: push\nenv:\n  AWS_ACCESS_KEY_ID: ${{ secrets.K }}\njobs:\n  b:\n"
            "    runs-on: ubuntu-latest\n    steps:\n      - run: aws ecr get-login-password | "
            f"docker login -u AWS --password-stdin {ECR}\n")
    assert ids(scan(".github/workflows/e.yml", text)) == ["SCN008"]


# Robustness -----------------------------------------------------------------------------------

def test_broken_yaml_and_json_do_not_raise() -> None:
    assert scan("ci.yml", "on: [push\njobs: {login: ]") == []
    assert scan("config.json", '{"auths": {') == []
    assert scan("config.json", b"\xff\xfe\x00garbage") == []


def test_file_kinds() -> None:
    assert file_kind("a/Dockerfile") == file_kind("x.mk") == file_kind("run.sh") == "shell"
    assert file_kind("bin/deploy", b"#!/usr/bin/env bash\n") == "shell"
    assert file_kind("a/.docker/config.json") == "dockerconfig"
    assert file_kind(".ecr/cache.json") == "ecrcache"
    assert file_kind("README.md") == "text"


# Forms from the peer scanners' own fixtures, named on the rule pages ----------------------

def test_zizmor_hardcoded_credentials_form() -> None:
    """The shape of zizmor's tests/integration/test-data/hardcoded-credentials.yml."""
    text = ("on:\n  push:\n    branches: [master]\n  workflow_dispatch:\npermissions: {}\n"
            "jobs:\n  test:\n    runs-on: ubuntu-latest\n    container:\n"
            "      image: fake.example.com/example\n      credentials:\n"
            "        username: user\n        password: hackme\n"
            "    steps:\n      - run: echo 'vulnerable!'\n")
    (f,) = scan(".github/workflows/hardcoded-credentials.yml", text)
    assert f.rule_id == "SCN007" and f.location.line == 13


def test_trivy_docker_secrets_fixture_shape_is_not_a_credential() -> None:
    """Trivy's pkg/fanal/secret/testdata/docker-secrets.txt form fires its regex on any `ey…`
    value; ours decodes first, so short placeholders that are no Docker config stay silent."""
    assert scan("docker-secrets.yaml", TRIVY_DOCKER_SECRETS) == []
    assert scan("docker-secrets.txt", TRIVY_DOCKER_SECRETS) == []


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_shared_cases(case: Case) -> None:
    """The cases the exported gitleaks/trufflehog rules are held to (tests/test_export.py)."""
    assert bool(scan(case.path, case.text)) is case.scan
