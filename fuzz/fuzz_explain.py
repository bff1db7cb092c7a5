"""explain_error on arbitrary pasted text (and redact_text, which its excerpts go through).

Input: the paste (UTF-8, invalid bytes replaced, as a terminal paste arrives). Nothing may be
raised. Properties: every signature and cause comes from the catalogues; excerpts stay within
the length limit; and a live ECR token spliced into the paste at a position the input picks
never shows up in any excerpt, label or cause (no 24-character piece of it).
"""

from __future__ import annotations

from datetime import timedelta

from _common import NOW, instrumented, main

with instrumented():
    from ecr_doctor.core.explain import (
        ELLIPSIS,
        EXCERPT_LIMIT,
        causes_catalogue,
        explain_error,
        redact_text,
        signature_ids,
    )
    from ecr_doctor.core.tokens import make_ecr_auth

SIGNATURES = frozenset(signature_ids())
CAUSES = frozenset(c.id for c in causes_catalogue())
TOKEN = make_ecr_auth(NOW + timedelta(hours=5), seed=11)
PIECES = [TOKEN[i:i + 24] for i in range(0, len(TOKEN) - 24, 12)]


def _check(text: str) -> str:
    explanation = explain_error(text)
    shown: list[str] = []
    for sig in explanation.signatures:
        assert sig.id in SIGNATURES, sig.id
        assert len(sig.excerpt) <= EXCERPT_LIMIT + 2 * len(ELLIPSIS), len(sig.excerpt)
        shown += [sig.label, sig.excerpt]
    for cause in explanation.causes:
        assert cause.id in CAUSES, cause.id
        shown += [str(field) for field in cause]
    return "\n".join(shown)


def test_one_input(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    _check(text)
    redact_text(text)
    # Splice the token in where the last two bytes say (tokens sit anywhere in a real paste).
    at = int.from_bytes(data[-2:], "little") % (len(text) + 1) if data else 0
    planted = text[:at] + TOKEN + text[at:]
    blob = _check(planted) + "\n" + redact_text(planted)
    for piece in PIECES:
        assert piece not in blob, "a piece of the planted token survived"


if __name__ == "__main__":
    main(test_one_input)
