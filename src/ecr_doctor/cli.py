"""Command line: the only place that reads argv, the real environment, and decides exit codes.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it (or, for `fix --check`,
a change is needed); 2 bad usage or unreadable input (nothing written); 3 a write failed (the
original file untouched).
"""

from __future__ import annotations

import sys

from ecr_doctor.lite import TYPE_CHECKING

from .cli_options import COMMAND_NAMES, COMMON_DEFAULTS
from .exits import EXIT_OK, EXIT_USAGE, EXIT_WRITE, UsageError, WriteFailed
from .exits import use_color as _color

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from typing import TextIO

class _BareArgs:
    """The Namespace argparse would build for a bare `ecr-doctor`, without importing argparse
    (or even types.SimpleNamespace)."""

    def __init__(self, **values: object) -> None:
        self.__dict__.update(values)


def _normalise_argv(argv: list[str]) -> list[str]:
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        return ["diagnose", *argv]
    return argv


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args_list = _normalise_argv(list(sys.argv[1:] if argv is None else argv))
    if args_list == ["diagnose"]:
        # The main job with no options: nothing to parse, so argparse (and the gettext and
        # locale look-ups it makes) stays unloaded — a fifth of the start-up budget.
        defaults = {**COMMON_DEFAULTS, "registry": []}
        # A structural stand-in for the Namespace: same attributes.
        bare: argparse.Namespace = _BareArgs(  # type: ignore[assignment]
            command="diagnose", **defaults)
        code = _dispatch(bare, out, err)
        return EXIT_USAGE if code is None else code
    from .cli_parsers import build_command_parser, build_parser

    if args_list and args_list[0] in COMMAND_NAMES:
        parser = build_command_parser(args_list[0])
        args_list = args_list[1:]
    else:
        parser = build_parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    code = _dispatch(args, out, err)
    if code is None:  # no command given
        parser.print_help(out)
        return EXIT_USAGE
    return code


def _dispatch(args: argparse.Namespace, out: TextIO, err: TextIO) -> int | None:
    from .dockerconfig import ConfigError

    try:
        if args.command == "diagnose":
            from .commands import run_diagnose

            return run_diagnose(args, out)
        if args.command == "fix":
            from .commands import run_fix

            return run_fix(args, out)
        if args.command == "explain":
            from .commands import run_explain
            from .scan import rules as _scan_rules  # registers the SCN pages

            return run_explain(args, out, sys.stdin)
        if args.command == "verify":
            from .verify import run_verify

            return run_verify(args, out)
        if args.command == "rules":
            from .commands import run_rules
            from .scan import rules as _scan_rules  # noqa: F401  (registers SCN pages)

            return run_rules(args, out)
        if args.command == "policy":
            from .enterprise_cli import run_policy

            return run_policy(args, out)
        if args.command == "ci":
            from .enterprise_cli import run_ci

            return run_ci(args, out)
        if args.command == "redact":
            from .redact_cli import run_redact

            return run_redact(args, out, err)
        if args.command == "unredact":
            from .redact_cli import run_unredact

            return run_unredact(args, out)
        if args.command == "scan":
            from .scan.cli import run_scan

            return run_scan(args, out, err)
        if args.command == "audit":
            from .scan.cli import run_audit

            return run_audit(args, out, err)
        if args.command == "demo":
            from .demo import run_demo

            return run_demo(out, color=_color(out))
        if args.command == "web":
            from .web import BuildError, run_web

            try:
                return run_web(port=args.port, build_dir=args.build, serve_dir=args.serve,
                               pyodide_dir=args.pyodide, out=out)
            except BuildError as exc:
                raise UsageError(str(exc)) from exc
    except ConfigError as exc:
        err.write(f"ecr-doctor: error: {exc}\n")
        return EXIT_USAGE
    except UsageError as exc:
        err.write(f"ecr-doctor: error: {exc}\n")
        return EXIT_USAGE
    except WriteFailed as exc:
        err.write(f"ecr-doctor: error: {exc}\n")
        return EXIT_WRITE
    except BrokenPipeError:
        return EXIT_OK
    return None
