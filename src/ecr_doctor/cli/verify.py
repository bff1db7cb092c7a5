"""`ecr-doctor verify`: run the credential helper Docker would run, and say whether it works.

For every ECR registry (from the config, or --registry) the resolution model names the source
Docker uses; when that is a helper, it is run with the credential-helper protocol
(helper_protocol.run_get) in this process's environment, exactly as Docker would run it. The
answer is judged offline (an ECR token carries its expiry), and `--probe` optionally asks the
registry's `/v2/` with it. Secrets show only as a sha256 fingerprint.
"""

from __future__ import annotations

import argparse
import os
from datetime import datetime
from typing import NamedTuple

from ecr_doctor.cli.exits import EXIT_FINDINGS, EXIT_OK, UsageError
from ecr_doctor.cli.loading import check_registries, header, load, options
from ecr_doctor.cli.streams import Streams
from ecr_doctor.core.environment import Environment
from ecr_doctor.core.registries import Registry, classify, lookup_key
from ecr_doctor.core.resolution import Resolution, Source
from ecr_doctor.core.secrets import Secret
from ecr_doctor.machine.helper_protocol import HelperOutcome, HelperResult, run_get

SUMMARY = "run the credential helper Docker would run, and check its answer"
DESCRIPTION = (
    "For each ECR registry, run the credential helper Docker would run "
    "(docker-credential-<helper> get) and report whether it was found, ran, returned "
    "credentials and when the token expires; secrets show only as a sha256 fingerprint. "
    "Exit 0 when every registry checked has usable credentials, else 1. Network: the "
    "helper itself calls the ECR API; ecr-doctor adds one request per registry only with "
    "--probe."
)

DEFAULT_TIMEOUT = 20.0
_FIXED_HELPER = "ecr-login"


class Probe(NamedTuple):
    url: str
    status: int | None
    message: str          # "denied: …" / "unauthorized: …" / the network error


class Check(NamedTuple):
    registry: str
    source: str
    helper: str | None
    helper_path: str | None
    helper_found: bool
    ran: bool
    outcome: str | None
    exit_code: int | None
    seconds: float | None
    username: str | None
    fingerprint: str | None
    token_expires_at: datetime | None
    token_state: str | None      # live, expired, unknown (the token does not carry it)
    usable: bool
    reason: str
    configured: bool = True      # False: not in the config; the helper `fix` would set up
    helper_log_error: str | None = None
    fell_back_to_cache: bool = False
    probe: Probe | None = None
    #: The helper's cache entry for this registry: fresh, stale (past half its lifetime: the
    #: helper will call ECR), expired, or None when it holds none.
    cache_state: str | None = None


def _token_expiry(secret: Secret, now: datetime) -> tuple[datetime | None, str]:
    from ecr_doctor.core.tokens import decode_ecr_password, expiry_status

    token = decode_ecr_password(secret)
    status = expiry_status(token.expires_at if token else None, now)
    return status.expires_at, status.state


def _helper_env() -> dict[str, str]:
    # Docker passes its whole environment to the helper (os/exec default); so do we.
    return dict(os.environ)


def _log_path(env: Environment) -> str | None:
    if env.forensics is None or env.forensics.helper_log is None:
        return None
    return env.forensics.helper_log.path


def _log_size(path: str | None) -> int:
    try:
        return os.path.getsize(path) if path else 0
    except OSError:
        return 0


def _log_evidence(path: str | None, offset: int) -> tuple[str | None, bool]:
    """What the helper wrote to its log during this run: its real reason is only there."""
    from ecr_doctor.core.forensics import parse_helper_log

    if path is None:
        return None, False
    try:
        with open(path, "rb") as handle:
            # The log is appended to forever: read only what this run added.
            handle.seek(offset if offset <= os.fstat(handle.fileno()).st_size else 0)
            text = handle.read(256 * 1024).decode("utf-8", "replace")
    except OSError:
        return None, False
    log = parse_helper_log(path, text)
    return log.last_error, log.fell_back_to_cache


def check_registry(registry: Registry, resolution: Resolution | None, env: Environment,
                   timeout: float, *, now: datetime) -> Check:
    host = lookup_key(registry.host)
    configured = True
    if resolution is None or resolution.helper is None:
        # No helper applies: Docker sends a static credential or nothing.
        if resolution is not None and resolution.source in (Source.AUTHS, Source.AUTHS_LEGACY):
            return Check(host, resolution.source.value, None, None, False, False, None, None,
                         None, None, None, None, None, False,
                         f"Docker sends the static auths[{resolution.auth_key}] token, which "
                         "no helper refreshes; `ecr-doctor diagnose` shows its age, `ecr-doctor "
                         "fix --write` moves the registry to the ECR helper", configured=True)
        # Check the helper `ecr-doctor fix` would configure, but the config does not use it.
        configured = False
        helper = _FIXED_HELPER
        source = resolution.source.value if resolution is not None else Source.NONE.value
    else:
        helper = resolution.helper
        source = resolution.source.value
    binary = env.helper(helper)
    path = binary.path if binary is not None and binary.found and binary.executable else None
    not_configured = ("; but the config does not use it: Docker sends no credentials for this "
                      "registry (run `ecr-doctor fix --write --registry " + host + "`)"
                      if not configured else "")
    if path is None:
        why = "is not executable" if binary is not None and binary.found else "is not on PATH"
        return Check(host, source, helper, None, False, False, None, None, None, None, None,
                     None, None, False, f"docker-credential-{helper} {why}; Docker cannot run "
                     "it" + not_configured, configured=configured)
    log_path = _log_path(env) if helper.startswith("ecr-login") else None
    log_offset = _log_size(log_path)
    result: HelperResult = run_get(path, host, _helper_env(), timeout)
    usable, reason = False, ""
    expires_at, token_state, fingerprint = None, None, None
    if result.outcome is HelperOutcome.CREDENTIALS:
        assert result.secret is not None
        fingerprint = result.secret.fingerprint
        expires_at, token_state = _token_expiry(result.secret, now)
        if token_state == "expired":
            reason = ("the helper exited 0 but handed back an EXPIRED token (the ECR helper "
                      "does this when the API call fails and a cached token exists); the "
                      "registry will answer 'denied: Your authorization token has expired'")
        else:
            usable = True
            reason = ("credentials returned" if token_state == "live"
                      else "credentials returned (the token does not carry its expiry)")
    elif result.outcome is HelperOutcome.NOT_FOUND:
        reason = ("the helper answered 'credentials not found'; Docker sends the request "
                  "anonymous ('no basic auth credentials')")
    else:
        reason = f"the helper failed ({result.outcome.value}): {result.message}"
    log_error, fell_back = (None, False)
    if log_path is not None and (not usable or token_state == "expired"):
        log_error, fell_back = _log_evidence(log_path, log_offset)
        if log_error:
            reason += f"; helper log: {log_error}"
    return Check(host, source, helper, path, True, True, result.outcome.value, result.exit_code,
                 round(result.seconds, 3), result.username, fingerprint, expires_at, token_state,
                 usable and configured, reason + not_configured, configured, log_error, fell_back)


def probe(host: str, username: str, secret: Secret, timeout: float) -> Probe:
    """GET https://<host>/v2/ with Basic credentials; report the status and any error text."""
    import base64
    import json
    import ssl
    import urllib.error
    import urllib.request

    url = f"https://{host}/v2/"
    basic = base64.b64encode(f"{username}:{secret.reveal()}".encode()).decode()
    request = urllib.request.Request(url, headers={"Authorization": f"Basic {basic}"})
    # No proxy handler: a probe goes straight to the registry, as `docker` would without one.
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}),
        urllib.request.HTTPSHandler(context=ssl.create_default_context()),
    )
    try:
        with opener.open(request, timeout=timeout) as response:
            return Probe(url, response.status, "")
    except urllib.error.HTTPError as exc:
        body = exc.read(65536)
        message = ""
        try:
            errors = json.loads(body).get("errors") or []
            # Distribution error bodies: {"errors":[{"code":"DENIED","message":"…"}]}; docker
            # prints them as "<code lowercased>: <message>".
            message = "; ".join(f"{str(e.get('code', '')).lower()}: {e.get('message', '')}"
                                for e in errors if isinstance(e, dict))
        except (ValueError, AttributeError):
            message = ""
        return Probe(url, exc.code, message)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return Probe(url, None, str(reason))


def _cache_state(env: Environment, host: str) -> str | None:
    cache = env.forensics.helper_cache if env.forensics is not None else None
    if cache is None:
        return None
    states = [e.state for e in cache.entries if e.registry == host]
    # Several entries (one per access key): the best one is what the helper can use.
    for state in ("fresh", "stale", "expired", "unknown"):
        if state in states:
            return state
    return None


def _targets(args: argparse.Namespace) -> tuple[str, list[tuple[Registry, Resolution | None]],
                                                   Environment]:
    from ecr_doctor.core.rules import Context

    check_registries(args.registry)
    loaded = load(args.config, args.registry)
    ctx = Context(loaded.config, loaded.env, options(loaded, args.registry))
    wanted = {lookup_key(classify(r).host) for r in args.registry}
    pairs: list[tuple[Registry, Resolution | None]] = []
    for registry in ctx.ecr_registries:
        key = lookup_key(registry.host)
        if wanted and key not in wanted:
            continue
        pairs.append((registry, ctx.resolution(registry)))
    return header(loaded), pairs, loaded.env


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
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace, streams: Streams) -> int:
    out = streams.out
    if args.timeout <= 0:
        raise UsageError("--timeout must be positive")
    header, pairs, env = _targets(args)
    checks: list[Check] = []
    for registry, resolution in pairs:
        check = check_registry(registry, resolution, env, args.timeout, now=env.now)
        # The cache as it was before this run (the run may have refreshed it).
        check = check._replace(cache_state=_cache_state(env, check.registry))
        if args.probe and check.ran and check.fingerprint is not None:
            # Run again rather than keep the secret in the report value.
            result = run_get(check.helper_path or "", check.registry, _helper_env(), args.timeout)
            if result.secret is not None:
                found = probe(check.registry, result.username or "", result.secret,
                              args.timeout)
                usable = check.usable and found.status == 200
                reason = check.reason if found.status == 200 else (
                    f"{check.reason}; but the registry answered {found.status or 'nothing'}"
                    + (f" ({found.message})" if found.message else ""))
                check = check._replace(probe=found, usable=usable, reason=reason)
        checks.append(check)
    code = EXIT_OK if checks and all(c.usable for c in checks) else EXIT_FINDINGS
    if args.format == "json":
        import json

        out.write(json.dumps(_json(header, checks, code, env), indent=2) + "\n")
    else:
        out.write(_text(header, checks, env))
    return code


def _json(header: str, checks: list[Check], code: int, env: Environment) -> dict[str, object]:
    def one(c: Check) -> dict[str, object]:
        d: dict[str, object] = {k: v for k, v in c._asdict().items()
                                if k not in ("probe", "token_expires_at")}
        d["token_expires_at"] = c.token_expires_at.isoformat() if c.token_expires_at else None
        d["probe"] = c.probe._asdict() if c.probe else None
        return d

    chain = env.forensics.aws_chain if env.forensics is not None else ()
    return {"schema_version": "verify-1", "config": header, "exit_code": code,
            "registries": [one(c) for c in checks],
            # Presence and kind only, in the AWS SDK's order; never a value.
            "aws_credential_chain": [link._asdict() for link in chain]}


def _text(header: str, checks: list[Check], env: Environment) -> str:
    lines = [header]
    if not checks:
        lines.append("No ECR registry in the config; name one with --registry HOST.")
    for c in checks:
        verdict = "OK  " if c.usable else "FAIL"
        lines.append(f"\n{verdict} {c.registry}")
        if c.helper is not None:
            where = c.helper_path or "not found"
            setup = "" if c.configured else " (not configured; the helper `fix` would set up)"
            lines.append(f"  source:  {c.source} → docker-credential-{c.helper} ({where}){setup}")
        else:
            lines.append(f"  source:  {c.source}")
        if c.ran:
            got = (f"credentials for user {c.username!r}, secret {c.fingerprint}"
                   if c.fingerprint else c.outcome or "")
            lines.append(f"  helper:  ran in {c.seconds} s, exit {c.exit_code}: {got}")
        if c.token_state is not None:
            from ecr_doctor.core.tokens import expiry_status

            if c.token_state == "unknown":
                lines.append("  token:   expiry not carried by the token")
            else:
                status = expiry_status(c.token_expires_at, env.now)
                lines.append(f"  token:   {status.describe()}")
        if c.cache_state is not None:
            lines.append(f"  cache:   helper cache entry is {c.cache_state} (before this run)")
        if c.fell_back_to_cache:
            lines.append("  cache:   the helper fell back to its cached token (API call failed)")
        if c.probe is not None:
            extra = f" — {c.probe.message}" if c.probe.message else ""
            lines.append(f"  probe:   GET {c.probe.url} → {c.probe.status or 'no answer'}{extra}")
        lines.append(f"  result:  {c.reason}")
    if env.forensics is not None and env.forensics.aws_chain:
        lines.append("\nAWS credentials the helper's SDK would try, in order (values never shown):")
        for link in env.forensics.aws_chain:
            mark = "yes" if link.present else "no "
            lines.append(f"  {mark} {link.source:<18} {link.detail}")
    return "\n".join(lines) + "\n"


__all__ = ["Check", "Probe", "check_registry", "configure", "probe", "run"]
