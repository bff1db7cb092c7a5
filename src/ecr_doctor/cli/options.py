"""What several commands' parsers share: the config options, the severity gate, and the
offline promise."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import NamedTuple

from ecr_doctor.cli.exits import UsageError
from ecr_doctor.core.environment import DockerClient
from ecr_doctor.core.model import Severity

NETWORK_NOTE = (
    "ecr-doctor works offline: diagnose, fix, explain, rules and demo never touch the network "
    "and never print a secret (tokens show as a short keyed fingerprint at most)."
)


def add_config_options(parser: argparse.ArgumentParser, *, formats: Sequence[str]) -> None:
    """The options of every command that reads the Docker config: which file, which extra
    registries, the output format and the severity that fails the run."""
    parser.add_argument("--config", metavar="PATH",
                        help="config.json, or its directory as Docker's own --config takes it "
                        "(default: $DOCKER_CONFIG/config.json, else ~/.docker/config.json)")
    parser.add_argument("--registry", metavar="HOST", action="append", default=[],
                        help="an ECR registry to set up even if the config does not mention it "
                        "(repeatable)")
    parser.add_argument("--format", choices=formats, default="text",
                        help="output format")
    parser.add_argument("--fail-on", metavar="SEVERITY", default="low",
                        help="exit 1 if a finding is at or above this severity: info, low, "
                        "medium, high, critical (default: low)")
    add_client_options(parser)


def add_client_options(parser: argparse.ArgumentParser) -> None:
    """Which client's rules apply: the Docker CLI release, and whose file this is."""
    parser.add_argument("--docker-version", metavar="X.Y.Z",
                        help="the Docker CLI release to model (default: ask the docker on "
                        "PATH; e.g. the CLI of a CI image)")
    parser.add_argument("--client", choices=("docker", "podman"),
                        help="whose file this is: podman (also skopeo, buildah: "
                        "containers/image) or docker (default: by location)")


class ClientChoice(NamedTuple):
    docker: DockerClient | None = None
    client: str | None = None


#: Nothing stated: ask the docker on PATH, and tell the client by the file's location.
NO_CHOICE = ClientChoice()


def client_choice(args: argparse.Namespace) -> ClientChoice:
    from ecr_doctor.machine.clients import stated_docker

    text = getattr(args, "docker_version", None)
    docker = None
    if text is not None:
        docker = stated_docker(text)
        if docker is None:
            raise UsageError(f"--docker-version {text!r} is not a release number such as "
                             "28.2.2 or 29.1.0")
    return ClientChoice(docker, getattr(args, "client", None))


def parse_fail_on(text: str) -> Severity:
    try:
        return Severity.parse(text)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def count(minimum: int) -> Callable[[str], int]:
    """An argparse type: an integer of at least `minimum` (argparse exits 2 otherwise)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, not {value}")
        return value

    return parse


def add_sarif_options(parser: argparse.ArgumentParser, *, default: str) -> None:
    parser.add_argument("--category", metavar="NAME", default=default,
                        help="SARIF: the analysis category (automationDetails.id), so several "
                        f"runs on one commit keep their own alerts (default: {default}); "
                        "paths under the current directory are written relative to it")
