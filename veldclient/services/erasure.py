"""Erasure (AVG art. 17): a client's documents dropped on every replica of the mesh.

The erasing node writes an entry per document in its own node document (``erasures``); every replica
that merges that node document drops those documents and their rows (store/repo.py), and refuses them
if they ever arrive again. Automerge history cannot be truncated, which is why the unit of erasure is
the whole document. The audit log keeps that the erasure happened (client id, who, when), not the data.
"""

from __future__ import annotations

from veldclient.errors import NotFound
from veldclient.services.session import Session
from veldclient.store.docstore import Editor
from veldclient.store.repo import doc_id_for

ERASERS = ("nurse", "admin")


def erase_client(session: Session, client_id: str, *, reason: str = "request") -> list[str]:
    """Erase the client's case document and every placement request filed for them."""
    session.require_role(ERASERS, "client.erase", "client", client_id=client_id)
    case_doc = doc_id_for("case", client_id)
    info = session.repo.store.info(case_doc)
    if info is None or info.node_id != session.actor.node_id:
        raise NotFound("Cliënt / client", client_id)
    doc_ids = [case_doc] + [
        r[0]
        for r in session.db.execute(
            "SELECT doc_id FROM placements WHERE client_id = ? ORDER BY doc_id", [client_id]
        )
    ]
    node_doc = doc_id_for("node", session.actor.node_id)
    entry = {"at": session.now(), "by": session.actor.user_id, "reason": reason}

    def write(e: Editor) -> None:
        for doc_id in doc_ids:
            e.update(("erasures", doc_id), entry)

    with session.transaction():
        root = session.repo.change(node_doc, write)
        session.repo.apply_erasures(root)
        session.audit(
            "client.erase",
            "D",
            "client",
            client_id=client_id,
            object_id=client_id,
            basis_authorisation=True,
            detail={"documents": len(doc_ids), "reason": reason},
        )
    return doc_ids
