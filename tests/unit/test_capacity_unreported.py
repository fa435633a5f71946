"""No invented capacity: a node's locations and care types exist from its document's creation, but
until one of its devices reports, they are "not yet reported" — unknown, never free beds — in the
capacity service, the dashboard's totals and the placement ranking."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from test_placement_flow_service import file_request
from testenv import FakeClock, make_session

from veldclient.domain.models_capacity import is_reported
from veldclient.reference import twente
from veldclient.services import capacity, dashboard_view, demo, setup
from veldclient.services import placement_flow as pf
from veldclient.store.repo import doc_id_for

HOUR = 3_600_000


@pytest.fixture
def hengelo(clock: FakeClock) -> Iterator:
    """A new profile of Hengelo that also holds Almelo's node document as created (no report yet)."""
    s = make_session("hengelo", node="hengelo", clock=clock)
    setup.ensure_node_document(s, "almelo")
    yield s
    s.close()


def elv_hoog(node: str) -> str:
    return next(loc.id for loc in twente.locations_for(node) if loc.beds.get("ELV_HOOG"))


def report(session, location: str, free: int, total: int = 9) -> None:
    capacity.update_capacity(
        session,
        location,
        "ELV_HOOG",
        {
            "beds_total": total,
            "counts": {"FREE": free, "OCCUPIED": total - free},
            "capabilities": ["ZUURSTOF"],
        },
    )


def test_a_new_node_document_has_its_locations_and_care_types_but_no_report(hengelo):
    records = hengelo.repo.read("node:hengelo")["capacity"]
    assert len(records) == 7
    for key, record in records.items():
        assert key == f"{record['location_id']}/{record['care_type']}"
        # the genesis content is the same on every device and every version (docs/data-model.md):
        # its placeholder records are not a report
        assert not is_reported(record), "no report yet"
    views = capacity.capacity(hengelo)
    assert len(views) == 7 + 7 and all(not v.reported for v in views)
    for v in views:
        assert (v.free, v.beds_total, v.reported_by, v.reported_at, v.age_ms, v.stale) == (
            None,
            None,
            None,
            None,
            None,
            False,
        )
        assert v.as_json()["reported"] is False and v.as_json()["free"] is None


def test_unreported_rows_count_as_unknown_in_the_dashboard_totals(hengelo, clock):
    elv = next(p for p in dashboard_view.pressure(hengelo, clock.now) if p.care_type == "ELV_HOOG")
    assert (elv.free, elv.beds_total, elv.reported_at, elv.unreported) == (0, 0, (), 2)
    report(hengelo, elv_hoog("hengelo"), free=2)
    elv = next(p for p in dashboard_view.pressure(hengelo, clock.now) if p.care_type == "ELV_HOOG")
    assert (elv.free, elv.beds_total, elv.reported_at, elv.unreported) == (2, 9, (clock.now,), 1)
    grz = next(p for p in dashboard_view.pressure(hengelo, clock.now) if p.care_type == "GRZ")
    assert (grz.free, grz.beds_total, grz.unreported) == (0, 0, 2)


def test_an_unreported_location_is_ranked_last_as_unknown_never_with_free_beds(hengelo, clock):
    request = file_request(hengelo)  # ELV hoog with oxygen, from Hengelo
    before = pf.candidates(hengelo, request.id)
    assert {c.node_id for c in before} == {"hengelo", "almelo"}
    assert all(not c.reported and c.free is None and not c.full for c in before)
    assert all(c.score == 0 and c.reasons[0].code == "unreported" for c in before)
    assert before[0].reasons[0].pair == (
        "nog niet gemeld: vrije bedden onbekend, dus score 0",
        "not yet reported: free beds unknown, so score 0",
    )

    report(hengelo, elv_hoog("hengelo"), free=0)
    clock.advance(HOUR)
    ranked = pf.candidates(hengelo, request.id)
    assert [(c.node_id, c.reported, c.full) for c in ranked] == [
        ("hengelo", True, True),
        ("almelo", False, False),
    ]
    assert ranked[-1].to_dict()["free"] is None


def test_an_acceptance_at_a_location_this_replica_has_no_report_of_is_no_double_booking(hengelo, clock):
    """Hengelo holds Almelo's node document as created (no report): its one acceptance of Almelo's
    offer is not 'more acceptances than free beds' — the free beds are unknown here."""
    almelo = make_session("almelo", node="almelo", clock=clock)
    try:
        demo.load_nodes(almelo)
        request = file_request(hengelo)
        doc = doc_id_for("placement", request.id)
        pf.send(hengelo, request.id, "almelo")
        for doc_id in pf.outbox(hengelo, "almelo"):
            almelo.repo.merge(doc_id, hengelo.repo.store.save_bytes(doc_id), None)
        offer = pf.offer(almelo, request.id, elv_hoog("almelo"), "ELV_HOOG")
        hengelo.repo.merge(doc, almelo.repo.store.save_bytes(doc), None)
        pf.accept(hengelo, request.id, offer["id"])
        assert pf.conflicts(hengelo) == []
    finally:
        almelo.close()
