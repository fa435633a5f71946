"""The forecast's model is statsmodels' AutoReg with a weekday term, number for number, and it
refuses to forecast from fewer than three weeks."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.tsa.ar_model import AutoReg

from veldclient.services import forecast_model as fm


def series(n: int, seed: int = 3) -> list[float]:
    rng = np.random.default_rng(seed)
    weekly = np.tile([0.0, 1.0, 2.0, 0.5, -1.0, 3.0, 0.0], n // 7 + 1)[:n]
    return list(20 + np.cumsum(rng.normal(size=n)) * 0.3 + weekly)


@pytest.mark.parametrize("n", [21, 60, 84])
def test_forecasts_and_intervals_are_autoregs(n):
    values = series(n)
    model = fm.fit(values, last_weekday=(n - 1) % 7)
    assert model is not None and model.days == n
    ours = fm.forecast(model, (1, 2, 3), level=0.8)

    theirs = AutoReg(np.array(values), lags=1, trend="c", seasonal=True, period=7).fit()
    prediction = theirs.get_prediction(start=n, end=n + 2)
    interval = prediction.conf_int(alpha=0.2)
    assert [s.mean for s in ours] == pytest.approx(list(prediction.predicted_mean), abs=1e-8)
    assert [s.lower for s in ours] == pytest.approx(list(interval[:, 0]), abs=1e-8)
    assert [s.upper for s in ours] == pytest.approx(list(interval[:, 1]), abs=1e-8)
    assert model.sigma2 == pytest.approx(theirs.sigma2)


def test_only_the_last_window_of_days_is_fitted():
    values = series(200)
    assert fm.fit(values, 4) == fm.fit(values[-fm.WINDOW_DAYS :], 4)


def test_fewer_than_three_weeks_give_no_model():
    assert fm.fit(series(fm.MIN_DAYS - 1), 0) is None
    assert fm.fit(series(fm.MIN_DAYS), 0) is not None


def test_the_interval_widens_with_the_horizon():
    model = fm.fit(series(84), 6)
    assert model is not None
    widths = [s.upper - s.lower for s in fm.forecast(model)]
    assert widths == sorted(widths) and widths[0] < widths[-1]


@pytest.mark.parametrize(
    ("mean", "lower", "upper", "total", "beds"),
    [
        (2.4, 1.2, 3.6, 10, (2, 2, 3)),  # the whole beds inside the interval
        (2.4, 2.1, 2.9, 10, (2, 2, 2)),  # narrower than one bed: the expected count
        (0.3, -1.5, 2.2, 10, (0, 0, 2)),  # never below 0
        (9.8, 8.4, 11.3, 10, (9, 10, 10)),  # never above the beds there are
    ],
)
def test_whole_beds_stay_between_none_and_all(mean, lower, upper, total, beds):
    assert fm.Step(1, mean, lower, upper).beds(total) == beds
