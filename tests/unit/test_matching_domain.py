"""Matching rules without a database: filters, score, reasons, status from events, health terms."""

from __future__ import annotations

import itertools
import random
from datetime import date

import pytest

from veldclient.domain import HelpRequestStatus, MatchStatus, Vog, VogStatus, causal
from veldclient.domain import matching as dm
from veldclient.services import events as service_events

TODAY = date(2026, 11, 18)  # a Wednesday
NEED = dm.Need(
    task="VERVOER",
    pc4="7511",
    start=date(2026, 11, 16),
    end=date(2026, 12, 31),
    slots=frozenset({("DI", "OCHTEND"), ("DO", "MIDDAG"), ("VR", "AVOND")}),
    language=None,
    requires_vog=True,
)


def vol(**kw) -> dm.VolunteerFacts:
    base = dict(
        id="v1",
        name="Ayşe Demir",
        pc4="7511",
        max_km=10,
        tasks=frozenset({"VERVOER"}),
        languages=frozenset({"nl", "tr"}),
        availability=frozenset({("DI", "OCHTEND"), ("DO", "MIDDAG")}),
        vog=Vog(VogStatus.VALID, date(2024, 3, 2)),
    )
    return dm.VolunteerFacts(**{**base, **kw})


def distances(km: float):
    return lambda a, b: km


# --- filters ---------------------------------------------------------------------------------------


def test_a_fitting_volunteer_passes_with_readable_reasons():
    c = dm.assess(NEED, vol(), 4.2, TODAY)
    assert c.eligible and c.distance_km == 4.2 and 0 < c.score <= 100
    nl = [r.nl for r in c.reasons]
    en = [r.en for r in c.reasons]
    assert "4,2 km (max 10 km)" in nl and "4.2 km (max 10 km)" in en
    assert any(r.startswith("Beschikbaar di-ochtend, do-middag") for r in nl)
    assert "Doet deze taak: vervoer" in nl and "Does this task: transport" in en
    assert "VOG geldig tot 01-03-2027" in nl
    assert "Spreekt Nederlands" in nl
    assert "Geen lopende koppelingen" in nl


@pytest.mark.parametrize(
    ("facts", "km", "nl_part"),
    [
        (dict(vog=Vog(VogStatus.EXPIRED, date(2020, 1, 1))), 1.0, "Geen geldige VOG"),
        (dict(vog=Vog(VogStatus.NONE)), 1.0, "Geen geldige VOG"),
        (dict(vog=Vog(VogStatus.REQUESTED)), 1.0, "Geen geldige VOG"),
        (dict(vog=Vog(VogStatus.VALID, date(2023, 11, 1))), 1.0, "ouder dan drie jaar"),
        (dict(availability=frozenset({("MA", "OCHTEND")})), 1.0, "Niet beschikbaar"),
        (dict(availability=frozenset()), 1.0, "Niet beschikbaar"),
        (dict(max_km=3), 3.06, "Te ver: 3,1 km (max 3 km)"),
        (dict(pc4="9999"), None, "Afstand onbekend"),
        (dict(on_request=MatchStatus.DECLINED), 1.0, "afgeslagen"),
        (dict(on_request=MatchStatus.PROPOSED), 1.0, "Al gekoppeld"),
    ],
)
def test_each_hard_filter_excludes_with_its_reason(facts, km, nl_part):
    c = dm.assess(NEED, vol(**facts), km, TODAY)
    assert not c.eligible and c.score == 0 and c.reasons == ()
    assert c.excluded is not None and nl_part in c.excluded[0] and c.excluded[1]


def test_language_filter_only_when_a_language_is_asked():
    turkish = dm.Need(**{**NEED.__dict__, "language": "tr"})
    assert dm.assess(turkish, vol(), 1.0, TODAY).eligible
    c = dm.assess(turkish, vol(languages=frozenset({"nl"})), 1.0, TODAY)
    assert c.excluded == ("Spreekt geen Turks", "Does not speak Turkish")
    assert "Spreekt Turks" in [r.nl for r in dm.assess(turkish, vol(), 1.0, TODAY).reasons]
    # without a language asked nobody is filtered on language
    assert dm.assess(NEED, vol(languages=frozenset({"ar"})), 1.0, TODAY).eligible


def test_vog_not_required_lets_anyone_through_and_says_so():
    no_vog = dm.Need(**{**NEED.__dict__, "requires_vog": False})
    c = dm.assess(no_vog, vol(vog=Vog()), 1.0, TODAY)
    assert c.eligible and ("VOG niet vereist voor deze hulpvraag") in [r.nl for r in c.reasons]


def test_vog_must_still_be_valid_when_the_help_starts():
    later = dm.Need(**{**NEED.__dict__, "start": date(2027, 3, 5), "end": date(2027, 4, 1)})
    # valid until 2027-03-01 inclusive: fine today, not on 2027-03-05
    assert dm.assess(NEED, vol(), 1.0, TODAY).eligible
    assert "Geen geldige VOG op 05-03-2027" in dm.assess(later, vol(), 1.0, TODAY).excluded[0]


def test_window_limits_the_weekdays_that_count():
    short = dm.Need(**{**NEED.__dict__, "start": date(2026, 11, 19), "end": date(2026, 11, 19)})  # Thursday
    assert short.wanted(TODAY) == {("DO", "MIDDAG")}
    assert not dm.assess(short, vol(availability=frozenset({("DI", "OCHTEND")})), 1.0, TODAY).eligible
    past = dm.Need(**{**NEED.__dict__, "start": date(2026, 10, 1), "end": date(2026, 10, 31)})
    assert "voorbij" in dm.assess(past, vol(), 1.0, TODAY).excluded[0]
    anytime = dm.Need(**{**NEED.__dict__, "slots": frozenset()})
    assert len(anytime.wanted(TODAY)) == 21


# --- score and ranking -----------------------------------------------------------------------------


def test_weights_sum_to_100_and_a_perfect_fit_scores_100():
    assert sum(dm.WEIGHTS.values()) == 100
    perfect = vol(availability=frozenset(NEED.slots))
    assert dm.assess(NEED, perfect, 0.0, TODAY).score == 100.0


@pytest.mark.parametrize(
    ("better", "worse"),
    [
        (dict(), dict(max_km=20, pc4="7512")),  # same max: nearer wins (distance given per pc4 below)
        (dict(availability=frozenset(NEED.slots)), dict()),  # more overlap
        (dict(), dict(tasks=frozenset({"KLUSSEN"}))),  # does the task
        (dict(), dict(languages=frozenset({"tr"}))),  # speaks Dutch when no language asked
        (dict(), dict(active=2)),  # less busy
    ],
)
def test_each_score_part_moves_the_ranking(better, worse):
    def distance(a, b):
        return 6.0 if b == "7512" else 2.0

    a = vol(id="a", **better)
    b = vol(id="b", **{"max_km": 10, **worse})
    ranked = dm.rank(NEED, [b, a], distance, TODAY)
    assert [c.volunteer_id for c in ranked] == ["a", "b"]
    assert ranked[0].score > ranked[1].score


def test_rank_limits_orders_and_explains_the_excluded():
    vols = [vol(id=f"v{i}", max_km=10 + i) for i in range(5)] + [vol(id="far", max_km=1)]
    ranked = dm.rank(NEED, vols, distances(5.0), TODAY, limit=3, include_excluded=True)
    eligible = [c for c in ranked if c.eligible]
    assert [c.volunteer_id for c in eligible] == ["v4", "v3", "v2"]  # larger max_km: relatively nearer
    assert [c.volunteer_id for c in ranked if not c.eligible] == ["far"]
    assert ranked[-1].to_json()["excluded"]["en"].startswith("Too far")


def test_ties_break_on_distance_then_id():
    same = [vol(id="b"), vol(id="a")]
    assert [c.volunteer_id for c in dm.rank(NEED, same, distances(1.0), TODAY)] == ["a", "b"]


# --- match status from events ----------------------------------------------------------------------


def ev(eid, kind, match_id, parents, at, prior=None):
    data = {"match_id": match_id}
    if prior:
        data["prior"] = prior
    return {"id": eid, "type": kind, "at": at, "by": "u", "node": "n", "data": data, "parents": parents}


def test_lifecycle_folds_in_causal_order_regardless_of_list_order():
    chain = [
        ev("e1", "MATCH_PROPOSED", "m", [], 1),
        ev("e2", "MATCH_ACCEPTED", "m", ["e1"], 2, "PROPOSED"),
        ev("e3", "MATCH_CONFIRMED", "m", ["e2"], 1, "ACCEPTED"),  # clock skew: causal order wins
        ev("e4", "MATCH_COMPLETED", "m", ["e3"], 4, "CONFIRMED"),
    ]
    for perm in itertools.permutations(chain):
        assert dm.match_status(list(perm), "m") is MatchStatus.COMPLETED


def test_concurrent_steps_give_one_status_on_every_replica():
    base = [ev("e1", "MATCH_PROPOSED", "m", [], 1), ev("e2", "MATCH_ACCEPTED", "m", ["e1"], 2, "PROPOSED")]
    confirm = ev("c", "MATCH_CONFIRMED", "m", ["e2"], 5, "ACCEPTED")
    withdraw = ev("w", "MATCH_WITHDRAWN", "m", ["e2"], 5, "ACCEPTED")
    results = {dm.match_status(list(p), "m") for p in itertools.permutations([*base, confirm, withdraw])}
    assert results == {MatchStatus.WITHDRAWN}  # confirmed then withdrawn, or withdrawn (final) first
    assert (
        len(causal.concurrent_pairs([*base, confirm, withdraw], ["MATCH_CONFIRMED", "MATCH_WITHDRAWN"])) == 1
    )


def test_a_resolution_makes_the_chosen_side_stand():
    base = [ev("e1", "MATCH_PROPOSED", "m", [], 1), ev("e2", "MATCH_ACCEPTED", "m", ["e1"], 2, "PROPOSED")]
    confirm = ev("c", "MATCH_CONFIRMED", "m", ["e2"], 5, "ACCEPTED")
    withdraw = ev("w", "MATCH_WITHDRAWN", "m", ["e2"], 5, "ACCEPTED")
    resolved = {
        "id": "r",
        "type": "RESOLVED",
        "at": 9,
        "data": {"conflict": ["c", "w"], "chosen": "c"},
        "parents": ["c", "w"],
    }
    done = ev("d", "MATCH_COMPLETED", "m", ["r"], 10, "CONFIRMED")
    assert dm.match_status([*base, confirm, withdraw, resolved], "m") is MatchStatus.CONFIRMED
    assert dm.match_status([*base, confirm, withdraw, resolved, done], "m") is MatchStatus.COMPLETED


def test_two_volunteers_confirmed_apart_then_one_chosen():
    evs = [
        ev("p1", "MATCH_PROPOSED", "m1", [], 1),
        ev("p2", "MATCH_PROPOSED", "m2", ["p1"], 2),
        ev("a1", "MATCH_ACCEPTED", "m1", ["p2"], 3, "PROPOSED"),
        ev("a2", "MATCH_ACCEPTED", "m2", ["a1"], 4, "PROPOSED"),
        ev("c1", "MATCH_CONFIRMED", "m1", ["a2"], 5, "ACCEPTED"),
        ev("c2", "MATCH_CONFIRMED", "m2", ["a2"], 5, "ACCEPTED"),
    ]
    assert dm.match_statuses(evs, {}) == {"m1": MatchStatus.CONFIRMED, "m2": MatchStatus.CONFIRMED}
    pick = {
        "id": "r",
        "type": "RESOLVED",
        "at": 4,
        "data": {"conflict": ["c1", "c2"], "chosen": "c2"},
        "parents": ["c1", "c2"],
    }
    assert dm.match_statuses([*evs, pick], {}) == {"m1": MatchStatus.WITHDRAWN, "m2": MatchStatus.CONFIRMED}


def test_records_without_events_keep_their_stored_status():
    assert dm.match_status([], "m", "CONFIRMED") is MatchStatus.CONFIRMED
    assert dm.match_status([], "m") is None
    first_step = [ev("x", "MATCH_COMPLETED", "m", [], 1, "CONFIRMED")]
    assert dm.match_status(first_step, "m", "COMPLETED") is MatchStatus.COMPLETED


def test_help_request_follows_its_matches_through_allowed_steps():
    H, M = HelpRequestStatus, MatchStatus
    assert dm.request_target([M.PROPOSED], recurring=False) is H.MATCHING
    assert dm.request_target([M.DECLINED, M.CONFIRMED], recurring=False) is H.MATCHED
    assert dm.request_target([M.COMPLETED], recurring=False) is H.DONE
    assert dm.request_target([M.COMPLETED], recurring=True) is H.IN_PROGRESS
    assert dm.request_target([M.DECLINED, M.WITHDRAWN], recurring=False) is H.OPEN
    assert dm.request_steps(H.OPEN, H.MATCHED) == [H.MATCHING, H.MATCHED]
    assert dm.request_steps(H.MATCHED, H.DONE) == [H.IN_PROGRESS, H.DONE]
    assert dm.request_steps(H.MATCHED, H.OPEN) == [H.MATCHING, H.OPEN]
    assert dm.request_steps(H.CANCELLED, H.MATCHING) == []
    assert dm.request_steps(H.OPEN, H.OPEN) == []


def test_causal_helpers_are_one_implementation():
    # the services build events (services/events.make) but order them only through the domain
    assert not hasattr(service_events, "ordered") and not hasattr(service_events, "concurrent_pairs")
    rng = random.Random(3)
    evs = [ev("a", "X", "m", [], 5), ev("b", "X", "m", ["a"], 1), ev("c", "X", "m", ["a"], 1)]
    for _ in range(5):
        rng.shuffle(evs)
        assert [e["id"] for e in causal.ordered(evs)] == ["a", "b", "c"]
