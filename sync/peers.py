"""The paired-device registry: who this device will talk to, and who it refuses.

A peer is usable when it is paired here, not removed, and not revoked, either in the local trust
registry or by a validly signed entry in its own node's document (trust.py): a revocation written on
any device of that node reaches every replica with the node document and is obeyed from then on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlite_utils

from veldclient import trust
from veldclient.errors import NotFound, ValidationError, VeldError
from veldclient.identity import PeerCertificate, format_device_id, parse_device_id
from veldclient.store.repo import Repo, doc_id_for

_COLUMNS = (
    "device_id, name, node_id, role, label, cert_pem, address, paired_at, paired_by, removed,"
    " last_contact, last_error, remote_cursor"
)
_MAX_NAME = 40


@dataclass(frozen=True)
class Peer:
    device_id: str
    name: str
    node_id: str
    role: str
    label: str
    cert_pem: str
    address: str | None
    paired_at: int
    paired_by: str | None
    removed: bool
    last_contact: int | None
    last_error: str | None
    remote_cursor: int

    @property
    def display_id(self) -> str:
        return format_device_id(self.device_id)


class PeerRefused(VeldError):
    """A device that is not (or no longer) paired tried to talk to us, or we to it."""


def _peer(row: tuple[Any, ...]) -> Peer:
    values = list(row)
    values[9] = bool(values[9])
    return Peer(*values)


def all_peers(db: sqlite_utils.Database, *, include_removed: bool = False) -> list[Peer]:
    sql = f"SELECT {_COLUMNS} FROM peers"
    if not include_removed:
        sql += " WHERE removed = 0"
    return [_peer(r) for r in db.execute(sql + " ORDER BY name")]


def check_name(db: sqlite_utils.Database, name: str, device_id: str) -> str:
    name = name.strip()
    if not name or len(name) > _MAX_NAME or not name.isprintable():
        raise ValidationError.single(
            "name",
            "invalid",
            f"Naam van het gekoppelde apparaat: 1 tot {_MAX_NAME} gewone tekens.",
            f"Peer name: 1 to {_MAX_NAME} printable characters.",
        )
    taken = db.execute(
        "SELECT 1 FROM peers WHERE name = ? AND removed = 0 AND device_id != ?", [name, device_id]
    ).fetchone()
    if taken:
        raise ValidationError.single(
            "name",
            "taken",
            f"Er is al een gekoppeld apparaat met de naam '{name}'.",
            f"There is already a peer named '{name}'.",
        )
    return name


def check_address(address: str | None) -> str | None:
    if address is None or not address.strip():
        return None
    host, sep, port = address.strip().rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValidationError.single(
            "address",
            "invalid",
            f"Adres '{address}' is ongeldig: verwacht host:poort, zoals 192.168.1.20:8765.",
            f"Address '{address}' is invalid: expected host:port, such as 192.168.1.20:8765.",
        )
    return f"{host}:{int(port)}"


def add(
    db: sqlite_utils.Database,
    cert: PeerCertificate,
    *,
    name: str,
    address: str | None,
    own_device_id: str,
    paired_by: str,
    now_ms: int,
) -> Peer:
    """Pair a device (re-pairing a removed one restores it). Caller holds the transaction."""
    if cert.device_id == own_device_id:
        raise ValidationError.single(
            "identity_file",
            "self",
            "Dit is het identiteitsbestand van dit apparaat zelf.",
            "This is this device's own identity file.",
        )
    name = check_name(db, name, cert.device_id)
    db.execute(
        "INSERT INTO peers (device_id, name, node_id, role, label, cert_pem, address, paired_at, paired_by,"
        " removed, remote_cursor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0)"
        " ON CONFLICT(device_id) DO UPDATE SET name = excluded.name, address = coalesce(excluded.address,"
        " address), removed = 0, paired_at = excluded.paired_at, paired_by = excluded.paired_by",
        [
            cert.device_id,
            name,
            cert.node_id,
            cert.role,
            cert.label,
            cert.certificate_pem,
            check_address(address),
            now_ms,
            paired_by,
        ],
    )
    trust.register(db, cert.device_id, cert.node_id, "paired", cert.certificate_pem, now_ms)
    return find(db, cert.device_id)


def find(db: sqlite_utils.Database, ref: str, *, include_removed: bool = False) -> Peer:
    """A peer by name, or by device id in any spelling people type (grouped base32, hex)."""
    rows = db.execute(f"SELECT {_COLUMNS} FROM peers WHERE name = ? ORDER BY removed", [ref]).fetchall()
    if not rows:
        try:
            device_id = parse_device_id(ref)
        except ValidationError:
            device_id = ""
        rows = db.execute(f"SELECT {_COLUMNS} FROM peers WHERE device_id = ?", [device_id]).fetchall()
    rows = [r for r in rows if include_removed or not r[9]]
    if not rows:
        raise NotFound(("Gekoppeld apparaat", "Peer"), ref)
    return _peer(rows[0])


def remove(db: sqlite_utils.Database, ref: str) -> Peer:
    """Unpair: stop talking to it. Not a revocation; its node's documents still decide its trust."""
    peer = find(db, ref)
    db.execute("UPDATE peers SET removed = 1 WHERE device_id = ?", [peer.device_id])
    db.execute("DELETE FROM trusted_devices WHERE device_id = ? AND source = 'paired'", [peer.device_id])
    return find(db, peer.device_id, include_removed=True)


def set_address(db: sqlite_utils.Database, ref: str, address: str) -> Peer:
    peer = find(db, ref)
    db.execute("UPDATE peers SET address = ? WHERE device_id = ?", [check_address(address), peer.device_id])
    return find(db, peer.device_id)


def revoked(repo: Repo, node_id: str) -> set[str]:
    doc_id = doc_id_for("node", node_id)
    root = repo.read(doc_id) if repo.holds(doc_id) else None
    return trust.revoked_devices(repo.db, node_id, root, repo.introduced(node_id))


def usable(repo: Repo, device_id: str) -> Peer:
    """The paired, unrevoked peer with this device id, or PeerRefused (the caller logs and refuses)."""
    try:
        peer = find(repo.db, device_id)
    except NotFound:
        raise PeerRefused(
            f"Onbekend apparaat {format_device_id(device_id)}: niet gekoppeld.",
            f"Unknown device {format_device_id(device_id)}: not paired.",
        ) from None
    if device_id in revoked(repo, peer.node_id):
        raise PeerRefused(
            f"Apparaat {peer.name} ({peer.node_id}) is ingetrokken.",
            f"Device {peer.name} ({peer.node_id}) has been revoked.",
        )
    return peer


def usable_peers(repo: Repo) -> list[Peer]:
    out = []
    for peer in all_peers(repo.db):
        if peer.device_id not in revoked(repo, peer.node_id):
            out.append(peer)
    return out


CONTACT_RESOLUTION_MS = 60_000


def record_contact(db: sqlite_utils.Database, device_id: str, now_ms: int, error: str | None = None) -> None:
    """A successful contact is written at most once a minute (a background no-op sync then writes
    nothing, so commits nothing to disk); a new or cleared error is written at once."""
    db.execute(
        "UPDATE peers SET last_contact = CASE WHEN :error IS NULL THEN :now ELSE last_contact END,"
        " last_error = :error WHERE device_id = :device AND (last_error IS NOT :error OR (:error IS NULL"
        " AND (last_contact IS NULL OR :now - last_contact >= :resolution OR :now < last_contact)))",
        {"error": error, "now": now_ms, "device": device_id, "resolution": CONTACT_RESOLUTION_MS},
    )


def set_cursor(db: sqlite_utils.Database, device_id: str, cursor: int) -> None:
    db.execute(
        "UPDATE peers SET remote_cursor = ? WHERE device_id = ? AND remote_cursor IS NOT ?",
        [cursor, device_id, cursor],
    )
