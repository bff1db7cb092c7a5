"""`ecr-doctor redact`: a config, JSON or log made safe to share, reversibly with a map."""

from __future__ import annotations

import argparse
import os

from ecr_doctor.cli.exits import EXIT_OK, UsageError
from ecr_doctor.cli.streams import Streams
from ecr_doctor.cli.textfiles import (
    emit,
    read_text,
    refuse_overwrite,
    stdin_bytes,
    write_text,
)

SUMMARY = "make a config, JSON or log safe to share (reversible with a local map)"
DESCRIPTION = (
    "Replace AWS account IDs, registry hosts, tokens, keys, ARNs, emails, private keys "
    "and other high-entropy strings by consistent placeholders. A Docker config stays "
    "valid and diagnoses the same way. With --map, `ecr-doctor unredact` restores the "
    "original byte for byte. Works offline: nothing is sent anywhere."
)


def configure(parser: argparse.ArgumentParser) -> None:
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


def run(args: argparse.Namespace, streams: Streams) -> int:
    out, err = streams.out, streams.err
    from ecr_doctor.core.redaction import RedactionError, dump_map, redact

    refuse_overwrite(args.file, args.output, args.map)
    if args.map and os.path.lexists(args.map) and not args.force:
        raise UsageError(f"{args.map} already exists; it may be the only key to an earlier "
                         "redaction (use --force to overwrite it)")
    text = read_text(args.file, stdin_bytes(streams.stdin))
    try:
        result = redact(text, kind=args.kind)
    except RedactionError as exc:
        raise UsageError(f"{args.file}: {exc}") from None
    if args.map:
        # The map first: if it cannot be written, nothing claims the output is reversible.
        write_text(args.map, dump_map(result.mapping))
    if args.output:
        write_text(args.output, result.text)
    else:
        emit(out, result.text)
    count = len(result.mapping)
    if args.map:
        err.write(f"ecr-doctor: {count} value(s) redacted; the map is in {args.map} (mode 0600). "
                  "It holds the originals: never share it. Restore with: ecr-doctor unredact "
                  f"FILE --map {args.map}\n")
    else:
        err.write(f"ecr-doctor: {count} value(s) redacted; no --map given, so this cannot be "
                  "undone.\n")
    return EXIT_OK

