"""Shared test helpers: fake machines, synthetic tokens, and the skip policy.

Outside CI a test that needs a missing system component skips with a reason; under CI=true
nothing may skip, so a missing component fails loudly instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import settings

from ecr_doctor.core.environment import Environment, HelperBinary, unknown_environment
from ecr_doctor.core.tokens import make_ecr_auth

IN_CI = os.environ.get("CI", "").lower() == "true"
# Property tests: the floor in CI, a quicker pass on a laptop.
PROPERTY_EXAMPLES = int(os.environ.get("ECR_DOCTOR_PROPERTY_EXAMPLES", 2000 if IN_CI else 200))
# CI gates a landing, so there the examples are derived from each test (derandomize): a rerun
# sees the same cases, and a failure reproduces from its name alone. Elsewhere they are random,
# which is how new cases are found (ECR_DOCTOR_PROPERTY_EXAMPLES=10000 for a long hunt).
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile("ci" if IN_CI else "default")
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
ECR2 = "210987654321.dkr.ecr.eu-west-1.amazonaws.com"


def need(condition: bool, reason: str) -> None:
    """A component the test cannot run without: a failure in CI (nothing skips there), a
    skip with the reason elsewhere."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (required in CI: .ci/run installs it)")
    pytest.skip(reason)


def require_binary(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if IN_CI:
            pytest.fail(f"{name} is required in CI (.ci/run installs it)")
        pytest.skip(f"{name} not installed")
    return path


def expired_auth(seed: int = 0) -> str:
    return make_ecr_auth(NOW - timedelta(days=3), seed=seed)


def live_auth(seed: int = 0, *, real_clock: bool = False) -> str:
    """A token live for 5 more hours: relative to NOW, or to the wall clock for subprocesses."""
    base = datetime.now(UTC) if real_clock else NOW
    return make_ecr_auth(base + timedelta(hours=5), seed=seed)


def helper(name: str, *, found: bool = True, version: tuple[int, int, int] | None = None,
           executable: bool = True) -> HelperBinary:
    return HelperBinary(
        name=name, executable_name=f"docker-credential-{name}",
        path=f"/usr/bin/docker-credential-{name}" if found else None, found=found,
        executable=executable and found,
        version=".".join(map(str, version)) if version else None, version_tuple=version,
        version_source="-v" if version else None,
    )


def machine(*helpers: HelperBinary, aws: bool = True, **changes: object) -> Environment:
    """A known machine with the given helpers and (by default) an AWS profile."""
    base = unknown_environment(NOW)
    aws_sources = base.aws
    if aws:
        aws_sources = aws_sources._replace(profile="dev", profile_defined=True, profiles=("dev",),
                              profile_kind="sso")
    return base._replace(known=True, platform="linux", helpers=tuple(helpers), aws=aws_sources,
                   home="/home/test", **changes)  # type: ignore[arg-type]


@pytest.fixture
def good_machine() -> Environment:
    return machine(helper("ecr-login", version=(0, 12, 0)))


def run_without_root_bypass(code: str) -> subprocess.CompletedProcess[str]:
    """Run Python `code` the way an ordinary user would meet file permissions.

    As root, permission bits are ignored (CAP_DAC_OVERRIDE), so a permission test would prove
    nothing; `setpriv` drops those two capabilities for the child instead of skipping the test.
    """
    cmd = [sys.executable, "-c", code]
    if os.geteuid() == 0:
        cmd = [require_binary("setpriv"), "--bounding-set=-dac_override,-dac_read_search", *cmd]
    src = str(Path(__file__).parent.parent / "src")
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)
