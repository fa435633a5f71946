"""What is in a profile: counts per record type, documents and their heads, quarantined documents."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from veldclient.identity import format_device_id
from veldclient.services import peers as peer_service
from veldclient.session import Session

COUNTED = {
    "clients": "SELECT count(*) FROM clients WHERE archived = 0",
    "visits": "SELECT count(*) FROM visits",
    "placements": "SELECT count(*) FROM placements WHERE archived = 0",
    "volunteers": "SELECT count(*) FROM volunteers WHERE archived = 0",
    "mantelzorgers": "SELECT count(*) FROM mantelzorgers WHERE archived = 0",
    "help_requests": "SELECT count(*) FROM help_requests WHERE archived = 0",
    "nodes": "SELECT count(*) FROM nodes",
    "locations": "SELECT count(*) FROM locations",
    "capacity_records": "SELECT count(*) FROM capacity",
}


@dataclass(frozen=True)
class Status:
    profile: str
    node_id: str
    role: str
    user: str
    device_id: str
    device_id_display: str
    database: str
    counts: dict[str, int]
    documents: dict[str, int]
    quarantined: list[dict[str, str]]
    audit_entries: int
    peers: list[dict[str, Any]]  # per paired peer: last contact, documents waiting (services/peers.py)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def status(session: Session, *, check_chunks: bool = True) -> Status:
    """Counts come from the projection; a chunk checksum pass first quarantines damaged documents."""
    if check_chunks:
        with session.transaction():
            session.repo.verify_checksums()
    counts = {name: int(session.db.execute(sql).fetchone()[0]) for name, sql in COUNTED.items()}
    documents = {
        kind: int(n)
        for kind, n in session.db.execute("SELECT kind, count(*) FROM am_docs GROUP BY kind ORDER BY kind")
    }
    quarantined = [
        {"doc_id": doc_id, "reason": reason or ""}
        for doc_id, reason in session.db.execute(
            "SELECT doc_id, error FROM am_docs WHERE quarantined = 1 ORDER BY doc_id"
        )
    ]
    prof = session.profile
    return Status(
        profile=prof.name,
        node_id=prof.node_id,
        role=prof.role,
        user=prof.user,
        device_id=prof.device_id,
        device_id_display=format_device_id(prof.device_id),
        database=str(prof.db_path),
        counts=counts,
        documents=documents,
        quarantined=quarantined,
        audit_entries=session.audit_log.head()[0],
        peers=peer_service.status(session),
    )


def documents(session: Session) -> list[dict[str, Any]]:
    """Every document id with its kind and heads (hex), for scripts and sync checks."""
    return [
        {
            "doc_id": info.doc_id,
            "kind": info.kind,
            "node_id": info.node_id,
            "heads": info.heads.hex,
            "quarantined": info.quarantined,
        }
        for info in session.repo.docs()
    ]
