"""F4 Caseload: every client of the node with their latest placement request, fluid at 100,000 rows.

Why it is built like this: the list is a :class:`WindowTable` over ``services.caseload_view.page``,
so only the rows on screen exist and each page is one indexed SQL query in an App-owned worker.
Typing in the search box or changing a filter swaps the table's query (older answers are dropped by
the table), which is what "search as you type" costs: one small query per key, never a rebuild of
100,000 widgets. ``i`` swaps to the requests other nodes sent here (the receiving side).
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Header, Input, Label, Static

from veldclient.domain import PlacementStatus, Urgency, formats
from veldclient.screens.base import KeySpec, VeldScreen
from veldclient.screens.case_detail import (
    CaseDetailScreen,
    RequestScreen,
    capability_text,
    care_text,
    status_text,
    target,
    when_text,
)
from veldclient.screens.caseload_forms import ClientForm, PlacementForm
from veldclient.screens.i18n import language, t
from veldclient.screens.widgets.columns import FoldLine
from veldclient.screens.widgets.fit_footer import FitFooter
from veldclient.screens.widgets.window_table import Column, Page, Row, WindowTable
from veldclient.services import caseload_view
from veldclient.services.caseload_view import Filters
from veldclient.services.session import Session

# What a nurse needs first stays from 80 columns up (client, status, response target, care type);
# the rest folds into the line under the list for the highlighted row. At 80 columns the response
# target is whole ("plaatsen 4 u 31 min te laat": the last words say whether it is late), the Dutch
# care types are whole at 16 ("ELV hoog complex", "Wlz-logeeropvang") and a status is told apart at 14.
CASE_COLUMNS = (
    Column("caseload.col.name", 24, min=16, priority=0, keep=True),
    Column("caseload.col.birth", 10, priority=5),
    Column("caseload.col.postcode", 8, priority=6),
    Column("caseload.col.status", 18, min=14, priority=1, keep=True),
    Column("caseload.col.urgency", 8, priority=4),
    Column("caseload.col.care_type", 37, min=16, priority=3, keep=True),
    Column("caseload.col.target", 28, min=27, priority=2, keep=True),
    Column("caseload.col.requests", 6, priority=7),
)
INCOMING_COLUMNS = (
    Column("caseload.col.received", 16, priority=5),
    Column("caseload.col.from", 20, min=12, priority=0, keep=True),
    Column("caseload.col.status", 18, min=14, priority=1, keep=True),
    Column("caseload.col.urgency", 8, priority=4),
    Column("caseload.col.care_type", 37, min=16, priority=3, keep=True),
    Column("caseload.col.capabilities", 18, priority=6),
    Column("caseload.col.target", 28, min=27, priority=2, keep=True),
)
STATUSES: tuple[str | None, ...] = (None, *(s.value for s in PlacementStatus))
URGENCIES: tuple[str | None, ...] = (None, *(u.value for u in Urgency))


def _next(options: tuple[str | None, ...], current: str | None) -> str | None:
    return options[(options.index(current) + 1) % len(options)]


def case_page(filters: Filters, session: Session, offset: int, limit: int) -> Page:
    """Runs in a worker: one page of the caseload as table rows (plain text, never markup)."""
    answer = caseload_view.page(session, offset, limit, filters=filters)
    return Page(answer.total, [_case_row(r) for r in answer.rows])


def _case_row(r: dict[str, Any]) -> Row:
    name = r["name"] if r["name"] is not None else t("caseload.hidden")
    birth = formats.day_text(r["birth_date"], language(), missing="")
    if r["request_id"] is None:
        return Row(r["client_id"], (name, birth, r["postcode"] or "", "", "", "", "", "0"))
    text, tone = target(r)
    cells = (
        name,
        birth,
        r["postcode"] or "",
        status_text(r["status"]),
        r["urgency"] or "",
        care_text(r["care_type"]),
        text,
        str(r["requests"]),
    )
    return Row(r["client_id"], cells, tone)


def incoming_page(session: Session, offset: int, limit: int) -> Page:
    """Runs in a worker: requests other nodes sent here, as table rows."""
    answer = caseload_view.incoming(session, offset, limit)
    rows = []
    for r in answer.rows:
        text, tone = target(r)
        needs = ", ".join(capability_text(c) for c in r["required_capabilities"])
        cells = (
            when_text(r["received_at"]),
            r["node_name"],
            status_text(r["status"]),
            r["urgency"] or "",
            care_text(r["care_type"]),
            needs,
            text,
        )
        rows.append(Row(r["request_id"], cells, tone))
    return Page(answer.total, rows)


class CaseloadScreen(VeldScreen):
    """The list, its search box and filters, and the switch to incoming requests (``i``).

    Focus starts in the list so the letter keys filter; "/" moves to the search box, and Enter,
    arrow down or Escape there goes back to the list with what was typed still applied."""

    HELP = "caseload.help"
    TITLE_ID = "area.caseload"
    AUTO_FOCUS = "#cases"  # letters are filter keys in the list; "/" goes to the search box
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("slash,ctrl+f", "search", "caseload.key.search"),
        ("s", "cycle_status", "caseload.key.status"),
        ("u", "cycle_urgency", "caseload.key.urgency"),
        ("b", "toggle_breached", "caseload.key.breached"),
        ("x", "clear_filters", "caseload.key.clear"),
        ("n", "new_client", "caseload.key.new_client"),
        ("p", "new_request", "caseload.key.new_request"),
        ("i", "toggle_incoming", "caseload.key.incoming"),
        ("k", "risk", "caseload.key.risk"),
        ("r", "refresh", "key.refresh"),
    )
    DEFAULT_CSS = """
    CaseloadScreen #caseload-title { text-style: bold; color: $primary; padding: 0 1; }
    CaseloadScreen #search-bar { height: auto; padding: 0 1; }
    CaseloadScreen #search-bar Label { padding: 0 1 0 0; }
    CaseloadScreen #search { width: 60; }
    CaseloadScreen #filters, CaseloadScreen #count { padding: 0 1; color: $text-muted; }
    CaseloadScreen.-incoming #search-bar, CaseloadScreen.-incoming #filters, CaseloadScreen.-incoming #cases,
    CaseloadScreen.-incoming #cases-folded {
        display: none;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.filters = Filters()
        self.highlighted: Row | None = None
        self.incoming = False
        self._resumed = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(t("caseload.title"), id="caseload-title", markup=False)
        with Horizontal(id="search-bar"):
            yield Label(t("caseload.search.label"), markup=False)
            yield Input(placeholder=t("caseload.search.placeholder"), id="search", compact=True)
        yield Static(self._filter_text(), id="filters", markup=False)
        if self.veld.session.actor.role in caseload_view.VIEWERS:
            yield WindowTable(CASE_COLUMNS, partial(case_page, self.filters), id="cases")
            yield FoldLine("cases")
        yield Static("", id="count", markup=False)
        yield FitFooter()

    def on_mount(self) -> None:
        if self.veld.session.actor.role not in caseload_view.VIEWERS:
            self.notify(t("caseload.no_list"), markup=False)
            self.action_toggle_incoming()

    # -- data ----------------------------------------------------------------------------------------

    def refresh_data(self) -> None:
        if not self._resumed:  # the table loads itself when it is mounted
            self._resumed = True
            return
        for table in self.query(WindowTable):
            table.reload()

    def _apply(self, filters: Filters) -> None:
        self.filters = filters
        self.query_one("#filters", Static).update(self._filter_text())
        self.query_one("#cases", WindowTable).set_query(partial(case_page, filters))

    def _filter_text(self) -> str:
        f = self.filters
        return t(
            "caseload.filters",
            status=status_text(f.status) if f.status else t("caseload.all"),
            urgency=Urgency(f.urgency).label(language()) if f.urgency else t("caseload.all"),
            breached=t("caseload.yes") if f.breached else t("caseload.no"),
        )

    @on(Input.Changed, "#search")
    def _search(self, event: Input.Changed) -> None:
        if event.value != self.filters.text:
            self._apply(replace(self.filters, text=event.value))

    @on(Input.Submitted, "#search")
    def _to_list(self) -> None:
        self.query_one("#cases", WindowTable).focus()

    def on_key(self, event: Any) -> None:
        """Arrow down or Escape in the search box goes to the list (what is typed stays)."""
        if event.key in ("down", "escape") and self.focused is self.query_one("#search", Input):
            event.stop()
            self._to_list()

    @on(WindowTable.Loaded)
    def _loaded(self, event: WindowTable.Loaded) -> None:
        if (event.table.id == "incoming") == self.incoming:
            message = "caseload.incoming_count" if self.incoming else "caseload.count"
            self.query_one("#count", Static).update(t(message, n=event.total))

    @on(WindowTable.Highlighted)
    def _highlighted(self, event: WindowTable.Highlighted) -> None:
        if event.table.id == "cases":
            self.highlighted = event.row

    @on(WindowTable.Selected)
    def _selected(self, event: WindowTable.Selected) -> None:
        if event.table.id == "incoming":
            self.app.push_screen(RequestScreen(event.row.key))
        else:
            self.app.push_screen(CaseDetailScreen(event.row.key))

    # -- actions -------------------------------------------------------------------------------------

    def refusal(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """Only a nurse registers clients and files requests; the incoming list has no filters."""
        role = self.veld.session.actor.role
        if action == "new_client" and role != "nurse":
            return self.not_for_role("caseload.refusal.nurse_registers")
        if action == "new_request" and role != "nurse":
            return self.not_for_role("caseload.refusal.nurse_files")
        if action == "toggle_incoming" and self.incoming and role not in caseload_view.VIEWERS:
            return t("caseload.no_list")
        if self.incoming and action in (
            "search",
            "cycle_status",
            "cycle_urgency",
            "toggle_breached",
            "clear_filters",
            "new_request",
        ):
            return t("caseload.refusal.incoming_list")
        return None

    def action_risk(self) -> None:
        """The crisis-risk list of this node's clients (the app's, also in the palette)."""
        self.veld.action_risk()

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_cycle_status(self) -> None:
        self._apply(replace(self.filters, status=_next(STATUSES, self.filters.status)))

    def action_cycle_urgency(self) -> None:
        self._apply(replace(self.filters, urgency=_next(URGENCIES, self.filters.urgency)))

    def action_toggle_breached(self) -> None:
        self._apply(replace(self.filters, breached=not self.filters.breached))

    def action_clear_filters(self) -> None:
        self._apply(Filters())
        self.query_one("#search", Input).value = ""

    def action_refresh(self) -> None:
        for table in self.query(WindowTable):
            table.reload()

    def action_new_client(self) -> None:
        self.app.push_screen(ClientForm(), self._registered)

    def _registered(self, client: Any) -> None:
        if client is not None:
            self.notify(t("caseload.form.client_saved"), markup=False)
            self.app.push_screen(CaseDetailScreen(client.id))

    def action_new_request(self) -> None:
        row = self.highlighted
        if row is None:
            self.notify(t("caseload.pick_client"), severity="warning", markup=False)
            return
        form = PlacementForm(row.key, row.cells[0], today=formats.day(self.veld.session.today(), language()))
        self.app.push_screen(form, self._filed)

    def _filed(self, request: Any) -> None:
        if request is not None:
            self.notify(t("caseload.form.request_saved"), markup=False)
            self.app.push_screen(RequestScreen(request.id))

    def action_toggle_incoming(self) -> None:
        self.incoming = not self.incoming
        self.set_class(self.incoming, "-incoming")
        title = "caseload.incoming_title" if self.incoming else "caseload.title"
        self.query_one("#caseload-title", Static).update(t(title))
        tables = self.query("#incoming").results(WindowTable)
        table = next(tables, None)
        if self.incoming and table is None:
            table = WindowTable(INCOMING_COLUMNS, incoming_page, id="incoming")
            self.mount(table, FoldLine("incoming"), before=self.query_one("#count"))
        if table is not None:
            table.display = self.incoming
            if not self.incoming:
                self.query_one("#incoming-folded", FoldLine).show("")
            if self.incoming:
                if table.loaded:
                    table.reload()
                table.focus()
        if not self.incoming:
            self.query_one("#cases", WindowTable).focus()
            self.query_one("#cases", WindowTable).reload()
        self.refresh_bindings()
