"""One run's choices and the facts about the file it reads, passed whole (as black's `Mode`)
to `diagnose_config`, `fix_text` and every rule's `Context`. Standard library only."""

from __future__ import annotations

from typing import NamedTuple

from ecr_doctor.core.dockerconfig import ConfigLocation


class Options(NamedTuple):
    #: --registry values: ECR registries to set up even if the config does not mention them.
    registries: tuple[str, ...] = ()
    #: Apply fixes that change behaviour beyond the defect (ruff's --unsafe-fixes).
    unsafe_fixes: bool = False
    #: Where the config came from and why (None: pasted text, as in the page).
    location: ConfigLocation | None = None
    file_mode: int | None = None
    file_exists: bool = True


#: The defaults: nothing asked beyond the config itself (pasted text, as in the page).
DEFAULT_OPTIONS = Options()
