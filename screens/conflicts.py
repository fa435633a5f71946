"""F7 Conflicts: what offline work made contradictory, both sides side by side, one key to decide."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from veldclient.domain import formats
from veldclient.screens.base import KeySpec, VeldScreen
from veldclient.screens.confirm import ask
from veldclient.screens.i18n import language, t
from veldclient.screens.widgets.fit_footer import FitFooter
from veldclient.services import conflicts, duplicates


def delivery_of(session: Any, doc_ids: list[str]) -> list[dict[str, Any]]:
    """Per expected peer: current only when it acknowledged the current version of every record."""
    from veldclient.services import peers as peer_service

    merged: dict[str, dict[str, Any]] = {}
    for doc_id in doc_ids:
        for holder in peer_service.held_by(session, doc_id):
            seen = merged.setdefault(holder["device_id"], {**holder})
            seen["current"] = seen["current"] and holder["current"]
    return sorted(merged.values(), key=lambda h: h["name"])


def _when(ms: int | None) -> str:
    return formats.moment(ms or 0, language())


def _record_text(side: dict[str, Any], n: int) -> str:
    """One of two possibly duplicate records, field by field; ``≠`` marks what differs from the other.
    A field empty in both records is left out, so both records and the keys fit 80 x 24."""
    lang = language()
    record: dict[str, Any] = side.get("client") or {}
    differs = set(side.get("differs") or [])
    lines = [t("conflicts.duplicate.record", n=n + 1, when=_when(side.get("at")), who=side.get("by") or "?")]
    for field, names in duplicates.FIELD_NAMES.items():
        value = record.get(field)
        if not value and field not in differs:
            continue
        shown = formats.day_text(value, lang) if field == "birth_date" else (value or "–")
        mark = "≠" if field in differs else " "
        lines.append(f"{mark} {names[0 if lang == 'nl' else 1]}: {shown}")
    if n == 1:
        lines.append(t("conflicts.duplicate.keys"))
    return "\n".join(lines)


class ConflictsScreen(VeldScreen):
    HELP = "conflicts.help"
    TITLE_ID = "conflicts.title"
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("1", "resolve(0)", "conflicts.choose1"),
        ("2", "resolve(1)", "conflicts.choose2"),
        ("0", "resolve(-1)", "conflicts.neither"),
        ("r", "refresh", "key.refresh"),
    )

    LIT_WHEN_REFUSED = frozenset({"resolve"})  # which sides exist changes with the highlighted conflict

    def __init__(self) -> None:
        super().__init__()
        self.items: list[conflicts.Conflict] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(t("conflicts.title"), classes="area-title")
        yield Static("", id="conflict-count", markup=False)
        with Horizontal():
            yield OptionList(id="conflict-list")
            with Vertical(id="conflict-sides", classes="panel"):
                yield Static("", id="side-0", markup=False)
                yield Static("", id="side-1", markup=False)
        yield Static("", id="conflict-delivery", classes="muted", markup=False)
        yield FitFooter()

    def refresh_data(self) -> None:
        self.call(conflicts.inbox, done=self._show)

    def action_refresh(self) -> None:
        self.refresh_data()

    def _show(self, items: list[conflicts.Conflict]) -> None:
        self.items = items
        lang = language()
        options = self.query_one("#conflict-list", OptionList)
        options.clear_options()
        options.add_options([Option(c.title(lang), id=c.id) for c in items])
        self.query_one("#conflict-count", Static).update(
            t("conflicts.count", n=len(items)) if items else t("conflicts.none")
        )
        if items:
            options.highlighted = 0
        self._show_sides(items[0] if items else None)

    def _selected(self) -> conflicts.Conflict | None:
        index = self.query_one("#conflict-list", OptionList).highlighted
        return self.items[index] if index is not None and index < len(self.items) else None

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_sides(self._selected())

    def _show_sides(self, item: conflicts.Conflict | None) -> None:
        self._show_delivery_of(item)
        lang = language()
        for n in (0, 1):
            widget = self.query_one(f"#side-{n}", Static)
            if item is None or n >= len(item.sides):
                widget.update("")
                continue
            side: dict[str, Any] = item.sides[n]
            if item.kind == conflicts.DUPLICATE:
                widget.update(_record_text(side, n))
                continue
            summary = side.get("summary_nl") if lang == "nl" else side.get("summary_en")
            widget.update(
                t("conflicts.side", n=n + 1)
                + "\n"
                + t(
                    "conflicts.side_line",
                    when=_when(side.get("at")),
                    node=side.get("node"),
                    who=side.get("by"),
                    summary=summary,
                )
            )

    def _show_delivery_of(self, item: conflicts.Conflict | None) -> None:
        if item is None:
            self.query_one("#conflict-delivery", Static).update("")
            return
        self.call(delivery_of, list(item.doc_ids), done=self._show_delivery, group="delivery")

    def _show_delivery(self, holders: list[dict[str, Any]]) -> None:
        """Which peers hold the current version of the records in this conflict (acknowledged)."""
        if not holders:
            text = t("conflicts.delivery_none")
        else:
            parts = [
                t(
                    "conflicts.holder_current" if h["current"] else "conflicts.holder_behind",
                    name=h["name"],
                    node=h["node_id"],
                )
                for h in holders
            ]
            text = t("conflicts.delivery", holders=", ".join(parts))
        self.query_one("#conflict-delivery", Static).update(text)

    def refusal(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """Deciding needs a conflict, and a side that it has."""
        if action != "resolve":
            return None
        item = self._selected() if self.is_mounted else None
        if item is None:
            return t("conflicts.refusal.none")
        side = parameters[0] if parameters else -1
        if isinstance(side, int) and side >= len(item.sides):
            return t("conflicts.refusal.no_side", n=side + 1, sides=len(item.sides))
        return None

    def action_resolve(self, side: int) -> None:
        """The decision is kept and synced to every peer that holds the records: asked first."""
        item = self._selected()
        if item is None:
            return
        chosen = item.sides[side]["event_id"] if 0 <= side < len(item.sides) else None
        title = item.title(language())
        if item.kind == conflicts.DUPLICATE:  # a side is a record: keep it, or keep both
            question = (
                t("conflicts.duplicate.confirm_merge", keep=side + 1, other=2 - side, title=title)
                if chosen is not None
                else t("conflicts.duplicate.confirm_keep_both", title=title)
            )
        elif chosen is not None:
            question = t("conflicts.confirm_side", n=side + 1, title=title)
        else:
            question = t("conflicts.confirm_neither", title=title)
        ask(
            self.app,
            question,
            lambda: self.call(conflicts.resolve, item.id, chosen, "", done=self._resolved),
        )

    def _resolved(self, _result: object) -> None:
        self.notify(t("conflicts.resolved"), markup=False)
        self.refresh_data()
