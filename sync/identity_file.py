"""The pairing file: one device's certificate and what it claims, exchanged by file or USB stick.

Pairing is explicit and out of band (DESIGN §4): the admin compares the grouped device id printed on
both screens. The file holds no secret, only the certificate; everything else in it (node, role,
label) is re-read from the certificate, and a claimed device id that does not match the
certificate's hash is refused, so an edited file cannot smuggle in another identity.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from veldclient.errors import ValidationError, VeldError
from veldclient.files import atomic_write
from veldclient.identity import DeviceIdentity, PeerCertificate, format_device_id, read_peer_certificate
from veldclient.regular_file import open_regular

FORMAT = "veld-identity"
VERSION = 1
MAX_BYTES = 64 * 1024


def render(device: DeviceIdentity) -> bytes:
    pem = device.certificate_pem
    body: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "device_id": device.device_id,
        "display_id": format_device_id(device.device_id),
        "node_id": device.node_id,
        "role": device.role,
        "label": device.label,
        "certificate": pem.decode("ascii") if isinstance(pem, bytes) else pem,
    }
    return (json.dumps(body, indent=2, sort_keys=True) + "\n").encode()


def export(device: DeviceIdentity, path: Path) -> None:
    try:
        atomic_write(path, render(device), mode=0o644)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise VeldError(
            f"Identiteitsbestand kan niet worden geschreven naar {path}: {reason}.",
            f"The identity file cannot be written to {path}: {reason}.",
        ) from None


def _bad(nl: str, en: str) -> ValidationError:
    return ValidationError.single("identity_file", "invalid", nl, en)


def parse(data: bytes) -> PeerCertificate:
    if len(data) > MAX_BYTES:
        raise _bad("Het identiteitsbestand is te groot.", "The identity file is too large.")
    try:
        body = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _bad(
            "Dit is geen veldclient-identiteitsbestand (geen leesbare JSON).",
            "This is not a veldclient identity file (no readable JSON).",
        ) from None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise _bad("Dit is geen veldclient-identiteitsbestand.", "This is not a veldclient identity file.")
    if body.get("version") != VERSION:
        raise _bad(
            f"Onbekende versie van het identiteitsbestand: {body.get('version')!r}.",
            f"Unknown identity file version: {body.get('version')!r}.",
        )
    cert = read_peer_certificate(str(body.get("certificate") or ""))
    if body.get("device_id") != cert.device_id:
        raise _bad(
            "Het apparaat-id in het bestand hoort niet bij het certificaat: het bestand is aangepast.",
            "The device id in the file does not match its certificate: the file was altered.",
        )
    return cert


def read(path: Path) -> PeerCertificate:
    try:
        with open_regular(path) as fh:  # a named pipe would block for good
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise VeldError(
            f"Identiteitsbestand {path} kan niet worden gelezen: {exc.strerror}.",
            f"Identity file {path} cannot be read: {exc.strerror}.",
        ) from None
    return parse(data)
