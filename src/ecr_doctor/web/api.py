"""What the offline web page calls, in Pyodide: pasted text in, one JSON document out.

Standard library and the core only: this module ships in the browser bundle (see web/build.py) and
runs there unchanged. The environment is always `unknown_environment()`: a browser has no
machine facts, so the machine rules stay silent, exactly as `diagnose` on a pasted config.
Every answer is a JSON string so the JavaScript side never holds Python proxies (no leaks, no
`destroy()` bookkeeping).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any, ParamSpec

from ecr_doctor import __version__
from ecr_doctor.core.dockerconfig import ConfigError
from ecr_doctor.core.engine import diagnose_text, fix_text
from ecr_doctor.core.environment import unknown_environment
from ecr_doctor.core.model import Finding, Severity
from ecr_doctor.core.options import Options
from ecr_doctor.core.records import finding_dict
from ecr_doctor.core.redaction import redact
from ecr_doctor.core.rules import all_rules, get_rule
from ecr_doctor.core.rules.pages import rule_page

# The page shows locations as `config.json:line:col`, like the CLI does for a file of that name.
PASTED_PATH = "config.json"
# A Docker config is a few KB and an error paste a page of log. Past this the page would freeze
# for seconds in the browser's one thread; the CLI takes files up to 8 MiB.
MAX_PASTE_CHARS = 1_000_000

_P = ParamSpec("_P")


def _answers_even_on_a_bug(call: Callable[_P, str]) -> Callable[_P, str]:
    """A page call that never raises: a bug in the core becomes an `internal` error answer.

    An exception escaping into JavaScript would stop the page before it redraws, leaving the
    previous paste's findings and fix on screen as if they were this paste's. The exception's
    text is not passed on: it may quote the paste, and nothing masks it in the browser.
    """

    @functools.wraps(call)
    def guarded(*args: _P.args, **kwargs: _P.kwargs) -> str:
        try:
            return call(*args, **kwargs)
        except Exception as exc:  # the page's last line of defence, see above
            return json.dumps({
                "ok": False, "internal": True,
                "error": f"ecr-doctor failed on this input ({type(exc).__name__}): nothing "
                "below is from it. Run the CLI on the file (`ecr-doctor diagnose --config "
                "FILE`) and report the bug with the redacted file.",
                "redacted": {"text": "", "placeholders": 0},
                "signatures": [], "causes": [],
            })

    return guarded


def _too_large(text: str) -> str | None:
    if len(text) <= MAX_PASTE_CHARS:
        return None
    return (f"This paste has {len(text):,} characters; the page takes up to "
            f"{MAX_PASTE_CHARS:,} (a Docker config is a few thousand). For a bigger file, run "
            "`ecr-doctor diagnose --config FILE` or `ecr-doctor redact FILE` on your machine.")


def _rule_dict(rule_id: str) -> dict[str, Any] | None:
    rule = get_rule(rule_id)
    if rule is None:
        return None
    return {
        "id": rule.id,
        "name": rule.name,
        "summary": rule.summary,
        "severity": rule.severity.label,
        "fixable": rule.fixable.value if rule.fixable else None,
        "what": rule.doc.what,
        "why": rule.doc.why,
        "fix": rule.doc.fix,
        "example": rule.doc.example,
        "references": list(rule.doc.references),
        "page": rule_page(rule),
    }


def _finding(finding: Finding) -> dict[str, Any]:
    data = finding_dict(finding)
    data["rule"] = _rule_dict(finding.rule_id)
    return data


def _redact(text: str) -> dict[str, Any]:
    """The shareable version. The mapping (placeholder -> original) never leaves Python: only
    its size is reported."""
    result = redact(text, kind="auto")
    return {"text": result.text, "placeholders": len(result.mapping)}


@_answers_even_on_a_bug
def analyse(text: str, unsafe: bool = False) -> str:
    """Diagnose, fix and redact a pasted config; JSON with `error` set when it does not parse."""
    too_large = _too_large(text)
    if too_large is not None:
        return json.dumps({"ok": False, "too_large": True, "error": too_large,
                           "redacted": {"text": "", "placeholders": 0}})
    env = unknown_environment()
    try:
        diagnosis = diagnose_text(text, PASTED_PATH, env)
    except ConfigError as exc:
        return json.dumps({"ok": False, "error": str(exc), "redacted": _redact(text)})
    plan = fix_text(text, PASTED_PATH, env, Options(unsafe_fixes=unsafe))
    findings = diagnosis.findings
    return json.dumps({
        "ok": True,
        "version": __version__,
        "findings": [_finding(f) for f in findings],
        "counts": {s.label: sum(1 for f in findings if f.severity == s) for s in Severity},
        "registries": [
            {"key": res.lookup_key, "host": reg.host, "kind": reg.kind.value,
             "source": res.source.value, "helper": res.helper, "reason": res.reason}
            for reg, res in diagnosis.registries
        ],
        "fix": {
            "changed": plan.changed,
            "after": plan.after,
            "diff": plan.diff(),
            "applied": [f.rule_id for f in plan.applied],
            "unsafe_skipped": [_finding(f) for f in plan.unsafe_skipped],
            "unsafe": unsafe,
        },
        "redacted": _redact(text),
    })


@_answers_even_on_a_bug
def explain(error_text: str, config_text: str = "") -> str:
    """Rank the causes of a pasted error; causes the pasted config shows are marked."""
    findings: tuple[Finding, ...] = ()
    if config_text.strip():
        try:
            findings = diagnose_text(config_text, PASTED_PATH, unknown_environment()).findings
        except ConfigError:
            findings = ()  # a broken config must not stop the explanation
    from ecr_doctor.core.explain import explain_error  # see warm(): not needed to start

    explanation = explain_error(error_text, findings)
    return json.dumps({
        "runtime": explanation.runtime_line(),
        "signatures": [{"id": s.id, "label": s.label, "excerpt": s.excerpt, "line": s.line}
                       for s in explanation.signatures],
        "causes": [{"id": c.id, "title": c.title, "why": c.why, "check": c.check,
                    "rule_ids": list(c.rule_ids), "score": c.score, "seen_here": c.seen_here}
                   for c in explanation.causes],
    })


def rules() -> str:
    return json.dumps([_rule_dict(r.id) for r in all_rules()])


def ready() -> str:
    """Called once at start-up: imports everything so the first paste pays no import cost."""
    from ecr_doctor.core import fixer  # noqa: F401  (engine imports it lazily; warm it here)

    return json.dumps({"version": __version__, "rules": len(all_rules())})


def warm() -> str:
    """Called once the first result is on screen: imports what only Explain needs (its
    regular expressions are a third of the core's import time), off the path to the first
    result."""
    from ecr_doctor.core import explain  # noqa: F401

    return "{}"


def examples() -> str:
    """The bundled example configs (the same ones `ecr-doctor demo` uses): name -> text."""
    from importlib.resources import files

    # Through the package's loader: on the page the core is imported from its zip.
    folder = files("ecr_doctor") / "examples"
    found = sorted((p for p in folder.iterdir() if p.name.endswith(".json")),
                   key=lambda p: p.name)
    return json.dumps([{"name": p.name.removesuffix(".json"), "text": p.read_text("utf-8")}
                       for p in found])
