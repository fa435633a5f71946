"""Health checks and repair: SQLite/SQLCipher integrity, document loading, stored heads and projection
against the stored changes, the audit chain; rebuild of the tables and heads from the documents."""

from __future__ import annotations

from dataclasses import dataclass, field

from veldclient import audit
from veldclient.db import integrity_check
from veldclient.progress import Progress, quiet
from veldclient.session import Session

CHECK_STEPS = ("doctor.integrity", "doctor.checksums", "doctor.load", "doctor.compare", "doctor.audit")
REBUILD_STEPS = (*CHECK_STEPS, "doctor.rebuild", "doctor.recheck")


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


def steps(rebuild: bool) -> tuple[str, ...]:
    """The steps :func:`check` reports, in order (what a progress display lists in advance)."""
    return REBUILD_STEPS if rebuild else CHECK_STEPS


def check(session: Session, *, rebuild: bool = False, progress: Progress = quiet) -> DoctorReport:
    """The checks; with ``rebuild``, then the tables and heads derived again (one transaction: an
    interrupted rebuild leaves them as they were) and compared once more."""
    progress("doctor.integrity", 0, None)
    report = DoctorReport(integrity=integrity_check(session.db))
    progress("doctor.checksums", 0, None)
    with session.transaction():
        session.repo.verify_checksums()
    report.bad_documents = session.repo.verify_all(progress)
    report.disagreeing = session.repo.disagreements(progress)
    progress("doctor.audit", 0, None)
    verified = audit.verify(session.db)
    report.audit_ok = verified.ok
    report.audit_problems = [p.message("en") for p in verified.problems]
    if rebuild:
        session.repo.rebuild(progress)
        with session.transaction():
            session.audit(
                "projection.rebuild", "U", "database", detail={"documents_failed": len(report.bad_documents)}
            )
        report.rebuilt = True
        report.disagreeing = session.repo.disagreements(progress, "doctor.recheck")
    return report
