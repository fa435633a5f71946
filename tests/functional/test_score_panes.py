"""The two ranked lists a person reads (candidate locations of a placement request, volunteers for a
help request): one 0-100 score, the list in score order, and the reasons of the highlighted row in a
pane that follows the cursor and is shown whole at 80x24 and 160x48."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, OptionList
from tuihelpers import demo_session, make_app, settle

from veldclient.screens.case_detail import RequestScreen
from veldclient.screens.helprequest_match import MatchScreen
from veldclient.screens.widgets.why import WhyPane

SIZES = [(80, 24), (160, 48)]


def open_request(session) -> str:
    """An own request still searching, whose candidates include a full or stale location."""
    return session.db.execute(
        "SELECT id FROM placements WHERE status = 'SUBMITTED' AND node_id = ? ORDER BY id LIMIT 1",
        [session.actor.node_id],
    ).fetchone()[0]


def open_help_request(session) -> str:
    return session.db.execute(
        "SELECT id FROM help_requests WHERE status = 'OPEN' AND task = 'GEZELSCHAP'"
        " AND window_start = '2026-11-15' ORDER BY id LIMIT 1"
    ).fetchone()[0]


def shown_whole(app, pane: WhyPane) -> bool:
    """The pane is on screen from its first to its last line, above the footer, and as tall as
    what it says (so nothing is cut off)."""
    lines = pane.said.count("\n") + 1
    region = pane.region
    return region.y >= 1 and region.bottom <= app.size.height - 1 and region.height >= lines


@pytest.mark.parametrize("size", SIZES)
async def test_the_candidate_list_is_in_score_order_and_the_pane_follows_the_cursor(size):
    session = demo_session()
    rid = open_request(session)
    app = make_app(session, start="caseload")
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        app.push_screen(RequestScreen(rid))
        await settle(app, pilot)
        screen = app.screen
        table = screen.query_one("#candidates", DataTable)
        scores = [int(str(table.get_row_at(i)[3])) for i in range(table.row_count)]
        assert len(scores) >= 3 and scores == sorted(scores, reverse=True)
        assert all(0 <= s <= 100 for s in scores)
        ranked = screen.detail.candidates
        pane = screen.query_one("#candidate-why", WhyPane)
        table.focus()
        seen = []
        for row in range(3):
            c = ranked[row]
            assert pane.said.splitlines()[0] == f"{c.location_name} · score {c.score} van 100"
            assert [r.line("nl") for r in c.reasons] == pane.said.splitlines()[1:]
            assert shown_whole(app, pane), (pane.region, pane.said)
            seen.append(pane.said)
            await pilot.press("down")
            await settle(app, pilot)
        assert len(set(seen)) == 3  # a different row, a different pane


async def test_a_full_location_says_why_it_scores_0():
    session = demo_session()
    rid = open_request(session)
    app = make_app(session, start="caseload", lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(RequestScreen(rid))
        await settle(app, pilot)
        screen = app.screen
        ranked = screen.detail.candidates
        full = next((n for n, c in enumerate(ranked) if c.full), None)
        assert full is not None, "the demo's open request has a full candidate location"
        table = screen.query_one("#candidates", DataTable)
        table.focus()
        table.move_cursor(row=full)
        await settle(app, pilot)
        said = screen.query_one("#candidate-why", WhyPane).said
        assert "score 0 out of 100" in said.splitlines()[0]
        assert "FULL: no free beds, so score 0" in said


@pytest.mark.parametrize("size", SIZES)
async def test_the_volunteer_list_shows_whole_scores_and_the_pane_follows_the_cursor(size):
    session = demo_session(role="coordinator")
    rid = open_help_request(session)
    app = make_app(session, start="helprequests")
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        app.push_screen(MatchScreen(rid))
        await settle(app, pilot)
        screen = app.screen
        options = screen.query_one("#candidates", OptionList)
        scores = [c.score for c in screen.candidates]
        assert scores == sorted(scores, reverse=True) and all(isinstance(s, int) for s in scores)
        first_line = str(options.get_option_at_index(0).prompt)
        assert first_line.split()[:2] == ["1.", str(scores[0])]
        pane = screen.query_one("#reasons", WhyPane)
        seen = []
        for n in range(3):
            c = screen.candidates[n]
            assert pane.said.splitlines()[0] == f"{c.name} · score {c.score} van 100"
            assert sum(r.points or 0 for r in c.reasons) == c.score
            assert shown_whole(app, pane), (pane.region, pane.said)
            seen.append(pane.said)
            await pilot.press("down")
            await settle(app, pilot)
        assert len(set(seen)) == 3
