"""Rules on the AWS side of the chain: SSO sessions, the ECR helper's cache and log, region.

They read `Environment.forensics` (captured by environment.capture from ~/.aws and the helper's
cache directory), so they are pure and stay silent when the machine is unknown or nothing was
read. No value they report is secret: cache entries are named by registry, never by their key
(legacy keys embed the access key id), and log lines are redacted when captured.
Standard library only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecr_doctor.core.model import Finding, Severity
from ecr_doctor.core.registries import lookup_key
from ecr_doctor.core.rules.base import Context, Rule, RuleDoc, rule

if TYPE_CHECKING:
    from collections.abc import Iterator


def _ecr_helper_hosts(ctx: Context) -> list[str]:
    """ECR hosts Docker sends to the ECR helper (or a profile wrapper of it)."""
    return [lookup_key(r.host) for r in ctx.ecr_registries
            if (ctx.resolution(r).helper or "").startswith("ecr-login")]


@rule(
    "ENV008",
    "expired-sso-or-helper-cache",
    Severity.HIGH,
    "The AWS SSO session has expired, or the ECR helper holds an expired cached token",
    RuleDoc(
        what="The selected AWS profile signs in through IAM Identity Center (SSO) and its "
        "cached SSO token (`~/.aws/sso/cache/<sha1>.json`, `expiresAt`) has expired or was "
        "never created; or the ECR helper's `cache.json` holds an expired token for a "
        "configured registry.",
        why="An expired SSO session makes the SDK's credential chain fail; the ECR helper "
        "hides that as 'credentials not found' and Docker goes anonymous (`no basic auth "
        "credentials`). And when the helper cannot reach ECR it returns its cached token even "
        "after it expired, with exit 0 (ecr-login/ecr.go · Get: 'Falling back to cached "
        "token'), so the registry answers `denied: Your authorization token has expired` "
        "although the helper is configured.",
        fix="`aws sso login --profile <profile>`; then `ecr-doctor verify`. For a cached "
        "token, fix what stops the helper from reaching ECR (`ecr-doctor verify` shows the "
        "helper log's reason); deleting `~/.ecr/cache.json` removes the stale fallback.",
        references=(
            "aws/aws-sdk-go-v2 · credentials/ssocreds/sso_cached_token.go · "
            "StandardCachedTokenFilepath",
            "awslabs/amazon-ecr-credential-helper · ecr-login/cache/credentials_cache.go · "
            "AuthEntry.IsValid",
            "awslabs/amazon-ecr-credential-helper#679",
        ),
    ),
    needs_machine=True,
)
def expired_sso_or_cache(self: Rule, ctx: Context) -> Iterator[Finding]:
    facts = ctx.env.forensics
    hosts = _ecr_helper_hosts(ctx)
    if facts is None or not hosts:
        return
    where = ctx.helper_location(hosts[0])
    profile = ctx.env.aws.profile or "default"
    if facts.profile_sso_state == "expired" and not ctx.env.aws.env_keys:
        yield self.finding(f"the SSO session of AWS profile {profile!r} has expired: the ECR "
                           f"helper cannot get credentials; run `aws sso login --profile "
                           f"{profile}`", where, details=(("profile", profile),))
    elif facts.profile_sso_state == "missing" and not ctx.env.aws.env_keys:
        yield self.finding(f"AWS profile {profile!r} uses SSO but no cached SSO token exists "
                           f"(never signed in on this machine); run `aws sso login --profile "
                           f"{profile}`", where, details=(("profile", profile),))
    cache = facts.helper_cache
    if cache is None or ctx.env.ecr_cache_disabled:
        return
    fell_back = facts.helper_log is not None and facts.helper_log.fell_back_to_cache
    for entry in cache.entries:
        if entry.registry not in hosts or entry.state != "expired":
            continue
        when = entry.expires_at.strftime("%Y-%m-%d %H:%M UTC") if entry.expires_at else "?"
        last = (" — and its last run did fall back to it, so Docker is sending an expired "
                "token" if fell_back else "")
        yield self.finding(
            f"the ECR helper's cache holds a token for {entry.registry} that expired {when}; "
            f"the helper returns it (exit 0) whenever it cannot reach ECR{last}",
            ctx.helper_location(entry.registry), registry=entry.registry,
            severity=Severity.HIGH if fell_back else Severity.MEDIUM,
            details=(("cache", cache.path), ("key_form", entry.key_form)),
        )


@rule(
    "ENV009",
    "ecr-helper-log-error",
    Severity.MEDIUM,
    "The ECR helper's own log records why it failed",
    RuleDoc(
        what="The last error line in the ECR helper's log (`~/.ecr/log/ecr-login.log`, or "
        "`$AWS_ECR_CACHE_DIR/log/ecr-login.log`).",
        why="The helper turns every failure (no AWS credentials, expired SSO, network, "
        "AccessDenied, unsupported host) into 'credentials not found in native keychain' "
        "(ecr-login/ecr.go · ECRHelper.Get) and Docker shows only `no basic auth "
        "credentials`. Its log is the one place the real reason is written.",
        fix="Fix the cause the log names; `ecr-doctor verify` runs the helper now and reports "
        "the error of that very run.",
        references=("awslabs/amazon-ecr-credential-helper · ecr-login/config/log.go",),
    ),
    needs_machine=True,
)
def helper_log_error(self: Rule, ctx: Context) -> Iterator[Finding]:
    facts = ctx.env.forensics
    hosts = _ecr_helper_hosts(ctx)
    if facts is None or facts.helper_log is None or not hosts:
        return
    log = facts.helper_log
    if not log.last_error:
        return
    when = f" at {log.last_error_time}" if log.last_error_time else ""
    yield self.finding(f"the ECR helper last logged an error{when}: {log.last_error}",
                       ctx.helper_location(hosts[0]), details=(("log", log.path),))


@rule(
    "ENV010",
    "aws-region-missing",
    Severity.INFO,
    "No AWS region is set",
    RuleDoc(
        what="Neither `AWS_REGION`, `AWS_DEFAULT_REGION` nor the selected profile's `region` "
        "is set.",
        why="The helper's `get` takes the region from the registry host name, so pulls still "
        "work; but `docker-credential-ecr-login list`, `aws ecr get-login-password` and most "
        "AWS CLI calls fail with 'You must specify a region'.",
        fix="`aws configure set region <region>` for the profile, or export `AWS_REGION`.",
        references=("awslabs/amazon-ecr-credential-helper · ecr-login/api/factory.go",),
    ),
    needs_machine=True,
)
def region_missing(self: Rule, ctx: Context) -> Iterator[Finding]:
    aws = ctx.env.aws
    hosts = _ecr_helper_hosts(ctx)
    # Only on a machine whose AWS set-up was actually read (forensics captured).
    if not hosts or aws.region or not aws.any_source or ctx.env.forensics is None:
        return
    yield self.finding("no AWS region is set (the helper's get takes it from the host name; "
                       "`aws ecr get-login-password` and `docker-credential-ecr-login list` "
                       "need one)", ctx.helper_location(hosts[0]))


@rule(
    "ENV011",
    "aws-sso-session-undefined",
    Severity.HIGH,
    "The AWS profile names an sso_session that is not defined",
    RuleDoc(
        what="The selected profile has `sso_session = NAME` but the config file has no "
        "`[sso-session NAME]` section.",
        why="The SDK refuses to load such a profile, so the ECR helper gets no credentials and "
        "answers 'not found' (Debian's 0.6.0 may even panic, exit 2).",
        fix="`aws configure sso` to recreate the session, or fix the name in ~/.aws/config.",
        references=("aws/aws-sdk-go-v2 · config/shared_config.go · ssoSessionSection",),
    ),
    needs_machine=True,
)
def sso_session_undefined(self: Rule, ctx: Context) -> Iterator[Finding]:
    facts = ctx.env.forensics
    hosts = _ecr_helper_hosts(ctx)
    if facts is None or facts.missing_sso_session is None or not hosts:
        return
    profile = ctx.env.aws.profile or "default"
    yield self.finding(f"AWS profile {profile!r} names sso_session "
                       f"{facts.missing_sso_session!r}, which ~/.aws/config does not define",
                       ctx.helper_location(hosts[0]))


@rule(
    "ENV012",
    "ecr-helper-cache-settings",
    Severity.INFO,
    "AWS_ECR_DISABLE_CACHE or AWS_ECR_IGNORE_CREDS_STORAGE changes how the helper behaves",
    RuleDoc(
        what="`AWS_ECR_DISABLE_CACHE` is set (any non-empty value, even `false`, disables the "
        "cache), or `AWS_ECR_IGNORE_CREDS_STORAGE=true` is set for a helper older than 0.9.0, "
        "which ignores it.",
        why="Without the cache every pull calls ECR (slower, and a brief outage fails at "
        "once rather than serving a still-valid token). The creds-storage switch only makes "
        "`docker login` / `logout` succeed on helper ≥ 0.9.0.",
        fix="Unset `AWS_ECR_DISABLE_CACHE` unless you mean it; upgrade the helper for "
        "`AWS_ECR_IGNORE_CREDS_STORAGE`.",
        references=("awslabs/amazon-ecr-credential-helper · ecr-login/cache/factory.go · "
                    "BuildCredentialsCache", "ecr-login/ecr.go · shouldIgnoreCredsStorage"),
    ),
    needs_machine=True,
)
def helper_cache_settings(self: Rule, ctx: Context) -> Iterator[Finding]:
    hosts = _ecr_helper_hosts(ctx)
    if not hosts:
        return
    if ctx.env.ecr_cache_disabled:
        yield self.finding("AWS_ECR_DISABLE_CACHE is set: the ECR helper caches no token and "
                           "calls ECR on every pull (any non-empty value disables it)",
                           ctx.helper_location(hosts[0]))
    binary = ctx.env.helper("ecr-login")
    if (ctx.env.ecr_ignore_creds_storage and binary is not None
            and binary.version_tuple is not None and binary.version_tuple < (0, 9, 0)):
        yield self.finding(f"AWS_ECR_IGNORE_CREDS_STORAGE=true has no effect on "
                           f"docker-credential-ecr-login {binary.version} (needs ≥ 0.9.0)",
                           ctx.helper_location(hosts[0]))

