"""The invitation file: what a site admin hands a new laptop so it can join the node.

It names the node, the role the laptop gets, the node machine that issued it (its certificate, which
the laptop pins, and the address where it serves) and when it expires; and it carries the
invitation's **one-time identity**: a key pair and certificate made for this invitation alone. The
issuing device trusts that certificate for one call, ``enrol``, until the invitation is used or
expires (sync/invitations.py), so whoever holds the file can introduce one device, once. The file is
therefore a secret, written readable by its owner only, like a password on paper.

Everything the laptop relies on is checked here: the node machine's certificate is read and
self-verified, and the one-time certificate must name the same node and role as the file claims, so
an edited file cannot smuggle in another node or role (the issuer checks the certificate again).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from veldclient.identity import PeerCertificate, read_peer_certificate
from veldclient.sync import exchange_file

KIND = exchange_file.Kind("veld-invitation", 1, "invitation", "uitnodigingsbestand", "invitation file")


@dataclass(frozen=True)
class Invitation:
    invitation_id: str
    node_id: str
    role: str
    issued_at: int
    expires_at: int
    address: str | None
    node_machine: PeerCertificate
    key_pem: str = ""  # the one-time identity's private key (the secret)
    cert_pem: str = ""  # and its certificate


def render(invitation: Invitation) -> bytes:
    return exchange_file.render(
        KIND,
        {
            "invitation_id": invitation.invitation_id,
            "node_id": invitation.node_id,
            "role": invitation.role,
            "issued_at": invitation.issued_at,
            "expires_at": invitation.expires_at,
            "address": invitation.address,
            "node_machine": invitation.node_machine.certificate_pem,
            "node_machine_id": invitation.node_machine.device_id,
            "key": invitation.key_pem,
            "certificate": invitation.cert_pem,
        },
    )


def write(invitation: Invitation, path: Path) -> None:
    exchange_file.write(KIND, path, render(invitation), mode=0o600)


def parse(data: bytes) -> Invitation:
    body = exchange_file.parse(KIND, data)
    texts = ("invitation_id", "node_id", "role", "key", "certificate", "node_machine")
    numbers = ("issued_at", "expires_at")
    if any(not isinstance(body.get(k), str) or not body[k] for k in texts) or any(
        type(body.get(k)) is not int for k in numbers
    ):
        raise KIND.bad("De uitnodiging is onvolledig.", "The invitation is incomplete.")
    node_machine = read_peer_certificate(body["node_machine"])
    one_time = read_peer_certificate(body["certificate"])
    if node_machine.device_id != body.get("node_machine_id") or (one_time.node_id, one_time.role) != (
        body["node_id"],
        body["role"].upper(),
    ):
        raise KIND.bad(
            "De uitnodiging klopt niet met haar certificaten: het bestand is aangepast.",
            "The invitation does not match its certificates: the file was altered.",
        )
    address = body.get("address")
    return Invitation(
        invitation_id=body["invitation_id"],
        node_id=body["node_id"],
        role=body["role"],
        issued_at=body["issued_at"],
        expires_at=body["expires_at"],
        address=address if isinstance(address, str) and address else None,
        node_machine=node_machine,
        key_pem=body["key"],
        cert_pem=one_time.certificate_pem,
    )


def read(path: Path) -> Invitation:
    return parse(exchange_file.read(KIND, path))
