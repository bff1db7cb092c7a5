"""The config parser: dockerconfig.parse_config on raw bytes (strict and lenient) and
jsonspan.parse on the decoded text.

Allowed: ConfigError from parse_config, JsonSyntaxError from parse. Properties:
* strict and lenient agree: whatever parses strictly parses leniently with the same entries
  and no type errors; what fails leniently fails strictly too;
* a ConfigError's position lies inside the text;
* jsonspan.parse agrees with json.loads: a document it accepts, json.loads accepts with the
  same value (lone surrogates become U+FFFD, as Go does); every node span lies in the text;
* allow_trailing only ever accepts more, and the value it returns is the same.
"""

from __future__ import annotations

import contextlib
import json
import re

from _common import instrumented, main

with instrumented():
    from ecr_doctor.core.dockerconfig import ConfigError, parse_config
    from ecr_doctor.core.jsonspan import JsonSyntaxError, Node, parse, to_python

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_constants(name: str) -> object:
    raise ValueError(f"JSON has no {name}")


def _normalise(value: object) -> object:
    """json.loads' value as jsonspan gives it: lone surrogates replaced, last duplicate wins."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if isinstance(value, dict):
        out: dict[str, object] = {}
        for k, v in value.items():
            key = _LONE_SURROGATE.sub("\ufffd", k)
            out.pop(key, None)  # two keys that differ only in surrogates: the later one
            out[key] = _normalise(v)
        return out
    return value


def _check_spans(root: Node, text: str) -> None:
    todo = [root]
    while todo:
        node = todo.pop()
        assert 0 <= node.start < node.end <= len(text), node
        if node.kind == "string":
            assert text[node.start] == '"' and text[node.end - 1] == '"', node
        elif node.kind == "object":
            assert text[node.start] == "{" and text[node.end - 1] == "}", node
            for m in node.members:
                assert node.start < m.key_start < m.key_end <= m.value.start, m
                assert text[m.key_start] == '"' and text[m.key_end - 1] == '"'
                todo.append(m.value)
        elif node.kind == "array":
            assert text[node.start] == "[" and text[node.end - 1] == "]", node
            todo.extend(node.items)


def _config(data: bytes) -> None:
    try:
        strict = parse_config(data, "config.json")
    except ConfigError as exc:
        strict = None
        if exc.line is not None:
            assert exc.line >= 1 and exc.col is not None and exc.col >= 1, exc
    try:
        lenient = parse_config(data, "config.json", strict=False)
    except ConfigError:
        assert strict is None, "lenient parsing refused what strict parsing accepted"
        return
    if strict is not None:
        assert lenient.type_errors == ()
        assert [a.key for a in lenient.auths] == [a.key for a in strict.auths]
        assert lenient.cred_helpers == strict.cred_helpers
        assert lenient.creds_store == strict.creds_store


def _json(text: str) -> None:
    try:
        loose = parse(text, allow_trailing=True)
    except JsonSyntaxError as exc:
        assert 0 <= exc.offset <= len(text) and exc.line >= 1 and exc.col >= 1
        try:
            parse(text)
        except JsonSyntaxError:
            return
        raise AssertionError("allow_trailing refused what the strict parse accepted") from None
    _check_spans(loose, text)
    try:
        exact = parse(text)
    except JsonSyntaxError:
        assert text[loose.end:].strip(" \t\r\n"), "refused trailing whitespace"
        return
    assert exact == loose
    try:
        expected = json.loads(text, parse_constant=_no_constants)
    except RecursionError:
        return  # json.loads recurses; jsonspan is iterative up to MAX_DEPTH
    except ValueError as exc:
        if "integer string conversion" in str(exc):
            return  # an integer past Python's 4300-digit limit: json.loads refuses it
        raise AssertionError(f"jsonspan accepted what json.loads refuses: {exc}") from None
    assert to_python(exact) == _normalise(expected)


def test_one_input(data: bytes) -> None:
    _config(data)
    text = data.decode("utf-8", "surrogateescape")
    _json(text)
    if text.startswith("\ufeff"):
        text = text[1:]
    with contextlib.suppress(ConfigError):
        parse_config(text, "config.json", strict=False)


if __name__ == "__main__":
    main(test_one_input)
