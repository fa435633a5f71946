"""Placement lifecycle from events (deterministic on every replica) and ranking of candidate locations."""

from __future__ import annotations

import random
from typing import Any

import pytest

from veldclient.domain import PlacementRequest, PlacementStatus, causal
from veldclient.domain import placement_flow as pf
from veldclient.domain.models_capacity import report_is_stale
from veldclient.errors import InvalidTransition, NotFound
from veldclient.services.dashboard_view import CareTypePressure

P = PlacementStatus
HOUR = 3_600_000
NOW = 1_795_000_000_000


class Log:
    """Builds events the way services/events.make does: parents = the author's frontier."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.n = 0
        self.id_prefix = "e"

    def add(self, kind: str, by_node: str = "hengelo", parents: list[str] | None = None, **data: Any) -> str:
        self.n += 1
        event_id = f"{self.id_prefix}{self.n:03d}"
        if parents is None:
            named = {p for e in self.events for p in e["parents"]}
            parents = sorted(e["id"] for e in self.events if e["id"] not in named)
        self.events.append(
            {
                "id": event_id,
                "type": kind,
                "at": NOW + self.n * 60_000,
                "by": f"user-{by_node}",
                "device": "d",
                "node": by_node,
                "data": data,
                "parents": parents,
            }
        )
        return event_id

    def flow(self) -> pf.Flow:
        return pf.flow_of(self.events, "hengelo")


def offered(log: Log, node: str = "almelo", location: str = "loc-a") -> str:
    return log.add("OFFERED", node, node=node, location_id=location, care_type="ELV_HOOG")


def test_happy_path_statuses_and_timers():
    log = Log()
    log.add("DRAFT")
    assert log.flow().status is P.DRAFT
    log.add("SENT", to_node="almelo")
    assert log.flow().status is P.SUBMITTED and log.flow().sent_to == ("almelo",)
    offer = offered(log)
    flow = log.flow()
    assert flow.status is P.OFFERED and flow.first_reply_at == log.events[-1]["at"]
    log.add("ACCEPTED", offer_id=offer, node="almelo", location_id="loc-a", care_type="ELV_HOOG")
    assert log.flow().status is P.ACCEPTED and log.flow().accepted_offer_id == offer
    log.add("ADMITTED", "almelo", offer_id=offer, admitted_at=NOW + HOUR)
    assert log.flow().status is P.ADMITTED and log.flow().placed_at == NOW + HOUR
    log.add("DISCHARGED", "almelo", offer_id=offer, destination="HOME")
    assert log.flow().status is P.DISCHARGED
    assert log.flow().offers[offer].state == pf.DISCHARGED


def test_placement_status_takes_ordered_events_and_defaults_to_draft():
    log = Log()
    assert pf.placement_status([]) is P.DRAFT
    log.add("DRAFT")
    log.add("SENT", to_node="almelo")
    assert pf.placement_status(causal.ordered(log.events)) is P.SUBMITTED


def test_a_single_imported_status_event_is_the_start():
    for status in PlacementStatus:
        log = Log()
        log.add(status.value)
        assert log.flow().status is status


def test_sender_steps_are_not_replies_and_declines_keep_searching():
    log = Log()
    log.add("DRAFT")
    log.add("SENT", to_node="almelo")
    log.add("SENT", to_node="borne")
    log.add("DECLINED", "borne", node="borne")
    flow = log.flow()
    assert flow.status is P.IN_REVIEW and flow.declined_by == ("borne",)
    assert flow.first_reply_at == log.events[-1]["at"]
    offer = offered(log)
    log.add("DECLINED", offer_id=offer, node="almelo")  # the sender declines the offer
    flow = log.flow()
    assert flow.status is P.IN_REVIEW and flow.offers[offer].state == pf.DECLINED
    assert flow.first_reply_at == log.events[3]["at"], "the sender's decline is not a reply"


def test_withdrawing_the_accepted_offer_reopens_the_search():
    log = Log()
    log.add("SUBMITTED")
    first, second = offered(log), offered(log, "borne", "loc-b")
    log.add("ACCEPTED", offer_id=first, node="almelo")
    log.add("WITHDRAWN", "almelo", offer_id=first, node="almelo")
    flow = log.flow()
    assert flow.status is P.OFFERED and flow.accepted_offer_id is None
    assert [o.id for o in flow.open_offers] == [second]


def accepted_last_bed() -> tuple[Log, str, str]:
    """A request of Hengelo that accepted Almelo's offer: the log, the offer id, the acceptance id."""
    log = Log()
    log.add("DRAFT")
    log.add("SENT", to_node="almelo")
    offer = offered(log)
    accepted = log.add("ACCEPTED", offer_id=offer, node="almelo", location_id="loc-a", care_type="ELV_HOOG")
    return log, offer, accepted


def resolve(log: Log, sides: list[str], chosen: str | None) -> str:
    """A RESOLVED event as services/conflicts.resolve writes it into each document of the conflict."""
    return log.add("RESOLVED", "almelo", conflict=sides, chosen=chosen, note="", conflict_id="c0ffee")


def test_a_decision_that_gives_the_bed_to_another_request_reopens_the_search():
    log, offer, accepted = accepted_last_bed()
    assert log.flow().status is P.ACCEPTED
    resolve(log, sorted([accepted, "acceptance-in-another-request"]), "acceptance-in-another-request")
    flow = log.flow()
    assert flow.status is P.IN_REVIEW and flow.accepted_offer_id is None
    lost = flow.offers[offer]
    assert lost.state == pf.GIVEN_AWAY and lost.decided_at == log.events[-1]["at"]
    assert flow.beds_given_away == (lost,)
    pf.check_send(flow, "borne")  # the next step: another node
    with pytest.raises(InvalidTransition):
        pf.check_accept(flow, offer)
    with pytest.raises(InvalidTransition):
        pf.check_admit(flow, "almelo")
    for seed in range(10):  # every replica folds the same, whatever order it holds the events in
        shuffled = list(log.events)
        random.Random(seed).shuffle(shuffled)
        assert pf.flow_of(shuffled, "hengelo") == flow


def test_the_chosen_acceptance_stands_and_other_open_offers_come_back():
    log, _offer, accepted = accepted_last_bed()
    resolve(log, sorted([accepted, "acceptance-in-another-request"]), accepted)
    assert log.flow().status is P.ACCEPTED and log.flow().beds_given_away == ()

    log, offer, accepted = accepted_last_bed()
    other = offered(log, "borne", "loc-b")
    resolve(log, sorted([accepted, "acceptance-in-another-request"]), None)  # neither stands
    flow = log.flow()
    assert flow.offers[offer].state == pf.OVERRULED and flow.beds_given_away == ()
    assert flow.status is P.OFFERED and [o.id for o in flow.open_offers] == [other]


def test_a_decision_between_two_acceptances_of_one_request_keeps_the_chosen_one():
    log = Log()
    log.add("SUBMITTED")
    one, two = offered(log), offered(log, "borne", "loc-b")
    frontier = [two]
    first = log.add("ACCEPTED", parents=frontier, offer_id=one)
    second = log.add("ACCEPTED", parents=frontier, offer_id=two)
    resolve(log, sorted([first, second]), second)
    flow = log.flow()
    assert flow.status is P.ACCEPTED and flow.accepted_offer_id == two
    assert flow.offers[one].state == pf.OVERRULED, "not given to another request: this one chose"


def test_concurrent_steps_fold_the_same_in_any_input_order():
    log = Log()
    log.add("DRAFT")
    sent = log.add("SENT", to_node="almelo")
    one = log.add("OFFERED", "almelo", parents=[sent], node="almelo", location_id="x", care_type="ELV_HOOG")
    two = log.add("OFFERED", "almelo", parents=[one], node="almelo", location_id="y", care_type="ELV_HOOG")
    # two devices of the sender, apart: one accepts offer one, the other accepts two; a third cancels
    log.add("ACCEPTED", parents=[two], offer_id=one)
    log.add("ACCEPTED", parents=[two], offer_id=two)
    log.add("CANCELLED", parents=[two])
    expected = log.flow()
    for seed in range(20):
        shuffled = list(log.events)
        random.Random(seed).shuffle(shuffled)
        assert pf.flow_of(shuffled, "hengelo") == expected
    # causal order here: accept one, accept two, cancel (ties by time): the cancel wins the status,
    # both acceptances stay in the offers for the conflict finder to show
    assert expected.status is P.CANCELLED and expected.accepted_offer_id == one
    assert expected.offers[one].state == expected.offers[two].state == pf.ACCEPTED


def test_the_fold_orders_with_the_one_causal_order():
    # one causal order for the whole client (domain/causal.py): the fold has no order of its own
    assert not hasattr(pf, "causal_order")
    rng = random.Random(3)
    for _ in range(30):
        evs: list[dict[str, Any]] = []
        for _i in range(rng.randint(1, 12)):
            parents = sorted({e["id"] for e in rng.sample(evs, k=min(len(evs), rng.randint(0, 2)))})
            evs.append(
                {"id": f"{rng.random():.6f}", "type": "X", "at": rng.randint(0, 5), "parents": parents}
            )
        shuffled = rng.sample(evs, k=len(evs))
        assert [e["id"] for e in causal.ordered(shuffled)] == [e["id"] for e in causal.ordered(evs)]


def test_steps_that_do_not_fit_are_kept_but_change_nothing():
    log = Log()
    log.add("SUBMITTED")
    log.add("CANCELLED")
    offer = offered(log)
    log.add("ACCEPTED", offer_id=offer)
    assert log.flow().status is P.CANCELLED
    log2 = Log()
    log2.add("ADMITTED")
    log2.add("CANCELLED")
    assert log2.flow().status is P.ADMITTED


# --- checks: impossible steps are typed errors with both languages ---------------------------------


def errors_of(exc: pytest.ExceptionInfo) -> tuple[str, str]:
    return exc.value.nl, exc.value.en


def test_accepting_a_declined_or_withdrawn_offer_is_refused():
    log = Log()
    log.add("SUBMITTED")
    declined, withdrawn, fine = offered(log), offered(log, "borne"), offered(log, "oldenzaal")
    log.add("DECLINED", offer_id=declined)
    log.add("WITHDRAWN", "borne", offer_id=withdrawn, node="borne")
    flow = log.flow()
    with pytest.raises(InvalidTransition) as caught:
        pf.check_accept(flow, declined)
    nl, en = errors_of(caught)
    assert "afgewezen" in nl and "declined" in en
    with pytest.raises(InvalidTransition) as caught:
        pf.check_accept(flow, withdrawn)
    assert "ingetrokken" in caught.value.nl and "withdrawn" in caught.value.en
    assert pf.check_accept(flow, fine).id == fine
    with pytest.raises(NotFound):
        pf.check_accept(flow, "nope")


def test_status_checks_use_the_lifecycle_messages():
    log = Log()
    log.add("DRAFT")
    with pytest.raises(InvalidTransition) as caught:
        pf.check_offer(log.flow(), "almelo")
    assert "Concept" in caught.value.nl and "Draft" in caught.value.en
    with pytest.raises(InvalidTransition):
        pf.check_admit(log.flow(), "almelo")
    with pytest.raises(InvalidTransition):
        pf.check_discharge(log.flow(), "almelo")
    pf.check_send(log.flow(), "almelo")
    log.add("SENT", to_node="almelo")
    with pytest.raises(InvalidTransition) as caught:
        pf.check_send(log.flow(), "almelo")
    assert "almelo" in caught.value.en
    log.add("CANCELLED")
    with pytest.raises(InvalidTransition) as caught:
        pf.check_close(log.flow(), P.CANCELLED)
    assert "final" in caught.value.en


def test_only_the_admitting_node_discharges_and_only_the_offerer_withdraws():
    log = Log()
    log.add("SUBMITTED")
    offer = offered(log)
    with pytest.raises(InvalidTransition):
        pf.check_withdraw(log.flow(), offer, "borne")
    log.add("ACCEPTED", offer_id=offer)
    with pytest.raises(InvalidTransition):
        pf.check_admit(log.flow(), "borne")
    assert pf.check_admit(log.flow(), "almelo").id == offer
    log.add("ADMITTED", "almelo", offer_id=offer)
    with pytest.raises(InvalidTransition):
        pf.check_discharge(log.flow(), "borne")
    assert pf.check_discharge(log.flow(), "almelo").id == offer


def test_a_node_that_declined_cannot_offer_and_a_node_with_an_open_offer_must_withdraw():
    log = Log()
    log.add("SUBMITTED")
    offered(log)
    with pytest.raises(InvalidTransition):
        pf.check_decline_request(log.flow(), "almelo")
    log.add("DECLINED", "borne", node="borne")
    with pytest.raises(InvalidTransition):
        pf.check_offer(log.flow(), "borne")


# --- ranking ----------------------------------------------------------------------------------------


def request(**changes: Any) -> PlacementRequest:
    raw = {
        "client_id": "c" * 32,
        "node_id": "hengelo",
        "referrer": {"name": "Dr. Bos", "role": "HUISARTS", "agb": None},
        "urgency": "U3",
        "triage": {"instability": True},
        "required_capabilities": ["ZUURSTOF"],
        "desired_start": "2026-11-19",
        "received_at": NOW,
        **changes,
    }
    return PlacementRequest.parse(raw)


def row(location: str, *, free: int = 3, caps: str = "INFUUS ZUURSTOF", care: str = "ELV_HOOG", **kw: Any):
    return {
        "id": f"{location}/{care}",
        "node_id": kw.pop("node", "almelo"),
        "location_id": location,
        "care_type": care,
        "beds_total": 10,
        "free": free,
        "capabilities": caps,
        "reported_by": "fixture",
        "reported_at": kw.pop("reported_at", NOW - 40 * 60_000),
        "location_name": f"Locatie {location}",
        "location_postcode": kw.pop("postcode", "7609 PP"),
        **kw,
    }


def km(table: dict[str, float]):
    return lambda a, b: table[b[:4]]


STALE = 12 * HOUR


def test_reasons_are_readable_in_both_languages_and_add_up_to_the_score():
    [c] = pf.rank_locations(request(), [row("a")], NOW, STALE, "7555", distance_km=km({"7609": 9.84}))
    assert [r.pair for r in c.reasons] == [
        ("3 vrije bedden ELV hoog complex", "3 free beds High-complexity primary-care stay"),
        ("alle vereiste mogelijkheden: zuurstof", "all required capabilities: oxygen"),
        ("9,8 km", "9.8 km"),
        ("melding 40 min oud", "report 40 min old"),
    ]
    assert [r.code for r in c.reasons] == ["beds", "capabilities", "distance", "fresh"]
    # 30 for three beds; 30 * (1 - 9.8/40) = 22.65; 25 * (1 - 40 min / 12 h) = 23.6; a filter adds none
    assert [r.points for r in c.reasons] == [30, None, 23, 24]
    assert c.score == 77 == sum(r.points or 0 for r in c.reasons)
    assert c.reason_text("en").startswith("3 free beds")
    assert c.to_dict()["reasons"][2] == {"code": "distance", "nl": "9,8 km", "en": "9.8 km", "points": 23}
    assert c.to_dict()["score"] == 77


def test_hard_filters_care_type_and_capabilities():
    rows = [
        row("ok"),
        row("wrong-care", care="GRZ"),
        row("no-oxygen", caps="INFUUS TILLIFT"),
        row("list-caps", caps=["ZUURSTOF"]),
    ]
    ranked = pf.rank_locations(request(), rows, NOW, STALE, None)
    assert {c.location_id for c in ranked} == {"ok", "list-caps"}


def test_full_locations_score_0_and_are_listed_last_and_marked():
    rows = [row("full", free=0, postcode="7555 DL"), row("far", free=1, postcode="7609 PP")]
    ranked = pf.rank_locations(request(), rows, NOW, STALE, "7555", distance_km=km({"7555": 0.5, "7609": 40}))
    assert [c.location_id for c in ranked] == ["far", "full"]
    full = ranked[1]
    assert full.full and full.score == 0 < ranked[0].score
    assert full.reasons[0].pair == ("VOL: geen vrije bedden, dus score 0", "FULL: no free beds, so score 0")
    assert full.reasons[0].code == "full"
    assert all(r.points in (None, 0) for r in full.reasons)  # its distance is said, not counted


def test_a_full_location_scores_below_a_free_one_at_equal_distance():
    rows = [row("full", free=0), row("free", free=1)]
    ranked = pf.rank_locations(request(), rows, NOW, STALE, "7555", distance_km=km({"7609": 5}))
    assert [(c.location_id, c.score > 0) for c in ranked] == [("free", True), ("full", False)]


def test_a_location_not_yet_reported_is_unknown_and_listed_after_the_full_ones():
    unknown = row("unknown", caps="", free=None, beds_total=None, reported_at=None, reported_by=None)
    rows = [unknown, row("full", free=0), row("free", free=2)]
    ranked = pf.rank_locations(request(), rows, NOW, STALE, "7555", distance_km=km({"7609": 5}))
    assert [c.location_id for c in ranked] == ["free", "full", "unknown"]
    assert [c.score for c in ranked][1:] == [0, 0]  # equal: reported before unknown
    last = ranked[-1]
    assert (last.reported, last.free, last.full, last.stale, last.age_ms) == (False, None, False, False, None)
    assert last.reasons[0].pair == (
        "nog niet gemeld: vrije bedden onbekend, dus score 0",
        "not yet reported: free beds unknown, so score 0",
    )
    assert last.to_dict()["free"] is None and last.to_dict()["reported"] is False


def test_stale_reports_are_marked_and_rank_lower():
    rows = [row("old", reported_at=NOW - 14 * HOUR), row("fresh", reported_at=NOW - 30 * 60_000)]
    ranked = pf.rank_locations(request(), rows, NOW, STALE, None)
    assert [c.location_id for c in ranked] == ["fresh", "old"]
    old = ranked[1]
    said = [r.pair for r in old.reasons]
    assert old.stale and ("VEROUDERD: melding 14 u oud", "STALE: report 14 h old") in said
    assert {r.code: r.points for r in old.reasons}["stale"] == 0


def test_a_stale_report_of_more_beds_does_not_beat_a_fresh_one_next_door():
    rows = [row("old", free=3, reported_at=NOW - 13 * HOUR), row("fresh", free=1, reported_at=NOW - 60_000)]
    ranked = pf.rank_locations(request(), rows, NOW, STALE, "7555", distance_km=km({"7609": 1}))
    assert [c.location_id for c in ranked] == ["fresh", "old"]


def test_ranking_dashboard_and_capacity_record_share_one_staleness():
    at = [NOW - STALE, NOW - STALE - 1, NOW + HOUR]  # at the limit, just past it, a clock ahead
    rows = [row(f"l{n}", reported_at=t) for n, t in enumerate(at)]
    ranked = {c.location_id: c for c in pf.rank_locations(request(), rows, NOW, STALE, None)}
    marked = [ranked[f"l{n}"].stale for n in range(len(at))]
    assert marked == [report_is_stale(t, NOW, STALE) for t in at] == [False, True, False]
    assert [ranked[f"l{n}"].age_ms for n in range(len(at))] == [STALE, STALE + 1, 0]
    pressure = CareTypePressure("ELV_HOOG", 3, 10, tuple(at), ())
    assert pressure.stale_reports(NOW, STALE) == 1


def test_distance_and_free_beds_weigh_as_documented():
    near, far = row("near", free=1, postcode="7555 DL"), row("far", free=3, postcode="7609 PP")
    dist = km({"7555": 1.0, "7609": 30.0})
    ranked = pf.rank_locations(request(), [far, near], NOW, STALE, "7555", distance_km=dist)
    assert [c.location_id for c in ranked] == ["near", "far"]  # 29 km outweighs two more beds
    close = km({"7555": 1.0, "7609": 5.0})
    ranked = pf.rank_locations(request(), [far, near], NOW, STALE, "7555", distance_km=close)
    assert [c.location_id for c in ranked] == ["far", "near"]  # 4 km does not


def test_the_clients_preference_counts_but_never_beats_the_filters():
    rows = [row("near", postcode="7555 DL"), row("pref", postcode="7609 PP"), row("pref-grz", care="GRZ")]
    dist = km({"7555": 1.0, "7609": 15.0})
    ranked = pf.rank_locations(
        request(preferred_location_id="a" * 32), rows, NOW, STALE, "7555", distance_km=dist
    )
    assert [c.location_id for c in ranked] == ["near", "pref"]  # no preference for these ids
    rows[1]["location_id"] = "a" * 32
    ranked = pf.rank_locations(
        request(preferred_location_id="a" * 32), rows, NOW, STALE, "7555", distance_km=dist
    )
    assert ranked[0].location_id == "a" * 32 and ranked[0].preferred
    preferred = {r.code: r for r in ranked[0].reasons}["preferred"]
    assert preferred.pair == ("voorkeurslocatie van de cliënt", "the client's preferred location")
    assert preferred.points == pf.W_PREFERRED


def test_unknown_distance_is_said_and_counted_neutrally():
    # 1000 is no PC4 area in use (Amsterdam starts at 1011): no centroid, so no distance
    [c] = pf.rank_locations(request(), [row("x", postcode="1000 AB")], NOW, STALE, "7555")
    assert c.distance_km is None and ("afstand onbekend", "distance unknown") in [r.pair for r in c.reasons]
    assert {r.code: r.points for r in c.reasons}["distance"] == 19  # as 15 km: 30 * (1 - 15/40)


def test_real_twente_distances_and_stable_order():
    rows = [row(f"l{i}", postcode=pc) for i, pc in enumerate(["7609 PP", "7512 KZ", "7555 DL", "7461 AB"])]
    first = pf.rank_locations(request(), rows, NOW, STALE, "7555")
    again = pf.rank_locations(request(), list(reversed(rows)), NOW, STALE, "7555")
    assert first == again
    assert [c.score for c in first] == sorted((c.score for c in first), reverse=True)
    assert first[0].location_id == "l2"  # same PC4 area as the client: nearest
    assert first[0].distance_km is not None and first[0].distance_km < 3


def test_an_offer_is_named_by_its_id_or_the_start_of_it_when_one_fits():
    log = Log()
    log.add("SUBMITTED")
    log.id_prefix = "a1b2c3d4-"
    first = offered(log)
    log.id_prefix = "a1b2ff00-"
    second = offered(log, "borne")
    flow = log.flow()
    assert pf.check_accept(flow, first).id == first
    assert pf.check_accept(flow, "a1b2c").id == first
    assert pf.check_accept(flow, "a1b2f").id == second
    for typed in ("a1b2", "a1b", "ffff"):  # fits both, shorter than four, fits none
        with pytest.raises(NotFound):
            pf.check_accept(flow, typed)
