"""`ecr-doctor explain`: the ranked causes of a pasted error, or a rule's page."""

from __future__ import annotations

import argparse
from typing import TextIO

from ecr_doctor.cli.exits import EXIT_OK, UsageError, use_color
from ecr_doctor.cli.loading import diagnose, load
from ecr_doctor.cli.options import NETWORK_NOTE
from ecr_doctor.cli.streams import Streams
from ecr_doctor.core.dockerconfig import ConfigError
from ecr_doctor.core.model import Finding
from ecr_doctor.render.style import Style

SUMMARY = "explain a pasted error message, or a rule"
DESCRIPTION = (
    "Rank the likely causes of a pasted Docker/ECR error and name the check for each "
    "(marking what this machine shows), or print a rule's page. Use - to read the text "
    "from stdin. "
    + NETWORK_NOTE
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", nargs="+", help='error text, "-", or a rule id such as CFG001')
    parser.add_argument("--config", metavar="PATH", help="config to check causes against")
    parser.add_argument("--format", choices=("text", "json"), default="text")


# A whole CI log fits; past this the input is not a log someone pasted.
MAX_STDIN_CHARS = 64 * 1024 * 1024


def _read_stdin(stdin: TextIO) -> str:
    text = stdin.read(MAX_STDIN_CHARS + 1)
    if len(text) > MAX_STDIN_CHARS:
        raise UsageError(f"stdin holds more than {MAX_STDIN_CHARS:,} characters; pass the part "
                         "of the log around the failing step")
    return text


def run(args: argparse.Namespace, streams: Streams) -> int:
    out, stdin = streams.out, streams.stdin
    from ecr_doctor.core.rules import get_rule

    words = args.text
    text = _read_stdin(stdin) if words == ["-"] else " ".join(words)
    rule = get_rule(text) if len(text) < 16 else None
    if rule is not None:
        from ecr_doctor.core.rules.pages import rule_page

        page = rule_page(rule)
        if args.format == "json":
            from ecr_doctor.render.jsonout import dumps, envelope, rule_page_result

            out.write(dumps(envelope("explain", rule_page_result(rule, page),
                                     exit_code=EXIT_OK)))
        else:
            out.write(page)
        return EXIT_OK
    if not text.strip():
        raise UsageError("nothing to explain: paste the error text, or name a rule id")
    from ecr_doctor.core.explain import explain_error

    findings: tuple[Finding, ...] = ()
    try:
        findings = diagnose(load(args.config, []), []).findings
    except ConfigError:  # the machine's own evidence is a bonus: explain works without it
        findings = ()
    explanation = explain_error(text, findings)
    if args.format == "json":
        from ecr_doctor.render.jsonout import dumps, envelope, explanation_result

        out.write(dumps(envelope("explain", explanation_result(explanation),
                                 exit_code=EXIT_OK)))
        return EXIT_OK
    from ecr_doctor.render.pages import explanation_text

    out.write(explanation_text(explanation, Style(use_color(out))))
    return EXIT_OK

