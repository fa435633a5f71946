"""The JSON files devices exchange by hand (identity files, invitations): one way to write and read
them, so each kind refuses a file that is too large, unreadable, of another kind or of an unknown
version with the same clear sentence in Dutch and English.

``Kind`` names a kind of file in both languages and the form field its errors belong to.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from veldclient.errors import ValidationError, VeldError
from veldclient.files import atomic_write
from veldclient.regular_file import open_regular

MAX_BYTES = 64 * 1024


@dataclass(frozen=True)
class Kind:
    format: str
    version: int
    field: str
    nl: str  # "identiteitsbestand"
    en: str  # "identity file"

    def bad(self, nl: str, en: str) -> ValidationError:
        return ValidationError.single(self.field, "invalid", nl, en)


def render(kind: Kind, body: dict[str, Any]) -> bytes:
    full = {"format": kind.format, "version": kind.version, **body}
    return (json.dumps(full, indent=2, sort_keys=True) + "\n").encode()


def write(kind: Kind, path: Path, data: bytes, *, mode: int) -> None:
    try:
        atomic_write(path, data, mode=mode)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise VeldError(
            f"{kind.nl.capitalize()} kan niet worden geschreven naar {path}: {reason}.",
            f"The {kind.en} cannot be written to {path}: {reason}.",
        ) from None


def parse(kind: Kind, data: bytes) -> dict[str, Any]:
    """The file's fields, once its size, JSON, format and version are right."""
    if len(data) > MAX_BYTES:
        raise kind.bad(f"Het {kind.nl} is te groot.", f"The {kind.en} is too large.")
    try:
        body = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise kind.bad(
            f"Dit is geen veldclient-{kind.nl} (geen leesbare JSON).",
            f"This is not a veldclient {kind.en} (no readable JSON).",
        ) from None
    if not isinstance(body, dict) or body.get("format") != kind.format:
        raise kind.bad(f"Dit is geen veldclient-{kind.nl}.", f"This is not a veldclient {kind.en}.")
    if body.get("version") != kind.version:
        raise kind.bad(
            f"Onbekende versie van het {kind.nl}: {body.get('version')!r}.",
            f"Unknown {kind.en} version: {body.get('version')!r}.",
        )
    return body


def read(kind: Kind, path: Path) -> bytes:
    try:
        with open_regular(path) as fh:  # a named pipe would block for good
            return fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise VeldError(
            f"{kind.nl.capitalize()} {path} kan niet worden gelezen: {exc.strerror}.",
            f"{kind.en.capitalize()} {path} cannot be read: {exc.strerror}.",
        ) from None
