"""Read the config and the machine once, for the commands that diagnose: the config Docker
would read, the helpers it names on PATH, and the AWS evidence around them."""

from __future__ import annotations

import os
from typing import NamedTuple

from ecr_doctor.cli.exits import UsageError
from ecr_doctor.core.dockerconfig import ConfigFile, ConfigLocation, DockerConfig, parse_config
from ecr_doctor.core.engine import Diagnosis, diagnose_config
from ecr_doctor.core.environment import Environment
from ecr_doctor.core.options import Options
from ecr_doctor.core.registries import classify
from ecr_doctor.machine.capture import capture
from ecr_doctor.machine.configfile import locate, read_config


class Loaded(NamedTuple):
    location: ConfigLocation
    file: ConfigFile
    config: DockerConfig
    env: Environment




def check_registries(values: list[str]) -> None:
    for value in values:
        if not classify(value).is_ecr:
            raise UsageError(f"--registry {value!r} is not an Amazon ECR registry host "
                             "(expected e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com)")



def load(config_arg: str | None, registries: list[str]) -> Loaded:
    home = os.path.expanduser("~")
    location = locate(config_arg, os.environ, home)
    file = read_config(location.path)
    config = parse_config(file.raw, location.path)
    helper_names = {h.helper for h in config.cred_helpers if h.helper} | {"ecr-login"}
    if config.creds_store is not None and config.creds_store.value:
        helper_names.add(config.creds_store.value)
    ecr_hosts = [e.key for e in config.auths] + [h.key for h in config.cred_helpers] + registries
    # Running a helper costs a process start (~10 ms for the Go binary). Its version only
    # matters for hosts that some helper release still in use does not recognise (ENV002:
    # ISO, dual-stack, EUSC; every release since 0.5.0 knows standard and public hosts).
    probe = ["ecr-login"] if any((classify(k).min_helper_version or (0, 0, 0)) > (0, 5, 0)
                                 for k in ecr_hosts) else []
    env = capture(os.environ, helper_names=sorted(helper_names), probe_versions=probe, home=home)
    return Loaded(location, file, config, env)



def options(loaded: Loaded, registries: list[str], *, unsafe_fixes: bool = False) -> Options:
    return Options(registries=tuple(registries), unsafe_fixes=unsafe_fixes,
                   location=loaded.location, file_mode=loaded.file.mode,
                   file_exists=loaded.file.exists)


def diagnose(loaded: Loaded, registries: list[str]) -> Diagnosis:
    return diagnose_config(loaded.config, loaded.env, options(loaded, registries))



def header(loaded: Loaded) -> str:
    state = "" if loaded.file.exists else " — no such file; Docker treats it as empty"
    return f"Config: {loaded.location.path} — {loaded.location.reason}{state}"



def config_dict(loaded: Loaded) -> dict[str, object]:
    return {
        "path": loaded.location.path,
        "source": loaded.location.source,
        "reason": loaded.location.reason,
        "exists": loaded.file.exists,
        "symlink": loaded.file.is_symlink,
        "mode": None if loaded.file.mode is None else f"{loaded.file.mode & 0o777:04o}",
    }

