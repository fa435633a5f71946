"""Pairing and delivery status: identity export, peers add/list/remove, device revocation.

Pairing and revocation are admin work and audited; reading status is open to every role, since a
nurse must be able to see whether her referral has left the laptop.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from veldclient import trust
from veldclient.errors import CorruptDocument, NotFound, ValidationError
from veldclient.identity import PeerCertificate, format_device_id, read_peer_certificate
from veldclient.session import Session
from veldclient.store.repo import doc_id_for
from veldclient.sync import acks, identity_file, peers
from veldclient.sync.scope import Scope

ADMIN = ("admin",)


def export_identity(session: Session, path: Path) -> dict[str, Any]:
    session.require_device("peers.export_identity", "device")
    identity_file.export(session.device, path)
    with session.transaction():
        session.audit("identity.export", "R", "device", object_id=session.actor.device_id)
    return own_identity(session)


def own_identity(session: Session) -> dict[str, Any]:
    return {
        "device_id": session.actor.device_id,
        "display_id": format_device_id(session.actor.device_id),
        "node_id": session.actor.node_id,
        "role": session.device.role,
        "label": session.device.label,
    }


def add_peer(session: Session, path: Path, *, name: str, address: str | None = None) -> peers.Peer:
    session.require_device("peers.add_peer", "peer")
    session.require_role(ADMIN, "peer.add", "peer")
    return pair_device(session, identity_file.read(path), name=name, address=address)


def pair_device(
    session: Session, cert: PeerCertificate, *, name: str, address: str | None = None
) -> peers.Peer:
    """Pair (the role check is the caller's). The device is also introduced in the own node
    document (:func:`_introduce`)."""
    session.require_device("peers.pair_device", "peer")
    with session.transaction():
        peer = peers.add(
            session.db,
            cert,
            name=name,
            address=address,
            own_device_id=session.actor.device_id,
            paired_by=session.actor.user_id,
            now_ms=session.now(),
        )
        _introduce(session, cert)
        _audit_peer(session, "peer.add", peer)
    return peer


def introduce_paired(session: Session) -> list[str]:
    """Introduce every usable paired device of another node that this admin device has not
    introduced yet (one paired without an introduction, by an earlier version): the ids introduced.
    ``veld serve`` and the app's sync agent run it when an admin device starts serving, so the
    node's other devices learn those nodes without a step anyone must remember. A node document
    that cannot be read (held in quarantine, reported by ``veld doctor``) does not keep the device
    from serving."""
    own = session.repo.info(doc_id_for("node", session.actor.node_id))
    if session.actor.role != "admin" or own is None or own.quarantined:
        return []
    done = []
    try:
        with session.transaction():
            for peer in peers.usable_peers(session.repo):
                if peer.node_id == session.actor.node_id:
                    continue
                if _introduce(session, read_peer_certificate(peer.cert_pem)):
                    done.append(peer.device_id)
                    _audit_peer(session, "peer.introduce", peer)
    except CorruptDocument:  # found damaged only now: nothing written, quarantined and reported
        return []
    return done


def _audit_peer(session: Session, event: str, peer: peers.Peer) -> None:
    detail = {"name": peer.name, "peer_node": peer.node_id}
    session.audit(event, "C", "peer", object_id=peer.device_id, basis_authorisation=True, detail=detail)


def _introduce(session: Session, cert: PeerCertificate) -> bool:
    """A signed entry in the own node document for a paired device; whether one was written.

    A device of this node is introduced to the mesh: every device that trusts this one trusts it
    too. A device of another node is introduced only by an admin, and only as an attestation (not
    under ``devices``, the node's own device list): the node's other devices then trust it for its
    node's document (trust.introductions), so a nurse's laptop sees every node the admin paired."""
    node_id = session.actor.node_id
    own = cert.node_id == node_id
    if not own and session.actor.role != "admin":
        return False  # nobody would count it (trust.introductions)
    doc_id = doc_id_for("node", node_id)
    root = session.repo.read(doc_id)
    shown = (root.get("devices") or {}).get(cert.device_id)
    if shown and shown.get("revoked"):  # a revocation is never undone by re-pairing
        return False
    entry = {
        "device_id": cert.device_id,
        "node_id": cert.node_id,
        "role": cert.role,
        "cert": cert.certificate_pem,
        "added_by": session.actor.device_id,
        "at": session.now(),
        "revoked": False,
        "signature": session.device.sign(trust.entry_payload(cert.device_id, cert.node_id, "add")).hex(),
    }
    if trust.attestation_key(entry) in (root.get("attestations") or {}):
        return False  # this device vouched for it already
    # the device's own self-signed entry may already be shown; this signature is added beside it
    session.repo.change(doc_id, lambda e: trust.record_entry(e, entry, display=own and not shown))
    return True


def remove_peer(session: Session, ref: str) -> peers.Peer:
    session.require_device("peers.remove_peer", "peer")
    session.require_role(ADMIN, "peer.remove", "peer")
    with session.transaction():
        peer = peers.remove(session.db, ref)
        session.audit("peer.remove", "D", "peer", object_id=peer.device_id, detail={"name": peer.name})
    return peer


def set_address(session: Session, ref: str, address: str) -> peers.Peer:
    session.require_device("peers.set_address", "peer")
    session.require_role(ADMIN, "peer.address", "peer")
    with session.transaction():
        peer = peers.set_address(session.db, ref, address)
        session.audit("peer.address", "U", "peer", object_id=peer.device_id, detail={"address": address})
    return peer


def revoke_device(session: Session, ref: str) -> str:
    """Revoke a device of this node: a signed entry in the node document, obeyed by every device of
    every node once merged (trust.py, sync/peers.py). Returns the revoked device id."""
    session.require_device("peers.revoke_device", "device")
    session.require_role(ADMIN, "device.revoke", "device")
    device_id = _own_node_device(session, ref)
    if device_id == session.actor.device_id:
        raise ValidationError.single(
            "device",
            "self",
            "Dit apparaat kan zichzelf niet intrekken; doe dat vanaf een ander apparaat van dit knooppunt.",
            "This device cannot revoke itself; do it from another device of this node.",
        )
    node_id = session.actor.node_id
    entry = {
        "device_id": device_id,
        "node_id": node_id,
        "added_by": session.actor.device_id,
        "at": session.now(),
        "revoked": True,
        "signature": session.device.sign(trust.entry_payload(device_id, node_id, "revoke")).hex(),
    }
    with session.transaction():
        session.repo.change(doc_id_for("node", node_id), lambda e: trust.record_entry(e, entry))
        session.db.execute("UPDATE trusted_devices SET revoked = 1 WHERE device_id = ?", [device_id])
        session.audit("device.revoke", "U", "device", object_id=device_id, basis_authorisation=True)
    return device_id


def _own_node_device(session: Session, ref: str) -> str:
    """A device of this node, by peer name or device id (paired or listed in the node document)."""
    try:
        peer = peers.find(session.db, ref, include_removed=True)
        device_id, node_id = peer.device_id, peer.node_id
    except NotFound:  # not a paired device: perhaps one the node document lists
        from veldclient.identity import parse_device_id

        try:
            device_id = parse_device_id(ref)
        except ValidationError:
            # neither a peer's name nor a device id
            raise NotFound(("Gekoppeld apparaat", "Peer"), ref) from None
        root = session.repo.read(doc_id_for("node", session.actor.node_id))
        listed = [e for e in trust.node_entries(root) if e.get("device_id") == device_id]
        if not listed:
            raise NotFound(("Apparaat", "Device"), ref) from None
        node_id = listed[0].get("node_id", "")
    if node_id != session.actor.node_id:
        raise ValidationError.single(
            "device",
            "other_node",
            "Alleen apparaten van uw eigen knooppunt kunnen worden ingetrokken.",
            "Only devices of your own node can be revoked.",
        )
    return device_id


def status(session: Session) -> list[dict[str, Any]]:
    """Per paired peer: identity, last contact, last error and documents waiting for it."""
    scope = Scope(session.repo)
    revoked_by_node: dict[str, set[str]] = {}
    out = []
    for peer in peers.all_peers(session.db):
        if peer.node_id not in revoked_by_node:
            revoked_by_node[peer.node_id] = peers.revoked(session.repo, peer.node_id)
        documents, waiting = scope.waiting_count(peer.node_id, peer.device_id)
        out.append(
            {
                "name": peer.name,
                "device_id": peer.device_id,
                "display_id": peer.display_id,
                "node_id": peer.node_id,
                "role": peer.role,
                "address": peer.address,
                "revoked": peer.device_id in revoked_by_node[peer.node_id],
                "last_contact": peer.last_contact,
                "last_error": peer.last_error,
                "waiting": waiting,
                "documents": documents,
            }
        )
    return out


def discover(
    session: Session, *, timeout: float = 3.0, update: bool = False, interfaces: list[str] | None = None
) -> list[dict[str, Any]]:
    """Paired, unrevoked peers heard on the local network (sync/discovery.py), with the address
    each announces; ``update`` (admin) stores addresses that changed. Devices that are not paired
    here are ignored and not reported."""
    from veldclient.sync import discovery

    if update:
        session.require_role(ADMIN, "peer.address", "peer")
    known = {p.device_id: p for p in peers.usable_peers(session.repo)}
    if not known:
        return []
    out = []
    for seen in discovery.browse(timeout, wanted=set(known), interfaces=interfaces):
        peer = known.get(seen.device_id)
        if peer is None:
            continue
        changed = peer.address != seen.address
        if update and changed:
            set_address(session, peer.device_id, seen.address)
        out.append(
            {
                "name": peer.name,
                "device_id": peer.device_id,
                "display_id": peer.display_id,
                "node_id": peer.node_id,
                "address": seen.address,
                "stored_address": peer.address,
                "updated": update and changed,
            }
        )
    return out


def held_by(session: Session, doc_id: str) -> list[dict[str, Any]]:
    """Per peer that should hold ``doc_id``: whether it acknowledged the current version."""
    scope = Scope(session.repo)
    info = session.repo.info(doc_id)
    if info is None:
        return []
    holders = {h.device_id: h for h in acks.held_by(session.db, doc_id)}
    out = []
    for peer in peers.all_peers(session.db):
        if not scope.may_see(peer.node_id, doc_id, info.kind, info.node_id):
            continue
        holder = holders.get(peer.device_id)
        out.append(
            {
                "name": peer.name,
                "node_id": peer.node_id,
                "device_id": peer.device_id,
                "current": bool(holder and holder.current),
                "acknowledged_at": holder.at if holder else None,
            }
        )
    return out
