"""Every cause, in the order ties are broken, with an index by id."""

from __future__ import annotations

from ecr_doctor.core.causes import Cause
from ecr_doctor.core.causes.docker import DOCKER_CAUSES
from ecr_doctor.core.causes.runtimes import RUNTIME_CAUSES

CATALOGUE: tuple[Cause, ...] = DOCKER_CAUSES + RUNTIME_CAUSES
BY_ID: dict[str, Cause] = {c.id: c for c in CATALOGUE}
ORDER: dict[str, int] = {c.id: i for i, c in enumerate(CATALOGUE)}
