"""`ecr-doctor verify`: run the credential helper Docker would run, and say whether it works.

For every ECR registry (from the config, or --registry) the resolution model names the source
Docker uses; when that is a helper, it is run with the credential-helper protocol
(helper_protocol.run_get) in this process's environment, exactly as Docker would run it. The
answer is judged offline (an ECR token carries its expiry), and `--probe` optionally asks the
registry's `/v2/` with it. Secrets show only as a keyed fingerprint (`fp:…`, comparable
within one run).

This module only configures the arguments and runs the steps in order: the judgement is
core/verification, the probe machine/probe, the helper's log machine/forensics, the reports
render/verify.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
from datetime import datetime

from ecr_doctor.cli.exits import EXIT_FINDINGS, EXIT_OK, UsageError
from ecr_doctor.cli.loading import Loaded, check_registries, header, load, options
from ecr_doctor.cli.options import add_client_options, client_choice
from ecr_doctor.cli.streams import Streams
from ecr_doctor.core import verification
from ecr_doctor.core.environment import Environment
from ecr_doctor.core.registries import Registry, classify, lookup_key
from ecr_doctor.core.resolution import Resolution
from ecr_doctor.core.verification import Check, HelperRun, LiveBackup
from ecr_doctor.machine.backups import backups_beside, remove_backup
from ecr_doctor.machine.forensics import helper_log_size, read_helper_log_since
from ecr_doctor.machine.helper_protocol import HelperOutcome, HelperResult, run_get
from ecr_doctor.machine.probe import probe

SUMMARY = "run the credential helper Docker would run, and check its answer"
DESCRIPTION = (
    "For each ECR registry, run the credential helper Docker would run "
    "(docker-credential-<helper> get) and report whether it was found, ran, returned "
    "credentials and when the token expires; secrets show only as a keyed fingerprint. "
    "Exit 0 when every registry checked has usable credentials, else 1. Network: the "
    "helper itself calls the ECR API; ecr-doctor adds one request per registry only with "
    "--probe."
)

# A helper that needs longer than this is hung, whatever the flag says.
MAX_TIMEOUT = 600.0
DEFAULT_TIMEOUT = 20.0


def _helper_env() -> dict[str, str]:
    # Docker passes its whole environment to the helper (os/exec default); so do we.
    return dict(os.environ)


def _helper_run(result: HelperResult) -> HelperRun:
    """The run as a value, without its secret."""
    return HelperRun(
        outcome=result.outcome.value,
        exit_code=result.exit_code,
        seconds=result.seconds,
        username=result.username,
        fingerprint=result.secret.fingerprint if result.secret is not None else None,
        message=result.message,
        server_url=result.server_url,
    )


def check_registry(registry: Registry, resolution: Resolution | None, env: Environment,
                   timeout: float, *, now: datetime) -> Check:
    """Run the helper Docker would run for `registry` and judge its answer."""
    goal = verification.target(registry, resolution)
    forensics = env.forensics
    # The cache as it was before this run (the run may refresh it).
    cache = verification.cache_state(forensics.helper_cache if forensics else None,
                                     goal.registry)
    binary = env.helper(goal.helper) if goal.helper is not None else None
    path = verification.runnable_path(binary)
    if path is None:
        return verification.judge(goal, binary=binary, run=None, token=None, log=None,
                                  cache_state=cache)
    log_path = (forensics.helper_log.path if goal.writes_ecr_login_log and forensics is not None
                and forensics.helper_log is not None else None)
    log_offset = helper_log_size(log_path) if log_path is not None else 0
    result = run_get(path, goal.registry, _helper_env(), timeout)
    log = read_helper_log_since(log_path, log_offset) if log_path is not None else None
    token = (verification.token_status(result.secret, now)
             if result.outcome is HelperOutcome.CREDENTIALS and result.secret is not None
             else None)
    return verification.judge(goal, binary=binary, run=_helper_run(result), token=token,
                              log=log, cache_state=cache)


def _probed(check: Check, timeout: float) -> Check:
    """`check` with the registry's answer to its credentials (--probe)."""
    # Run the helper again rather than keep the secret in the report value.
    result = run_get(check.helper_path or "", check.registry, _helper_env(), timeout)
    if result.secret is None:
        return check
    return verification.with_probe(check, probe(check.registry, result.username or "",
                                                result.secret, timeout))


def _targets(args: argparse.Namespace) -> tuple[Loaded, list[tuple[Registry, Resolution | None]]]:
    from ecr_doctor.core.rules import Context

    check_registries(args.registry)
    loaded = load(args.config, args.registry, client_choice(args))
    ctx = Context(loaded.config, loaded.env, options(loaded, args.registry))
    wanted = {lookup_key(classify(r).host) for r in args.registry}
    pairs: list[tuple[Registry, Resolution | None]] = []
    for registry in ctx.ecr_registries:
        key = lookup_key(registry.host)
        if wanted and key not in wanted:
            continue
        pairs.append((registry, ctx.resolution(registry)))
    return loaded, pairs


def _live_backups(loaded: Loaded, *, remove: bool) -> list[LiveBackup]:
    """The backups beside the config that still hold a live ECR token; with `remove`, each is
    unlinked if it still holds the bytes that were judged (only after every check passed)."""
    if not loaded.file.exists:
        return []
    found: list[LiveBackup] = []
    for backup in backups_beside(loaded.location.path).found:
        live = verification.live_backup(backup.path, backup.data, loaded.env.now)
        if live is None:
            continue
        if remove and remove_backup(backup):
            live = dataclasses.replace(live, removed=True)
        found.append(live)
    return found


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="PATH",
                        help="config.json, or its directory (default: as Docker finds it)")
    parser.add_argument("--registry", metavar="HOST", action="append", default=[],
                        help="check only this ECR registry (repeatable); one the config does "
                        "not mention is checked with the helper `fix` would set up")
    parser.add_argument("--probe", action="store_true",
                        help="also GET https://HOST/v2/ with the credentials and report the "
                        "status and any 'denied:' message (network use; off by default)")
    parser.add_argument("--timeout", metavar="S", type=float, default=DEFAULT_TIMEOUT,
                        help="seconds to wait for each helper run and probe (default: 20)")
    parser.add_argument("--remove-live-backups", action="store_true",
                        help="once every registry verifies OK, delete the config backups "
                        "(`fix --write` keeps them) that still hold a live ECR token")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    add_client_options(parser)


def run(args: argparse.Namespace, streams: Streams) -> int:
    from ecr_doctor.render import verify as report

    out = streams.out
    if not (math.isfinite(args.timeout) and 0 < args.timeout <= MAX_TIMEOUT):
        raise UsageError(f"--timeout must be a number of seconds, above 0 and at most "
                         f"{MAX_TIMEOUT:g}")
    loaded, pairs = _targets(args)
    env = loaded.env
    checks: list[Check] = []
    for registry, resolution in pairs:
        check = check_registry(registry, resolution, env, args.timeout, now=env.now)
        if args.probe and check.ran and check.fingerprint is not None:
            check = _probed(check, args.timeout)
        checks.append(check)
    code = EXIT_OK if checks and all(c.usable for c in checks) else EXIT_FINDINGS
    # A backup is the way back while the new set-up is unproven; it may go only once it works.
    backups = _live_backups(loaded, remove=args.remove_live_backups and code == EXIT_OK)
    chain = env.forensics.aws_chain if env.forensics is not None else ()
    if args.format == "json":
        from ecr_doctor.render.jsonout import dumps, envelope

        out.write(dumps(envelope("verify", report.result(header(loaded), checks,
                                                         aws_chain=chain, backups=backups),
                                 exit_code=code)))
    else:
        out.write(report.text(header(loaded), checks, now=env.now, aws_chain=chain,
                              backups=backups, verified=code == EXIT_OK,
                              asked_removal=args.remove_live_backups))
    return code


__all__ = ["Check", "check_registry", "configure", "run"]
