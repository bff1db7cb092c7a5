"""What each Docker CLI release does with the credential sources, per client operation.

The resolution (ecr_doctor.core.resolution) says which source a lookup picks. Which commands
*use* that answer when a helper fails, and whether DOCKER_AUTH_CONFIG is read at all, depends
on the CLI release. Every boundary below was read in docker/cli at the named tags (mirror
28f75608); the 28.2.2 rows are also checked against the real client by
tests/test_docker_clients.py. Standard library only.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from ecr_doctor.core.resolution import Resolution, Source

if TYPE_CHECKING:
    Version = tuple[int, int, int]

__all__ = [
    "DOCKER_AUTH_CONFIG_SINCE",
    "HOST_NORMALISED_SINCE",
    "NO_LOGIN_PROMPT_SINCE",
    "PULL_FAILS_ON_HELPER_ERROR_SINCE",
    "PUSH_FAILS_ON_HELPER_ERROR_SINCE",
    "OperationUse",
    "format_version",
    "helper_failure_uses",
    "parse_docker_version",
    "reads_docker_auth_config",
]

#: PR docker/cli#6008 (9b83d5bbf9): configfile.GetCredentialsStore wraps the store in a
#: memorystore built from $DOCKER_AUTH_CONFIG. v28.2.x has no such code.
DOCKER_AUTH_CONFIG_SINCE: Version = (28, 3, 0)
#: 5edc6748f4 "remove interactive login prompt from docker push/pull" (in v28.4.0; the same
#: change is 2b56b66b10 on master): before it, a 403 on a TTY asked "Login prior to push:".
NO_LOGIN_PROMPT_SINCE: Version = (28, 4, 0)
#: cli/command/image/push.go runPush: command.ResolveAuthConfig (error dropped) up to v28.4.x,
#: command.RetrieveAuthTokenFromImage (error returned) from v28.5.0.
PUSH_FAILS_ON_HELPER_ERROR_SINCE: Version = (28, 5, 0)
#: cli/command/image/pull.go runPull: trust.GetImageReferencesAndAuth with the authResolver
#: (ResolveAuthConfig, error dropped) up to v28.5.x; RetrieveAuthTokenFromImage from v29.0.0.
PULL_FAILS_ON_HELPER_ERROR_SINCE: Version = (29, 0, 0)
#: 55fcffe743: GetAuthConfig / GetCredentialsStore normalise docker.io and index.docker.io to
#: the Hub key themselves. ECR host names are looked up unchanged in every release.
HOST_NORMALISED_SINCE: Version = (29, 5, 0)


def parse_docker_version(text: str) -> tuple[str, Version] | None:
    """"28.2.2", "v29.1.0-rc.1", "Docker version 28.2.2, build e6534b4" → ("28.2.2", (28, 2, 2)).

    None for anything else: a version is what decides behaviour here, so garbage is unknown.
    """
    match = re.search(r"(?<![\w.])v?(\d{1,4})\.(\d{1,4})\.(\d{1,4})([-+~][0-9A-Za-z.+~-]{0,40})?"
                      r"(?![\w.])", text.strip()[:200])
    if match is None:
        return None
    numbers = (int(match.group(1)), int(match.group(2)), int(match.group(3)))
    return match.group(0).removeprefix("v"), numbers


def format_version(version: Version) -> str:
    return ".".join(map(str, version))


def reads_docker_auth_config(version: Version | None) -> bool | None:
    """True / False for a known CLI; None when the version is unknown."""
    if version is None:
        return None
    return version >= DOCKER_AUTH_CONFIG_SINCE


class OperationUse(NamedTuple):
    operation: str  # "pull", "push", "build (classic)", "buildx / BuildKit"
    uses: str       # what that operation sends to the registry, or how it fails
    #: "inline" (a stale auths entry is sent), "anonymous", "fails" (the helper's error shows)
    outcome: str


def _since(version: Version | None, boundary: Version) -> bool | None:
    return None if version is None else version >= boundary


def helper_failure_uses(resolution: Resolution,
                        version: Version | None) -> tuple[OperationUse, ...]:
    """Per operation, what happens when the helper this host resolves to fails outright (the
    binary is missing or not executable, or it crashes) rather than answering "not found".

    nativeStore.Get (cli/config/credentials/native_store.go) returns the file-store entry
    together with the helper's error; callers that drop the error send that entry.
    """
    if resolution.source not in (Source.CRED_HELPER, Source.CREDS_STORE) or not resolution.helper:
        return ()
    keys = resolution.helper_error_fallback
    inline = (f'the inline auths["{keys[0]}"] credential (stale)' if len(keys) == 1 else
              f"one of the inline auths credentials {', '.join(keys)} (stale)") if keys else ""
    dropped_uses = inline or "nothing: the request goes out anonymous"
    dropped_outcome = "inline" if inline else "anonymous"
    binary = f"docker-credential-{resolution.helper}"
    fails = f"fails with the helper's error (exec: \"{binary}\" …)"

    def by_version(boundary: Version, dropped_where: str, fails_where: str) -> tuple[str, str]:
        newer = _since(version, boundary)
        cut = format_version(boundary)
        if newer is True:
            return f"{fails} ({fails_where})", "fails"
        if newer is False:
            return f"sends {dropped_uses}: the helper's error is ignored ({dropped_where})", (
                dropped_outcome)
        return (f"CLI < {cut} sends {dropped_uses} ({dropped_where}); CLI ≥ {cut} {fails}",
                "depends on the CLI version")

    uses = [
        OperationUse("pull", *by_version(PULL_FAILS_ON_HELPER_ERROR_SINCE,
                                         "cli/command/image/pull.go via ResolveAuthConfig",
                                         "RetrieveAuthTokenFromImage")),
        OperationUse("push", *by_version(PUSH_FAILS_ON_HELPER_ERROR_SINCE,
                                         "cli/command/image/push.go via ResolveAuthConfig",
                                         "RetrieveAuthTokenFromImage")),
    ]
    if resolution.source is Source.CRED_HELPER:
        # GetAllCredentials starts from the default store's GetAll (all of `auths` when there is
        # no credsStore), then overrides each credHelpers host; a failing helper is logged
        # ("Failed to get credentials for registry") and its file entry stays.
        build = (f"sends {inline}: GetAllCredentials logs the helper's error and keeps the file "
                 "entry" if inline else "sends nothing for this host (no inline entry to keep)")
        build_outcome = "inline" if inline else "anonymous"
    else:
        # With a credsStore, GetAll lists the store first; its error makes GetAllCredentials
        # return nothing at all, which build.go drops: no registry gets credentials.
        build = ("sends no credentials for any registry: the credsStore's list fails and "
                 "GetAllCredentials returns nothing (build.go ignores the error)")
        build_outcome = "anonymous"
    uses.append(OperationUse("build (classic, DOCKER_BUILDKIT=0)",
                             build + " (cli/command/image/build.go)", build_outcome))
    # buildx's authConfigProvider.loadHost returns GetAuthConfig's error to BuildKit's session
    # (docker/buildx util/dockerutil/dockerconfig/configprovider.go); the image fetch fails.
    uses.append(OperationUse("buildx / BuildKit", f"{fails} (buildx configprovider.loadHost)",
                             "fails"))
    return tuple(uses)


def docker_auth_config_note(version: Version | None) -> str:
    """How a CLI release treats DOCKER_AUTH_CONFIG, for messages."""
    reads = reads_docker_auth_config(version)
    cut = format_version(DOCKER_AUTH_CONFIG_SINCE)
    if reads is None:
        return (f"Docker CLI ≥ {cut} reads it before credHelpers, credsStore and auths; an "
                f"older CLI ignores it (the CLI version is unknown: --docker-version states it)")
    shown = format_version(version) if version else "?"
    if reads:
        return f"Docker CLI {shown} reads it before credHelpers, credsStore and auths"
    return f"Docker CLI {shown} ignores it (read only from {cut}, docker/cli#6008)"
