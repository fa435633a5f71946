"""Reading and verifying the audit log; both are themselves logged (NEN 7513: reading the log)."""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

from veldclient import audit
from veldclient.audit import AuditEntry, LogFilter, VerifyReport
from veldclient.domain.fields import integer
from veldclient.session import Session

MAX_LIMIT = 100_000


def verify(session: Session) -> VerifyReport:
    report = audit.verify(session.db)
    with session.transaction():
        session.audit(
            "audit.verify",
            "L",
            "audit_log",
            basis_authorisation=True,
            detail={"checked": report.checked, "problems": len(report.problems)},
        )
    return report


def read_log(
    session: Session, *, limit: int = 50, client_id: str | None = None, where: LogFilter | None = None
) -> list[AuditEntry]:
    """Admins read every entry; others only their own (DOMAIN.md roles table). ``limit`` is 1 or more:
    SQLite reads a negative LIMIT as "no limit". ``where`` narrows what is read (audit_view.parse_filter)."""
    limit = integer(1, MAX_LIMIT)(limit, "limit")
    chosen = (where or LogFilter()).narrowed(client_id=client_id)
    if session.actor.role != "admin":
        chosen = replace(chosen, user_id=session.actor.user_id)
    entries = session.audit_log.entries(limit=limit, where=chosen)
    log_read(session, chosen, returned=len(entries))
    return entries


def log_read(session: Session, where: LogFilter, **detail: str | int | bool) -> None:
    """Write the NEN 7513 entry for reading the log: the client it was narrowed to, and counts."""
    with session.transaction():
        session.audit(
            "audit.read",
            "L",
            "audit_log",
            client_id=where.client_id,
            basis_authorisation=True,
            detail={**detail, "filtered": where.active},
        )


def entry_json(entry: AuditEntry) -> dict[str, Any]:
    return asdict(entry)
