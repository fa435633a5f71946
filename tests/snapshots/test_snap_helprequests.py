"""Snapshots of F6 Help requests on the deterministic demo (coordinator): the list, the ranked
candidates of an open request with the reasons of the best one, and the export dialog."""

from __future__ import annotations

from tuihelpers import SIZE, demo_session, make_app, settle

OPEN_REQUEST = "status = 'OPEN' AND task = 'GEZELSCHAP' AND window_start = '2026-11-15'"


async def _settle(pilot) -> None:
    await settle(pilot.app, pilot)


def _on_request(where: str, *keys: str):
    """run_before: put the list cursor on the request matching ``where`` and press ``keys``."""

    async def run_before(pilot) -> None:
        app = pilot.app
        await settle(app, pilot)
        rid = app.session.db.execute(
            f"SELECT id FROM help_requests WHERE {where} ORDER BY id LIMIT 1"
        ).fetchone()[0]
        table = app.screen.query_one("#hr-table")
        table.cursor = next(i for i in range(table.total) if table.row_at(i).key == rid)
        await pilot.press(*keys)
        await settle(app, pilot)

    return run_before


def test_helprequests_list(snap_compare):
    app = make_app(demo_session(role="coordinator"), start="helprequests")
    assert snap_compare(app, terminal_size=SIZE, run_before=_settle)


def test_helprequests_ranked_candidates(snap_compare):
    app = make_app(demo_session(role="coordinator"), start="helprequests")
    assert snap_compare(app, terminal_size=SIZE, run_before=_on_request(OPEN_REQUEST, "enter"))


def test_helprequests_export_dialog(snap_compare, monkeypatch):
    monkeypatch.setenv("HOME", "/home/coordinator")  # the default path shown; nothing is written
    app = make_app(demo_session(role="coordinator"), start="helprequests")
    assert snap_compare(app, terminal_size=SIZE, run_before=_on_request("summary LIKE '%slechthorend%'", "e"))


def test_helprequests_export_held_back(snap_compare, monkeypatch, tmp_path):
    """After the export of a request whose summary names a health condition: the notes were held back."""
    monkeypatch.chdir(tmp_path)  # a relative path keeps the message the same on every run
    on_request = _on_request("summary LIKE '%slechthorend%'", "e")

    async def run_before(pilot) -> None:
        await on_request(pilot)
        pilot.app.screen.query_one("#export-path").value = "hulpvraag.csv"
        await pilot.press("enter")
        await settle(pilot.app, pilot)

    app = make_app(demo_session(role="coordinator"), start="helprequests")
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
    assert (tmp_path / "hulpvraag.csv").exists()
