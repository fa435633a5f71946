"""The forecast's model is statsmodels' AutoReg with a weekday term, number for number, and it
refuses to forecast from fewer than three weeks."""

from __future__ import annotations

import random

import pytest

from veldclient.services import forecast_model as fm


def series(n: int, seed: int = 3) -> list[float]:
    """A slowly drifting count with a weekly pattern, as free beds are."""
    rng = random.Random(seed)
    level, out = 20.0, []
    weekly = [0.0, 1.0, 2.0, 0.5, -1.0, 3.0, 0.0]
    for t in range(n):
        level += rng.gauss(0, 0.3)
        out.append(round(level + weekly[t % 7], 3))
    return out


# statsmodels 0.15.0: AutoReg(series(n), lags=1, trend="c", seasonal=True, period=7).fit(), then
# get_prediction(start=n, end=n + 2) with conf_int(alpha=0.2), and sigma2 (statsmodels is not
# installed with veld: see forecast_model.py)
AUTOREG = {
    21: (
        [19.638113368, 20.766868607, 21.66340449],
        [[19.308674319, 19.967552416], [20.312244123, 21.22149309], [21.119849393, 22.206959586]],
        0.066081209,
    ),
    60: (
        [13.604056592, 17.708755607, 14.486968549],
        [[13.225937909, 13.982175275], [17.17139425, 18.246116964], [13.825602019, 15.148335079]],
        0.087053072,
    ),
    84: (
        [13.852650545, 14.757465135, 15.603981434],
        [[13.443232582, 14.262068508], [14.179496815, 15.335433456], [14.897382888, 16.31057998]],
        0.102061422,
    ),
}


@pytest.mark.parametrize("n", sorted(AUTOREG))
def test_forecasts_and_intervals_are_autoregs(n):
    mean, interval, sigma2 = AUTOREG[n]
    model = fm.fit(series(n), last_weekday=(n - 1) % 7)
    assert model is not None and model.days == n
    ours = fm.forecast(model, (1, 2, 3), level=0.8)
    assert [s.mean for s in ours] == pytest.approx(mean, abs=1e-7)
    assert [[s.lower, s.upper] for s in ours] == [pytest.approx(pair, abs=1e-7) for pair in interval]
    assert model.sigma2 == pytest.approx(sigma2, abs=1e-8)


@pytest.mark.parametrize("n", [30, 84])
def test_the_same_as_statsmodels_where_it_is_installed(n):
    """Where statsmodels is at hand (a developer's machine), compare live as well."""
    np = pytest.importorskip("numpy")
    autoreg = pytest.importorskip("statsmodels.tsa.ar_model")
    values = series(n, seed=n)
    model = fm.fit(values, last_weekday=(n - 1) % 7)
    assert model is not None
    theirs = autoreg.AutoReg(np.array(values), lags=1, trend="c", seasonal=True, period=7).fit()
    prediction = theirs.get_prediction(start=n, end=n + 2)
    assert [s.mean for s in fm.forecast(model)] == pytest.approx(list(prediction.predicted_mean), abs=1e-8)


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
