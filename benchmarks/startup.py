"""Start-up budget: `ecr-doctor diagnose` as pip installs it, beside a bare `python3 -c pass`.

The budget is <= 4x a bare interpreter start, median of 20 rounds. It is measured on a
realistic home, as a user meets it: a Docker config with five registries, an `~/.aws/config`
with two profiles and an `~/.aws/credentials` (so the AWS evidence is read and `configparser`
loads, as on every machine with the AWS CLI set up).

All commands run in turn, round after round (so machine noise hits them alike), with bytecode
caching on, as an installed package has it. `python3 -m ecr_doctor` is shown for information
(runpy's own imports come on top of it).

    .venv/bin/python benchmarks/startup.py [--runs 20]

Run it with the interpreter ecr-doctor is installed in (the README's venv): the console script
measured is the one pip wrote there. It exits 1 when the installed script is over budget.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import ecr_doctor

BUDGET = 4.0
BARE = "python3 -c pass"
INSTALLED = "ecr-doctor diagnose  (console script)"
# What any CLI built the same way pays before its own code runs: the standard-library modules
# `diagnose` imports (argparse builds its parser, which pulls in gettext, locale and shutil;
# typing for NamedTuple; json, datetime, configparser for ~/.aws). Shown for scale, not judged.
STDLIB_FLOOR = "the stdlib modules diagnose imports"
_FLOOR_IMPORTS = ("import re, typing, enum, json, json.decoder, datetime, configparser, "
                  "binascii, bisect, importlib, argparse\n"
                  "argparse.ArgumentParser(prog='x').add_argument('--config')")

DOCKER_CONFIG = {
    "auths": {"https://index.docker.io/v1/": {}, "ghcr.io": {}},
    "credHelpers": {
        "123456789012.dkr.ecr.us-east-1.amazonaws.com": "ecr-login",
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login",
        "public.ecr.aws": "ecr-login",
    },
    "credsStore": "desktop",
    "currentContext": "default",
    "plugins": {"-x-cli-hints": {"enabled": "true"}},
}
AWS_CONFIG = """[default]
region = us-east-1
output = json

[profile build]
role_arn = arn:aws:iam::123456789012:role/build
source_profile = default
region = eu-west-1
"""
# A documentation example key pair (AWS's own docs use it); never a real credential.
AWS_CREDENTIALS = """[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
"""


def realistic_home(home: Path) -> None:
    docker = home / ".docker" / "config.json"
    docker.parent.mkdir()
    docker.write_text(json.dumps(DOCKER_CONFIG, indent="\t") + "\n")
    docker.chmod(0o600)
    aws = home / ".aws"
    aws.mkdir()
    (aws / "config").write_text(AWS_CONFIG)
    (aws / "credentials").write_text(AWS_CREDENTIALS)
    (aws / "credentials").chmod(0o600)


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run. CPU time (user + system, from wait4) is what
    the program itself costs; wall time also carries whatever else the machine is doing."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):  # 1: findings, as a real home may well have
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}")
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    package_dir = Path(ecr_doctor.__file__).parent
    compileall.compile_dir(str(package_dir), quiet=1)  # an installed package ships bytecode
    script = shutil.which("ecr-doctor", path=str(Path(sys.executable).parent))
    if script is None:
        raise SystemExit("no ecr-doctor console script beside this interpreter: run the "
                         "README's install first, then this with that venv's python")

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        realistic_home(home)
        env = {k: v for k, v in os.environ.items()
               if k not in ("PYTHONDONTWRITEBYTECODE", "DOCKER_CONFIG", "AWS_PROFILE")
               and not k.startswith("AWS_")}
        env.update(HOME=str(home), NO_COLOR="1")
        commands = {
            BARE: [sys.executable, "-c", "pass"],
            STDLIB_FLOOR: [sys.executable, "-c", _FLOOR_IMPORTS],
            INSTALLED: [script, "diagnose"],
            "python3 -m ecr_doctor diagnose": [sys.executable, "-m", "ecr_doctor", "diagnose"],
        }
        for cmd in commands.values():  # warm the page cache
            timed(cmd, env)
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, cmd in commands.items():
                results[name].append(timed(cmd, env))

    load = os.getloadavg()[0]
    print(f"{args.runs} rounds (median); load average {load:.2f} on {os.cpu_count()} CPUs; "
          f"{sys.implementation.name} {sys.version.split()[0]}; budget <= {BUDGET:.1f}x "
          f"a bare start")
    print(f"{'':40} {'wall ms':>8} {'ratio':>6} {'cpu ms':>8} {'ratio':>6}")
    base_wall = statistics.median(r[0] for r in results[BARE])
    base_cpu = statistics.median(r[1] for r in results[BARE])
    ratios: dict[str, float] = {}
    for name, runs in results.items():
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        ratios[name] = wall / base_wall
        print(f"{name:40} {wall * 1000:8.1f} {wall / base_wall:6.2f} "
              f"{cpu * 1000:8.1f} {cpu / base_cpu:6.2f}")
    within = ratios[INSTALLED] <= BUDGET
    print(f"{INSTALLED.split('  ')[0]}: {ratios[INSTALLED]:.2f}x a bare start — "
          + ("within" if within else "OVER") + f" the {BUDGET:.1f}x budget")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
