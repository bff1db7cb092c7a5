"""One run's choices and the facts about the file it reads, passed whole (as black's `Mode`)
to `diagnose_config`, `fix_text` and every rule's `Context`. Standard library only."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from ecr_doctor.core.dockerconfig import ConfigLocation

if TYPE_CHECKING:
    from typing import Literal

    #: Whose file this is: the Docker CLI's, or containers/image's (podman, skopeo, buildah).
    FileClient = Literal["docker", "podman"]


class Options(NamedTuple):
    #: --registry values: ECR registries to set up even if the config does not mention them.
    registries: tuple[str, ...] = ()
    #: Apply fixes that change behaviour beyond the defect (ruff's --unsafe-fixes).
    unsafe_fixes: bool = False
    #: Where the config came from and why (None: pasted text, as in the page).
    location: ConfigLocation | None = None
    file_mode: int | None = None
    file_exists: bool = True
    #: Which client reads the file: its rules decide what is valid there.
    client: FileClient = "docker"
    #: Why that client (a location podman reads, or --client), for the header.
    client_reason: str = ""


#: The defaults: nothing asked beyond the config itself (pasted text, as in the page).
DEFAULT_OPTIONS = Options()
