"""Whole text files in and out for `redact` and `unredact`: strict UTF-8 in, bytes out exactly
as given (no newline translation), written atomically."""

from __future__ import annotations

import sys
from typing import BinaryIO, TextIO

from ecr_doctor.cli.exits import UsageError, WriteFailed
from ecr_doctor.machine.files import WriteError, write_atomic


def read_text(path: str, stdin: BinaryIO) -> str:
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


def write_text(path: str, text: str) -> None:
    try:
        write_atomic(path, text.encode("utf-8"), backup=False)
    except WriteError as exc:
        raise WriteFailed(str(exc)) from None


def emit(out: TextIO, text: str) -> None:
    """Write UTF-8 bytes as they are: no newline translation, no locale encoding, so the
    file a user redirects to is byte-identical to what unredact must give back."""
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        out.write(text)
        return
    out.flush()
    buffer.write(text.encode("utf-8"))
    buffer.flush()


def stdin_bytes(stdin: TextIO) -> BinaryIO:
    return getattr(stdin, "buffer", sys.stdin.buffer)
