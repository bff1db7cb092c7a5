"""The other clients on the machine: the Docker CLI's version, and buildx's scoped configs.

The Docker CLI runs through the bounded process runner; buildx's tree is walked with a limit
on entries and depth, and every file is read through the bounded reader (regular files only,
so a FIFO never blocks the walk). Never raises for anything the machine contains.
"""

from __future__ import annotations

import errno
import os
import stat
from typing import TYPE_CHECKING

from ecr_doctor.core.buildx import parse_config_key
from ecr_doctor.core.clients import parse_docker_version
from ecr_doctor.core.dockerconfig import MAX_CONFIG_BYTES, ConfigError, parse_config
from ecr_doctor.core.environment import BuildxConfigs, DockerClient, ScopedConfig
from ecr_doctor.machine.reading import NotRegularFile, TooLarge, read_regular_file

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["buildx_base", "probe_docker", "read_buildx_configs", "stated_docker"]

#: `docker version` prints one short line; more is not a version.
_MAX_VERSION_OUTPUT = 4096
#: A socket path nothing listens on (see probe_docker).
_NO_DAEMON = "unix:///nonexistent/ecr-doctor-no-daemon.sock"


def stated_docker(text: str) -> DockerClient | None:
    """--docker-version X.Y.Z; None when it is not a version (the CLI refuses it)."""
    parsed = parse_docker_version(text)
    if parsed is None or parsed[0] != text.strip().removeprefix("v"):
        return None
    return DockerClient(parsed[0], parsed[1], "--docker-version")


def probe_docker(path_dirs: tuple[str, ...], env: Mapping[str, str], timeout: float, *,
                 windows: bool = False) -> DockerClient:
    """The version of the `docker` the PATH finds, as `docker version` reports it."""
    path = _look_up("docker.exe" if windows else "docker", path_dirs)
    if path is None:
        return DockerClient(None, None, "not found")
    from ecr_doctor.machine.process import run_bounded  # only when there is a docker to run

    # DOCKER_HOST at a socket nobody serves: the client still prints its own version (and
    # exits 1), but never contacts a daemon, which may be remote (tcp://, ssh://) — diagnose
    # promises to stay offline — or hang. DOCKER_CONTEXT would be overridden by it anyway.
    quiet = {**env, "DOCKER_HOST": _NO_DAEMON}
    quiet.pop("DOCKER_CONTEXT", None)
    for argv, source in (([path, "version", "--format", "{{.Client.Version}}"], "docker version"),
                         ([path, "--version"], "docker --version")):
        done = run_bounded(argv, env=quiet, timeout=timeout, max_output=_MAX_VERSION_OUTPUT)
        if done.timed_out or done.overflowed or done.exit_code is None:
            continue
        lines = done.stdout.decode("utf-8", "replace").strip().splitlines()
        parsed = parse_docker_version(lines[0]) if len(lines) == 1 else None
        if parsed is not None:
            return DockerClient(parsed[0], parsed[1], source, path)
    return DockerClient(None, None, "no version", path)


def _look_up(name: str, path_dirs: tuple[str, ...]) -> str | None:
    for directory in path_dirs:
        # As Go's LookPath since 1.19: relative PATH entries are refused (ErrDot).
        if not directory or not os.path.isabs(directory):
            continue
        full = os.path.join(directory, name)
        try:
            if os.path.isfile(full) and os.access(full, os.X_OK):
                return full
        except (OSError, ValueError):
            continue
    return None


# --- buildx scoped configs ----------------------------------------------------------------------

#: Far more than any real set-up; a tree beyond it is reported as truncated, not walked.
MAX_ENTRIES = 2000
MAX_DEPTH = 12


def buildx_base(environ: Mapping[str, str], docker_config_path: str) -> tuple[str, str]:
    """(<buildx dir>/config, why): $BUILDX_CONFIG, else the Docker config's directory + buildx.

    docker/buildx util/confutil/config.go NewConfig: filepath.Dir(ConfigFile().Filename).
    """
    value = environ.get("BUILDX_CONFIG", "")
    if value:
        return os.path.join(os.path.abspath(value), "config"), f"from $BUILDX_CONFIG={value}"
    directory = os.path.join(os.path.dirname(docker_config_path), "buildx")
    return os.path.join(directory, "config"), f"beside the Docker config ({directory})"


def read_buildx_configs(base: str, reason: str) -> BuildxConfigs:
    configs: list[ScopedConfig] = []
    walk_error: str | None = None
    truncated = False
    seen = 0
    # Iterative, lexical, never through a symlinked directory: filepath.WalkDir's order.
    stack: list[tuple[str, int]] = [(base, 0)]
    try:
        if not stat.S_ISDIR(os.lstat(base).st_mode):
            return BuildxConfigs(base, reason)
    except (OSError, ValueError):
        return BuildxConfigs(base, reason)
    while stack and walk_error is None:
        directory, depth = stack.pop()
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            walk_error = f"{directory}: {exc.strerror or type(exc).__name__}"
            break
        subdirs = []
        for entry in entries:
            seen += 1
            if seen > MAX_ENTRIES:
                truncated = True
                break
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                if depth + 1 > MAX_DEPTH:
                    truncated = True
                else:
                    subdirs.append(entry.path)
            elif entry.name == "config.json":
                configs.append(_read_scoped(base, entry.path))
        if truncated:
            break
        stack.extend((d, depth + 1) for d in reversed(subdirs))
    # WalkDir visits a directory's files and subdirectories in one lexical order; the stack
    # walk groups them differently, so sort by path the way Go would have met them.
    configs.sort(key=lambda c: c.path.split(os.sep))
    return BuildxConfigs(base, reason, tuple(configs), walk_error, truncated)


def _read_scoped(base: str, path: str) -> ScopedConfig:
    relative = os.path.relpath(os.path.dirname(path), base)
    if os.sep != "/":
        relative = relative.replace(os.sep, "/")
    host, repo, scopes = parse_config_key(relative)

    def made(state: str, error: str | None = None, config: object = None) -> ScopedConfig:
        return ScopedConfig(path, relative, host, repo, scopes, config,  # type: ignore[arg-type]
                            state, error)

    try:
        raw, _ = read_regular_file(path, MAX_CONFIG_BYTES)
    except FileNotFoundError:
        return made("missing", "a dangling symbolic link")
    except NotRegularFile as exc:
        if exc.is_directory:
            return made("broken", "a directory")
        try:
            fifo = stat.S_ISFIFO(os.stat(path).st_mode)
        except OSError:
            fifo = False
        return made("fifo" if fifo else "broken", "a FIFO" if fifo else "not a regular file")
    except TooLarge as exc:
        return made("unknown", f"larger than {exc.limit} bytes")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return made("broken", "a symbolic link loop")
        return made("broken", f"cannot read: {exc.strerror or type(exc).__name__}")
    try:
        config = parse_config(raw, path)
    except ConfigError as exc:
        where = f"line {exc.line}: " if exc.line is not None else ""
        return made("broken", f"{where}{exc.message}")
    if config.has_bom:
        return made("broken", "starts with a UTF-8 byte order mark, which Go's JSON rejects")
    return made("ok", None, config)
