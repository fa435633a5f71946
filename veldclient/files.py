"""Writing a file so that a crash leaves the old file or the new one, never half of either.

The bytes go to a temporary file in the target's folder and are synced to the disk; the temporary
file is then renamed over the target (a rename within a folder is atomic), and the folder is synced
so the rename itself survives a power cut. Keys, identities, profiles, exports and bundles all need
exactly this, so it is written once.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

CHUNK = 1 << 20  # bytes per write call: a large bundle is written without a second copy in memory


def fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable. Best effort: not every platform or filesystem (Windows,
    FAT through FUSE) can open or sync a folder, and the file itself is synced already."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(
    path: Path, data: bytes, *, mode: int = 0o600, overwrite: bool = True, temp: Path | None = None
) -> None:
    """Write ``data`` to ``path`` via a synced temporary file and a rename; the file gets exactly
    ``mode`` (the umask may not narrow it). OSError as the filesystem raises it; the temporary file
    is removed on failure (unless the process dies, which is why its name never looks like a target).

    With ``overwrite=False`` the file is published with ``os.link``, which fails if the target exists
    even when two processes race: ``FileExistsError`` then. ``temp`` names the temporary file when
    readers must recognise it (a bundle's ``.part``); by default it is a hidden, unique name.
    """
    if temp is None:
        temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    else:  # a fixed name: one a killed process left behind is written over
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view[:CHUNK]) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(temp, mode)
        if overwrite:
            os.replace(temp, path)
        else:
            _publish_new(temp, path)
    finally:
        with contextlib.suppress(OSError):  # gone after the rename; never hide the first error
            os.unlink(temp)
    fsync_dir(path.parent)


def _publish_new(temp: Path, path: Path) -> None:
    """Give the written file its name only if nothing has that name yet."""
    try:
        os.link(temp, path)
    except FileExistsError:
        raise
    except OSError:  # a filesystem without hard links
        if path.exists():
            raise FileExistsError(path) from None
        os.replace(temp, path)
