"""Across nodes over the protocol: a laptop that syncs only with its own node machine sees another
node's document (and capacity) because its node's admin paired that node once (trust.introductions)."""

from __future__ import annotations

import pytest
from synchelpers import Mesh, devices

from veldclient import trust
from veldclient.reference import twente
from veldclient.services import capacity
from veldclient.services import peers as peer_service
from veldclient.store.repo import doc_id_for
from veldclient.sync import identity_file

E, H = "enschede-centrum", "hengelo"
H_NODE = doc_id_for("node", H)


def pair(one, other) -> None:
    """``one`` pairs ``other`` from its identity file."""
    cert = identity_file.parse(identity_file.render(other.device))
    peer_service.pair_device(one, cert, name=other.profile.name)


@pytest.fixture
def hubs():
    """hub_e (admin of E) and hub_h (admin of H) paired both ways; lap (nurse of E) and hub_e paired
    with each other only, as a joined laptop is; nurse_e (nurse of E) paired with hub_h and lap2 (a
    nurse laptop of E) paired with nurse_e only."""
    specs = [("hub_e", E, "admin"), ("hub_h", H, "admin"), ("lap", E, "nurse")]
    specs += [("nurse_e", E, "nurse"), ("lap2", E, "nurse")]
    with devices(*specs, paired=0) as sessions:
        hub_e, hub_h, lap, nurse_e, lap2 = sessions
        for one, other in ((hub_e, hub_h), (hub_h, hub_e), (hub_e, lap), (lap, hub_e)):
            pair(one, other)
        for one, other in ((nurse_e, hub_h), (hub_h, nurse_e), (nurse_e, lap2), (lap2, nurse_e)):
            pair(one, other)
        yield sessions


def report_capacity(session) -> str:
    loc = twente.locations_for(H)[0].id
    capacity.update_capacity(session, loc, "GRZ", {"beds_total": 4, "counts": {"FREE": 2, "OCCUPIED": 2}})
    return loc


def test_a_laptop_sees_the_node_its_admin_paired_with_nothing_refused(hubs):
    hub_e, hub_h, lap, *_ = hubs
    mesh = Mesh(*hubs)
    loc = report_capacity(hub_h)
    _, _ = mesh.sync("hub_h", "hub_e")
    assert hub_e.repo.holds(H_NODE)
    fetched: list[str] = []
    server = mesh.servers["hub_e"]
    handle = server.handle

    def watch(device, op, body, **kwargs):
        if op == "fetch":
            fetched.extend(body["ids"])
        return handle(device, op, body, **kwargs)

    server.handle = watch  # type: ignore[method-assign]
    report, _ = mesh.sync("lap", "hub_e")
    assert not report.refused, report.refused
    assert lap.repo.holds(H_NODE)
    assert fetched.count(H_NODE) == 1, "checked once, against the own node document synced first"
    view = [v for v in capacity.capacity(lap, node_id=H, care_type="GRZ") if v.location_id == loc]
    assert [(v.free, v.beds_total) for v in view] == [(2, 4)]
    # a later report of H reaches the laptop through hub_e as well
    capacity.update_capacity(hub_h, loc, "GRZ", {"beds_total": 4, "counts": {"FREE": 1, "OCCUPIED": 3}})
    mesh.sync("hub_h", "hub_e")
    again, _ = mesh.sync("lap", "hub_e")
    assert not again.refused
    assert [v.free for v in capacity.capacity(lap, node_id=H, care_type="GRZ") if v.location_id == loc] == [1]
    # what the laptop remembers of the introductions follows its registry too
    assert set(lap.repo.introduced(H)) == {hub_h.actor.device_id}
    with lap.transaction():
        lap.db.execute("UPDATE trusted_devices SET revoked = 1 WHERE device_id = ?", [hub_e.actor.device_id])
    assert lap.repo.introduced(H) == {}


def test_a_laptop_that_refused_the_node_before_takes_it_once_the_introduction_arrives(hubs):
    """The refusal remembered for the old trust (sync/refusals.py) lifts with the introduction, and
    the document refused in a run's fetch is fetched again when the same run brings the introduction."""
    hub_e, hub_h, lap, *_ = hubs
    mesh = Mesh(*hubs)
    report_capacity(hub_h)
    mesh.sync("hub_h", "hub_e")
    # hub_e's node document without its introduction of hub_h (paired by an earlier version)
    own = doc_id_for("node", E)
    key = next(k for k in hub_e.repo.read(own)["attestations"] if k.startswith(hub_h.actor.device_id))
    hub_e.repo.change(own, lambda e: e.delete(("attestations", key)))
    first, _ = mesh.sync("lap", "hub_e")
    assert [d for d, _ in first.refused] == [H_NODE]
    again, _ = mesh.sync("lap", "hub_e")
    assert [d for d, _ in again.refused] == [H_NODE], "remembered, reported, not fetched again"
    assert peer_service.introduce_paired(hub_e) == [hub_h.actor.device_id]
    third, _ = mesh.sync("lap", "hub_e")
    assert not third.refused, third.refused
    assert lap.repo.holds(H_NODE)


def test_a_laptop_whose_node_only_a_nurse_introduced_the_other_node_to_refuses_it(hubs):
    _, hub_h, _, nurse_e, lap2 = hubs
    mesh = Mesh(*hubs)
    report_capacity(hub_h)
    mesh.sync("nurse_e", "hub_h")
    assert nurse_e.repo.holds(H_NODE), "nurse_e paired hub_h itself"
    # nurse_e writes the entry an admin would: signed, but by a nurse
    cert = hub_h.device.certificate_pem
    entry = {
        "device_id": hub_h.actor.device_id,
        "node_id": H,
        "role": "admin",
        "cert": cert.decode() if isinstance(cert, bytes) else cert,
        "added_by": nurse_e.actor.device_id,
        "at": nurse_e.now(),
        "revoked": False,
        "signature": nurse_e.device.sign(trust.entry_payload(hub_h.actor.device_id, H, "add")).hex(),
    }
    with nurse_e.transaction():
        nurse_e.repo.change(doc_id_for("node", E), lambda e: trust.record_entry(e, entry, display=False))
    report, _ = mesh.sync("lap2", "nurse_e")
    assert H_NODE in {d for d, _ in report.refused}
    assert not lap2.repo.holds(H_NODE)


def test_a_bundle_brings_the_introduction_and_the_node_it_vouches_for_together(tmp_path):
    """By USB stick: the own node document arrives as a delta beside the other node's whole
    document, and is applied first, so the laptop takes both."""
    from veldclient.services import bundles

    with devices(("hub_e", E, "admin"), ("hub_h", H, "admin"), ("lap", E, "nurse"), paired=0) as sessions:
        hub_e, hub_h, lap = sessions
        pair(hub_e, lap)
        pair(lap, hub_e)
        first = bundles.import_bundle(lap, bundles.export_bundle(hub_e, ["lap"], tmp_path / "1").path,
                                      ack_out=tmp_path / "ack")  # fmt: skip
        assert first.ack_file is not None
        bundles.import_bundle(hub_e, tmp_path / "ack" / first.ack_file.split("/")[-1])
        pair(hub_e, hub_h)
        pair(hub_h, hub_e)
        report_capacity(hub_h)
        bundles.import_bundle(hub_e, bundles.export_bundle(hub_h, ["hub_e"], tmp_path / "2").path)
        exported = bundles.export_bundle(hub_e, ["lap"], tmp_path / "3")
        assert exported.delta >= 1 and exported.full >= 1
        result = bundles.import_bundle(lap, exported.path)
        assert result.refused == [] and lap.repo.holds(H_NODE)
        assert [v.free for v in capacity.capacity(lap, node_id=H, care_type="GRZ") if v.reported] == [2]


def test_a_remembered_refusal_lifts_when_the_introduction_came_another_way():
    """The laptop refused hengelo's document and remembered it; the introduction then reaches it by
    another path (a bundle, another peer): the next run takes the same version it refused."""
    from veldclient.sync import peers

    with devices(("hub_e", E, "admin"), ("hub_h", H, "admin"), ("lap", E, "nurse"), paired=0) as sessions:
        hub_e, hub_h, lap = sessions
        for one, other in ((hub_e, lap), (lap, hub_e), (hub_h, hub_e)):
            pair(one, other)
        with hub_e.transaction():  # paired hub_h without an introduction (an earlier version)
            cert = identity_file.parse(identity_file.render(hub_h.device))
            peers.add(hub_e.db, cert, name="hub_h", address=None, own_device_id=hub_e.actor.device_id,
                      paired_by="admin", now_ms=hub_e.now())  # fmt: skip
        mesh = Mesh(*sessions)
        report_capacity(hub_h)
        mesh.sync("hub_h", "hub_e")
        first, _ = mesh.sync("lap", "hub_e")
        assert [d for d, _ in first.refused] == [H_NODE]
        assert peer_service.introduce_paired(hub_e) == [hub_h.actor.device_id]
        own = doc_id_for("node", E)
        lap.repo.merge(own, hub_e.repo.store.save_bytes(own), E)  # as a bundle would bring it
        mesh.links.clear()  # a new connection: the full manifest offers hengelo's document unchanged
        again, _ = mesh.sync("lap", "hub_e")
        assert not again.refused, again.refused
        assert lap.repo.holds(H_NODE)
