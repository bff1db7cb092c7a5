"""`ecr-doctor audit`: this host's Docker configs, helper caches and environment, as a runner
gate. It never touches the network."""

from __future__ import annotations

import argparse
import os

from ecr_doctor.cli.exits import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError
from ecr_doctor.cli.options import parse_fail_on
from ecr_doctor.cli.scan import add_output_options
from ecr_doctor.cli.streams import Streams
from ecr_doctor.render.report import emit_report
from ecr_doctor.scan.report import FindingsReport

SUMMARY = "check this host's Docker configs, helper caches and environment (runner gate)"
DESCRIPTION = (
    "Check every Docker config on the host ($DOCKER_CONFIG, each home's "
    "~/.docker/config.json, root's, --path work dirs), each ecr-login cache and "
    "DOCKER_AUTH_CONFIG; exit 1 on a static ECR credential or a broken helper set-up (per "
    "--fail-on) and say what could not be read. audit never touches the network."
)


def configure(parser: argparse.ArgumentParser) -> None:
    add_output_options(parser, "audit")
    parser.add_argument("--root", metavar="DIR", default="/",
                        help="the file system root to audit (default: /; a directory for "
                        "tests or a mounted runner image)")
    parser.add_argument("--path", metavar="DIR", action="append", default=[],
                        help="a runner work directory to search for Docker configs and helper "
                        "caches (repeatable)")


def run(args: argparse.Namespace, streams: Streams) -> int:
    out = streams.out
    from ecr_doctor.scan.audit import audit_host

    threshold = parse_fail_on(args.fail_on)
    if not os.path.isdir(args.root):
        # A gate must not pass because it looked at nothing: a root that is not there (a typo,
        # an unmounted image) is an error, not "no findings".
        why = "does not exist" if not os.path.lexists(args.root) else "is not a directory"
        raise UsageError(f"--root {args.root} {why}; nothing was audited")
    report = audit_host(args.root, args.path, dict(os.environ))
    findings = list(report.findings)
    code = EXIT_FINDINGS if any(f.severity >= threshold for f in findings) else EXIT_OK
    if report.unreadable:
        # Fail closed, as scan does: what the gate could not read may hold the token it exists
        # to catch. Other users' homes need root; --root/--path narrow what is audited.
        streams.err.write(f"ecr-doctor: error: {len(report.unreadable)} path(s) could not be "
                          "read, so the audit is incomplete (exit 2); run it as root, or "
                          "narrow it with --root/--path\n")
        code = EXIT_USAGE
    emit_report(args.format, FindingsReport("audit", findings, len(report.checked), code,
                                            unreadable=report.unreadable,
                                            checked=report.checked),
                out, verbose=args.verbose, sarif_category=args.category,
                sarif_root=os.getcwd())
    return code
