"""How good the free-bed forecast is: a backtest on held-out weeks against two naive baselines.

For every series (node and care type, and the region per care type) the last ``weeks`` weeks are
held out. From each day in them the forecast is made as it would have been that day, from the days
before only, for one, two and three days ahead, and compared with what happened. Two naive
forecasts get the same test:

* **same as yesterday**: tomorrow's free beds are today's (the hardest to beat for slowly moving
  counts);
* **same weekday last week**: free beds on Tuesday are last Tuesday's.

Errors are mean absolute errors in beds of the whole-bed forecast a person sees; coverage is the
share of days whose free beds fell inside the shown interval (aimed at four in five). Nothing is
fitted on the held-out days before they are forecast.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from veldclient.services import capacity
from veldclient.services.forecast import series_by_key
from veldclient.services.forecast_model import HORIZONS, LEVEL, MIN_DAYS, WINDOW_DAYS, fit, forecast
from veldclient.session import Session

HOLDOUT_WEEKS = 8
METHODS = ("forecast", "yesterday", "last_week")


@dataclass(frozen=True)
class Backtest:
    """Mean absolute error per method and horizon, the interval's coverage, and what it stood on."""

    weeks: int
    series: int
    points: int  # forecasts compared per method
    mae: dict[str, dict[int, float]]  # method -> horizon -> MAE; horizon 0: all horizons
    coverage: float | None  # of the forecast's interval

    def beats_baselines(self) -> bool:
        ours = self.mae["forecast"][0]
        return all(ours < self.mae[name][0] for name in METHODS[1:])

    def as_json(self) -> dict[str, Any]:
        return {
            "held_out_weeks": self.weeks,
            "series": self.series,
            "points": self.points,
            "interval": LEVEL,
            "coverage": self.coverage,
            "mae": {
                method: {("all" if h == 0 else f"{24 * h}h"): v for h, v in per.items()}
                for method, per in self.mae.items()
            },
            "beats_baselines": self.beats_baselines(),
        }


def backtest(session: Session, weeks: int = HOLDOUT_WEEKS) -> Backtest:
    """The backtest over every series in this device's history."""
    return run(capacity.history(session), weeks)


def run(rows: list[dict[str, Any]], weeks: int = HOLDOUT_WEEKS) -> Backtest:
    """The backtest over history rows (capacity.history's shape)."""
    errors: dict[str, dict[int, list[float]]] = {m: defaultdict(list) for m in METHODS}
    inside: list[bool] = []
    used = 0
    for days in series_by_key(rows).values():
        if _test_series(days, weeks, errors, inside):
            used += 1
    mae = {
        method: {
            0: _mean([e for h in HORIZONS for e in per[h]]),
            **{h: _mean(per[h]) for h in HORIZONS},
        }
        for method, per in errors.items()
    }
    points = sum(len(errors["forecast"][h]) for h in HORIZONS)
    coverage = round(sum(inside) / len(inside), 3) if inside else None
    return Backtest(weeks=weeks, series=used, points=points, mae=mae, coverage=coverage)


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 3) if values else float("nan")


def _test_series(
    days: dict[date, dict[str, int]],
    weeks: int,
    errors: dict[str, dict[int, list[float]]],
    inside: list[bool],
) -> bool:
    ordered = sorted(days)
    free = [float(days[d]["free"]) for d in ordered]
    totals = [days[d]["beds_total"] for d in ordered]
    start = len(free) - 7 * weeks
    if start < max(MIN_DAYS, 7):
        return False
    for origin in range(start - 1, len(free) - 1):  # the last known day
        model = fit(free[max(0, origin + 1 - WINDOW_DAYS) : origin + 1], ordered[origin].weekday())
        if model is None:
            continue
        for step in forecast(model):
            target = origin + step.horizon
            if target >= len(free):
                continue
            actual = free[target]
            low, expected, high = step.beds(totals[origin])
            errors["forecast"][step.horizon].append(abs(expected - actual))
            errors["yesterday"][step.horizon].append(abs(free[origin] - actual))
            errors["last_week"][step.horizon].append(abs(free[target - 7] - actual))
            inside.append(low <= actual <= high)
    return True
