"""The app's background sync: serve paired peers and sync with them, never on the UI thread.

Started once the profile is open, and only when peers are paired (a profile without peers opens no
port). The agent (veldclient.sync.agent) works in its own threads and shares the App's service lock,
so a sync never interleaves with a save; its events arrive here from those threads and are posted
as :class:`SyncActivity` messages, which the App turns into the dashboard's live sync lines.
Host, port and interval come from ``VELD_SYNC_HOST`` (default 127.0.0.1; 0.0.0.0 to serve the LAN),
``VELD_SYNC_PORT`` (default 8765) and ``VELD_SYNC_INTERVAL`` seconds (default 60);
``VELD_SYNC_ANNOUNCE=1`` also announces the server on the local network (off by default; only the
device id is announced, see veldclient.sync.discovery).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from textual.message import Message

from veldclient.screens.i18n import t

if TYPE_CHECKING:
    from veldclient.services.session import Session
    from veldclient.sync.agent import AgentEvent, SyncAgent


class SyncActivity(Message):
    def __init__(self, peer: str | None, text: str, finished: bool) -> None:
        super().__init__()
        self.peer = peer
        self.text = text
        self.finished = finished


def describe(event: AgentEvent) -> tuple[str | None, str, bool]:
    """(peer, line for the dashboard, whether data may have changed)."""
    from veldclient.errors import VeldError
    from veldclient.screens.i18n import language

    detail: Any = event.detail
    if event.kind == "serving":
        return None, t("dashboard.sync.serving", port=detail["port"]), False
    if event.kind == "progress":
        return event.peer, t("dashboard.sync.busy", **detail), False
    if event.kind == "synced":
        return (
            event.peer,
            t("dashboard.sync.done", fetched=detail.fetched, pushed=detail.pushed, merged=detail.merged),
            True,
        )
    if event.kind == "failed":
        text = detail.message(language()) if isinstance(detail, VeldError) else str(detail)
        key = "dashboard.sync.failed" if event.peer else "dashboard.sync.not_serving"
        return event.peer, t(key, error=text), True
    return event.peer, "", False


def start_agent(session: Session, lock: Any, post: Any) -> SyncAgent | None:
    """Runs in a worker: the agent for this profile, started, or None when no peer is paired."""
    from veldclient.sync import peers
    from veldclient.sync.agent import SyncAgent
    from veldclient.sync.replica import Replica

    with lock:
        paired = peers.usable_peers(session.repo)
    if not paired:
        return None

    def notify(event: AgentEvent) -> None:
        peer, text, finished = describe(event)
        post(SyncActivity(peer, text, finished))

    agent = SyncAgent(
        Replica(session, lock),
        notify,
        host=os.environ.get("VELD_SYNC_HOST", "127.0.0.1"),
        port=int(os.environ.get("VELD_SYNC_PORT", "8765")),
        interval_s=float(os.environ.get("VELD_SYNC_INTERVAL", "60")),
        announce=os.environ.get("VELD_SYNC_ANNOUNCE", "") == "1",
    )
    agent.start()
    return agent
