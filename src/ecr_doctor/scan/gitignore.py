"""`.gitignore` matching, as git does it for the common cases. Standard library only.

Supported (gitignore(5)): blank lines and `#` comments, `!` negation, trailing `/` (directories
only), a `/` at the start or middle anchors to the .gitignore's folder, `*`, `?`, `[...]`, and
`**` (`**/x`, `x/**`, `a/**/b`). Later patterns win; a file under an excluded directory is not
re-included (the walk never enters that directory, as in git).

A .gitignore only keeps *untracked* files out of git: a file git tracks is in every clone
whatever the patterns say. `tracked_files` asks git (`git ls-files`, a bounded subprocess at
this edge) which files it tracks under a folder, so the walk scans them anyway; without git,
or outside a work tree, the patterns alone decide.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from typing import NamedTuple

GIT_TIMEOUT = 20.0  # seconds; ls-files reads the index only, even for a very large repository


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


class Tracked(NamedTuple):
    """What git tracks under the scanned folder, as paths relative to it ("/" separated)."""

    files: frozenset[str]
    dirs: frozenset[str]  # every folder that holds a tracked file, at any depth

    @classmethod
    def of(cls, paths: list[str]) -> Tracked:
        dirs = {p[:i] for p in paths for i, c in enumerate(p) if c == "/"}
        return cls(frozenset(paths), frozenset(dirs))


NOT_A_REPO = Tracked(frozenset(), frozenset())


def _git_environment() -> dict[str, str]:
    # GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE (set inside hooks) would point git at another
    # repository than the folder's own; the rest of GIT_* could reconfigure it.
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0", LC_ALL="C")
    return env


def tracked_files(folder: str) -> tuple[Tracked, str | None]:
    """The files git tracks under `folder`, and why git could not say (None when it could).

    Outside a work tree, or without git, that is NOT_A_REPO and no reason: the patterns alone
    decide, as they always did. The repository may be hostile, so git runs with its
    fsmonitor hook off (the one program `ls-files` could be made to start), no pager and no
    prompt; git itself refuses a repository another user owns ("dubious ownership").
    """
    git = shutil.which("git")
    if git is None:
        return NOT_A_REPO, None
    command = [git, "--no-pager", "-c", "core.fsmonitor=false", "-c", "core.quotePath=false",
               "ls-files", "-z", "--cached", "--", "."]
    try:
        done = subprocess.run(command, cwd=folder, env=_git_environment(),
                              stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=GIT_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return NOT_A_REPO, f"git ls-files took longer than {GIT_TIMEOUT:g} s"
    except OSError as exc:
        return NOT_A_REPO, f"git ls-files could not run: {exc.strerror or exc}"
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        if "not a git repository" in message:
            return NOT_A_REPO, None
        first = message.splitlines()[0] if message else f"exit {done.returncode}"
        return NOT_A_REPO, f"git ls-files failed: {first}"
    paths = [os.fsdecode(p) for p in done.stdout.split(b"\0") if p]
    return Tracked.of(paths), None
