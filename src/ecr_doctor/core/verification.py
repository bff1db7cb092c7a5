"""What `ecr-doctor verify` concludes about one registry: the judgement, with no I/O.

`target` says which helper Docker would run for a registry (or, when the config names none,
the one `ecr-doctor fix` would set up). The command runs it (machine/helper_protocol), reads
what the helper wrote to its log (machine/forensics) and, with `--probe`, asks the registry
(machine/probe); `judge` turns those values into a `Check`, and `with_probe` folds the
registry's answer in. Every record here is frozen and built with keywords only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from ecr_doctor.core.dockerconfig import ConfigError, parse_config
from ecr_doctor.core.registries import convert_to_hostname, lookup_key
from ecr_doctor.core.resolution import Source
from ecr_doctor.core.tokens import (
    TokenStatus,
    decode_ecr_password,
    expiry_status,
    live_ecr_tokens,
)

if TYPE_CHECKING:
    from ecr_doctor.core.environment import HelperBinary
    from ecr_doctor.core.forensics import HelperCache, HelperLog
    from ecr_doctor.core.registries import Registry
    from ecr_doctor.core.resolution import Resolution
    from ecr_doctor.core.secrets import Secret

__all__ = [
    "FIXED_HELPER",
    "Check",
    "HelperRun",
    "LiveBackup",
    "Probe",
    "Target",
    "cache_state",
    "judge",
    "live_backup",
    "runnable_path",
    "target",
    "token_status",
    "with_probe",
]

#: The helper `ecr-doctor fix` configures; verify checks it for a registry the config leaves out.
FIXED_HELPER = "ecr-login"

# HelperOutcome values (machine/helper_protocol) the judgement tells apart.
_CREDENTIALS = "credentials"
_NOT_FOUND = "not-found"


@dataclass(frozen=True, kw_only=True)
class LiveBackup:
    """A backup of the config (written by `fix --write`) that still holds a live ECR token."""

    path: str
    hosts: tuple[str, ...]
    expires_at: datetime       # when the last of its tokens expires
    removed: bool = False


def live_backup(path: str, data: bytes, now: datetime) -> LiveBackup | None:
    """The backup's live tokens, or None when it holds none (or is not a Docker config)."""
    try:
        config = parse_config(data, path, strict=False)
    except ConfigError:
        return None
    tokens = live_ecr_tokens(config.auths, now)
    if not tokens:
        return None
    return LiveBackup(path=path, hosts=tuple(t.host for t in tokens),
                      expires_at=max(t.expires_at for t in tokens))


@dataclass(frozen=True, kw_only=True)
class Probe:
    """The registry's answer to `GET https://<host>/v2/` with the helper's credentials."""

    url: str
    status: int | None    # the HTTP status; None when no HTTP answer came back
    #: The registry's error text as docker prints it ("denied: …", "unauthorized: …"), the
    #: network error when there was no answer, or "" (a 200, or an error without a body).
    message: str


@dataclass(frozen=True, kw_only=True)
class Target:
    """The helper verify runs for one registry, decided before anything runs."""

    registry: str          # the lookup key Docker uses (host[:port])
    source: str            # resolution.Source value: where Docker takes this registry's login
    #: The helper suffix (`docker-credential-<helper>`); None when Docker sends a static
    #: `auths` credential and there is nothing to run.
    helper: str | None
    #: False: the config does not use `helper`; it is the one `ecr-doctor fix` would set up,
    #: checked so the report can say whether fixing the config would be enough.
    configured: bool
    auth_key: str | None = None  # the `auths` key of the static credential, when helper is None

    @property
    def writes_ecr_login_log(self) -> bool:
        """The helper is the ECR helper (or an ecr-login-<profile> wrapper of it), whose log
        holds the reason it gives no one else."""
        return self.helper is not None and self.helper.startswith(FIXED_HELPER)


@dataclass(frozen=True, kw_only=True)
class HelperRun:
    """One `docker-credential-<helper> get`, as a value that holds no secret."""

    outcome: str           # a machine.helper_protocol.HelperOutcome value ("credentials", …)
    exit_code: int | None  # None: it never exited by itself (not runnable, timed out)
    seconds: float
    username: str | None
    fingerprint: str | None  # keyed fingerprint of the secret (`fp:…`), when one came back
    message: str           # the helper's own error text; never a credential
    #: The ServerURL the helper's answer names. docker-credential-helpers' Serve echoes the
    #: one it was asked for (credentials/credentials.go · Get); Docker itself ignores it
    #: (cli/config/credentials/native_store.go), so an answer for another registry is used
    #: as if it were this one's, and the registry refuses it.
    server_url: str | None = None


@dataclass(frozen=True, kw_only=True)
class Check:
    """The verdict on one registry; what the text and JSON reports show."""

    registry: str
    source: str
    helper: str | None
    helper_path: str | None = None   # the executable run; None when none was runnable
    helper_found: bool = False       # an executable `docker-credential-<helper>` is on PATH
    ran: bool = False
    outcome: str | None = None       # HelperRun.outcome, when it ran
    exit_code: int | None = None
    seconds: float | None = None     # how long the helper took, rounded to milliseconds
    username: str | None = None
    fingerprint: str | None = None
    token_expires_at: datetime | None = None
    token_state: str | None = None   # live, expired, unknown (the token does not carry it)
    #: Docker would get working credentials: the helper answered with a token that is not
    #: expired, the config really uses that helper, and (with --probe) the registry said 200.
    usable: bool
    reason: str
    configured: bool                 # False: not in the config; the helper `fix` would set up
    #: The last error the helper logged during this run; only looked for when the run did not
    #: give a usable token (the helper tells Docker nothing more than "not found").
    helper_log_error: str | None = None
    #: The helper logged that the API call failed and it handed back its cached token.
    fell_back_to_cache: bool = False
    probe: Probe | None = None
    #: The helper's cache entry for this registry, as it was before this run: fresh, stale
    #: (past half its lifetime: the helper will call ECR), expired, unknown, or None when the
    #: cache holds none.
    cache_state: str | None = None


def target(registry: Registry, resolution: Resolution | None) -> Target:
    host = lookup_key(registry.host)
    if resolution is not None and resolution.helper is not None:
        return Target(registry=host, source=resolution.source.value, helper=resolution.helper,
                      configured=True)
    if resolution is not None and resolution.source in (Source.AUTHS, Source.AUTHS_LEGACY):
        # No helper applies: Docker sends a static credential.
        return Target(registry=host, source=resolution.source.value, helper=None,
                      configured=True, auth_key=resolution.auth_key)
    # Check the helper `ecr-doctor fix` would configure, but the config does not use it.
    source = resolution.source.value if resolution is not None else Source.NONE.value
    return Target(registry=host, source=source, helper=FIXED_HELPER, configured=False)


def runnable_path(binary: HelperBinary | None) -> str | None:
    """The executable Docker would run, or None when it cannot run one."""
    if binary is not None and binary.found and binary.executable:
        return binary.path
    return None


def token_status(secret: Secret, now: datetime) -> TokenStatus:
    """The expiry an ECR password carries (state "unknown" when it carries none)."""
    token = decode_ecr_password(secret)
    return expiry_status(token.expires_at if token else None, now)


def cache_state(cache: HelperCache | None, host: str) -> str | None:
    """The best state among the helper's cache entries for `host`, or None without one."""
    if cache is None:
        return None
    states = [e.state for e in cache.entries if e.registry == host]
    # Several entries (one per access key): the best one is what the helper can use.
    for state in ("fresh", "stale", "expired", "unknown"):
        if state in states:
            return state
    return None


def judge(
    goal: Target,
    *,
    binary: HelperBinary | None,
    run: HelperRun | None,
    token: TokenStatus | None,
    log: HelperLog | None,
    cache_state: str | None,
) -> Check:
    """The verdict for `goal`.

    binary: what is on PATH for `goal.helper`; run: its `get`, None when nothing ran (no helper,
    or none runnable); token: the expiry of the secret it returned; log: what the helper wrote
    to its log during the run, None when it keeps none or it could not be read; cache_state:
    see Check.
    """
    host = goal.registry
    if goal.helper is None:
        return Check(
            registry=host, source=goal.source, helper=None, usable=False, configured=True,
            reason=f"Docker sends the static auths[{goal.auth_key}] token, which no helper "
            "refreshes; `ecr-doctor diagnose` shows its age, `ecr-doctor fix --write` moves "
            "the registry to the ECR helper",
            cache_state=cache_state,
        )
    not_configured = ("; but the config does not use it: Docker sends no credentials for this "
                      "registry (run `ecr-doctor fix --write --registry " + host + "`)"
                      if not goal.configured else "")
    path = runnable_path(binary)
    if path is None:
        why = "is not executable" if binary is not None and binary.found else "is not on PATH"
        return Check(
            registry=host, source=goal.source, helper=goal.helper, usable=False,
            configured=goal.configured,
            reason=f"docker-credential-{goal.helper} {why}; Docker cannot run it" + not_configured,
            cache_state=cache_state,
        )
    if run is None:
        raise ValueError(f"docker-credential-{goal.helper} is runnable: judge needs its run")
    usable, reason = False, ""
    expires_at: datetime | None = None
    token_state: str | None = None
    fingerprint: str | None = None
    if run.outcome == _CREDENTIALS:
        fingerprint = run.fingerprint
        status = token or TokenStatus(state="unknown", expires_at=None, seconds_left=None)
        expires_at, token_state = status.expires_at, status.state
        if run.server_url and lookup_key(convert_to_hostname(run.server_url)) != host:
            reason = (f"the helper answered for ServerURL {run.server_url!r}, not for {host}: "
                      "Docker sends those credentials here anyway, and the registry refuses "
                      "them")
        elif token_state == "expired":
            reason = ("the helper exited 0 but handed back an EXPIRED token (the ECR helper "
                      "does this when the API call fails and a cached token exists); the "
                      "registry will answer 'denied: Your authorization token has expired'")
        else:
            usable = True
            reason = ("credentials returned" if token_state == "live"
                      else "credentials returned (the token does not carry its expiry)")
    elif run.outcome == _NOT_FOUND:
        reason = ("the helper answered 'credentials not found'; Docker sends the request "
                  "anonymous ('no basic auth credentials')")
    else:
        reason = f"the helper failed ({run.outcome}): {run.message}"
    log_error, fell_back = None, False
    if log is not None and (not usable or token_state == "expired"):
        # The helper's real reason is only in its log.
        log_error, fell_back = log.last_error, log.fell_back_to_cache
        if log_error:
            reason += f"; helper log: {log_error}"
    return Check(
        registry=host,
        source=goal.source,
        helper=goal.helper,
        helper_path=path,
        helper_found=True,
        ran=True,
        outcome=run.outcome,
        exit_code=run.exit_code,
        seconds=round(run.seconds, 3),
        username=run.username,
        fingerprint=fingerprint,
        token_expires_at=expires_at,
        token_state=token_state,
        usable=usable and goal.configured,
        reason=reason + not_configured,
        configured=goal.configured,
        helper_log_error=log_error,
        fell_back_to_cache=fell_back,
        cache_state=cache_state,
    )


def with_probe(check: Check, found: Probe) -> Check:
    """`check` with the registry's answer: anything but 200 makes it unusable."""
    if found.status == 200:
        return replace(check, probe=found)
    reason = (f"{check.reason}; but the registry answered {found.status or 'nothing'}"
              + (f" ({found.message})" if found.message else ""))
    return replace(check, probe=found, usable=False, reason=reason)
