"""The tree a CredentialProviderConfig file is read into: plain values with their lines.

Not plain dicts: the kubelet decodes strictly (pkg/credentialprovider/plugin/plugin.go ·
`serializer.NewCodecFactory(scheme, serializer.EnableStrict)`), so a duplicate key is an
error there and must be seen here, and every finding needs its line. YAML is composed into
this tree at the edge (machine/kubefile.py); JSON is parsed here with the strict,
position-aware parser the Docker config uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from ecr_doctor.core.jsonspan import LineIndex, Node, parse

if TYPE_CHECKING:
    from typing import Literal

    Kind = Literal["map", "seq", "str", "int", "float", "bool", "null"]

Scalar = str | int | float | bool | None


class KNode(NamedTuple):
    kind: Kind
    line: int
    value: Scalar = None
    #: A mapping's members in file order, duplicates kept: (key, key's line, value).
    pairs: tuple[tuple[str, int, KNode], ...] = ()
    items: tuple[KNode, ...] = ()

    def get(self, key: str) -> KNode | None:
        """The value the kubelet decodes for `key`: the last of duplicates, as Go keeps it."""
        found = None
        for name, _, value in self.pairs:
            if name == key:
                found = value
        return found

    def key_line(self, key: str) -> int:
        for name, line, _ in self.pairs:
            if name == key:
                return line
        return self.line

    def describe(self) -> str:
        """What a Go decoder would call this value's type, for messages."""
        return {"map": "a mapping", "seq": "a list", "str": "a string", "int": "a number",
                "float": "a number", "bool": "a boolean", "null": "null"}[self.kind]


class DocumentError(ValueError):
    """The file is not a document at all (not JSON / YAML): the kubelet refuses it too."""

    def __init__(self, message: str, line: int | None = None, col: int | None = None) -> None:
        where = f"{line}:{col}: " if line is not None and col is not None else ""
        super().__init__(f"{where}{message}")
        self.line, self.col = line, col


def looks_like_json(text: str) -> bool:
    """k8s.io/apimachinery · pkg/util/yaml · IsJSONBuffer: the first non-space byte is '{'.

    The kubelet's universal decoder then uses its JSON serializer alone (no YAML fallback),
    so a trailing comma there is fatal even though YAML's flow syntax would forgive it.
    """
    return text.lstrip(" \t\r\n").startswith("{")


def from_json(text: str) -> KNode:
    try:
        root = parse(text)
    except ValueError as exc:
        line = getattr(exc, "line", None)
        col = getattr(exc, "col", None)
        message = getattr(exc, "message", str(exc))
        raise DocumentError(message, line, col) from None
    index = LineIndex(text)
    return _convert(root, index)


def _convert(root: Node, index: LineIndex) -> KNode:
    # Iterative: jsonspan allows 10,000 levels, more than Python's recursion limit.
    done: dict[int, KNode] = {}
    todo: list[tuple[Node, bool]] = [(root, False)]
    while todo:
        node, expanded = todo.pop()
        line = index.line_col(node.start)[0]
        if node.kind == "object":
            if not expanded:
                todo.append((node, True))
                todo.extend((m.value, False) for m in node.members)
                continue
            pairs = tuple((m.key, index.line_col(m.key_start)[0], done.pop(id(m.value)))
                          for m in node.members)
            done[id(node)] = KNode("map", line, pairs=pairs)
        elif node.kind == "array":
            if not expanded:
                todo.append((node, True))
                todo.extend((i, False) for i in node.items)
                continue
            done[id(node)] = KNode("seq", line, items=tuple(done.pop(id(i)) for i in node.items))
        elif node.kind == "string":
            done[id(node)] = KNode("str", line, node.value)
        elif node.kind == "number":
            done[id(node)] = KNode("float" if isinstance(node.value, float) else "int", line,
                                   node.value)
        elif node.kind == "bool":
            done[id(node)] = KNode("bool", line, node.value)
        else:
            done[id(node)] = KNode("null", line)
    return done[id(root)]
