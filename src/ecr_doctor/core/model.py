"""The currency between inputs, rules, the fixer and renderers: small frozen values.

Standard library only: this module runs unchanged in Pyodide.
"""

from __future__ import annotations

from enum import Enum, IntEnum
from typing import NamedTuple


class Severity(IntEnum):
    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r} (choose from {names})") from None


class Applicability(Enum):
    """As in ruff: a safe fix changes nothing but the defect; an unsafe one may change behaviour."""

    SAFE = "safe"
    UNSAFE = "unsafe"


class Location(NamedTuple):
    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


# --- Edits: what a fix means, in terms of Docker's config, not of bytes. -----------------
# The fixer turns each into a minimal text change, so everything else stays byte-for-byte.


class RemoveAuth(NamedTuple):
    """Delete every `auths` member with exactly this key."""

    key: str


class SetCredHelper(NamedTuple):
    """Make `credHelpers[host]` equal `helper` (added if absent, replaced if different)."""

    host: str
    helper: str


class RemoveCredHelper(NamedTuple):
    key: str


class RemoveTopLevel(NamedTuple):
    """Delete a top-level member by its exact (as written) key, e.g. a global `credsStore`."""

    key: str


class RenameTopLevel(NamedTuple):
    """Rename a top-level key Docker ignores (`credStore`) to the one it reads (`credsStore`).

    If the target already exists, object members are merged into it and the old key removed.
    """

    old: str
    new: str


class StripBom(NamedTuple):
    pass


class SetFileMode(NamedTuple):
    mode: int


Edit = (
    RemoveAuth | SetCredHelper | RemoveCredHelper | RemoveTopLevel | RenameTopLevel | StripBom
    | SetFileMode
)


class Fix(NamedTuple):
    description: str
    applicability: Applicability
    edits: tuple[Edit, ...]


class Finding(NamedTuple):
    rule_id: str
    severity: Severity
    message: str
    location: Location
    registry: str | None = None
    fix: Fix | None = None
    # Extra machine-readable facts (never secrets): account, region, expires_at, helper, ...
    details: tuple[tuple[str, str], ...] = ()

    def detail(self, name: str) -> str | None:
        for key, value in self.details:
            if key == name:
                return value
        return None
