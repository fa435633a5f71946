"""F8 Audit log (admin only): every access to client data, newest first, filtered by client, user,
action, event and day, with readable names for the codes; and a chain check."""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Header, Input, Select, Static

from veldclient import audit
from veldclient.audit import LogFilter
from veldclient.domain import formats
from veldclient.domain.enums import role_label
from veldclient.errors import ValidationError
from veldclient.screens.base import KeySpec, VeldScreen
from veldclient.screens.i18n import language, t
from veldclient.screens.widgets.columns import FoldLine
from veldclient.screens.widgets.fit_footer import FitFooter
from veldclient.screens.widgets.window_table import Column, Page, Row, WindowTable
from veldclient.services import audit_names, audit_service, audit_view

# When, what and who stay from 80 columns up; the rest folds under the table.
COLUMNS = [
    Column("auditlog.col.seq", 7, priority=6),
    Column("auditlog.col.when", 20, min=16, priority=0, keep=True),
    Column("auditlog.col.action", 16, priority=3),
    Column("auditlog.col.event", 30, min=24, priority=1, keep=True, grow=True),
    Column("auditlog.col.outcome", 8, priority=4),
    Column("auditlog.col.user", 24, min=16, priority=2, keep=True),
    Column("auditlog.col.client", 12, priority=5),
    Column("auditlog.col.device", 12, priority=7),
]
INPUTS = ("user", "client", "since", "until")


def audit_page(session: object, offset: int, limit: int, where: LogFilter | None = None) -> Page:
    total, rows = audit_view.page(session, offset, limit, where)  # type: ignore[arg-type]
    lang = language()
    return Page(
        total,
        [
            Row(
                str(r.seq),
                (
                    str(r.seq),
                    formats.moment_seconds(r.at_ms, lang),
                    audit_names.action_name(r.action, lang),
                    audit_names.event_name(r.event, lang),
                    audit_names.outcome_name(r.outcome, lang),
                    f"{r.user_id} ({role_label(r.role, lang)})",
                    (r.client_id or "")[:12],
                    r.device_id[:12],
                ),
                "error" if r.outcome == "denied" else None,
            )
            for r in rows
        ],
    )


class AuditScreen(VeldScreen):
    HELP = "auditlog.help"
    TITLE_ID = "auditlog.title"
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("v", "verify", "auditlog.verify"),
        ("r", "refresh", "key.refresh"),
        ("f", "focus_filter", "auditlog.key.filter"),
        ("x", "clear_filters", "auditlog.key.clear"),
    )
    DEFAULT_CSS = """
    .audit-filters { height: 1; padding: 0 1; }
    .audit-filters Select { width: 1fr; margin-right: 1; }
    .audit-filters Input { width: 1fr; margin-right: 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.where = LogFilter()

    def compose(self) -> ComposeResult:
        lang = language()
        yield Header()
        yield Static(t("auditlog.title"), classes="area-title")
        with Horizontal(classes="audit-filters"):
            yield Select[str](
                [
                    (f"{letter} · {name[0] if lang == 'nl' else name[1]}", letter)
                    for letter, name in audit_names.ACTION_NAMES.items()
                ],
                prompt=t("auditlog.filter.any_action"),
                id="filter-action",
                compact=True,
            )
            yield Select[str](
                [(audit_names.event_name(code, lang), code) for code in audit_names.event_codes()],
                prompt=t("auditlog.filter.any_event"),
                id="filter-event",
                compact=True,
            )
        with Horizontal(classes="audit-filters"):
            for name in INPUTS:
                yield Input(placeholder=t(f"auditlog.filter.{name}"), id=f"filter-{name}", compact=True)
        yield Static("", id="audit-status", markup=False)
        yield WindowTable(COLUMNS, audit_page, id="audit-table")
        yield FoldLine("audit-table")
        yield FitFooter()

    def refresh_data(self) -> None:
        self.call(audit_view.open_log, self.where, done=lambda _n: self.query_one(WindowTable).reload())

    def action_refresh(self) -> None:
        self.refresh_data()

    # -- filters ---------------------------------------------------------------------------------

    def typed_filter(self) -> LogFilter:
        """The filter as typed; raises ValidationError naming every field that is wrong."""

        def chosen(name: str) -> str | None:
            value = self.query_one(f"#filter-{name}", Select).value
            return value if isinstance(value, str) else None

        typed = {name: self.query_one(f"#filter-{name}", Input).value for name in INPUTS}
        return audit_view.parse_filter(
            client_id=typed["client"],
            user_id=typed["user"],
            action=chosen("action"),
            event=chosen("event"),
            since=typed["since"],
            until=typed["until"],
        )

    def apply_filters(self) -> None:
        status = self.query_one("#audit-status", Static)
        try:
            where = self.typed_filter()
        except ValidationError as error:  # each field's own words, without the field's code name
            status.update(" ".join(e.message(language()) for e in error.errors))
            status.add_class("breached")
            return
        status.remove_class("breached")
        status.update("")
        if where == self.where:
            return
        self.where = where
        table = self.query_one(WindowTable)
        table.set_query(partial(audit_page, where=where))
        self.refresh_data()

    @on(Select.Changed)
    def _select_changed(self, _event: Select.Changed) -> None:
        self.apply_filters()

    @on(Input.Submitted)
    def _input_submitted(self, _event: Input.Submitted) -> None:
        self.apply_filters()

    LIT_WHEN_REFUSED = frozenset({"focus_filter"})

    def refusal(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """f while the cursor is in the first filter already: say where it is."""
        if action == "focus_filter" and self.is_mounted and self.focused is self.query_one("#filter-action"):
            return t("auditlog.refusal.in_filter")
        return None

    def action_focus_filter(self) -> None:
        self.query_one("#filter-action", Select).focus()

    def action_clear_filters(self) -> None:
        with self.prevent(Select.Changed):
            for select in self.query(Select).results(Select):
                select.clear()
        for field in self.query(Input).results(Input):
            field.value = ""
        self.apply_filters()
        self.query_one(WindowTable).focus()

    # -- chain check -----------------------------------------------------------------------------

    def action_verify(self) -> None:
        self.call(audit_service.verify, done=self._verified)

    def _verified(self, report: audit.VerifyReport) -> None:
        status = self.query_one("#audit-status", Static)
        if report.ok:
            status.update(t("auditlog.ok", n=report.checked))
        else:
            status.update(t("auditlog.broken", problem=report.problems[0].message(language())))
            status.add_class("breached")
