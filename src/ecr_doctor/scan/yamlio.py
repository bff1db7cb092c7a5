"""YAML at the edge: PyYAML's composer (libyaml when present) turned into core `YNode`s.

Composing (not loading) keeps every node's line and leaves scalars as text, so `on:` stays the
string "on" rather than YAML 1.1's boolean, and `mask-password: false` stays "false".
"""

from __future__ import annotations

import yaml

from ecr_doctor.scan.detect import YNode

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is ~10x faster


def _convert(node: yaml.Node, depth: int = 0) -> YNode:
    line = node.start_mark.line + 1
    if depth > 200:  # a hostile file must not exhaust the stack
        return YNode("scalar", line)
    if isinstance(node, yaml.MappingNode):
        pairs = tuple((_convert(k, depth + 1), _convert(v, depth + 1)) for k, v in node.value)
        return YNode("map", line, pairs=pairs)
    if isinstance(node, yaml.SequenceNode):
        return YNode("seq", line, items=tuple(_convert(i, depth + 1) for i in node.value))
    value = node.value if isinstance(node.value, str) else ""
    return YNode("scalar", line, value=value, block=getattr(node, "style", None) in ("|", ">"))


def load_yaml(text: str) -> list[YNode]:
    """Every document in `text`; raises ValueError when the YAML does not parse."""
    try:
        return [_convert(doc) for doc in yaml.compose_all(text, Loader=_Loader) if doc is not None]
    except (yaml.YAMLError, RecursionError) as exc:
        raise ValueError("not valid YAML") from exc
