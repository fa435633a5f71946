"""Pilot tests of F6 Help requests: match, propose and confirm (the list follows), the reasons of
ranked candidates, the volunteer export with its held-back message, and export field errors."""

from __future__ import annotations

import csv

from textual.widgets import Input, OptionList, Select
from tuihelpers import SIZE, demo_session, make_app, screen_text, settle

from veldclient.domain import MatchStatus
from veldclient.screens.export_dialog import ExportScreen
from veldclient.screens.helprequest_match import MatchScreen
from veldclient.screens.helprequests import HelpRequestsScreen
from veldclient.screens.widgets.why import WhyPane
from veldclient.screens.widgets.window_table import WindowTable
from veldclient.services import matching


def request_id(session, where: str) -> str:
    return session.db.execute(f"SELECT id FROM help_requests WHERE {where} ORDER BY id LIMIT 1").fetchone()[0]


async def open_row(app, pilot, key: str, then: str = "enter") -> None:
    """Put the list's cursor on the request ``key`` and press ``then`` (enter: match, e: export)."""
    table = app.screen.query_one("#hr-table", WindowTable)
    table.cursor = next(i for i in range(table.total) if table.row_at(i).key == key)
    await pilot.press(then)
    await settle(app, pilot)


def list_row(app, key: str):
    table = app.screen.query_one("#hr-table", WindowTable)
    return next(table.row_at(i) for i in range(table.total) if table.row_at(i).key == key)


async def test_match_propose_and_confirm_changes_the_status_in_the_list():
    session = demo_session(role="coordinator")
    rid = request_id(session, "status = 'OPEN' AND task = 'GEZELSCHAP' AND window_start = '2026-11-15'")
    best = matching.rank(session, rid, limit=1)[0]
    app = make_app(session, start="helprequests")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert list_row(app, rid).cells[4] == "Open"
        await open_row(app, pilot, rid)
        screen = app.screen
        assert isinstance(screen, MatchScreen)
        assert screen.candidates[0].volunteer_id == best.volunteer_id
        await pilot.press("p")
        await settle(app, pilot)
        assert [(m.volunteer_id, m.status) for m in screen.view.matches] == [
            (best.volunteer_id, MatchStatus.PROPOSED)
        ]
        assert best.volunteer_id not in {c.volunteer_id for c in screen.candidates}
        assert "Volgende stap: Ja van vrijwilliger, Afslaan, Intrekken" in str(
            screen.query_one("#match-steps").content
        )
        await pilot.press("c")  # not yet: the volunteer has not said yes (key is dimmed, no step)
        await settle(app, pilot)
        assert screen.view.matches[0].status is MatchStatus.PROPOSED
        await pilot.press("a")
        await settle(app, pilot)
        assert screen.view.matches[0].status is MatchStatus.ACCEPTED
        await pilot.press("c")
        await settle(app, pilot)
        await pilot.press("j")  # yes, confirm
        await settle(app, pilot)
        assert screen.view.matches[0].status is MatchStatus.CONFIRMED
        assert "Vrijwilliger gekoppeld" in str(screen.query_one("#req-title").content)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpRequestsScreen)
        row = list_row(app, rid)
        assert row.cells[4] == "Vrijwilliger gekoppeld"
        assert row.cells[6] == best.name


async def test_ranked_candidates_show_their_reasons_and_who_is_filtered_out():
    session = demo_session(role="coordinator")
    rid = request_id(session, "status = 'OPEN' AND task = 'GEZELSCHAP' AND window_start = '2026-11-15'")
    app = make_app(session, start="helprequests")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await open_row(app, pilot, rid)
        screen = app.screen
        first = screen.candidates[0]
        reasons = screen.query_one("#reasons", WhyPane).said
        assert reasons.splitlines()[0] == f"{first.name} · score {first.score} van 100"
        for reason in first.reasons:
            assert reason.line("nl") in reasons.splitlines()
        options = screen.query_one("#candidates", OptionList)
        assert options.option_count == 20
        await pilot.press("u")
        await settle(app, pilot)
        excluded = [c for c in screen.candidates if not c.eligible]
        assert excluded and options.option_count == 20 + len(excluded)
        options.highlighted = 20
        await settle(app, pilot)
        assert "Valt af:" in screen.query_one("#reasons", WhyPane).said


async def test_status_filter_shows_only_unmatched_requests():
    app = make_app(demo_session(role="coordinator"), start="helprequests")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#hr-table", WindowTable)
        assert table.total == 40
        app.screen.query_one("#hr-status", Select).value = "unmatched"
        await settle(app, pilot)
        assert table.total == 13  # 14 stored as OPEN or MATCHING, one of them expired on the frozen clock
        assert {table.row_at(i).cells[4] for i in range(table.total)} == {"Open", "Vrijwilliger zoeken"}
        assert "13 hulpvragen" in str(app.screen.query_one("#hr-count").content)


async def test_export_writes_the_csv_and_shows_the_held_back_message(tmp_path):
    session = demo_session(role="coordinator")
    rid = request_id(session, "summary LIKE '%slechthorend%'")
    app = make_app(session, start="helprequests")
    out = tmp_path / "voor-vrijwilliger.csv"
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await open_row(app, pilot, rid, then="e")
        assert isinstance(app.screen, ExportScreen)
        app.screen.query_one("#export-path", Input).value = str(out)
        await pilot.press("enter")
        await settle(app, pilot)
        with out.open(newline="", encoding="utf-8") as fh:
            header, row = list(csv.reader(fh))
        assert "toelichting" in header and "straat" in header  # the app's language: Dutch
        assert row[header.index("toelichting")] == ""
        assert row[header.index("taak")] == "Gezelschap"
        held = app.screen.query_one("#export-held-back")
        assert held.has_class("held-back")
        assert "De notitie is niet geëxporteerd" in str(held.content)
        assert "'slechthorend'" in str(held.content)
        assert f"Geëxporteerd naar {out}" in str(app.screen.query_one("#export-result").content)
        assert "De notitie is niet" in screen_text(app)


async def test_export_in_the_volunteers_language_chosen_in_the_dialog(tmp_path):
    session = demo_session(role="coordinator")
    rid = request_id(session, "status = 'OPEN' AND on_behalf_of = 'MANTELZORGER'")
    app = make_app(session, start="helprequests")
    out = tmp_path / "for-volunteer.csv"
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await open_row(app, pilot, rid, then="e")
        choice = app.screen.query_one("#export-lang", Select)
        assert choice.value == "nl"  # the app's language unless the coordinator picks the other
        choice.focus()
        await pilot.press("enter", "down", "enter")
        await settle(app, pilot)
        assert choice.value == "en"
        app.screen.query_one("#export-path", Input).value = str(out)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        with out.open(newline="", encoding="utf-8") as fh:
            header, row = list(csv.reader(fh))
        assert header[:3] == ["task", "from", "until"]
        assert "/" in row[1] and "-" not in row[1]  # dd/mm/yyyy
        assert row[header.index("street")] == "address not known: help for a carer"


async def test_export_error_shows_next_to_the_field_and_keeps_the_typed_path(tmp_path):
    session = demo_session(role="coordinator")
    rid = request_id(session, "status = 'OPEN'")
    app = make_app(session, start="helprequests")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await open_row(app, pilot, rid, then="e")
        field = app.screen.query_one("#export-path", Input)
        typed = str(tmp_path / "bestaat-niet" / "export.csv")
        field.value = typed
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        error = str(app.screen.query_one("#export-path-error").content)
        assert "Kan het exportbestand" in error
        assert field.value == typed
        assert not (tmp_path / "bestaat-niet").exists()
        field.value = "   "
        await pilot.press("enter")
        await settle(app, pilot)
        assert str(app.screen.query_one("#export-path-error").content) == "Vul een bestandsnaam in."
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpRequestsScreen)


async def test_default_export_path_is_in_the_home_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    session = demo_session(role="coordinator")
    rid = request_id(session, "status = 'MATCHED'")
    app = make_app(session, start="helprequests")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await open_row(app, pilot, rid)
        await pilot.press("e")
        await settle(app, pilot)
        field = app.screen.query_one("#export-path", Input)
        assert field.value == str(tmp_path / f"hulpvraag-{rid[:8]}.csv")
        await pilot.press("enter")
        await settle(app, pilot)
        assert (tmp_path / f"hulpvraag-{rid[:8]}.csv").exists()
