"""The app's background sync: serve paired peers and sync with them, never on the UI thread.

Started once the profile is open, and only when peers are paired (a profile without peers opens no
port). The agent (veldclient.services.sync_agent, which also reads its host, port and interval from
the environment) works in its own threads and shares the App's service lock, so a sync never
interleaves with a save; its events arrive here from those threads and are posted as
:class:`SyncActivity` messages, which the App turns into the dashboard's live sync lines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.message import Message

from veldclient.screens.i18n import t

if TYPE_CHECKING:
    from veldclient.services.session import Session
    from veldclient.services.sync_agent import AgentEvent, SyncAgent


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
    from veldclient.services.progress_names import step_name

    detail: Any = event.detail
    if event.kind == "serving":
        return None, t("dashboard.sync.serving", port=detail["port"]), False
    if event.kind == "progress":
        stage = step_name(detail["stage"], language())
        if detail["total"] is None:
            return event.peer, t("dashboard.sync.busy_step", stage=stage), False
        text = t("dashboard.sync.busy", stage=stage, done=detail["done"], total=detail["total"])
        return event.peer, text, False
    if event.kind == "synced":
        return (
            event.peer,
            t("dashboard.sync.done", fetched=detail.fetched, pushed=detail.pushed, merged=detail.merged),
            True,
        )
    if event.kind == "relayed":
        pushed, pulled = detail
        sent = sum(1 for n in pushed.nodes if n.status == "sent")
        return event.peer, t("dashboard.sync.relayed", sent=sent, received=len(pulled.imported)), True
    if event.kind == "failed":
        text = detail.message(language()) if isinstance(detail, VeldError) else str(detail)
        key = "dashboard.sync.failed" if event.peer else "dashboard.sync.not_serving"
        return event.peer, t(key, error=text), True
    return event.peer, "", False


def relay_reach_lines(reach: dict[str, Any], activity: str | None = None) -> list[str]:
    """The relay in words: when it was last reached, its last failure when that came after, and
    what the background sync is doing with it now."""
    from veldclient.screens.case_detail import when_text
    from veldclient.screens.i18n import language

    reached = reach["last_reached"]
    lines = [
        t(
            "devices.relay",
            url=reach["url"],
            reached=when_text(reached) if reached else t("devices.relay_never"),
        )
    ]
    error, failed_at = reach["last_error"], reach["last_error_at"]
    if error and (reached is None or (failed_at or 0) > reached):
        lines.append("  " + t("devices.relay_failed", error=error["en" if language() == "en" else "nl"]))
    if activity:
        lines.append("  " + activity)
    return lines


def start_agent(session: Session, lock: Any, post: Any) -> SyncAgent | None:
    """Runs in a worker: the agent for this profile, started, or None when no peer is paired."""
    from veldclient.services import sync_agent

    def notify(event: AgentEvent) -> None:
        peer, text, finished = describe(event)
        post(SyncActivity(peer, text, finished))

    return sync_agent.start_for_profile(session, lock, notify)
