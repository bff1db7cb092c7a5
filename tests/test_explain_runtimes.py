"""`explain` beyond the Docker CLI: the runtime named first, causes ranked for it, pastes as
people paste them, whole CI logs, and the rules only an error message fires.

Messages marked "corpus" are real ones from public threads (tests/data/explain_corpus.yaml,
with their sources); the others are written for the case.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from envelope import validated

from ecr_doctor.core.causes.catalogue import CATALOGUE
from ecr_doctor.core.explain import explain_error
from ecr_doctor.core.explain.normalise import normalise
from ecr_doctor.core.rules import RULES, get_rule

SRC = str(Path(__file__).parent.parent / "src")
HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
CORPUS = yaml.safe_load((Path(__file__).parent / "data" / "explain_corpus.yaml")
                        .read_text(encoding="utf-8"))


def top(text: str, n: int = 3) -> list[str]:
    return [c.id for c in explain_error(text).causes[:n]]


# --- the runtime, named first ---------------------------------------------------------------

RUNTIMES = [
    (f'Warning  Failed  2m  kubelet  Failed to pull image "{HOST}/app:1": rpc error: code = '
     "Unknown desc = failed to pull and unpack image: 401 Unauthorized", "kubelet", None),
    ("CannotPullContainerError: pull image manifest has been retried 5 time(s)", "ecs", None),
    ("ResourceInitializationError: unable to pull secrets or registry auth: ...", "ecs", None),
    ("#12 ERROR: failed to solve: failed to authorize: failed to fetch anonymous token",
     "buildkit", None),
    ("##[error]Error response from daemon: Get \"https://" + HOST + "/v2/\": no basic auth "
     "credentials", "docker-cli", "github-actions"),
    ("Running with gitlab-runner 16.4.0\n$ docker push " + HOST + "/app\nno basic auth "
     "credentials", "docker-cli", "gitlab-ci"),
    ("[Container] 2024/01/02 10:00:00 Running command docker push " + HOST + "/app\n"
     "denied: Your authorization token has expired.", "docker-cli", "codebuild"),
    ("Error: initializing source docker://" + HOST + "/app:1: reading manifest 1 in " + HOST
     + "/app: unauthorized: authentication required\n$ podman pull", "podman", None),
    ("aws: error: argument operation: Invalid choice, valid choices are:", "aws-cli", None),
    ("Resource handler returned message: \"The image manifest, config or layer media type for "
     "the source image " + HOST + "/fn:1 is not supported. (Service: Lambda, Status Code: 400",
     "lambda", None),
    ('time="2024-01-01T00:00:00Z" level=error msg="Error retrieving credentials" '
     'error="NoCredentialProviders"', "ecr-helper", None),
    ("Driver Failure  failed to initialize task \"web\" for alloc \"84f73724\": Failed to find "
     "docker auth for repo", "nomad", None),
]


@pytest.mark.parametrize(("text", "runtime", "platform"), RUNTIMES)
def test_the_runtime_is_named(text: str, runtime: str, platform: str | None) -> None:
    found = explain_error(text).runtime
    assert found is not None and found.id == runtime, found
    assert found.platform == platform


def test_the_version_is_named_when_the_paste_shows_it() -> None:
    runtime = explain_error("Docker version 28.3.2, build 578ccf6\n$ docker pull "
                            f"{HOST}/app\nno basic auth credentials").runtime
    assert runtime is not None and runtime.version == "28.3.2"
    assert "Docker CLI 28.3.2" in runtime.describe()


@pytest.mark.parametrize(("version", "family"), [
    ("28.2.2", "before 28.3"), ("28.3.0", "28.3 to 28.x"), ("28.5.1", "28.3 to 28.x"),
    ("29.0.0", "29 or later"), ("29.7.2", "29 or later"),
])
def test_the_docker_cli_behaviour_family_follows_its_version(version: str, family: str) -> None:
    # docker/cli#6008 (DOCKER_AUTH_CONFIG, v28.3.0); v29.0.0 returns a missing helper's error.
    runtime = explain_error(f"Docker version {version}, build 1\n$ docker pull {HOST}/app\n"
                            "no basic auth credentials").runtime
    assert runtime is not None and runtime.family is not None
    assert runtime.family.startswith(family), runtime.family
    assert f"Docker CLI {version} ({family}" in runtime.describe()


def test_an_unquoted_go_url_dates_the_client_and_a_quoted_one_does_not() -> None:
    # net/url · Error quotes the URL from Go 1.14 on (corpus docker-cli-too-old-coreos-1).
    old = explain_error(f"Error response from daemon: Get https://{HOST}/v2/app/manifests/1: "
                        "no basic auth credentials")
    new = explain_error(f'Error response from daemon: Get "https://{HOST}/v2/app/manifests/1": '
                        "no basic auth credentials")
    assert old.runtime is not None and old.runtime.family is not None
    assert "Go before 1.14" in old.runtime_line()
    assert "docker-too-old-for-helpers" in [c.id for c in old.causes[:3]]
    assert new.runtime is not None and new.runtime.family is None
    assert "docker-too-old-for-helpers" not in [c.id for c in new.causes[:5]]


def test_a_missing_helper_leads_only_where_the_client_hides_it() -> None:
    # ≤ 28.x drops the helper's exec error and goes anonymous (docker/cli · ResolveAuthConfig,
    # docker/cli#2121); 29 prints it; docker-py (compose v1) raises "not installed".
    bare = f"The push refers to repository [{HOST}/app]\nno basic auth credentials"
    assert "helper-not-on-path" in top(bare)
    on_29 = [c.id for c in explain_error(f"Docker version 29.1.0, build 1\n{bare}").causes]
    assert "helper-not-on-path" not in on_29
    compose = f'ERROR: for web  Get "https://{HOST}/v2/app/manifests/1": no basic auth credentials'
    assert "helper-not-on-path" not in [c.id for c in explain_error(compose).causes]


def test_docker_auth_config_is_no_cause_before_28_3() -> None:
    text = (f"Docker version 28.2.2, build 1\n$ docker pull {HOST}/app\n"
            "denied: Your authorization token has expired. Reauthenticate and try again.")
    causes = [c.id for c in explain_error(text).causes]
    assert "docker-auth-config-env" not in causes
    assert "docker-auth-config-env" in [c.id for c in explain_error(
        text.replace("28.2.2", "28.3.2")).causes]


def test_compose_v1_without_helpers_needs_a_client_that_old() -> None:
    # corpus compose-wildcard-credhelpers-1: a Go 1.14+ daemon quoting its URL is not driven
    # by a compose from before 1.10 (2017).
    quoted = (f'ERROR: for app  Get "https://{HOST}/v2/app/manifests/master": no basic auth '
              "credentials")
    assert "compose-v1-no-helpers" not in top(quoted)
    assert "compose-v1-no-helpers" in top(quoted.replace('"', ""))


def test_a_classic_docker_build_failing_on_auth_points_at_its_list_based_credentials() -> None:
    # corpus docker-cli-classic-build-1: the classic builder sends only what `list` names.
    classic = "$ docker build -t app .\nunauthorized: authentication required"
    assert top(classic, 1) == ["classic-build-list-credentials"]
    # BuildKit resolves FROM itself, per host: not this cause.
    buildkit = classic + "\nERROR: failed to solve: failed to fetch oauth token"
    assert "classic-build-list-credentials" not in top(buildkit, 1)
    assert "classic-build-list-credentials" not in top(
        f"$ docker pull {HOST}/app\nunauthorized: authentication required", 1)


def test_in_ci_an_anonymous_push_points_at_a_login_for_another_registry() -> None:
    # corpus gha-wrong-account-push-1: the login step logged in to another account's registry.
    text = (f"##[group]Run docker push\nThe push refers to repository [{HOST}/app]\n"
            "no basic auth credentials")
    assert "wrong-account-or-region-token" in top(text)
    assert "wrong-account-or-region-token" not in top(text.replace("##[group]", "$ "))


def test_an_ecs_secret_failure_is_not_blamed_on_the_roles_ecr_permissions() -> None:
    # corpus ecs-secret-wrong-account-1 (truncated by the reporter).
    text = ("ResourceInitializationError: unable to pull secrets or registry auth: execution "
            "resource retrieval failed: unable to retrieve secrets from ssm: service call has "
            "been retried 1 time...")
    ranked = [c.id for c in explain_error(text).causes]
    assert "ecs-execution-role-no-ecr" not in ranked
    assert {"ecs-secrets-permission", "ecs-secret-wrong-account"} <= set(ranked[:3])
    registry = "ResourceInitializationError: unable to pull secrets or registry auth: 403"
    assert "ecs-execution-role-no-ecr" in top(registry)


def test_pull_access_denied_with_no_auth_error_points_at_the_name() -> None:
    # corpus kubelet-wrong-mirror-path-1: nothing after the daemon's phrase.
    bare = (f"Error response from daemon: pull access denied for {HOST}/team/app, repository "
            "does not exist or may require 'docker login'")
    assert {"repo-does-not-exist", "wrong-image-name-or-tag"} & set(top(bare, 2))
    quoted = bare + ": denied: Your authorization token has expired. Reauthenticate and try again."
    assert "repo-does-not-exist" not in top(quoted, 2)


def test_a_message_naming_no_runtime_says_so() -> None:
    explanation = explain_error("no basic auth credentials")
    assert explanation.runtime is None
    assert explanation.runtime_line().startswith("Runtime: not named in the text")


def test_the_first_line_of_the_text_output_names_the_runtime() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ecr_doctor", "explain",
         "CannotPullContainerError: dial tcp 52.1.1.1:443: i/o timeout"],
        capture_output=True, text=True, timeout=60,
        env={"PYTHONPATH": SRC, "NO_COLOR": "1", "HOME": "/nonexistent", "PATH": "/usr/bin"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("Runtime: Amazon ECS")


# --- causes for the runtime -----------------------------------------------------------------


def test_a_kubelet_is_not_given_docker_config_advice() -> None:
    # corpus kubelet-cni-node-role-1: the kubelet asks ECR with the node role, never with
    # ~/.docker/config.json.
    text = ('15542 kuberuntime_image.go:51] Pull image "602401143452.dkr.ecr.ap-southeast-1.'
            'amazonaws.com/amazon-k8s-cni:v1.5.3" failed: rpc error: code = Unknown desc = Error '
            "response from daemon: Get https://602401143452.dkr.ecr.ap-southeast-1.amazonaws.com"
            "/v2/amazon-k8s-cni/manifests/v1.5.3: no basic auth credentials")
    ranked = top(text, 5)
    assert ranked[0] == "node-role-no-ecr"
    assert "misspelt-key" not in ranked and "helper-key-mismatch" not in ranked


def test_the_same_message_ranks_differently_for_ecs_and_the_docker_cli() -> None:
    message = f"Get https://{HOST}/v2/app/manifests/1: 403 Forbidden"
    assert top(f"CannotPullContainerError: {message}")[0] == "ecs-execution-role-no-ecr"
    assert top(f"Error response from daemon: {message}")[0] == "stale-static-token"


def test_ecr_public_auth_failures_point_at_the_stored_token() -> None:
    # corpus docker-cli-public-ecr-expired-keychain-1
    text = ("Error response from daemon: pull access denied for public.ecr.aws/sam/build-python"
            "3.8, repository does not exist or may require 'docker login': denied: Your "
            "authorization token has expired. Reauthenticate and try again.")
    ranked = top(text)
    assert ranked[0] == "ecr-public-stale-token" and "stale-static-token" not in ranked


# --- pastes as people paste them ------------------------------------------------------------

BARE = ('error getting credentials - err: exec: "docker-credential-ecr-login": executable file '
        "not found in $PATH, out: ``")


@pytest.mark.parametrize("pasted", [
    "\x1b[31m" + BARE + "\x1b[0m",                                   # terminal colours
    BARE.replace('"', "\u201c", 1).replace('"', "\u201d", 1),          # a chat client's quotes
    'time="x" level=error msg="pull failed" error="' + BARE.replace('"', '\\"') + '"',  # logrus
    json.dumps({"log": BARE + "\n", "stream": "stderr", "time": "2024-01-01T00:00:00Z"}),
    "Downloading 10%\rDownloading 90%\r" + BARE,                       # a progress bar
])
def test_the_forms_people_paste_explain_like_the_bare_message(pasted: str) -> None:
    assert top(pasted) == top(BARE)
    assert "helper-not-found" in {s.id for s in explain_error(pasted).signatures}


def test_normalising_keeps_one_line_per_line() -> None:
    text = "a\r\nb\x1b[1mc\n{\"msg\": \"one\\ntwo\"}\n\n"
    assert normalise(text).split("\n") == ["a", "bc", "one two", "", ""]


def test_a_whole_ci_log_on_stdin_names_the_lines_it_used(tmp_path: Path) -> None:
    noise = "".join(f"step {i}: compiling module_{i}.c\n" for i in range(200_000))
    log = (noise + "Running with gitlab-runner 16.4.0\n" + noise
           + f"$ docker push {HOST}/app:1\nno basic auth credentials\n")
    result = subprocess.run([sys.executable, "-m", "ecr_doctor", "explain", "-", "--format",
                             "json"], input=log, capture_output=True, text=True, timeout=120,
                            env={"PYTHONPATH": SRC, "HOME": str(tmp_path), "PATH": "/usr/bin"})
    assert result.returncode == 0, result.stderr
    explained = validated(result.stdout, "explain")
    assert explained["runtime"]["id"] == "docker-cli"
    assert [s["line"] for s in explained["recognised"]] == [400_003]
    text = subprocess.run([sys.executable, "-m", "ecr_doctor", "explain", "-"], input=log,
                          capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": SRC, "HOME": str(tmp_path), "PATH": "/usr/bin",
                               "NO_COLOR": "1"}).stdout
    assert "Lines used: 400003" in text


def test_stdin_past_the_cap_is_refused_not_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    from ecr_doctor.cli import explain as command
    from ecr_doctor.cli.exits import UsageError

    monkeypatch.setattr(command, "MAX_STDIN_CHARS", 1000)
    with pytest.raises(UsageError, match="more than 1,000 characters"):
        command._read_stdin(io.StringIO("x" * 1001))
    assert command._read_stdin(io.StringIO("x" * 1000)) == "x" * 1000


@pytest.mark.parametrize("hostile", [
    "no basic auth credentials " + "A" * 10_000_000,                    # a 10 MB line
    "{" * 100_000 + "no basic auth credentials",                         # unbalanced JSON
    "[" * 5000 + "]" * 5000,                                             # deep JSON record
    "\x00\x07\x1b]8;;http://x\x07no basic auth credentials\x1b]8;;\x07\x9b2J",
    "\ud800 no basic auth credentials",                                  # a lone surrogate
])
def test_hostile_pastes_are_explained_without_a_crash(hostile: str) -> None:
    explanation = explain_error(hostile)
    assert explanation.runtime_line().startswith("Runtime:")


def test_a_planted_token_in_a_ci_log_never_shows(tmp_path: Path) -> None:
    token = "eyJwYXlsb2FkIjoi" + "Q2hhbmdlTWVQbGVhc2U" * 8
    log = (f"##[group]Run docker login -u AWS -p {token} {HOST}\n"
           f"Error response from daemon: Get https://{HOST}/v2/: no basic auth credentials\n")
    for fmt in ("text", "json"):
        out = subprocess.run([sys.executable, "-m", "ecr_doctor", "explain", "-", "--format",
                              fmt], input=log, capture_output=True, text=True, timeout=60,
                             env={"PYTHONPATH": SRC, "HOME": str(tmp_path),
                                  "PATH": "/usr/bin"}).stdout
        assert "Runtime:" in out or '"runtime"' in out
        for i in range(0, len(token) - 8, 4):
            assert token[i:i + 8] not in out


# --- every cause has a rule; the rules only explain fires -----------------------------------


def test_every_cause_has_a_rule_with_a_page() -> None:
    for cause in CATALOGUE:
        assert cause.rule_ids, cause.id
        for rule_id in cause.rule_ids:
            rule = get_rule(rule_id)
            assert rule is not None, (cause.id, rule_id)
            assert rule.doc.why and rule.doc.fix


def test_err_rules_are_their_causes() -> None:
    own = {c.own_rule: c for c in CATALOGUE if c.own_rule}
    assert sorted(own) == sorted(r for r in RULES if r.startswith("ERR"))
    for rule_id, cause in own.items():
        rule = RULES[rule_id]
        assert rule.name == cause.id and rule.summary == cause.title
        assert rule.check_fn is None and rule.doc.references, rule_id


# Messages that fire each rule only an error message can show (its cause in the top 3), for
# the rules the corpus does not already fire. Written for the case.
FIRES: dict[str, str] = {
    "ERR001": "An error occurred (ExpiredTokenException) when calling the GetAuthorizationToken "
              "operation: The security token included in the request is expired",
    "ERR002": "Job ran for 13 hours\ndenied: Your authorization token has expired. "
              "Reauthenticate and try again.",
    "ERR003": f"$ sudo docker pull {HOST}/app:1\nError response from daemon: Head \"https://"
              f"{HOST}/v2/app/manifests/1\": no basic auth credentials",
    "ERR004": "error getting credentials - err: exit status 1, out: `RequestError: send request "
              "failed caused by: Post \"https://api.ecr.eu-west-1.amazonaws.com/\": dial tcp: "
              "lookup api.ecr.eu-west-1.amazonaws.com: i/o timeout`",
    "ERR007": "denied: User: arn:aws:sts::123456789012:assumed-role/ci/x is not authorized to "
              "perform: ecr:BatchGetImage on resource: arn:aws:ecr:eu-west-1:123456789012:"
              "repository/app with an explicit deny in a service control policy",
    "ERR010": "name unknown: The repository with name 'app' does not exist in the registry with "
              "id '123456789012'",
    "ERR015": "error getting credentials - err: exit status 2, out: `panic: runtime error: "
              "invalid memory address or nil pointer dereference`",
    "ERR016": "error getting credentials - err: invalid character 'N' looking for beginning of "
              "value, out: `No credentials found`",
    "ERR017": "error getting credentials - err: exit status 1, out: `credentials not found in "
              "native keychain` (docker-credential-osxkeychain)",
    "ERR019": "ResourceInitializationError: unable to pull secrets or registry auth: execution "
              "resource retrieval failed: unable to retrieve secrets from ssm: "
              "ParameterNotFound: the parameter /app/db does not exist",
    "ERR021": "InvalidParameterValueException: Source image public.ecr.aws/lambda/python:3.12 "
              "is not valid. Provide a valid source image.",
    "ERR031": "error getting credentials - err: exit status 1, out: `pass not initialized: exit "
              "status 1: Error: password store is empty. Try \"pass init\".`",
    "ERR032": "error getting credentials - err: fork/exec /usr/local/bin/docker-credential-"
              "ecr-login: exec format error",
    "ERR035": f"Docker version 1.12.6, build 78d1802\n$ docker pull {HOST}/app\nError response "
              f"from daemon: Get https://{HOST}/v2/app/manifests/latest: no basic auth "
              "credentials",
    "ERR036": f"$ docker stack deploy -c stack.yml web\nimage {HOST}/app:1 could not be "
              "accessed on a registry to record its digest. Each node will access "
              f"{HOST}/app:1 independently",
    "ERR037": f"Driver Failure  failed to initialize task \"web\" for alloc \"84f73724\": Failed "
              f"to pull `{HOST}/app:1`: API error (500): Get https://{HOST}/v2/app/manifests/1:"
              " no basic auth credentials",
    "KUB024": f'Warning  Failed  1m  kubelet  Failed to pull image "{HOST}/app:1": rpc error: '
              "code = Unknown desc = failed to authorize: 403 Forbidden\n"
              "imagePullSecrets: ecr-registry (kubernetes.io/dockerconfigjson)",
}
SILENT = ("Error saving credentials: error storing credentials - err: exit status 1, out: "
          "`not implemented`")
EXPLAIN_FIRED = sorted({r for r in RULES if r.startswith("ERR")}
                       | {f"KUB02{i}" for i in range(6)} | {f"ECS0{i}" for i in range(10, 16)})


def _firing_texts() -> dict[str, str]:
    texts = dict(FIRES)
    for entry in CORPUS["messages"]:  # real messages first, where they fire the rule
        for cause in explain_error(entry["message"]).causes[:3]:
            for rule_id in cause.rule_ids:
                texts.setdefault(rule_id, entry["message"])
    return texts


FIRING_TEXTS = _firing_texts()


@pytest.mark.parametrize("rule_id", EXPLAIN_FIRED)
def test_an_explain_only_rule_fires_on_its_message_and_not_on_another(rule_id: str) -> None:
    assert rule_id in FIRING_TEXTS, f"no message fires {rule_id}"
    ranked = explain_error(FIRING_TEXTS[rule_id]).causes[:3]
    assert any(rule_id in c.rule_ids for c in ranked), [c.id for c in ranked]
    assert not any(rule_id in c.rule_ids for c in explain_error(SILENT).causes)
    rule = RULES[rule_id]
    assert rule.check_fn is None and rule.doc.references


@pytest.mark.parametrize("rule_id", EXPLAIN_FIRED)
def test_explain_prints_the_page_of_each(rule_id: str) -> None:
    from ecr_doctor.core.rules.pages import rule_page

    page = rule_page(RULES[rule_id])
    assert page.startswith(rule_id) and "How to fix" in page and "Source" in page
