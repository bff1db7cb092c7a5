"""The pre-commit hook, run by the real `pre-commit` against throwaway git repositories.

The hook repository is a fresh git repo holding this working tree's package (so uncommitted
edits are what gets tested); pre-commit clones it and builds the hook's own virtualenv from it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ECR, expired_auth, require_binary

ROOT = Path(__file__).resolve().parent.parent
GIT = ["-c", "user.name=ecr-doctor-test", "-c", "user.email=test@example.invalid",
       "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"]


def git(git_bin: str, cwd: Path, *args: str) -> str:
    return subprocess.run([git_bin, *GIT, *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout.strip()


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    git_bin = require_binary("git")
    repo = tmp_path_factory.mktemp("hook-repo")
    shutil.copytree(ROOT / "src", repo / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, repo / name)
    git(git_bin, repo, "init", "-q")
    git(git_bin, repo, "add", ".")
    git(git_bin, repo, "commit", "-q", "-m", "hook")
    return repo, git(git_bin, repo, "rev-parse", "HEAD")


def _project(base: Path, hook: tuple[Path, str], files: dict[str, str]) -> Path:
    git_bin = require_binary("git")
    base.mkdir()
    repo, rev = hook
    config = {"repos": [{"repo": str(repo), "rev": rev, "hooks": [{"id": "ecr-doctor"}]}]}
    (base / ".pre-commit-config.yaml").write_text(json.dumps(config))  # JSON is YAML
    for name, text in files.items():
        (base / name).parent.mkdir(parents=True, exist_ok=True)
        (base / name).write_text(text)
    git(git_bin, base, "init", "-q")
    git(git_bin, base, "add", ".")
    return base


def _pre_commit(project: Path, home: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "pre-commit"
    assert exe.exists(), "pre-commit is in the test extra"
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run([str(exe), "run", "--all-files"], cwd=project, capture_output=True,
                          text=True, env=env, timeout=600)


def test_planted_token_fails_the_hook_and_a_clean_repo_passes(
        hook_repo: tuple[Path, str], tmp_path: Path) -> None:
    home = tmp_path / "pre-commit-home"  # shared: the hook's venv is built once
    auth = expired_auth()
    dirty = _project(tmp_path / "dirty", hook_repo, {
        "deploy/.docker/config.json": json.dumps({"auths": {ECR: {"auth": auth}}}),
        "README.md": "hello\n"})
    result = _pre_commit(dirty, home)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "SCN001" in result.stdout and "Failed" in result.stdout
    assert auth not in result.stdout and auth[10:50] not in result.stdout

    clean = _project(tmp_path / "clean", hook_repo, {
        "deploy.sh": "aws ecr get-login-password | docker login -u AWS --password-stdin h\n",
        "README.md": "hello\n"})
    result = _pre_commit(clean, home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout
