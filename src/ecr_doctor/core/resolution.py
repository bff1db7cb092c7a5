"""Which credential source Docker will really use for a registry, and why.

Mirrors docker/cli `cli/config/configfile/file.go` `GetAuthConfig` → `GetCredentialsStore`
and `cli/config/credentials/{native_store,file_store}.go`. Standard library only.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, NamedTuple

from ecr_doctor.core.dockerconfig import AuthEntry, DockerConfig
from ecr_doctor.core.registries import DOCKER_HUB_KEY, convert_to_hostname

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Literal
    #: Which client's rules to apply: the Docker CLI, or containers/image (skopeo, podman, buildah).
    Client = Literal["docker", "skopeo"]


class Source(Enum):
    ENV = "DOCKER_AUTH_CONFIG"
    CRED_HELPER = "credHelpers"
    CREDS_STORE = "credsStore"
    AUTHS = "auths"
    AUTHS_LEGACY = "auths-legacy-key"
    NONE = "anonymous"


class Resolution(NamedTuple):
    lookup_key: str              # what Docker looks up (host[:port], or the Docker Hub URL)
    source: Source
    reason: str
    helper: str | None = None    # credential helper suffix Docker will exec
    auth_key: str | None = None  # the `auths` key whose entry is used (file store)
    # `auths` keys for this host holding credentials that Docker will never send.
    shadowed_auths: tuple[str, ...] = ()
    # Several legacy keys normalise to this host: Go map order picks one at random.
    ambiguous_auths: tuple[str, ...] = ()
    # With a helper: the `auths` keys (several: Go picks one at random) whose inline credential
    # is sent anyway when the helper fails with an error other than "not found" (binary
    # missing, crash, bad output).
    # nativeStore.Get returns the file-store entry together with the error, and the paths
    # that ignore the error (pull and push on CLI <= 28, manifest inspect, legacy build) use it.
    # docker/cli cli/config/credentials/native_store.go nativeStore.Get
    helper_error_fallback: tuple[str, ...] = ()

    @property
    def helper_binary(self) -> str | None:
        return f"docker-credential-{self.helper}" if self.helper else None


class AuthsByHost:
    """A config's `auths`, indexed once: by exact key, and by the host each key converts to.

    Looking every registry up by scanning all entries made resolving a config with many
    `auths` quadratic (100,000 entries: minutes).
    """

    def __init__(self, config: DockerConfig) -> None:
        self.exact: dict[str, AuthEntry] = {}
        self.by_host: dict[str, list[AuthEntry]] = {}
        for entry in config.auths:
            self.exact[entry.key] = entry  # the last of duplicates, as the scan kept it
            self.by_host.setdefault(convert_to_hostname(entry.key), []).append(entry)

    def lookup(self, key: str) -> tuple[AuthEntry | None, list[AuthEntry]]:
        """The exact entry for `key`, and the legacy ones (a scheme or path) naming its host."""
        legacy = [e for e in self.by_host.get(key, ()) if e.key != key]
        return self.exact.get(key), legacy


def resolve(
    config: DockerConfig,
    key: str,
    env_auth_keys: Iterable[str] = (),
    *,
    client: Client = "docker",
    repository: str | None = None,
    auths: AuthsByHost | None = None,
) -> Resolution:
    """Resolve the source for a lookup key exactly as docker/cli does (or skopeo, see below).

    `key` is the lookup key (see `registries.lookup_key`); `env_auth_keys` are the `auths`
    keys present in `$DOCKER_AUTH_CONFIG` (CLI >= 28.3: a memory store consulted first for
    exact keys, falling back to the normal store; cli/config/memorystore).

    `client="skopeo"` models containers/image instead (skopeo, podman, buildah reading
    ~/.docker/config.json); `repository` is the image path below the host ("team/app"),
    which only that client uses.
    """
    if client == "skopeo":
        return _resolve_containers_image(config, key, repository)
    exact, legacy = (auths or AuthsByHost(config)).lookup(key)
    holding = [e for e in ([exact] if exact else []) + legacy if e.has_credential]
    # What the file store would answer (exact key, else any legacy key): the helper-error
    # fallback, when it holds a credential.
    candidates = [exact] if exact is not None else legacy
    fallback = tuple(e.key for e in candidates) if any(e.has_credential for e in candidates) else ()

    if key in set(env_auth_keys):
        return Resolution(
            key,
            Source.ENV,
            "DOCKER_AUTH_CONFIG holds this exact key and takes precedence over helpers and "
            "the file (docker/cli configfile.GetCredentialsStore)",
            shadowed_auths=tuple(e.key for e in holding),
        )

    helpers = {h.key: h.helper for h in config.cred_helpers}
    if key in helpers:
        helper = helpers[key]
        if helper:
            return Resolution(
                key,
                Source.CRED_HELPER,
                f'credHelpers["{key}"] names helper docker-credential-{helper}; an exact-key '
                "helper is used before credsStore and auths, and its answer replaces any "
                "inline auths credential (docker/cli native_store.go Get)",
                helper=helper,
                shadowed_auths=tuple(e.key for e in holding),
                helper_error_fallback=fallback,
            )
        # An empty value opts the host out of credsStore: the file store is used.
        opted_out = "credHelpers maps this host to \"\", which opts it out of credsStore; "
        return _file_store(key, exact, legacy, opted_out)

    if config.creds_store is not None and config.creds_store.value:
        store = config.creds_store.value
        return Resolution(
            key,
            Source.CREDS_STORE,
            f"no exact credHelpers key; credsStore sends every such registry to "
            f"docker-credential-{store}, and inline auths credentials are ignored",
            helper=store,
            shadowed_auths=tuple(e.key for e in holding),
            helper_error_fallback=fallback,
        )
    return _file_store(key, exact, legacy, "no credential helper applies; ")


def _file_store(
    key: str, exact: AuthEntry | None, legacy: list[AuthEntry], prefix: str
) -> Resolution:
    # docker/cli file_store.go fileStore.Get: exact key, else any key whose
    # ConvertToHostname equals the lookup key (map iteration: first one found wins).
    if exact is not None:
        what = "an inline credential" if exact.has_credential else "an empty entry (anonymous)"
        source = Source.AUTHS if exact.has_credential else Source.NONE
        return Resolution(key, source, f'{prefix}auths["{exact.key}"] is used: {what}',
                          auth_key=exact.key)
    if legacy:
        # Go map order decides between several legacy keys: any one of them may be sent.
        holding = [e for e in legacy if e.has_credential]
        chosen = holding[0] if holding else legacy[0]
        ambiguous = tuple(e.key for e in legacy) if len(legacy) > 1 else ()
        what = "an inline credential" if chosen.has_credential else "an empty entry (anonymous)"
        note = (" (several legacy keys match and Docker picks one at random: "
                f"{', '.join(ambiguous)})" if ambiguous else "")
        return Resolution(
            key,
            Source.AUTHS_LEGACY if chosen.has_credential else Source.NONE,
            f'{prefix}no exact auths key; legacy key "{chosen.key}" normalises to this host '
            f"and is used: {what}{note}",
            auth_key=chosen.key,
            ambiguous_auths=ambiguous,
        )
    return Resolution(key, Source.NONE, f"{prefix}nothing in auths: requests go out anonymous")


# --- containers/image (skopeo, podman, buildah) ---------------------------------------------------
# containers/image · pkg/docker/config/config.go · getCredentialsWithHomeDir,
# findCredentialsInFile, authKeysForKey, normalizeAuthFileKey, decodeDockerAuth (v5.23, as in
# skopeo 1.9). Differences from the Docker CLI, each checked against the real skopeo by
# tests/test_docker_cli.py:
# - `credsStore` is not read at all (dockerConfigFile has only `auths` and `credHelpers`), and
#   neither is DOCKER_AUTH_CONFIG;
# - an exact `credHelpers[host]` wins and its answer is final for that file: "not found" means
#   anonymous, and an error (helper missing, even the "" value Docker reads as an opt-out) fails
#   the whole command instead of falling back to `auths`;
# - `auths` keys may name a repository or namespace (`host/team/app`, most specific first);
# - only the `auth` field is read: `username`/`password` fields are ignored, and an entry that
#   decodes to no user or no password counts as nothing;
# - other keys match after stripping `http(s)://` and, only then, the path.


def _containers_image_key(key: str) -> str:
    stripped = key.removeprefix("http://").removeprefix("https://")
    if stripped != key:
        stripped = stripped.split("/", 1)[0]
    # normalizeRegistry: Docker Hub's aliases.
    return "index.docker.io" if stripped in ("registry-1.docker.io", "docker.io") else stripped


def _resolve_containers_image(
    config: DockerConfig, key: str, repository: str | None
) -> Resolution:
    if key == DOCKER_HUB_KEY:
        # containers/image looks Docker Hub up under the image's registry, "docker.io"
        # (getCredentialsWithHomeDir), not Docker's https://index.docker.io/v1/: both
        # `credHelpers["docker.io"]` and `auths["docker.io"]` are exact matches there.
        key = "docker.io"
    helpers = {h.key: h.helper for h in config.cred_helpers}
    if key in helpers:
        helper = helpers[key]
        what = (f"skopeo runs docker-credential-{helper}; 'not found' means anonymous and an "
                "error fails the command (auths is not consulted)") if helper else (
                "skopeo runs `docker-credential-` (an empty name), which fails the command")
        return Resolution(key, Source.CRED_HELPER, f'credHelpers["{key}"]: {what}',
                          helper=helper)
    by_key = {e.key: e for e in config.auths}
    # authKeysForKey: the repository path, each parent namespace, then the host.
    candidates = []
    if repository:
        name = f"{key}/{repository.strip('/')}"
        while "/" in name:
            candidates.append(name)
            name = name.rsplit("/", 1)[0]
    candidates.append(key)
    for candidate in candidates:
        if candidate in by_key:
            entry = by_key[candidate]
            return _containers_image_entry(key, entry, f'auths["{candidate}"] (exact key)', ())
    wanted = _containers_image_key(key)
    legacy = [e for e in config.auths if _containers_image_key(e.key) == wanted]
    if legacy:
        # Go map order: any one of them may be used.
        ambiguous = tuple(e.key for e in legacy) if len(legacy) > 1 else ()
        holding = [e for e in legacy if _containers_image_usable(e)]
        chosen = holding[0] if holding else legacy[0]
        return _containers_image_entry(key, chosen, f'auths["{chosen.key}"] (normalised key)',
                                       ambiguous, legacy=True)
    namespaced = [e.key for e in config.auths if e.key.startswith(f"{key}/")
                  and not e.key.startswith(("http://", "https://"))]
    scoped = (f"; namespaced keys serve only their own repositories: {', '.join(namespaced[:5])}"
              if namespaced else "")
    return Resolution(key, Source.NONE, "skopeo finds nothing in credHelpers or auths for this "
                      f"host (credsStore is ignored): anonymous{scoped}")


def _containers_image_usable(entry: AuthEntry) -> bool:
    # decodeDockerAuth: user and password from `auth` only; both must be non-empty.
    return bool(entry.auth and entry.decoded_username and entry.decoded_password)


def _containers_image_entry(
    key: str, entry: AuthEntry, where: str, ambiguous: tuple[str, ...], *, legacy: bool = False
) -> Resolution:
    if _containers_image_usable(entry):
        source = Source.AUTHS_LEGACY if legacy else Source.AUTHS
        return Resolution(key, source, f"{where} holds an `auth` credential", auth_key=entry.key,
                          ambiguous_auths=ambiguous)
    return Resolution(key, Source.NONE, f"{where} has no usable `auth` (skopeo ignores "
                      "username/password fields): anonymous", auth_key=entry.key,
                      ambiguous_auths=ambiguous)
