"""`ecr-doctor ecs check`: lint an Amazon ECS task definition offline (rules ECS001-ECS009)."""

from __future__ import annotations

import argparse
import os
from typing import TextIO

from ecr_doctor.cli.exits import EXIT_FINDINGS, EXIT_OK, UsageError, use_color
from ecr_doctor.cli.options import add_sarif_options, parse_fail_on
from ecr_doctor.cli.streams import Streams
from ecr_doctor.core.taskdef import MAX_TASKDEF_BYTES, TaskDefError, parse_task_definition

SUMMARY = "lint an Amazon ECS task definition for ECR pull and credential problems"
DESCRIPTION = (
    "ecs check FILE|-: read a task definition (as `aws ecs describe-task-definition` prints "
    "it, or the bare definition `register-task-definition --cli-input-json` takes) and report "
    "images on look-alike ECR hosts or without a tag, a missing task execution role where a "
    "private ECR image, secrets, repositoryCredentials or awslogs need one, "
    "repositoryCredentials on an ECR image, and credentials in plain-text environment values "
    "(rules ECS001-ECS009). Offline: nothing is sent to AWS, and no secret is printed."
)


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="ecs_command", metavar="ACTION", required=True)
    check = sub.add_parser("check", help="lint a task definition file (or - for stdin)",
                           description=DESCRIPTION)
    check.add_argument("file", metavar="FILE",
                       help="task definition JSON, or - to read it from stdin")
    check.add_argument("--format", choices=("text", "json", "sarif"), default="text",
                       help="output format (default: text)")
    check.add_argument("--fail-on", metavar="SEVERITY", default="low",
                       help="exit 1 if a finding is at or above this severity: info, low, "
                       "medium, high, critical (default: low)")
    add_sarif_options(check, default="ecr-doctor/ecs")


def _read(path: str, stdin: TextIO) -> bytes:
    from ecr_doctor.machine.reading import NotRegularFile, TooLarge, read_regular_file

    limit = f"a regular file of at most {MAX_TASKDEF_BYTES // 1_048_576} MiB"
    try:
        if path == "-":
            buffer = getattr(stdin, "buffer", None)
            raw = (buffer.read(MAX_TASKDEF_BYTES + 1) if buffer is not None
                   else stdin.read(MAX_TASKDEF_BYTES + 1).encode("utf-8", "surrogateescape"))
            if len(raw) > MAX_TASKDEF_BYTES:
                raise TooLarge(path, len(raw), MAX_TASKDEF_BYTES)
            return bytes(raw)
        return read_regular_file(path, MAX_TASKDEF_BYTES).data
    except (NotRegularFile, TooLarge) as exc:
        raise UsageError(f"cannot read {path}: {exc}; expected {limit}") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None


def run(args: argparse.Namespace, streams: Streams) -> int:
    from ecr_doctor.core.rules.ecs import check_task_definition

    threshold = parse_fail_on(args.fail_on)
    name = "<stdin>" if args.file == "-" else args.file
    raw = _read(args.file, streams.stdin)
    try:
        # The AWS CLI reads the file as UTF-8; a byte that is not is not a task definition.
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{name}: not UTF-8 text (invalid byte at offset {exc.start}): not a "
                         "task definition") from None
    try:
        td = parse_task_definition(text, name)
    except TaskDefError as exc:
        raise UsageError(f"{name}:{exc}") from None
    findings = check_task_definition(td)
    code = EXIT_FINDINGS if any(f.severity >= threshold for f in findings) else EXIT_OK
    out = streams.out
    if args.format == "json":
        from ecr_doctor.render.jsonout import dumps, ecs_result, envelope

        out.write(dumps(envelope("ecs", ecs_result(td, findings), exit_code=code)))
    elif args.format == "sarif":
        from ecr_doctor.core.rules.ecs import checked_rules
        from ecr_doctor.render.sarif import dumps as sarif_dumps

        out.write(sarif_dumps(findings, checked_rules(), category=args.category,
                              root=os.getcwd(), exit_code=code))
    else:
        from ecr_doctor.render.style import Style
        from ecr_doctor.render.text import ecs_text

        out.write(ecs_text(td, findings, Style(use_color(out))))
    return code
