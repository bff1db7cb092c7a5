"""`ecr-doctor diagnose` on a typical config against a bare `python3 -c pass`, in one run.

Both commands run alternately (so machine noise hits both alike) with bytecode caching on, as
an installed package has it. Reports each median and the ratio; the target is <= 1.5.

    .venv/bin/python benchmarks/startup.py [--runs 40]

Run it with the interpreter ecr-doctor is installed in (the README's venv). An interpreter whose
site-packages imports extra modules at start (some machines add CA-bundle hooks through .pth
files) makes `python3 -c pass` slower and flatters the ratio.
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

TYPICAL_CONFIG = {
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


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run. CPU time (user + system, from wait4) is what
    the program itself costs; wall time also carries whatever else the machine is doing."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0  # reaped by wait4 above
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()

    package_dir = Path(ecr_doctor.__file__).parent
    compileall.compile_dir(str(package_dir), quiet=1)  # an installed package ships bytecode
    script = shutil.which("ecr-doctor", path=str(Path(sys.executable).parent))
    tool = [sys.executable, script] if script else [sys.executable, "-m", "ecr_doctor"]

    with tempfile.TemporaryDirectory() as home:
        config = Path(home, ".docker", "config.json")
        config.parent.mkdir()
        config.write_text(json.dumps(TYPICAL_CONFIG, indent="\t") + "\n")
        config.chmod(0o600)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update(HOME=home, NO_COLOR="1")
        env.pop("DOCKER_CONFIG", None)
        baseline_cmd = [sys.executable, "-c", "pass"]
        for _ in range(3):  # warm the page cache for both
            timed(baseline_cmd, env)
            timed([*tool, "diagnose"], env)
        base, ours = [], []
        for _ in range(args.runs):
            base.append(timed(baseline_cmd, env))
            ours.append(timed([*tool, "diagnose"], env))
    load = os.getloadavg()[0]
    print(f"{args.runs} alternating runs each; load average {load:.2f} on {os.cpu_count()} CPUs")
    for label, index in (("wall", 0), ("cpu", 1)):
        b = statistics.median(run[index] for run in base)
        o = statistics.median(run[index] for run in ours)
        print(f"{label:4}  python3 -c pass {b * 1000:6.1f} ms   ecr-doctor diagnose "
              f"{o * 1000:6.1f} ms   ratio {o / b:5.2f}  (target <= 1.50)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
