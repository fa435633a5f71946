"""Bundles end to end in process: what goes in (scope, delta or full), what an import does (merge,
ledger, acknowledgements, audit), and the acknowledgement bundle that makes the next export a delta."""

from __future__ import annotations

import json

import pytest
from bundlehelpers import GOOD, audit_events, doc_ids, referral, sites

from veldclient.services import bundles, clients
from veldclient.services import placement_flow as pf
from veldclient.store.repo import doc_id_for
from veldclient.sync import bundle
from veldclient.sync.bundle import BundleRefused


@pytest.fixture
def trio():
    sessions = sites(("a1", "hengelo", "nurse"), ("a2", "hengelo", "nurse"), ("b1", "almelo", "nurse"))
    yield sessions
    for s in sessions:
        s.close()


def contents(session, path):
    from veldclient.sync import age_keys

    envelope = bundle.read(path)
    return bundle.decode_manifest(
        bundle.decrypt(envelope, age_keys.identity_for_key(session.device.private_key))
    )


def test_same_node_device_gets_everything_and_converges(trio, tmp_path):
    a1, a2, _ = trio
    client = clients.register_client(a1, GOOD)
    case = doc_id_for("case", client.id)
    exported = bundles.export_bundle(a1, ["a2"], tmp_path)
    assert exported.path.name.startswith("veld-hengelo-000001-") and exported.path.suffix == ".vbundle"
    assert exported.recipients == ("a2",) and exported.delta == 0
    result = bundles.import_bundle(a2, exported.path)
    assert result.status == "imported" and result.changed["case"] == 1 and result.refused == []
    assert a2.repo.store.stored_heads(case) == a1.repo.store.stored_heads(case)
    assert a2.db.execute("SELECT name FROM clients WHERE id = ?", [client.id]).fetchone()[0] == GOOD["name"]
    # the sender holds what it sent: recorded as its acknowledgement
    assert json.loads(
        a2.db.execute(
            "SELECT heads FROM peer_acks WHERE device_id = ? AND doc_id = ?", [a1.actor.device_id, case]
        ).fetchone()[0]
    ) == json.loads(a1.repo.store.stored_heads(case).text)


def test_unshared_case_stays_home_node_doc_travels_and_referral_reaches_only_its_target(tmp_path):
    a1, b1, c1 = sites(("a1", "hengelo", "nurse"), ("b1", "almelo", "nurse"), ("c1", "borne", "nurse"))
    client, request = referral(a1)
    case, placement = doc_id_for("case", client.id), doc_id_for("placement", request.id)
    first = contents(b1, bundles.export_bundle(a1, ["almelo"], tmp_path / "1").path)
    ids = {d.doc_id for d in first.docs}
    assert doc_id_for("node", "hengelo") in ids, "node documents go mesh-wide"
    assert case not in ids and placement not in ids
    plain = b"".join(d.data for d in first.docs)
    assert client.id.encode() not in plain and b"Nijhuis" not in plain

    pf.send(a1, request.id, "almelo")
    to_almelo = bundles.export_bundle(a1, ["almelo"], tmp_path / "2", full=True)
    assert placement in {d.doc_id for d in contents(b1, to_almelo.path).docs}
    assert case not in {d.doc_id for d in contents(b1, to_almelo.path).docs}
    bundles.import_bundle(b1, to_almelo.path)
    assert placement in doc_ids(b1) and case not in doc_ids(b1)
    assert b1.db.execute("SELECT count(*) FROM clients").fetchone()[0] == 0
    to_borne = bundles.export_bundle(a1, ["borne"], tmp_path / "3", full=True)
    assert placement not in {d.doc_id for d in contents(c1, to_borne.path).docs}
    # two nodes at once: only what both may see (a bundle is readable by all its recipients)
    both = bundles.export_bundle(a1, ["almelo", "borne"], tmp_path / "4", full=True)
    assert placement not in {d.doc_id for d in contents(c1, both.path).docs}
    assert both.recipient_nodes == ("almelo", "borne")
    for s in (a1, b1, c1):
        s.close()


def test_receiving_side_refuses_what_the_sender_may_not_hold(trio, tmp_path):
    """A bundle can only carry what both the sender's node and ours may see (Replica.accept_from)."""
    a1, a2, b1 = trio
    client = clients.register_client(b1, GOOD)  # almelo's own case
    exported = bundles.export_bundle(b1, ["hengelo"], tmp_path, full=True)
    assert doc_id_for("case", client.id) not in {d.doc_id for d in contents(a1, exported.path).docs}


def test_acknowledgement_bundle_makes_the_next_export_a_small_delta(trio, tmp_path):
    a1, a2, _ = trio
    ids = [clients.register_client(a1, {**GOOD, "name": f"Client {i}"}).id for i in range(5)]
    first = bundles.export_bundle(a1, ["a2"], tmp_path / "out")
    imported = bundles.import_bundle(a2, first.path, ack_out=tmp_path / "back")
    assert imported.ack_file is not None
    ack = bundles.import_bundle(a1, bundle_path := tmp_path / "back" / imported.ack_file.split("/")[-1])
    assert bundle_path.exists() and ack.kind == "ack" and ack.acks >= 6
    # nothing changed since: nothing to send
    assert bundles.export_bundle(a1, ["a2"], tmp_path / "out").documents == 0
    clients.update_client(a1, ids[0], {"postcode": "7511 JM"})
    delta = bundles.export_bundle(a1, ["a2"], tmp_path / "out")
    assert (delta.full, delta.delta) == (0, 1)
    assert delta.size < first.size
    result = bundles.import_bundle(a2, delta.path)
    assert result.changed == {"case": 1}
    assert a2.db.execute("SELECT postcode FROM clients WHERE id = ?", [ids[0]]).fetchone()[0] == "7511 JM"
    # --full ignores what was acknowledged
    assert bundles.export_bundle(a1, ["a2"], tmp_path / "out", full=True).delta == 0


def test_delta_needs_every_recipient_device_to_hold_the_same_base(trio, tmp_path):
    a1, a2, b1 = trio
    # a third device of hengelo that never acknowledged anything
    extra = sites(("a3", "hengelo", "nurse"))[0]
    from synchelpers import pair_peers

    pair_peers(a1, extra)
    client = clients.register_client(a1, GOOD)
    first = bundles.export_bundle(a1, ["a2"], tmp_path)
    imported = bundles.import_bundle(a2, first.path, ack_out=tmp_path / "ack")
    bundles.import_bundle(a1, tmp_path / "ack" / imported.ack_file.split("/")[-1])
    clients.update_client(a1, client.id, {"postcode": "7511 JM"})
    assert bundles.export_bundle(a1, ["a2"], tmp_path).delta >= 1
    to_node = bundles.export_bundle(a1, ["hengelo"], tmp_path)
    assert to_node.delta == 0, "a3 acknowledged nothing: whole documents for the node"
    extra.close()


def test_ledger_sequence_and_audit(trio, tmp_path):
    a1, a2, _ = trio
    one = bundles.export_bundle(a1, ["a2"], tmp_path)
    two = bundles.export_bundle(a1, ["a2"], tmp_path)
    assert (one.seq, two.seq) == (1, 2)
    assert [r[0] for r in a1.db.execute("SELECT seq FROM bundle_exports")] == [1, 2]
    bundles.import_bundle(a2, two.path)
    assert bundles.import_bundle(a2, two.path).status == "duplicate"
    older = bundles.import_bundle(a2, one.path)
    assert older.flag == "older"
    rows = a2.db.execute("SELECT seq, flag FROM bundle_imports ORDER BY at, seq").fetchall()
    assert sorted(rows) == [(1, "older"), (2, None)]
    exports = audit_events(a1, "bundle.export")
    assert len(exports) == 2 and all(o == "ok" for o, _ in exports)
    assert json.loads(exports[0][1])["medium"] == "portable"
    imports = [json.loads(d)["status"] for _, d in audit_events(a2, "bundle.import")]
    assert imports == ["imported", "duplicate", "imported"]


def test_a_bundle_for_a_device_paired_after_the_export_is_refused_clearly(trio, tmp_path):
    a1, a2, _ = trio
    late = sites(("a4", "hengelo", "nurse"))[0]
    exported = bundles.export_bundle(a1, ["hengelo"], tmp_path)
    from synchelpers import pair_peers

    pair_peers(a1, late)
    with pytest.raises(BundleRefused) as caught:
        bundles.import_bundle(late, exported.path)
    assert caught.value.code == "not_for_device"
    late.close()


def test_unknown_recipient_is_one_clear_error(trio, tmp_path):
    a1, _, _ = trio
    with pytest.raises(bundles.NoRecipient) as caught:
        bundles.export_bundle(a1, ["oldenzaal"], tmp_path / "out")
    assert "oldenzaal" in caught.value.en and "oldenzaal" in caught.value.nl
    assert not (tmp_path / "out").exists()


def test_conflicts_raised_by_an_import_are_counted(tmp_path):
    from tuihelpers import double_booked_slot  # noqa: F401 - the scenario lives there

    from veldclient.services import slots

    gp, hengelo, borne = sites(
        ("gp", "enschede-zuid", "nurse"), ("h", "hengelo", "nurse"), ("b", "borne", "nurse")
    )
    slot = slots.publish(gp, service="GP_CONSULT", start_at=1_795_020_000_000)[0]
    for s in (hengelo, borne):
        bundles.import_bundle(s, bundles.export_bundle(gp, [s.actor.node_id], tmp_path / "gp").path)
    slots.book(hengelo, slot.id, clients.register_client(hengelo, GOOD).id)
    slots.book(borne, slot.id, clients.register_client(borne, GOOD).id)
    first = bundles.import_bundle(gp, bundles.export_bundle(hengelo, ["enschede-zuid"], tmp_path / "h").path)
    second = bundles.import_bundle(gp, bundles.export_bundle(borne, ["enschede-zuid"], tmp_path / "b").path)
    assert first.conflicts_raised == 0 and second.conflicts_raised == 1
    for s in (gp, hengelo, borne):
        s.close()


@pytest.mark.parametrize("acknowledged", [False, True], ids=["no-ack", "after-ack-bundle"])
def test_a_second_referral_arrives_in_one_bundle(tmp_path, acknowledged):
    """The share listing that releases the new request travels in the same bundle as the request
    (as a delta once the first listing was acknowledged): it must be applied first, whatever its
    form, or the request is refused as out of scope."""
    ens, hen = sites(("e1", "enschede-centrum", "nurse"), ("h1", "hengelo", "nurse"))
    _, first = referral(ens, "Gerda [test] Nijhuis")
    pf.send(ens, first.id, "hengelo")
    imported = bundles.import_bundle(
        hen, bundles.export_bundle(ens, ["hengelo"], tmp_path / "1").path, ack_out=tmp_path / "ack"
    )
    assert doc_id_for("placement", first.id) in doc_ids(hen) and imported.refused == []
    if acknowledged:
        bundles.import_bundle(ens, tmp_path / "ack" / imported.ack_file.split("/")[-1])

    _, second = referral(ens, "Bert [test] Oude Luttikhuis")
    pf.send(ens, second.id, "hengelo")
    exported = bundles.export_bundle(ens, ["hengelo"], tmp_path / "2")
    share = next(d for d in contents(hen, exported.path).docs if d.doc_id.startswith("share:"))
    assert share.kind == ("delta" if acknowledged else "full")
    result = bundles.import_bundle(hen, exported.path)
    placement = doc_id_for("placement", second.id)
    assert result.refused == [] and result.changed.get("placement") == 1
    assert placement in doc_ids(hen)
    assert hen.repo.store.stored_heads(placement) == ens.repo.store.stored_heads(placement)
    assert hen.db.execute("SELECT count(*) FROM placements").fetchone()[0] == 2
    for s in (ens, hen):
        s.close()
