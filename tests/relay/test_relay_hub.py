"""The relay with a real nats-server on 127.0.0.1: bundles through JetStream mailboxes, the hub's
permissions, its storage after a restart, and what it holds on disk (docs/relay.md)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from bundlehelpers import GOOD, audit_events, doc_ids, referral
from relayhelpers import needs_server
from testenv import make_session

from veldclient.services import bundles, clients, relay
from veldclient.services import placement_flow as pf
from veldclient.store.repo import doc_id_for
from veldclient.sync import relay_link
from veldclient.sync import relay_names as names

pytestmark = needs_server

PRIVATE = {"name": "Hendrika Wolters-Oosterhof", "bsn": "111222333", "address": "Ganzenmarkt 17, Hengelo"}


def test_two_devices_never_online_together_converge_and_delivery_comes_back(region, hub):
    """a1 pushes and goes away; b1 and a2 pull later and acknowledge; a1 pulls and sees delivered."""
    a1, a2, b1 = region
    client, request = referral(a1)
    case = doc_id_for("case", client.id)
    pushed = relay.push(a1)
    assert {n.node_id: n.status for n in pushed.nodes} == {"almelo": "sent", "hengelo": "sent"}
    assert {p["state"] for p in relay.status(a1)["peers"]} == {"left_at_relay"}
    assert relay.push(a1).nodes[0].status == "unchanged", "nothing new: nothing is sent twice"

    got = relay.pull(b1)
    assert [r.sender_name for r in got.imported] == ["a1"] and got.refused == []
    assert doc_id_for("node", "hengelo") in doc_ids(b1), "node documents go to every node"
    assert case not in doc_ids(b1), "a case never leaves its node"
    assert doc_id_for("placement", request.id) not in doc_ids(b1), "not shared: stays home"
    assert got.acks_sent == ["a1"]
    assert relay.pull(a2).imported[0].changed["case"] == 1
    assert case in doc_ids(a2)

    back = relay.pull(a1)
    assert sorted(r.kind for r in back.imported) == ["ack", "ack"]
    assert {p["name"]: p["state"] for p in relay.status(a1)["peers"]} == {
        "a2": "delivered",
        "b1": "delivered",
    }
    assert {n.status for n in relay.push(a1).nodes} == {"nothing"}

    # the next change travels as a small delta, and a referral reaches only its target
    clients.update_client(a1, client.id, {"postcode": "7511 JM"})
    pf.send(a1, request.id, "almelo")
    second = {n.node_id: n for n in relay.push(a1).nodes}
    assert second["hengelo"].bytes < pushed.nodes[1].bytes * 2
    relay.pull(b1)
    assert doc_id_for("placement", request.id) in doc_ids(b1) and case not in doc_ids(b1)
    relay.pull(a2)
    assert a2.db.execute("SELECT postcode FROM clients WHERE id = ?", [client.id]).fetchone()[0] == "7511 JM"
    audited = [json.loads(d)["medium"] for _, d in audit_events(a1, "bundle.export")]
    assert set(audited) == {"relay"}


def test_a_hub_restart_with_file_storage_loses_nothing(region, hub):
    a1, a2, b1 = region
    client = clients.register_client(a1, GOOD)
    relay.push(a1)
    hub.stop()
    hub.start()
    assert relay.pull(a2).imported[0].sender_name == "a1"
    assert doc_id_for("case", client.id) in doc_ids(a2)
    hub.stop()
    hub.start()
    assert [r.kind for r in relay.pull(a1).imported] == ["ack"], "the acknowledgement survived too"


def test_a_device_may_not_read_another_mailbox_nor_post_as_another_device(region, hub):
    a1, a2, b1 = region
    clients.register_client(a1, GOOD)
    relay.push(a1)
    link = relay.connect(b1)
    try:
        with pytest.raises(relay_link.RelayRefused):
            link.fetch("hengelo", a2.actor.device_id)  # hengelo's mailbox, a2's consumer
        assert any("permissions violation" in v.lower() for v in link.violations)
        with pytest.raises(relay_link.RelayRefused):
            link.fetch("almelo", a2.actor.device_id)  # own mailbox, someone else's consumer
        with pytest.raises(relay_link.RelayRefused):  # a subject naming another sender
            link.publish(names.subject("hengelo", a1.actor.device_id), b"x", {})
        with pytest.raises(relay_link.RelayRefused):  # a node the region's configuration does not know
            link.publish(names.subject("borne", b1.actor.device_id), b"x", {})
        link.subscribe_once(names.mailbox("hengelo"))  # listening in on the bare subjects
        assert any("subscription" in v.lower() for v in link.violations)
        assert link.fetch("almelo", b1.actor.device_id), "its own mailbox, through the same connection"
    finally:
        link.close()
    assert relay.pull(a2).imported, "a2's bundle is still there, untouched"


def _post(session, node: str, data: bytes, msg_id: str) -> None:
    link = relay.connect(session)
    try:
        link.publish(
            names.subject(node, session.actor.device_id),
            data,
            {"Nats-Msg-Id": msg_id, names.BUNDLE: msg_id[:16], names.PART: "0", names.PARTS: "1"},
        )
    finally:
        link.close()


def _forged(signer, claimed, recipients) -> bytes:
    """A bundle signed by ``signer`` that names ``claimed`` as its sender."""
    from veldclient.sync import age_keys, bundle

    header = bundle.Header(
        bundle_id="0123456789abcdef",
        kind="data",
        sender_device=claimed.actor.device_id,
        sender_node=claimed.actor.node_id,
        seq=99,
        created_at=claimed.now(),
        recipients=tuple(r.actor.device_id for r in recipients),
        recipient_nodes=(recipients[0].actor.node_id,),
    )
    sealed_to = [age_keys.recipient_for_certificate(r.device.certificate_pem.decode()) for r in recipients]
    return bundle.seal(header, bundle.encode_manifest(bundle.Manifest(header, ())), signer.device, sealed_to)


def test_forged_replayed_and_damaged_messages_are_refused_by_the_bundle_checks(region, hub, tmp_path):
    a1, a2, b1 = region
    clients.register_client(a1, GOOD)
    good = bundles.export_bundle(a1, ["hengelo"], tmp_path / "out").path.read_bytes()
    _post(a1, "hengelo", good, "aaaaaaaaaaaaaaaa-0")
    _post(a1, "hengelo", good, "bbbbbbbbbbbbbbbb-0")  # replayed under a new message id
    damaged = bytearray(good)
    damaged[-10] ^= 0xFF
    _post(a1, "hengelo", bytes(damaged), "cccccccccccccccc-0")
    # forged: b1, a paired device, posts a bundle that claims to be a1's
    _post(b1, "hengelo", _forged(b1, a1, [a2]), "dddddddddddddddd-0")
    _post(b1, "hengelo", b"not a bundle at all", "eeeeeeeeeeeeeeee-0")
    before = a2.db.execute("SELECT count(*) FROM am_docs").fetchone()[0]
    got = relay.pull(a2)
    assert [r.status for r in got.imported] == ["imported", "duplicate"]
    assert len(got.refused) == 3, got.refused
    quarantine = a2.profile.dir / "quarantine" / "bundles"
    notes = sorted(json.loads(p.read_text())["code"] for p in quarantine.glob("*.reason.json"))
    assert notes == ["damaged", "signature"], "a bundle refused is quarantined as one from a stick"
    assert any("not a veld bundle" in en for _, _, en in got.refused)
    assert a2.db.execute("SELECT count(*) FROM am_docs").fetchone()[0] == before + 1  # the case only
    again = relay.pull(a2)
    assert again.imported == [] and again.refused == [], "each is dealt with once, then gone"


def test_the_hubs_storage_holds_no_client_name_bsn_or_address(region, hub):
    a1, a2, _ = region
    client = clients.register_client(a1, {**GOOD, **PRIVATE})
    relay.push(a1)
    relay.pull(a2)
    assert (
        a2.db.execute("SELECT name FROM clients WHERE id = ?", [client.id]).fetchone()[0] == PRIVATE["name"]
    )
    hub.stop()  # everything flushed to the files
    stored = b"".join(p.read_bytes() for p in Path(hub.folder, "store").rglob("*") if p.is_file())
    assert len(stored) > 4000, "the bundles are in there"
    for word in [*PRIVATE.values(), GOOD["name"], "Ganzenmarkt", "Wolters", "7555", client.id]:
        assert word.encode() not in stored, word


def test_a_revoked_device_loses_access_with_the_next_configuration(isolated_env, tmp_path):
    from bundlehelpers import sites
    from relayhelpers import configure

    from veldclient.services import peers as peer_service

    admin, a2, b1 = sites(("adm", "hengelo", "admin"), ("a2", "hengelo", "nurse"), ("b1", "almelo", "nurse"))
    server, _ = configure(admin, tmp_path / "relay")
    server.start()
    try:
        for s in (admin, a2, b1):
            relay.add(s, server.url, server.cert)
        assert relay.pull(a2).refused == []
        peer_service.revoke_device(admin, "a2")
        port = server.url.rsplit(":", 1)[1]  # written again, same address: a2 is left out
        relay.write_config(admin, server.folder, leaves=[], listen=f"127.0.0.1:{port}")
        server.stop()
        assert a2.actor.device_id not in (tmp_path / "relay" / "hub.conf").read_text()
        server.start()
        with pytest.raises(relay_link.RelayUnreachable):  # refused at the TLS handshake
            relay.pull(a2)
        assert relay.status(a2)["last_error"]
        assert "a2" not in {p["name"] for p in relay.status(admin)["peers"]}
        assert relay.pull(b1).refused == [], "the others go on"
        stranger = make_session("stranger", node="almelo")  # never paired: refused at the door
        try:
            relay.add(stranger, server.url, server.cert)
            # the server ends the handshake: the client hears it as a TLS error or, when the
            # server closed first, as a broken pipe; either way nothing is sent or fetched
            with pytest.raises(relay_link.RelayUnreachable, match="TLS|Broken pipe|reset"):
                relay.pull(stranger)
        finally:
            stranger.close()
    finally:
        server.stop()
        for s in (admin, a2, b1):
            s.close()


def test_a_bundle_in_parts_is_imported_once_all_parts_are_there(region, hub, tmp_path, monkeypatch):
    a1, a2, _ = region
    from veldclient.sync import relay_conf

    monkeypatch.setattr(relay_conf, "PART_BYTES", 1000)
    client = clients.register_client(a1, GOOD)
    pushed = {n.node_id: n for n in relay.push(a1).nodes}
    assert pushed["hengelo"].parts == -(-pushed["hengelo"].bytes // 1000) > 2
    assert relay.pull(a2).imported[0].status == "imported"
    assert doc_id_for("case", client.id) in doc_ids(a2)
    # half a bundle waits for the rest, handed back to the relay, then imports when it is whole
    data = bundles.export_bundle(a1, ["hengelo"], tmp_path / "x", full=True).path.read_bytes()
    head = {names.BUNDLE: "feedfacefeedface", names.PARTS: "2"}
    link = relay.connect(a1)
    try:
        link.publish(names.subject("hengelo", a1.actor.device_id), data[:500], {**head, names.PART: "0"})
        assert relay.pull(a2).waiting_parts == 1
        link.publish(names.subject("hengelo", a1.actor.device_id), data[500:], {**head, names.PART: "1"})
    finally:
        link.close()
    deadline = time.monotonic() + 30
    while (got := relay.pull(a2)).imported == [] and time.monotonic() < deadline:
        time.sleep(0.2)  # the first part comes back once the relay has its nak
    assert [r.status for r in got.imported] == ["imported"] and got.refused == []
