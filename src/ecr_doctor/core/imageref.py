"""An image reference split the way Docker splits it: registry host, repository, tag, digest.

Standard library only (runs in Pyodide). Structure only, not the full grammar: a rule that
needs to know which registry an image comes from, and whether it names a tag or a digest,
must agree with the runtime that will pull it, and those are the parts that decide it.

Source: distribution/reference · normalize.go · splitDockerDomain (the first path component
is a registry host only if it holds a '.' or a ':', is `localhost`, or has an upper-case
letter; otherwise the image is on Docker Hub, and a one-component name gets `library/`) and
reference.go · Parse (`name[:tag][@digest]`, the tag after the last ':' past the last '/').
"""

from __future__ import annotations

from typing import NamedTuple

DOCKER_HUB_DOMAIN = "docker.io"
_LEGACY_HUB_DOMAIN = "index.docker.io"


class ImageRef(NamedTuple):
    raw: str
    domain: str            # registry host[:port]; "docker.io" when the name has none
    repository: str        # the path inside the registry ("library/nginx" for "nginx")
    tag: str | None
    digest: str | None
    explicit_domain: bool  # the name itself holds the host (not defaulted to Docker Hub)

    @property
    def pins_content(self) -> bool:
        """A digest names one image forever; a tag can be moved to another."""
        return self.digest is not None

    @property
    def implied_latest(self) -> bool:
        """Neither tag nor digest: Docker and the ECS agent pull `:latest`."""
        return self.tag is None and self.digest is None


def parse_image(raw: str) -> ImageRef:
    """Split `raw` as Docker would; never raises (a malformed name still has a host part)."""
    name = raw.strip()
    digest: str | None = None
    if "@" in name:
        name, digest = name.split("@", 1)
    slash = name.find("/")
    first = name[:slash] if slash != -1 else ""
    if slash == -1 or (not any(c in first for c in ".:") and first != "localhost"
                       and first.lower() == first):
        domain, remote, explicit = DOCKER_HUB_DOMAIN, name, False
    else:
        domain, remote, explicit = first, name[slash + 1:], True
    if domain == _LEGACY_HUB_DOMAIN:
        domain = DOCKER_HUB_DOMAIN
    tag: str | None = None
    colon = remote.rfind(":")
    if colon != -1 and "/" not in remote[colon:]:
        remote, tag = remote[:colon], remote[colon + 1:]
    if domain == DOCKER_HUB_DOMAIN and "/" not in remote:
        remote = "library/" + remote
    return ImageRef(raw, domain, remote, tag, digest, explicit)
