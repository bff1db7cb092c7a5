"""Redaction: redact then unredact with its map gives the original back, byte for byte.

Input: selector byte (the `kind`: auto, config, json, text), then the text (UTF-8; invalid
bytes become lone surrogates, which an API caller can hand over too). Allowed: RedactionError
(documented: invalid JSON for kind config/json, or no round-tripping placeholders found).
Properties: unredact(redact(t).text, map) == t, also through the map file (dump_map then
load_map); no placeholder occurs in the input; every placeholder is non-empty and distinct.
"""

from __future__ import annotations

from _common import instrumented, main, selector

with instrumented():
    from ecr_doctor.core.redaction import (
        RedactionError,
        dump_map,
        load_map,
        redact,
        unredact,
    )

KINDS = ("auto", "config", "json", "text")


def test_one_input(data: bytes) -> None:
    choice, raw = selector(data, len(KINDS))
    text = raw.decode("utf-8", "surrogateescape")
    try:
        result = redact(text, kind=KINDS[choice])  # type: ignore[arg-type]
    except RedactionError:
        return
    placeholders = [p for p, _ in result.mapping]
    assert all(placeholders), "empty placeholder"
    assert len(set(placeholders)) == len(placeholders), "a placeholder maps to two originals"
    for placeholder in placeholders:
        assert placeholder not in text, "a placeholder occurs in the input"
    assert unredact(result.text, result.mapping) == text, "redact/unredact does not round-trip"
    loaded = load_map(dump_map(result.mapping))
    assert loaded == result.mapping, "the map file does not round-trip"
    assert unredact(result.text, loaded) == text


if __name__ == "__main__":
    main(test_one_input)
