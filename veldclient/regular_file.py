"""Opening a file a person named (a bundle, an identity file) without being stalled by what it is.

A named pipe with no writer blocks ``open`` and a read forever; a device or a folder never ends or
is not a file. The path is opened non-blocking (so a pipe does not wait for a writer) and its type is
checked on the open descriptor (so nothing can swap it in between) before a byte is read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from veldclient.errors import VeldError


class NotRegularFile(VeldError):
    """The path names a folder, a named pipe, a socket or a device."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path} is geen gewoon bestand (een map, pijp of apparaat) en wordt niet gelezen.",
            f"{path} is not a regular file (a folder, pipe or device) and is not read.",
        )
        self.path = path


def open_regular(path: Path) -> BinaryIO:
    """The file opened for reading; NotRegularFile for anything else; OSError as ``open`` raises it."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegularFile(Path(path))
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
