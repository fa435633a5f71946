"""Clients (case documents): register, read, change, search, record visits, archive.

Each call is one transaction that also writes its NEN 7513 audit entry: if the audit write fails,
the change is not made, and a change that fails validation writes neither.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from veldclient.domain import Client, Visit, check_transition
from veldclient.domain.fields import editable
from veldclient.errors import NotFound
from veldclient.services import duplicates, events, search
from veldclient.session import Session
from veldclient.store.docstore import Editor
from veldclient.store.repo import doc_id_for

CARE = ("nurse",)
CONTACT = ("nurse", "coordinator")


def _event(
    session: Session, kind: str, prior: list[dict[str, Any]] | None = None, **data: Any
) -> dict[str, Any]:
    """An event after ``prior`` (the document's current events), see services/events.py."""
    return events.make(session, kind, prior or [], **data)


def _case_root(session: Session, client_id: str) -> dict[str, Any]:
    doc_id = doc_id_for("case", client_id)
    info = session.repo.info(doc_id)
    if info is None or info.node_id != session.actor.node_id:
        raise NotFound(("Cliënt", "client"), client_id)
    return session.repo.read(doc_id)


def register_client(session: Session, raw: Mapping[str, object]) -> Client:
    """Validate the whole form first (every field error at once), then create the case document."""
    session.require_role(CARE, "client.create", "client", data_part="identification")
    client = Client.parse({**raw, "node_id": session.actor.node_id}, today=session.today())
    with session.transaction():
        session.repo.create(
            "case",
            client.id,
            client.node_id,
            {"client": client.to_dict(), "visits": {}, "events": [_event(session, "CREATED")]},
        )
        session.audit(
            "client.create",
            "C",
            "client",
            client_id=client.id,
            object_id=client.id,
            data_part="identification",
            basis_authorisation=True,
            basis_care_relation=True,
        )
    return client


def get_client(session: Session, client_id: str) -> Client:
    """The nurse reads the full record; a coordinator gets contact data without the BSN."""
    session.require_role(CONTACT, "client.read", "client", client_id=client_id)
    root = _case_root(session, client_id)
    client = Client.from_dict(root["client"])
    part = "identification" if session.actor.role == "nurse" else "contact"
    if session.actor.role != "nurse":
        client = replace(client, bsn=None, gp_agb=None)
    with session.transaction():
        session.audit(
            "client.read",
            "R",
            "client",
            client_id=client_id,
            object_id=client_id,
            data_part=part,
            basis_authorisation=True,
            basis_care_relation=session.actor.role == "nurse",
        )
    return client


def update_client(session: Session, client_id: str, changes: Mapping[str, object]) -> Client:
    session.require_role(CARE, "client.update", "client", client_id=client_id)
    changes = editable(changes, Client)
    current = _case_root(session, client_id)["client"]
    merged = {**current, **changes, "id": client_id, "node_id": current["node_id"]}
    client = Client.parse(merged, today=session.today())
    with session.transaction():
        session.repo.change(doc_id_for("case", client_id), lambda e: e.update(("client",), client.to_dict()))
        session.audit(
            "client.update",
            "U",
            "client",
            client_id=client_id,
            object_id=client_id,
            data_part="identification",
            basis_authorisation=True,
            basis_care_relation=True,
            detail={"fields": ",".join(sorted(k for k in changes if current.get(k) != merged.get(k)))},
        )
    return client


def record_visit(session: Session, client_id: str, raw: Mapping[str, object]) -> Visit:
    session.require_role(CARE, "visit.create", "visit", client_id=client_id)
    root = _case_root(session, client_id)
    visit = Visit.parse({"nurse": session.actor.user_id, **raw, "client_id": client_id})
    existing = (root.get("visits") or {}).get(visit.id)
    if existing is not None and existing["status"] != visit.status:
        check_transition(Visit.from_dict(existing).status, visit.status)

    def write(e: Editor) -> None:
        e.update(("visits", visit.id), visit.to_dict())
        e.append(
            ("events",),
            _event(session, "VISIT", e.root.get("events"), visit_id=visit.id, status=str(visit.status)),
        )

    with session.transaction():
        session.repo.change(doc_id_for("case", client_id), write)
        session.audit(
            "visit.create" if existing is None else "visit.update",
            "C" if existing is None else "U",
            "visit",
            client_id=client_id,
            object_id=visit.id,
            data_part="visits",
            basis_authorisation=True,
            basis_care_relation=True,
        )
    return visit


def visits(session: Session, client_id: str) -> list[Visit]:
    """This client's visits, with those of any record merged into it (duplicates: linked, not copied)."""
    session.require_role(CARE, "visit.read", "visit", client_id=client_id)
    roots = [_case_root(session, c) for c in duplicates.history_ids(session, client_id)]
    with session.transaction():
        session.audit(
            "visit.read",
            "R",
            "visit",
            client_id=client_id,
            data_part="visits",
            basis_authorisation=True,
            basis_care_relation=True,
        )
    return sorted(
        (Visit.from_dict(v) for root in roots for v in (root.get("visits") or {}).values()),
        key=lambda v: v.planned_start_at,
    )


def archive_client(session: Session, client_id: str) -> None:
    """Archive, never delete: a delete would beat a concurrent edit elsewhere (DESIGN §3)."""
    session.require_role(CARE, "client.archive", "client", client_id=client_id)
    _case_root(session, client_id)

    def write(e: Editor) -> None:
        e.set(("archived",), True)
        e.append(("events",), _event(session, "ARCHIVED", e.root.get("events")))

    with session.transaction():
        session.repo.change(doc_id_for("case", client_id), write)
        session.audit(
            "client.archive",
            "U",
            "client",
            client_id=client_id,
            object_id=client_id,
            basis_authorisation=True,
            basis_care_relation=True,
        )


def search_clients(session: Session, text: str, *, limit: int = 20) -> list[dict[str, Any]]:
    """Ranked prefix search over name, postcode and address of the own node's active clients.

    The audit entry records that a search happened and how many results it gave, never the text.
    """
    session.require_role(CONTACT, "client.search", "client")
    rows = search.clients(session.db, text, node_id=session.actor.node_id, limit=limit)
    if session.actor.role != "nurse":
        for row in rows:
            row.pop("bsn", None)
    with session.transaction():
        session.audit(
            "client.search",
            "S",
            "client",
            data_part="identification",
            basis_authorisation=True,
            detail={"results": len(rows)},
        )
    return rows
