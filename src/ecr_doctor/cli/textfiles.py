"""Whole text files in and out for `redact` and `unredact`: strict UTF-8 in, bytes out exactly
as given (no newline translation), written atomically."""

from __future__ import annotations

from typing import BinaryIO, TextIO

from ecr_doctor.cli.exits import UsageError, WriteFailed
from ecr_doctor.machine.files import WriteError, same_file, write_atomic
from ecr_doctor.machine.reading import NotRegularFile, TooLarge, read_regular_file

# Redaction keeps the whole text and its map in memory; a log to share is far smaller.
MAX_INPUT_BYTES = 64 * 1024 * 1024


def read_text(path: str, stdin: BinaryIO) -> str:
    try:
        if path == "-":
            raw = stdin.read(MAX_INPUT_BYTES + 1)
            if len(raw) > MAX_INPUT_BYTES:
                raise TooLarge(path, len(raw), MAX_INPUT_BYTES)
        else:
            raw = read_regular_file(path, MAX_INPUT_BYTES).data
    except (NotRegularFile, TooLarge) as exc:
        raise UsageError(f"cannot read {path}: {exc}; expected a regular file of at most "
                         f"{MAX_INPUT_BYTES // 1_048_576} MiB") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        # Strict UTF-8: a byte that is not UTF-8 could not be restored exactly by unredact.
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 text (invalid byte at offset {exc.start})") from None


def refuse_overwrite(source: str, output: str | None, map_path: str | None, *,
                     map_is_input: bool = False) -> None:
    """Exit 2 before anything is read or written when an output would replace an input or
    the other output: `-o` naming FILE, `--map` naming FILE, `-o` naming the map."""
    if output and source != "-" and same_file(output, source):
        raise UsageError(f"-o {output} is the input file {source}; refusing to overwrite it "
                         "(nothing written)")
    if map_path and output and same_file(output, map_path):
        what = "the map it reads" if map_is_input else "the map file"
        raise UsageError(f"-o {output} is {what} {map_path}; refusing to overwrite it "
                         "(nothing written)")
    if map_path and not map_is_input and source != "-" and same_file(map_path, source):
        raise UsageError(f"--map {map_path} is the input file {source}; refusing to "
                         "overwrite it (nothing written)")


def write_text(path: str, text: str) -> None:
    try:
        write_atomic(path, text.encode("utf-8"), backup=False)
    except WriteError as exc:
        raise WriteFailed(str(exc)) from None


def emit(out: TextIO, text: str) -> None:
    """Write UTF-8 bytes as they are: no newline translation, no locale encoding, so the
    file a user redirects to is byte-identical to what unredact must give back. A terminal
    gets the text through the output guard instead: what it shows must not drive it."""
    buffer = getattr(out, "buffer", None)
    if buffer is None or out.isatty():
        out.write(text)
        return
    out.flush()
    buffer.write(text.encode("utf-8"))
    buffer.flush()


def stdin_bytes(stdin: TextIO) -> BinaryIO:
    return stdin.buffer
