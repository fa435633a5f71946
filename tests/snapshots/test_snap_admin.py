"""Snapshots of the conflicts, audit-log and settings screens on deterministic data."""

from __future__ import annotations

from testenv import FakeClock, make_session, pair, push
from tuihelpers import FIXED_DEVICE_ID, SIZE, demo_session, make_app, settle

from veldclient.services import slots


async def _settle(pilot) -> None:
    await settle(pilot.app, pilot)


def _double_booking():
    clock = FakeClock()
    gp = make_session("gp", node="enschede-zuid", clock=clock)
    a = make_session("a", node="hengelo", clock=clock)
    b = make_session("b", node="borne", clock=clock)
    pair(gp, a, b)
    slot = slots.publish(gp, service="GP_CONSULT", start_at=1_795_020_000_000)[0]
    push(gp, a, ["node:enschede-zuid"])
    push(gp, b, ["node:enschede-zuid"])
    slots.book(a, slot.id, "a" * 32)
    clock.advance(60_000)
    slots.book(b, slot.id, "b" * 32)
    push(a, gp, ["node:hengelo"])
    push(b, gp, ["node:borne"])
    import dataclasses

    gp.profile = dataclasses.replace(gp.profile, device_id=FIXED_DEVICE_ID)
    return gp


def test_conflicts_screen(snap_compare):
    assert snap_compare(
        make_app(_double_booking(), start="conflicts"), terminal_size=SIZE, run_before=_settle
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
