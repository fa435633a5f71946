"""How long every free-bed forecast of the demo takes to compute (10 nodes and the region, 65 series
of a year each), and the backtest over its last eight weeks. No target: the figure is reported in
docs/anticipation.md, and the app computes in a worker and keeps the result per history version.

    .venv/bin/pytest tests/bench/test_bench_forecast.py -o addopts="" -p no:randomly --benchmark-only
"""

from __future__ import annotations

from datetime import UTC, datetime

from forecasthelpers import demo_rows

from veldclient.services import forecast, forecast_backtest

NOW = 1_795_000_000_000


def test_all_forecasts_of_the_demo(benchmark):
    rows = demo_rows(NOW)
    today = datetime.fromtimestamp(NOW / 1000, UTC).date()
    found = benchmark.pedantic(forecast.compute, args=(rows, today, NOW), rounds=5, warmup_rounds=1)
    assert len(found.items) == 65 and all(item.available for item in found.items)


def test_backtest_of_the_demo(benchmark):
    rows = demo_rows(NOW)
    result = benchmark.pedantic(forecast_backtest.run, args=(rows,), rounds=2, warmup_rounds=0)
    assert result.beats_baselines()
