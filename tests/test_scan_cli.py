"""`ecr-doctor scan` / `audit` end to end: the walk, output formats, baseline, exit codes.

SARIF is validated against the official SARIF 2.1.0 schema (tests/data); JSON against
src/ecr_doctor/schemas/scan.json. A hypothesis property plants tokens and checks that no
output format ever contains them.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest
from conftest import ECR, NOW, expired_auth, live_auth
from envelope import validated
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecr_doctor.cli.main import main
from ecr_doctor.core.tokens import make_ecr_auth, make_ecr_password
from ecr_doctor.scan.audit import audit_host

ROOT = Path(__file__).resolve().parent.parent
# The official OASIS SARIF 2.1.0 schema (errata01), vendored so the test runs in any clone:
# https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json
SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def config(auth: str) -> str:
    return json.dumps({"auths": {ECR: {"auth": auth}}}, indent="\t")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / ".docker").mkdir()
    (tmp_path / ".docker" / "config.json").write_text(config(expired_auth()))
    (tmp_path / "deploy.sh").write_text("#!/bin/sh\n$(aws ecr get-login --region us-east-1)\n")
    (tmp_path / "README.md").write_text("Use aws ecr get-login-password.\n")
    return tmp_path


def test_text_output_and_exit_codes(tree: Path) -> None:
    code, out, _ = run("scan", str(tree))
    assert code == 1
    assert "SCN001 [high]" in out and "SCN003 [medium]" in out and "3 file(s) checked" in out
    assert run("scan", str(tree), "--fail-on", "critical")[0] == 0
    assert run("scan", str(tree), "--fail-on", "bogus")[0] == 2
    (tree / ".docker" / "config.json").unlink()
    (tree / "deploy.sh").unlink()
    code, out, _ = run("scan", str(tree))
    assert code == 0 and "no findings" in out


def test_help_says_no_network(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("scan", "audit"):
        code, _, _ = run(command, "--help")  # argparse prints help to sys.stdout
        assert code == 0 and "never touches the network" in " ".join(capsys.readouterr().out.split())


def test_rules_and_explain_know_scan_rules() -> None:
    _, out, _ = run("rules")
    assert all(f"SCN00{i}" in out for i in range(1, 9))
    code, out, _ = run("explain", "SCN001")
    assert code == 0 and "gitleaks#1301" in out


def test_diagnose_never_runs_scan_rules(tmp_path: Path) -> None:
    from conftest import machine

    from ecr_doctor.core.engine import diagnose_text

    diagnosis = diagnose_text(config(expired_auth()), "c.json", machine())
    assert not [f for f in diagnosis.findings if f.rule_id.startswith("SCN")]


def test_sarif_validates_against_the_official_schema(tree: Path) -> None:
    code, out, _ = run("scan", str(tree), "--format", "sarif")
    assert code == 1
    doc = json.loads(out)
    jsonschema.validate(doc, json.loads(SARIF_SCHEMA.read_text()))
    run_ = doc["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert {r["id"] for r in rules} >= {f"SCN00{i}" for i in range(1, 9)}
    assert all(r["help"]["markdown"] and r["properties"]["security-severity"] for r in rules)
    levels = {r["ruleId"]: r["level"] for r in run_["results"]}
    assert levels == {"SCN001": "error", "SCN003": "warning"}
    for result in run_["results"]:
        assert len(result["partialFingerprints"]["ecrDoctorHash/v2"]) == 40
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_is_shaped_for_github_code_scanning(tree: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # Code scanning matches a result to a file by its repository-relative path and keeps one
    # set of alerts per automationDetails category (docs.github.com: "SARIF support for code
    # scanning"); an absolute runner path matches no file in the repository.
    monkeypatch.chdir(tree)
    code, out, _ = run("scan", ".", str(tree / "deploy.sh"), "--format", "sarif",
                       "--category", "ecr-doctor/ci")
    assert code == 1
    doc = json.loads(out)
    jsonschema.validate(doc, json.loads(SARIF_SCHEMA.read_text()))
    run_ = doc["runs"][0]
    assert run_["automationDetails"]["id"] == "ecr-doctor/ci/"
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tree.resolve().as_uri() + "/"
    locations = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]:
                 r["locations"][0]["physicalLocation"]["artifactLocation"].get("uriBaseId")
                 for r in run_["results"]}
    assert locations == {".docker/config.json": "%SRCROOT%", "deploy.sh": "%SRCROOT%"}
    for rule in run_["tool"]["driver"]["rules"]:
        assert "security" in rule["properties"]["tags"]
        assert float(rule["properties"]["security-severity"]) > 0
        assert rule["help"]["markdown"].startswith(f"**{rule['id']} ")
    # The default category names the command; a path outside the root stays absolute.
    monkeypatch.chdir(tree / ".docker")
    _, out, _ = run("scan", str(tree / "deploy.sh"), "--format", "sarif")
    run_ = json.loads(out)["runs"][0]
    assert run_["automationDetails"]["id"] == "ecr-doctor/scan/"
    uri = run_["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri == {"uri": (tree / "deploy.sh").resolve().as_uri()}
    monkeypatch.chdir(tree / ".docker")
    _, out, _ = run("audit", "--root", str(tree), "--format", "sarif")
    run_ = json.loads(out)["runs"][0]
    assert run_["automationDetails"]["id"] == "ecr-doctor/audit/"


def test_sarif_paths_relative_to_the_root_and_absolute_outside_it() -> None:
    from ecr_doctor.render.sarif import _artifact

    assert _artifact("./a b/config.json", "/repo") == {"uri": "a%20b/config.json",
                                                      "uriBaseId": "%SRCROOT%"}
    assert _artifact("/repo/ci/x.yml", "/repo/") == {"uri": "ci/x.yml", "uriBaseId": "%SRCROOT%"}
    assert _artifact("/repository/x.yml", "/repo") == {"uri": "file:///repository/x.yml"}
    assert _artifact("../up.yml", "/repo/sub") == {"uri": "file:///repo/up.yml"}
    assert _artifact("<stdin>", None) == {"uri": "%3Cstdin%3E"}
    assert _artifact("C:\\r\\x.yml", None) == {"uri": "C:/r/x.yml"}


def test_json_validates_against_its_schema(tree: Path) -> None:
    code, out, _ = run("scan", str(tree), "--format", "json", "-v")
    doc = validated(out, "scan")
    assert json.loads(out)["exit_code"] == code == 1 and doc["summary"]["high"] == 1


def test_baseline_accepts_known_findings_by_hash(tree: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    assert run("scan", str(tree), "--write-baseline", str(baseline))[0] == 0
    text = baseline.read_text()
    document = json.loads(text)
    assert "QVdT" not in text and document["version"] == 2 and len(document["salt"]) == 32
    code, out, _ = run("scan", str(tree), "--baseline", str(baseline))
    assert code == 0 and "2 accepted by the baseline" in out
    # A new token on the same line is not covered: its secret check differs.
    (tree / ".docker" / "config.json").write_text(config(expired_auth(seed=9)))
    code, out, _ = run("scan", str(tree), "--baseline", str(baseline))
    assert code == 1 and "SCN001" in out and "1 accepted" in out
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    assert run("scan", str(tree), "--baseline", str(bad))[0] == 2


def test_a_baseline_holds_nothing_a_secret_can_be_tested_against(tree: Path,
                                                                 tmp_path: Path) -> None:
    # A weak password is found from an unsalted hash by trying candidates; the baseline's
    # checks are salted with its own random salt (and slow), the hash holds no secret at all.
    script = tree / "login.sh"
    script.write_text("docker login -u AWS -p hunter2 " + ECR + "\n")
    baseline = tmp_path / "baseline.json"
    assert run("scan", str(tree), "--write-baseline", str(baseline))[0] == 0
    text = baseline.read_text()
    for unsalted in (hashlib.sha256(b"hunter2").hexdigest()[:40],
                     hashlib.sha256(b"SCN005\0hunter2\0").hexdigest()[:40]):
        assert unsalted not in text
    code, out, _ = run("scan", str(tree), "--format", "json")
    assert "hunter2" not in out and "secret_check" not in out
    for f in json.loads(out)["result"]["findings"]:
        assert f["details"]["hash"] not in (hashlib.sha256(b"SCN005\0hunter2\0").hexdigest()[:40],)
    # Rewriting keeps the salt, so unchanged entries stay the same and diffs stay small.
    assert run("scan", str(tree), "--write-baseline", str(baseline))[0] == 0
    assert baseline.read_text() == text
    # The hash survives an edit elsewhere in the file: the finding is still accepted.
    script.write_text("#!/bin/sh\nset -e\n" + script.read_text())
    code, out, _ = run("scan", str(tree), "--baseline", str(baseline))
    assert "SCN005" not in out and "accepted by the baseline" in out and code in (0, 1)


def test_a_version_1_baseline_says_how_to_rewrite_it(tree: Path, tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"version": 1, "results": {}}))
    code, _, err = run("scan", str(tree), "--baseline", str(old))
    assert code == 2 and "rewrite it with --write-baseline" in err


def test_gitignore_is_honoured(tree: Path) -> None:
    (tree / ".gitignore").write_text("secrets/\n*.log\n!keep.log\n")
    for name in ("secrets/config.json", "sub/build.log", "sub/keep.log"):
        (tree / name).parent.mkdir(exist_ok=True)
    (tree / "secrets" / "config.json").write_text(config(expired_auth(seed=2)))
    token = f"tok {make_ecr_auth(NOW, seed=3)}\n"
    (tree / "sub" / "build.log").write_text(token)
    (tree / "sub" / "keep.log").write_text(token)
    _, out, _ = run("scan", str(tree))
    assert "keep.log" in out and "build.log" not in out and "secrets" not in out
    _, out, _ = run("scan", str(tree), "--no-gitignore")
    assert "build.log" in out and "secrets" in out


def test_symlink_out_of_the_tree_is_not_followed(tree: Path, tmp_path_factory: pytest.TempPathFactory
                                                 ) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (outside / "config.json").write_text(config(expired_auth(seed=4)))
    (tree / "linked.json").symlink_to(outside / "config.json")
    (tree / "linkdir").symlink_to(outside, target_is_directory=True)
    (tree / "inside.json").symlink_to(tree / ".docker" / "config.json")
    _, out, _ = run("scan", str(tree), "-v")
    assert "linked.json: symlink leads out of the tree" in out
    assert "linkdir: symlink leads out of the tree" in out
    assert str(outside) not in out.replace(str(tree), "")
    assert "inside.json" in out  # a symlink within the tree is scanned


def test_binary_and_huge_files_are_skipped_with_reasons(tree: Path) -> None:
    token = make_ecr_auth(NOW, seed=5).encode()
    (tree / "image.bin").write_bytes(b"\x7fELF\x00\x00" + token[:200])
    (tree / "huge.log").write_bytes(b"x" * 2048 + token)
    _, out, _ = run("scan", str(tree), "-v", "--max-bytes", "1024")
    assert "image.bin: binary" in out and "huge.log:" in out and "larger than" in out
    _, quiet, _ = run("scan", str(tree), "--max-bytes", "1024")
    assert "skipped (-v lists them)" in quiet and "image.bin" not in quiet


def test_many_files_use_the_process_pool(tmp_path: Path) -> None:
    for i in range(450):
        (tmp_path / f"f{i}.txt").write_text(f"line {i}\n")
    (tmp_path / "f7.txt").write_text(f"x {make_ecr_auth(NOW, seed=6)}\n")
    code, out, _ = run("scan", str(tmp_path), "--jobs", "2")
    assert code == 1 and "f7.txt:1:3: SCN002" in out and "450 file(s)" in out


def test_explicit_files_as_pre_commit_passes_them(tree: Path) -> None:
    code, out, _ = run("scan", str(tree / "deploy.sh"), str(tree / "README.md"))
    assert code == 1 and "SCN003" in out and "SCN001" not in out


# audit ----------------------------------------------------------------------------------------

def _fake_host(root: Path) -> None:
    (root / "etc").mkdir()
    (root / "etc" / "passwd").write_text("root:x:0:0::/root:/bin/sh\n"
                                         "ci:x:1000:1000::/home/ci:/bin/sh\n")
    for home in ("root", "home/ci", "home/dev"):
        (root / home / ".docker").mkdir(parents=True)
    (root / "root" / ".docker" / "config.json").write_text(
        json.dumps({"credHelpers": {ECR: "ecr-login"}}))
    (root / "home" / "ci" / ".docker" / "config.json").write_text(config(expired_auth()))
    (root / "home" / "ci" / ".ecr").mkdir()
    cache = {"Registries": {"k": {"AuthorizationToken": make_ecr_auth(NOW, seed=8)}},
             "Version": "1.0"}
    (root / "home" / "ci" / ".ecr" / "cache.json").write_text(json.dumps(cache))
    (root / "home" / "dev" / ".docker" / "config.json").write_text("{}")


def test_audit_over_a_fake_root(tmp_path: Path) -> None:
    _fake_host(tmp_path)
    work = tmp_path / "runner" / "_work" / "job1" / ".docker"
    work.mkdir(parents=True)
    (work / "config.json").write_text(config(expired_auth(seed=11)))
    env = {"PATH": "/nonexistent", "DOCKER_AUTH_CONFIG": config(expired_auth(seed=12))}
    report = audit_host(str(tmp_path), [str(tmp_path / "runner")], env, now=NOW)
    paths = {f.location.path for f in report.findings if f.rule_id.startswith("SCN")}
    assert str(tmp_path / "home/ci/.docker/config.json") in paths
    assert str(tmp_path / "home/ci/.ecr/cache.json") in paths
    assert str(work / "config.json") in paths and "env:DOCKER_AUTH_CONFIG" in paths
    assert len(report.checked) == 6 and not report.unreadable
    # root's config points at a helper that is not on PATH: a broken helper set-up.
    assert any(f.location.path.startswith(str(tmp_path / "root")) for f in report.findings)


def test_audit_cli_json_and_exit_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_host(tmp_path)
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("DOCKER_CONFIG", raising=False)
    monkeypatch.delenv("DOCKER_AUTH_CONFIG", raising=False)
    code, out, _ = run("audit", "--root", str(tmp_path), "--format", "json")
    doc = validated(out, "audit")
    assert code == 1 and doc["summary"]["high"] >= 1
    code, out, _ = run("audit", "--root", str(tmp_path), "--format", "sarif")
    jsonschema.validate(json.loads(out), json.loads(SARIF_SCHEMA.read_text()))


def test_audit_says_what_it_could_not_read(tmp_path: Path) -> None:
    """Another user's config is unreadable; as root (CI) the child drops DAC override."""
    from conftest import run_without_root_bypass

    _fake_host(tmp_path)
    locked = tmp_path / "home" / "ci" / ".docker" / "config.json"
    locked.chmod(0)
    code = ("import sys; from ecr_doctor.cli.main import main; "
            f"sys.exit(main(['audit', '--root', {str(tmp_path)!r}]))")
    result = run_without_root_bypass(code)
    assert f"could not read {locked}: permission denied" in result.stdout, result.stderr
    assert "sudo" in result.stdout


# No output ever contains a planted secret -----------------------------------------------------

@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(seed=st.integers(0, 10**6), hours=st.integers(-72, 12),
       form=st.sampled_from(["config", "log", "login", "k8s", "gitlab"]),
       fmt=st.sampled_from(["text", "json", "sarif"]))
def test_no_output_contains_a_planted_secret(tmp_path_factory: pytest.TempPathFactory, seed: int,
                                             hours: int, form: str, fmt: str) -> None:
    import base64

    base = tmp_path_factory.mktemp("prop")
    password = make_ecr_password(NOW + timedelta(hours=hours), seed=seed)
    auth = base64.b64encode(f"AWS:{password}".encode()).decode()
    files = {
        "config": ("c/config.json", config(auth)),
        "log": ("build.log", f"token {auth}\n"),
        "login": ("run.sh", f"docker login -u AWS -p {password} {ECR}\n"),
        "k8s": ("s.yaml", "kind: Secret\ndata:\n  .dockerconfigjson: "
                + base64.b64encode(config(auth).encode()).decode() + "\n"),
        "gitlab": (".gitlab-ci.yml", "variables:\n  DOCKER_AUTH_CONFIG: "
                   + json.dumps(config(auth)) + "\n"),
    }
    name, text = files[form]
    (base / name).parent.mkdir(parents=True, exist_ok=True)
    (base / name).write_text(text)
    code, out, err = run("scan", str(base), "--format", fmt)
    assert code == 1
    for secret in (password, auth, password[:40], auth[8:48]):
        assert secret not in out and secret not in err


def test_progress_bar_goes_to_stderr_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                          ) -> None:
    from ecr_doctor.cli.scan import PROGRESS_THRESHOLD, scan_paths

    for i in range(PROGRESS_THRESHOLD + 10):
        (tmp_path / f"f{i}.txt").write_text("x\n")
    result = scan_paths([str(tmp_path)], progress=True, jobs=2)
    assert result.files_scanned == PROGRESS_THRESHOLD + 10 and not result.findings
    assert capsys.readouterr().out == ""


def test_audit_text_is_one_screen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_host(tmp_path)
    for i in range(30):
        home = tmp_path / "home" / f"u{i}" / ".docker"
        home.mkdir(parents=True)
        (home / "config.json").write_text(config(expired_auth(seed=100 + i)))
    monkeypatch.delenv("DOCKER_CONFIG", raising=False)
    monkeypatch.delenv("DOCKER_AUTH_CONFIG", raising=False)
    code, out, _ = run("audit", "--root", str(tmp_path))
    assert code == 1 and len(out.splitlines()) <= 20 and "more (-v or --format json" in out


def test_scan_flags_broad_iam_policies_but_not_the_generated_one(tmp_path: Path) -> None:
    broad = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "ecr:*", "Resource": "*"},
        {"Sid": "Push", "Effect": "Allow", "Action": ["ecr:PutImage"], "Resource": "*"}]}
    (tmp_path / "iam").mkdir()
    (tmp_path / "iam" / "ci-role.json").write_text(json.dumps(broad, indent=2))
    code, out, _ = run("scan", str(tmp_path), "--format", "sarif")
    assert code == 1
    doc = json.loads(out)
    jsonschema.validate(doc, json.loads(SARIF_SCHEMA.read_text()))
    assert [r["ruleId"] for r in doc["runs"][0]["results"]] == ["IAM001", "IAM002"]
    # What `policy iam` generates is least privilege: the scanner must find nothing in it.
    code, generated, _ = run("policy", "iam", "--push", "--pull", "--repository", "app",
                             "--registry", ECR)
    assert code == 0
    (tmp_path / "iam" / "ci-role.json").write_text(generated)
    code, out, _ = run("scan", str(tmp_path))
    assert code == 0 and "no findings" in out, out


# Gates that fail closed: input that cannot be used is an error, never "no findings" ---------

@pytest.mark.parametrize("value", ["-5", "0"])
def test_max_bytes_must_be_positive(tree: Path, value: str, capsys: pytest.CaptureFixture[str]
                                    ) -> None:
    code, out, _ = run("scan", str(tree), "--max-bytes", value)  # argparse writes to stderr
    assert code == 2 and out == ""
    assert "argument --max-bytes: must be at least 1" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["missing", "file"])
def test_audit_root_must_be_a_directory(tmp_path: Path, kind: str) -> None:
    root = tmp_path / "nonexistent"
    if kind == "file":
        root.write_text("")
    code, out, err = run("audit", "--root", str(root))
    assert code == 2 and str(root) in err and "no findings" not in out


def _cli(*argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """A real process with a timeout: a scan that opens a FIFO would block forever."""
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-m", "ecr_doctor", *argv], capture_output=True,
                          text=True, env=env, timeout=60, cwd=cwd)


def _special(tmp_path: Path, kind: str) -> Path:
    if kind == "missing":
        return tmp_path / "nonexistent"
    if kind == "device":
        return Path("/dev/null")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    if kind == "fifo":
        return fifo
    link = tmp_path / "link"
    link.symlink_to(fifo)
    return link


@pytest.mark.parametrize("kind", ["missing", "fifo", "symlink-to-fifo", "device"])
def test_a_named_path_that_cannot_be_read_is_an_error(tree: Path, tmp_path_factory:
                                                      pytest.TempPathFactory, kind: str) -> None:
    bad = _special(tmp_path_factory.mktemp("special"), kind)
    readme = str(tree / "README.md")
    result = _cli("scan", readme, str(bad))
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"could not read {bad}: " in result.stdout
    assert "no findings" not in result.stdout and "could not be read" in result.stderr
    result = _cli("scan", readme, str(bad), "--format", "json")
    doc = validated(result.stdout, "scan")
    assert result.returncode == json.loads(result.stdout)["exit_code"] == 2
    assert [u["path"] for u in doc["unreadable"]] == [str(bad)]
    result = _cli("scan", readme, str(bad), "--format", "sarif")
    sarif = json.loads(result.stdout)
    jsonschema.validate(sarif, json.loads(SARIF_SCHEMA.read_text()))
    (invocation,) = sarif["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False and result.returncode == 2
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and str(bad) in note["message"]["text"]


def test_a_symlink_to_a_fifo_inside_the_tree_is_skipped_not_opened(tree: Path) -> None:
    os.mkfifo(tree / "pipe")
    (tree / "pipe.json").symlink_to(tree / "pipe")
    result = _cli("scan", str(tree), "-v")
    assert result.returncode == 1, result.stdout + result.stderr  # the tree's own findings
    assert "skipped " + str(tree / "pipe.json") + ": not a regular file" in result.stdout


def test_unreadable_files_in_a_tree_fail_the_gate(tree: Path) -> None:
    """As root (CI) the child drops DAC override, so permission bits apply."""
    from conftest import run_without_root_bypass

    (tree / ".docker" / "config.json").unlink()
    (tree / "deploy.sh").unlink()
    locked = tree / "locked.env"
    locked.write_text(f"TOKEN={make_ecr_auth(NOW, seed=21)}\n")
    locked.chmod(0)
    closed = tree / "closed"
    closed.mkdir()
    (closed / "config.json").write_text(config(expired_auth(seed=22)))
    closed.chmod(0)
    baseline = tree.parent / "baseline.json"

    def as_a_user(*argv: str) -> subprocess.CompletedProcess[str]:
        return run_without_root_bypass("import sys; from ecr_doctor.cli.main import main; "
                                       f"sys.exit(main({list(argv)!r}))")

    try:
        result = as_a_user("scan", str(tree))
        assert result.returncode == 2, result.stdout + result.stderr
        assert f"could not read {locked}: permission denied" in result.stdout
        assert f"could not read {closed}: permission denied" in result.stdout
        assert "no findings" not in result.stdout
        result = as_a_user("scan", str(tree), "--format", "json")
        doc = validated(result.stdout, "scan")
        assert result.returncode == 2 == json.loads(result.stdout)["exit_code"]
        assert {u["path"] for u in doc["unreadable"]} == {str(locked), str(closed)}
        result = as_a_user("scan", str(locked))  # named, as pre-commit names staged files
        assert result.returncode == 2 and f"could not read {locked}" in result.stdout
        result = as_a_user("scan", str(tree), "--write-baseline", str(baseline))
        assert result.returncode == 2 and not baseline.exists(), result.stderr
    finally:
        closed.chmod(0o755)


def _git(git_bin: str, cwd: Path, *args: str) -> None:
    subprocess.run([git_bin, "-c", "user.name=t", "-c", "user.email=t@example.invalid",
                    "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
                   cwd=cwd, check=True, capture_output=True)


def test_tracked_files_are_scanned_whatever_gitignore_says(tree: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    """.gitignore only keeps untracked files out of git: a tracked file is in the repository
    (and in every clone), so a secret in it is scanned even if a pattern matches it later."""
    from conftest import require_binary

    git_bin = require_binary("git")
    (tree / ".gitignore").write_text("secrets/\n*.log\n")
    (tree / "secrets").mkdir()
    (tree / "secrets" / "config.json").write_text(config(expired_auth(seed=31)))
    (tree / "secrets" / "local.json").write_text(config(expired_auth(seed=32)))
    (tree / "sub").mkdir()
    (tree / "sub" / "build.log").write_text(f"tok {make_ecr_auth(NOW, seed=33)}\n")
    (tree / "sub" / "local.log").write_text(f"tok {make_ecr_auth(NOW, seed=34)}\n")
    _git(git_bin, tree, "init", "-q")
    _git(git_bin, tree, "add", ".")
    _git(git_bin, tree, "add", "-f", "secrets/config.json", "sub/build.log")
    _git(git_bin, tree, "commit", "-q", "-m", "x")
    _, out, _ = run("scan", str(tree))
    assert "secrets/config.json" in out and "sub/build.log" in out, out
    assert "local.json" not in out and "local.log" not in out  # untracked and ignored
    (tree / "sub" / ".gitignore").write_text("*.log\n")
    _, out, _ = run("scan", str(tree / "sub"))  # a folder inside the work tree
    assert "sub/build.log" in out and "local.log" not in out, out
    # Without git, the walk goes by .gitignore alone.
    monkeypatch.setenv("PATH", str(tree / "no-git-here"))
    _, out, _ = run("scan", str(tree))
    assert "secrets" not in out and "build.log" not in out


def test_audit_that_could_not_read_a_config_fails_closed(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # A clean host except for one config the gate cannot read: that is no pass.
    import os

    _fake_host(tmp_path)
    (tmp_path / "home" / "ci" / ".docker" / "config.json").unlink()
    (tmp_path / "home" / "ci" / ".ecr" / "cache.json").unlink()
    os.mkfifo(tmp_path / "home" / "ci" / ".docker" / "config.json")
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("DOCKER_CONFIG", raising=False)
    monkeypatch.delenv("DOCKER_AUTH_CONFIG", raising=False)
    for fmt in ("text", "json", "sarif"):
        code, out, err = run("audit", "--root", str(tmp_path), "--format", fmt)
        assert code == 2 and "audit is incomplete" in err, (fmt, out, err)
        assert "home/ci/.docker/config.json" in out


def test_write_baseline_replaces_an_old_baseline_but_nothing_else(tree: Path,
                                                                  tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"version": 1, "generated_by": "ecr-doctor 0.1.0",
                               "results": {}}))
    assert run("scan", str(tree), "--write-baseline", str(old))[0] == 0
    assert json.loads(old.read_text())["version"] == 2
    notes = tmp_path / "notes.json"
    notes.write_text('{"mine": true}')
    code, _, err = run("scan", str(tree), "--write-baseline", str(notes))
    assert code == 2 and "refusing to overwrite" in err
    assert notes.read_text() == '{"mine": true}'


# --- a large file is read into one buffer: what it holds, even when it changes meanwhile ------


def _large(tmp_path: Path, tail: bytes) -> Path:
    path = tmp_path / "build.log"
    path.write_bytes(b"step ok\n" * 80_000 + tail)  # 640 KB: the large-file path
    return path


def test_a_large_file_is_read_to_its_last_byte(tmp_path: Path) -> None:
    from ecr_doctor.scan.walk import _read

    token = live_auth(real_clock=True)
    path = _large(tmp_path, f'{{"auths": {{"{ECR}": {{"auth": "{token}"}}}}}}\n'.encode())
    data = _read(str(path))
    assert data == path.read_bytes()
    assert data is not None and data.decode().endswith('"}}}\n')


def test_a_large_binary_is_probed_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    from ecr_doctor.scan import walk

    path = tmp_path / "blob.bin"
    path.write_bytes(b"\0" + b"x" * 1_000_000)
    reads: list[int] = []
    real = os.readv

    def counting(fd: int, buffers: list[memoryview]) -> int:
        n = real(fd, buffers)
        reads.append(n)
        return n

    monkeypatch.setattr(walk.os, "readv", counting)
    assert walk._read(str(path)) is None
    assert reads == [walk.BINARY_PROBE]


@pytest.mark.parametrize("change", ["grows", "shrinks"])
def test_a_large_file_changing_while_read_gives_what_it_held(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    # Someone appends to the log (or truncates it) between fstat and the reads: the scan reads
    # on to the real end, or stops at it, and never returns stale or missing bytes as content.
    from ecr_doctor.scan import walk

    path = _large(tmp_path, b"end\n")
    real = os.readv
    done = [False]

    def racing(fd: int, buffers: list[memoryview]) -> int:
        if not done[0]:
            done[0] = True
            with path.open("r+b") as f:
                if change == "grows":
                    f.seek(0, os.SEEK_END)
                    f.write(b"appended\n" * 1000)
                else:
                    f.truncate(300_000)
        return real(fd, buffers)

    monkeypatch.setattr(walk.os, "readv", racing)
    data = walk._read(str(path))
    assert data == path.read_bytes()
