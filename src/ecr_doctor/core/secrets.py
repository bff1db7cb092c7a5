"""A value that must never reach output: its str/repr/format show only a short fingerprint.

Standard library only (runs in Pyodide).
"""

from __future__ import annotations


class Secret:
    """A credential. Only `reveal()` gives the value back; everything else shows a fingerprint."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    @property
    def fingerprint(self) -> str:
        # 8 hex digits of SHA-256: enough to tell two tokens apart, useless to an attacker.
        import hashlib  # costs 4 ms at start-up; most runs never fingerprint anything

        digest = hashlib.sha256(self._value.encode("utf-8", "surrogatepass")).hexdigest()
        return "sha256:" + digest[:8]

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return f"Secret({self.fingerprint})"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return format(repr(self), spec)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __reduce__(self) -> str:
        # Pickling would write the value somewhere we do not control.
        raise TypeError("Secret values cannot be pickled")
