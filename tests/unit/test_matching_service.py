"""Matching services: filters and ranking from the projection, the audited match lifecycle, roles,
nothing written on bad input, concurrent steps on two replicas, overloaded mantelzorgers."""

from __future__ import annotations

import pytest
from testenv import make_session

from veldclient.domain import Client
from veldclient.errors import AccessDenied, InvalidTransition, NotFound, ValidationError
from veldclient.services import matching, roster
from veldclient.store.repo import doc_id_for

NODE = "enschede-centrum"
VALID_VOG = {"status": "VALID", "issued_on": "2024-03-02"}
BASE = {
    "last_name": "Test",
    "pc4": "7511",
    "birth_year": 1970,
    "max_km": 10,
    "tasks": ["VERVOER"],
    "languages": ["nl", "tr"],
    "availability": ["di ochtend", "do middag"],
    "vog": VALID_VOG,
}
VOLUNTEERS = {
    "best": {},
    "second": {"pc4": "7512", "tasks": ["KLUSSEN"]},
    "no_vog": {"vog": {"status": "NONE"}},
    "expired": {"vog": {"status": "EXPIRED", "issued_on": "2020-01-01"}},
    "no_turkish": {"languages": ["nl"]},
    "wrong_time": {"availability": ["ma ochtend"]},
    "too_far": {"pc4": "7601", "max_km": 5},
}
REQUEST = {
    "on_behalf_of": "CLIENT",
    "task": "VERVOER",
    "summary": "Rit naar de markt en terug",
    "pc4": "7511",
    "window": {"start": "2026-11-16", "end": "2026-12-31", "availability": ["di ochtend", "do middag"]},
    "language": "tr",
    "requires_vog": True,
}


def add_client(session, **fields) -> Client:
    """A case document written straight into the store (the coordinator may not register clients)."""
    raw = {"name": "Fatma Yilmaz", "birth_date": "1941-02-03", "postcode": "7511 JM", "bsn": "111222333"}
    client = Client.parse({**raw, **fields, "node_id": session.actor.node_id}, today=session.today())
    session.repo.create("case", client.id, client.node_id, {"client": client.to_dict(), "visits": {}})
    return client


def seed(session, **request_changes):
    """Volunteers plus one help request; returns ({label: volunteer id}, help request id)."""
    ids = {}
    for label, changes in VOLUNTEERS.items():
        v = roster.register_volunteer(session, {**BASE, "first_name": label.replace("_", "-"), **changes})
        ids[label] = v.id
    client = add_client(session)
    request = roster.file_help_request(
        session, {**REQUEST, "subject_id": client.id, **request_changes}
    ).request
    return ids, request.id


def counts(session):
    chunks = session.db.execute("SELECT count(*) FROM am_chunks").fetchone()[0]
    return chunks, session.audit_log.head()[0]


def audit(session):
    return [(e.event, e.action, e.outcome) for e in reversed(session.audit_log.entries(limit=1000))]


def projected(session, match_id):
    return session.db.execute("SELECT status FROM matches WHERE id = ?", [match_id]).fetchone()[0]


def request_status(session, request_id):
    return session.db.execute("SELECT status FROM help_requests WHERE id = ?", [request_id]).fetchone()[0]


# --- ranking ---------------------------------------------------------------------------------------


def test_rank_applies_every_filter_and_explains(coordinator):
    ids, rid = seed(coordinator)
    ranked = matching.rank(coordinator, rid)
    assert [c.volunteer_id for c in ranked] == [ids["best"], ids["second"]]
    best = ranked[0]
    assert best.score > ranked[1].score and best.distance_km == 0.0
    nl = [r.nl for r in best.reasons]
    assert "Spreekt Turks" in nl and "Doet deze taak: vervoer" in nl
    assert "Beschikbaar di-ochtend, do-middag (2 van 2 gevraagd)" in nl
    assert "VOG geldig tot 01-03-2027" in nl
    assert "Doet deze taak normaal niet: vervoer" in [r.nl for r in ranked[1].reasons]
    assert ("match.rank", "S", "ok") in audit(coordinator)
    assert coordinator.audit_log.entries(limit=1)[0].detail == {"results": 2}

    explained = matching.rank(coordinator, rid, explain=True)
    why = {c.volunteer_id: c.excluded[0] for c in explained if not c.eligible}
    assert "Geen geldige VOG" in why[ids["no_vog"]] and "Geen geldige VOG" in why[ids["expired"]]
    assert why[ids["no_turkish"]] == "Spreekt geen Turks"
    assert why[ids["wrong_time"]].startswith("Niet beschikbaar")
    assert why[ids["too_far"]].startswith("Te ver")
    assert [c.volunteer_id for c in explained if c.eligible] == [c.volunteer_id for c in ranked]


def test_fast_path_equals_the_domain_over_everyone(coordinator):
    """The SQL prefilter must never drop someone the domain would keep (or keep a different order)."""
    ids, rid = seed(
        coordinator,
        language=None,
        requires_vog=False,
        window={"start": "2026-11-16", "end": "2026-12-31", "availability": []},
    )
    fast = [c.volunteer_id for c in matching.rank(coordinator, rid, limit=50)]
    full = [c.volunteer_id for c in matching.rank(coordinator, rid, limit=50, explain=True) if c.eligible]
    assert fast == full and ids["no_vog"] in fast and ids["too_far"] not in fast


def test_rank_unknown_request_is_not_found(coordinator):
    before = counts(coordinator)
    with pytest.raises(NotFound) as caught:
        matching.rank(coordinator, "nope")
    assert "nope" in caught.value.nl and "nope" in caught.value.en
    assert counts(coordinator) == before


def test_admin_may_not_rank_and_the_refusal_is_audited(clock):
    admin = make_session("adm", role="admin", clock=clock)
    try:
        with pytest.raises(AccessDenied) as caught:
            matching.rank(admin, "whatever")
        assert caught.value.nl and caught.value.en
        assert ("match.rank", "R", "denied") in audit(admin)
        with pytest.raises(AccessDenied):
            matching.propose(admin, "whatever", "v")
        assert ("match.propose", "R", "denied") in audit(admin)
        assert matching.conflicts(admin) == []
    finally:
        admin.close()


# --- lifecycle -------------------------------------------------------------------------------------


def test_lifecycle_happy_path_updates_match_request_and_audit(coordinator):
    ids, rid = seed(coordinator)
    mid = matching.propose(coordinator, rid, ids["best"])
    assert projected(coordinator, mid) == "PROPOSED" and request_status(coordinator, rid) == "MATCHING"
    record = coordinator.repo.read(doc_id_for("helpreq", rid))["matches"][mid]
    assert record["volunteer_id"] == ids["best"] and record["score"] > 0 and record["proposed_by"]

    matching.accept(coordinator, rid, mid)
    assert projected(coordinator, mid) == "ACCEPTED" and request_status(coordinator, rid) == "MATCHING"
    matching.confirm(coordinator, rid, mid)
    assert projected(coordinator, mid) == "CONFIRMED" and request_status(coordinator, rid) == "MATCHED"
    matching.complete(coordinator, rid, mid)
    assert projected(coordinator, mid) == "COMPLETED" and request_status(coordinator, rid) == "DONE"

    root = coordinator.repo.read(doc_id_for("helpreq", rid))
    types = [e["type"] for e in root["events"]]
    assert types[-4:] == ["MATCH_PROPOSED", "MATCH_ACCEPTED", "MATCH_CONFIRMED", "MATCH_COMPLETED"]
    assert root["events"][-1]["data"] == {"match_id": mid, "volunteer_id": ids["best"], "prior": "CONFIRMED"}
    trail = audit(coordinator)
    for step, action in [("propose", "C"), ("accept", "U"), ("confirm", "U"), ("complete", "U")]:
        assert (f"match.{step}", action, "ok") in trail


def test_declines_free_the_request_and_the_volunteer(coordinator):
    ids, rid = seed(coordinator)
    mid = matching.propose(coordinator, rid, ids["best"])
    assert ids["best"] not in [c.volunteer_id for c in matching.rank(coordinator, rid)]  # already proposed
    matching.decline(coordinator, rid, mid)
    assert request_status(coordinator, rid) == "OPEN"
    explained = matching.rank(coordinator, rid, explain=True)
    best = next(c for c in explained if c.volunteer_id == ids["best"])
    assert best.excluded[0] == "Heeft deze hulpvraag afgeslagen"
    other = matching.propose(coordinator, rid, ids["second"])
    matching.withdraw(coordinator, rid, other)
    assert projected(coordinator, other) == "WITHDRAWN" and request_status(coordinator, rid) == "OPEN"


def test_load_counts_in_the_score(coordinator):
    ids, rid = seed(coordinator)
    _, rid2 = seed(coordinator)
    before = {c.volunteer_id: c.score for c in matching.rank(coordinator, rid2)}
    matching.propose(coordinator, rid, ids["second"])
    after = {c.volunteer_id: c.score for c in matching.rank(coordinator, rid2)}
    assert after[ids["second"]] == pytest.approx(before[ids["second"]] - 5.0)


@pytest.mark.parametrize(
    ("steps", "bad"),
    [
        (["decline"], "confirm"),  # confirming a declined match
        ([], "complete"),  # completing a proposal
        (["accept", "confirm", "complete"], "withdraw"),  # completed is final
        (["withdraw"], "accept"),
        (["accept"], "accept"),
    ],
)
def test_impossible_transitions_raise_and_write_nothing(coordinator, steps, bad):
    ids, rid = seed(coordinator)
    mid = matching.propose(coordinator, rid, ids["best"])
    for step in steps:
        matching.STEPS[step](coordinator, rid, mid)
    before = counts(coordinator), projected(coordinator, mid), request_status(coordinator, rid)
    with pytest.raises(InvalidTransition) as caught:
        matching.STEPS[bad](coordinator, rid, mid)
    assert caught.value.nl and caught.value.en and caught.value.nl != caught.value.en
    assert (counts(coordinator), projected(coordinator, mid), request_status(coordinator, rid)) == before


def test_only_one_confirmed_volunteer_per_request(coordinator):
    ids, rid = seed(coordinator)
    first = matching.propose(coordinator, rid, ids["best"])
    second = matching.propose(coordinator, rid, ids["second"])
    for mid in (first, second):
        matching.accept(coordinator, rid, mid)
    matching.confirm(coordinator, rid, first)
    before = counts(coordinator)
    with pytest.raises(InvalidTransition):
        matching.confirm(coordinator, rid, second)
    assert counts(coordinator) == before


def test_proposing_on_a_closed_request_is_refused(coordinator):
    ids, rid = seed(coordinator)
    coordinator.repo.change(doc_id_for("helpreq", rid), lambda e: e.set(("request", "status"), "CANCELLED"))
    before = counts(coordinator)
    with pytest.raises(InvalidTransition):
        matching.propose(coordinator, rid, ids["best"])
    assert counts(coordinator) == before


def test_an_expired_request_is_neither_ranked_nor_proposed_until_its_period_is_extended(coordinator, clock):
    ids, rid = seed(coordinator)
    assert matching.rank(coordinator, rid, limit=1)
    clock.advance(45 * 86_400_000)  # 2027-01-02: the window ended on 2026-12-31
    before = counts(coordinator)
    with pytest.raises(matching.RequestExpired) as caught:
        matching.rank(coordinator, rid, explain=True)
    assert "31/12/2026" in caught.value.message("en") and "helprequest edit" in caught.value.message("en")
    assert "31-12-2026" in caught.value.message("nl")
    with pytest.raises(matching.RequestExpired):
        matching.propose(coordinator, rid, ids["best"])
    assert counts(coordinator)[0] == before[0]  # nothing written
    assert request_status(coordinator, rid) == "OPEN"  # expired is derived, never stored
    roster.update_help_request(coordinator, rid, {"window": {"end": "28-02-2027"}})  # as a person types it
    assert matching.rank(coordinator, rid, limit=1)[0].volunteer_id == ids["best"]
    matching.propose(coordinator, rid, ids["best"])


def test_unknown_ids_and_ineligible_volunteers_write_nothing(coordinator):
    ids, rid = seed(coordinator)
    mid = matching.propose(coordinator, rid, ids["best"])
    before = counts(coordinator)
    with pytest.raises(NotFound):
        matching.propose(coordinator, "nope", ids["second"])
    with pytest.raises(NotFound):
        matching.propose(coordinator, rid, "nobody")
    with pytest.raises(NotFound):
        matching.accept(coordinator, rid, "nomatch")
    with pytest.raises(NotFound):
        matching.accept(coordinator, "nope", mid)
    with pytest.raises(ValidationError) as caught:
        matching.propose(coordinator, rid, ids["no_vog"])
    assert "VOG" in caught.value.nl and "certificate" in caught.value.en
    with pytest.raises(ValidationError):
        matching.propose(coordinator, rid, ids["best"])  # already proposed
    assert counts(coordinator) == before


def test_projection_rebuild_equals_incremental_after_steps(coordinator):
    ids, rid = seed(coordinator)
    mid = matching.propose(coordinator, rid, ids["best"])
    matching.accept(coordinator, rid, mid)
    before = coordinator.repo.projector.dump()
    assert coordinator.repo.rebuild() == []
    assert coordinator.repo.projector.dump() == before


# --- two replicas ----------------------------------------------------------------------------------


def copy(src, dst, doc_ids):
    for doc_id in doc_ids:
        dst.repo.merge(doc_id, src.repo.store.save_bytes(doc_id), NODE)


@pytest.fixture
def replicas(clock):
    a = make_session("a", role="coordinator", clock=clock)
    b = make_session("b", role="coordinator", clock=clock)
    yield a, b
    a.close()
    b.close()


def test_concurrent_confirm_and_withdraw_are_detected_after_merge(replicas, clock):
    a, b = replicas
    ids, rid = seed(a)
    doc = doc_id_for("helpreq", rid)
    mid = matching.propose(a, rid, ids["best"])
    matching.accept(a, rid, mid)
    copy(a, b, [doc, *(doc_id_for("volunteer", v) for v in ids.values())])
    assert matching.conflicts(a) == [] and matching.conflicts(b) == []

    clock.advance(60_000)
    matching.confirm(a, rid, mid)  # on replica a, while apart
    matching.withdraw(b, rid, mid)  # on replica b
    copy(a, b, [doc])
    copy(b, a, [doc])

    found_a, found_b = matching.conflicts(a), matching.conflicts(b)
    assert found_a == found_b and len(found_a) == 1
    conflict = found_a[0]
    assert conflict["kind"] == "match.concurrent" and conflict["doc_id"] == doc
    assert {s["type"] for s in conflict["sides"]} == {"MATCH_CONFIRMED", "MATCH_WITHDRAWN"}
    assert {s["by"] for s in conflict["sides"]} == {"coordinator-a", "coordinator-b"}
    assert all(s["node"] == NODE and s["summary_nl"] and s["summary_en"] for s in conflict["sides"])
    assert set(conflict["event_ids"]) == {s["event_id"] for s in conflict["sides"]}
    assert conflict["title_nl"] and conflict["title_en"]
    # both replicas derive the same status and show it in their projection
    assert projected(a, mid) == projected(b, mid) == "WITHDRAWN"

    # a decision recorded as a RESOLVED event settles it and makes the chosen side stand
    from veldclient.services import conflicts as inbox

    item = next(c for c in inbox.inbox(a) if c.kind == "match.concurrent")
    confirmed = next(s["event_id"] for s in conflict["sides"] if s["type"] == "MATCH_CONFIRMED")
    inbox.resolve(a, item.id, confirmed, "volunteer goes after all")
    assert matching.conflicts(a) == [] and projected(a, mid) == "CONFIRMED"
    copy(a, b, [doc])
    assert matching.conflicts(b) == [] and projected(b, mid) == "CONFIRMED"


def test_two_volunteers_confirmed_apart_is_a_conflict(replicas, clock):
    a, b = replicas
    ids, rid = seed(a)
    doc = doc_id_for("helpreq", rid)
    m1 = matching.propose(a, rid, ids["best"])
    m2 = matching.propose(a, rid, ids["second"])
    matching.accept(a, rid, m1)
    matching.accept(a, rid, m2)
    copy(a, b, [doc, *(doc_id_for("volunteer", v) for v in ids.values())])
    matching.confirm(a, rid, m1)
    matching.confirm(b, rid, m2)
    copy(b, a, [doc])
    found = matching.conflicts(a)
    assert len(found) == 1 and "twee vrijwilligers" in found[0]["title_nl"]
    assert {s["match_id"] for s in found[0]["sides"]} == {m1, m2}


# --- mantelzorgers ---------------------------------------------------------------------------------


def add_carers(session):
    made = {}
    for label, burden in {
        "heavy": {"instrument": "EDIZ_PLUS", "score": 9, "measured_on": "2026-10-01"},
        "moderate": {"instrument": "EDIZ_PLUS", "score": 8, "measured_on": "2026-10-01"},
        "csi": {"instrument": "CSI", "score": 7, "measured_on": "2026-10-01"},
        "unknown": None,
    }.items():
        raw = {
            "first_name": label,
            "last_name": "Zorg",
            "pc4": "7511",
            "relationship": "PARTNER",
            "hours_per_week": 30,
            "burden": burden,
        }
        made[label] = roster.register_mantelzorger(session, raw).id
    return made


def test_overloaded_mantelzorgers_flagged_category_only_for_coordinator(coordinator):
    made = add_carers(coordinator)
    flagged = matching.overloaded_mantelzorgers(coordinator)
    assert {f["id"] for f in flagged} == {made["heavy"], made["csi"]}
    for f in flagged:
        assert f["burden_category"] == "HEAVY" and f["respite"] and f["flag_nl"] and f["flag_en"]
        assert "burden_score" not in f and "burden_instrument" not in f
    assert ("mantelzorger.overloaded", "S", "ok") in audit(coordinator)


def test_nurse_sees_the_score(session):
    made = add_carers(session)
    flagged = {f["id"]: f for f in matching.overloaded_mantelzorgers(session)}
    assert flagged[made["heavy"]]["burden_score"] == 9
