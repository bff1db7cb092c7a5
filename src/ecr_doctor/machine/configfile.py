"""Find and read the config.json Docker would read: `--config`, `$DOCKER_CONFIG`, home.

The read goes through the bounded reader (`MAX_CONFIG_BYTES`, regular files only).
"""

from __future__ import annotations

import os
import stat
from typing import TYPE_CHECKING

from ecr_doctor.core.dockerconfig import (
    MAX_CONFIG_BYTES,
    ConfigError,
    ConfigFile,
    ConfigLocation,
    DockerConfig,
    parse_config,
    too_big_message,
)
from ecr_doctor.machine.reading import NotRegularFile, TooLarge, read_regular_file

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["detect_client", "load", "locate", "locate_containers_auth", "read_config"]


def locate(config_flag: str | None, environ: Mapping[str, str], home: str) -> ConfigLocation:
    """Which config.json Docker would read: --config, then $DOCKER_CONFIG, then ~/.docker.

    docker/cli cli/config/config.go · Dir, SetDir; cli/flags/options.go · InstallFlags.
    """
    if config_flag:
        given = os.path.abspath(os.path.expanduser(config_flag))
        if os.path.isdir(given):
            return ConfigLocation(
                os.path.join(given, "config.json"),
                "--config",
                f"from --config {config_flag} (a directory; Docker reads "
                f"{os.path.join(given, 'config.json')})",
            )
        if os.path.isfile(given) or given.endswith(".json"):
            # Docker's own --config only takes a directory; a file path is our convenience.
            return ConfigLocation(
                given, "--config", f"from --config {config_flag} (a file, read directly)"
            )
        return ConfigLocation(
            os.path.join(given, "config.json"),
            "--config",
            f"from --config {config_flag} (taken as a directory, as Docker does)",
        )
    # Go's os.Getenv cannot tell unset from empty; both fall back to the home directory.
    value = environ.get("DOCKER_CONFIG", "")
    if value:
        directory = os.path.abspath(value)
        path = os.path.join(directory, "config.json")
        if os.path.isfile(directory):
            return ConfigLocation(
                path,
                "DOCKER_CONFIG",
                f"from $DOCKER_CONFIG={value}, which is a file, not a directory: Docker tries "
                f"{path} and fails with 'not a directory'",
                docker_config_is_file=True,
            )
        return ConfigLocation(
            path,
            "DOCKER_CONFIG",
            f"from $DOCKER_CONFIG={value} (a directory; Docker reads {path})",
        )
    path = os.path.join(os.path.abspath(home), ".docker", "config.json")
    return ConfigLocation(path, "home", f"from the home directory {home} (Docker reads {path})")


def locate_containers_auth(environ: Mapping[str, str], home: str,
                           uid: int | None = None) -> ConfigLocation:
    """The first file containers/image (podman, skopeo, buildah) reads that exists.

    containers/image pkg/docker/config/config.go · getAuthFilePaths, getPathToAuthWithOS:
    $REGISTRY_AUTH_FILE alone when set (podman and skopeo pass it as the auth file); else
    ${XDG_RUNTIME_DIR}/containers/auth.json (Linux; /run/containers/<uid>/auth.json without
    XDG_RUNTIME_DIR; ~/.config/containers/auth.json elsewhere), then
    ${XDG_CONFIG_HOME:-~/.config}/containers/auth.json, then $DOCKER_CONFIG/config.json or
    ~/.docker/config.json, then the legacy ~/.dockercfg. Credentials come from the first file
    that has some for the registry; this picks the first file present.
    """
    import sys

    given = environ.get("REGISTRY_AUTH_FILE", "")
    if given:
        path = os.path.abspath(given)
        return ConfigLocation(path, "--config", f"from $REGISTRY_AUTH_FILE={given} (podman, "
                              "skopeo and buildah read only this file)")
    candidates: list[tuple[str, str]] = []
    if sys.platform.startswith("linux"):
        runtime = environ.get("XDG_RUNTIME_DIR", "")
        if runtime:
            candidates.append((os.path.join(runtime, "containers", "auth.json"),
                               "$XDG_RUNTIME_DIR/containers/auth.json"))
        else:
            user = os.getuid() if uid is None and hasattr(os, "getuid") else (uid or 0)
            candidates.append((f"/run/containers/{user}/auth.json",
                               "/run/containers/<uid>/auth.json"))
    else:
        candidates.append((os.path.join(home, ".config", "containers", "auth.json"),
                           "~/.config/containers/auth.json"))
    config_home = environ.get("XDG_CONFIG_HOME", "") or os.path.join(home, ".config")
    candidates.append((os.path.join(config_home, "containers", "auth.json"),
                       "${XDG_CONFIG_HOME:-~/.config}/containers/auth.json"))
    docker_dir = environ.get("DOCKER_CONFIG", "") or os.path.join(home, ".docker")
    candidates.append((os.path.join(docker_dir, "config.json"), "the Docker config"))
    order = ", then ".join(what for _, what in candidates)
    for path, what in candidates:
        if os.path.isfile(path):
            return ConfigLocation(path, "home", f"podman reads {order}; the first present is "
                                  f"{what}")
    path = candidates[0][0]
    return ConfigLocation(path, "home", f"podman reads {order}; none exists")


def detect_client(path: str, environ: Mapping[str, str]) -> tuple[str, str]:
    """("podman", why) for a file only containers/image reads, else ("docker", why)."""
    parts = os.path.normpath(path).split(os.sep)
    given = environ.get("REGISTRY_AUTH_FILE", "")
    if given and os.path.abspath(given) == os.path.abspath(path):
        return "podman", "it is $REGISTRY_AUTH_FILE"
    if parts[-1:] == ["auth.json"] and parts[-2:-1] == ["containers"]:
        return "podman", "containers/auth.json is where podman, skopeo and buildah keep logins"
    if parts[-1:] == ["auth.json"]:
        # Docker reads only config.json; auth.json is containers/image's name (the file an
        # `--authfile` or $REGISTRY_AUTH_FILE names), where a `docker.io` key is the normal one.
        return "podman", ("auth.json is the name podman, skopeo and buildah give their logins "
                          "file (Docker reads config.json; --client docker to read it as "
                          "Docker's)")
    return "docker", ""


def read_config(path: str) -> ConfigFile:
    """Read the bytes Docker would read. A missing file (or dangling link) is an empty one."""
    is_symlink = os.path.islink(path)
    real_path = os.path.realpath(path)
    try:
        raw, mode = read_regular_file(path, MAX_CONFIG_BYTES)
    except FileNotFoundError:
        return ConfigFile(path, real_path, False, is_symlink, None, b"")
    except NotADirectoryError:
        # DOCKER_CONFIG names a file: Docker's open of <file>/config.json fails with ENOTDIR,
        # which Go's os.IsNotExist does not match, so config.Load returns the error and
        # LoadDefaultConfigFile warns and carries on with an empty config (docker/cli
        # cli/config/config.go). ENV006 says so; reading nothing is what Docker does.
        return ConfigFile(path, real_path, False, is_symlink, None, b"")
    except NotRegularFile as exc:
        raise ConfigError(path, "is a directory; expected a config.json file" if exc.is_directory
                          else "is not a regular file; expected a config.json file") from None
    except TooLarge as exc:
        raise ConfigError(path, too_big_message(exc.size)) from None
    except OSError as exc:
        raise ConfigError(path, f"cannot read: {exc.strerror or exc}") from None
    return ConfigFile(path, real_path, True, is_symlink, stat.S_IMODE(mode), raw)


def load(path: str, *, strict: bool = True) -> tuple[ConfigFile, DockerConfig]:
    """Read and decode `path`; a missing file gives an empty config, as in Docker."""
    file = read_config(path)
    return file, parse_config(file.raw, path, strict=strict)
