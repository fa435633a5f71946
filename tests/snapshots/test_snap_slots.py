"""Snapshots of the slots screen at the smallest and a large terminal: a double-booked slot of the
own node beside a run of free ones (Dutch), and the same in English."""

from __future__ import annotations

from tuihelpers import double_booked_slot, make_app, settle

from veldclient.services import slots


def slots_app(lang: str = "nl"):
    session = double_booked_slot()
    slots.publish(session, service="WOUND_CARE", start_at="2026-11-19 09:00", minutes=15, count=4)
    return make_app(session, start="slots", lang=lang)


async def _settle(pilot) -> None:
    await settle(pilot.app, pilot)


def test_slots_screen_80x24(snap_compare):
    assert snap_compare(slots_app(), terminal_size=(80, 24), run_before=_settle)


def test_slots_screen_160x48(snap_compare):
    assert snap_compare(slots_app(), terminal_size=(160, 48), run_before=_settle)


def test_slots_screen_english_80x24(snap_compare):
    assert snap_compare(slots_app("en"), terminal_size=(80, 24), run_before=_settle)
