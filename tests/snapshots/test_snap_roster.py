"""Snapshots of F5 Roster on the deterministic demo (coordinator): the volunteer list with VOG
warnings, a profile with its availability grid (a name with brackets), an expiring VOG, a
mantelzorger with heavy burden."""

from __future__ import annotations

from tuihelpers import SIZE, demo_session, make_app, settle


async def _settle(pilot) -> None:
    await settle(pilot.app, pilot)


def _open(search: str, tab: str | None = None):
    """run_before: (switch tab,) search, then Enter twice (leave the search box, open the row)."""

    async def run_before(pilot) -> None:
        await settle(pilot.app, pilot)
        if tab:
            await pilot.press(tab)
        pilot.app.screen.query_one("#roster-search").value = search
        await settle(pilot.app, pilot)
        await pilot.press("slash", "enter", "enter")
        await settle(pilot.app, pilot)

    return run_before


def test_roster_volunteers(snap_compare):
    app = make_app(demo_session(role="coordinator"), start="roster")
    assert snap_compare(app, terminal_size=SIZE, run_before=_settle)


def test_roster_volunteer_profile_with_grid(snap_compare):
    app = make_app(demo_session(role="coordinator"), start="roster")
    assert snap_compare(app, terminal_size=SIZE, run_before=_open("jan test"))


def test_roster_volunteer_vog_expiring(snap_compare):
    app = make_app(demo_session(role="coordinator"), start="roster")
    assert snap_compare(app, terminal_size=SIZE, run_before=_open("gerrit dijkhuis"))


def test_roster_mantelzorger(snap_compare):
    app = make_app(demo_session(role="coordinator"), start="roster")
    assert snap_compare(app, terminal_size=SIZE, run_before=_open("jan test", tab="m"))
