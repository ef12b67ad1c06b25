"""Reading a file a management command was pointed at, refusing whatever is not a plain file
of bounded size before it can hang or exhaust memory: a folder, a FIFO (reading one waits
for a writer forever), a device such as /dev/zero (it never ends), a socket."""

from __future__ import annotations

import os
import stat
from pathlib import Path


class FileRefused(Exception):
    """The file cannot be read as asked; the message says why in one line."""


class FileTooLarge(FileRefused):
    def __init__(self, path: Path, size: int) -> None:
        super().__init__(f"{path} is {size:,} bytes")
        self.size = size


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of `path`, a regular file of at most `limit` bytes. Opened without blocking
    and checked on the open file itself, so nothing swapped in after a check is read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise FileRefused(f"{path} does not exist.") from None
    except OSError as error:
        raise FileRefused(f"{path} cannot be read: {error.strerror}.") from None
    try:
        info = os.fstat(fd)
        mode, size = info.st_mode, info.st_size
        if stat.S_ISDIR(mode):
            raise FileRefused(f"{path} is a folder, not a file.")
        if not stat.S_ISREG(mode):
            raise FileRefused(f"{path} is not a regular file (a device, a pipe or a socket?).")
        if size > limit:
            raise FileTooLarge(path, size)
        chunks, read = [], 0
        while read <= limit and (chunk := os.read(fd, min(1 << 20, limit + 1 - read))):
            chunks.append(chunk)
            read += len(chunk)
    except OSError as error:
        raise FileRefused(f"{path} cannot be read: {error.strerror}.") from None
    finally:
        os.close(fd)
    if read > limit:  # it grew after the check
        raise FileTooLarge(path, read)
    return b"".join(chunks)
