"""How fast the demo generator makes the large data set (10,000 clients and 10,000 volunteers):
target median ≤ 2 s. That the data is exact is checked in tests/unit/test_fixtures_generator.py.

    .venv/bin/pytest tests/bench/test_bench_fixtures.py -o addopts="" --benchmark-only
"""

from __future__ import annotations

from veldclient.fixtures import generate

TARGET_S = 2.0


def test_generate_large(benchmark):
    data = benchmark.pedantic(generate, args=("almelo", "large"), rounds=3, warmup_rounds=1)
    assert len(data.clients) == 10_000 and len(data.volunteers) == 10_000
    assert benchmark.stats.stats.median <= TARGET_S
