"""The bounded reader: regular files only, at most a given number of bytes.

The file is opened before it is looked at (`O_NONBLOCK`, so opening a FIFO cannot block, and
`O_NOCTTY`), then checked through that same descriptor: what was checked is what is read,
even if someone swaps the path for a FIFO or a device between the two.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from typing import BinaryIO, NamedTuple

__all__ = ["NotRegularFile", "ReadResult", "TooLarge", "read_regular_file", "read_stream"]

_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(
    os, "O_CLOEXEC", 0)


class NotRegularFile(OSError):
    """A directory, FIFO, socket or device where a file was expected."""

    def __init__(self, path: str, mode: int) -> None:
        super().__init__("a directory" if stat.S_ISDIR(mode) else "not a regular file")
        self.path, self.is_directory = path, stat.S_ISDIR(mode)


class TooLarge(OSError):
    def __init__(self, path: str, size: int, limit: int) -> None:
        super().__init__(f"larger than {limit} bytes")
        self.path, self.size, self.limit = path, size, limit


class ReadResult(NamedTuple):
    data: bytes
    mode: int  # st_mode of the file read


def read_regular_file(path: str, limit: int) -> ReadResult:
    """The bytes of the regular file `path`; raises NotRegularFile, TooLarge, or the OSError
    of the open (FileNotFoundError, PermissionError, ...)."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(path, st.st_mode)
        if st.st_size > limit:
            raise TooLarge(path, st.st_size, limit)
        # One byte more than the cap shows a file that grew while being read.
        return ReadResult(_read_capped(lambda n: os.read(fd, n), limit, path), st.st_mode)
    finally:
        os.close(fd)


def _read_capped(read: Callable[[int], bytes], limit: int, name: str) -> bytes:
    """Up to `limit` bytes from `read`, taking one byte more to tell a full read from a cut
    one; raises TooLarge when that byte came."""
    chunks: list[bytes] = []
    remaining = limit + 1
    while remaining > 0:
        chunk = read(min(remaining, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    data = b"".join(chunks)
    if len(data) > limit:
        raise TooLarge(name, len(data), limit)
    return data


def read_stream(stream: BinaryIO, limit: int, name: str = "stdin") -> bytes:
    """At most `limit` bytes of a stream (stdin, a pipe); raises TooLarge past that.

    A pipe has no size to check first, so one byte more than the cap is read: a stream cut at
    the cap and scanned as if whole would answer "no findings" for what it never saw.
    """
    return _read_capped(stream.read, limit, name)
