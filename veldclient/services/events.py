"""Append-only events with causal parents: how contested changes survive merges and get detected.

Fields where a silent winner is dangerous (status, offers, acceptances, bookings, match steps) are
never overwritten: each step is an event appended to the document's ``events`` list. Every event
names its ``parents``: the ids of the events that were the latest its author had seen (the frontier,
like Automerge heads). After a merge, two events are **concurrent** when neither is an ancestor of the
other — made while apart. Which concurrent pairs matter (two acceptances of the same offer, accept vs
cancel) is decided by the service that owns the document; this module only answers "who saw what".

Event shape (a map in the document): ``{id, type, at, by, device, node, data, parents}``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from veldclient.services.session import Session

Event = Mapping[str, Any]


def frontier(events: Sequence[Event]) -> list[str]:
    """Ids of events that no other event names as a parent (the latest the author has seen)."""
    named = {p for e in events for p in (e.get("parents") or [])}
    return sorted(e["id"] for e in events if e.get("id") and e["id"] not in named)


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


def ancestors(events: Sequence[Event]) -> dict[str, set[str]]:
    """Every event id -> the ids of all events it (transitively) saw."""
    by_id = {e["id"]: e for e in events if e.get("id")}
    memo: dict[str, set[str]] = {}

    def walk(event_id: str) -> set[str]:
        if event_id in memo:
            return memo[event_id]
        memo[event_id] = set()  # cycle guard (a hand-edited document); events never form cycles
        seen: set[str] = set()
        for parent in by_id.get(event_id, {}).get("parents") or []:
            if parent in by_id:
                seen.add(parent)
                seen |= walk(parent)
        memo[event_id] = seen
        return seen

    for event_id in by_id:
        walk(event_id)
    return memo


def concurrent(a: Event, b: Event, seen: Mapping[str, set[str]]) -> bool:
    return (
        a["id"] != b["id"]
        and a["id"] not in seen.get(b["id"], set())
        and b["id"] not in seen.get(a["id"], set())
    )


def concurrent_pairs(events: Sequence[Event], types: Iterable[str]) -> list[tuple[Event, Event]]:
    """Pairs of events of the given types made without seeing each other."""
    wanted = set(types)
    chosen = [e for e in events if e.get("type") in wanted and e.get("id")]
    seen = ancestors(events)
    return [(a, b) for i, a in enumerate(chosen) for b in chosen[i + 1 :] if concurrent(a, b, seen)]


def ordered(events: Sequence[Event]) -> list[Event]:
    """A causal order that is the same on every replica: parents first, ties by (at, id)."""
    seen = ancestors(events)
    return sorted(
        (e for e in events if e.get("id")), key=lambda e: (len(seen.get(e["id"], ())), e["at"], e["id"])
    )


@dataclass(frozen=True)
class Resolution:
    """A person's decision on a conflict, itself an event whose parents are the conflicting events."""

    event_id: str
    chosen: str | None
    note: str


def resolved_ids(events: Sequence[Event]) -> set[str]:
    """Ids of events settled by a later RESOLVED event (its parents include them)."""
    done: set[str] = set()
    for e in events:
        if e.get("type") == "RESOLVED":
            done |= set((e.get("data") or {}).get("conflict") or [])
    return done
