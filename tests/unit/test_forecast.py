"""The free-bed forecast on a device: it beats both naive forecasts on held-out weeks of the demo's
history, says when the history is too short, counts admissions and discharges from reports, and
computes again only when the history changed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from forecasthelpers import demo_rows
from testenv import FakeClock, make_session

from veldclient.reference import twente
from veldclient.services import capacity, forecast, forecast_backtest, forecast_words

DAY = 86_400_000


def test_the_method_beats_both_naive_forecasts_on_held_out_weeks():
    result = forecast_backtest.run(demo_rows(1_795_000_000_000), weeks=8)
    assert result.series == 65 and result.points > 10_000
    ours = result.mae["forecast"]
    for baseline in ("yesterday", "last_week"):
        for horizon in (0, 1, 2, 3):
            assert ours[horizon] < result.mae[baseline][horizon], (baseline, horizon, result.mae)
    assert result.beats_baselines()
    assert result.coverage is not None and 0.7 <= result.coverage <= 0.9


def test_a_baseline_that_is_better_is_reported_as_better():
    """The comparison can fail: on a series that never changes, same-as-yesterday is exact and the
    forecast cannot be better than exact."""
    start = date(2026, 1, 1)
    rows = [
        {
            "node_id": "borne",
            "day": (start + timedelta(d)).isoformat(),
            "care_type": "GRZ",
            "beds_total": 10,
            "free": 3 if d % 7 else 4,
            "occupied": 7,
            "admissions": 0,
            "discharges": 0,
        }
        for d in range(120)
    ]
    for row in rows[-30:]:
        row["free"] = 5  # the weekly pattern stops: yesterday is right, the fitted weekday is not
    result = forecast_backtest.run(rows, weeks=4)
    assert result.mae["yesterday"][0] < result.mae["forecast"][0]
    assert not result.beats_baselines()


@pytest.fixture
def nurse(clock: FakeClock):
    s = make_session("nurse", node="borne", clock=clock)
    yield s
    s.close()


def grz_location(node: str) -> str:
    return next(loc.id for loc in twente.locations_for(node) if loc.beds.get("GRZ"))


def report(session, free: int, total: int = 10) -> None:
    capacity.update_capacity(
        session,
        grz_location("borne"),
        "GRZ",
        {"beds_total": total, "counts": {"FREE": free, "OCCUPIED": total - free}},
    )


def test_too_short_a_history_gives_no_forecast_and_says_so(nurse, clock):
    for free in (3, 4, 2, 5, 3):
        report(nurse, free)
        clock.advance(DAY)
    clock.advance(-DAY)
    found = forecast.forecasts(nurse)
    item = found.find("borne", "GRZ")
    assert item is not None and not item.available and item.reason == "short" and item.days == 5
    assert forecast_words.first_line(item, "nl") == "te weinig geschiedenis: 5 dagen, minstens 21 nodig"
    assert forecast_words.first_line(item, "en") == "too little history: 5 days, at least 21 needed"


def test_three_weeks_of_reports_give_a_forecast_from_today(nurse, clock):
    for day in range(21):
        report(nurse, 3 + day % 3)
        clock.advance(DAY)
    clock.advance(-DAY)
    item = forecast.forecasts(nurse).find("borne", "GRZ")
    assert item is not None and item.available and item.days == 21
    today = nurse.today()
    assert [o.day for o in item.outlook] == [(today + timedelta(h)).isoformat() for h in (1, 2, 3)]
    assert [o.hours for o in item.outlook] == [24, 48, 72]
    for o in item.outlook:
        assert 0 <= o.low <= o.expected <= o.high <= 10
    assert forecast_words.first_line(item, "nl").startswith("prognose morgen: ")
    region = forecast.forecasts(nurse).find(None, "GRZ")
    assert region is not None and region.days == 21


def test_reports_count_admissions_and_discharges_of_the_day(nurse, clock):
    report(nurse, 5)
    clock.advance(3_600_000)
    report(nurse, 3)  # two more occupied: admitted
    clock.advance(3_600_000)
    report(nurse, 4)  # one fewer: discharged
    [today] = capacity.history(nurse, node_id="borne", care_type="GRZ")
    assert (today["free"], today["admissions"], today["discharges"]) == (4, 2, 1)
    clock.advance(DAY)
    report(nurse, 6)
    tomorrow = capacity.history(nurse, node_id="borne", care_type="GRZ")[-1]
    assert (tomorrow["admissions"], tomorrow["discharges"]) == (0, 2)


def test_forecasts_are_computed_again_only_when_the_history_changed(nurse, clock):
    for day in range(22):
        report(nurse, 3 + day % 4)
        clock.advance(DAY)
    first = forecast.forecasts(nurse)
    assert forecast.forecasts(nurse) is first
    report(nurse, 9)
    again = forecast.forecasts(nurse)
    assert again is not first and again.version != first.version


def test_a_history_that_stopped_long_ago_forecasts_nothing(nurse, clock):
    for day in range(25):
        report(nurse, 3 + day % 2)
        clock.advance(DAY)
    clock.advance(20 * DAY)
    item = forecast.forecasts(nurse).find("borne", "GRZ")
    assert item is not None and item.reason == "old" and not item.available
    assert "geschiedenis loopt maar tot" in forecast_words.first_line(item, "nl")


def test_an_unknown_node_or_care_type_is_refused(nurse):
    from veldclient.errors import VeldError

    found = forecast.forecasts(nurse)
    with pytest.raises(VeldError):
        forecast.select(found, node_id="nergens")
    with pytest.raises(VeldError):
        forecast.select(found, care_type="BEDDEN")
