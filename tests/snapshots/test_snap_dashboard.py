"""Snapshots of the dashboard (F2) on the deterministic demo: Dutch, high contrast, English."""

from __future__ import annotations

import pytest
from tuihelpers import SIZE, demo_session, make_app, settle


async def _settle(pilot) -> None:
    await settle(pilot.app, pilot)


async def _high_contrast(pilot) -> None:
    pilot.app.theme = "veld-high-contrast"
    await settle(pilot.app, pilot)


def test_dashboard(snap_compare):
    assert snap_compare(make_app(demo_session(), start="dashboard"), terminal_size=SIZE, run_before=_settle)


def test_dashboard_high_contrast(snap_compare):
    assert snap_compare(
        make_app(demo_session(), start="dashboard"), terminal_size=SIZE, run_before=_high_contrast
    )


def test_dashboard_in_english(snap_compare):
    assert snap_compare(
        make_app(demo_session(), start="dashboard", lang="en"), terminal_size=SIZE, run_before=_settle
    )


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_dashboard_stale_mark_at_every_width(snap_compare, lang, size):
    """The whole word "verouderd"/"stale" on every care type with a stale report, at 80 and 160
    columns (on a narrow terminal the reports count and the age give way, never the word)."""
    assert snap_compare(
        make_app(demo_session(), start="dashboard", lang=lang), terminal_size=size, run_before=_settle
    )
