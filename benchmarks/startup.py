"""`ecr-doctor diagnose` on a typical config against a bare `python3 -c pass`, in one run.

All commands run in turn, round after round (so machine noise hits them alike), with bytecode
caching on, as an installed package has it. Reports each median and its ratio to the bare
interpreter; the target is <= 1.5.

How `ecr-doctor` is launched matters as much as what it imports, so three forms are measured:

* the console script as installed here (pip writes it; its first line is `import re`, which
  on CPython 3.11 costs about half a bare interpreter start before any ecr-doctor code runs -
  the `import re` row shows that floor);
* the same entry point under a launcher without `import re` (the one uv writes, reproduced);
* `python -m ecr_doctor` (runpy and its imports come on top).

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


# What uv writes for a console script (no `import re`), pointed at the same entry point.
NO_RE_LAUNCHER = """import sys
from ecr_doctor.cli.main import main
if __name__ == "__main__":
    if sys.argv[0].endswith("-script.pyw"):
        sys.argv[0] = sys.argv[0][:-11]
    elif sys.argv[0].endswith(".exe"):
        sys.argv[0] = sys.argv[0][:-4]
    sys.exit(main())
"""


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

    with tempfile.TemporaryDirectory() as home:
        config = Path(home, ".docker", "config.json")
        config.parent.mkdir()
        config.write_text(json.dumps(TYPICAL_CONFIG, indent="\t") + "\n")
        config.chmod(0o600)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update(HOME=home, NO_COLOR="1")
        env.pop("DOCKER_CONFIG", None)
        launcher = Path(home, "ecr-doctor-no-re")
        launcher.write_text(NO_RE_LAUNCHER)
        commands = {
            "python3 -c pass": [sys.executable, "-c", "pass"],
            "python3 -c 'import re'": [sys.executable, "-c", "import re"],
            "ecr-doctor diagnose  (launcher without re)": [
                sys.executable, str(launcher), "diagnose"],
            "python3 -m ecr_doctor diagnose": [sys.executable, "-m", "ecr_doctor", "diagnose"],
        }
        if script:
            commands["ecr-doctor diagnose  (installed script)"] = [
                sys.executable, script, "diagnose"]
        for cmd in commands.values():  # warm the page cache
            timed(cmd, env)
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, cmd in commands.items():
                results[name].append(timed(cmd, env))
    load = os.getloadavg()[0]
    print(f"{args.runs} rounds; load average {load:.2f} on {os.cpu_count()} CPUs; "
          f"{sys.implementation.name} {sys.version.split()[0]}; target ratio <= 1.50")
    print(f"{'':44} {'wall ms':>8} {'ratio':>6} {'cpu ms':>8} {'ratio':>6}")
    base = results["python3 -c pass"]
    base_wall = statistics.median(r[0] for r in base)
    base_cpu = statistics.median(r[1] for r in base)
    for name, runs in results.items():
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        print(f"{name:44} {wall * 1000:8.1f} {wall / base_wall:6.2f} "
              f"{cpu * 1000:8.1f} {cpu / base_cpu:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
