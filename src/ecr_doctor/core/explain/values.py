"""What an explanation is made of: causes, recognised messages, the runtime, the explanation."""

from __future__ import annotations

from typing import NamedTuple

from ecr_doctor.core.causes import Cause
from ecr_doctor.core.explain.runtimes import Runtime

__all__ = ["Cause", "Explanation", "Signature"]


class Signature(NamedTuple):
    id: str
    label: str
    excerpt: str
    #: 1-based line of the paste the message was found on; 0 when it was found only with the
    #: paste's hard-wrapped lines joined.
    line: int = 0


class Explanation(NamedTuple):
    signatures: tuple[Signature, ...]
    causes: tuple[Cause, ...]
    runtime: Runtime | None = None

    def runtime_line(self) -> str:
        """The first line of every explanation: who printed the error, from what evidence."""
        if self.runtime is None:
            return ("Runtime: not named in the text (ranked as the Docker CLI would meet it; "
                    "paste more of the log to narrow it down)")
        return f"Runtime: {self.runtime.describe()} (from {self.runtime.evidence})"

    def is_empty(self) -> bool:
        return not self.signatures and not self.causes
