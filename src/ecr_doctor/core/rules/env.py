"""The ENV family: the machine and the AWS side around the config.

Helpers on PATH and their versions, environment variables, the file's mode, SSO sessions, the
ECR helper's cache and log, the region, profile wrappers. They read only the captured
`Environment` value (its `forensics` from ~/.aws and the helper's cache directory), so they are
pure and stay silent when the environment is unknown (the browser build) or nothing was read.
No value they report is secret: cache entries are named by registry, never by their key
(legacy keys embed the access key id), and log lines are redacted when captured.
Standard library only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecr_doctor.core.clients import (
    DOCKER_AUTH_CONFIG_SINCE,
    docker_auth_config_note,
    format_version,
    helper_failure_uses,
    reads_docker_auth_config,
)
from ecr_doctor.core.model import Applicability, Finding, Fix, Location, SetFileMode, Severity
from ecr_doctor.core.registries import RegistryKind, ecr_helper_accepts, lookup_key
from ecr_doctor.core.resolution import Resolution, Source
from ecr_doctor.core.rules.base import Context, Family, Rule, RuleDoc

if TYPE_CHECKING:
    from collections.abc import Iterator

FAMILY = Family("ENV")

ECR_INSTALL_HINTS = {
    "linux": (
        "Debian/Ubuntu: sudo apt-get install amazon-ecr-credential-helper · "
        "Amazon Linux 2023/Fedora: sudo dnf install amazon-ecr-credential-helper · "
        "any: go install github.com/awslabs/amazon-ecr-credential-helper/ecr-login/cli/"
        "docker-credential-ecr-login@latest, or the release binary from "
        "github.com/awslabs/amazon-ecr-credential-helper/releases"
    ),
    "darwin": "brew install docker-credential-helper-ecr",
    "windows": (
        "download docker-credential-ecr-login.exe from "
        "github.com/awslabs/amazon-ecr-credential-helper/releases into a folder on PATH"
    ),
}


# What docker/docker-credential-helpers builds (its Makefile's targets); every other helper
# comes from somewhere else, and saying otherwise sends the user to the wrong project.
_DOCKER_HELPERS = frozenset({"osxkeychain", "wincred", "pass", "secretservice"})
_HELPER_SOURCES = {
    # googlecloudsdk · command_lib/auth/configure_docker: `gcloud auth configure-docker`
    # registers the SDK's own helper for the Google registries.
    "gcloud": "docker-credential-gcloud comes with the Google Cloud CLI: install it, then "
              "`gcloud auth configure-docker`",
    "gcr": "install docker-credential-gcr from "
           "github.com/GoogleCloudPlatform/docker-credential-gcr/releases",
    "acr-env": "install docker-credential-acr-env from "
               "github.com/chrismellard/docker-credential-acr-env/releases",
    "glab": "the GitLab CLI (glab) provides it: install glab, then `glab auth "
            "configure-docker`",
}


def _install_hint(platform: str, helper: str) -> str:
    if helper == "ecr-login" or helper.startswith("ecr-login-"):
        return ECR_INSTALL_HINTS.get(platform, ECR_INSTALL_HINTS["linux"])
    if helper in ("desktop", "desktop.exe"):
        return ("Docker Desktop's helper: reinstall Docker Desktop, or remove the setting if "
                "Docker Desktop is gone (its {} auths entries hold no secrets)")
    if helper in _DOCKER_HELPERS:
        return (f"install docker-credential-{helper} from "
                "github.com/docker/docker-credential-helpers/releases, or remove the setting")
    source = _HELPER_SOURCES.get(helper)
    if source is not None:
        return f"{source}, or remove the setting"
    return (f"docker-credential-{helper} is not one of docker/docker-credential-helpers' own "
            f"({', '.join(sorted(_DOCKER_HELPERS))}): install it from the project that "
            "provides it, or remove the setting")


@FAMILY.rule(
    "ENV001",
    "helper-not-on-path",
    Severity.HIGH,
    "A credential helper named in the config is not on PATH",
    RuleDoc(
        what="`credHelpers` or `credsStore` names a helper whose binary "
        "`docker-credential-<name>` is not on this PATH, or is not executable.",
        why="Docker execs the helper by name. Missing, it fails with `exec: "
        '"docker-credential-ecr-login": executable file not found in $PATH` — but only some '
        "commands show that. nativeStore.Get hands back the inline `auths` entry together "
        "with the error, and what each command does with it depends on the CLI release: "
        "`docker pull` drops the error up to 28.x (ResolveAuthConfig) and fails from 29.0.0 "
        "(RetrieveAuthTokenFromImage); `docker push` drops it up to 28.4.x and fails from "
        "28.5.0; classic `docker build` (DOCKER_BUILDKIT=0) always drops it "
        "(GetAllCredentials logs 'Failed to get credentials for registry' and keeps the file "
        "entry; with a missing `credsStore` it sends no credentials at all); buildx / "
        "BuildKit returns it and the build fails. Where the error is dropped, the stale "
        "inline token (or nothing) is sent: `denied: Your authorization token has expired` or "
        "`no basic auth credentials`. sudo, systemd units, IDEs and CI runners often have a "
        "different PATH from your shell. podman, skopeo and buildah never run a `credsStore` "
        "helper.",
        fix="Install the helper (see the hint) on the PATH of the process that runs docker, "
        "or point the config at a helper that exists. Beware: when the helper fails outright "
        "(rather than answering 'not found'), docker/cli's nativeStore.Get hands back the "
        "inline `auths` entry with the error, and commands that ignore the error send that "
        "stale credential.",
        references=(
            "docker/docker-credential-helpers · client/client.go · Get",
            "docker/cli · cli/config/credentials/native_store.go · nativeStore.Get",
            "docker/cli · cli/command/image/pull.go, push.go · runPull, runPush (v28.2.2, "
            "v28.5.0, v29.0.0)",
            "docker/cli · cli/command/image/build.go · GetAllCredentials (error ignored)",
        ),
    ),
    needs_machine=True,
)
def helper_not_on_path(self: Rule, ctx: Context) -> Iterator[Finding]:
    named: list[tuple[str, Location]] = [(h.helper, h.location) for h in ctx.config.cred_helpers
                                         if h.helper]
    # containers/image never runs a credsStore helper (CFG033).
    if ctx.config.creds_store is not None and ctx.config.creds_store.value and not ctx.podman:
        named.append((ctx.config.creds_store.value, ctx.config.creds_store.location))
    reported: set[str] = set()
    for helper, location in named:
        if helper in reported:
            continue
        binary = ctx.env.helper(helper)
        if binary is None:
            continue
        if binary.found and binary.executable:
            continue
        reported.add(helper)
        state = "is not executable" if binary.found else "is not on PATH"
        resolutions = [ctx.resolution(r) for r in ctx.registries]
        fallback = "" if ctx.podman else _failure_effects(
            [res for res in resolutions if res.helper == helper], ctx.env.docker_version)
        yield self.finding(
            f"docker-credential-{helper} {state}{fallback}; install: "
            f"{_install_hint(ctx.env.platform, helper)}",
            location,
            details=(("helper", helper),),
        )


def _failure_effects(resolutions: list[Resolution], version: tuple[int, int, int] | None) -> str:
    """What the Docker CLI does meanwhile, per operation, in one clause ("" when nothing is
    sent in the helper's place)."""
    stale = sorted({key for res in resolutions for key in res.helper_error_fallback})
    if not stale:
        return ""
    uses = helper_failure_uses(resolutions[0], version)
    inline = [u.operation.split(" (")[0] for u in uses if u.outcome == "inline"]
    failing = [u.operation.split(" (")[0] for u in uses if u.outcome == "fails"]
    cred = f"the stale inline credential of auths[{', '.join(stale)}]"
    if version is None:
        return (f"; meanwhile Docker sends {cred} on pull (CLI < 29.0), push (CLI < 28.5) and "
                "classic build, while newer pulls and pushes and BuildKit fail with the "
                "helper's error")
    shown = format_version(version)
    sending = ", ".join(inline) if inline else "no command"
    return (f"; meanwhile Docker CLI {shown} sends {cred} on {sending}"
            + (f", and {', '.join(failing)} fail with the helper's error" if failing else ""))


@FAMILY.rule(
    "ENV002",
    "ecr-helper-too-old",
    Severity.HIGH,
    "The installed ECR helper is too old to recognise a configured host",
    RuleDoc(
        what="The ECR credential helper on PATH predates the hostname pattern of a configured "
        "registry: dual-stack hosts (`dkr-ecr.<region>.on.aws`) need ≥ 0.10.0, "
        "`amazonaws.eu` needs ≥ 0.11.0, ISO hosts need ≥ 0.8.0 / 0.9.0, `ecr-public.aws.com` "
        "needs ≥ 0.12.0.",
        why="An unrecognised host makes the helper log `can only be used with Amazon Elastic "
        "Container Registry` and answer 'not found' (ecr-login/api/client.go `ExtractRegistry`, "
        "ecr-login/ecr.go `Get`), so Docker goes anonymous: `no basic auth credentials`. "
        "Distribution packages lag: Debian 12 ships 0.6.0.",
        fix="Install a current release of amazon-ecr-credential-helper.",
        references=("awslabs/amazon-ecr-credential-helper · ecr-login/api/client.go · ecrPattern",),
    ),
    needs_machine=True,
)
def ecr_helper_too_old(self: Rule, ctx: Context) -> Iterator[Finding]:
    for registry in ctx.ecr_registries:
        resolution = ctx.resolution(registry)
        if resolution.source not in (Source.CRED_HELPER, Source.CREDS_STORE):
            continue
        helper = resolution.helper or ""
        if helper != "ecr-login":
            continue
        binary = ctx.env.helper(helper)
        if binary is None or binary.version_tuple is None:
            continue
        if ecr_helper_accepts(registry.host, binary.version_tuple):
            continue
        need = registry.min_helper_version
        need_text = ".".join(map(str, need)) if need else "a newer release"
        yield self.finding(
            f"docker-credential-ecr-login {binary.version} does not recognise {registry.host} "
            f"(needs ≥ {need_text}); it will answer 'not found' and Docker goes anonymous",
            ctx.helper_location(registry.host),
            registry=registry.host,
        )


@FAMILY.rule(
    "ENV003",
    "fips-without-fips-endpoint",
    Severity.LOW,
    "A FIPS registry is configured but the helper will call the non-FIPS ECR API",
    RuleDoc(
        what="A `dkr.ecr-fips` registry is served by the ECR helper while "
        "`AWS_USE_FIPS_ENDPOINT` is not `true`.",
        why="The helper only switches to the `ecr-fips` API endpoint when the SDK is told to "
        "(ecr-login/api/factory.go `NewClientWithFipsEndpoint`); otherwise it fetches the "
        "token from the standard endpoint, which a FIPS-only policy may forbid.",
        fix="Export `AWS_USE_FIPS_ENDPOINT=true` in the environment that runs docker.",
    ),
    needs_machine=True,
)
def fips_without_endpoint(self: Rule, ctx: Context) -> Iterator[Finding]:
    if ctx.env.use_fips_endpoint:
        return
    for registry in ctx.ecr_registries:
        if registry.fips and ctx.resolution(registry).source is Source.CRED_HELPER:
            yield self.finding(f"{registry.host} is a FIPS registry but AWS_USE_FIPS_ENDPOINT is "
                               "not true: the token comes from the non-FIPS ECR API",
                               ctx.helper_location(registry.host), registry=registry.host)


@FAMILY.rule(
    "ENV004",
    "docker-auth-config-shadows-file",
    Severity.MEDIUM,
    "DOCKER_AUTH_CONFIG is set and overrides the config file",
    RuleDoc(
        what="The `DOCKER_AUTH_CONFIG` environment variable is set.",
        why="Docker CLI ≥ 28.3.0 (docker/cli#6008) reads it as a credential store that takes "
        "precedence over `credHelpers`, `credsStore` and `auths` for every key it holds "
        "(docker/cli configfile/file.go `GetCredentialsStore`, cli/config/memorystore); older "
        "CLIs ignore it (ENV030). A static ECR token in it expires like any other. Only "
        '`{"auths": {"<host>": {"auth": "<base64 user:password>"}}}` is accepted: '
        "`parseEnvConfig` decodes with DisallowUnknownFields, so a `credHelpers` or "
        "`credsStore` key, a `username`/`password` pair, an entry without `auth` or a second "
        "JSON value makes the CLI print `Failed to create credential store from "
        "DOCKER_AUTH_CONFIG` on stderr and fall back to the file, silently otherwise. "
        "buildx (v0.31 vendors docker/cli v29) reads it too, whatever the docker CLI "
        "version; podman and skopeo never do.",
        fix="Unset it where a helper should be used, or make sure it holds no ECR host. A "
        "helper cannot be configured through it: put `credHelpers` in the config file.",
        references=("docker/cli · cli/config/configfile/file.go · GetCredentialsStore, "
                    "parseEnvConfig (PR docker/cli#6008, v28.3.0)",),
    ),
    needs_machine=True,
)
def docker_auth_config(self: Rule, ctx: Context) -> Iterator[Finding]:
    dac = ctx.env.docker_auth_config
    version = ctx.env.docker_version
    if dac is None or ctx.podman or reads_docker_auth_config(version) is False:
        return  # containers/image never reads it; an older CLI ignores it (ENV030)
    note = f" ({docker_auth_config_note(None)})" if version is None else ""
    if dac.error:
        helpers = (": it cannot set credHelpers or credsStore, only auths entries with `auth`"
                   if "credHelpers" in dac.error or "credsStore" in dac.error else "")
        yield self.finding(f"DOCKER_AUTH_CONFIG is set but unusable ({dac.error}){helpers}; "
                           "Docker prints 'Failed to create credential store from "
                           f"DOCKER_AUTH_CONFIG' and uses this file alone{note}", ctx.at())
        return
    ecr = [r.host for r in ctx.ecr_registries if ctx.resolution(r).source is Source.ENV]
    if ecr:
        yield self.finding("DOCKER_AUTH_CONFIG holds static credentials for "
                           f"{', '.join(ecr)} and overrides this file's helpers{note}",
                           ctx.at(), severity=Severity.HIGH)
    elif dac.keys:
        yield self.finding(f"DOCKER_AUTH_CONFIG is set ({len(dac.keys)} registries: "
                           f"{_some(dac.keys)}) and takes precedence over this file for "
                           f"them{note}", ctx.at())


@FAMILY.rule(
    "ENV030",
    "docker-auth-config-ignored-by-cli",
    Severity.MEDIUM,
    "DOCKER_AUTH_CONFIG is set, but this Docker CLI is too old to read it",
    RuleDoc(
        what="`DOCKER_AUTH_CONFIG` is set and the Docker CLI (from `docker version`, or "
        f"`--docker-version`) is older than {format_version(DOCKER_AUTH_CONFIG_SINCE)}.",
        why="The variable is read only from docker/cli v28.3.0 (PR #6008, "
        "configfile.GetCredentialsStore); v28.2 and older never look at it, so `docker pull` "
        "and `docker push` use the config file (or nothing) while BuildKit builds through "
        "buildx ≥ 0.31 — which vendors a newer docker/cli — do use it. CI images often "
        "pin an old CLI while the CI system sets the variable (GitLab's DOCKER_AUTH_CONFIG).",
        fix="Upgrade the Docker CLI to 28.3.0 or later, or put the credentials where this CLI "
        "reads them: a `credHelpers` entry for ECR (`ecr-doctor fix --write --registry "
        "HOST`).",
        references=("docker/cli · cli/config/configfile/file.go · GetCredentialsStore "
                    "(absent at v28.2.2, added by 9b83d5bbf9 in v28.3.0)",),
    ),
    needs_machine=True,
)
def docker_auth_config_ignored(self: Rule, ctx: Context) -> Iterator[Finding]:
    dac = ctx.env.docker_auth_config
    version = ctx.env.docker_version
    if dac is None or ctx.podman or reads_docker_auth_config(version) is not False:
        return
    assert version is not None
    held = f" ({len(dac.keys)} registries: {_some(dac.keys)})" if dac.keys else ""
    docker = ctx.env.docker
    how = f", from {docker.source}" if docker is not None else ""
    yield self.finding(
        f"DOCKER_AUTH_CONFIG is set{held}, but Docker CLI {format_version(version)}{how} "
        f"ignores it (read only from {format_version(DOCKER_AUTH_CONFIG_SINCE)}): docker pull "
        "and push use this file instead", ctx.at(),
        details=(("docker_version", format_version(version)),))


def _some(names: tuple[str, ...], shown: int = 5) -> str:
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


@FAMILY.rule(
    "ENV005",
    "config-permissions",
    Severity.MEDIUM,
    "config.json is readable by group or others",
    RuleDoc(
        what="The config file's mode lets users other than the owner read it.",
        why="Inline `auths` credentials are only base64. Docker itself creates the file 0600 "
        "but keeps whatever mode an existing file has (configfile/file_unix.go "
        "`copyFilePermissions`).",
        fix="`chmod 600 config.json`.",
    ),
    fixable=Applicability.SAFE,
    needs_machine=True,
)
def config_permissions(self: Rule, ctx: Context) -> Iterator[Finding]:
    mode = ctx.options.file_mode
    if mode is None or not ctx.options.file_exists or not mode & 0o077:
        return
    yield self.finding(f"config file mode is {mode & 0o777:04o}: readable beyond its owner",
                       ctx.at(), fix=Fix("chmod 600", Applicability.SAFE, (SetFileMode(0o600),)))


@FAMILY.rule(
    "ENV006",
    "docker-config-is-a-file",
    Severity.HIGH,
    "DOCKER_CONFIG points at a file; Docker wants a directory",
    RuleDoc(
        what="`DOCKER_CONFIG` names a file (often `…/config.json`) instead of its directory.",
        why="Docker appends `config.json` itself (cli/config/config.go `Dir`), fails with "
        "`open …/config.json/config.json: not a directory`, prints a warning and runs with an "
        "empty config.",
        fix="Set `DOCKER_CONFIG` to the directory that holds config.json.",
    ),
    needs_machine=True,
)
def docker_config_is_file(self: Rule, ctx: Context) -> Iterator[Finding]:
    location = ctx.options.location
    if location is not None and location.docker_config_is_file:
        yield self.finding("DOCKER_CONFIG points at a file; Docker reads "
                           f"{location.path} and finds nothing", ctx.at())


@FAMILY.rule(
    "ENV007",
    "no-aws-credentials",
    Severity.MEDIUM,
    "The ECR helper is configured but no AWS credential source is visible",
    RuleDoc(
        what="An ECR registry is served by the ECR helper, but this environment has no AWS "
        "credentials: no `AWS_ACCESS_KEY_ID`, no profile or shared files, no web identity, no "
        "container credentials.",
        why="The helper uses the AWS SDK's default chain. With nothing to find (and no EC2 "
        "instance role) it fails, reports 'not found' to Docker (ecr-login/ecr.go `Get`), and "
        "Docker sends the request anonymous: `no basic auth credentials`.",
        fix="Configure credentials for the environment that runs docker (`aws configure sso`, "
        "`AWS_PROFILE`, OIDC in CI); on EC2 make sure an instance role is attached.",
    ),
    needs_machine=True,
)
def no_aws_credentials(self: Rule, ctx: Context) -> Iterator[Finding]:
    aws = ctx.env.aws
    uses_helper = [r for r in ctx.ecr_registries if ctx.resolution(r).helper == "ecr-login"
                   and r.kind is RegistryKind.ECR_PRIVATE]
    if not uses_helper:
        return
    where = ctx.helper_location(uses_helper[0].host)
    if aws.profile and aws.profile_defined is False:
        yield self.finding(f"AWS_PROFILE names profile {aws.profile!r}, which no shared config "
                           "or credentials file defines: the ECR helper will fail", where)
    elif not aws.any_source:
        imds = "" if aws.imds_disabled else " (an EC2 instance role would still work)"
        yield self.finding(f"no AWS credential source found for the ECR helper{imds}", where,
                           registry=uses_helper[0].host)


def _ecr_helper_hosts(ctx: Context) -> list[str]:
    """ECR hosts Docker sends to the ECR helper (or a profile wrapper of it)."""
    return [lookup_key(r.host) for r in ctx.ecr_registries
            if (ctx.resolution(r).helper or "").startswith("ecr-login")]


@FAMILY.rule(
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


@FAMILY.rule(
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


@FAMILY.rule(
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
    yield self.finding(f"no AWS region is set for profile {aws.profile or 'default'!r} (the "
                       "helper's get takes it from the host name; `aws ecr get-login-password` "
                       "and `docker-credential-ecr-login list` need one)",
                       ctx.helper_location(hosts[0]))


@FAMILY.rule(
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


@FAMILY.rule(
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


@FAMILY.rule(
    "ENV020",
    "wrapper-profile-missing",
    Severity.HIGH,
    "A profile wrapper helper selects an AWS profile that does not exist",
    RuleDoc(
        what="`credHelpers` names an ecr-doctor profile wrapper (`ecr-login-<profile>`); the "
        "wrapper found on PATH exports `AWS_PROFILE` for a profile that neither the shared "
        "config file nor the credentials file defines.",
        why="With a named profile missing, the AWS SDK fails to load its configuration; the "
        "ECR helper reports that as 'credentials not found' (ecr-login/ecr.go `Get`; 0.6.0 "
        "even panics in `NewClientFromRegion`), and Docker sends the request anonymous: "
        "`no basic auth credentials`.",
        fix="Create the profile (`aws configure sso --profile NAME`, or a `[profile NAME]` "
        "section in ~/.aws/config), or regenerate the wrapper for the right profile with "
        "`ecr-doctor fix --write --profile HOST=PROFILE`.",
        references=("awslabs/amazon-ecr-credential-helper · ecr-login/ecr.go · ECRHelper.Get",),
    ),
    needs_machine=True,
)
def wrapper_profile_missing(self: Rule, ctx: Context) -> Iterator[Finding]:
    profiles = dict(ctx.env.helper_profiles)
    known = set(ctx.env.aws.profiles)
    reported: set[str] = set()
    for entry in ctx.config.cred_helpers:
        profile = profiles.get(entry.helper)
        if profile is None or entry.helper in reported:
            continue
        reported.add(entry.helper)
        if profile in known:
            continue
        binary = ctx.env.helper(entry.helper)
        where = binary.path if binary is not None and binary.path else entry.helper
        yield self.finding(
            f"{where} selects AWS profile {profile!r}, which no shared config or credentials "
            f"file defines: the ECR helper will fail for {entry.key}",
            entry.location,
            registry=entry.key,
            details=(("helper", entry.helper), ("profile", profile)),
        )


@FAMILY.rule(
    "ENV013",
    "pass-store-not-initialised",
    Severity.HIGH,
    "The `pass` helper is configured but `pass init` never ran",
    RuleDoc(
        what="`credsStore` or a `credHelpers` entry names `pass`, docker-credential-pass is "
        "on PATH, and its password store ($PASSWORD_STORE_DIR, else ~/.password-store) has "
        "no `.gpg-id`.",
        why="docker-credential-pass stores each login with `pass insert`, which refuses a "
        "store that `pass init` never set up (\"You must run: pass init your-gpg-id\"). "
        "`docker login` then fails with `pass not initialized` (or `error storing "
        "credentials`), and every `get` finds nothing: pulls go out anonymous.",
        fix="Create a GPG key if there is none (`gpg --full-generate-key`), then `pass init "
        "<its id or e-mail>` as the user who runs docker, with the same $PASSWORD_STORE_DIR; "
        "log in again.",
        references=("docker/docker-credential-helpers · pass/pass.go · getPassDir, "
                    "checkInitialized",
                    "zx2c4 password-store · src/password-store.sh · set_gpg_recipients "
                    "(.gpg-id required)"),
    ),
    needs_machine=True,
)
def pass_store_not_initialised(self: Rule, ctx: Context) -> Iterator[Finding]:
    store = ctx.env.pass_store
    binary = ctx.env.helper("pass")
    if store is None or store[1] or binary is None or not (binary.found and binary.executable):
        return  # not configured, ready, or not installed (ENV001 says so)
    places = [h.location for h in ctx.config.cred_helpers if h.helper == "pass"]
    if (ctx.config.creds_store is not None and ctx.config.creds_store.value == "pass"
            and not ctx.podman):
        places.insert(0, ctx.config.creds_store.location)
    if not places:
        return
    yield self.finding(
        f"docker-credential-pass is set up, but the password store {store[0]} has no .gpg-id "
        "(`pass init` never ran there): docker login cannot store, and nothing is found",
        places[0], details=(("helper", "pass"),))
