"""F8 Audit log (admin only): every access to client data, newest first, and a chain check."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.widgets import Footer, Header, Static

from veldclient import audit
from veldclient.screens.base import KeySpec, VeldScreen
from veldclient.screens.i18n import language, t
from veldclient.screens.widgets.window_table import Column, Page, Row, WindowTable
from veldclient.services import audit_service, audit_view

COLUMNS = [
    Column("auditlog.col.seq", 7),
    Column("auditlog.col.when", 20),
    Column("auditlog.col.action", 3),
    Column("auditlog.col.event", 20),
    Column("auditlog.col.outcome", 8),
    Column("auditlog.col.user", 24),
    Column("auditlog.col.client", 12),
    Column("auditlog.col.device", 12),
]


def audit_page(session: object, offset: int, limit: int) -> Page:
    total, rows = audit_view.page(session, offset, limit)  # type: ignore[arg-type]
    return Page(
        total,
        [
            Row(
                str(r.seq),
                (
                    str(r.seq),
                    r.at_iso,
                    r.action,
                    r.event,
                    r.outcome,
                    f"{r.user_id} ({r.role})",
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
    )

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(t("auditlog.title"), classes="area-title")
        yield Static("", id="audit-status", markup=False)
        yield WindowTable(COLUMNS, audit_page, id="audit-table")
        yield Footer()

    def refresh_data(self) -> None:
        self.call(audit_view.open_log, done=lambda _n: self.query_one(WindowTable).reload())

    def action_refresh(self) -> None:
        self.refresh_data()

    def action_verify(self) -> None:
        self.call(audit_service.verify, done=self._verified)

    def _verified(self, report: audit.VerifyReport) -> None:
        status = self.query_one("#audit-status", Static)
        if report.ok:
            status.update(t("auditlog.ok", n=report.checked))
        else:
            status.update(t("auditlog.broken", problem=report.problems[0].message(language())))
            status.add_class("breached")
