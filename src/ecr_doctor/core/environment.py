"""The machine Docker and the ECR helper run on, as a frozen value.

`ecr_doctor.machine.capture` fills it from the real machine; the page and pasted configs use
`unknown_environment()`, on which rules that need the machine stay silent.

Only presence is recorded for anything secret: an AWS key, a session token or a
DOCKER_AUTH_CONFIG credential never enters these values, so reprs and reports cannot leak them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from typing import Literal

    from ecr_doctor.core.dockerconfig import DockerConfig
    from ecr_doctor.core.forensics import Forensics

    Platform = Literal["linux", "darwin", "windows", "unknown"]
    #: How the selected AWS profile gets credentials (presence of settings only, never values).
    ProfileKind = Literal["static", "assume_role", "web_identity", "sso", "credential_process",
                          "none"]

__all__ = [
    "DEFAULT_PROBE_TIMEOUT",
    "AwsSources",
    "BuildxConfigs",
    "DockerAuthConfigEnv",
    "DockerClient",
    "Environment",
    "HelperBinary",
    "ScopedConfig",
    "unknown_environment",
]


DEFAULT_PROBE_TIMEOUT = 3.0


class HelperBinary(NamedTuple):
    """One `docker-credential-<name>` as Docker's exec.LookPath would (or would not) find it."""

    name: str
    executable_name: str
    path: str | None
    found: bool
    executable: bool
    version: str | None = None
    version_tuple: tuple[int, int, int] | None = None
    #: "-v" or "version": which invocation produced `version`; None when not probed or failed.
    version_source: str | None = None


class AwsSources(NamedTuple):
    """Where the AWS SDK's default chain could find credentials. Presence only, never values.

    `any_source` ignores EC2 IMDS: whether an instance role exists cannot be known offline.
    """

    env_keys: bool = False
    session_token: bool = False
    profile: str | None = None
    #: None when no profile is named (the SDK then uses "default").
    profile_defined: bool | None = None
    #: For the named profile, or "default" when none is named; None when that profile is absent.
    profile_kind: ProfileKind | None = None
    config_file: str | None = None
    credentials_file: str | None = None
    profiles: tuple[str, ...] = ()
    web_identity: bool = False
    container: bool = False
    region: str | None = None
    imds_disabled: bool = False

    @property
    def any_source(self) -> bool:
        return (
            self.env_keys
            or self.web_identity
            or self.container
            or (self.profile_kind is not None and self.profile_kind != "none")
        )


class DockerAuthConfigEnv(NamedTuple):
    """Shape of $DOCKER_AUTH_CONFIG: its registry keys and whether Docker can load it.

    docker/cli `GetCredentialsStore` (cli/config/configfile/file.go) silently falls back to the
    file/helper store when this value fails to load, so a broken one is invisible to users;
    `error` says why. Credentials are never kept.
    """

    keys: tuple[str, ...] = ()
    error: str | None = None


class DockerClient(NamedTuple):
    """The Docker CLI whose behaviour the resolution follows. Its version decides what it reads
    (DOCKER_AUTH_CONFIG from 28.3.0) and which commands fail on a helper error (see
    ecr_doctor.core.clients)."""

    version: str | None
    version_tuple: tuple[int, int, int] | None
    #: How it was learnt: "docker version", "docker --version", "--docker-version", or
    #: "not found" / "no version" when the machine could not say.
    source: str
    path: str | None = None


class ScopedConfig(NamedTuple):
    """One buildx alternative config: `<base>/<host>[/<repo>][@scope,...]/config.json`.

    docker/buildx util/dockerutil/dockerconfig/configprovider.go (`init`, `parseConfigKey`,
    `loadHost`; PR docker/buildx#3562, first in v0.31.0).
    """

    path: str          # the config.json as found by the walk
    relative: str      # its directory below <base>, e.g. "host/team/app@push"
    host: str
    repo: str
    scopes: tuple[str, ...]
    #: The parsed file; None when buildx cannot use it (see `state`).
    config: DockerConfig | None
    #: "ok"; "missing" (a dangling link: buildx loads an EMPTY config, so anonymous);
    #: "broken" (unreadable or malformed: buildx silently uses the main config);
    #: "fifo" (buildx's open blocks, so the build hangs); "unknown" (too large to read here).
    state: str = "ok"
    error: str | None = None

    def __repr__(self) -> str:  # the parsed config holds credentials: never in a repr
        return f"ScopedConfig({self.relative!r}, state={self.state!r})"


class BuildxConfigs(NamedTuple):
    """What buildx's alternative-config walk finds below `base` ($BUILDX_CONFIG/config)."""

    base: str
    reason: str
    configs: tuple[ScopedConfig, ...] = ()
    #: Go's filepath.WalkDir stops at the first unreadable directory, and buildx keeps what it
    #: found before it: a config past this point is invisible to buildx too.
    walk_error: str | None = None
    #: The walk stopped at ecr-doctor's own limit (entries or depth).
    truncated: bool = False

    def for_host(self, host: str) -> tuple[ScopedConfig, ...]:
        return tuple(c for c in self.configs if c.host == host)


class Environment(NamedTuple):
    """Machine facts rules may consult. `known=False` means "could not look": rules stay silent."""

    known: bool
    platform: Platform
    now: datetime  # captured once, so every rule sees the same clock
    path_dirs: tuple[str, ...] = ()
    helpers: tuple[HelperBinary, ...] = ()
    docker_auth_config: DockerAuthConfigEnv | None = None
    aws: AwsSources = AwsSources()
    use_fips_endpoint: bool = False
    ecr_cache_disabled: bool = False
    ecr_ignore_creds_storage: bool = False
    home: str = ""
    #: AWS credential chain, SSO token cache, ECR helper cache and log (ecr_doctor.core.forensics);
    #: None when not read.
    forensics: Forensics | None = None
    #: (helper name, AWS profile) for each `ecr-login-*` helper on PATH that is an ecr-doctor
    #: profile wrapper (`ecr-doctor fix --profile`); read from the wrapper file itself.
    helper_profiles: tuple[tuple[str, str], ...] = ()
    #: The Docker CLI on PATH (or as stated by --docker-version); None: not looked at.
    docker: DockerClient | None = None
    #: buildx's per-registry / per-repository configs; None: not looked at.
    buildx: BuildxConfigs | None = None
    #: The `pass` password store docker-credential-pass uses ($PASSWORD_STORE_DIR, else
    #: ~/.password-store) and whether `pass init` ran there (its .gpg-id exists); None: not
    #: looked at (no config names the `pass` helper).
    pass_store: tuple[str, bool] | None = None

    @property
    def docker_version(self) -> tuple[int, int, int] | None:
        return self.docker.version_tuple if self.docker is not None else None

    def helper(self, name: str) -> HelperBinary | None:
        for binary in self.helpers:
            if binary.name == name:
                return binary
        return None


def unknown_environment(now: datetime | None = None) -> Environment:
    """An environment nobody looked at (browser build, pasted config)."""
    return Environment(known=False, platform="unknown", now=aware_utc(now))


def aware_utc(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None:
        return now.replace(tzinfo=UTC)
    return now.astimezone(UTC)
