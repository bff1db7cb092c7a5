"""A kubelet CredentialProviderConfig from disk or stdin, and what --bin-dir holds.

The file goes through the bounded reader (regular files only, size cap, a FIFO never
blocks). JSON (the first non-space character is '{', as the kubelet's decoder decides) is
parsed by the core; YAML is composed here with PyYAML into the core's `KNode` tree, with its
lines and its duplicate keys, and with aliases bounded: a YAML "billion laughs" expands to
more nodes than any config has and is refused instead of filling memory.
"""

from __future__ import annotations

import os
import stat
from typing import BinaryIO

import yaml

from ecr_doctor.core.kube.document import DocumentError, KNode, from_json, looks_like_json
from ecr_doctor.machine.reading import read_regular_file

# A real config is a few KiB; the kubelet's own read is unbounded, ours is not.
MAX_CONFIG_BYTES = 1024 * 1024
# After alias expansion: EKS's config is ~20 nodes; a bomb is millions.
MAX_NODES = 100_000
MAX_DEPTH = 100

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TAG = "tag:yaml.org,2002:"
_TRUE = frozenset({"yes", "true", "on"})


def read_source(path: str, stdin: BinaryIO) -> bytes:
    """The bytes of `path` (`-`: stdin), at most MAX_CONFIG_BYTES; raises OSError
    (reading.NotRegularFile, reading.TooLarge, FileNotFoundError, ...)."""
    if path == "-":
        data = stdin.read(MAX_CONFIG_BYTES + 1)
        if len(data) > MAX_CONFIG_BYTES:
            from ecr_doctor.machine.reading import TooLarge

            raise TooLarge(path, len(data), MAX_CONFIG_BYTES)
        return data
    return read_regular_file(path, MAX_CONFIG_BYTES).data


def parse_document(data: bytes) -> KNode:
    """The first document of a JSON or YAML config; raises DocumentError."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"not UTF-8 text (invalid byte at offset {exc.start}; a binary "
                            "file?)") from None
    text = text.removeprefix("\ufeff")
    if looks_like_json(text):
        return from_json(text)
    return _from_yaml(text)


def _from_yaml(text: str) -> KNode:
    try:
        documents = yaml.compose_all(text, Loader=_Loader)
        first = next(documents, None)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        raise DocumentError(f"not valid YAML: {exc.problem or exc}", line, col) from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise DocumentError(f"not valid YAML: {exc}") from None
    if first is None:
        raise DocumentError("the file holds no document")
    return _Converter().convert(first)


class _Converter:
    def __init__(self) -> None:
        self.nodes = 0

    def convert(self, node: yaml.Node, depth: int = 0) -> KNode:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise DocumentError(f"more than {MAX_NODES} values once YAML aliases are expanded "
                                "(a YAML bomb?); refusing to expand it")
        if depth > MAX_DEPTH:
            raise DocumentError(f"nested more than {MAX_DEPTH} levels deep")
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            pairs = []
            for key, value in node.value:
                name = key.value if isinstance(key, yaml.ScalarNode) else "<non-scalar key>"
                pairs.append((str(name), key.start_mark.line + 1, self.convert(value, depth + 1)))
            return KNode("map", line, pairs=tuple(pairs))
        if isinstance(node, yaml.SequenceNode):
            return KNode("seq", line, items=tuple(self.convert(i, depth + 1) for i in node.value))
        text = str(node.value)
        tag = node.tag.removeprefix(_TAG)
        # The tags YAML 1.1 resolves plain scalars to, as go-yaml (sigs.k8s.io/yaml) does too.
        if tag == "bool":
            return KNode("bool", line, text.lower() in _TRUE)
        if tag == "int":
            return KNode("int", line, text)
        if tag == "float":
            return KNode("float", line, text)
        if tag == "null":
            return KNode("null", line)
        return KNode("str", line, text)


def bin_dir_states(bin_dir: str, names: tuple[str, ...]) -> dict[str, str]:
    """What `bin_dir/<name>` is for each name, as the kubelet's exec.LookPath sees it:
    executable, not-executable, directory or missing. Raises OSError if `bin_dir` is not a
    readable directory."""
    st = os.stat(bin_dir)
    if not stat.S_ISDIR(st.st_mode):
        raise NotADirectoryError(f"{bin_dir} is not a directory")
    states: dict[str, str] = {}
    for name in names:
        if not name or "/" in name or "\x00" in name:
            continue
        target = os.path.join(bin_dir, name)
        try:
            mode = os.stat(target).st_mode
        except OSError:
            states[name] = "missing"
            continue
        if stat.S_ISDIR(mode):
            states[name] = "directory"
        elif mode & 0o111 and os.access(target, os.X_OK):
            states[name] = "executable"
        else:
            states[name] = "not-executable"
    return states
