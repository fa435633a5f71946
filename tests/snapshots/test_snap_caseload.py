"""Snapshots of the caseload (F4): the list, a search with a bracketed name, a case with its timeline,
a request with ranked candidates, the client form with an error, and the placement form."""

from __future__ import annotations

from textual.widgets import Checkbox, Select
from tuihelpers import SIZE, demo_session, make_app, settle


async def _settle(pilot) -> None:
    await settle(pilot.app, pilot)


async def _search(pilot, text: str) -> None:
    await settle(pilot.app, pilot)
    await pilot.press("slash", *list(text))
    await settle(pilot.app, pilot)


async def _searched(pilot) -> None:
    await _search(pilot, "jan")


async def _breached(pilot) -> None:
    await settle(pilot.app, pilot)
    await pilot.press("b")
    await settle(pilot.app, pilot)


async def _case(pilot) -> None:
    await _search(pilot, "agnes reinders")
    await pilot.press("enter", "enter")
    await settle(pilot.app, pilot)


async def _request(pilot) -> None:
    await _case(pilot)
    await pilot.press("enter")
    await settle(pilot.app, pilot)


async def _client_form_with_error(pilot) -> None:
    await settle(pilot.app, pilot)
    await pilot.press("n")
    await settle(pilot.app, pilot)
    await pilot.press(*"Jan [test] Hofstede", "tab", *"1936-04-02", "tab", *"7511 JM", "tab", *"123456789")
    await pilot.press("ctrl+s")
    await settle(pilot.app, pilot)


async def _placement_form(pilot) -> None:
    await _search(pilot, "jan test")
    await pilot.press("enter", "p")
    await settle(pilot.app, pilot)
    screen = pilot.app.screen
    await pilot.press(*"Dr. Bos")
    screen.query_one("#f-referrer-role", Select).value = "HUISARTS"
    screen.query_one("#f-urgency", Select).value = "U3"
    screen.query_one("#f-triage-instability", Checkbox).value = True
    screen.query_one("#f-triage-adl-takeover", Checkbox).value = True
    await settle(pilot.app, pilot)


def _app():
    return make_app(demo_session(), start="caseload")


def test_caseload_list(snap_compare):
    assert snap_compare(_app(), terminal_size=SIZE, run_before=_settle)


def test_caseload_search_with_brackets(snap_compare):
    assert snap_compare(_app(), terminal_size=SIZE, run_before=_searched)


def test_caseload_breached_filter(snap_compare):
    assert snap_compare(_app(), terminal_size=SIZE, run_before=_breached)


def test_case_detail_with_timeline(snap_compare):
    assert snap_compare(_app(), terminal_size=SIZE, run_before=_case)


def test_placement_request_with_candidates(snap_compare):
    assert snap_compare(_app(), terminal_size=SIZE, run_before=_request)


def test_client_form_with_error(snap_compare):
    assert snap_compare(_app(), terminal_size=SIZE, run_before=_client_form_with_error)


def test_placement_form(snap_compare):
    assert snap_compare(_app(), terminal_size=SIZE, run_before=_placement_form)
