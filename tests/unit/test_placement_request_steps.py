"""A nurse's placement request across nodes: one node's offer at a time (the history kept), the bed
reserved from acceptance and released on withdrawal or decision, turned into an occupied bed on
admission; the client's name on the own node only; the checks a screen asks before it confirms."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from test_placement_flow_service import (  # the same three nodes and helpers
    almelo_elv_hoog,
    file_request,
    ship,
    status,
    written,
)
from testenv import FakeClock, make_session

from veldclient.domain import placement_flow as rules
from veldclient.errors import InvalidTransition
from veldclient.services import capacity, demo
from veldclient.services import placement_flow as pf
from veldclient.services.reservations import reserved_beds
from veldclient.store.repo import doc_id_for


@pytest.fixture
def nodes(clock: FakeClock) -> Iterator[dict[str, Any]]:
    """Hengelo (a), Almelo (b) and Oldenzaal (c), each device with every node's beds."""
    made = {
        "a": make_session("a", node="hengelo", clock=clock),
        "b": make_session("b", node="almelo", clock=clock),
        "c": make_session("c", node="oldenzaal", clock=clock),
    }
    for s in made.values():
        demo.load_nodes(s)
    yield made
    for s in made.values():
        s.close()


def view(session, location: str, care: str = "ELV_HOOG") -> capacity.CapacityView:
    return next(v for v in capacity.capacity(session, care_type=care) if v.location_id == location)


def offered_to_a(nodes) -> tuple[str, str, dict[str, Any], str]:
    a, b = nodes["a"], nodes["b"]
    request = file_request(a)
    doc = doc_id_for("placement", request.id)
    pf.send(a, request.id, "almelo")
    ship(a, b, *pf.outbox(a, "almelo"))
    location = almelo_elv_hoog(b)
    offer = pf.offer(b, request.id, location, "ELV_HOOG")
    ship(b, a, doc)
    return request.id, doc, offer, location


def test_no_other_node_is_asked_while_an_offer_is_open_and_after_a_decline_the_history_stays(nodes):
    a, b, c = nodes["a"], nodes["b"], nodes["c"]
    rid, doc, offer, _location = offered_to_a(nodes)
    before = written(a)
    with pytest.raises(InvalidTransition) as caught:
        pf.send(a, rid, "oldenzaal")
    assert "aanbod open" in caught.value.nl and "offer is already open" in caught.value.en
    with pytest.raises(InvalidTransition):
        pf.check_send(a, rid, "oldenzaal")  # the screen's check says the same, writing nothing
    assert written(a)[:2] == before[:2]

    pf.decline(a, rid, offer["id"], reason="te ver weg")
    pf.send(a, rid, "oldenzaal")
    view_a = pf.get_request(a, rid)
    assert view_a["sent_to"] == ["almelo", "oldenzaal"], "the earlier ask stays in the history"
    assert [o["state"] for o in view_a["offers"]] == ["declined"]

    ship(a, c, *pf.outbox(a, "oldenzaal"))
    ship(a, b, doc)
    c_location = c.db.execute(
        "SELECT location_id FROM capacity WHERE node_id = 'oldenzaal' AND care_type = 'ELV_HOOG'"
        " ORDER BY location_id"
    ).fetchone()[0]
    # only a bed reported free can be offered: Oldenzaal reports one (the demo's beds may all be taken)
    capacity.update_capacity(
        c, c_location, "ELV_HOOG", {"beds_total": 4, "counts": {"FREE": 1, "OCCUPIED": 3}}
    )
    second = pf.offer(c, rid, c_location, "ELV_HOOG")
    ship(c, b, doc)
    with pytest.raises(InvalidTransition):  # Almelo sees Oldenzaal's open offer: one at a time
        pf.offer(b, rid, almelo_elv_hoog(b), "ELV_HOOG")
    ship(c, a, doc)
    pf.accept(a, rid, second["id"])
    with pytest.raises(InvalidTransition) as caught:
        pf.send(a, rid, "borne")
    assert "accepted" in caught.value.en


def test_a_node_that_does_not_answer_does_not_hold_the_request():
    flow = rules.fold([{"id": "e1", "type": "DRAFT", "at": 1, "parents": []}], "hengelo")
    rules.check_send(flow, "almelo")
    log = [
        {"id": "e1", "type": "DRAFT", "at": 1, "parents": []},
        {"id": "e2", "type": "SENT", "at": 2, "parents": ["e1"], "data": {"to_node": "almelo"}},
    ]
    rules.check_send(rules.fold(log, "hengelo"), "oldenzaal")  # no answer yet: ask another node


def test_accepting_reserves_the_bed_and_withdrawing_releases_it(nodes):
    a, b = nodes["a"], nodes["b"]
    rid, doc, offer, location = offered_to_a(nodes)
    free = view(b, location).free
    assert (view(b, location).reserved, view(b, location).available) == (0, free)

    pf.check_accept(a, rid, offer["id"])
    pf.accept(a, rid, offer["id"])
    assert reserved_beds(a) == {f"{location}/ELV_HOOG": 1}, "the sender sees the reservation too"
    ship(a, b, doc)
    seen = view(b, location)
    assert (seen.free, seen.reserved, seen.available) == (free, 1, free - 1)
    assert seen.as_json()["available"] == free - 1

    pf.withdraw(b, rid, offer["id"], reason="bed gaat naar een spoedopname")
    assert (view(b, location).reserved, view(b, location).available) == (0, free)
    ship(b, a, doc)
    assert status(a, rid) == "IN_REVIEW" and reserved_beds(a) == {}


def test_the_reservation_becomes_an_occupied_bed_on_admission(nodes):
    a, b = nodes["a"], nodes["b"]
    rid, doc, offer, location = offered_to_a(nodes)
    before = view(b, location)
    pf.accept(a, rid, offer["id"])
    ship(a, b, doc)
    pf.check_admit(b, rid)
    pf.admit(b, rid)
    after = view(b, location)
    assert (after.free, after.occupied, after.reserved) == (before.free - 1, before.occupied + 1, 0)
    pf.discharge(b, rid, "HOME")
    assert view(b, location).free == before.free


def test_cancelling_an_accepted_request_releases_the_bed(nodes):
    a, b = nodes["a"], nodes["b"]
    rid, doc, offer, location = offered_to_a(nodes)
    pf.accept(a, rid, offer["id"])
    assert reserved_beds(a)
    pf.cancel(a, rid, reason="familie vond een plek")
    assert reserved_beds(a) == {}
    ship(a, b, doc)
    assert view(b, location).reserved == 0


def test_the_name_is_shown_on_the_own_node_only(nodes):
    a, b = nodes["a"], nodes["b"]
    rid, _doc, _offer, _location = offered_to_a(nodes)
    assert pf.get_request(a, rid)["client_name"] == "Gerda [test] Nijhuis"
    assert pf.get_request(b, rid)["client_name"] is None
    assert "Gerda" not in repr(pf.get_request(b, rid))
