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

__all__ = ["load", "locate", "read_config"]


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
