"""Beyond one Docker CLI: the client's version, buildx scoped configs, podman's auth.json.

Unit and hostile tests, offline: the docker version probe against fake `docker` programs
(hanging, printing garbage, streaming), buildx's tree with FIFOs, symlink loops, huge files
and control characters in names, and `diagnose` on a podman file. tests/test_docker_clients.py
checks the version rows against the real Docker 28.2.2 client.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ECR, NOW, expired_auth, helper, machine

from ecr_doctor.core.clients import helper_failure_uses, parse_docker_version
from ecr_doctor.core.dockerconfig import parse_config
from ecr_doctor.core.engine import diagnose_text
from ecr_doctor.core.environment import DockerAuthConfigEnv, DockerClient
from ecr_doctor.core.options import Options
from ecr_doctor.core.resolution import Source, resolve
from ecr_doctor.machine.clients import buildx_base, probe_docker, read_buildx_configs

posix_only = pytest.mark.skipif(os.name != "posix", reason="fake programs are shell scripts")
SRC = str(Path(__file__).resolve().parent.parent / "src")
HELPED = {"credHelpers": {ECR: "ecr-login"}}


def fake_docker(directory: Path, body: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "docker"
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return directory


def cli(*argv: str, home: Path, env: dict[str, str] | None = None,
        path: str = "/usr/bin:/bin") -> subprocess.CompletedProcess[str]:
    environ = {"PATH": path, "PYTHONPATH": SRC, "NO_COLOR": "1", "HOME": str(home), **(env or {})}
    return subprocess.run([sys.executable, "-m", "ecr_doctor", *argv], capture_output=True,
                          text=True, env=environ, timeout=120)


# --- the version ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("28.2.2", ("28.2.2", (28, 2, 2))),
    ("v29.1.0-rc.1", ("29.1.0-rc.1", (29, 1, 0))),
    ("Docker version 28.2.2, build e6534b4", ("28.2.2", (28, 2, 2))),
    ("", None), ("development", None), ("28.2", None), ("\x1b[2J28", None),
    ("1.2.3.4", None), ("99999.1.1", None),
])
def test_parse_docker_version(text: str, expected: object) -> None:
    assert parse_docker_version(text) == expected


@posix_only
def test_probe_asks_docker_without_a_daemon(tmp_path: Path) -> None:
    # A real client prints its version and exits 1 when no daemon answers; the probe must
    # give it a DOCKER_HOST nobody serves, so it never reaches a (remote) daemon.
    bin_dir = fake_docker(tmp_path / "bin", 'echo "$DOCKER_HOST" > "$0.host"\n'
                          'echo 28.2.2\necho "Cannot connect" >&2\nexit 1\n')
    found = probe_docker((str(bin_dir),), {"DOCKER_HOST": "ssh://build@far.example"}, 5.0)
    assert found == DockerClient("28.2.2", (28, 2, 2), "docker version", str(bin_dir / "docker"))
    assert (bin_dir / "docker.host").read_text().startswith("unix:///nonexistent/")


@posix_only
@pytest.mark.parametrize(("body", "why"), [
    ("sleep 30\n", "hangs"),
    ("printf '\\033]0;pwned\\007not a version\\n'\n", "garbage"),
    ("yes 28.2.2\n", "streams forever"),
    ("echo 28.2.2; echo 29.0.0\n", "two versions"),
])
def test_probe_survives_a_hostile_docker(tmp_path: Path, body: str, why: str) -> None:
    bin_dir = fake_docker(tmp_path / "bin", f'[ "$1" = --version ] && exit 3\n{body}')
    started = time.monotonic()
    found = probe_docker((str(bin_dir),), {}, 1.0)
    assert found.version is None and found.source == "no version", why
    assert time.monotonic() - started < 20  # bounded: not a timing claim, a hang guard


@posix_only
def test_probe_falls_back_to_dash_dash_version(tmp_path: Path) -> None:
    bin_dir = fake_docker(tmp_path / "bin", '[ "$1" = --version ] && '
                          'echo "Docker version 27.5.1, build 9f9e405" && exit 0\nsleep 30\n')
    found = probe_docker((str(bin_dir),), {}, 1.0)
    assert (found.version, found.source) == ("27.5.1", "docker --version")


def test_no_docker_on_path_is_unknown(tmp_path: Path) -> None:
    assert probe_docker((str(tmp_path), "relative/bin", ""), {}, 1.0) == DockerClient(
        None, None, "not found")


def test_docker_version_option(tmp_path: Path) -> None:
    bad = cli("diagnose", "--docker-version", "latest", home=tmp_path)
    assert bad.returncode == 2 and "--docker-version 'latest'" in bad.stderr
    (tmp_path / ".docker").mkdir()
    (tmp_path / ".docker" / "config.json").write_text(json.dumps(HELPED))
    done = cli("diagnose", "--docker-version", "28.2.2", "--format", "json", home=tmp_path,
               env={"DOCKER_AUTH_CONFIG": json.dumps({"auths": {ECR: {"auth": expired_auth()}}})})
    result = json.loads(done.stdout)["result"]
    assert result["config"]["docker_version"] == "28.2.2"
    found = {f["rule_id"] for f in result["findings"]}
    assert "ENV030" in found and "ENV004" not in found
    (registry,) = result["registries"]
    assert registry["source"] == "credHelpers"  # 28.2.2 never reads the variable


# --- the version in the resolution --------------------------------------------------------------


def test_docker_auth_config_by_version() -> None:
    doc = json.dumps(HELPED)
    env = machine(helper("ecr-login"), docker_auth_config=DockerAuthConfigEnv(keys=(ECR,)))

    def source(version: tuple[int, int, int] | None) -> tuple[Source, str]:
        docker = DockerClient(None, version, "--docker-version") if version else None
        diagnosis = diagnose_text(doc, "config.json", env._replace(docker=docker))
        ((_, res),) = diagnosis.registries
        return res.source, res.reason
    assert source((28, 2, 2))[0] is Source.CRED_HELPER
    assert source((28, 3, 0))[0] is Source.ENV
    unknown, reason = source(None)
    # Unknown version: both behaviours are stated.
    assert unknown is Source.ENV and "older CLI ignores it" in reason and "credHelpers" in reason


@pytest.mark.parametrize(("version", "pull", "push"), [
    ((28, 2, 2), "inline", "inline"),
    ((28, 5, 0), "inline", "fails"),
    ((29, 0, 0), "fails", "fails"),
    (None, "depends on the CLI version", "depends on the CLI version"),
])
def test_missing_helper_per_command(version: tuple[int, int, int] | None, pull: str,
                                    push: str) -> None:
    config = parse_config(json.dumps({"auths": {ECR: {"auth": expired_auth()}}, **HELPED}), "c")
    uses = {u.operation.split(" (")[0]: u.outcome
            for u in helper_failure_uses(resolve(config, ECR), version)}
    assert uses == {"pull": pull, "push": push, "build": "inline", "buildx / BuildKit": "fails"}


def test_missing_creds_store_classic_build_sends_nothing() -> None:
    config = parse_config(json.dumps({"auths": {ECR: {"auth": expired_auth()}},
                                      "credsStore": "ecr-login"}), "c")
    uses = {u.operation: u for u in helper_failure_uses(resolve(config, ECR), (28, 2, 2))}
    build = uses["build (classic, DOCKER_BUILDKIT=0)"]
    assert build.outcome == "anonymous" and "any registry" in build.uses


# --- buildx scoped configs: the walk ------------------------------------------------------------


def scoped_tree(tmp_path: Path) -> Path:
    base = tmp_path / "buildx" / "config"
    for relative, doc in [(ECR, {"auths": {}}), (f"{ECR}/team/app@push,pull", HELPED),
                          ("ghcr.io@pull", {})]:
        (base / relative).mkdir(parents=True)
        (base / relative / "config.json").write_text(json.dumps(doc))
    return base


def test_walk_reads_host_repo_and_scopes(tmp_path: Path) -> None:
    base = scoped_tree(tmp_path)
    found = read_buildx_configs(str(base), "test")
    assert [(c.host, c.repo, c.scopes, c.state) for c in found.configs] == [
        (ECR, "", (), "ok"), (ECR, "team/app", ("push", "pull"), "ok"),
        ("ghcr.io", "", ("pull",), "ok")]
    assert found.walk_error is None and not found.truncated


def test_buildx_base_follows_buildx_config_then_docker_dir(tmp_path: Path) -> None:
    assert buildx_base({"BUILDX_CONFIG": "/etc/bx"}, "/h/.docker/config.json")[0] == (
        "/etc/bx/config")
    assert buildx_base({}, "/ci/dockercfg/config.json")[0] == "/ci/dockercfg/buildx/config"


@posix_only
def test_walk_survives_hostile_trees(tmp_path: Path) -> None:
    base = tmp_path / "config"
    fifo_dir = base / ECR / "fifo"
    loop_dir = base / ECR / "loop"
    big_dir = base / ECR / "big"
    dangling_dir = base / ECR / "gone"
    ctl_dir = base / ECR / "te\x1b[31mam"
    for d in (fifo_dir, loop_dir, big_dir, dangling_dir, ctl_dir):
        d.mkdir(parents=True)
    os.mkfifo(fifo_dir / "config.json")
    (loop_dir / "config.json").symlink_to("config.json")
    with open(big_dir / "config.json", "wb") as handle:
        handle.truncate(10 * 1024 * 1024)
    (dangling_dir / "config.json").symlink_to(tmp_path / "nowhere.json")
    (ctl_dir / "config.json").write_text("{}")
    # A symlinked directory is not entered (filepath.WalkDir), even one that loops.
    (base / ECR / "up").symlink_to(base, target_is_directory=True)
    found = read_buildx_configs(str(base), "test")
    states = {c.repo: (c.state, c.error) for c in found.configs}
    assert states == {
        "big": ("unknown", "larger than 8388608 bytes"),
        "fifo": ("fifo", "a FIFO"),
        "gone": ("missing", "a dangling symbolic link"),
        "loop": ("broken", "a symbolic link loop"),
        "te\x1b[31mam": ("ok", None),
    }


def test_walk_limits_entries(tmp_path: Path) -> None:
    base = tmp_path / "config"
    base.mkdir()
    for index in range(2100):
        (base / f"h{index:05}").mkdir()
    found = read_buildx_configs(str(base), "test")
    assert found.truncated


def test_walk_of_a_base_that_is_a_file_or_missing(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("{}")
    assert read_buildx_configs(str(tmp_path / "file"), "t").configs == ()
    assert read_buildx_configs(str(tmp_path / "missing"), "t").configs == ()


@posix_only
def test_diagnose_with_hostile_buildx_tree_is_bounded_and_escaped(tmp_path: Path) -> None:
    docker_dir = tmp_path / ".docker"
    docker_dir.mkdir()
    (docker_dir / "config.json").write_text(json.dumps(HELPED))
    (docker_dir / "config.json").chmod(0o600)
    base = docker_dir / "buildx" / "config"
    (base / f"{ECR}/te\x1b[2Jam").mkdir(parents=True)
    (base / f"{ECR}/te\x1b[2Jam" / "config.json").write_text("{}")
    (base / f"{ECR}@pull").mkdir(parents=True)
    os.mkfifo(base / f"{ECR}@pull" / "config.json")
    done = cli("diagnose", "--docker-version", "28.2.2", home=tmp_path,
               path=f"{tmp_path / 'bin'}:/usr/bin:/bin")
    assert "\x1b" not in done.stdout + done.stderr
    assert "te\\u001b[2Jam" in done.stdout
    assert "CFG032" in done.stdout and "hang" in done.stdout
    assert "CFG031" in done.stdout  # the empty repo-scoped config shadows the helper


# --- podman / skopeo / buildah files -------------------------------------------------------------


def podman_auth(tmp_path: Path, doc: object) -> Path:
    path = tmp_path / ".config" / "containers" / "auth.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(doc, indent="\t"))
    path.chmod(0o600)
    return path


def test_podman_file_is_detected_and_docker_io_is_valid(tmp_path: Path) -> None:
    path = podman_auth(tmp_path, {"auths": {"docker.io": {"auth": "dTpw"}},
                                  "credHelpers": {"docker.io": "pass"}})
    done = cli("diagnose", "--config", str(path), "--format", "json", home=tmp_path)
    result = json.loads(done.stdout)["result"]
    assert result["config"]["client"] == "podman"
    assert "CFG003" not in {f["rule_id"] for f in result["findings"]}
    (hub,) = result["registries"]
    assert (hub["lookup_key"], hub["source"], hub["helper"]) == ("docker.io", "credHelpers",
                                                                 "pass")
    # The same file stated as Docker's: there "docker.io" never matches.
    as_docker = cli("diagnose", "--config", str(path), "--client", "docker", "--format", "json",
                    home=tmp_path)
    assert "CFG003" in {f["rule_id"] for f in json.loads(as_docker.stdout)["result"]["findings"]}


def test_an_auth_json_anywhere_is_read_as_podmans(tmp_path: Path) -> None:
    # `skopeo --authfile ./auth.json`, a CI's REGISTRY_AUTH_FILE: Docker never reads a file of
    # that name, and reading it as Docker's called its `docker.io` keys dead (CFG003).
    path = tmp_path / "ci" / "auth.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"auths": {"docker.io": {"auth": "dTpw"}},
                                "credHelpers": {"docker.io": "pass"}}))
    path.chmod(0o600)
    done = cli("diagnose", "--config", str(path), "--format", "json", home=tmp_path)
    result = json.loads(done.stdout)["result"]
    assert result["config"]["client"] == "podman"
    assert "CFG003" not in {f["rule_id"] for f in result["findings"]}


def test_podman_says_creds_store_is_ignored(tmp_path: Path) -> None:
    path = podman_auth(tmp_path, {"auths": {ECR: {}}, "credsStore": "ecr-login"})
    done = cli("diagnose", "--config", str(path), home=tmp_path)
    assert "CFG033" in done.stdout and "CFG005" not in done.stdout
    assert "podman / skopeo / buildah will use" in done.stdout


def test_client_podman_locates_containers_auth(tmp_path: Path) -> None:
    path = podman_auth(tmp_path, {"auths": {"quay.io/org/app": {"auth": "dTpw"}}})
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    done = cli("diagnose", "--client", "podman", "--format", "json", home=tmp_path,
               env={"XDG_RUNTIME_DIR": str(run_dir)})
    result = json.loads(done.stdout)["result"]
    assert result["config"]["path"] == str(path)
    (quay,) = result["registries"]
    assert "namespaced keys serve only their own repositories: quay.io/org/app" in quay["reason"]
    stated = cli("diagnose", "--client", "podman", "--format", "json", home=tmp_path,
                 env={"REGISTRY_AUTH_FILE": str(tmp_path / "elsewhere.json")})
    assert json.loads(stated.stdout)["result"]["config"]["path"] == str(
        tmp_path / "elsewhere.json")


def test_podman_options_reach_the_rules() -> None:
    text = json.dumps({"credHelpers": {"docker.io": "pass", f"https://{ECR}": "ecr-login"}})
    env = machine(helper("pass"), helper("ecr-login"))._replace(now=NOW)
    podman = {f.rule_id for f in diagnose_text(text, "auth.json", env,
                                               Options(client="podman")).findings}
    docker = [f for f in diagnose_text(text, "auth.json", env).findings if f.rule_id == "CFG003"]
    # A scheme never matches in either client; docker.io only in Docker's.
    assert "CFG003" in podman and len(docker) == 2


def test_a_missing_store_is_explained_once_for_all_the_registries_it_fails() -> None:
    # A config of many registries on one screen: the per-command lines of a missing
    # credsStore are the same for each registry it serves without an inline credential.
    from ecr_doctor.render.style import Style
    from ecr_doctor.render.text import render_registries

    text = json.dumps({"auths": {"https://index.docker.io/v1/": {}, "quay.io": {},
                                 "myreg.azurecr.io": {}},
                       "credsStore": "desktop", "credHelpers": {ECR: "ecr-login"}})
    env = machine(helper("ecr-login"), helper("desktop", found=False))._replace(now=NOW)
    lines = render_registries(diagnose_text(text, "config.json", env), env, Style(False))
    blocks = [line for line in lines if "missing, per command:" in line]
    pointers = [line for line in lines if "per command as for" in line]
    assert len(blocks) == 1 and len(pointers) == 2
    assert all("as for https://index.docker.io/v1/ above" in line for line in pointers)
    assert sum(1 for line in lines if line.strip().startswith("pull:")) == 1


def test_ecr_hub_ghcr_gcr_and_acr_in_one_config_fit_one_screen() -> None:
    # Issue: "diagnose on a config holding ECR + Hub (desktop store) + GHCR + GCR + ACR says,
    # for each registry, which source Docker uses and whether it will work, in one screen".
    from ecr_doctor.render.style import Style
    from ecr_doctor.render.text import render_diagnosis

    doc = {"auths": {"https://index.docker.io/v1/": {}, "ghcr.io": {}, "myreg.azurecr.io": {}},
           "credsStore": "desktop",
           "credHelpers": {ECR: "ecr-login", "gcr.io": "gcloud", "us-docker.pkg.dev": "gcloud"}}
    env = machine(helper("ecr-login"), helper("desktop", found=False),
                  helper("gcloud"))._replace(now=NOW)
    text = render_diagnosis(diagnose_text(json.dumps(doc, indent="\t"), "config.json", env),
                            env, Style(False), header="Config: config.json", config_arg=None,
                            registries=[])
    lines = text.splitlines()
    assert len(lines) <= 40, "\n".join(lines)
    for key, source in (("https://index.docker.io/v1/", "credsStore → docker-credential-desktop "
                         "(not on PATH)"), ("ghcr.io", "credsStore"), ("myreg.azurecr.io",
                         "credsStore"), (ECR, "credHelpers → docker-credential-ecr-login"),
                        ("gcr.io", "credHelpers → docker-credential-gcloud"),
                        ("us-docker.pkg.dev", "credHelpers → docker-credential-gcloud")):
        (row,) = [line for line in lines if line.startswith(f"  {key}  ")]
        assert source in row, row
