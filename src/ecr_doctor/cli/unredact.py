"""`ecr-doctor unredact`: the originals put back into redacted text, from the map."""

from __future__ import annotations

import argparse

from ecr_doctor.cli.exits import EXIT_OK, UsageError
from ecr_doctor.cli.streams import Streams
from ecr_doctor.cli.textfiles import (
    emit,
    read_text,
    refuse_overwrite,
    stdin_bytes,
    write_text,
)

SUMMARY = "put the originals back into redacted text, using the map"
DESCRIPTION = (
    "Replace the placeholders of `ecr-doctor redact` by the originals from MAPFILE and "
    "print the result exactly. Works offline: nothing is sent anywhere."
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="redacted text (an answer about it); - for "
                        "stdin")
    parser.add_argument("--map", metavar="MAPFILE", required=True,
                        help="the map `ecr-doctor redact --map` wrote")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write the restored text here instead of stdout")


def run(args: argparse.Namespace, streams: Streams) -> int:
    out = streams.out
    from ecr_doctor.core.redaction import RedactionError, load_map, unredact

    refuse_overwrite(args.file, args.output, args.map, map_is_input=True)
    text = read_text(args.file, stdin_bytes(streams.stdin))
    try:
        mapping = load_map(read_text(args.map, stdin_bytes(streams.stdin)))
    except RedactionError as exc:
        raise UsageError(f"{args.map}: {exc}") from None
    restored = unredact(text, mapping)
    if args.output:
        write_text(args.output, restored)
    else:
        emit(out, restored)
    return EXIT_OK

