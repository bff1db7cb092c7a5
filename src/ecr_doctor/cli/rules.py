"""`ecr-doctor rules`: every rule with its severity and fix class."""

from __future__ import annotations

import argparse

from ecr_doctor.cli.exits import EXIT_OK
from ecr_doctor.cli.streams import Streams

SUMMARY = "list every rule"
DESCRIPTION = (
    "List every rule with its severity and fix class."
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace, streams: Streams) -> int:
    out = streams.out
    from ecr_doctor.core.rules import all_rules

    rules = all_rules()
    if args.format == "json":
        from ecr_doctor.render.jsonout import dumps, envelope, rules_result

        out.write(dumps(envelope("rules", rules_result(rules), exit_code=EXIT_OK)))
        return EXIT_OK
    for r in rules:
        fix = r.fixable.value if r.fixable else "-"
        out.write(f"{r.id}  {r.severity.label:<8} fix:{fix:<6} {r.name}: {r.summary}\n")
    return EXIT_OK

