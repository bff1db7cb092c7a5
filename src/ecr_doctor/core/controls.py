"""The characters text from input must never carry to a reader's terminal. Standard library
only.

C0 controls (but tab, newline and carriage return), DEL, C1 controls (U+009B alone is a CSI),
bidi overrides and isolates (they reorder what a reader sees) and lone surrogates (they cannot
even be encoded). The output guard (render/guard) spells them `\\uXXXX`, carriage return
included; redaction (core/redaction) hides them behind placeholders, so a shared file is as
safe to `cat` as the terminal output is, and unredact still restores every byte.
"""

from __future__ import annotations

#: The body of a regex character class; a carriage return is left to each user to decide.
UNSAFE_CHARACTERS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
