"""Which config a BuildKit build (docker buildx) uses for a registry: buildx's scoped configs.

docker/buildx (PR #3562, first released in v0.31.0) reads alternative configs at
`$BUILDX_CONFIG/config/<host>[/<repo>][@scope,...]/config.json`, `$BUILDX_CONFIG` defaulting
to `<docker config dir>/buildx`. util/dockerutil/dockerconfig/configprovider.go (buildx
461836ba, 2026-08-20):

- `init` walks the tree once (filepath.WalkDir: lexical order, symlinked directories are not
  entered, any entry named config.json that is not a directory counts, the first unreadable
  directory ends the walk) and `parseConfigKey` splits the path below the base at the first
  "@" (scopes, comma-separated) and the first "/" (host, then repository);
- `loadHost` considers the configs only when a token request carries exactly one scope entry
  (one repository), keeps those whose host equals the request's host exactly and whose repo
  and scopes match, prefers one with a repository, then the one with more scopes, and loads it
  with config.Load: a file that does not exist gives an EMPTY config (anonymous), any other
  load error silently leaves the main config in use;
- the chosen config answers through its own GetAuthConfig: its credHelpers, credsStore and
  auths, and DOCKER_AUTH_CONFIG (buildx v0.31 vendors docker/cli v29).

Standard library only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from ecr_doctor.core.resolution import Resolution, Source, resolve

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ecr_doctor.core.environment import BuildxConfigs, ScopedConfig

__all__ = ["ScopedUse", "applies_to", "parse_config_key", "scoped_uses"]


def parse_config_key(relative: str) -> tuple[str, str, tuple[str, ...]]:
    """(host, repo, scopes) of a directory below the base, as buildx's parseConfigKey."""
    main, _, scope_part = relative.partition("@")
    scopes = tuple(dict.fromkeys(s.strip() for s in scope_part.split(",") if s.strip()))
    host, _, repo = main.partition("/")
    return host, repo, scopes


def applies_to(config: ScopedConfig) -> str:
    """Which BuildKit requests for the host this config answers, in words."""
    actions = f" with {'+'.join(config.scopes)} access" if config.scopes else ""
    if config.repo:
        return f"repository {config.repo}{actions}"
    if config.scopes:
        return f"single-repository requests{actions}"
    return "every single-repository request"


class ScopedUse(NamedTuple):
    config: ScopedConfig
    applies_to: str
    #: The scoped config's own answer; None when buildx cannot load it (state broken or
    #: fifo), or when it was too large to read here.
    resolution: Resolution | None
    summary: str


def scoped_uses(buildx: BuildxConfigs | None, host: str, key: str,
                env_auth_keys: Iterable[str] = ()) -> tuple[ScopedUse, ...]:
    """Each scoped config buildx may use for `host` (looked up as `key`), most specific first
    (loadHost's sort: a repository before none, then more scopes first)."""
    if buildx is None:
        return ()
    keys = tuple(env_auth_keys)
    found = sorted(buildx.for_host(host), key=lambda c: (c.repo == "", c.repo, -len(c.scopes)))
    uses = []
    for config in found:
        where = f"{config.relative}/config.json"
        resolution: Resolution | None = None
        if config.state == "ok" and config.config is not None:
            resolution = resolve(config.config, key, keys)
            summary = f"{where}: {describe(resolution)}"
        elif config.state == "missing":
            resolution = Resolution(key, Source.NONE, "the file does not exist (a dangling "
                                    "link): config.Load returns an empty config, so anonymous")
            summary = f"{where}: missing, so buildx uses an empty config: anonymous"
        elif config.state == "fifo":
            summary = f"{where}: not a regular file; buildx blocks opening it and the build hangs"
        elif config.state == "broken":
            summary = (f"{where}: buildx cannot load it ({config.error}) and silently uses the "
                       "main config instead")
        else:
            summary = f"{where}: not read ({config.error}); what buildx does is unknown"
        uses.append(ScopedUse(config, applies_to(config), resolution, summary))
    return tuple(uses)


def describe(resolution: Resolution) -> str:
    value: str = resolution.source.value
    if resolution.source in (Source.CRED_HELPER, Source.CREDS_STORE):
        return f"{value} → {resolution.helper_binary}"
    if resolution.source is Source.NONE:
        return "anonymous"
    if resolution.auth_key:
        return f'{value} ["{resolution.auth_key}"] (inline credential)'
    return value
