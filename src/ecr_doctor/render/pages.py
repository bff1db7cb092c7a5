"""Long-form text: a rule's page (composed in the core, which the page shares), and the ranked
causes of a pasted error."""

from __future__ import annotations

import textwrap

from ecr_doctor.core.explain import Explanation
from ecr_doctor.render.style import Style


def _para(text: str) -> str:
    return textwrap.fill(text, width=88)


def _ranges(numbers: list[int]) -> str:
    parts: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], 0]:
        if n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        start = prev = n
    return ", ".join(parts)


def explanation_text(explanation: Explanation, style: Style) -> str:
    if not explanation.causes:
        return (f"{explanation.runtime_line()}\n"
                "ecr-doctor did not recognise this error. Try the exact line Docker printed, or "
                "run `ecr-doctor` to diagnose the config.\n")
    out = [style.bold(explanation.runtime_line())]
    labels = ", ".join(s.label for s in explanation.signatures)
    out.append(f"Recognised: {style.bold(labels)}")
    lines = sorted({s.line for s in explanation.signatures if s.line})
    if lines:
        out.append(f"Lines used: {_ranges(lines)}")
    out.append("")
    out.append("Likely causes, most likely first:")
    for rank, cause in enumerate(explanation.causes, 1):
        seen = style.bold("  ← this machine shows it") if cause.seen_here else ""
        rules = f" [{', '.join(cause.rule_ids)}]" if cause.rule_ids else ""
        out.append(f"{rank}. {cause.title}{rules}{seen}")
        out.append(textwrap.indent(_para(cause.why), "     "))
        out.append(textwrap.indent(_para(f"Check: {cause.check}"), "     "))
    return "\n".join(out) + "\n"
