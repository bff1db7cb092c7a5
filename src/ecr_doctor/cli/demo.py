"""`ecr-doctor demo`: diagnose → fix → diff on bundled examples of the classic breakages.

It runs against a fixed, synthetic machine (the ECR helper 0.12.0 installed, Docker Desktop's
helper gone, an AWS profile configured) and a fixed clock, so it shows the same thing anywhere.
The example tokens are synthetic and expired.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from importlib import resources

from ecr_doctor.cli.exits import use_color
from ecr_doctor.cli.streams import Streams
from ecr_doctor.core.engine import diagnose_text, fix_text
from ecr_doctor.core.environment import Environment, HelperBinary, unknown_environment
from ecr_doctor.core.options import Options
from ecr_doctor.render.style import Style
from ecr_doctor.render.text import finding_line

SUMMARY = "diagnose and fix bundled examples of the classic breakages"
DESCRIPTION = (
    "Run diagnose, fix and diff on bundled example configs against a synthetic machine. "
    "Nothing on this machine is read or written."
)

DEMO_NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

STORIES = {
    "01-stale-static-token.json": "A laptop that once ran AWS CLI v1 `aws ecr get-login`: the "
    "token it stored expired long ago, and nothing refreshes it.",
    "02-helper-key-with-path.json": "The helper is configured — under a key with a scheme and "
    "a path, which Docker never looks up, so the stale token still wins.",
    "03-global-creds-store.json": '`credsStore: "ecr-login"` set globally: ECR works, but '
    "`docker login` and every Docker Hub credential break.",
    "04-helper-binary-name.json": "The helper is named by its binary name, so Docker runs "
    "docker-credential-docker-credential-ecr-login.",
    "05-docker-desktop-gone.json": "Docker Desktop was uninstalled; its `credsStore` stayed, "
    "and its helper is gone.",
}


def demo_environment() -> Environment:
    base = unknown_environment(DEMO_NOW)
    helpers = (
        HelperBinary(name="ecr-login", executable_name="docker-credential-ecr-login",
                     path="/usr/local/bin/docker-credential-ecr-login", found=True,
                     executable=True, version="0.12.0", version_tuple=(0, 12, 0),
                     version_source="-v"),
        HelperBinary(name="desktop", executable_name="docker-credential-desktop", path=None,
                     found=False, executable=False, version=None, version_tuple=None,
                     version_source=None),
    )
    aws = base.aws._replace(profile="dev", profile_defined=True, profiles=("dev",),
                  profile_kind="sso", config_file="~/.aws/config", region="us-east-1")
    return base._replace(known=True, platform="linux", helpers=helpers, aws=aws,
                   home="/home/demo")


def examples() -> list[tuple[str, str]]:
    folder = resources.files("ecr_doctor") / "examples"
    return [(name, (folder / name).read_text(encoding="utf-8")) for name in STORIES]


def configure(parser: argparse.ArgumentParser) -> None:
    """demo takes no options: it never reads this machine."""


def run(args: argparse.Namespace, streams: Streams) -> int:
    out = streams.out
    style = Style(use_color(out))
    env = demo_environment()
    out.write(style.bold("ecr-doctor demo") + " — bundled configs, a synthetic machine, "
              f"clock set to {DEMO_NOW:%Y-%m-%d %H:%M} UTC. Nothing on this machine is read "
              "or written.\n")
    for name, text in examples():
        path = f"examples/{name}"
        out.write("\n" + style.bold(f"── {name} ") + "\n")
        out.write(STORIES[name] + "\n\n")
        out.write(style.dim(f"$ ecr-doctor --config {path}") + "\n")
        for finding in diagnose_text(text, path, env).findings:
            out.write(finding_line(finding, style) + "\n")
        plan = fix_text(text, path, env, Options(unsafe_fixes=True))
        out.write("\n" + style.dim(f"$ ecr-doctor fix --diff --unsafe-fixes --config {path}")
                  + "\n")
        for line in plan.diff().splitlines():
            out.write(style.diff_line(line) + "\n")
        json.loads(plan.after)  # the demo must never show a fix that breaks the file
    out.write("\nOn your own machine: `ecr-doctor` diagnoses the config Docker uses; "
              "`ecr-doctor fix --diff` previews the repair.\n")
    return 0
