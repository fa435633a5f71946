"""Snapshots of the conflicts, audit-log and settings screens on deterministic data."""

from __future__ import annotations

from tuihelpers import FIXED_DEVICE_ID, SIZE, demo_session, double_booked_slot, make_app, settle


async def _settle(pilot) -> None:
    await settle(pilot.app, pilot)


def test_conflicts_screen(snap_compare):
    assert snap_compare(
        make_app(double_booked_slot(), start="conflicts"), terminal_size=SIZE, run_before=_settle
    )


def test_conflicts_screen_empty(snap_compare):
    assert snap_compare(make_app(demo_session(), start="conflicts"), terminal_size=SIZE, run_before=_settle)


def test_audit_log_screen(snap_compare):
    session = demo_session(role="admin")
    session.db.execute("UPDATE audit_log SET device_id = ?", [FIXED_DEVICE_ID])  # a fixed access point
    session.actor = __import__("dataclasses").replace(session.actor, device_id=FIXED_DEVICE_ID)
    assert snap_compare(make_app(session, start="audit"), terminal_size=SIZE, run_before=_settle)


def test_settings_screen(snap_compare):
    assert snap_compare(make_app(demo_session(), start="settings"), terminal_size=SIZE, run_before=_settle)


def test_settings_screen_english_high_contrast(snap_compare):
    async def before(pilot) -> None:
        pilot.app.apply_theme("veld-high-contrast")
        await settle(pilot.app, pilot)

    app = make_app(demo_session(), start="settings", lang="en")
    assert snap_compare(app, terminal_size=SIZE, run_before=before)
