"""Causal order of a document's events: pure helpers, so the domain and the projection can use them.

Events name their ``parents``: the ids of the latest events their author had seen (the frontier,
like Automerge heads). From that alone every replica can answer "who saw what" the same way: two
events are **concurrent** when neither is an ancestor of the other (made while apart), and
:func:`ordered` gives one causal order that is identical on every replica that holds the same events.

These lived in ``services/events.py``; they moved here because the domain (match status) and the
projection (a pure function of the document) need them and must not import services.
``services/events.py`` re-exports them, so existing callers keep working.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

Event = Mapping[str, Any]


def frontier(events: Sequence[Event]) -> list[str]:
    """Ids of events that no other event names as a parent (the latest the author has seen)."""
    named = {p for e in events for p in (e.get("parents") or [])}
    return sorted(e["id"] for e in events if e.get("id") and e["id"] not in named)


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
