"""`ecr-doctor redact` / `unredact`: the file and terminal edge around `redaction` (the core).

Kept out of cli.py so `ecr-doctor diagnose` never pays for importing it.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import BinaryIO, TextIO

from .exits import EXIT_OK, UsageError, WriteFailed


def _read(path: str, stdin: BinaryIO) -> str:
    try:
        if path == "-":
            raw = stdin.read()
        else:
            with open(path, "rb") as handle:
                raw = handle.read()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        # Strict UTF-8: a byte that is not UTF-8 could not be restored exactly by unredact.
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 text (invalid byte at offset {exc.start})") from None


def _write(path: str, text: str) -> None:
    from .fileio import WriteError, write_atomic

    try:
        write_atomic(path, text.encode("utf-8"), backup=False)
    except WriteError as exc:
        raise WriteFailed(str(exc)) from None


def run_redact(args: argparse.Namespace, out: TextIO, err: TextIO,
               stdin: BinaryIO | None = None) -> int:
    from .redaction import RedactionError, dump_map, redact

    if args.map and os.path.lexists(args.map) and not args.force:
        raise UsageError(f"{args.map} already exists; it may be the only key to an earlier "
                         "redaction (use --force to overwrite it)")
    text = _read(args.file, stdin or sys.stdin.buffer)
    try:
        result = redact(text, kind=args.kind)
    except RedactionError as exc:
        raise UsageError(f"{args.file}: {exc}") from None
    if args.map:
        # The map first: if it cannot be written, nothing claims the output is reversible.
        _write(args.map, dump_map(result.mapping))
    if args.output:
        _write(args.output, result.text)
    else:
        _emit(out, result.text)
    count = len(result.mapping)
    if args.map:
        err.write(f"ecr-doctor: {count} value(s) redacted; the map is in {args.map} (mode 0600). "
                  "It holds the originals: never share it. Restore with: ecr-doctor unredact "
                  f"FILE --map {args.map}\n")
    else:
        err.write(f"ecr-doctor: {count} value(s) redacted; no --map given, so this cannot be "
                  "undone.\n")
    return EXIT_OK


def run_unredact(args: argparse.Namespace, out: TextIO, stdin: BinaryIO | None = None) -> int:
    from .redaction import RedactionError, load_map, unredact

    text = _read(args.file, stdin or sys.stdin.buffer)
    try:
        mapping = load_map(_read(args.map, stdin or sys.stdin.buffer))
    except RedactionError as exc:
        raise UsageError(f"{args.map}: {exc}") from None
    restored = unredact(text, mapping)
    if args.output:
        _write(args.output, restored)
    else:
        _emit(out, restored)
    return EXIT_OK


def _emit(out: TextIO, text: str) -> None:
    """Write UTF-8 bytes as they are: no newline translation, no locale encoding, so the
    file a user redirects to is byte-identical to what unredact must give back."""
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        out.write(text)
        return
    out.flush()
    buffer.write(text.encode("utf-8"))
    buffer.flush()
