"""The crisis-risk rules (domain/risk.py), one by one, on a frozen clock: each fires on its facts and
says them in words, and stays silent just past each threshold."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from veldclient.domain.burden import category
from veldclient.domain.enums import BurdenInstrument
from veldclient.domain.risk import (
    BURDEN_MAX_AGE_WEEKS,
    DAY_MS,
    PLACEMENT_SOON_MS,
    WORSENED_RECENT_DAYS,
    CarerFacts,
    Measurement,
    PlacementFacts,
    Reason,
    VisitFacts,
    carer_reason,
    order_key,
    placement_reason,
    visits_reason,
)

TODAY = date(2026, 11, 18)
NOW = 1_795_000_000_000  # 2026-11-18T11:06:40Z
HOUR = 3_600_000
PLUS = BurdenInstrument.EDIZ_PLUS
EDIZ = BurdenInstrument.EDIZ


def measured(instrument: BurdenInstrument, score: int, days_ago: int) -> Measurement:
    return Measurement(TODAY - timedelta(days=days_ago), instrument, score, category(instrument, score))


def carer(*measurements: Measurement, respite: bool = False) -> CarerFacts:
    return CarerFacts("Anna de Vries", measurements, respite)


# --- the carer --------------------------------------------------------------------------------------


def test_an_overloaded_carer_without_respite_is_a_reason_with_score_and_age():
    reason = carer_reason(carer(measured(PLUS, 12, 21)), TODAY, scores=True)
    assert reason is not None and reason.kind == "carer"
    assert reason.nl == (
        "mantelzorger Anna de Vries: overbelast (EDIZ-plus 12, 3 weken geleden gemeten),"
        " geen respijt geregeld"
    )
    assert reason.en == (
        "informal carer Anna de Vries: overloaded (EDIZ-plus 12, measured 3 weeks ago), no respite arranged"
    )
    assert reason.due_at is None


def test_a_coordinator_reads_the_category_never_the_score():
    over = carer_reason(carer(measured(PLUS, 12, 21)), TODAY, scores=False)
    assert over is not None and "12" not in over.nl and "EDIZ" not in over.nl + over.en
    rising = carer_reason(carer(measured(EDIZ, 2, 45), measured(EDIZ, 5, 3)), TODAY, scores=False)
    assert rising is not None
    assert "licht belast → matig belast in 6 weken" in rising.nl
    assert "EDIZ" not in rising.nl + rising.en


def test_a_rising_burden_says_from_what_to_what_in_how_long():
    reason = carer_reason(carer(measured(EDIZ, 2, 45), measured(EDIZ, 5, 3)), TODAY, scores=True)
    assert reason is not None
    assert reason.nl == (
        "mantelzorger Anna de Vries: belasting stijgt (EDIZ 2 → EDIZ 5 in 6 weken), geen respijt geregeld"
    )
    assert reason.en.startswith("informal carer Anna de Vries: burden rising (EDIZ 2 → EDIZ 5 in 6 weeks)")


@pytest.mark.parametrize(
    ("history", "why"),
    [
        ((measured(EDIZ, 0, 45), measured(EDIZ, 2, 3)), "none to light is ordinary"),
        ((measured(EDIZ, 5, 45), measured(EDIZ, 6, 3)), "moderate to moderate is no rise"),
        ((measured(EDIZ, 7, 45), measured(EDIZ, 5, 3)), "a falling burden"),
        ((measured(EDIZ, 5, 3),), "one moderate measurement has no trend"),
        ((), "never measured"),
    ],
)
def test_no_reason_without_overload_or_a_rise_into_moderate(history, why):
    assert carer_reason(carer(*history), TODAY, scores=True) is None, why


def test_respite_arranged_silences_even_an_overloaded_carer():
    assert carer_reason(carer(measured(PLUS, 15, 7), respite=True), TODAY, scores=True) is None


def test_an_old_measurement_is_no_sign_of_today():
    limit = BURDEN_MAX_AGE_WEEKS * 7
    assert carer_reason(carer(measured(PLUS, 12, limit)), TODAY, scores=True) is not None
    assert carer_reason(carer(measured(PLUS, 12, limit + 1)), TODAY, scores=True) is None


# --- the placement request --------------------------------------------------------------------------


def request(status: str = "IN_REVIEW", hours_ago: float = 20, placed_at: int | None = None) -> PlacementFacts:
    return PlacementFacts(status, "U2", "ELV_HOOG", NOW - int(hours_ago * HOUR), placed_at)


def test_a_request_near_its_target_without_an_offer_says_how_long_is_left():
    reason = placement_reason(request(hours_ago=19), NOW)
    assert reason is not None and reason.kind == "placement"
    assert reason.nl == (
        "plaatsingsaanvraag urgentie U2 (ELV hoog complex): streeftijd over 5 u, nog geen aanbod"
    )
    assert reason.en.endswith("target in 5 h, no offer yet")
    assert reason.due_at == NOW + 5 * HOUR


def test_a_request_past_its_target_says_how_long_ago():
    reason = placement_reason(request(status="SUBMITTED", hours_ago=27.5), NOW)
    assert reason is not None
    assert "streeftijd 3 u 30 min verstreken, nog geen aanbod" in reason.nl
    assert "target passed 3 h 30 min ago, no offer yet" in reason.en


def test_the_threshold_is_six_hours_left():
    assert PLACEMENT_SOON_MS == 6 * HOUR
    at_limit = PlacementFacts("IN_REVIEW", "U3", "GRZ", NOW - 18 * HOUR, None)
    assert placement_reason(at_limit, NOW) is not None
    just_before = PlacementFacts("IN_REVIEW", "U3", "GRZ", NOW - 18 * HOUR + 1, None)
    assert placement_reason(just_before, NOW) is None


@pytest.mark.parametrize("status", ["OFFERED", "ACCEPTED", "ADMITTED", "DRAFT", "CANCELLED", "NO_PLACE"])
def test_an_offer_on_the_table_or_a_closed_or_unsent_request_is_no_reason(status):
    assert placement_reason(request(status=status, hours_ago=30), NOW) is None


def test_an_unknown_care_type_from_a_newer_device_is_shown_as_its_code():
    reason = placement_reason(PlacementFacts("IN_REVIEW", "U1", "NIEUW_TYPE", NOW - 23 * HOUR, None), NOW)
    assert reason is not None and "(NIEUW_TYPE)" in reason.nl


# --- the visits -------------------------------------------------------------------------------------


def visit(status: str, days_ago: float) -> VisitFacts:
    return VisitFacts(status, NOW - int(days_ago * DAY_MS))


def test_two_worsened_visits_in_a_row_are_a_reason_with_the_count_and_the_last():
    visits = [visit("DONE", 9), visit("WORSENED", 5), visit("WORSENED", 2), visit("WORSENED", 2.5)]
    reason = visits_reason(visits, NOW)
    assert reason is not None and reason.kind == "visits"
    assert reason.nl == "3 bezoeken op rij als verslechterd gemarkeerd (laatste 2 dagen geleden)"
    assert reason.en == "3 visits in a row marked as worsened (last 2 days ago)"


def test_planned_missed_and_cancelled_visits_neither_count_nor_break_the_run():
    visits = [
        visit("WORSENED", 6),
        visit("MISSED", 4),
        visit("CANCELLED", 3),
        visit("WORSENED", 1),
        VisitFacts("PLANNED", NOW + DAY_MS),
        VisitFacts("WORSENED", NOW + DAY_MS),  # not yet happened: a wrong entry, not a sign
    ]
    reason = visits_reason(visits, NOW)
    assert reason is not None and reason.nl.startswith("2 bezoeken op rij")


@pytest.mark.parametrize(
    ("visits", "why"),
    [
        ([visit("WORSENED", 3)], "one worsened visit can be a bad day"),
        ([visit("WORSENED", 5), visit("DONE", 2)], "the latest visit was fine"),
        ([visit("WORSENED", 3), visit("DONE", 2), visit("WORSENED", 1)], "not in a row"),
        ([visit("WORSENED", 20), visit("WORSENED", WORSENED_RECENT_DAYS + 1)], "the run is old news"),
    ],
)
def test_no_visit_reason(visits, why):
    assert visits_reason(visits, NOW) is None, why


def test_today_reads_as_today():
    reason = visits_reason([visit("WORSENED", 3), VisitFacts("WORSENED", NOW - HOUR)], NOW)
    assert reason is not None
    assert reason.nl.endswith("(laatste vandaag)") and reason.en.endswith("(last today)")


# --- the order --------------------------------------------------------------------------------------


def test_more_signs_first_then_the_soonest_target_then_the_newest_fact():
    carer_sign = Reason("carer", "c", "c", seen_at=NOW - 5 * DAY_MS)
    visits_sign = Reason("visits", "v", "v", seen_at=NOW - DAY_MS)
    late = Reason("placement", "p", "p", seen_at=NOW - 30 * HOUR, due_at=NOW - 6 * HOUR)
    soon = Reason("placement", "p", "p", seen_at=NOW - 20 * HOUR, due_at=NOW + 4 * HOUR)
    lists = {
        "two": [carer_sign, visits_sign],
        "late": [late],
        "soon": [soon],
        "recent": [visits_sign],
        "older": [carer_sign],
    }
    ranked = sorted(lists, key=lambda k: order_key(lists[k]))
    assert ranked == ["two", "late", "soon", "recent", "older"]
