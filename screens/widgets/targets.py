"""Open placement requests with their response-target timers (reply within 2 h, placed within 24 h).

The service hands over due times, not only "time left", so the dashboard can count the timers down
each half minute without a new query (and without a new audit entry). A timer that has run out gets
the ``breached`` class, and one about to run out gets ``stale`` (``$warning``). The words ("te laat",
"nog 20 min") carry the meaning too, so colour is never the only signal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from veldclient.domain import CareType, PlacementStatus
from veldclient.screens.i18n import language, t
from veldclient.screens.widgets.durations import duration

SHOWN = 5  # the most pressing ones; "en nog N" shows the rest, the caseload (F4) lists them all


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
    timers = (
        [t("caseload.target.draft")]
        if target.get("status") == PlacementStatus.DRAFT.value
        else [
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
    )
    parts = [
        target["request_id"][:8],
        direction,
        care,
        target.get("urgency") or "",
        PlacementStatus(target["status"]).label(lang),
        *[x for x in timers if x],
    ]
    return " · ".join(p for p in parts if p)


class TargetList(Vertical, can_focus=True):
    """The lines can be chosen: arrows move, Enter (or a click) opens the request; on "en nog N"
    it shows the rest of the list here, and again folds it back to the most pressing ones."""

    DEFAULT_CSS = """
    TargetList { height: auto; }
    TargetList > Static { height: 1; }
    TargetList:focus > .-cursor { background: $accent 40%; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
        Binding("enter", "choose", show=False),
    ]

    class Chosen(Message):
        """A request was chosen in the list (Enter or a click): its id."""

        def __init__(self, request_id: str) -> None:
            super().__init__()
            self.request_id = request_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.targets: list[Mapping[str, Any]] = []
        self.expanded = False
        self.cursor = 0
        self._now = 0

    def compose(self) -> ComposeResult:
        yield Static("", id="targets-summary", markup=False)
        for index in range(SHOWN):
            yield Static("", id=f"target-{index}", classes="target", markup=False)
        yield Static("", id="targets-more", classes="muted", markup=False)

    def _lines(self, n: int) -> list[Static]:
        """The first ``n`` line widgets, more mounted when the list is expanded."""
        lines = list(self.query(".target").results(Static))
        if len(lines) < n:
            more = self.query_one("#targets-more", Static)
            extra = [
                Static("", id=f"target-{i}", classes="target", markup=False) for i in range(len(lines), n)
            ]
            self.mount_all(extra, before=more)
            lines += extra
        return lines

    def show(self, targets: Sequence[Mapping[str, Any]] | None, now: int) -> None:
        self.targets = list(targets or [])
        self._now = now
        summary = self.query_one("#targets-summary", Static)
        count = len(self.targets) if self.expanded else min(SHOWN, len(self.targets))
        lines = self._lines(count)
        for index, line in enumerate(lines):
            target = self.targets[index] if index < count else None
            line.display = target is not None
            if target is not None:
                state = request_state(target, now)
                line.update(target_line(target, now))
                line.set_class(state == "breached", "breached")
                line.set_class(state == "soon", "stale")
        more = self.query_one("#targets-more", Static)
        rest = len(self.targets) - min(SHOWN, len(self.targets))
        more.display = rest > 0
        more.update(
            t("dashboard.targets.fewer") if self.expanded else t("dashboard.targets.more_expand", n=rest)
        )
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
        self._move_to(self.cursor)

    def _choices(self) -> list[Static]:
        """What the cursor can be on: the request lines shown, then "en nog N" when there is more."""
        shown = [line for line in self.query(".target").results(Static) if line.display]
        more = self.query_one("#targets-more", Static)
        return shown + ([more] if more.display else [])

    def _move_to(self, index: int) -> None:
        choices = self._choices()
        self.cursor = max(0, min(index, len(choices) - 1))
        for n, line in enumerate(choices):
            line.set_class(n == self.cursor, "-cursor")
        if choices:
            choices[self.cursor].scroll_visible(animate=False)

    def action_move(self, delta: int) -> None:
        self._move_to(self.cursor + delta)

    def action_choose(self) -> None:
        choices = self._choices()
        if not choices:
            return
        chosen = choices[self.cursor]
        if chosen.id == "targets-more":
            self.expanded = not self.expanded
            self.show(self.targets, self._now)
            return
        index = int(str(chosen.id).removeprefix("target-"))
        self.post_message(self.Chosen(str(self.targets[index]["request_id"])))

    def on_click(self, event: events.Click) -> None:
        choices = self._choices()
        if event.widget in choices:
            self._move_to(choices.index(event.widget))  # type: ignore[arg-type]
            self.action_choose()
