"""Devices of another node introduced by an admin of the own node (trust.introductions): the node's
admin pairs once, and every device of the node trusts the other node's device for its document."""

from __future__ import annotations

import pytest
from testenv import FakeClock, make_session

from veldclient import trust
from veldclient.errors import ValidationError
from veldclient.services import peers as peer_service
from veldclient.store.repo import doc_id_for
from veldclient.sync import identity_file

OWN, OTHER = "enschede-centrum", "hengelo"


@pytest.fixture
def node():
    """(admin of OWN, nurse of OWN, reader of OWN that trusts both, two devices of OTHER)."""
    clock = FakeClock()
    specs = [("admin", OWN, "admin"), ("nurse", OWN, "nurse"), ("reader", OWN, "nurse")]
    specs += [("h1", OTHER, "admin"), ("h2", OTHER, "nurse")]
    sessions = [make_session(n, node=nd, role=r, clock=clock) for n, nd, r in specs]
    reader = sessions[2]
    with reader.transaction():
        for s in sessions[:2]:
            trust.register(reader.db, s.actor.device_id, OWN, "paired", _pem(s), 0)
    yield sessions
    for s in sessions:
        s.close()


def _pem(session) -> str:
    pem = session.device.certificate_pem
    return pem.decode() if isinstance(pem, bytes) else pem


def entry(signer, device, *, node_id: str | None = None, revoked: bool = False, **extra):
    node_id = node_id or device.actor.node_id
    action = "revoke" if revoked else "add"
    return {
        "device_id": device.actor.device_id,
        "node_id": node_id,
        "cert": _pem(device),
        "added_by": signer.actor.device_id,
        "revoked": revoked,
        "signature": signer.device.sign(trust.entry_payload(device.actor.device_id, node_id, action)).hex(),
        **extra,
    }


def own_root(*entries):
    return {"attestations": {trust.attestation_key(e): e for e in entries}}


def trusted_other(reader, root, other_root=None) -> set[str]:
    introduced = trust.introductions(reader.db, OWN, root).get(OTHER)
    certs, revoked = trust.resolve_devices(reader.db, OTHER, other_root, introduced)
    return {d for d in certs if d not in revoked}


def test_an_admins_introduction_makes_the_nodes_other_devices_trust_the_foreign_device(node):
    admin, _, reader, h1, h2 = node
    assert trusted_other(reader, own_root()) == set()
    root = own_root(entry(admin, h1))
    assert trusted_other(reader, root) == {h1.actor.device_id}
    # and, through the foreign node's own signed device list, the devices h1 introduced there
    other_root = {"devices": {h2.actor.device_id: entry(h1, h2)}}
    assert trusted_other(reader, root, other_root) == {h1.actor.device_id, h2.actor.device_id}
    assert h1.actor.device_id not in trust.resolve_devices(reader.db, OWN, root)[0], "not an own device"


def test_the_same_introduction_signed_by_a_nurse_of_the_node_is_ignored(node):
    _, nurse, reader, h1, _ = node
    assert trusted_other(reader, own_root(entry(nurse, h1))) == set()


def test_only_an_admin_can_lend_another_admin_device_its_say_over_other_nodes():
    """A second admin machine of the node counts once an admin introduced it; one a nurse's laptop
    introduced is trusted for the node (as every introduced device) but introduces nobody."""
    clock = FakeClock()
    admin, nurse, reader, admin2, h1 = (
        make_session(n, node=nd, role=r, clock=clock)
        for n, nd, r in [("admin", OWN, "admin"), ("nurse", OWN, "nurse"), ("reader", OWN, "nurse"),
                         ("admin2", OWN, "admin"), ("h1", OTHER, "admin")]
    )  # fmt: skip
    try:
        with reader.transaction():
            for s in (admin, nurse):
                trust.register(reader.db, s.actor.device_id, OWN, "paired", _pem(s), 0)
        by_admin2 = entry(admin2, h1)
        by_nurse = own_root(entry(nurse, admin2), by_admin2)
        assert admin2.actor.device_id in trust.resolve_devices(reader.db, OWN, by_nurse)[0]
        assert trusted_other(reader, by_nurse) == set()
        assert trusted_other(reader, own_root(entry(admin, admin2), by_admin2)) == {h1.actor.device_id}
    finally:
        for s in (admin, nurse, reader, admin2, h1):
            s.close()


def test_an_introduction_by_an_admin_the_node_revoked_no_longer_counts(node):
    admin, nurse, reader, h1, _ = node
    revoked = entry(nurse, admin, revoked=True)
    assert trusted_other(reader, own_root(entry(admin, h1), revoked)) == set()


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda e, node: {**e, "signature": "00" * 64}, id="bad-signature"),
        pytest.param(lambda e, node: {**e, "signature": ["not", "text"]}, id="signature-not-text"),
        pytest.param(lambda e, node: {**e, "cert": _pem(node[4])}, id="cert-of-another-device"),
        pytest.param(lambda e, node: {**e, "added_by": ["not", "text"]}, id="signer-not-text"),
        pytest.param(lambda e, node: entry(node[0], node[3], node_id=OWN), id="entry-for-the-own-node"),
        pytest.param(lambda e, node: entry(node[0], node[3], node_id="almelo"), id="cert-names-another-node"),
    ],
)
def test_broken_introductions_are_ignored(node, spoil):
    admin, _, reader, h1, _ = node
    bad = spoil(entry(admin, h1), node)
    assert trust.introductions(reader.db, OWN, own_root(bad)) == {}
    assert trusted_other(reader, own_root(bad)) == set()


def test_a_revocation_in_the_foreign_nodes_own_document_wins(node):
    admin, _, reader, h1, h2 = node
    root = own_root(entry(admin, h1), entry(admin, h2))
    assert trusted_other(reader, root) == {h1.actor.device_id, h2.actor.device_id}
    # h1, trusted through the introduction, revokes h2 in hengelo's own document
    other_root = {"attestations": {"r": entry(h1, h2, revoked=True)}}
    assert trusted_other(reader, root, other_root) == {h1.actor.device_id}


def _cert(session):
    return identity_file.parse(identity_file.render(session.device))


def test_pairing_another_nodes_device_writes_an_attestation_not_an_own_device(node):
    admin, nurse, _, h1, _ = node
    peer_service.pair_device(admin, _cert(h1), name="hub-h")
    root = admin.repo.read(doc_id_for("node", OWN))
    assert h1.actor.device_id not in (root.get("devices") or {}), "the node's own device list"
    assert h1.actor.device_id not in trust.resolve_devices(admin.db, OWN, root)[0]
    assert admin.actor.device_id in trust.resolve_devices(admin.db, OWN, root)[0]
    assert trust.introductions(admin.db, OWN, root) == {OTHER: {h1.actor.device_id: _pem(h1)}}
    # idempotent: pairing again writes nothing new
    heads = admin.repo.store.stored_heads(doc_id_for("node", OWN))
    peer_service.pair_device(admin, _cert(h1), name="hub-h")
    assert admin.repo.store.stored_heads(doc_id_for("node", OWN)) == heads
    # revoking it from this node is refused: it is not one of this node's devices
    with pytest.raises(ValidationError):
        peer_service.revoke_device(admin, h1.actor.device_id)
    # a nurse's pairing (tests and tools; peers add is admin work) introduces nobody
    peer_service.pair_device(nurse, _cert(h1), name="hub-h")
    assert trust.introductions(nurse.db, OWN, nurse.repo.read(doc_id_for("node", OWN))) == {}


def test_introduce_paired_catches_up_on_devices_paired_without_an_introduction(node):
    admin, nurse, _, h1, _ = node
    with admin.transaction():  # paired without an introduction (an earlier version)
        from veldclient.sync import peers

        peers.add(
            admin.db,
            _cert(h1),
            name="hub-h",
            address=None,
            own_device_id=admin.actor.device_id,
            paired_by="admin",
            now_ms=admin.now(),
        )
    assert peer_service.introduce_paired(admin) == [h1.actor.device_id]
    assert peer_service.introduce_paired(admin) == []
    root = admin.repo.read(doc_id_for("node", OWN))
    assert set(trust.introductions(admin.db, OWN, root)[OTHER]) == {h1.actor.device_id}
    assert peer_service.introduce_paired(nurse) == []
    events = [r[0] for r in admin.db.execute("SELECT event FROM audit_log WHERE event = 'peer.introduce'")]
    assert events == ["peer.introduce"]
    # a damaged own node document does not keep the admin device from serving
    with admin.transaction():
        admin.repo.store.quarantine(doc_id_for("node", OWN), "damaged")
    assert peer_service.introduce_paired(admin) == []
