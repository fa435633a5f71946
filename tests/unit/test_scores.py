"""The one 0-100 score scale (domain/score.py) and the ties of the candidate-location ranking."""

from __future__ import annotations

from test_placement_flow_domain import NOW, STALE, km, request, row

from veldclient.domain import placement_flow as pf
from veldclient.domain.score import Reason, points, score_of, total


def test_points_round_halves_up_and_stay_within_the_weight():
    assert points(35, 1 - 5 / 14) == 23  # 22.5: 22.4999… in binary, still rounded up
    assert points(30, 0.5) == 15 and points(25, 1.5) == 25 and points(25, -1) == 0
    assert points(10, float("nan")) == 0


def test_a_total_adds_the_parts_and_skips_facts():
    assert total([30, None, 23, 24]) == 77
    assert total([80, 40]) == 100 and total([-5]) == 0


def test_a_reason_reads_with_its_points_in_front_and_as_json_with_its_code():
    beds = Reason("beds", "3 vrije bedden", "3 free beds", 30)
    fact = Reason(
        "capabilities", "alle vereiste mogelijkheden: zuurstof", "all required capabilities: oxygen"
    )
    assert beds.line("nl") == " +30  3 vrije bedden" and fact.line("en").startswith("      all required")
    assert beds.to_json() == {"code": "beds", "nl": "3 vrije bedden", "en": "3 free beds", "points": 30}
    assert score_of([beds, fact]) == 30


def test_equal_scores_are_ordered_by_distance_then_name():
    rows = [
        row("b", location_name="Bisschopshof", postcode="7609 PP"),
        row("a", location_name="Zorgcentrum Dijkhuis", postcode="7609 PP"),
        row("c", location_name="Roombeek", postcode="7555 DL"),
    ]
    dist = km({"7609": 5.0, "7555": 5.2})  # 5,2 km loses no whole point against 5,0 km
    ranked = pf.rank_locations(request(), rows, NOW, STALE, "7555", distance_km=dist)
    assert len({c.score for c in ranked}) == 1
    assert [c.location_id for c in ranked] == ["b", "a", "c"]  # nearer first, then by name


def test_a_full_location_scores_below_a_free_one_however_near_and_fresh():
    rows = [
        row("full-next-door", free=0, postcode="7555 DL"),
        row("free-far", free=1, reported_at=NOW - 2 * STALE),
    ]
    ranked = pf.rank_locations(
        request(), rows, NOW, STALE, "7555", distance_km=km({"7555": 0.0, "7609": 60.0})
    )
    assert [(c.location_id, c.score) for c in ranked] == [("free-far", 10), ("full-next-door", 0)]
