"""`ecr-doctor`: argv in, exit code out. The one place domain errors become exit codes.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it (or, for `fix --check`,
a change is needed); 2 bad usage or unreadable input (nothing written); 3 a write failed (the
original file untouched).

Each sub-command is a module of this package with `SUMMARY`, `DESCRIPTION`,
`configure(parser)` and `run(args, streams) -> int`; only the one a command line names is
imported.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import TextIO

from ecr_doctor import __version__
from ecr_doctor.cli.exits import EXIT_OK, EXIT_USAGE, EXIT_WRITE, UsageError, WriteFailed
from ecr_doctor.cli.streams import Streams
from ecr_doctor.core.dockerconfig import ConfigError
from ecr_doctor.render.guard import guarded

# Every sub-command, in the order `--help` lists them; each names a module of this package.
COMMANDS = ("diagnose", "fix", "explain", "verify", "rules", "policy", "ci", "redact",
            "unredact", "scan", "audit", "export", "kube", "ecs", "demo", "web")
DEFAULT_COMMAND = "diagnose"


def command_module(name: str) -> ModuleType:
    return importlib.import_module(f"ecr_doctor.cli.{name}")


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, for `ecr-doctor --help` and a line that names no command."""
    parser = argparse.ArgumentParser(
        prog="ecr-doctor",
        description="Diagnose, explain and fix Docker credential configuration for Amazon ECR "
        "(`no basic auth credentials`, `authorization token has expired`).",
        epilog="Network: only `verify` reaches beyond this machine — it runs the credential "
        "helper Docker would run (which asks AWS for a token) and, with --probe, asks the "
        "registry's /v2/. Every other command is offline (`web` serves on 127.0.0.1 only), and "
        "no command prints a secret: tokens show as a short keyed fingerprint at most. With "
        "no command, `diagnose` runs.",
    )
    parser.add_argument("--version", action=_PrintVersion, nargs=0,
                        help="print the version and the content hash of the built-in page")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = command_module(name)
        module.configure(sub.add_parser(name, help=module.SUMMARY,
                                        description=module.DESCRIPTION))
    return parser


class _PrintVersion(argparse.Action):
    """`--version`, worked out only when asked: the page's hash is read from its manifest."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        from ecr_doctor.web.site import version_line

        sys.stdout.write(version_line(__version__) + "\n")  # where argparse's own goes
        parser.exit()


def build_command_parser(name: str) -> argparse.ArgumentParser:
    """One sub-command's parser alone: a run needs only the command it names."""
    module = command_module(name)
    parser = argparse.ArgumentParser(prog=f"ecr-doctor {name}", description=module.DESCRIPTION)
    module.configure(parser)
    parser.set_defaults(command=name)
    return parser


def _with_default_command(argv: list[str]) -> list[str]:
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        return [DEFAULT_COMMAND, *argv]
    return argv


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    # Everything the commands write passes the output guard (render/guard.py).
    streams = Streams(guarded(stdout or sys.stdout), guarded(stderr or sys.stderr), sys.stdin)
    words = _with_default_command(list(sys.argv[1:] if argv is None else argv))
    if words and words[0] in COMMANDS:
        parser = build_command_parser(words[0])
        words = words[1:]
    else:
        parser = build_parser()
    try:
        args = parser.parse_args(words)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help(streams.out)
        return EXIT_USAGE
    return run_command(args, streams)


def run_command(args: argparse.Namespace, streams: Streams) -> int:
    """Run the command `args` names; every domain error becomes its exit code here."""
    try:
        code: int = command_module(args.command).run(args, streams)
    except (ConfigError, UsageError) as exc:
        streams.err.write(f"ecr-doctor: error: {exc}\n")
        return EXIT_USAGE
    except WriteFailed as exc:
        streams.err.write(f"ecr-doctor: error: {exc}\n")
        return EXIT_WRITE
    except BrokenPipeError:
        return EXIT_OK
    return code
