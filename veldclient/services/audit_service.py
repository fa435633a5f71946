"""Reading and verifying the audit log; both are themselves logged (NEN 7513: reading the log)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from veldclient import audit
from veldclient.audit import AuditEntry, VerifyReport
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


def read_log(session: Session, *, limit: int = 50, client_id: str | None = None) -> list[AuditEntry]:
    """Admins read every entry; others only their own (DOMAIN.md roles table). ``limit`` is 1 or more:
    SQLite reads a negative LIMIT as "no limit"."""
    limit = integer(1, MAX_LIMIT)(limit, "limit")
    user = None if session.actor.role == "admin" else session.actor.user_id
    entries = session.audit_log.entries(limit=limit, client_id=client_id, user_id=user)
    with session.transaction():
        session.audit(
            "audit.read",
            "L",
            "audit_log",
            client_id=client_id,
            basis_authorisation=True,
            detail={"returned": len(entries)},
        )
    return entries


def entry_json(entry: AuditEntry) -> dict[str, Any]:
    return asdict(entry)
