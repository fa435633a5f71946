"""Append-only events with causal parents: how contested changes survive merges and get detected.

Fields where a silent winner is dangerous (status, offers, acceptances, bookings, match steps) are
never overwritten: each step is an event appended to the document's ``events`` list. Every event
names its ``parents``: the ids of the events that were the latest its author had seen (the frontier,
like Automerge heads). After a merge, two events are **concurrent** when neither is an ancestor of the
other — made while apart. Which concurrent pairs matter (two acceptances of the same offer, accept vs
cancel) is decided by the service that owns the document; this module only answers "who saw what".
The pure ordering helpers (frontier, concurrency, the causal order) live in
``veldclient.domain.causal``, where the domain and the projection reach them too.

Event shape (a map in the document): ``{id, type, at, by, device, node, data, parents}``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from veldclient.domain.causal import Event, frontier
from veldclient.session import Session


def make(session: Session, kind: str, events: Sequence[Event], **data: Any) -> dict[str, Any]:
    """A new event as the current actor, its parents the current frontier of ``events``."""
    return {
        "id": uuid.uuid4().hex,
        "type": kind,
        "at": session.now(),
        "by": session.actor.user_id,
        "device": session.actor.device_id,
        "node": session.actor.node_id,
        "data": dict(data),
        "parents": frontier(events),
    }


def resolved_ids(events: Sequence[Event]) -> set[str]:
    """Ids of events settled by a later RESOLVED event (its parents include them)."""
    done: set[str] = set()
    for e in events:
        if e.get("type") == "RESOLVED":
            done |= set((e.get("data") or {}).get("conflict") or [])
    return done
