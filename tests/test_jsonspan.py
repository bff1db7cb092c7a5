from __future__ import annotations

import json
import string
import time

import pytest
from conftest import PROPERTY_EXAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecr_doctor.core.jsonspan import (
    JsonSyntaxError,
    Member,
    Node,
    detect_indent,
    insert_member,
    line_col,
    parse,
    remove_member,
    replace_key,
    replace_value,
    to_python,
)

DOCKER_STYLE = (
    '{\n\t"auths": {\n\t\t"a.example": {\n\t\t\t"auth": "dTpw"\n\t\t},\n\t\t"b.example": {}\n'
    '\t},\n\t"credsStore": "desktop",\n\t"credHelpers": {}\n}'
)


def error_of(text: str) -> JsonSyntaxError:
    with pytest.raises(JsonSyntaxError) as info:
        parse(text)
    return info.value


# --- parsing ------------------------------------------------------------------------------


def test_positions_of_nodes_and_members() -> None:
    root = parse(DOCKER_STYLE)
    assert root.kind == "object"
    assert (root.start, root.end) == (0, len(DOCKER_STYLE))
    auths = root.members[0]
    assert auths.key == "auths"
    assert DOCKER_STYLE[auths.key_start : auths.key_end] == '"auths"'
    entry = auths.value.members[0].value.members[0]
    assert DOCKER_STYLE[entry.value.start : entry.value.end] == '"dTpw"'
    assert entry.value.value == "dTpw"
    assert line_col(DOCKER_STYLE, entry.key_start) == (4, 4)


def test_scalars() -> None:
    node = parse('[1, -2.5e3, "x\\u00e9", true, false, null, 0, 1E2]')
    assert [i.kind for i in node.items] == [
        "number",
        "number",
        "string",
        "bool",
        "bool",
        "null",
        "number",
        "number",
    ]
    assert to_python(node) == [1, -2500.0, "xé", True, False, None, 0, 100.0]
    assert isinstance(node.items[0].value, int)


def test_duplicate_keys_all_kept_in_order() -> None:
    node = parse('{"a": 1, "A": 2, "a": 3}')
    assert [(m.key, m.value.value) for m in node.members] == [("a", 1), ("A", 2), ("a", 3)]
    assert to_python(node) == {"a": 3, "A": 2}


def test_line_col_counts_characters_not_bytes() -> None:
    text = '{"é€": 1,\n  "k": x}'
    err = error_of(text)
    assert (err.line, err.col) == (2, 8)
    assert err.offset == text.index("x")


@pytest.mark.parametrize(
    ("text", "line", "col", "fragment"),
    [
        ('{"auths": {', 1, 12, "unexpected end of input (truncated file?)"),
        ('{\n\t"auths": {\n\t\t"h": {"auth": "dTp', 3, 21, "unexpected end of input"),
        ('{"a": 1,}', 1, 9, "trailing comma"),
        ("[1, 2,]", 1, 7, "trailing comma"),
        ('{"a": 1 "b": 2}', 1, 9, "expected ',' or '}' after object member"),
        ("[1 2]", 1, 4, "expected ',' or ']' after array element"),
        ('{"a" 1}', 1, 6, "expected ':' after object key"),
        ("{'a': 1}", 1, 2, "double quotes"),
        ('{"a": 1} // c', 1, 10, "unexpected data after the top-level value"),
        ('{"a": 1}\n{}', 2, 1, "unexpected data after the top-level value"),
        ('{"a": NaN}', 1, 7, "NaN"),
        ('{"a": 01}', 1, 8, "invalid number"),
        ('{"a": "\\x"}', 1, 8, "invalid escape"),
        ('{"a": "\\u12"}', 1, 8, "invalid escape"),
        ('{"a": "x\ny"}', 1, 9, "control character U+000A"),
        ('{"a": "\x01"}', 1, 8, "control character U+0001"),
        ("\x00\x8f\xff\x12binary", 1, 1, "expected a value"),
        ("", 1, 1, "unexpected end of input"),
        ("  \n ", 2, 2, "unexpected end of input"),
        ('{"a": tru', 1, 10, "unexpected end of input"),
        ('{"a": /* c */ 1}', 1, 7, "comments are not allowed"),
        ("\ufeff{}", 1, 1, "byte order mark"),
    ],
)
def test_syntax_errors(text: str, line: int, col: int, fragment: str) -> None:
    err = error_of(text)
    assert fragment in err.message
    assert (err.line, err.col) == (line, col)
    assert str(err) == f"{line}:{col}: {err.message}"


def test_truncated_message_names_the_open_container() -> None:
    err = error_of('{\n  "auths": {\n    "h": {}\n')
    assert "opened at line 2, column 12 is never closed" in err.message


def test_deep_nesting_is_a_syntax_error_not_a_recursion_error() -> None:
    for opener in "[{":
        text = '{"a":' * 50000 if opener == "{" else "[" * 100000
        err = error_of(text)
        assert "nesting too deep" in err.message


def test_deep_but_allowed_nesting_round_trips() -> None:
    text = "[" * 5000 + "]" * 5000
    value = to_python(parse(text))
    depth = 0
    while isinstance(value, list) and value:
        value = value[0]
        depth += 1
    assert depth == 4999


def test_allow_trailing_stops_after_first_value() -> None:
    node = parse('{"a": 1} garbage', allow_trailing=True)
    assert node.end == 8


def test_large_input_with_long_strings_is_fast() -> None:
    auths = {
        f"{i:012d}.dkr.ecr.us-east-1.amazonaws.com": {"auth": "QUFB" * 300} for i in range(8000)
    }
    text = json.dumps({"auths": auths}, indent="\t")
    assert len(text) > 9_000_000
    started = time.perf_counter()
    node = parse(text)
    assert time.perf_counter() - started < 3
    assert len(node.members[0].value.members) == 8000


# --- edits --------------------------------------------------------------------------------


def test_detect_indent() -> None:
    assert detect_indent(DOCKER_STYLE) == "\t"
    assert detect_indent('{\n    "a": {\n        "b": 1\n    }\n}') == "    "
    assert detect_indent('{\n  "a": 1\n}') == "  "
    assert detect_indent('{"a": 1}') == "\t"


def test_remove_member_keeps_neat_layout() -> None:
    root = parse(DOCKER_STYLE)
    auths = root.members[0].value
    out = remove_member(DOCKER_STYLE, auths, auths.members[0])
    assert out == DOCKER_STYLE.replace('\t\t"a.example": {\n\t\t\t"auth": "dTpw"\n\t\t},\n', "")
    out = remove_member(DOCKER_STYLE, auths, auths.members[1])
    assert out == DOCKER_STYLE.replace(',\n\t\t"b.example": {}', "")
    out = remove_member(DOCKER_STYLE, root, root.members[2])
    assert out == DOCKER_STYLE.replace(',\n\t"credHelpers": {}', "")
    parse(out)


def test_remove_only_member_leaves_empty_object() -> None:
    text = '{\n\t"credHelpers": {\n\t\t"h": "ecr-login"\n\t}\n}\n'
    helpers = parse(text).members[0].value
    assert remove_member(text, helpers, helpers.members[0]) == '{\n\t"credHelpers": {}\n}\n'


def test_remove_duplicate_member_by_identity() -> None:
    text = '{"a": 1, "a": 2, "a": 3}'
    root = parse(text)
    assert remove_member(text, root, root.members[1]) == '{"a": 1, "a": 3}'


def test_insert_member_multiline_tabs() -> None:
    root = parse(DOCKER_STYLE)
    auths = root.members[0].value
    out = insert_member(DOCKER_STYLE, auths, "c.example", {"auth": "eDp5"})
    expected = DOCKER_STYLE.replace(
        '"b.example": {}\n',
        '"b.example": {},\n\t\t"c.example": {\n\t\t\t"auth": "eDp5"\n\t\t}\n',
    )
    assert out == expected


def test_insert_into_empty_object_becomes_multiline() -> None:
    root = parse(DOCKER_STYLE)
    helpers = root.members[2].value
    out = insert_member(DOCKER_STYLE, helpers, "h", "ecr-login")
    assert out.endswith('\t"credHelpers": {\n\t\t"h": "ecr-login"\n\t}\n}')
    assert insert_member("{}", parse("{}"), "credsStore", "x") == '{\n\t"credsStore": "x"\n}'


def test_insert_member_spaces_and_one_line() -> None:
    text = '{\n  "auths": {\n    "a": {}\n  }\n}\n'
    auths = parse(text).members[0].value
    out = insert_member(text, auths, "b", {"k": ["é"]})
    assert (
        out == '{\n  "auths": {\n    "a": {},\n    "b": {\n      "k": [\n        "é"\n      ]\n'
        "    }\n  }\n}\n"
    )
    one = '{"auths":{"a":{}},"credsStore":"x"}'
    auths = parse(one).members[0].value
    assert (
        insert_member(one, auths, "b", {"c": 1})
        == '{"auths":{"a":{},"b":{"c":1}},"credsStore":"x"}'
    )
    empty = '{"credHelpers": {}}'
    helpers = parse(empty).members[0].value
    assert insert_member(empty, helpers, "h", "e") == '{"credHelpers": {"h": "e"}}'


def test_replace_value_and_key() -> None:
    root = parse(DOCKER_STYLE)
    store = root.members[1]
    assert replace_value(DOCKER_STYLE, store.value, "ecr-login") == DOCKER_STYLE.replace(
        '"desktop"', '"ecr-login"'
    )
    assert replace_key(DOCKER_STYLE, store, "credStore") == DOCKER_STYLE.replace(
        '"credsStore"', '"credStore"'
    )
    helpers = root.members[2].value
    out = replace_value(DOCKER_STYLE, helpers, {"h": "ecr-login"})
    assert out.endswith('\t"credHelpers": {\n\t\t"h": "ecr-login"\n\t}\n}')


# --- property tests -------------------------------------------------------------------------

keys = st.text(alphabet=string.ascii_letters + "é.-:/ ", min_size=0, max_size=8)
scalars = st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(max_size=10)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=3)),
    max_leaves=8,
)
objects = st.dictionaries(keys, values, min_size=1, max_size=6)
indents = st.sampled_from([None, 0, 1, 2, 4, "\t"])


def dump(obj: object, indent: int | str | None, ascii_only: bool) -> str:
    return json.dumps(obj, indent=indent, ensure_ascii=ascii_only)


def find(node: Node, member: Member) -> int:
    return next(i for i, m in enumerate(node.members) if m is member)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(objects, indents, st.booleans(), st.data())
def test_remove_member_changes_only_that_member(
    obj: dict[str, object], indent: int | str | None, ascii_only: bool, data: st.DataObject
) -> None:
    text = dump(obj, indent, ascii_only)
    root = parse(text)
    assert to_python(root) == obj
    index = data.draw(st.integers(0, len(root.members) - 1))
    member = root.members[index]
    out = remove_member(text, root, member)
    expected = dict(obj)
    del expected[member.key]
    assert to_python(parse(out)) == expected
    # Everything outside [a, b) survives, and [a, b) holds just the member, one comma, spaces.
    cut = len(text) - len(out)
    a = next(i for i in range(len(out) + 1) if i == len(out) or out[i] != text[i])
    a = min(a, member.key_start)
    b = a + cut
    assert out == text[:a] + text[b:]
    removed = text[a:b]
    assert text[member.key_start : member.value.end] in removed
    rest = removed.replace(text[member.key_start : member.value.end], "", 1)
    assert rest.replace(",", "", 1).strip() == ""


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(objects, indents, st.booleans(), keys, values)
def test_insert_member_keeps_every_other_byte(
    obj: dict[str, object], indent: int | str | None, ascii_only: bool, key: str, value: object
) -> None:
    if key in obj:
        return
    text = dump(obj, indent, ascii_only)
    root = parse(text)
    out = insert_member(text, root, key, value)
    expected = dict(obj)
    expected[key] = value
    assert to_python(parse(out)) == expected
    cut = root.members[-1].value.end
    assert out.startswith(text[:cut])
    assert out.endswith(text[cut:])
    if indent is not None:
        unit = indent if isinstance(indent, str) else " " * indent
        if unit:
            added = out[cut : len(out) - (len(text) - cut)]
            assert added.startswith(",\n" + unit + json.dumps(key, ensure_ascii=False))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=40))
def test_garbage_never_crashes(raw: bytes) -> None:
    text = raw.decode("utf-8", "replace")
    try:
        node = parse(text)
    except JsonSyntaxError as err:
        assert err.line >= 1
        assert err.col >= 1
        assert 0 <= err.offset <= len(text)
    else:
        assert to_python(node) == json.loads(text)


@settings(max_examples=PROPERTY_EXAMPLES, deadline=None)
@given(st.text("0123456789-+.eE ,[]{}\"tfnrul:", max_size=16))
def test_accepts_and_reads_exactly_what_json_loads_does(text: str) -> None:
    # Numbers and whitespace are scanned by hand (no `re` at start-up): the standard parser is
    # the oracle for which texts are JSON and what they mean.
    try:
        expected = json.loads(text)
    except ValueError:
        with pytest.raises(JsonSyntaxError):
            parse(text)
    else:
        assert to_python(parse(text)) == expected


@settings(max_examples=PROPERTY_EXAMPLES, deadline=None)
@given(st.text(" \t\r\n\u00a0x{", max_size=24))
def test_indent_is_the_first_indented_line_after_the_first(text: str) -> None:
    import re

    m = re.search(r"\n([ \t]+)\S", text)
    expected = "\t" if m is None or m.group(1)[0] == "\t" else " " * len(m.group(1))
    assert detect_indent(text) == expected
