"""Founding and retiring a node with real sessions: who may, what another device accepts (only a
founding or retirement signed by a trusted admin of that node), and what a retired node stops being
(a referral target, a source of beds)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from synchelpers import pair_peers
from testenv import FakeClock, make_session

from veldclient.errors import AccessDenied, NotFound, ProfileError, ValidationError
from veldclient.services import capacity, nodes
from veldclient.services import placement_flow as pf
from veldclient.store.repo import doc_id_for

ISALA = "Isala Zwolle; 8025 AB; Dokter van Heesweg 2"


def found(session, **extra: Any) -> nodes.KnownNode:
    fields = {"node_id": "zwolle", "name": "Zwolle", "postcodes": "8011-8017", "locations": [ISALA]}
    return nodes.found_node(session, **(fields | extra))


def ship(src, dst, doc_id: str) -> None:
    info = src.repo.store.info(doc_id)
    dst.repo.merge(doc_id, src.repo.store.save_bytes(doc_id), info.node_id)


@pytest.fixture
def mesh(clock: FakeClock) -> Iterator[dict[str, Any]]:
    """Zwolle's admin and nurse, Hengelo's admin; Hengelo's admin paired with both Zwolle devices."""
    made = {
        "zw": make_session("zw", node="zwolle", role="admin", clock=clock),
        "zwn": make_session("zwn", node="zwolle", role="nurse", clock=clock),
        "h": make_session("h", node="hengelo", role="admin", clock=clock),
    }
    pair_peers(made["h"], made["zw"])
    pair_peers(made["h"], made["zwn"])
    pair_peers(made["zw"], made["zwn"])
    yield made
    for s in made.values():
        s.close()


def test_a_founding_travels_with_the_node_document_and_counts_on_a_paired_device(mesh) -> None:
    zw, h = mesh["zw"], mesh["h"]
    assert "zwolle" not in {n.id for n in nodes.known_nodes(h)}
    node = found(zw)
    assert (node.name, node.pc4_ranges, node.source, node.locations) == (
        "Zwolle",
        ((8011, 8017),),
        "founded",
        1,
    )
    ship(zw, h, doc_id_for("node", "zwolle"))
    there = nodes.check_known(h, "zwolle")
    assert (there.name, there.founded_by, there.retired) == ("Zwolle", zw.device.device_id, False)
    assert "zwolle" in nodes.active_ids(h)
    [site] = capacity.locations(h, node_id="zwolle")
    assert (site.name, site.postcode) == ("Isala Zwolle", "8025 AB")
    # A laptop of the new node made its own (blank) genesis of the document; the founding merges in.
    ship(zw, mesh["zwn"], doc_id_for("node", "zwolle"))
    assert nodes.check_known(mesh["zwn"], "zwolle").name == "Zwolle"


def test_a_nurse_cannot_found_and_a_founding_she_signs_herself_counts_nowhere(mesh) -> None:
    zwn, h = mesh["zwn"], mesh["h"]
    with pytest.raises(AccessDenied):
        found(zwn)
    # Her laptop writes a founding entry of its own (as a stolen laptop could): signed, but not by
    # an admin of Zwolle, so neither her own device nor Hengelo counts it.
    fields = {"name": "Zwolle", "pc4_ranges": [[8011, 8017]], "at": zwn.now()}
    from veldclient import trust

    entry = {**fields, "by": zwn.device.device_id, "signature": zwn.device.sign(
        trust.node_act_payload("zwolle", "found", fields)).hex()}  # fmt: skip
    zwn.repo.change(doc_id_for("node", "zwolle"), lambda e: e.set(("founding",), entry))
    ship(zwn, h, doc_id_for("node", "zwolle"))
    for device in (zwn, h):
        assert "zwolle" not in {n.id for n in nodes.known_nodes(device)}
        with pytest.raises(ProfileError, match="Unknown node 'zwolle'"):
            nodes.check_known(device, "zwolle")
        with pytest.raises(NotFound, match="Node 'zwolle' does not exist"):
            nodes.check_target(device, "zwolle")


def test_a_founding_changed_after_signing_does_not_count(mesh) -> None:
    zw, h = mesh["zw"], mesh["h"]
    found(zw)
    zw.repo.change(doc_id_for("node", "zwolle"), lambda e: e.set(("founding", "name"), "Zwolle-Noord"))
    ship(zw, h, doc_id_for("node", "zwolle"))
    assert "zwolle" not in nodes.active_ids(h)


def test_a_device_that_never_paired_zwolle_refuses_its_node_document(mesh, clock) -> None:
    zw = mesh["zw"]
    found(zw)
    stranger = make_session("a", node="almelo", role="admin", clock=clock)
    try:
        with pytest.raises(Exception, match="refused|geweigerd"):
            ship(zw, stranger, doc_id_for("node", "zwolle"))
        assert "zwolle" not in nodes.active_ids(stranger)
    finally:
        stranger.close()


def test_founding_validates_every_field_at_once_and_writes_nothing(mesh) -> None:
    zw = mesh["zw"]
    with pytest.raises(ValidationError) as caught:
        found(zw, node_id="Zwolle!", name="", postcodes="80a", locations=["Isala; 8025; x"])
    assert {e.field for e in caught.value.errors} == {"id", "name", "postcodes", "locations"}
    with pytest.raises(ValidationError, match="not_own|belongs to node"):
        found(zw, node_id="zwolle-zuid")
    with pytest.raises(ValidationError, match="already exists"):
        found(zw, node_id="hengelo")
    with pytest.raises(ValidationError, match="No existing postcode area"):
        found(zw, postcodes="1000-1009")
    assert not zw.repo.read(doc_id_for("node", "zwolle")).get("founding")
    found(zw)
    with pytest.raises(ValidationError, match="already exists"):
        found(zw)


def test_a_retired_node_is_no_referral_target_and_its_beds_stop_counting(mesh) -> None:
    zw, h = mesh["zw"], mesh["h"]
    found(zw)
    [site] = capacity.locations(zw, node_id="zwolle")
    capacity.update_capacity(zw, site.id, "GRZ", {"beds_total": 4, "counts": {"FREE": 2, "OCCUPIED": 2}})
    ship(zw, h, doc_id_for("node", "zwolle"))
    assert any(r["node_id"] == "zwolle" for r in pf.capacity_for(h, "GRZ"))
    assert capacity.free_beds_by_care_type(h)["GRZ"] == 2
    with pytest.raises(ValidationError, match="Only the admin"):
        nodes.retire_node(h, "zwolle")
    nodes.retire_node(zw, "zwolle")
    ship(zw, h, doc_id_for("node", "zwolle"))
    assert nodes.check_known(h, "zwolle").retired
    assert not any(r["node_id"] == "zwolle" for r in pf.capacity_for(h, "GRZ"))
    assert capacity.capacity(h, node_id="zwolle") == [], "the board and dashboard leave its beds out"
    assert capacity.capacity(zw, node_id="zwolle"), "its own admin still sees them"
    assert "GRZ" not in capacity.free_beds_by_care_type(h)
    with pytest.raises(ValidationError, match="has been retired"):
        nodes.check_target(h, "zwolle")
    with pytest.raises(ValidationError, match="already been retired"):
        nodes.retire_node(zw, "zwolle")


def test_the_care_types_founded_with_show_as_not_yet_reported_until_someone_reports(mesh) -> None:
    zw = mesh["zw"]
    with pytest.raises(ValidationError, match="care_types"):
        found(zw, care_types=["BEDS"])
    found(zw, care_types=["GRZ", "elv hoog"])
    rows = capacity.capacity(zw, node_id="zwolle")
    assert sorted((r.care_type, r.reported, r.free) for r in rows) == [
        ("ELV_HOOG", False, None),
        ("GRZ", False, None),
    ]
    grz = next(r for r in rows if r.care_type == "GRZ")
    capacity.update_capacity(
        zw, grz.location_id, "GRZ", {"beds_total": 4, "counts": {"FREE": 1, "OCCUPIED": 3}}
    )
    assert next(r for r in capacity.capacity(zw, node_id="zwolle") if r.care_type == "GRZ").free == 1
