"""The conflict inbox: what offline work made contradictory, for a person to decide.

Nothing here merges anything away. Each provider (placements, matches, slots) reports conflicts it
can see in the merged documents, with both sides. Resolving records the decision as a new event
(``RESOLVED``, naming the conflicting events and the chosen one) in every document of the conflict
that this device may write, and for node documents in the own node's ``resolutions`` map (one key per
decision, ``<conflict id>/<random>``, so decisions made apart all survive); a conflict
whose events are all covered by a resolution no longer shows.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from veldclient.domain import causal
from veldclient.errors import NotFound, ValidationError
from veldclient.services import events
from veldclient.session import Session
from veldclient.store.docstore import Editor
from veldclient.store.repo import doc_id_for, kind_of

Provider = Callable[[Session], list[dict[str, Any]]]
DUPLICATE = "client.duplicate"  # domain.duplicates.KIND: its sides are client records, not events


def providers() -> list[Provider]:
    from veldclient.services import duplicates, matching, placement_flow, slots

    return [placement_flow.conflicts, matching.conflicts, slots.conflicts, duplicates.conflicts]


@dataclass(frozen=True)
class Conflict:
    id: str
    kind: str
    doc_ids: tuple[str, ...]
    event_ids: tuple[str, ...]
    sides: tuple[dict[str, Any], ...]
    title_nl: str
    title_en: str

    def title(self, lang: str = "nl") -> str:
        return self.title_nl if lang == "nl" else self.title_en

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "doc_ids": list(self.doc_ids),
            "event_ids": list(self.event_ids),
            "sides": list(self.sides),
            "title_nl": self.title_nl,
            "title_en": self.title_en,
        }


def conflict_id(event_ids: tuple[str, ...]) -> str:
    return hashlib.sha256("|".join(sorted(event_ids)).encode()).hexdigest()[:16]


def _doc_ids(raw: dict[str, Any]) -> tuple[str, ...]:
    ids = raw.get("doc_ids") or (raw.get("doc_id"),)
    return tuple(sorted(d for d in ids if d))


def node_decisions(session: Session, node_id: str) -> list[tuple[set[str], str | None]]:
    """(the conflicting event ids, the chosen one or None) of every decision recorded in
    ``node_id``'s document (its ``resolutions`` map; empty when this device does not hold it)."""
    doc_id = doc_id_for("node", node_id)
    root = session.repo.read(doc_id) if session.repo.holds(doc_id) else {}
    return [
        (set(entry.get("conflict") or []), entry.get("chosen"))
        for entry in (root.get("resolutions") or {}).values()
        if isinstance(entry, dict)
    ]


def _resolved(session: Session, doc_ids: tuple[str, ...]) -> set[str]:
    done: set[str] = set()
    for doc_id in doc_ids:
        if session.repo.holds(doc_id):
            done |= events.resolved_ids(session.repo.read(doc_id).get("events") or [])
    for covered, _chosen in node_decisions(session, session.actor.node_id):
        done |= covered
    return done


def inbox(session: Session) -> list[Conflict]:
    """Open conflicts, newest side first; the same list on every replica that merged the same data."""
    out = open_conflicts(session)
    with session.transaction():
        session.audit(
            "conflicts.read", "R", "conflict", basis_authorisation=True, detail={"results": len(out)}
        )
        # a possible duplicate shows two client records side by side: each is a read of client data
        for c in out:
            if c.kind == DUPLICATE:
                for side in c.sides:
                    session.audit(
                        "client.duplicate_read",
                        "R",
                        "client",
                        client_id=side["event_id"],
                        object_id=c.id,
                        data_part="identification",
                        basis_authorisation=True,
                        basis_care_relation=True,
                    )
    return out


def open_conflicts(session: Session) -> list[Conflict]:
    """The inbox without its audit entry: for counting what a merge raised (bundles)."""
    out = []
    for provider in providers():
        for raw in provider(session):
            event_ids = tuple(sorted(raw["event_ids"]))
            doc_ids = _doc_ids(raw)
            # a duplicate's provider folds its decisions itself: its sides are client ids, which
            # decisions about other pairs of the same client also name
            if raw["kind"] != DUPLICATE and set(event_ids) <= _resolved(session, doc_ids):
                continue
            out.append(
                Conflict(
                    id=conflict_id(event_ids),
                    kind=raw["kind"],
                    doc_ids=doc_ids,
                    event_ids=event_ids,
                    sides=tuple(raw["sides"]),
                    title_nl=raw["title_nl"],
                    title_en=raw["title_en"],
                )
            )
    out.sort(key=lambda c: (-max(causal.event_time(s) for s in c.sides), c.id))
    return out


MIN_PREFIX = 6  # the lists show ids shortened; a unique start of at least this many characters names one


def find(session: Session, conflict: str) -> Conflict:
    """An open conflict by its id or a unique start of it (as the lists show it)."""
    items = inbox(session)
    exact = [c for c in items if c.id == conflict]
    near = [c for c in items if len(conflict) >= MIN_PREFIX and c.id.startswith(conflict)]
    found = exact or (near if len(near) == 1 else [])
    if not found:
        raise NotFound(("Conflict", "Conflict"), conflict)
    return found[0]


def _side_named(found: Conflict, chosen: str) -> str:
    """The side's full id when ``chosen`` is a unique start of one (else ``chosen`` unchanged)."""
    sides = [str(s.get("event_id")) for s in found.sides]
    if chosen in sides or len(chosen) < MIN_PREFIX:
        return chosen
    near = [s for s in sides if s.startswith(chosen)]
    return near[0] if len(near) == 1 else chosen


def resolve(session: Session, conflict: str, chosen_event_id: str | None, note: str = "") -> Conflict:
    """Record a decision: which side stands (or none), with a note. Both sides stay in history."""
    found = find(session, conflict)
    if chosen_event_id is not None:
        chosen_event_id = _side_named(found, chosen_event_id)
    pair = tuple(str(side["event_id"]) for side in found.sides)
    if found.kind == DUPLICATE:
        from veldclient.services import duplicates

        duplicates.check_choice(session, pair, chosen_event_id)
    if chosen_event_id is not None and chosen_event_id not in found.event_ids:
        raise ValidationError.single(
            "chosen",
            "not_a_side",
            "Kies een van de twee kanten van dit conflict.",
            "Choose one of the sides of this conflict.",
        )
    data: dict[str, Any] = {
        "conflict": list(found.event_ids),
        "chosen": chosen_event_id,
        "note": note,
        "conflict_id": found.id,
    }
    if found.kind == DUPLICATE:
        # the fold (domain.duplicates) reads the pair and counts a decision once across both
        # case documents: one id for the event written into each
        data |= {"conflict_kind": DUPLICATE, "pair": list(pair)}
    shared_id = uuid.uuid4().hex
    own_node = doc_id_for("node", session.actor.node_id)
    with session.transaction():
        for doc_id in found.doc_ids:
            if kind_of(doc_id) == "node" or not session.repo.holds(doc_id):
                continue

            def write(e: Editor) -> None:
                event = events.make(session, "RESOLVED", e.root.get("events") or [], **data)
                if found.kind == DUPLICATE:
                    event["id"] = shared_id
                e.append(("events",), event)

            session.repo.change(doc_id, write)
        if any(kind_of(d) == "node" for d in found.doc_ids):
            # Each decision under a key of its own: two devices of the node deciding apart would
            # otherwise write one key, and one decision would silently replace the other.
            # The node document goes to every node: the decision travels, the free-text note (which
            # may name a client) only in the request documents above, never mesh-wide.
            key = f"{found.id}/{uuid.uuid4().hex}"
            record = {
                **{k: v for k, v in data.items() if k != "note"},
                "at": session.now(),
                "by": session.actor.user_id,
            }
            session.repo.change(own_node, lambda e: e.set(("resolutions", key), record))
        session.audit("conflict.resolve", "U", "conflict", object_id=found.id, basis_authorisation=True)
        if found.kind == DUPLICATE:
            from veldclient.services import duplicates

            duplicates.audit_decision(session, pair, chosen_event_id, found.id)
    return found
