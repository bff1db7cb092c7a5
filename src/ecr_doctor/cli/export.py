"""`ecr-doctor export`: the scanner's rules for other secret scanners (gitleaks, trufflehog).

The file is the main output (`ecr-doctor export gitleaks > .gitleaks-ecr.toml`); `--format
json` puts it, and the rules it holds, in the envelope. Nothing is read: the output is the
same on every machine.
"""

from __future__ import annotations

import argparse

from ecr_doctor.cli.exits import EXIT_OK
from ecr_doctor.cli.streams import Streams

SUMMARY = "print ecr-doctor's scan rules as a gitleaks config or trufflehog custom detectors"
DESCRIPTION = (
    "Print the patterns `ecr-doctor scan` uses (ECR tokens in both forms, static credentials "
    "in Docker config `auths`, the ECR credential helper's cache, Kubernetes pull secrets) "
    "as rules for another secret scanner: `export gitleaks` a gitleaks config (TOML) that "
    "extends gitleaks' default rules, `export trufflehog` trufflehog custom detectors (YAML). "
    "Offline; nothing is read or sent."
)
TARGETS = ("gitleaks", "trufflehog")


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="export_target", metavar="TARGET", required=True)
    for target, help_text, description in (
        ("gitleaks", "a gitleaks config (TOML) extending gitleaks' default rules",
         "Print a gitleaks config whose [[rules]] find what `ecr-doctor scan` finds and "
         "whose [extend] useDefault keeps gitleaks' own rules: "
         "ecr-doctor export gitleaks > .gitleaks-ecr.toml; gitleaks dir --config "
         ".gitleaks-ecr.toml . (or `[extend] path = \".gitleaks-ecr.toml\"` in your own "
         "config)."),
        ("trufflehog", "trufflehog custom detectors (YAML)",
         "Print trufflehog custom detectors that find what `ecr-doctor scan` finds: "
         "ecr-doctor export trufflehog > ecr.yaml; trufflehog filesystem --config ecr.yaml ."),
    ):
        target_parser = sub.add_parser(target, help=help_text, description=description)
        target_parser.add_argument(
            "--format", choices=("text", "json"), default="text",
            help="text: the file itself; json: the file and its rules in ecr-doctor's envelope")


def run(args: argparse.Namespace, streams: Streams) -> int:
    from ecr_doctor.render.exports import export_file, export_result
    from ecr_doctor.scan.patterns import RULES

    text = export_file(args.export_target, RULES)
    if args.format == "json":
        from ecr_doctor.render.jsonout import dumps, envelope

        streams.out.write(dumps(envelope("export", export_result(args.export_target, RULES, text),
                                         exit_code=EXIT_OK)))
    else:
        streams.out.write(text)
    return EXIT_OK
