"""F5 Roster: volunteers and mantelzorgers, searched as you type, with VOG and burden warnings.

Two window tables (one per tab) over SQLite, fed by ``services.roster_view``; the search box and the
warnings filter apply to both. A line above the tabs counts what needs attention (VOG expired or
expiring, carers overloaded), because a coordinator should not have to scroll to find it. Enter
opens the profile (``roster_detail``); n registers a volunteer or carer (by the open tab) and e edits
the highlighted one (``roster_forms``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Header, Input, Label, Static, TabbedContent, TabPane

from veldclient.screens import roster_labels as lbl
from veldclient.screens.base import KeySpec, VeldScreen
from veldclient.screens.i18n import t
from veldclient.screens.widgets.columns import FoldLine
from veldclient.screens.widgets.fit_footer import FitFooter
from veldclient.screens.widgets.window_table import Column, Page, Query, Row, WindowTable
from veldclient.services import carers, roster, roster_view
from veldclient.services.roster_view import MantelzorgerItem, RosterSummary, VolunteerItem

# The name and the warning (VOG, burden) stay from 80 columns up; the rest folds under the table.
VOLUNTEER_COLUMNS = (
    Column("roster.col.name", 30, min=18, priority=0, keep=True),
    Column("roster.col.pc4", 4, priority=3),
    Column("roster.col.tasks", 26, min=16, priority=2),
    Column("roster.col.languages", 14, priority=5),
    Column("roster.col.max_km", 5, priority=4),
    Column("roster.col.vog", 43, min=30, priority=1, keep=True, grow=True),
)
CARER_COLUMNS = (
    Column("roster.col.name", 30, min=18, priority=0, keep=True),
    Column("roster.col.pc4", 4, priority=4),
    Column("roster.col.relationship", 16, priority=2),
    Column("roster.col.hours", 12, priority=3),
    Column("roster.col.burden", 60, min=30, priority=1, keep=True, grow=True),
)


def volunteer_row(item: VolunteerItem) -> Row:
    return Row(
        item.id,
        (
            item.name,
            item.pc4,
            lbl.tasks_text(item.tasks),
            lbl.languages_text(item.languages),
            f"{item.max_km} km",
            lbl.vog_text(item.vog),
        ),
        lbl.VOG_TONE.get(item.vog.state),
    )


def carer_row(item: MantelzorgerItem) -> Row:
    return Row(
        item.id,
        (
            item.name,
            item.pc4,
            lbl.relationship_text(item.relationship),
            lbl.hours_text(item.hours_per_week),
            lbl.burden_text(item.burden),
        ),
        lbl.burden_tone(item.burden),
    )


def volunteer_query(text: str, warnings_only: bool) -> Query:
    """A page query for the volunteer table (runs in a worker; rows are built there too)."""

    def query(session: Any, offset: int, limit: int) -> Page:
        page = roster_view.volunteers_page(session, text, warnings_only, offset, limit)
        return Page(page.total, [volunteer_row(item) for item in page.items])

    return query


def carer_query(text: str, overloaded_only: bool) -> Query:
    def query(session: Any, offset: int, limit: int) -> Page:
        page = roster_view.mantelzorgers_page(session, text, overloaded_only, offset, limit)
        return Page(page.total, [carer_row(item) for item in page.items])

    return query


class RosterScreen(VeldScreen):
    HELP = "roster.help"
    TITLE_ID = "area.roster"
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("enter", "open", "key.open"),
        ("slash", "focus_search", "key.search"),
        ("v", "tab('volunteers')", "roster.key.volunteers"),
        ("m", "tab('carers')", "roster.key.carers"),
        ("w", "toggle_warnings", "roster.key.warnings"),
        ("n", "new", "roster.key.new"),
        ("e", "edit", "roster.key.edit"),
        ("r", "refresh", "key.refresh"),
    )
    DEFAULT_CSS = """
    RosterScreen #roster-bar { height: 1; padding: 0 1; }
    RosterScreen #roster-bar Label { padding: 0 1 0 0; }
    RosterScreen #roster-search { width: 40; height: 1; border: none; padding: 0 1; }
    RosterScreen #roster-filter { width: 1fr; padding: 0 2; }
    RosterScreen #roster-attention { padding: 0 1; height: auto; }
    RosterScreen .attention { color: $warning; text-style: bold; }
    RosterScreen TabbedContent { height: 1fr; }
    RosterScreen TabPane { padding: 0; height: 1fr; }
    """

    LIT_WHEN_REFUSED = frozenset({"tab", "open"})  # a tab is chosen with the mouse too

    def __init__(self) -> None:
        super().__init__()
        self.text = ""
        self.warnings_only = False
        self._shown = False  # the tables fetch their first page on mount

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="roster-bar"):
            yield Label(t("roster.search.label"))
            yield Input(placeholder=t("roster.search.placeholder"), id="roster-search")
            yield Static("", id="roster-filter", classes="muted", markup=False)
        yield Static("", id="roster-attention", markup=False)
        with TabbedContent(initial="volunteers"):
            with TabPane(t("roster.tab.volunteers"), id="volunteers"):
                yield WindowTable(VOLUNTEER_COLUMNS, volunteer_query("", False), id="volunteer-table")
                yield FoldLine("volunteer-table")
            with TabPane(t("roster.tab.carers"), id="carers"):
                yield WindowTable(CARER_COLUMNS, carer_query("", False), id="carer-table")
                yield FoldLine("carer-table")
        yield FitFooter()

    def on_mount(self) -> None:
        self.query_one("#volunteer-table", WindowTable).focus()

    # -- data ------------------------------------------------------------------------------------

    def refresh_data(self) -> None:
        if self._shown:
            self._apply()
        self._shown = True
        self.call(roster_view.roster_summary, done=self._show_summary)

    def _apply(self) -> None:
        """Point both tables at the current search text and filter (each reloads in a worker)."""
        self.query_one("#volunteer-table", WindowTable).set_query(
            volunteer_query(self.text, self.warnings_only)
        )
        self.query_one("#carer-table", WindowTable).set_query(carer_query(self.text, self.warnings_only))
        self.query_one("#roster-filter", Static).update(
            t("roster.filter.warnings") if self.warnings_only else ""
        )

    def _show_summary(self, summary: RosterSummary) -> None:
        parts = [t("roster.attention.volunteers", n=summary.volunteers)]
        if summary.vog_expired or summary.vog_expiring:
            parts.append(
                t("roster.attention.vog", expired=summary.vog_expired, expiring=summary.vog_expiring)
            )
        parts.append(t("roster.attention.carers", n=summary.carers))
        if summary.overloaded:
            parts.append(t("roster.attention.overloaded", n=summary.overloaded))
        line = self.query_one("#roster-attention", Static)
        line.update(" · ".join(parts))
        line.set_class(bool(summary.vog_expired or summary.vog_expiring or summary.overloaded), "attention")

    # -- events and actions ----------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "roster-search":
            self.text = event.value
            self._apply()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._active_table().focus()

    def on_window_table_selected(self, event: WindowTable.Selected) -> None:
        self._open(event.table, event.row)

    def _active_table(self) -> WindowTable:
        tab = self.query_one(TabbedContent).active
        return self.query_one("#carer-table" if tab == "carers" else "#volunteer-table", WindowTable)

    def _open(self, table: WindowTable, row: Row) -> None:
        from veldclient.screens.roster_detail import MantelzorgerScreen, VolunteerScreen

        if table.id == "carer-table":
            self.app.push_screen(MantelzorgerScreen(row.key))
        else:
            self.app.push_screen(VolunteerScreen(row.key))

    def refusal(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """A tab key on its own tab says it is there already; opening needs a row."""
        if not self.is_mounted:
            return None
        if action == "tab" and parameters and parameters[0] == self.query_one(TabbedContent).active:
            return t("roster.refusal.shown", tab=t(f"roster.tab.{parameters[0]}"))
        if action == "open":
            table = self._active_table()
            if table.row_at(table.cursor) is None:
                return t("refusal.nothing_chosen")
        return None

    def action_open(self) -> None:
        table = self._active_table()
        row = table.row_at(table.cursor)
        if row is not None:
            self._open(table, row)

    def action_new(self) -> None:
        """A new volunteer or carer, by the tab that is open."""
        from veldclient.screens.roster_forms import CarerForm, VolunteerForm

        carer = self._active_table().id == "carer-table"
        if self.may(carers.CARERS if carer else roster.ROSTER_WRITE):
            self.app.push_screen(CarerForm() if carer else VolunteerForm(), self._after_save)

    def action_edit(self) -> None:
        """The highlighted volunteer or carer in a prefilled form (read, and audited, first)."""
        from veldclient.screens.roster_forms import CarerForm, VolunteerForm

        table = self._active_table()
        row = table.row_at(table.cursor)
        if row is None:
            self.notify(t("roster.form.none"), markup=False)
            return
        if not self.may(carers.CARERS if table.id == "carer-table" else roster.ROSTER_WRITE):
            return
        if table.id == "carer-table":
            self.call(
                roster_view.mantelzorger_profile,
                row.key,
                done=lambda p: self.app.push_screen(CarerForm(p.carer), self._after_save),
            )
        else:
            self.call(
                roster.get_volunteer,
                row.key,
                done=lambda v: self.app.push_screen(VolunteerForm(v), self._after_save),
            )

    def _after_save(self, record: Any) -> None:
        if record is not None:
            self.notify(t("roster.form.saved", name=f"{record.first_name} {record.last_name}"), markup=False)
            self.refresh_data()

    def action_focus_search(self) -> None:
        self.query_one("#roster-search", Input).focus()

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        self._active_table().focus()

    def action_toggle_warnings(self) -> None:
        self.warnings_only = not self.warnings_only
        self._apply()

    def action_refresh(self) -> None:
        self.refresh_data()
