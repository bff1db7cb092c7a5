"""Turn fixes into minimal text edits, so every byte a fix does not mean to touch stays put.

Standard library only: the browser build runs the very same fixer.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from ecr_doctor.core import jsonspan
from ecr_doctor.core.model import (
    Applicability,
    Edit,
    Finding,
    RemoveAuth,
    RemoveCredHelper,
    RemoveTopLevel,
    RenameTopLevel,
    SetCredHelper,
    SetFileMode,
    StripBom,
)

BOM = "\ufeff"


class FixPlan(NamedTuple):
    path: str
    before: str                 # original text, BOM included if there was one
    after: str
    mode: int | None            # file mode to set, when a fix asks for one
    applied: tuple[Finding, ...]
    unsafe_skipped: tuple[Finding, ...]
    #: Findings whose fix the rule withholds: applying it would leave a registry worse off
    #: (detail `fix_withheld` says why; the message says what to run instead).
    withheld: tuple[Finding, ...] = ()

    @property
    def changed(self) -> bool:
        return self.before != self.after or self.mode is not None

    def diff(self) -> str:
        """Unified diff with every credential value masked: a diff is output like any other."""
        before, after = mask_secrets(self.before), mask_secrets(self.after)
        lines = difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=self.path,
            tofile=f"{self.path} (fixed)",
        )
        out = []
        for line in lines:
            out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
        return "".join(out)


def plan_fix(path: str, text: str, findings: Sequence[Finding], *, unsafe: bool = False) -> FixPlan:
    """Apply the fixes of `findings` (unsafe ones only when asked) to `text` (BOM included)."""
    chosen: list[Finding] = []
    skipped: list[Finding] = []
    for finding in findings:
        if finding.fix is None:
            continue
        if finding.fix.applicability is Applicability.UNSAFE and not unsafe:
            skipped.append(finding)
        else:
            chosen.append(finding)
    edits = [edit for f in chosen for edit in f.fix.edits]  # type: ignore[union-attr]
    after, mode = apply_edits(text, edits)
    return FixPlan(path, text, after, mode, tuple(chosen), tuple(skipped))


def _phase(edit: Edit) -> int:
    # Renames first so later edits find keys under their real names; additions last.
    order = (StripBom, RenameTopLevel, RemoveTopLevel, RemoveCredHelper, RemoveAuth,
             SetCredHelper, SetFileMode)
    return next(i for i, kind in enumerate(order) if isinstance(edit, kind))


def apply_edits(text: str, edits: Iterable[Edit]) -> tuple[str, int | None]:
    # Edits are tuples: two kinds with the same fields compare equal, so key on the kind too.
    unique = list({(type(e).__name__, e): e for e in edits}.values())
    unique.sort(key=_phase)
    bom = text.startswith(BOM)
    body = text[1:] if bom else text
    mode: int | None = None
    original_body = body
    for edit in unique:
        if isinstance(edit, StripBom):
            bom = False
        elif isinstance(edit, SetFileMode):
            mode = edit.mode
        else:
            body = _apply(body, edit)
    if body != original_body and original_body.strip() == "" and not body.endswith("\n"):
        body += "\n"
    return (BOM if bom else "") + body, mode


def _root(text: str) -> jsonspan.Node:
    if not text.strip():
        return jsonspan.parse("{}")
    # Docker reads one JSON value and ignores what follows (json.NewDecoder · Decode); so
    # does parse_config, and edits never reach past the value.
    root = jsonspan.parse(text, allow_trailing=True)
    if root.kind != "object":
        raise ValueError("config is not a JSON object")
    return root


def _top(root: jsonspan.Node, canonical: str) -> list[jsonspan.Member]:
    # Go's encoding/json matches struct fields case-insensitively: all of these are one field.
    return [m for m in root.members if m.key.lower() == canonical.lower()]


def _as_object(text: str) -> str:
    """`text` with an empty or `null` document made `{}`; the bytes around it stay.

    Docker decodes `null` into its config struct as a no-op (encoding/json · Unmarshal: "null
    ... has no effect"), so a `null` config is an empty one and an edit starts from `{}`.
    """
    if not text.strip():
        return "{}"
    root = jsonspan.parse(text, allow_trailing=True)
    if root.kind == "null":
        return text[:root.start] + "{}" + text[root.end:]
    return text


def _apply(text: str, edit: Edit) -> str:
    text = _as_object(text)
    if isinstance(edit, SetCredHelper):
        return _set_map_entry(text, "credHelpers", edit.host, edit.helper)
    if isinstance(edit, RemoveAuth):
        return _remove_map_entry(text, "auths", edit.key)
    if isinstance(edit, RemoveCredHelper):
        return _remove_map_entry(text, "credHelpers", edit.key)
    if isinstance(edit, RemoveTopLevel):
        while True:
            root = _root(text)
            hit = next((m for m in root.members if m.key == edit.key), None)
            if hit is None:
                return text
            text = jsonspan.remove_member(text, root, hit)
    if isinstance(edit, RenameTopLevel):
        return _rename(text, edit.old, edit.new)
    raise TypeError(f"unknown edit {edit!r}")


def _set_map_entry(text: str, field: str, key: str, value: str) -> str:
    root = _root(text)
    holders = [m for m in _top(root, field) if m.value.kind == "object"]
    existing = [(h, m) for h in holders for m in h.value.members if m.key == key]
    if existing:
        for index in range(len(existing)):
            root = _root(text)
            holders = [m for m in _top(root, field) if m.value.kind == "object"]
            current = [m for h in holders for m in h.value.members if m.key == key][index]
            if current.value.kind != "string" or current.value.value != value:
                text = jsonspan.replace_value(text, current.value, value)
        return text
    if holders:
        return jsonspan.insert_member(text, holders[-1].value, key, value)
    nulls = [m for m in _top(root, field) if m.value.kind == "null"]
    if nulls:
        return jsonspan.replace_value(text, nulls[-1].value, {key: value})
    return jsonspan.insert_member(text, root, field, {key: value})


def _remove_map_entry(text: str, field: str, key: str) -> str:
    while True:
        root = _root(text)
        for holder in _top(root, field):
            if holder.value.kind != "object":
                continue
            hit = next((m for m in holder.value.members if m.key == key), None)
            if hit is not None:
                text = jsonspan.remove_member(text, holder.value, hit)
                break
        else:
            return text


def _rename(text: str, old: str, new: str) -> str:
    root = _root(text)
    source = next((m for m in root.members if m.key == old), None)
    if source is None:
        return text
    targets = _top(root, new)
    if not targets:
        return jsonspan.replace_key(text, source, new)
    target = targets[-1]
    if source.value.kind == "object" and target.value.kind == "object":
        present = {m.key for m in target.value.members}
        for member in source.value.members:
            if member.key in present:
                continue
            root = _root(text)
            target = _top(root, new)[-1]
            text = jsonspan.insert_member(text, target.value, member.key,
                                          jsonspan.to_python(member.value))
            present.add(member.key)
    root = _root(text)
    source = next(m for m in root.members if m.key == old)
    return jsonspan.remove_member(text, root, source)


def mask_secrets(text: str) -> str:
    """Replace every credential value (core.secrets) with its fingerprint, line by line.

    Works on text that may not parse (a half-typed paste), and never changes the line
    structure, so diffs of masked texts line up with the real ones.
    """
    from ecr_doctor.core.secrets import Secret, SecretSpan, mask

    def fingerprint(_span: SecretSpan, value: str) -> str:
        return f"<redacted {Secret(value).fingerprint}>"

    # Per line, so no span (a quoted value, a wrapped token) can take a newline with it.
    return "".join(mask(line, fingerprint) for line in text.splitlines(keepends=True))
