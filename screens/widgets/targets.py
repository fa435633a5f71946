"""Open placement requests with their response-target timers (reply within 2 h, placed within 24 h).

The service hands over due times, not only "time left", so the dashboard can count the timers down
each half minute without a new query (and without a new audit entry). A timer that has run out gets
the ``breached`` class, and one about to run out gets ``stale`` (``$warning``). The words ("te laat",
"nog 20 min") carry the meaning too, so colour is never the only signal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from veldclient.domain import CareType, PlacementStatus
from veldclient.screens.i18n import language, t
from veldclient.screens.widgets.durations import duration

SHOWN = 5  # the most pressing ones; the caseload (F4) lists them all


def timer_state(state: str | None, left_ms: int | None, due_at: int, now: int) -> str | None:
    """The state now: running timers are recomputed from their due time, finished ones keep theirs."""
    if left_ms is None:
        return state
    from veldclient.services.placements import SOON_MS  # not before the dashboard's first paint

    left = due_at - now
    return "breached" if left < 0 else "soon" if left <= SOON_MS else "ok"


def timer_text(label_id: str, state: str | None, left_ms: int | None, due_at: int, now: int) -> str:
    what = t(label_id)
    if state is None:
        return ""
    if left_ms is None:  # finished: met or late
        return t("dashboard.timer.met", what=what) if state == "ok" else t("dashboard.timer.late", what=what)
    left = due_at - now
    if left < 0:
        return t("dashboard.timer.over", what=what, d=duration(left))
    return t("dashboard.timer.left", what=what, d=duration(left))


def request_state(target: Mapping[str, Any], now: int) -> str:
    """Worst of the two timers: breached, soon or ok (what colours the line and the summary)."""
    states = {
        timer_state(target["reply_state"], target["reply_left_ms"], target["reply_due_at"], now),
        timer_state(target["placed_state"], target["placed_left_ms"], target["placed_due_at"], now),
    }
    return "breached" if "breached" in states else "soon" if "soon" in states else "ok"


def target_line(target: Mapping[str, Any], now: int) -> str:
    lang = language()
    direction = t(
        "dashboard.targets.outgoing" if target["direction"] == "outgoing" else "dashboard.targets.incoming"
    )
    care = CareType(target["care_type"]).label(lang) if target.get("care_type") else "–"
    timers = [
        timer_text(
            "dashboard.timer.reply",
            target["reply_state"],
            target["reply_left_ms"],
            target["reply_due_at"],
            now,
        ),
        timer_text(
            "dashboard.timer.placed",
            target["placed_state"],
            target["placed_left_ms"],
            target["placed_due_at"],
            now,
        ),
    ]
    parts = [
        target["request_id"][:8],
        direction,
        care,
        target.get("urgency") or "",
        PlacementStatus(target["status"]).label(lang),
        *[x for x in timers if x],
    ]
    return " · ".join(p for p in parts if p)


class TargetList(Vertical):
    DEFAULT_CSS = """
    TargetList { height: auto; }
    TargetList > Static { height: 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="targets-summary", markup=False)
        for index in range(SHOWN):
            yield Static("", id=f"target-{index}", markup=False)
        yield Static("", id="targets-more", classes="muted", markup=False)

    def show(self, targets: Sequence[Mapping[str, Any]] | None, now: int) -> None:
        summary = self.query_one("#targets-summary", Static)
        lines = [self.query_one(f"#target-{i}", Static) for i in range(SHOWN)]
        more = self.query_one("#targets-more", Static)
        shown = list(targets or [])[:SHOWN]
        for line, target in zip(lines, shown + [None] * (SHOWN - len(shown)), strict=True):
            line.display = target is not None
            if target is not None:
                state = request_state(target, now)
                line.update(target_line(target, now))
                line.set_class(state == "breached", "breached")
                line.set_class(state == "soon", "stale")
        rest = len(targets or []) - len(shown)
        more.display = rest > 0
        more.update(t("dashboard.targets.more", n=rest))
        if targets is None:
            summary.update(t("dashboard.targets.not_for_role"))
        elif not targets:
            summary.update(t("dashboard.targets.none"))
        else:
            states = [request_state(x, now) for x in targets]
            summary.update(
                t(
                    "dashboard.targets.summary",
                    open=len(targets),
                    breached=states.count("breached"),
                    soon=states.count("soon"),
                )
            )
