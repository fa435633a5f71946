"""Erasure (AVG art. 17): everything that names a client, gone from every replica that held it.

What goes: the client's case document (details, visits, notes, slot bookings), every placement
request filed for them, and every help request filed on their behalf; a carer stays (a person of
their own) but loses the link to the client. Automerge history cannot be truncated, which is why the
unit of erasure is the whole document.

The erasing node writes one entry per erased document into its node document, named by a digest of
the id and holding only the time (store/erasures.py): every replica that held the document drops it
and refuses it if it ever arrives again, and a node that never held it learns nothing about it. Who
erased and why stays in the local audit log (client id, who, when, the reason code), not in the mesh.
"""

from __future__ import annotations

from dataclasses import dataclass

from veldclient.domain import CareType, HelpRequestStatus, PlacementStatus, Task
from veldclient.domain.enums import label_of
from veldclient.errors import NotFound
from veldclient.session import Session
from veldclient.store import erasures
from veldclient.store.docstore import Editor
from veldclient.store.repo import doc_id_for

ERASERS = ("nurse", "admin")


@dataclass(frozen=True)
class ErasurePlan:
    """What erasing one client removes: shown to a person before they confirm."""

    client_id: str
    documents: tuple[str, ...]  # dropped mesh-wide: case, placement requests, help requests
    carers_unlinked: tuple[str, ...]  # mantelzorger documents that lose their link to the client


def plan(session: Session, client_id: str) -> ErasurePlan:
    """What :func:`erase_client` would remove, without removing it."""
    case_doc = doc_id_for("case", client_id)
    info = session.repo.info(case_doc)
    if info is None or info.node_id != session.actor.node_id:
        raise NotFound(("Cliënt", "client"), client_id)
    db = session.db
    placements = [r[0] for r in db.execute("SELECT doc_id FROM placements WHERE client_id = ?", [client_id])]
    help_requests = [
        r[0]
        for r in db.execute(
            "SELECT doc_id FROM help_requests WHERE on_behalf_of = 'CLIENT' AND subject_id = ?", [client_id]
        )
    ]
    carers = [
        r[0] for r in db.execute("SELECT doc_id FROM mantelzorgers WHERE care_for_client_id = ?", [client_id])
    ]
    return ErasurePlan(
        client_id, (case_doc, *sorted(placements), *sorted(help_requests)), tuple(sorted(carers))
    )


@dataclass(frozen=True)
class ErasedItem:
    """One document of a plan, as a person recognises it, with the nodes that hold a replica."""

    doc_id: str
    kind: str  # "case", "placement", "help_request"; "carer" for a carer that is only unlinked
    name: str  # the client's or carer's name; a request's care type or task code
    status: str | None  # a request's status code
    nodes: tuple[str, ...]  # node names, this node first

    def text(self, lang: str) -> str:
        """What it is in words, never a note or a BSN: "Plaatsingsaanvraag: ELV hoog complex (Open)"."""
        kind = _KINDS[self.kind][lang == "en"]
        name, status = self.name, self.status or ""
        if self.kind == "placement":
            name, status = label_of(CareType, name, lang), label_of(PlacementStatus, status, lang)
        elif self.kind == "help_request":
            name, status = label_of(Task, name, lang), label_of(HelpRequestStatus, status, lang)
        return f"{kind}: {name}" + (f" ({status})" if status else "")


_KINDS = {
    "case": ("Dossier", "Case"),
    "placement": ("Plaatsingsaanvraag", "Placement request"),
    "help_request": ("Hulpvraag", "Help request"),
    "carer": ("Mantelzorger (blijft, zonder koppeling)", "Carer (stays, unlinked)"),
    "document": ("Document", "Document"),
}


_LABELS = (
    ("case", "SELECT name, NULL FROM clients WHERE doc_id = ?"),
    ("placement", "SELECT care_type, status FROM placements WHERE doc_id = ?"),
    ("help_request", "SELECT task, status FROM help_requests WHERE doc_id = ?"),
    ("carer", "SELECT first_name || ' ' || last_name, NULL FROM mantelzorgers WHERE doc_id = ?"),
)


def preview(session: Session, client_id: str) -> list[ErasedItem]:
    """The plan in words, for the confirmation a person reads before :func:`erase_client`.

    Checked and audited as the erasure itself would be (reading names of a client the role may
    not erase is refused), so asking what would go never shows more than erasing would touch."""
    session.require_role(ERASERS, "client.erase_preview", "client", client_id=client_id)
    what = plan(session, client_id)
    db = session.db
    own = session.actor.node_id
    names = dict(db.execute("SELECT id, name FROM nodes").fetchall())

    def holders(doc_id: str) -> tuple[str, ...]:
        shared = db.execute("SELECT node_a, node_b FROM shares WHERE shared_doc_id = ?", [doc_id]).fetchall()
        others = sorted({n for pair in shared for n in pair if n != own})
        return tuple(names.get(n) or n for n in (own, *others))

    def label(doc_id: str) -> tuple[str, str, str | None]:
        for kind, sql in _LABELS:
            row = db.execute(sql, [doc_id]).fetchone()
            if row is not None:
                return kind, row[0], row[1]
        return "document", doc_id, None

    items = [ErasedItem(d, *label(d), holders(d)) for d in (*what.documents, *what.carers_unlinked)]
    with session.transaction():
        session.audit(
            "client.erase_preview",
            "R",
            "client",
            client_id=client_id,
            object_id=client_id,
            data_part="identification",
            basis_authorisation=True,
            detail={"documents": len(what.documents), "carers_unlinked": len(what.carers_unlinked)},
        )
    return items


def erase_client(session: Session, client_id: str, *, reason: str = "request") -> list[str]:
    """Erase everything that names the client (see the module docstring); returns the erased ids."""
    session.require_device("erasure.erase_client", "client")
    session.require_role(ERASERS, "client.erase", "client", client_id=client_id)
    what = plan(session, client_id)
    entry = {"at": session.now()}

    def record(e: Editor) -> None:
        for doc_id in what.documents:
            e.update(("erasures", erasures.key(doc_id)), entry)

    def unlink(e: Editor) -> None:
        e.set(("mantelzorger", "care_for_client_id"), None)

    with session.transaction():
        session.repo.change(doc_id_for("node", session.actor.node_id), record)
        for carer_doc in what.carers_unlinked:
            session.repo.change(carer_doc, unlink)
        for doc_id in what.documents:
            if session.repo.holds(doc_id):
                session.repo.erase(doc_id)
        session.audit(
            "client.erase",
            "D",
            "client",
            client_id=client_id,
            object_id=client_id,
            basis_authorisation=True,
            detail={
                "documents": len(what.documents),
                "carers_unlinked": len(what.carers_unlinked),
                "reason": reason,
            },
        )
    return list(what.documents)
