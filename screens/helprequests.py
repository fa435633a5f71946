"""F6 Help requests: every request of this node, open work first, filtered by status.

A window table over ``roster_view.help_requests_page``; the status filter is a Select (all, not yet
matched, or one status). Enter opens matching for the highlighted request (``helprequest_match``), e
the volunteer export (``export_dialog``), n a new request (``helprequest_form``) and x closes the
highlighted one after asking (it cannot be undone; open matches are withdrawn). The list reloads
whenever the screen is shown again, so a match confirmed on the matching screen shows here as
"Vrijwilliger gekoppeld" at once.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Header, Label, Select, Static

from veldclient.domain import HelpRequest, HelpRequestStatus
from veldclient.screens.base import KeySpec, VeldScreen
from veldclient.screens.confirm import Confirm
from veldclient.screens.i18n import language, t
from veldclient.screens.roster_labels import day, task_label
from veldclient.screens.widgets.columns import FoldLine
from veldclient.screens.widgets.fit_footer import FitFooter
from veldclient.screens.widgets.window_table import Column, Page, Query, Row, WindowTable
from veldclient.services import roster, roster_view
from veldclient.services.roster import HelpRequestSaved
from veldclient.services.roster_view import HelpRequestItem

# What, its status and when stay from 80 columns up; the rest folds under the table.
COLUMNS = (
    Column("helprequests.col.task", 22, min=14, priority=0, keep=True),
    Column("helprequests.col.pc4", 4, priority=5),
    Column("helprequests.col.start", 10, priority=2, keep=True),
    Column("helprequests.col.end", 10, priority=3, keep=True),
    Column("helprequests.col.status", 22, min=16, priority=1, keep=True),
    Column("helprequests.col.proposed", 5, priority=6),
    Column("helprequests.col.volunteer", 20, min=12, priority=4),
    Column("helprequests.col.summary", 60, min=20, priority=7, grow=True),
)
UNMATCHED = ("OPEN", "MATCHING")
FINAL = frozenset(s.value for s in HelpRequestStatus if s.is_final)


def filter_statuses(value: str) -> tuple[str, ...] | None:
    """Select value -> statuses to show (None: all)."""
    if value == "all":
        return None
    if value == "unmatched":
        return UNMATCHED
    return (value,)


def status_label(code: str) -> str:
    try:
        return HelpRequestStatus(code).label(language())
    except ValueError:
        return code


def request_row(item: HelpRequestItem) -> Row:
    return Row(
        item.id,
        (
            task_label(item.task),
            item.pc4,
            day(item.window_start),
            day(item.window_end),
            status_label(item.status),
            str(item.active_matches) if item.active_matches else "",
            item.volunteer,
            " ".join(item.summary.split()),
        ),
        "muted" if item.status in FINAL else None,
    )


def request_query(statuses: tuple[str, ...] | None) -> Query:
    def query(session: Any, offset: int, limit: int) -> Page:
        page = roster_view.help_requests_page(session, statuses, offset, limit)
        return Page(page.total, [request_row(item) for item in page.items])

    return query


class ConfirmClose(Confirm):
    """Closing a help request cannot be undone: the question names the request and the outcome."""

    YES_ID = "helprequests.close.yes"
    NO_ID = "helprequests.close.no"
    KEYS_ID = "helprequests.close.keys"

    def __init__(self, task: str, summary: str, outcome: str) -> None:
        status = HelpRequestStatus(outcome).label(language())
        super().__init__(t("helprequests.close.question", task=task, summary=summary, status=status))


class HelpRequestsScreen(VeldScreen):
    HELP = "helprequests.help"
    TITLE_ID = "area.helprequests"
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("enter", "open", "helprequests.key.match"),
        ("e", "export", "helprequests.key.export"),
        ("n", "new", "helprequests.key.new"),
        ("x", "close_request", "helprequests.key.close"),
        ("f", "focus_filter", "helprequests.key.filter"),
        ("r", "refresh", "key.refresh"),
    )
    DEFAULT_CSS = """
    HelpRequestsScreen #hr-bar { height: 3; padding: 0 1; }
    HelpRequestsScreen #hr-bar Label { padding: 1 1 0 0; }
    HelpRequestsScreen #hr-status { width: 36; }
    HelpRequestsScreen #hr-count { width: 1fr; padding: 1 2 0 2; }
    """

    LIT_WHEN_REFUSED = frozenset({"open", "export"})  # the list empties and fills with the filter

    def __init__(self) -> None:
        super().__init__()
        self.statuses: tuple[str, ...] | None = None
        self._shown = False  # the table fetches its first page on mount

    def compose(self) -> ComposeResult:
        lang = language()
        options = [(t("helprequests.filter.all"), "all"), (t("helprequests.filter.unmatched"), "unmatched")]
        options += [(s.label(lang), s.value) for s in HelpRequestStatus]
        yield Header()
        with Horizontal(id="hr-bar"):
            yield Label(t("helprequests.filter.label"))
            yield Select(options, value="all", allow_blank=False, id="hr-status")
            yield Static("", id="hr-count", classes="muted", markup=False)
        yield WindowTable(COLUMNS, request_query(None), id="hr-table")
        yield FoldLine("hr-table")
        yield FitFooter()

    def on_mount(self) -> None:
        self.query_one("#hr-table", WindowTable).focus()

    def refresh_data(self) -> None:
        if self._shown:
            self.query_one("#hr-table", WindowTable).set_query(request_query(self.statuses))
        self._shown = True

    # -- events and actions ----------------------------------------------------------------------

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "hr-status" and isinstance(event.value, str):
            self.statuses = filter_statuses(event.value)
            self.query_one("#hr-table", WindowTable).set_query(request_query(self.statuses))

    def on_window_table_loaded(self, event: WindowTable.Loaded) -> None:
        self.query_one("#hr-count", Static).update(t("helprequests.count", n=event.total))

    def on_window_table_selected(self, event: WindowTable.Selected) -> None:
        self._open(event.row.key)

    def _current(self) -> str | None:
        table = self.query_one("#hr-table", WindowTable)
        row = table.row_at(table.cursor)
        return row.key if row is not None else None

    def _open(self, request_id: str) -> None:
        from veldclient.screens.helprequest_match import MatchScreen

        self.app.push_screen(MatchScreen(request_id))

    def refusal(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """Opening or exporting needs a help request in the list."""
        if action in ("open", "export") and self.is_mounted and self._current() is None:
            return t("refusal.nothing_chosen")
        return None

    def action_open(self) -> None:
        request_id = self._current()
        if request_id is not None:
            self._open(request_id)

    def action_export(self) -> None:
        from veldclient.screens.export_dialog import ExportScreen

        request_id = self._current()
        if request_id is not None:
            self.app.push_screen(ExportScreen(request_id))

    def action_new(self) -> None:
        from veldclient.screens.helprequest_form import NewHelpRequestForm

        if self.may(roster.HELP):
            self.app.push_screen(NewHelpRequestForm(self.veld.session.today()), self._after_file)

    def _after_file(self, saved: HelpRequestSaved | None) -> None:
        if saved is None:
            return
        warning = saved.warning
        note = t("helprequests.new.saved") if warning is None else warning[0 if language() == "nl" else 1]
        self.notify(note, severity="information" if warning is None else "warning", markup=False)
        self.action_refresh()

    def action_close_request(self) -> None:
        """Ask first (closing cannot be undone); a request already closed says so instead."""
        if not self.may(roster.HELP):
            return
        table = self.query_one("#hr-table", WindowTable)
        row = table.row_at(table.cursor)
        if row is None:
            self.notify(t("helprequests.close.none"), markup=False)
            return
        status = row.cells[4]  # the row shows the status as of today, as its label
        code = {status_label(s.value): s for s in HelpRequestStatus}.get(status)
        # one whose period is over may still be cancelled (the service knows if it was closed)
        if code is not None and code.is_final and code is not HelpRequestStatus.EXPIRED:
            self.notify(t("helprequests.close.final", status=status), severity="warning", markup=False)
            return
        outcome = "DONE" if code is HelpRequestStatus.IN_PROGRESS else "CANCELLED"
        request_id = row.key

        def answered(yes: bool | None) -> None:
            if yes:
                self.call(roster.close_help_request, request_id, outcome, done=self._after_close)

        self.app.push_screen(ConfirmClose(row.cells[0], row.cells[7], outcome), answered)

    def _after_close(self, request: HelpRequest) -> None:
        self.notify(t("helprequests.close.done", status=request.status.label(language())), markup=False)
        self.action_refresh()

    def action_focus_filter(self) -> None:
        self.query_one("#hr-status", Select).focus()

    def action_refresh(self) -> None:
        self.query_one("#hr-table", WindowTable).reload()
