"""Health checks and repair: SQLite/SQLCipher integrity, document loading, stored heads and projection
against the stored changes, the audit chain; rebuild of the tables and heads from the documents."""

from __future__ import annotations

from dataclasses import dataclass, field

from veldclient import audit
from veldclient.db import integrity_check
from veldclient.session import Session


@dataclass
class DoctorReport:
    integrity: list[str] = field(default_factory=list)
    bad_documents: list[tuple[str, str]] = field(default_factory=list)
    disagreeing: list[tuple[str, str]] = field(default_factory=list)  # (doc id, what disagrees)
    audit_ok: bool = True
    audit_problems: list[str] = field(default_factory=list)
    rebuilt: bool = False

    @property
    def ok(self) -> bool:
        return not self.integrity and not self.bad_documents and not self.disagreeing and self.audit_ok


def check(session: Session, *, rebuild: bool = False) -> DoctorReport:
    report = DoctorReport(integrity=integrity_check(session.db))
    with session.transaction():
        session.repo.verify_checksums()
    report.bad_documents = session.repo.verify_all()
    report.disagreeing = session.repo.disagreements()
    verified = audit.verify(session.db)
    report.audit_ok = verified.ok
    report.audit_problems = [p.message("en") for p in verified.problems]
    if rebuild:
        session.repo.rebuild()
        with session.transaction():
            session.audit(
                "projection.rebuild", "U", "database", detail={"documents_failed": len(report.bad_documents)}
            )
        report.rebuilt = True
        report.disagreeing = session.repo.disagreements()
    return report
