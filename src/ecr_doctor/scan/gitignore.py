"""`.gitignore` matching, as git does it for the common cases. Standard library only.

Supported (gitignore(5)): blank lines and `#` comments, `!` negation, trailing `/` (directories
only), a `/` at the start or middle anchors to the .gitignore's folder, `*`, `?`, `[...]`, and
`**` (`**/x`, `x/**`, `a/**/b`). Later patterns win; a file under an excluded directory is not
re-included (the walk never enters that directory, as in git).
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Pattern(NamedTuple):
    regex: re.Pattern[str]
    negate: bool
    dir_only: bool


def _translate(glob: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(glob):
        c = glob[i]
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("/**", i) and i + 3 == len(glob):
            out.append("/.*")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            end = glob.find("]", i + 2)
            if end == -1:
                out.append(re.escape(c))
                i += 1
            else:
                body = glob[i + 1:end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = end + 1
        elif c == "\\" and i + 1 < len(glob):
            out.append(re.escape(glob[i + 1]))
            i += 2
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


def parse(text: str) -> list[Pattern]:
    patterns: list[Pattern] = []
    for raw in text.splitlines():
        line = raw.rstrip()
        if line.endswith("\\"):  # "\ " keeps a trailing space
            line += " "
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        if negate:
            line = line[1:]
        if line.startswith("\\"):
            line = line[1:]
        dir_only = line.endswith("/")
        line = line.rstrip("/")
        if not line:
            continue
        anchored = "/" in line
        line = line.lstrip("/")
        body = _translate(line)
        regex = f"^{body}$" if anchored else f"^(?:.*/)?{body}$"
        patterns.append(Pattern(re.compile(regex), negate, dir_only))
    return patterns


class IgnoreStack:
    """The .gitignore files from the scan root down to the current folder."""

    def __init__(self, levels: tuple[tuple[str, list[Pattern]], ...] = ()) -> None:
        self.levels = levels  # (folder relative to the root, "" for the root; its patterns)

    def push(self, folder: str, text: str) -> IgnoreStack:
        patterns = parse(text)
        return IgnoreStack((*self.levels, (folder, patterns))) if patterns else self

    def ignored(self, rel: str, is_dir: bool) -> bool:
        verdict = False
        for folder, patterns in self.levels:
            if folder and not rel.startswith(folder + "/"):
                continue
            sub = rel[len(folder) + 1:] if folder else rel
            for p in patterns:
                if p.dir_only and not is_dir:
                    continue
                if p.regex.match(sub):
                    verdict = not p.negate
        return verdict
