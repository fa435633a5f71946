"""Placement across nodes with real sessions: ranking, send/offer/accept/admit/discharge between two
nodes that exchange documents by hand (as sync or a USB stick would), refusals that write nothing,
response-target timers on a fake clock, and the double acceptance of a last bed made while apart."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from testenv import FROZEN_NOW_MS, FakeClock, make_session

from veldclient.domain.placement_flow import W_PREFERRED
from veldclient.errors import AccessDenied, InvalidTransition, NotFound, ValidationError
from veldclient.services import capacity, clients, demo, placements
from veldclient.services import placement_flow as pf
from veldclient.store.repo import doc_id_for

MIN = 60_000
HOUR = 60 * MIN
TRIAGE = {"instability": True}


@pytest.fixture
def nodes(clock: FakeClock) -> Iterator[dict[str, Any]]:
    """Three nodes, each device with all ten node documents: A Hengelo, B Almelo, C Oldenzaal."""
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


def ship(src, dst, *doc_ids: str) -> None:
    """Hand whole documents from one replica to another (what sync or a bundle carries)."""
    for doc_id in doc_ids:
        info = src.repo.store.info(doc_id)
        dst.repo.merge(doc_id, src.repo.store.save_bytes(doc_id), info.node_id)


def file_request(session, postcode: str = "7555 DL", **extra: Any):
    client = clients.register_client(
        session, {"name": "Gerda [test] Nijhuis", "birth_date": "1936-04-02", "postcode": postcode}
    )
    raw = {
        "referrer": {"name": "Dr. Bos", "role": "HUISARTS", "agb": None},
        "urgency": "U3",
        "triage": TRIAGE,
        "required_capabilities": ["ZUURSTOF"],
        "desired_start": "2026-11-19",
        **extra,
    }
    return placements.file_placement_request(session, client.id, raw)


def almelo_elv_hoog(session) -> str:
    """ZGT Almelo's location id (ELV hoog with oxygen)."""
    return session.db.execute(
        "SELECT location_id FROM capacity WHERE node_id = 'almelo' AND care_type = 'ELV_HOOG'"
    ).fetchone()[0]


def beds(session, location_id: str, care_type: str = "ELV_HOOG") -> tuple[int, int]:
    return session.db.execute(
        "SELECT free, occupied FROM capacity WHERE id = ?", [f"{location_id}/{care_type}"]
    ).fetchone()


def status(session, request_id: str) -> str:
    return session.db.execute("SELECT status FROM placements WHERE id = ?", [request_id]).fetchone()[0]


def written(session) -> tuple[int, int, int]:
    chunks = session.db.execute("SELECT count(*), coalesce(sum(length(data)), 0) FROM am_chunks").fetchone()
    return chunks[0], chunks[1], session.audit_log.head()[0]


def last_audit(session):
    return session.audit_log.entries(limit=1)[0]


# --- ranking --------------------------------------------------------------------------------------


def test_candidates_are_ranked_with_reasons_and_the_read_is_audited(nodes):
    a = nodes["a"]
    request = file_request(a)
    ranked = pf.candidates(a, request.id)
    assert ranked, "ELV hoog with oxygen exists at several nodes"
    assert {c.care_type for c in ranked} == {"ELV_HOOG"}
    assert all("ZUURSTOF" in c.capabilities for c in ranked)
    assert {c.node_id for c in ranked} >= {"hengelo", "almelo", "enschede-centrum"}
    for c in ranked:
        texts_nl = [r.nl for r in c.reasons]
        assert any(" vrij" in t or t.startswith("VOL") for t in texts_nl)
        assert "alle vereiste mogelijkheden: zuurstof" in texts_nl
        assert any(t.endswith(" km") for t in texts_nl)
    full = [c.full for c in ranked]
    assert full == sorted(full), "locations with no free bed come last"
    stale = [c for c in ranked if c.stale]
    assert stale and all(c.reasons[-1].nl.startswith("VEROUDERD") for c in stale)
    scores = [c.score for c in ranked]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 100 for s in scores)
    entry = last_audit(a)
    assert (entry.event, entry.action, entry.data_part, entry.object_id) == (
        "placement.candidates",
        "R",
        "placement",
        request.id,
    )
    assert entry.client_id == request.client_id and entry.detail == {"results": len(ranked)}


def test_the_clients_preferred_location_moves_up(nodes):
    a = nodes["a"]
    plain = pf.candidates(a, file_request(a).id)
    target = next(c for c in plain[1:] if not c.full and not c.stale)
    preferred = pf.candidates(a, file_request(a, preferred_location_id=target.location_id).id)
    before = [c.location_id for c in plain].index(target.location_id)
    after = [c.location_id for c in preferred].index(target.location_id)
    assert after < before and preferred[after].preferred
    why = {r.code: r for r in preferred[after].reasons}
    assert why["preferred"].pair == ("voorkeurslocatie van de cliënt", "the client's preferred location")
    assert why["preferred"].points == W_PREFERRED


def test_a_coordinator_may_see_status_but_not_triage(nodes, clock):
    a = nodes["a"]
    request = file_request(a)
    coord = make_session("coord", node="hengelo", role="coordinator", clock=clock)
    try:
        ship(a, coord, doc_id_for("placement", request.id))
        view = pf.get_request(coord, request.id)
        assert view["status"] == "DRAFT" and view["care_type"] == "ELV_HOOG"
        assert not {"triage", "triage_outcome", "referrer", "required_capabilities"} & set(view)
        with pytest.raises(AccessDenied) as caught:
            pf.triage_of(coord, request.id)
        assert caught.value.nl != caught.value.en
        entry = last_audit(coord)
        assert (entry.event, entry.outcome, entry.data_part) == ("placement.triage", "denied", "triage")
        with pytest.raises(AccessDenied):
            pf.candidates(coord, request.id)
        with pytest.raises(AccessDenied):
            pf.send(coord, request.id, "almelo")
        assert pf.triage_of(a, request.id)["triage_outcome"] == "ELV_HOOG"
        assert "triage" in pf.get_request(a, request.id)
    finally:
        coord.close()


# --- the full flow across two nodes ---------------------------------------------------------------


def test_happy_path_across_two_nodes_shares_only_the_request(nodes, clock):
    a, b = nodes["a"], nodes["b"]
    request = file_request(a)
    doc = doc_id_for("placement", request.id)
    other = file_request(a)  # a second case of A that is never sent

    sent = pf.send(a, request.id, "almelo")
    assert sent["type"] == "SENT" and sent["data"] == {"to_node": "almelo"}
    assert status(a, request.id) == "SUBMITTED"
    assert last_audit(a).event == "placement.send" and last_audit(a).action == "E"
    share = "share:almelo~hengelo"
    assert a.repo.read(share)["nodes"] == ["almelo", "hengelo"]
    assert set(a.repo.read(share)["docs"]) == {doc}, "the share document lists this request only"
    assert pf.outbox(a, "almelo") == [share, doc]
    assert pf.outbox(a, "borne") == []

    ship(a, b, *pf.outbox(a, "almelo"))
    assert [i.doc_id for i in b.repo.store.docs("case")] == [], "no case document reaches B"
    assert b.repo.store.info(doc_id_for("placement", other.id)) is None
    assert "Gerda" not in repr(b.repo.read(doc)), "the placement document carries no client name"
    assert status(b, request.id) == "SUBMITTED"

    location = almelo_elv_hoog(b)
    free, occupied = beds(b, location)
    clock.advance(40 * MIN)
    offered = pf.offer(b, request.id, location, "elv_hoog")
    assert offered["data"] == {"node": "almelo", "location_id": location, "care_type": "ELV_HOOG"}
    assert status(b, request.id) == "OFFERED"

    ship(b, a, doc)
    row = a.db.execute("SELECT status, first_reply_at FROM placements WHERE id = ?", [request.id]).fetchone()
    assert row == ("OFFERED", FROZEN_NOW_MS + 40 * MIN)
    clock.advance(20 * MIN)
    accepted = pf.accept(a, request.id, offered["id"])
    assert accepted["data"]["offer_id"] == offered["id"] and status(a, request.id) == "ACCEPTED"

    ship(a, b, doc)
    clock.advance(2 * HOUR)
    pf.admit(b, request.id)
    assert status(b, request.id) == "ADMITTED"
    assert beds(b, location) == (free - 1, occupied + 1)
    record = b.repo.read(doc_id_for("node", "almelo"))["capacity"][f"{location}/ELV_HOOG"]
    assert (record["reported_by"], record["reported_at"], record["device_id"]) == (
        b.actor.user_id,
        clock.now,
        b.actor.device_id,
    )
    assert b.repo.read(doc)["request"]["placed_at"] == clock.now

    clock.advance(5 * 24 * HOUR)
    pf.discharge(b, request.id, "home_wv")
    assert status(b, request.id) == "DISCHARGED"
    assert beds(b, location) == (free, occupied)
    ship(b, a, doc)
    req = a.repo.read(doc)["request"]
    assert (req["status"], req["discharge_destination"]) == ("DISCHARGED", "HOME_WV")
    assert [e["type"] for e in a.repo.read(doc)["events"]] == [
        "DRAFT",
        "SENT",
        "OFFERED",
        "ACCEPTED",
        "ADMITTED",
        "DISCHARGED",
    ]
    assert [i.doc_id for i in b.repo.store.docs("case")] == []
    # the projection is a pure function of the documents: a rebuild gives the same tables
    for s in (a, b):
        tables = s.repo.projector.dump()
        s.repo.rebuild()
        assert s.repo.projector.dump() == tables


def test_a_second_request_to_the_same_node_joins_the_share_document(nodes):
    a = nodes["a"]
    first, second = file_request(a), file_request(a)
    pf.send(a, first.id, "almelo")
    pf.send(a, second.id, "almelo")
    share = "share:almelo~hengelo"
    expected = {doc_id_for("placement", first.id), doc_id_for("placement", second.id)}
    assert set(a.repo.read(share)["docs"]) == expected
    assert {
        r[0] for r in a.db.execute("SELECT shared_doc_id FROM shares WHERE doc_id = ?", [share])
    } == expected


def test_both_nodes_creating_the_share_document_while_apart_keep_both_ids(nodes):
    a, b = nodes["a"], nodes["b"]
    mine, theirs = file_request(a), file_request(b, postcode="7609 PP")
    pf.send(a, mine.id, "almelo")
    pf.send(b, theirs.id, "hengelo")
    share = "share:almelo~hengelo"
    ship(a, b, share)
    ship(b, a, share)
    expected = {doc_id_for("placement", mine.id), doc_id_for("placement", theirs.id)}
    assert set(a.repo.read(share)["docs"]) == set(b.repo.read(share)["docs"]) == expected


# --- refusals write nothing -----------------------------------------------------------------------


@pytest.fixture
def offered(nodes, clock):
    """A request of A sent to B, with two offers of B merged back on A (the second declined)."""
    a, b = nodes["a"], nodes["b"]
    request = file_request(a)
    doc = doc_id_for("placement", request.id)
    pf.send(a, request.id, "almelo")
    ship(a, b, *pf.outbox(a, "almelo"))
    location = almelo_elv_hoog(b)
    first = pf.offer(b, request.id, location, "ELV_HOOG")
    second = pf.offer(b, request.id, location, "ELV_HOOG")
    ship(b, a, doc)
    pf.decline(a, request.id, second["id"], reason="cliënt wil dichter bij huis")
    ship(a, b, doc)
    return {"request": request, "doc": doc, "first": first, "declined": second, "location": location}


def test_accepting_a_declined_offer_is_refused_and_writes_nothing(nodes, offered):
    a = nodes["a"]
    before = written(a)
    with pytest.raises(InvalidTransition) as caught:
        pf.accept(a, offered["request"].id, offered["declined"]["id"])
    assert "afgewezen" in caught.value.nl and "declined" in caught.value.en
    assert written(a) == before
    assert status(a, offered["request"].id) == "OFFERED"


@pytest.mark.parametrize(
    "attempt",
    [
        "admit_before_accept",
        "discharge_before_admit",
        "send_twice",
        "accept_twice",
        "reject_after_accept",
        "withdraw_declined",
        "decline_with_open_offer",
    ],
)
def test_impossible_transitions_raise_and_write_nothing(nodes, offered, attempt):
    a, b = nodes["a"], nodes["b"]
    rid = offered["request"].id
    if attempt in ("accept_twice", "reject_after_accept"):
        pf.accept(a, rid, offered["first"]["id"])
    calls = {
        "admit_before_accept": (b, lambda: pf.admit(b, rid)),
        "discharge_before_admit": (b, lambda: pf.discharge(b, rid, "HOME")),
        "send_twice": (a, lambda: pf.send(a, rid, "almelo")),
        "accept_twice": (a, lambda: pf.accept(a, rid, offered["first"]["id"])),
        "reject_after_accept": (a, lambda: pf.close(a, rid, "REJECTED")),
        "withdraw_declined": (b, lambda: pf.withdraw(b, rid, offered["declined"]["id"])),
        "decline_with_open_offer": (b, lambda: pf.decline(b, rid)),
    }
    session, call = calls[attempt]
    before = written(session)
    with pytest.raises(InvalidTransition) as caught:
        call()
    assert caught.value.nl and caught.value.en and caught.value.nl != caught.value.en
    assert written(session) == before


def test_dates_in_the_wrong_order_are_refused(nodes, offered, clock):
    a, b = nodes["a"], nodes["b"]
    rid, doc = offered["request"].id, offered["doc"]
    clock.advance(HOUR)
    pf.accept(a, rid, offered["first"]["id"])
    ship(a, b, doc)
    clock.advance(HOUR)
    before = written(b)
    with pytest.raises(ValidationError) as caught:
        pf.admit(b, rid, at=clock.now - HOUR - MIN)
    assert caught.value.for_field("at")[0].en == "The admission is before the offer was accepted."
    with pytest.raises(ValidationError):
        pf.admit(b, rid, at=clock.now + HOUR)
    assert written(b) == before
    pf.admit(b, rid, at=clock.now - 10 * MIN)
    assert b.repo.read(doc)["request"]["placed_at"] == clock.now - 10 * MIN
    before = written(b)
    with pytest.raises(ValidationError) as caught:
        pf.discharge(b, rid, "HOME", at=clock.now - HOUR)
    assert "vóór de opname" in caught.value.nl
    with pytest.raises(ValidationError) as caught:
        pf.discharge(b, rid, "MARS")
    assert caught.value.for_field("destination")
    assert written(b) == before


def test_unknown_ids_are_not_found_and_write_nothing(nodes, offered):
    a, b = nodes["a"], nodes["b"]
    rid = offered["request"].id
    before_a, before_b = written(a), written(b)
    unknown = "f" * 32
    for call in (
        lambda: pf.candidates(a, unknown),
        lambda: pf.send(a, unknown, "almelo"),
        lambda: pf.accept(a, unknown, offered["first"]["id"]),
        lambda: pf.accept(a, rid, unknown),
        lambda: pf.send(a, rid, "zwolle"),
        lambda: pf.get_request(a, unknown),
    ):
        with pytest.raises(NotFound):
            call()
    for call in (
        lambda: pf.offer(b, rid, unknown, "ELV_HOOG"),
        lambda: pf.withdraw(b, rid, unknown),
    ):
        with pytest.raises(NotFound):
            call()
    with pytest.raises(ValidationError):
        pf.offer(b, rid, offered["location"], "SPA_WEEKEND")
    assert (written(a), written(b)) == (before_a, before_b)


def test_only_the_right_node_may_take_each_step_and_refusals_are_audited(nodes, offered):
    a, b, c = nodes["a"], nodes["b"], nodes["c"]
    rid, doc = offered["request"].id, offered["doc"]
    with pytest.raises(AccessDenied):
        pf.offer(a, rid, offered["location"], "ELV_HOOG")  # the sender cannot offer
    assert (last_audit(a).event, last_audit(a).outcome) == ("placement.offer", "denied")
    with pytest.raises(AccessDenied):
        pf.accept(b, rid, offered["first"]["id"])  # the receiver cannot accept
    assert (last_audit(b).event, last_audit(b).outcome) == ("placement.accept", "denied")
    ship(b, c, doc)  # even holding the document, a node it was not sent to may not offer
    with pytest.raises(AccessDenied):
        pf.offer(c, rid, offered["location"], "ELV_HOOG")


def test_an_offer_needs_a_free_bed_of_the_own_node(nodes):
    a, b = nodes["a"], nodes["b"]
    request = file_request(a)
    pf.send(a, request.id, "almelo")
    ship(a, b, *pf.outbox(a, "almelo"))
    location = almelo_elv_hoog(b)
    record = b.repo.read(doc_id_for("node", "almelo"))["capacity"][f"{location}/ELV_HOOG"]
    total = record["beds_total"]
    capacity.update_capacity(
        b,
        location,
        "ELV_HOOG",
        {"beds_total": total, "counts": {"FREE": 0, "OCCUPIED": total}, "capabilities": []},
    )
    before = written(b)
    with pytest.raises(ValidationError) as caught:
        pf.offer(b, request.id, location, "ELV_HOOG")
    assert caught.value.for_field("location_id")[0].code == "no_free_bed"
    hengelo_location = a.db.execute("SELECT id FROM locations WHERE node_id = 'hengelo'").fetchone()[0]
    with pytest.raises(NotFound):
        pf.offer(b, request.id, hengelo_location, "ELV_HOOG")  # not a location of the own node
    assert written(b) == before


def test_a_receiving_node_declines_and_the_sender_cancels(nodes, clock):
    a, b = nodes["a"], nodes["b"]
    request = file_request(a)
    doc = doc_id_for("placement", request.id)
    pf.send(a, request.id, "almelo")
    ship(a, b, *pf.outbox(a, "almelo"))
    clock.advance(30 * MIN)
    declined = pf.decline(b, request.id, reason="geen plek <b>vandaag</b>")
    assert declined["data"] == {"node": "almelo", "reason": "geen plek <b>vandaag</b>"}
    for call in (
        lambda: pf.decline(b, request.id),
        lambda: pf.offer(b, request.id, almelo_elv_hoog(b), "ELV_HOOG"),
    ):
        with pytest.raises(InvalidTransition):
            call()
    ship(b, a, doc)
    row = a.db.execute("SELECT status, first_reply_at FROM placements WHERE id = ?", [request.id]).fetchone()
    assert row == ("IN_REVIEW", FROZEN_NOW_MS + 30 * MIN)
    pf.cancel(a, request.id, reason="cliënt blijft thuis")
    assert status(a, request.id) == "CANCELLED"
    with pytest.raises(InvalidTransition):
        pf.send(a, request.id, "borne")
    with pytest.raises(ValidationError):
        pf.close(a, request.id, "ADMITTED")
    assert placements.targets(a) == [], "a cancelled request has no running timers"


# --- conflicts ------------------------------------------------------------------------------------


def _last_free_bed(b, location: str) -> None:
    record = b.repo.read(doc_id_for("node", "almelo"))["capacity"][f"{location}/ELV_HOOG"]
    total = record["beds_total"]
    capacity.update_capacity(
        b,
        location,
        "ELV_HOOG",
        {
            "beds_total": total,
            "counts": {"FREE": 1, "OCCUPIED": total - 1},
            "capabilities": record["capabilities"],
        },
    )


def test_two_acceptances_of_the_last_bed_made_apart_are_a_conflict_with_both_kept(nodes, clock):
    a, b, c = nodes["a"], nodes["b"], nodes["c"]
    location = almelo_elv_hoog(b)
    _last_free_bed(b, location)
    from_a, from_c = file_request(a), file_request(c, postcode="7573 AM")
    doc_a, doc_c = doc_id_for("placement", from_a.id), doc_id_for("placement", from_c.id)
    pf.send(a, from_a.id, "almelo")
    pf.send(c, from_c.id, "almelo")
    ship(a, b, *pf.outbox(a, "almelo"))
    ship(c, b, *pf.outbox(c, "almelo"))
    offer_a = pf.offer(b, from_a.id, location, "ELV_HOOG")
    offer_c = pf.offer(b, from_c.id, location, "ELV_HOOG")  # an offer is not a reservation
    ship(b, a, doc_a)
    ship(b, c, doc_c)

    # A and C are apart from B and from each other: each accepts its offer of the same last bed
    clock.advance(10 * MIN)
    acc_a = pf.accept(a, from_a.id, offer_a["id"])
    clock.advance(5 * MIN)
    acc_c = pf.accept(c, from_c.id, offer_c["id"])
    assert pf.conflicts(a) == [] and pf.conflicts(c) == [], "neither can see the clash alone"

    ship(a, b, doc_a)
    ship(c, b, doc_c)
    found = pf.conflicts(b)
    assert [f["kind"] for f in found] == ["bed.overbooked"]
    conflict = found[0]
    assert conflict["doc_ids"] == tuple(sorted((doc_a, doc_c)))
    assert conflict["event_ids"] == (acc_a["id"], acc_c["id"])
    assert [(s["doc_id"], s["node"], s["type"]) for s in conflict["sides"]] == [
        (doc_a, "hengelo", "ACCEPTED"),
        (doc_c, "oldenzaal", "ACCEPTED"),
    ]
    assert conflict["sides"][0]["summary_nl"].startswith(
        "Hengelo accepteerde het aanbod van Almelo (ZGT Almelo"
    )
    assert "accepted the offer of Almelo" in conflict["sides"][1]["summary_en"]
    assert "ZGT Almelo" in conflict["title_nl"] and conflict["title_en"].startswith("Double acceptance")
    assert set(conflict["sides"][0]) >= {
        "event_id",
        "doc_id",
        "type",
        "by",
        "at",
        "node",
        "summary_nl",
        "summary_en",
    }
    # both sides are still in the documents
    assert acc_a["id"] in {e["id"] for e in b.repo.read(doc_a)["events"]}
    assert acc_c["id"] in {e["id"] for e in b.repo.read(doc_c)["events"]}
    assert status(b, from_a.id) == status(b, from_c.id) == "ACCEPTED"

    # B admits A's client on the last bed; C's cannot be admitted, and the conflict stays visible
    pf.admit(b, from_a.id)
    assert beds(b, location)[0] == 0
    before = written(b)
    with pytest.raises(ValidationError):
        pf.admit(b, from_c.id)
    assert written(b) == before
    assert [f["kind"] for f in pf.conflicts(b)] == ["bed.overbooked"]
    # B withdraws the offer to C: the clash is settled, C's request searches again
    pf.withdraw(b, from_c.id, offer_c["id"], reason="bed is bezet")
    assert pf.conflicts(b) == []
    ship(b, c, doc_c)
    assert status(c, from_c.id) == "IN_REVIEW"


def test_accept_and_withdraw_of_one_offer_made_apart_is_a_concurrent_conflict(nodes):
    a, b = nodes["a"], nodes["b"]
    request = file_request(a)
    doc = doc_id_for("placement", request.id)
    pf.send(a, request.id, "almelo")
    ship(a, b, *pf.outbox(a, "almelo"))
    offer = pf.offer(b, request.id, almelo_elv_hoog(b), "ELV_HOOG")
    ship(b, a, doc)
    accepted = pf.accept(a, request.id, offer["id"])
    withdrawn = pf.withdraw(b, request.id, offer["id"])
    ship(a, b, doc)
    ship(b, a, doc)
    on_a, on_b = pf.conflicts(a), pf.conflicts(b)
    assert on_a == on_b
    [conflict] = on_b
    assert conflict["kind"] == "placement.concurrent" and conflict["doc_ids"] == (doc,)
    assert set(conflict["event_ids"]) == {accepted["id"], withdrawn["id"]}
    assert {s["type"] for s in conflict["sides"]} == {"ACCEPTED", "WITHDRAWN"}
    assert status(a, request.id) == status(b, request.id)
    assert a.repo.read(doc) == b.repo.read(doc)


# --- response targets -----------------------------------------------------------------------------


def test_response_targets_run_on_the_session_clock(nodes, clock):
    a, b = nodes["a"], nodes["b"]
    request = file_request(a)
    doc = doc_id_for("placement", request.id)
    pf.send(a, request.id, "almelo")
    [t] = placements.targets(a)
    assert (t["reply_state"], t["placed_state"], t["direction"]) == ("ok", "ok", "outgoing")
    assert t["reply_due_at"] == request.received_at + 2 * HOUR
    assert t["placed_due_at"] == request.received_at + 24 * HOUR
    assert placements.breaching(a) == []

    clock.advance(100 * MIN)  # 20 minutes left for the first reply
    [t] = placements.breaching(a)
    assert (t["reply_state"], t["reply_left_ms"]) == ("soon", 20 * MIN)
    clock.advance(21 * MIN)
    assert placements.breaching(a)[0]["reply_state"] == "breached"

    ship(a, b, *pf.outbox(a, "almelo"))
    [incoming] = placements.targets(b)
    assert incoming["direction"] == "incoming" and incoming["reply_state"] == "breached"
    pf.offer(b, request.id, almelo_elv_hoog(b), "ELV_HOOG")
    ship(b, a, doc)
    [t] = placements.targets(a)
    assert t["first_reply_at"] == clock.now and t["reply_state"] == "breached", "late, and stays so"
    assert t["placed_state"] == "ok"

    clock.advance(22 * HOUR - 2 * MIN)  # 24 h minus 1 minute since receipt
    assert placements.breaching(a)[0]["placed_state"] == "soon"
    clock.advance(2 * MIN)
    assert placements.breaching(a)[0]["placed_state"] == "breached"
    entry = last_audit(a)
    assert (entry.event, entry.action) == ("placement.targets", "R")


def test_caseload_hides_triage_and_names_from_the_coordinator(nodes, clock):
    a = nodes["a"]
    request = file_request(a)
    [case] = placements.caseload(a)
    assert case["name"] == "Gerda [test] Nijhuis"
    [row] = case["requests"]
    assert row["triage_outcome"] == "ELV_HOOG" and row["required_capabilities"] == ["ZUURSTOF"]
    coord = make_session("coord", node="hengelo", role="coordinator", clock=clock)
    try:
        ship(a, coord, doc_id_for("placement", request.id), doc_id_for("case", request.client_id))
        [case] = placements.caseload(coord)
        assert case["name"] is None, "no help request for this client: the coordinator sees no name"
        [row] = case["requests"]
        assert row["status"] == "DRAFT" and row["care_type"] == "ELV_HOOG" and row["urgency"] == "U3"
        assert not {"triage_outcome", "required_capabilities", "referrer_role"} & set(row)
        assert last_audit(coord).data_part == "placement status"
    finally:
        coord.close()
