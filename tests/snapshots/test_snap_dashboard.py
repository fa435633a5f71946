"""Snapshots of the dashboard (F2) on the deterministic demo: Dutch, high contrast, English."""

from __future__ import annotations

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
