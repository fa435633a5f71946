"""The suite CI runs asserts nothing about wall-clock time: speed is measured in tests/bench only.

A duration measured on a shared, loaded machine says more about the machine than about the code,
so a timed assertion outside the benchmarks fails at random. Waiting with a timeout is fine (the
timeout only bounds a wait); asserting on how long something took is not. This checks the suite's
source for the patterns that do the latter, and that Hypothesis runs without its per-example
deadline (a timed assertion too).
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import settings

TESTS = Path(__file__).resolve().parents[1]
BENCH = TESTS / "bench"

# The same rule as the before-stop hook: an assertion comparing a duration-named value to a number.
TIMED_ASSERT = re.compile(r"assert [^#]*\b(seconds|elapsed|duration|took|[a-z_]*_(s|ms))\b *<=? *[0-9.]+")
# Clocks whose only use is measuring how long something took (waits use time.monotonic).
MEASURING_CLOCK = re.compile(r"\b(perf_counter(_ns)?|process_time(_ns)?|timeit)\b")


def suite_sources() -> list[Path]:
    """Every test module outside tests/bench, but this one (it names the patterns it looks for)."""
    this = Path(__file__).resolve()
    return [p for p in sorted(TESTS.rglob("*.py")) if BENCH not in p.parents and p != this]


def offending(pattern: re.Pattern[str]) -> list[str]:
    return [
        f"{path.relative_to(TESTS)}:{number}: {line.strip()}"
        for path in suite_sources()
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]


def test_no_assertion_on_a_duration_outside_the_benchmarks() -> None:
    assert offending(TIMED_ASSERT) == []


def test_no_measuring_clock_outside_the_benchmarks() -> None:
    assert offending(MEASURING_CLOCK) == []


def test_hypothesis_has_no_deadline() -> None:
    assert settings().deadline is None
