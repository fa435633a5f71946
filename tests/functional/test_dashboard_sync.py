"""The app syncs by itself: with a paired peer it syncs at start, again on 's', shows each step in
the dashboard's sync panel, and the person keeps typing meanwhile (real loopback TLS)."""

from __future__ import annotations

from synchelpers import GOOD, LoopbackServer, pair_peers
from testenv import FROZEN_NOW_MS, FakeClock, make_session
from tuihelpers import SIZE, make_app, screen_text

from veldclient.screens.background_sync import SyncActivity
from veldclient.screens.dashboard import DashboardScreen
from veldclient.services import clients
from veldclient.store.repo import doc_id_for
from veldclient.sync import peers
from veldclient.sync.replica import Replica


async def _until(pilot, done, rounds: int = 600) -> None:
    """Let the app run until ``done()`` holds (bounded; the agent works in its own threads)."""
    for _ in range(rounds):
        if done():
            return
        await pilot.pause(0.05)
    raise AssertionError("the background sync did not report back")


async def test_the_app_syncs_at_start_and_on_s_and_shows_it(monkeypatch):
    monkeypatch.setenv("VELD_SYNC_PORT", "0")  # the app also serves: any free port
    monkeypatch.setenv("VELD_SYNC_INTERVAL", "3600")  # only at start and on demand here
    hub = make_session("hub", node="hengelo", role="nurse", clock=FakeClock(FROZEN_NOW_MS))
    lap = make_session("lap", node="hengelo", role="nurse", clock=FakeClock(FROZEN_NOW_MS))
    pair_peers(hub, lap)
    server = LoopbackServer(Replica(hub))
    with lap.transaction():
        peers.set_address(lap.db, "hub", server.address)
    first = clients.register_client(hub, GOOD)
    seen: list = []
    app = make_app(lap)
    try:
        async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:

            def finished() -> int:
                return sum(1 for m in seen if isinstance(m, SyncActivity) and m.finished)

            await _until(pilot, lambda: finished() >= 1)
            assert lap.repo.store.exists(doc_id_for("case", first.id))
            await _until(pilot, lambda: "klaar: " in screen_text(app))
            text = screen_text(app)
            assert "hub (hengelo)" in text and "0 wachtend" in text
            assert any(isinstance(m, SyncActivity) and "bezig: " in m.text for m in seen)

            second = clients.register_client(hub, {**GOOD, "name": "Tweede Cliënt"})

            def reloads() -> int:
                return sum(1 for m in seen if isinstance(m, DashboardScreen.Loaded))

            before = reloads()
            await pilot.press("s")
            await pilot.press("r")  # the keyboard still answers while the sync runs in its threads
            await _until(pilot, lambda: reloads() > before)
            await _until(pilot, lambda: finished() >= 2)
            assert lap.repo.store.exists(doc_id_for("case", second.id))
    finally:
        server.close()
        hub.close()
