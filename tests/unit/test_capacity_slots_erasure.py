"""Coordination on the own node: capacity with freshness and history, slots, erasure, node trust."""

from __future__ import annotations

import pytest
from synchelpers import GOOD, booked_apart
from testenv import make_session, pair, push

from veldclient import trust
from veldclient.domain import BedStatus, node_seed
from veldclient.domain.models_capacity import capacity_key
from veldclient.errors import AccessDenied, InvalidTransition, NotFound, ValidationError
from veldclient.reference import twente
from veldclient.services import capacity, clients, conflicts, erasure, placements, settings, slots
from veldclient.services.demo import load_nodes
from veldclient.store.projection import TABLES
from veldclient.store.repo import doc_id_for

HOUR = 3_600_000
LOC = twente.locations_for("enschede-centrum")[0].id


def test_update_capacity_is_visible_with_reporter_device_and_age(session, clock):
    record = capacity.update_capacity(
        session,
        LOC,
        "GRZ",
        {
            "beds_total": 10,
            "counts": {"FREE": 3, "OCCUPIED": 6, "CLOSED": 1, "CLEANING": 0, "ISOLATION": 0},
            "capabilities": ["ZUURSTOF"],
        },
    )
    assert record.free == 3
    clock.advance(2 * HOUR)
    view = next(v for v in capacity.capacity(session, care_type="GRZ") if v.location_id == LOC)
    assert (view.free, view.closed, view.beds_total) == (3, 1, 10)
    assert view.reported_by == "nurse-test" and view.device_id == session.actor.device_id
    assert view.age_ms == 2 * HOUR and not view.stale
    clock.advance(11 * HOUR)
    assert next(v for v in capacity.capacity(session, care_type="GRZ") if v.location_id == LOC).stale


def test_every_bed_status_reaches_the_table_the_view_and_the_fixtures(session):
    counts = {s.value: n for n, s in enumerate(BedStatus, start=1)}
    capacity.update_capacity(session, LOC, "GRZ", {"beds_total": sum(counts.values()), "counts": counts})
    view = next(v for v in capacity.capacity(session, care_type="GRZ") if v.location_id == LOC)
    assert {s.value: view.count(s) for s in BedStatus} == counts
    assert {s.column for s in BedStatus} <= set(TABLES["capacity"][0])
    seed = node_seed.node_document_seed("enschede-centrum", reported_at=0)
    assert all(set(r["counts"]) == {s.value for s in BedStatus} for r in seed["capacity"].values())


def test_one_capacity_key_for_the_document_the_table_and_the_fixtures(session):
    record = capacity.update_capacity(session, LOC, "GRZ", {"beds_total": 1, "counts": {"FREE": 1}})
    key = capacity_key(LOC, "GRZ")
    assert record.key == key
    assert key in session.repo.read(doc_id_for("node", "enschede-centrum"))["capacity"]
    assert session.db.execute("SELECT count(*) FROM capacity WHERE id = ?", [key]).fetchone()[0] == 1
    seed = node_seed.node_document_seed("enschede-centrum", reported_at=0)
    assert all(k == capacity_key(r["location_id"], r["care_type"]) for k, r in seed["capacity"].items())


def test_staleness_limit_is_configurable(session, clock):
    capacity.update_capacity(session, LOC, "GRZ", {"beds_total": 2, "counts": {"FREE": 2}})
    clock.advance(3 * HOUR)
    settings.set_stale_after_hours(session, 2)
    assert next(v for v in capacity.capacity(session) if v.location_id == LOC and v.care_type == "GRZ").stale
    with pytest.raises(ValidationError):
        settings.set_stale_after_hours(session, 0)


def test_filters_by_care_type_and_capability(session):
    load_nodes(session)
    rows = capacity.capacity(session, care_type="ELV_HOOG", capability="ZUURSTOF")
    assert rows and all(r.care_type == "ELV_HOOG" and "ZUURSTOF" in r.capabilities for r in rows)
    assert len({r.node_id for r in capacity.capacity(session)}) == 9  # ut-kennis has no beds


def test_daily_history_per_care_type(session, clock):
    capacity.update_capacity(session, LOC, "GRZ", {"beds_total": 10, "counts": {"FREE": 4, "OCCUPIED": 6}})
    clock.advance(24 * HOUR)
    capacity.update_capacity(session, LOC, "GRZ", {"beds_total": 10, "counts": {"FREE": 1, "OCCUPIED": 9}})
    history = capacity.history(session, node_id="enschede-centrum", care_type="GRZ")
    first, second = history[-2:]
    assert second["day"] > first["day"]
    assert (first["free"] - second["free"], second["occupied"] - first["occupied"]) == (3, 3)
    views = capacity.capacity(session, node_id="enschede-centrum", care_type="GRZ")
    reported = [v for v in views if v.reported]  # a location nobody reported adds nothing
    assert second["free"] == sum(v.free or 0 for v in reported)
    assert second["beds_total"] == sum(v.beds_total or 0 for v in reported)


@pytest.mark.parametrize(
    "counts",
    [{"FREE": -1, "OCCUPIED": 11}, {"FREE": 8, "OCCUPIED": 8}, {"FREE": "veel"}],
)
def test_impossible_counts_are_refused_and_nothing_is_written(session, counts):
    heads = session.repo.store.heads("node:enschede-centrum")
    with pytest.raises(ValidationError) as caught:
        capacity.update_capacity(session, LOC, "GRZ", {"beds_total": 10, "counts": counts})
    assert caught.value.errors[0].nl and caught.value.errors[0].en
    assert session.repo.store.heads("node:enschede-centrum") == heads


def test_unknown_location_and_coordinator_refused(session, coordinator):
    with pytest.raises(NotFound):
        capacity.update_capacity(session, "0" * 32, "GRZ", {"beds_total": 1, "counts": {"FREE": 1}})
    with pytest.raises(AccessDenied):
        capacity.update_capacity(coordinator, LOC, "GRZ", {"beds_total": 1, "counts": {"FREE": 1}})
    assert coordinator.audit_log.entries(limit=1)[0].outcome == "denied"


def test_capacity_from_another_nodes_device_is_refused_on_merge(clock):
    hengelo = make_session("h", node="hengelo", clock=clock)
    borne = make_session("b", node="borne", clock=clock)
    pair(hengelo, borne)
    # borne's device forges a change to hengelo's node document (outside the services)
    push(hengelo, borne, ["node:hengelo"])
    from veldclient.store.repo import Repo

    forger = Repo(borne.db, trust.session_actor(borne.actor.device_id), clock, None)
    forger.change("node:hengelo", lambda e: e.set(("profile", "name"), "Overgenomen"))
    borne.repo.store.invalidate()
    before = hengelo.repo.store.heads("node:hengelo")
    with pytest.raises(trust.NodeWriteRejected):
        push(borne, hengelo, ["node:hengelo"])
    assert hengelo.repo.store.heads("node:hengelo") == before
    # while hengelo's own report reaches borne fine
    loc = twente.locations_for("hengelo")[0].id
    capacity.update_capacity(hengelo, loc, "GRZ", {"beds_total": 5, "counts": {"FREE": 5}})
    fresh = make_session("b2", node="borne", clock=clock)
    pair(hengelo, fresh)
    push(hengelo, fresh, ["node:hengelo"])
    assert any(v.location_id == loc and v.free == 5 for v in capacity.capacity(fresh, node_id="hengelo"))


def test_a_device_introduced_by_a_trusted_device_is_trusted(clock):
    """Node documents list their devices, each entry signed: peers learn a node's second laptop."""
    first = make_session("one", node="almelo", clock=clock)
    second = make_session("two", node="almelo", clock=clock)
    other = make_session("o", node="borne", clock=clock)
    pair(first, other)  # other knows only the first almelo laptop
    pair(first, second)
    push(second, first, ["node:almelo"])  # second's self-signed entry is not enough on its own...
    from veldclient.services.setup import register_own_device

    # ...but first (trusted by `other`) introduces second by signing an entry for it
    entry = first.repo.read("node:almelo")["devices"][second.actor.device_id]
    signed = {
        **entry,
        "added_by": first.actor.device_id,
        "signature": first.device.sign(trust.entry_payload(second.actor.device_id, "almelo", "add")).hex(),
    }
    first.repo.change("node:almelo", lambda e: e.update(("devices", second.actor.device_id), signed))
    assert register_own_device  # the self-registration path exists for every new device
    push(first, other, ["node:almelo"])
    loc = twente.locations_for("almelo")[0].id
    push(first, second, ["node:almelo"])
    capacity.update_capacity(second, loc, "GRZ", {"beds_total": 4, "counts": {"FREE": 4}})
    push(second, other, ["node:almelo"])
    assert any(v.location_id == loc and v.free == 4 for v in capacity.capacity(other, node_id="almelo"))


def test_slots_publish_book_release(session, coordinator):
    published = slots.publish(session, service="WV_VISIT", start_at=1_795_010_000_000, minutes=10, count=3)
    client = clients.register_client(
        session, {"name": "Gerrit Nijhuis", "birth_date": "1939-01-01", "postcode": "7511 JM"}
    )
    booking = slots.book(session, published[0].id, client.id)
    table = {s["id"]: s["state"] for s in slots.slot_table(session)}
    assert table[published[0].id] == "booked" and table[published[1].id] == "free"
    with pytest.raises(InvalidTransition):
        slots.book(session, published[0].id, client.id)
    slots.release(session, booking)
    with pytest.raises(InvalidTransition):
        slots.release(session, booking)
    assert {s["id"]: s["state"] for s in slots.slot_table(session)}[published[0].id] == "free"
    with pytest.raises(NotFound):
        slots.book(session, "f" * 32, client.id)
    with pytest.raises(ValidationError):
        slots.publish(session, service="WV_VISIT", start_at=1_795_010_000_000, count=0)


def test_double_booking_made_apart_is_detected_and_both_kept(clock):
    gp = make_session("gp", node="enschede-zuid", clock=clock)
    a = make_session("a", node="hengelo", clock=clock)
    b = make_session("b", node="borne", clock=clock)
    pair(gp, a, b)
    slot = slots.publish(gp, service="GP_CONSULT", start_at=1_795_020_000_000)[0]
    for s in (a, b):
        push(gp, s, ["node:enschede-zuid"])
    slots.book(a, slot.id, clients.register_client(a, GOOD).id)
    slots.book(b, slot.id, clients.register_client(b, GOOD).id)  # apart: neither knows the other's booking
    push(a, gp, ["node:hengelo"])
    push(b, gp, ["node:borne"])
    found = slots.conflicts(gp)
    assert len(found) == 1 and {s["node"] for s in found[0]["sides"]} == {"hengelo", "borne"}
    assert {s["id"]: s["state"] for s in slots.slot_table(gp)}[slot.id] == "double_booked"


def test_two_devices_of_one_node_booking_apart_keep_both_bookings_after_sync():
    """Both devices write the first booking of their node while apart: neither may be lost when
    they sync (Automerge keeps one of two maps created concurrently at one key), and the double
    booking must reach the conflict inbox on both."""
    with booked_apart() as (mesh, a1, a2, slot_id, first, second):
        report, _ = mesh.sync("a2", "a1")
        assert not report.refused and not report.unconverged
        for s in (a1, a2):
            booked = {r[0] for r in s.db.execute("SELECT id FROM slot_bookings WHERE slot_id = ?", [slot_id])}
            assert booked == {first, second}
            assert set(s.repo.read("node:hengelo")["bookings"]) == {first, second}
            found = [c for c in conflicts.inbox(s) if c.kind == "slot.double_booking"]
            assert len(found) == 1 and set(found[0].event_ids) == {first, second}
            assert {x["id"]: x["state"] for x in slots.slot_table(s)}[slot_id] == "double_booked"


def test_erasure_drops_documents_on_every_replica(clock):
    a = make_session("a", node="hengelo", clock=clock)
    b = make_session("b", node="hengelo", clock=clock)
    pair(a, b)
    client = clients.register_client(
        a, {"name": "Truus Wessels", "birth_date": "1930-03-03", "postcode": "7551 AB"}
    )
    request = placements.file_placement_request(
        a,
        client.id,
        {
            "referrer": {"name": "Dr. Bos", "role": "HUISARTS"},
            "urgency": "U4",
            "triage": {
                "instability": False,
                "unplanned_nursing": True,
                "adl_takeover": False,
                "wlz_indication": False,
                "specialist_needed": False,
            },
            "desired_start": "2026-11-20",
        },
    )
    docs = [f"case:{client.id}", f"placement:{request.id}"]
    push(a, b, docs + ["node:hengelo"])
    assert b.db.execute("SELECT count(*) FROM clients").fetchone()[0] == 1
    erased = erasure.erase_client(a, client.id)
    assert set(erased) == set(docs)
    assert not any(a.repo.store.exists(d) for d in docs)
    push(a, b, ["node:hengelo"])
    assert not any(b.repo.store.exists(d) for d in docs)
    assert b.db.execute("SELECT count(*) FROM clients").fetchone()[0] == 0
    assert b.db.execute("SELECT count(*) FROM placements").fetchone()[0] == 0
    # a stale copy arriving later is refused
    assert not b.repo.merge(docs[0], b"irrelevant", "hengelo")
    entry = a.audit_log.entries(limit=1)[0]
    assert (entry.event, entry.action, entry.client_id) == ("client.erase", "D", client.id)
    assert "Truus" not in repr(a.audit_log.entries(limit=50))


def test_erasure_of_unknown_client_and_by_coordinator(session, coordinator):
    with pytest.raises(NotFound):
        erasure.erase_client(session, "0" * 32)
    with pytest.raises(AccessDenied):
        erasure.erase_client(coordinator, "0" * 32)


def test_coordinator_asking_clinical_detail_is_refused_and_audited(session, coordinator):
    client = clients.register_client(
        session, {"name": "Bep Kuipers", "birth_date": "1935-05-05", "postcode": "7511 JM"}
    )
    with pytest.raises(AccessDenied):
        clients.visits(coordinator, client.id)
    last = coordinator.audit_log.entries(limit=1)[0]
    assert (last.event, last.outcome, last.client_id) == ("visit.read", "denied", client.id)
