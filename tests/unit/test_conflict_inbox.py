"""The conflict inbox over every provider: both sides shown, a decision recorded as a new event."""

from __future__ import annotations

import pytest
from synchelpers import booked_apart
from test_placement_flow_service import _last_free_bed, almelo_elv_hoog, file_request, nodes, ship  # noqa: F401
from tuihelpers import double_booked_slot

from veldclient.errors import InvalidTransition, NotFound, ValidationError
from veldclient.services import conflicts, slots
from veldclient.services import placement_flow as pf
from veldclient.store.repo import doc_id_for

MIN = 60_000


def test_double_booked_slot_shows_and_resolves(clock):
    gp = double_booked_slot(clock)
    first = min(gp.db.execute("SELECT id, at FROM slot_bookings").fetchall(), key=lambda r: r[1])[0]
    [item] = conflicts.inbox(gp)
    assert item.kind == "slot.double_booking" and len(item.sides) == 2
    with pytest.raises(ValidationError):
        conflicts.resolve(gp, item.id, "not-a-side")
    conflicts.resolve(gp, item.id, first, "hengelo was eerst")
    assert conflicts.inbox(gp) == []
    [decision] = gp.repo.read("node:enschede-zuid")["resolutions"].values()
    assert decision["conflict_id"] == item.id
    assert decision["chosen"] == first and set(decision["conflict"]) == set(item.event_ids)
    with pytest.raises(NotFound):
        conflicts.resolve(gp, item.id, first)
    assert gp.audit_log.entries(limit=5)[0].event in {"conflicts.read", "conflict.resolve"}


@pytest.mark.parametrize("side", ["first", "none"])
def test_the_slot_owners_decision_is_what_the_slot_board_shows(clock, side):
    gp = double_booked_slot(clock)
    bookings = dict(gp.db.execute("SELECT id, booking_node FROM slot_bookings ORDER BY at").fetchall())
    first = next(iter(bookings))
    [before] = slots.slot_table(gp, "enschede-zuid")
    assert (before["state"], before["booked_by_nodes"]) == ("double_booked", ["hengelo", "borne"])
    [item] = conflicts.inbox(gp)
    conflicts.resolve(gp, item.id, first if side == "first" else None)
    [after] = slots.slot_table(gp, "enschede-zuid")
    if side == "first":
        assert (after["state"], after["booked_by_nodes"]) == ("booked", [bookings[first]])
    else:
        assert (after["state"], after["booked_by_nodes"]) == ("free", [])


def accept_the_last_bed_twice(nodes, clock) -> dict:  # noqa: F811
    """Hengelo (A) and Oldenzaal (C) each accept Almelo's (B) offer of its last ELV-hoog bed while
    apart; both acceptances reach Almelo. What the tests below need to look at."""
    a, b, c = nodes["a"], nodes["b"], nodes["c"]
    location = almelo_elv_hoog(b)
    _last_free_bed(b, location)
    from_a, from_c = file_request(a), file_request(c, postcode="7573 AM")
    for sender, request in ((a, from_a), (c, from_c)):
        pf.send(sender, request.id, "almelo")
        ship(sender, b, *pf.outbox(sender, "almelo"))
    offer_a = pf.offer(b, from_a.id, location, "ELV_HOOG")
    offer_c = pf.offer(b, from_c.id, location, "ELV_HOOG")
    doc_a, doc_c = doc_id_for("placement", from_a.id), doc_id_for("placement", from_c.id)
    ship(b, a, doc_a)
    ship(b, c, doc_c)
    clock.advance(5 * MIN)
    accepted_a = pf.accept(a, from_a.id, offer_a["id"])
    pf.accept(c, from_c.id, offer_c["id"])
    ship(a, b, doc_a)
    ship(c, b, doc_c)
    return {
        "from_a": from_a.id,
        "from_c": from_c.id,
        "doc_a": doc_a,
        "doc_c": doc_c,
        "offer_c": offer_c["id"],
        "accepted_a": accepted_a["id"],
    }


def test_last_bed_accepted_twice_shows_in_the_inbox_and_resolves_in_both_documents(nodes, clock):  # noqa: F811
    b, c = nodes["b"], nodes["c"]
    clash = accept_the_last_bed_twice(nodes, clock)
    doc_a, doc_c = clash["doc_a"], clash["doc_c"]
    [item] = [c for c in conflicts.inbox(b) if c.kind == "bed.overbooked"]
    assert set(item.doc_ids) == {doc_a, doc_c} and {s["node"] for s in item.sides} == {"hengelo", "oldenzaal"}
    conflicts.resolve(b, item.id, clash["accepted_a"], "Hengelo krijgt het bed")
    assert [c for c in conflicts.inbox(b) if c.kind == "bed.overbooked"] == []
    for doc_id in (doc_a, doc_c):
        resolved = [e for e in b.repo.read(doc_id)["events"] if e["type"] == "RESOLVED"]
        assert resolved and resolved[0]["data"]["chosen"] == clash["accepted_a"]
    # the decision travels with the documents: the sender sees it too
    ship(b, c, doc_c)
    assert any(e["type"] == "RESOLVED" for e in c.repo.read(doc_c)["events"])


def test_two_devices_resolving_one_conflict_apart_keep_both_decisions():
    """Each device of a node records its decision on a slot conflict in the node document; made
    while apart, neither decision may replace the other when they sync."""
    with booked_apart() as (mesh, a1, a2, _, first, second):
        mesh.sync("a2", "a1")
        [item] = conflicts.inbox(a1)
        conflicts.resolve(a1, item.id, first, "a1 koos de eerste")
        conflicts.resolve(a2, item.id, second, "a2 koos de tweede")  # apart: neither saw the other
        mesh.sync("a2", "a1")
        for s in (a1, a2):
            decisions = [
                d for d in s.repo.read("node:hengelo")["resolutions"].values() if d["conflict_id"] == item.id
            ]
            assert sorted(d["chosen"] for d in decisions) == sorted([first, second])
            assert conflicts.inbox(s) == []


def test_the_request_that_lost_the_bed_is_told_on_every_replica_and_can_look_again(nodes, clock):  # noqa: F811
    """Almelo decides a double acceptance of its last bed for Hengelo; Oldenzaal, the loser, merges
    the decision: its request no longer reads accepted, says where the bed went and can be sent on."""
    a, b, c = nodes["a"], nodes["b"], nodes["c"]
    clash = accept_the_last_bed_twice(nodes, clock)
    from_a, from_c, doc_a, doc_c = clash["from_a"], clash["from_c"], clash["doc_a"], clash["doc_c"]
    [item] = [x for x in conflicts.inbox(b) if x.kind == "bed.overbooked"]
    clock.advance(30 * MIN)
    conflicts.resolve(b, item.id, clash["accepted_a"], "Hengelo krijgt het bed")

    assert pf.get_request(c, from_c)["status"] == "ACCEPTED", "before the decision arrives"
    ship(b, c, doc_c)
    ship(b, a, doc_a)
    for replica in (b, c):
        view = pf.get_request(replica, from_c)
        assert view["status"] == "IN_REVIEW"
        [lost] = view["offers"]
        assert (lost["offer_id"], lost["state"], lost["decided_at"]) == (
            clash["offer_c"],
            "given_away",
            clock.now,
        )
        row = replica.db.execute("SELECT status FROM placements WHERE id = ?", [from_c]).fetchone()
        assert row == ("IN_REVIEW",)
    for replica in (a, b):
        assert pf.get_request(replica, from_a)["status"] == "ACCEPTED", "the chosen request keeps it"
    with pytest.raises(InvalidTransition):
        pf.admit(b, from_c)
    sent = pf.send(c, from_c, "hengelo")  # the next step: look for a bed elsewhere
    assert sent["type"] == "SENT" and pf.get_request(c, from_c)["sent_to"] == ["almelo", "hengelo"]
