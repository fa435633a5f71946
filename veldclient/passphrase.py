"""Where a passphrase given without a prompt comes from: the one rule for every command and the app.

A node machine runs ``veld serve`` as a service with nobody to type the passphrase. The environment
is a poor place for it (every child process inherits it, ``/proc/PID/environ`` shows it to root, a
unit file's ``Environment=`` is world-readable), so a file can name it instead: systemd's
``LoadCredential=veld-passphrase:/etc/veld/passphrase`` hands the service a private copy at
``$CREDENTIALS_DIRECTORY/veld-passphrase`` (packaging/veld-serve.service).

The order, first found wins (docs/install.md, README):

1. ``VELD_PASSPHRASE_FILE``: a file an admin named on purpose;
2. ``$CREDENTIALS_DIRECTORY/veld-passphrase``: the service's credential, when systemd passed one;
3. ``VELD_PASSPHRASE``: the variable (a shell, a test, the demo).

A file set up on purpose wins over a variable that may be left over in a shell or inherited. A named
file that cannot be used is an error, never a silent fall-back to the next source: the admin meant
that file. The file is read as UTF-8 and one trailing newline is dropped (``echo`` writes one), so
a passphrase may end in spaces but not in a second newline. On POSIX the file must be readable by
its owner alone (``chmod 600``), as ssh insists on for a private key: one readable by the group or
by others is refused with the command that fixes it. Windows has no such mode bits (its ACLs are
set on the profile folder), so there the check is left out.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from veldclient.errors import VeldError

PASSPHRASE_ENV = "VELD_PASSPHRASE"
PASSPHRASE_FILE_ENV = "VELD_PASSPHRASE_FILE"
CREDENTIALS_DIR_ENV = "CREDENTIALS_DIRECTORY"
CREDENTIAL_NAME = "veld-passphrase"
MAX_BYTES = 4096  # a passphrase, not a document: a larger file is the wrong file


class PassphraseFileError(VeldError):
    """A passphrase file that was named (or passed by systemd) but cannot be used."""


def given() -> str | None:
    """The passphrase given without a prompt, by the order above; None when none is given."""
    named = os.environ.get(PASSPHRASE_FILE_ENV)
    if named:
        return read_file(Path(named), source=PASSPHRASE_FILE_ENV)
    credentials = os.environ.get(CREDENTIALS_DIR_ENV)
    if credentials:
        path = Path(credentials) / CREDENTIAL_NAME
        if path.exists():
            return read_file(path, source=f"${CREDENTIALS_DIR_ENV}")
    return os.environ.get(PASSPHRASE_ENV) or None


def read_file(path: Path, *, source: str) -> str:
    """The passphrase in ``path`` (named by ``source``, for the message), checked as above."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise PassphraseFileError(
            f"Het wachtwoordbestand {path} (uit {source}) bestaat niet.",
            f"The passphrase file {path} (from {source}) does not exist.",
        ) from None
    except OSError as exc:
        raise _unreadable(path, source, exc) from None
    if not stat.S_ISREG(info.st_mode):
        raise PassphraseFileError(
            f"Het wachtwoordbestand {path} (uit {source}) is geen gewoon bestand.",
            f"The passphrase file {path} (from {source}) is not a regular file.",
        )
    if os.name != "nt" and info.st_mode & (stat.S_IRGRP | stat.S_IROTH):
        raise PassphraseFileError(
            f"Het wachtwoordbestand {path} (uit {source}) is leesbaar voor anderen dan de eigenaar;"
            f" het wordt niet gebruikt. Maak het privé met: chmod 600 {path}",
            f"The passphrase file {path} (from {source}) is readable by others than its owner;"
            f" it is not used. Make it private with: chmod 600 {path}",
        )
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise _unreadable(path, source, exc) from None
    if len(raw) > MAX_BYTES:
        raise PassphraseFileError(
            f"Het wachtwoordbestand {path} (uit {source}) is groter dan {MAX_BYTES} bytes;"
            " is het wel het goede bestand?",
            f"The passphrase file {path} (from {source}) is larger than {MAX_BYTES} bytes;"
            " is it the right file?",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PassphraseFileError(
            f"Het wachtwoordbestand {path} (uit {source}) is geen UTF-8-tekst.",
            f"The passphrase file {path} (from {source}) is not UTF-8 text.",
        ) from None
    passphrase = _without_one_newline(text)
    if not passphrase:
        raise PassphraseFileError(
            f"Het wachtwoordbestand {path} (uit {source}) is leeg.",
            f"The passphrase file {path} (from {source}) is empty.",
        )
    return passphrase


def _without_one_newline(text: str) -> str:
    """``text`` less one line ending (``\\n``, or ``\\r\\n`` from a Windows editor)."""
    for ending in ("\r\n", "\n"):
        if text.endswith(ending):
            return text[: -len(ending)]
    return text


def _unreadable(path: Path, source: str, exc: OSError) -> PassphraseFileError:
    if isinstance(exc, PermissionError):
        nl = "geen toegang (is het van de gebruiker die veld draait?)"
        en = "permission denied (is it owned by the user running veld?)"
    else:
        nl, en = f"fout {exc.errno}", f"error {exc.errno}"
    return PassphraseFileError(
        f"Het wachtwoordbestand {path} (uit {source}) kan niet gelezen worden: {nl}.",
        f"The passphrase file {path} (from {source}) cannot be read: {en}.",
    )
