"""The pairing file: one device's certificate and what it claims, exchanged by file or USB stick.

Pairing is explicit and out of band (DESIGN §4): the admin compares the grouped device id printed on
both screens. The file holds no secret, only the certificate; everything else in it (node, role,
label) is re-read from the certificate, and a claimed device id that does not match the
certificate's hash is refused, so an edited file cannot smuggle in another identity.
"""

from __future__ import annotations

from pathlib import Path

from veldclient.identity import DeviceIdentity, PeerCertificate, format_device_id, read_peer_certificate
from veldclient.sync import exchange_file

KIND = exchange_file.Kind("veld-identity", 1, "identity_file", "identiteitsbestand", "identity file")


def render(device: DeviceIdentity) -> bytes:
    pem = device.certificate_pem
    return exchange_file.render(
        KIND,
        {
            "device_id": device.device_id,
            "display_id": format_device_id(device.device_id),
            "node_id": device.node_id,
            "role": device.role,
            "label": device.label,
            "certificate": pem.decode("ascii") if isinstance(pem, bytes) else pem,
        },
    )


def export(device: DeviceIdentity, path: Path) -> None:
    exchange_file.write(KIND, path, render(device), mode=0o644)


def parse(data: bytes) -> PeerCertificate:
    body = exchange_file.parse(KIND, data)
    cert = read_peer_certificate(str(body.get("certificate") or ""))
    if body.get("device_id") != cert.device_id:
        raise KIND.bad(
            "Het apparaat-id in het bestand hoort niet bij het certificaat: het bestand is aangepast.",
            "The device id in the file does not match its certificate: the file was altered.",
        )
    return cert


def read(path: Path) -> PeerCertificate:
    return parse(exchange_file.read(KIND, path))
