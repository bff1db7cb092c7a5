"""What a paste shows of the Docker CLI's age, and the credential behaviour that age implies.

docker/cli changed how it finds credentials twice in ways an error message depends on:
- v28.3.0 reads `DOCKER_AUTH_CONFIG` ahead of every store (docker/cli#6008,
  cli/config/configfile/file.go · GetCredentialsStore); before it, that variable does nothing.
- v29.0.0 returns a missing helper's `error getting credentials - err: exec: …` from `docker
  pull` (v28.5.0 from `docker push`); before, cli/command/registry.go · ResolveAuthConfig
  dropped the error and the pull went anonymous: a bare "no basic auth credentials".

Without a version, the way a Go HTTP error prints the URL dates the binary: net/url · Error
quotes it (`Get "https://…"`) from Go 1.14 on, and Docker moved to Go ≥ 1.14 during 20.10,
so an unquoted `Get https://…` came from Docker 20.10 or older.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_GO_URL_QUOTED = re.compile(r"\b(?:Get|Head|Post|Put|Patch|Delete) \"https?://")
_GO_URL_BARE = re.compile(r"\b(?:Get|Head|Post|Put|Patch|Delete) https?://")


class Family(NamedTuple):
    id: str
    label: str


BEFORE_28_3 = Family("before-28.3", "before 28.3: no DOCKER_AUTH_CONFIG; a missing helper "
                                    "is ignored")
FROM_28_3 = Family("28.3", "28.3 to 28.x: DOCKER_AUTH_CONFIG read ahead of config.json")
FROM_29 = Family("29", "29 or later: a missing helper fails pull and push")
GO_BEFORE_1_14 = Family("go-before-1.14", "built with Go before 1.14: Docker 20.10 or older")


def go_quotes_urls(text: str) -> bool | None:
    """True when the paste's Go HTTP errors quote the URL (Go ≥ 1.14), False when they do
    not, None when it holds none."""
    if _GO_URL_QUOTED.search(text):
        return True
    if _GO_URL_BARE.search(text):
        return False
    return None


def version_tuple(version: str | None) -> tuple[int, ...] | None:
    if not version:
        return None
    parts = tuple(int(p) for p in version.split(".") if p.isdigit())
    return parts or None


def docker_cli_family(version: str | None, text: str) -> Family | None:
    """The Docker CLI behaviour family the paste shows, from its version or its Go."""
    parts = version_tuple(version)
    if parts is not None:
        if parts >= (29,):
            return FROM_29
        if parts >= (28, 3):
            return FROM_28_3
        return BEFORE_28_3
    if go_quotes_urls(text) is False:
        return GO_BEFORE_1_14
    return None


__all__ = ["BEFORE_28_3", "FROM_28_3", "FROM_29", "GO_BEFORE_1_14", "Family",
           "docker_cli_family", "go_quotes_urls", "version_tuple"]
