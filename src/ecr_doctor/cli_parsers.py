"""The argparse set-up of every command: loaded only when a command line has something to parse.

A bare `ecr-doctor` (the main job) never imports this module, nor argparse.
"""

from __future__ import annotations

import argparse

from ecr_doctor.lite import TYPE_CHECKING

from . import __version__
from .cli_options import COMMON_DEFAULTS

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

NETWORK_NOTE = (
    "ecr-doctor works offline: diagnose, fix, explain, rules and demo never touch the network "
    "and never print a secret (tokens show as a short sha256 fingerprint at most)."
)


def _add_common(parser: argparse.ArgumentParser, *, formats: Sequence[str]) -> None:
    parser.add_argument("--config", metavar="PATH",
                        help="config.json, or its directory as Docker's own --config takes it "
                        "(default: $DOCKER_CONFIG/config.json, else ~/.docker/config.json)")
    parser.add_argument("--registry", metavar="HOST", action="append", default=[],
                        help="an ECR registry to set up even if the config does not mention it "
                        "(repeatable)")
    parser.add_argument("--format", choices=formats, default=COMMON_DEFAULTS["format"],
                        help="output format")
    parser.add_argument("--fail-on", metavar="SEVERITY", default=COMMON_DEFAULTS["fail_on"],
                        help="exit 1 if a finding is at or above this severity: info, low, "
                        "medium, high, critical (default: low)")


def _configure_diagnose(parser: argparse.ArgumentParser) -> None:
    _add_common(parser, formats=("text", "json"))


def _configure_fix(parser: argparse.ArgumentParser) -> None:
    _add_common(parser, formats=("text", "json"))
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--diff", dest="mode", action="store_const", const="diff",
                      help="show the change, write nothing (default)")
    mode.add_argument("--check", dest="mode", action="store_const", const="check",
                      help="exit 1 if a change is needed, else 0; write nothing")
    mode.add_argument("--write", dest="mode", action="store_const", const="write",
                      help="apply the change")
    parser.add_argument("--unsafe-fixes", action="store_true",
                        help="also apply fixes that change behaviour beyond the defect")
    from .enterprise_cli import add_fix_flags  # only `fix` pays for it

    add_fix_flags(parser)


def _configure_explain(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", nargs="+", help='error text, "-", or a rule id such as CFG001')
    parser.add_argument("--config", metavar="PATH", help="config to check causes against")


def _configure_rules(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text")


def _configure_verify(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="PATH",
                        help="config.json, or its directory (default: as Docker finds it)")
    parser.add_argument("--registry", metavar="HOST", action="append", default=[],
                        help="check only this ECR registry (repeatable); one the config does "
                        "not mention is checked with the helper `fix` would set up")
    parser.add_argument("--probe", action="store_true",
                        help="also GET https://HOST/v2/ with the credentials and report the "
                        "status and any 'denied:' message (network use; off by default)")
    parser.add_argument("--timeout", metavar="S", type=float, default=20.0,
                        help="seconds to wait for each helper run and probe (default: 20)")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def _configure_web(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=8765,
                        help="port on 127.0.0.1 (default: 8765; 0 picks a free one)")
    parser.add_argument("--build", metavar="DIR",
                        help="only build the static page into DIR (any static host can serve it)")
    parser.add_argument("--serve", metavar="DIR", help="serve an already built DIR")
    parser.add_argument("--pyodide", metavar="DIR",
                        help="the pyodide npm package (default: web/node_modules/pyodide)")


def _configure_scan(parser: argparse.ArgumentParser) -> None:
    from .scan.cli import configure_scan  # only `scan` pays for it

    configure_scan(parser)


def _configure_audit(parser: argparse.ArgumentParser) -> None:
    from .scan.cli import configure_audit

    configure_audit(parser)


def _configure_nothing(parser: argparse.ArgumentParser) -> None:
    pass


def _configure_policy(parser: argparse.ArgumentParser) -> None:
    from .enterprise_cli import configure_policy

    configure_policy(parser)


def _configure_ci(parser: argparse.ArgumentParser) -> None:
    from .enterprise_cli import configure_ci

    configure_ci(parser)


def _configure_redact(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", nargs="?", default="-", metavar="FILE",
                        help="config, JSON or log to redact; - or nothing reads stdin")
    parser.add_argument("--map", metavar="MAPFILE",
                        help="write the placeholder map here (mode 0600) so `unredact` can "
                        "restore the original; never share it")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write the redacted text here instead of stdout")
    parser.add_argument("--force", action="store_true", help="overwrite an existing map file")
    parser.add_argument("--kind", choices=("auto", "config", "json", "text"), default="auto",
                        help="how to read the input (default: auto, a Docker config if it "
                        "looks like one)")


def _configure_unredact(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="redacted text (an answer about it); - for "
                        "stdin")
    parser.add_argument("--map", metavar="MAPFILE", required=True,
                        help="the map `ecr-doctor redact --map` wrote")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write the restored text here instead of stdout")


# name -> (one-line help, description, configure)
SUBCOMMANDS: dict[str, tuple[str, str, Callable[[argparse.ArgumentParser], None]]] = {
    "diagnose": (
        "diagnose the config Docker would use (default)",
        "Diagnose a Docker config and the machine around it, and say which credential source "
        "Docker uses for each registry. " + NETWORK_NOTE,
        _configure_diagnose,
    ),
    "fix": (
        "fix the config: show a diff, check, or write",
        "Fix the config. Default --diff shows the change and writes nothing; --write keeps a "
        "timestamped backup, writes atomically and leaves mode 0600. " + NETWORK_NOTE,
        _configure_fix,
    ),
    "explain": (
        "explain a pasted error message, or a rule",
        "Rank the likely causes of a pasted Docker/ECR error and name the check for each "
        "(marking what this machine shows), or print a rule's page. Use - to read the text "
        "from stdin. " + NETWORK_NOTE,
        _configure_explain,
    ),
    "verify": (
        "run the credential helper Docker would run, and check its answer",
        "For each ECR registry, run the credential helper Docker would run "
        "(docker-credential-<helper> get) and report whether it was found, ran, returned "
        "credentials and when the token expires; secrets show only as a sha256 fingerprint. "
        "Exit 0 when every registry checked has usable credentials, else 1. Network: the "
        "helper itself calls the ECR API; ecr-doctor adds one request per registry only with "
        "--probe.",
        _configure_verify,
    ),
    "rules": ("list every rule", "List every rule with its severity and fix class.",
              _configure_rules),
    "policy": (
        "print a least-privilege IAM policy (iam) or a conftest Rego policy (rego)",
        "Print generated policies: `policy iam` least-privilege IAM JSON for ECR pull/push, "
        "`policy rego` an OPA Rego v1 policy for conftest. Nothing is read or sent.",
        _configure_policy,
    ),
    "ci": (
        "print the canonical CI job for ECR (github) or its OIDC trust policy",
        "Print the canonical GitHub Actions job for ECR with OIDC and no stored keys, or "
        "with --trust-policy the IAM trust policy for its role.",
        _configure_ci,
    ),
    "redact": (
        "make a config, JSON or log safe to share (reversible with a local map)",
        "Replace AWS account IDs, registry hosts, tokens, keys, ARNs, emails, private keys and "
        "other high-entropy strings by consistent placeholders. A Docker config stays valid "
        "and diagnoses the same way. With --map, `ecr-doctor unredact` restores the original "
        "byte for byte. Works offline: nothing is sent anywhere.",
        _configure_redact,
    ),
    "unredact": (
        "put the originals back into redacted text, using the map",
        "Replace the placeholders of `ecr-doctor redact` by the originals from MAPFILE and print "
        "the result exactly. Works offline: nothing is sent anywhere.",
        _configure_unredact,
    ),
    "scan": (
        "scan repositories and CI files for registry credentials and risky ECR logins",
        "Scan files and directories (honouring .gitignore; binaries, huge files and symlinks "
        "out of the tree skipped) for Docker configs with static credentials, ECR tokens, "
        "`aws ecr get-login`, `docker login -p`, and CI patterns that leave tokens on runners "
        "(rules SCN001-SCN008). Output text, json or sarif; --baseline accepts known findings. "
        "scan never touches the network and never prints a secret.",
        _configure_scan,
    ),
    "audit": (
        "check this host's Docker configs, helper caches and environment (runner gate)",
        "Check every Docker config on the host ($DOCKER_CONFIG, each home's "
        "~/.docker/config.json, root's, --path work dirs), each ecr-login cache and "
        "DOCKER_AUTH_CONFIG; exit 1 on a static ECR credential or a broken helper set-up "
        "(per --fail-on) and say what could not be read. audit never touches the network.",
        _configure_audit,
    ),
    "demo": (
        "diagnose and fix bundled examples of the classic breakages",
        "Run diagnose, fix and diff on bundled example configs against a synthetic machine. "
        "Nothing on this machine is read or written.",
        _configure_nothing,
    ),
    "web": (
        "serve the offline web page on 127.0.0.1, or build it",
        "Serve the offline page on 127.0.0.1: paste a config and get the findings, the "
        "corrected config and a redacted copy, computed in the browser by this same core "
        "(Pyodide). The page loads nothing from another origin and sends nothing anywhere.",
        _configure_web,
    ),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ecr-doctor",
        description="Diagnose, explain and fix Docker credential configuration for Amazon ECR "
        "(`no basic auth credentials`, `authorization token has expired`).",
        epilog="Network: only `verify` reaches beyond this machine — it runs the credential "
        "helper Docker would run (which asks AWS for a token) and, with --probe, asks the "
        "registry's /v2/. Every other command is offline (`web` serves on 127.0.0.1 only), and "
        "no command prints a secret: tokens show as a short sha256 fingerprint at most. With "
        "no command, `diagnose` runs.",
    )
    parser.add_argument("--version", action="version", version=f"ecr-doctor {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (summary, description, configure) in SUBCOMMANDS.items():
        configure(sub.add_parser(name, help=summary, description=description))
    return parser


def build_command_parser(name: str) -> argparse.ArgumentParser:
    """One sub-command's parser alone: argparse's per-parser set-up (gettext look-ups) is a
    measurable share of start-up, and a run only ever needs one."""
    _, description, configure = SUBCOMMANDS[name]
    parser = argparse.ArgumentParser(prog=f"ecr-doctor {name}", description=description)
    configure(parser)
    parser.set_defaults(command=name)
    return parser
