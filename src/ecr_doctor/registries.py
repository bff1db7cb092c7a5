"""Registry host classification, exactly as Docker and the ECR credential helper see hosts.

Standard library only (runs in Pyodide).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

# Docker Hub's credential key: docker/cli cli/config/configfile/file.go getAuthConfigKey.
DOCKER_HUB_KEY = "https://index.docker.io/v1/"


class RegistryKind(enum.Enum):
    ECR_PRIVATE = "ecr"
    ECR_PUBLIC = "ecr-public"
    DOCKER_HUB = "docker-hub"
    GHCR = "ghcr"
    GCR = "gcr"
    ARTIFACT_REGISTRY = "artifact-registry"
    ACR = "acr"
    OTHER = "other"


@dataclass(frozen=True)
class Registry:
    key: str                 # the key as written (auths / credHelpers key, or --registry value)
    host: str                # credentials.ConvertToHostname(key): host[:port], scheme and path dropped
    kind: RegistryKind
    account: str | None = None     # 12-digit AWS account (ECR private)
    region: str | None = None
    partition: str | None = None   # aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-eusc
    fips: bool = False
    dual_stack: bool = False
    # Oldest amazon-ecr-credential-helper release whose hostname pattern accepts this host.
    min_helper_version: tuple[int, int, int] | None = None

    @property
    def is_ecr(self) -> bool:
        return self.kind in (RegistryKind.ECR_PRIVATE, RegistryKind.ECR_PUBLIC)

    @property
    def key_is_bare(self) -> bool:
        """True when Docker would use the key itself as a credHelpers / lookup key."""
        raise NotImplementedError


def convert_to_hostname(key: str) -> str:
    """docker/cli cli/config/credentials/file_store.go ConvertToHostname."""
    raise NotImplementedError


def classify(key: str) -> Registry:
    raise NotImplementedError


def lookup_key(host: str) -> str:
    """The key Docker looks up credentials under for an image's registry host."""
    raise NotImplementedError


def ecr_helper_accepts(host: str, version: tuple[int, int, int]) -> bool:
    raise NotImplementedError
