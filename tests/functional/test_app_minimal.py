"""The interim app screen (until the TUI issue): profile and counts, bracketed names safe."""

from __future__ import annotations

from textual.widgets import DataTable, Static
from veldclient.screens.app import VeldApp

from veldclient.services import clients


async def test_shows_profile_and_counts(session):
    clients.register_client(
        session, {"name": "Piet [admin] Bos", "birth_date": "1944-04-04", "postcode": "7511 JM"}
    )
    app = VeldApp(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        texts = " ".join(str(w.render()) for w in app.query(Static))
        assert "enschede-centrum" in texts and "nurse" in texts
        table = app.query_one("#counts", DataTable)
        rows = {table.get_row_at(i)[0]: table.get_row_at(i)[1] for i in range(table.row_count)}
        assert rows["Cliënten"] == "1" and rows["Knooppunten"] == "1"
        await pilot.press("q")
    assert app.return_code in (0, None)
