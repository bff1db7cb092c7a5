"""YAML at the edge: PyYAML's composer (libyaml when present) turned into core `YNode`s.

Composing (not loading) keeps every node's line and leaves scalars as text, so `on:` stays the
string "on" rather than YAML 1.1's boolean, and `mask-password: false` stays "false".

Aliases are where a small file turns huge: the composer shares the anchored node, but the
conversion below copies it at every `*alias`, so nine nested levels of nine aliases ("billion
laughs") would build 9^9 nodes. A document without aliases cannot hold more nodes than it has
characters, so the conversion stops, as invalid YAML, once it has built that many.
"""

from __future__ import annotations

import yaml

from ecr_doctor.scan.detect import YNode

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is ~10x faster

# Room for a real file's aliases (a CI template reused a few times) on top of its own size.
_ALIAS_ALLOWANCE = 10_000


class _Budget:
    def __init__(self, nodes: int) -> None:
        self.left = nodes

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise ValueError("YAML aliases expand far beyond the document's size (a YAML bomb?)")


def _convert(node: yaml.Node, budget: _Budget, depth: int = 0) -> YNode:
    budget.spend()
    line = node.start_mark.line + 1
    if depth > 200:  # a hostile file must not exhaust the stack
        return YNode("scalar", line)
    if isinstance(node, yaml.MappingNode):
        pairs = tuple((_convert(k, budget, depth + 1), _convert(v, budget, depth + 1))
                      for k, v in node.value)
        return YNode("map", line, pairs=pairs)
    if isinstance(node, yaml.SequenceNode):
        return YNode("seq", line,
                     items=tuple(_convert(i, budget, depth + 1) for i in node.value))
    value = node.value if isinstance(node.value, str) else ""
    return YNode("scalar", line, value=value, block=getattr(node, "style", None) in ("|", ">"))


def load_yaml(text: str) -> list[YNode]:
    """Every document in `text`; raises ValueError when the YAML does not parse or its aliases
    expand beyond the document's size."""
    budget = _Budget(len(text) + _ALIAS_ALLOWANCE)
    try:
        return [_convert(doc, budget) for doc in yaml.compose_all(text, Loader=_Loader)
                if doc is not None]
    except (yaml.YAMLError, RecursionError) as exc:
        raise ValueError("not valid YAML") from exc
