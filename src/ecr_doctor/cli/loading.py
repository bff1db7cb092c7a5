"""Read the config and the machine once, for the commands that diagnose: the config Docker
would read, the helpers it names on PATH, and the AWS evidence around them."""

from __future__ import annotations

import os
from typing import NamedTuple

from ecr_doctor.cli.exits import UsageError
from ecr_doctor.cli.options import NO_CHOICE, ClientChoice
from ecr_doctor.core.dockerconfig import ConfigFile, ConfigLocation, DockerConfig, parse_config
from ecr_doctor.core.engine import Diagnosis, diagnose_config
from ecr_doctor.core.environment import DEFAULT_PROBE_TIMEOUT, Environment
from ecr_doctor.core.options import Options
from ecr_doctor.core.registries import classify
from ecr_doctor.machine.capture import capture
from ecr_doctor.machine.configfile import (
    detect_client,
    locate,
    locate_containers_auth,
    read_config,
)


class Loaded(NamedTuple):
    location: ConfigLocation
    file: ConfigFile
    config: DockerConfig
    env: Environment
    #: "docker" or "podman": whose rules the file is read with, and why.
    client: str = "docker"
    client_reason: str = ""




def check_registries(values: list[str]) -> None:
    for value in values:
        if not classify(value).is_ecr:
            raise UsageError(f"--registry {value!r} is not an Amazon ECR registry host "
                             "(expected e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com)")



def load(config_arg: str | None, registries: list[str],
         choice: ClientChoice = NO_CHOICE) -> Loaded:
    home = os.path.expanduser("~")
    if choice.client == "podman" and not config_arg:
        location = locate_containers_auth(os.environ, home)
    else:
        location = locate(config_arg, os.environ, home)
    client, client_reason = detect_client(location.path, os.environ)
    if choice.client is not None:
        client, client_reason = choice.client, f"--client {choice.client}"
    file = read_config(location.path)
    config = parse_config(file.raw, location.path)
    named = {h.helper for h in config.cred_helpers if h.helper}
    if config.creds_store is not None and config.creds_store.value:
        named.add(config.creds_store.value)
    helper_names = named | {"ecr-login"}
    ecr_hosts = [e.key for e in config.auths] + [h.key for h in config.cred_helpers] + registries
    # Running a helper costs a process start (~10 ms for the Go binary). Its version only
    # matters for hosts that some helper release still in use does not recognise (ENV002:
    # ISO, dual-stack, EUSC; every release since 0.5.0 knows standard and public hosts).
    probe = ["ecr-login"] if any((classify(k).min_helper_version or (0, 0, 0)) > (0, 5, 0)
                                 for k in ecr_hosts) else []
    docker_file = client == "docker"
    env = capture(os.environ, helper_names=sorted(helper_names), probe_versions=probe, home=home,
                  docker=choice.docker, buildx_for=location.path if docker_file else None)
    if docker_file and choice.docker is None and _version_matters(env, named):
        # Start-up is budgeted: the CLI is asked only when its release changes an answer.
        from ecr_doctor.machine.clients import probe_docker

        env = env._replace(docker=probe_docker(env.path_dirs, os.environ, DEFAULT_PROBE_TIMEOUT,
                                               windows=env.platform == "windows"))
    return Loaded(location, file, config, env, client, client_reason)



def _version_matters(env: Environment, named: set[str]) -> bool:
    """DOCKER_AUTH_CONFIG is read only from 28.3.0, and which commands send a stale token when
    a helper the config names is missing depends on the release (ecr_doctor.core.clients)."""
    return env.docker_auth_config is not None or any(
        not (h.found and h.executable) for h in env.helpers if h.name in named)


def options(loaded: Loaded, registries: list[str], *, unsafe_fixes: bool = False) -> Options:
    return Options(registries=tuple(registries), unsafe_fixes=unsafe_fixes,
                   location=loaded.location, file_mode=loaded.file.mode,
                   file_exists=loaded.file.exists,
                   client="podman" if loaded.client == "podman" else "docker",
                   client_reason=loaded.client_reason)


def diagnose(loaded: Loaded, registries: list[str]) -> Diagnosis:
    return diagnose_config(loaded.config, loaded.env, options(loaded, registries))



def header(loaded: Loaded) -> str:
    state = "" if loaded.file.exists else " — no such file; Docker treats it as empty"
    text = f"Config: {loaded.location.path} — {loaded.location.reason}{state}"
    if loaded.client == "podman":
        text += (f"\nRead as podman / skopeo / buildah read it (containers/image): "
                 f"{loaded.client_reason}")
    docker = loaded.env.docker
    if loaded.client == "docker" and docker is not None:
        shown = docker.version or f"unknown ({docker.source})"
        via = f" (from {docker.source})" if docker.version else ""
        text += f"\nDocker CLI: {shown}{via}"
    return text



def config_dict(loaded: Loaded) -> dict[str, object]:
    return {
        "path": loaded.location.path,
        "source": loaded.location.source,
        "reason": loaded.location.reason,
        "exists": loaded.file.exists,
        "symlink": loaded.file.is_symlink,
        "mode": None if loaded.file.mode is None else f"{loaded.file.mode & 0o777:04o}",
        "client": loaded.client,
        "docker_version": loaded.env.docker.version if loaded.env.docker is not None else None,
    }

