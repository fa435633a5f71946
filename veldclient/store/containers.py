"""The maps and lists that replicas write concurrently: they exist from a document's creation.

Automerge treats two objects created concurrently at one key like any other conflict: it keeps one
and hides the other, with everything written into it, and says nothing. Two devices of one node that
each book their node's first slot while apart would each create ``bookings``; after the merge one
booking is gone and no double booking shows. So every collection at a document's root that more
than one replica may write is made when the document is, never by the first write into it:

- a document one device creates (case, placement, volunteer, mantelzorger, help request) holds them
  in its creating change (:func:`empty`, used by ``Repo.create``);
- a well-known document that every device creates for itself (node and share documents, "genesis")
  gets each one through a *deterministic* change (:func:`add_missing`): built on the document's
  first change, by an actor derived from the document id and the key, so every device makes
  byte-for-byte the same change and merging two of them dedupes. The genesis content itself stays
  as it is: two different first changes of one actor can never be merged, so a document made by
  an earlier version must keep meeting the same genesis;
- a document made before a collection was listed here (an older profile) gets it through the same
  deterministic change, on its first write (``Repo.change``): whichever devices do that, they all
  make the one same change, so a late creation loses nothing either.

``Editor`` never creates a container on its own (store/docstore.py): a missing one is a programming
error, not something to paper over with a fresh map that a peer may shadow.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from automerge import core

from veldclient.store import boundary, codec

MAP = "map"
LIST = "list"

# Per document kind: every root collection more than one replica may write (records by id, signed
# entries, events). Records themselves (``client``, ``request``, ``volunteer``, ...) are created
# with their document and written field by field (codec.update), so they need no entry here.
SHARED: dict[str, dict[str, str]] = {
    "case": {"visits": MAP, "events": LIST},
    "placement": {"events": LIST},
    "volunteer": {"events": LIST},
    "mantelzorger": {"events": LIST},
    "helpreq": {"matches": MAP, "events": LIST},
    "node": {
        "locations": MAP,
        "capacity": MAP,
        "history": MAP,
        "slots": MAP,
        "bookings": MAP,
        "erasures": MAP,
        "resolutions": MAP,
        "devices": MAP,
        "attestations": MAP,
        "events": LIST,
    },
    "share": {"docs": MAP},
}

_OBJ = {MAP: core.ObjType.Map, LIST: core.ObjType.List}


class ContainerRuleBroken(LookupError):
    """A write that would create a container implicitly, or replace a shared collection with a new
    one: a programming error (see the module doc), refused before anything is written."""

    def __init__(self, path: tuple[str, ...], what: str) -> None:
        super().__init__(
            f"{what} at {'/'.join(path)}: collections written concurrently are created with the"
            " document (store/containers.py), never by a write"
        )


def of(kind: str) -> Mapping[str, str]:
    return SHARED.get(kind, {})


def empty(kind: str) -> dict[str, Any]:
    """The kind's collections, empty: what a document one device creates starts with."""
    return {key: {} if shape == MAP else [] for key, shape in of(kind).items()}


def missing(kind: str, root: Mapping[str, Any]) -> list[str]:
    """The kind's collections the document lacks (or holds as something else than a collection)."""
    return [
        key
        for key, shape in of(kind).items()
        if not isinstance(root.get(key), dict if shape == MAP else list)
    ]


def actor(doc_id: str, key: str) -> bytes:
    """The actor of the deterministic change that creates ``key`` in ``doc_id``."""
    return hashlib.sha256(f"veld-container:{doc_id}/{key}".encode()).digest()[:16]


def add_missing(doc: core.Document, doc_id: str, kind: str, root: Mapping[str, Any]) -> list[str]:
    """Create the collections ``root`` (the document's materialised root) lacks, each by its
    deterministic change. Returns the keys added."""
    keys = missing(kind, root)
    if keys:
        base = boundary.root_changes(doc)
        for key in keys:
            boundary.merge(doc, _built(doc, base, doc_id, key, of(kind)[key]))
    return keys


def expected_hashes(doc: core.Document, doc_id: str, kind: str) -> dict[bytes, bytes]:
    """{actor: change hash} of the deterministic container changes this document may hold (one for
    each collection its first change lacks): a merge check accepts exactly these from those actors,
    and nothing else, since anyone can name an actor."""
    base = boundary.root_changes(doc)
    with boundary.guarded("reading history"):
        first = codec.materialise(doc, codec.ROOT, base)
    out: dict[bytes, bytes] = {}
    for key in missing(kind, first):
        built = _built(doc, base, doc_id, key, of(kind)[key])
        out[actor(doc_id, key)] = boundary.change_meta(built, base)[0][1]
    return out


def _built(doc: core.Document, base: list[bytes], doc_id: str, key: str, shape: str) -> core.Document:
    """The document as of its first change(s), plus the one change that creates ``key``."""
    fork = boundary.fork_at(doc, base)
    boundary.guard("setting the actor", fork.set_actor, actor(doc_id, key))
    with boundary.guarded("creating a container"), fork.transaction() as tx:
        tx.put_object(core.ROOT, key, _OBJ[shape])
    return fork
