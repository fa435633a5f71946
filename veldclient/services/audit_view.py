"""The audit log as pages for the admin's screen. Opening the log is logged once (NEN 7513: reading
the log); paging through it is part of that one read."""

from __future__ import annotations

from dataclasses import dataclass

from veldclient.session import Session

VIEWERS = ("admin",)


@dataclass(frozen=True)
class AuditRow:
    seq: int
    at_iso: str
    action: str
    event: str
    outcome: str
    user_id: str
    role: str
    client_id: str | None
    device_id: str


def open_log(session: Session) -> int:
    """Check the role, log the read, return how many entries there are."""
    session.require_role(VIEWERS, "audit.read", "audit_log")
    with session.transaction():
        session.audit("audit.read", "L", "audit_log", basis_authorisation=True, detail={"via": "tui"})
    return session.audit_log.head()[0]


def page(session: Session, offset: int, limit: int) -> tuple[int, list[AuditRow]]:
    """Newest first."""
    session.require_role(VIEWERS, "audit.read", "audit_log")
    total = session.db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    rows = session.db.execute(
        "SELECT seq, at_iso, action, event, outcome, user_id, role, client_id, device_id FROM audit_log"
        " ORDER BY seq DESC LIMIT ? OFFSET ?",
        [limit, offset],
    ).fetchall()
    return int(total), [AuditRow(*r) for r in rows]
