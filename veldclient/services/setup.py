"""Creating a profile: keys, identity, encrypted database, schema and the own node's document."""

from __future__ import annotations

import shutil

from veldclient import profile as profmod
from veldclient import trust
from veldclient.domain import node_seed
from veldclient.services.session import open_session
from veldclient.session import Clock, Session, clock_from_env
from veldclient.store.repo import doc_id_for


def init_profile(
    name: str,
    *,
    node_id: str,
    role: str,
    user: str,
    passphrase: str | None,
    use_keyring: bool = True,
    clock: Clock | None = None,
) -> Session:
    clk = clock or clock_from_env()
    prof, master = profmod.create(
        name,
        node_id=node_id,
        role=role,
        user=user,
        passphrase=passphrase,
        use_keyring=use_keyring,
        now_ms=clk(),
    )
    try:
        session = open_session(prof.name, master_key=master, clock=clk, create=True)
    except BaseException:
        shutil.rmtree(prof.dir, ignore_errors=True)
        raise
    ensure_node_document(session, node_id)
    register_own_device(session)
    with session.transaction():
        session.audit("profile.create", "C", "profile", object_id=prof.device_id, basis_authorisation=True)
    return session


def ensure_node_document(session: Session, node_id: str) -> None:
    """The well-known node document, created identically on every device (genesis change)."""
    doc_id = doc_id_for("node", node_id)
    if session.repo.holds(doc_id):
        return
    seed = node_seed.node_document_seed(node_id, reported_at=0)
    fields = {
        k: v for k, v in seed.items() if k not in ("kind", "id", "node_id", "schema", "archived", "events")
    }
    session.repo.create("node", node_id, node_id, fields, genesis=True)


def register_own_device(session: Session) -> None:
    """List this device in its node's document, signed by itself, so the mesh learns which device
    writes for the node once a peer trusts it (trust.py)."""
    device = session.device
    cert = (
        device.certificate_pem.decode()
        if isinstance(device.certificate_pem, bytes)
        else device.certificate_pem
    )
    entry = {
        "device_id": device.device_id,
        "node_id": session.actor.node_id,
        "role": session.actor.role,
        "cert": cert,
        "added_by": device.device_id,
        "at": session.now(),
        "revoked": False,
        "signature": device.sign(trust.entry_payload(device.device_id, session.actor.node_id, "add")).hex(),
    }
    session.repo.change(doc_id_for("node", session.actor.node_id), lambda e: trust.record_entry(e, entry))
