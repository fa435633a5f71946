"""The free-bed forecast's method: yesterday's free beds, pulled back toward the usual level, plus
what that weekday usually does; with a prediction interval. Pure functions on a list of numbers.

The model (docs/anticipation.md says it in words) is a first-order autoregression with a weekday
term, fitted by least squares on the last :data:`WINDOW_DAYS` days of one series of daily free beds:

    free[t] = weekday_effect[weekday(t)] + phi * free[t-1] + noise

``phi`` near 1 means free beds move slowly (a stock of occupied beds); below 1 it pulls them back
toward the weekday's usual level. The forecast for day t+h repeats the rule from the last known day,
and its interval widens with the horizon as the noise adds up: the variance after h days is
``sigma2 * (1 + phi**2 + ... + phi**(2(h-1)))``. This is statsmodels' ``AutoReg(lags=1, trend="c",
seasonal=True, period=7)`` number for number (tests/unit/test_forecast_model.py holds its figures),
computed in plain Python instead: statsmodels costs seconds to import and ~25 ms a fit, which the
backtest's thousands of fits cannot pay, and installing numpy or pandas at all would make every
``veld`` command slower (sqlite-utils imports them whenever they are there). The least squares of
this model has a closed form (:func:`fit`), a few passes over 84 numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

WINDOW_DAYS = 84
"""Days the model is fitted on (12 weeks): long enough for weekday effects, short enough to follow
the winter rise and the summer dip rather than average them away."""
MIN_DAYS = 21
"""Fewer days than this (three weeks) give too few of each weekday: no forecast, and it says so."""
HORIZONS = (1, 2, 3)
"""Days ahead: 24, 48 and 72 hours."""
LEVEL = 0.8
"""The prediction interval's coverage: four in five days should fall inside it."""


@dataclass(frozen=True)
class Fitted:
    """A fitted series: enough to forecast from its last day and to explain itself."""

    weekday_effect: tuple[float, ...]  # Monday .. Sunday
    phi: float
    sigma2: float
    last_value: float
    last_weekday: int  # of the last known day, Monday 0
    days: int  # days the fit used


@dataclass(frozen=True)
class Step:
    """The forecast ``horizon`` days after the last known day, as a number and as whole beds."""

    horizon: int
    mean: float
    lower: float
    upper: float

    def beds(self, beds_total: int | None) -> tuple[int, int, int]:
        """(low, expected, high) in whole beds within 0..beds_total: the integers the interval holds,
        or the expected count when the interval is narrower than one bed."""
        top = float(beds_total) if beds_total is not None else math.inf
        expected = int(round(min(max(self.mean, 0.0), top)))
        low = math.ceil(min(max(self.lower, 0.0), top) - 1e-9)
        high = math.floor(min(max(self.upper, 0.0), top) + 1e-9)
        if low > high:
            low = high = expected
        return min(low, expected), expected, max(high, expected)


def fit(values: list[float], last_weekday: int, window: int = WINDOW_DAYS) -> Fitted | None:
    """Fit the model on the last ``window`` daily values (oldest first; the last one fell on
    ``last_weekday``). None when there are fewer than :data:`MIN_DAYS`.

    Least squares with one level per weekday has a closed form: ``phi`` is the slope of today on
    yesterday within each weekday (both taken from their weekday's mean), and a weekday's effect is
    its mean today less ``phi`` times its mean yesterday."""
    y = [float(v) for v in values[-window:]]
    n = len(y)
    if n < MIN_DAYS:
        return None
    first_weekday = (last_weekday - (n - 1)) % 7
    pairs: list[list[tuple[float, float]]] = [[] for _ in range(7)]  # (yesterday, today) per weekday
    for t in range(1, n):
        pairs[(first_weekday + t) % 7].append((y[t - 1], y[t]))
    means = [
        (sum(x for x, _ in p) / len(p), sum(v for _, v in p) / len(p)) if p else (0.0, 0.0) for p in pairs
    ]
    cross = sum((x - means[w][0]) * (v - means[w][1]) for w, p in enumerate(pairs) for x, v in p)
    spread = sum((x - means[w][0]) ** 2 for w, p in enumerate(pairs) for x, _ in p)
    phi = cross / spread if spread > 1e-12 else 0.0  # never moved within a weekday: its mean is all
    effect = tuple(today - phi * yesterday for yesterday, today in means)
    residuals = [v - effect[w] - phi * x for w, p in enumerate(pairs) for x, v in p]
    return Fitted(
        weekday_effect=effect,
        phi=phi,
        sigma2=sum(r * r for r in residuals) / len(residuals),
        last_value=y[-1],
        last_weekday=last_weekday,
        days=n,
    )


def forecast(model: Fitted, horizons: tuple[int, ...] = HORIZONS, level: float = LEVEL) -> list[Step]:
    """The forecast for each horizon (days after the last known day) with its interval."""
    z = NormalDist().inv_cdf(0.5 + level / 2)
    steps = []
    value, spread = model.last_value, 0.0
    for h in range(1, max(horizons) + 1):
        value = model.weekday_effect[(model.last_weekday + h) % 7] + model.phi * value
        spread += model.phi ** (2 * (h - 1))
        if h in horizons:
            half = z * math.sqrt(model.sigma2 * spread)
            steps.append(Step(h, value, value - half, value + half))
    return steps
