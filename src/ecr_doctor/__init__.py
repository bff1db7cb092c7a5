"""ecr-doctor: diagnose, explain and fix Docker credential configuration for Amazon ECR.

The public API is imported lazily so that `ecr-doctor` starts as fast as a bare interpreter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any


__version__ = "0.1.0"

__all__ = ["__version__", "diagnose_text", "explain_error", "fix_text"]


def __getattr__(name: str) -> Any:
    if name in ("diagnose_text", "fix_text"):
        from ecr_doctor.core import engine

        return getattr(engine, name)
    if name == "explain_error":
        from ecr_doctor.core.explain import explain_error

        return explain_error
    raise AttributeError(name)
