"""Both ranked lists a person reads score on one 0-100 scale (domain/score.py): for any inputs every
score lies in 0..100, equals the points its reasons show added up, and the list is in score order
(best first), whatever order the rows came in."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from veldclient.domain import Vog, VogStatus
from veldclient.domain import matching as dm
from veldclient.domain import placement_flow as pf
from veldclient.domain.models_placement import PlacementRequest
from veldclient.domain.score import points, score_of, total

NOW = 1_795_000_000_000
HOUR = 3_600_000
STALE = 12 * HOUR
TODAY = date(2026, 11, 18)
POSTCODES = ("7511 AA", "7555 DL", "7609 PP", "7461 AB", "1011 AB")  # the last: outside the region

REQUEST = PlacementRequest.parse(
    {
        "client_id": "c" * 32,
        "node_id": "hengelo",
        "referrer": {"name": "Dr. Bos", "role": "HUISARTS", "agb": None},
        "urgency": "U3",
        "triage": {"instability": True},
        "required_capabilities": ["ZUURSTOF"],
        "desired_start": "2026-11-19",
        "received_at": NOW,
        "preferred_location_id": "l1",
    }
)

location = st.fixed_dictionaries(
    {
        "free": st.integers(0, 40),
        "reported": st.booleans(),
        "age_h": st.floats(-2, 60, allow_nan=False),
        "postcode": st.sampled_from(POSTCODES),
        "caps": st.sampled_from(["ZUURSTOF", "INFUUS ZUURSTOF", "INFUUS"]),
        "name": st.sampled_from(["Roombeek", "Dijkhuis", "Bisschopshof", ""]),
    }
)


def rows(drawn: list[dict]) -> list[dict]:
    out = []
    for n, d in enumerate(drawn):
        out.append(
            {
                "node_id": "almelo",
                "location_id": f"l{n}",
                "care_type": "ELV_HOOG",
                "beds_total": 40,
                "free": d["free"] if d["reported"] else None,
                "capabilities": d["caps"] if d["reported"] else "",
                "reported_at": NOW - int(d["age_h"] * HOUR) if d["reported"] else None,
                "location_name": d["name"] or None,
                "location_postcode": d["postcode"],
            }
        )
    return out


@settings(max_examples=200, deadline=None)
@given(st.lists(location, max_size=12), st.sampled_from(["7555", "7511", None]), st.randoms())
def test_location_scores_are_0_to_100_add_up_and_come_best_first(drawn, pc4, rnd):
    given_rows = rows(drawn)
    ranked = pf.rank_locations(REQUEST, given_rows, NOW, STALE, pc4)
    scores = [c.score for c in ranked]
    assert all(isinstance(s, int) and 0 <= s <= 100 for s in scores)
    assert scores == sorted(scores, reverse=True), "best first: the order is the score's order"
    for c in ranked:
        assert c.score == sum(r.points or 0 for r in c.reasons)
        assert (c.score == 0) == (c.full or not c.reported)  # a free bed always scores
    shuffled = list(given_rows)
    rnd.shuffle(shuffled)
    assert pf.rank_locations(REQUEST, shuffled, NOW, STALE, pc4) == ranked  # ties broken alike


volunteer = st.builds(
    dm.VolunteerFacts,
    id=st.uuids().map(lambda u: u.hex),
    name=st.sampled_from(["Ayşe Demir", "Jan de Vries", "Bas Vos"]),
    pc4=st.sampled_from(["7511", "7512", "7555"]),
    max_km=st.integers(0, 40),
    tasks=st.frozensets(st.sampled_from(["VERVOER", "KLUSSEN", "GEZELSCHAP"])),
    languages=st.frozensets(st.sampled_from(["nl", "tr", "en"])),
    availability=st.frozensets(st.sampled_from(sorted(dm.ALL_SLOTS)), max_size=8),
    vog=st.sampled_from([Vog(VogStatus.VALID, date(2025, 3, 2)), Vog()]),
    active=st.integers(0, 5),
)
NEED = dm.Need(
    task="VERVOER",
    pc4="7511",
    start=date(2026, 11, 16),
    end=date(2026, 12, 31),
    slots=frozenset({("DI", "OCHTEND"), ("DO", "MIDDAG"), ("VR", "AVOND")}),
    requires_vog=False,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(volunteer, max_size=12), st.floats(0, 50, allow_nan=False))
def test_volunteer_scores_are_0_to_100_add_up_and_come_best_first(vols, km):
    ranked = dm.rank(NEED, vols, lambda a, b: 0.0 if b == a else km, TODAY)
    scores = [c.score for c in ranked]
    assert all(isinstance(s, int) and 0 <= s <= 100 for s in scores)
    assert scores == sorted(scores, reverse=True)
    for c in ranked:
        assert c.score == sum(r.points or 0 for r in c.reasons)


@given(st.floats(0, 100, allow_nan=False), st.floats(allow_nan=True, allow_infinity=True))
def test_a_part_never_gives_more_than_its_weight_nor_less_than_nothing(weight, fraction):
    assert 0 <= points(weight, fraction) <= weight + 0.5


@given(st.lists(st.one_of(st.none(), st.integers(-50, 150)), max_size=8))
def test_a_total_is_held_to_the_scale(parts):
    assert 0 <= total(parts) <= 100
    assert score_of([]) == 0
