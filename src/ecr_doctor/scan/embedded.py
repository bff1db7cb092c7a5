"""JSON objects embedded in other text, at any escape depth: one decoder, one detector.

A Docker config travels inside other formats, and each wrapping escapes it once more:
`DOCKER_AUTH_CONFIG` in a GitLab runner `config.toml` (`{\\"auths\\"…`), that TOML quoted again
in a JSON or YAML value (`{\\\\\\"auths…`), a CI log echoing it, a `.txt` note, two on one line.
`json_object_at` undoes as many levels as it takes; `embedded_configs` finds every `"auths"`
key in any text and the object around it (scan/detect reports its credentials). Standard
library only.
"""

from __future__ import annotations

import json
import re
from typing import NamedTuple


class Embedded(NamedTuple):
    """A config object found in text: where its `{` is, how deeply it was escaped, and for
    an unescaped one, where it ends (so its own lines can be kept)."""

    start: int
    obj: dict[str, object]
    depth: int
    end: int | None


class TooManyFragments(Exception):
    """The text repeats `"auths"` keys that open no config past the work one file may cost:
    what follows was not searched, so the file has no verdict (scan reports it unreadable)."""

    def __init__(self, found: list[Embedded], offset: int) -> None:
        super().__init__(f"more than {_MIN_ATTEMPTS} `\"auths\"` keys that open no Docker "
                         f"config; not searched past offset {offset}")
        self.found = found
        self.offset = offset


# A quote at escape depth n is preceded by 2**n - 1 backslashes: ", \", \\\", \\\\\\\"…
# The lookbehind starts a match only at the first backslash of a run, and the run is bounded,
# so a line of backslashes costs one pass, not one per position.
_AUTHS_KEY = re.compile(r'(?<!\\)(\\{0,63})"auths\1"\s*:')
_ONE_LEVEL = re.compile(r'\\(["\\/bfnrt]|u[0-9a-fA-F]{4})')
_SIMPLE = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}

# Deeper than any real wrapping (config.toml in JSON in YAML is three), shallow enough that a
# line of backslashes costs little.
MAX_DEPTH = 6
# An embedded config is small: each attempt reads a window that grows only while the object
# runs past its end, up to a bound.
_FIRST_WINDOW = 16 * 1024
MAX_OBJECT_CHARS = 1 << 20
# How many `{` before an `"auths"` key to try as the object's start (keys may precede it).
_MAX_OPENERS = 8
# Failed attempts one file may cost, however many `"auths"` keys it repeats: enough for any
# real file (a log with a config per line), bounded for a hostile one.
_MIN_ATTEMPTS = 256
_CHARS_PER_ATTEMPT = 2048


def _unescape_once(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] == "u":
            return chr(int(code[1:], 16))
        return _SIMPLE[code]

    return _ONE_LEVEL.sub(one, text)


def json_object_at(text: str, start: int, depth: int | None = None
                   ) -> tuple[dict[str, object], int] | None:
    """The JSON object that starts at text[start] (a `{`), and its escape depth.

    With `depth` None every depth up to MAX_DEPTH is tried, shallowest first.
    """
    window = _FIRST_WINDOW
    while True:
        found, truncated = _object_in_window(text[start:start + window], depth)
        if found is not None or not truncated or window >= MAX_OBJECT_CHARS \
                or start + window >= len(text):
            return found
        window *= 4


def _object_in_window(candidate: str, depth: int | None
                      ) -> tuple[tuple[dict[str, object], int] | None, bool]:
    """(the object and its depth, or None; whether an attempt ran into the window's end)."""
    decoder = json.JSONDecoder()
    truncated = False
    for level in range(MAX_DEPTH + 1):
        if depth is None or level == depth:
            try:
                obj, _end = decoder.raw_decode(candidate)
            except json.JSONDecodeError as exc:
                obj, truncated = None, truncated or exc.pos >= len(candidate) - 1
            except (ValueError, RecursionError):
                obj = None
            if isinstance(obj, dict):
                return (obj, level), False
        if depth is not None and level >= depth:
            break
        unescaped = _unescape_once(candidate)
        if unescaped == candidate:
            break
        candidate = unescaped
    return None, truncated


def _escape_depth(backslashes: int) -> int | None:
    depth = (backslashes + 1).bit_length() - 1
    return depth if (1 << depth) - 1 == backslashes else None


def embedded_configs(text: str) -> list[Embedded]:
    """Every object with an `auths` member in `text`, in order; raises TooManyFragments
    when the text costs more attempts than its size allows (never a silent partial list)."""
    found: list[Embedded] = []
    attempts_left = max(_MIN_ATTEMPTS, len(text) // _CHARS_PER_ATTEMPT)
    covered_until = -1
    for match in _AUTHS_KEY.finditer(text):
        if match.start() < covered_until:
            continue  # inside an object already found (a nested "auths" is its data)
        depth = _escape_depth(len(match.group(1)))
        if depth is None:
            continue
        opener = match.start()
        for _ in range(_MAX_OPENERS):
            opener = text.rfind("{", max(0, match.start() - MAX_OBJECT_CHARS), opener)
            if opener < 0:
                break
            if attempts_left <= 0:
                raise TooManyFragments(found, match.start())
            decoded = json_object_at(text, opener, depth)
            if decoded is None or "auths" not in decoded[0]:
                attempts_left -= 1
                continue
            end = None
            if depth == 0:
                end = opener + json.JSONDecoder().raw_decode(
                    text[opener:opener + MAX_OBJECT_CHARS])[1]
                covered_until = end
            found.append(Embedded(opener, decoded[0], depth, end))
            break
    return found


__all__ = ["MAX_DEPTH", "Embedded", "TooManyFragments", "embedded_configs", "json_object_at"]
