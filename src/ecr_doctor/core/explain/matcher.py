"""From a paste to ranked causes: find the signatures, score the causes, mark what this
machine shows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ecr_doctor.core.causes.catalogue import BY_ID as _BY_ID
from ecr_doctor.core.causes.catalogue import ORDER as _ORDER
from ecr_doctor.core.explain.excerpts import (
    _ECR_ACTIONS,
    _MAX_INPUT,
    _excerpt,
    _secret_spans,
    redact_text,
)
from ecr_doctor.core.explain.normalise import normalise
from ecr_doctor.core.explain.ranking import DEMOTION, runtime_scores
from ecr_doctor.core.explain.runtimes import detect_runtime
from ecr_doctor.core.explain.signatures import _HELPER_NAME, _SPECS, _SUPPORT_BONUS
from ecr_doctor.core.explain.specs import Scores, Spec
from ecr_doctor.core.explain.values import Cause, Explanation, Signature
from ecr_doctor.core.model import Finding


def _variants(text: str) -> tuple[str, str]:
    """The text with line structure kept, and with line breaks removed.

    Terminals and log viewers hard-wrap long errors, sometimes mid-word ("creden\\ntials");
    patterns use \\s+ between words for the first form, the second heals split words.
    """
    kept = text.replace("\r\n", "\n").replace("\r", "\n")
    # Blanks next to a break go with it. Not `re.sub(r"[ \t]*\n[ \t]*")`: on a long run of
    # blanks with no break that retries from every blank, quadratic in the run.
    lines = kept.split("\n")
    if len(lines) == 1:
        return kept, kept
    inner = (line.strip(" \t") for line in lines[1:-1])
    joined = "".join((lines[0].rstrip(" \t"), *inner, lines[-1].lstrip(" \t")))
    return kept, joined


def _line_of(text: str, start: int, end: int) -> str:
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    return text[lo : hi if hi >= 0 else len(text)]


def _safe_value(value: str, pattern: str) -> str | None:
    """A value lifted from the paste is used only if it is short, well-formed and untouched
    by redaction."""
    if re.fullmatch(pattern, value) and redact_text(value) == value:
        return value
    return None


def _helper_from(line: str) -> str | None:
    m = _HELPER_NAME.search(line)
    return _safe_value(m.group(1), r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}") if m else None


def _action_from(line: str) -> str | None:
    m = re.search(
        r"not\s+authorized\s+to\s+perform:?\s+(ecr(?:-public)?|sts):\s*(\w+)", line, re.IGNORECASE
    )
    # Only a known action name is echoed back: the allowlist is what makes it safe.
    if m and m.group(2) in _ECR_ACTIONS:
        return f"{m.group(1).lower()}:{m.group(2)}"
    return None


def _specialise(cause: Cause, helper: str | None, action: str | None) -> Cause:
    check = cause.check
    if helper and "<name>" in check:
        check = check.replace("<name>", helper)
    if action and "<action>" in check:
        check = check.replace("<action>", action)
    return cause._replace(check=check) if check != cause.check else cause


def _find(spec: Spec, variants: Sequence[str]) -> tuple[int, re.Match[str]] | None:
    for index, variant in enumerate(variants):
        first: re.Match[str] | None = None
        for pattern in spec.patterns:
            m = pattern.search(variant)
            if m and (first is None or m.start() < first.start()):
                first = m
        if first is not None:
            return index, first
    return None


# A line worth matching in a long log: anything that can carry an error, a registry or a
# runtime's name. The rest is blanked (line numbers stay) so the patterns see a short text.
_WORTH = re.compile(r"error|denied|unauthori[sz]ed|forbidden|credential|token|expired|"
                    r"fail|fatal|invalid|not found|no such|timeout|exceeded|refused|ecr|"
                    r"amazonaws|docker|kube|container|image|pull|push|login|aws|##\[|"
                    r"runner|Running with|Step \d|\bat\b|\bsee\b", re.IGNORECASE)
_MAX_LINE = 64 * 1024
_CONTEXT = 1024  # kept either side of a worthwhile word in an over-long line


def _worth_of(line: str) -> str:
    """The line if it is worth matching; of an over-long one (a JSON dump, a padded paste),
    the stretches around what is worth matching, up to _MAX_LINE."""
    if len(line) <= _MAX_LINE:
        return line if _WORTH.search(line) else ""
    pieces: list[str] = []
    end = budget = 0
    for m in _WORTH.finditer(line):
        if m.start() < end:
            continue
        lo, end = max(m.start() - _CONTEXT, end), min(m.end() + _CONTEXT, len(line))
        pieces.append(line[lo:end])
        budget += end - lo
        if budget >= _MAX_LINE:
            break
    return " ".join(pieces)


def _relevant(text: str) -> tuple[str, int]:
    """A long paste (a whole CI log) cut to its lines worth matching, each at its line, and
    the number of lines dropped before what is kept."""
    if len(text) <= _MAX_INPUT:
        return text, 0
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # a CR-only log is still lines
    kept = [_worth_of(line) for line in text.split("\n")]
    joined = "\n".join(kept)
    if len(joined) <= _MAX_INPUT:
        return joined, 0
    # Still too long: a job fails at the end of its log, so the end is kept, from a line start.
    cut = joined.find("\n", len(joined) - _MAX_INPUT) + 1
    return joined[cut:], joined.count("\n", 0, cut)


def explain_error(text: str, findings: Sequence[Finding] = ()) -> Explanation:
    relevant, skipped_lines = _relevant(text)
    plain = normalise(relevant)
    runtime = detect_runtime(plain)
    variants = _variants(plain)
    spans: dict[int, list[tuple[int, int]]] = {}
    helper: str | None = None
    action: str | None = None

    hits: list[tuple[int, Signature, Scores]] = []
    for spec in _SPECS:
        found = _find(spec, variants)
        if found is None:
            continue
        index, m = found
        variant = variants[index]
        if index not in spans:
            spans[index] = _secret_spans(variant)
        line = _line_of(variant, m.start(), m.end())
        label = spec.label
        if spec.id == "helper-not-found":
            helper = _helper_from(line) or helper
            label = f"{label}: docker-credential-{helper}" if helper else label
        elif spec.id == "not-authorized-action":
            action = _action_from(variant[m.start() : m.end()])
            label = f"{label}: {action}" if action else label
        scores = dict(spec.scores)
        if spec.adjust is not None:
            scores.update(spec.adjust(line, variant))
        excerpt = _excerpt(variant, spans[index], m.start(), m.end())
        # Matches in the healed (joined) text have no position in the paste; list them last.
        position = m.start() if index == 0 else len(variants[0])
        line_number = (skipped_lines + variant.count("\n", 0, m.start()) + 1
                       if index == 0 else 0)
        hits.append((position, Signature(id=spec.id, label=label, excerpt=excerpt,
                                         line=line_number), scores))

    if not hits:
        return Explanation(signatures=(), causes=(), runtime=runtime)
    hits.sort(key=lambda h: h[0])
    extra, demoted = runtime_scores(runtime, variants[0], frozenset(h[1].id for h in hits))

    best: dict[str, int] = {}
    support: dict[str, int] = {}
    for _, _, scores in hits:
        for cause_id, score in scores.items():
            best[cause_id] = max(best.get(cause_id, 0), score)
            support[cause_id] = support.get(cause_id, 0) + 1

    for cause_id, score in extra.items():
        if score < 0:
            best.pop(cause_id, None)
        elif score > best.get(cause_id, 0):
            best[cause_id] = score
            support.setdefault(cause_id, 1)
    for cause_id in demoted.intersection(best):
        best[cause_id] -= DEMOTION

    seen_rules = {f.rule_id for f in findings}
    causes: list[Cause] = []
    for cause_id, score in best.items():
        base = _BY_ID[cause_id]
        total = score + _SUPPORT_BONUS * (support[cause_id] - 1)
        seen = bool(seen_rules.intersection(base.rule_ids))
        causes.append(_specialise(base._replace(score=total, seen_here=seen), helper, action))
    causes.sort(key=lambda c: (not c.seen_here, -c.score, _ORDER[c.id]))
    return Explanation(signatures=tuple(sig for _, sig, _ in hits), causes=tuple(causes),
                       runtime=runtime)
