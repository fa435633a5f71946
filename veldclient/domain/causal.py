"""Causal order of a document's events: pure helpers, so the domain and the projection can use them.

Events name their ``parents``: the ids of the latest events their author had seen (the frontier,
like Automerge heads). From that alone every replica can answer "who saw what" the same way: two
events are **concurrent** when neither is an ancestor of the other (made while apart), and
:func:`ordered` gives one causal order that is identical on every replica that holds the same events.

The events come from documents any peer may have written, an old or a hostile one included, so each
helper reads them defensively and alike: an entry that is not a map or has no string ``id`` is no
event; ``parents`` that are not a list name none, and only their string members count; an ``at``
that is not a finite number reads as 0 (:func:`event_time`); two entries with one id are one event
(:func:`_by_id` keeps the same one everywhere). Nothing here raises on such input, and nothing
depends on the order the list happens to hold.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

Event = Mapping[str, Any]


def parent_ids(e: Event) -> list[str]:
    """The ids the event names as its parents; ``parents`` that are not a list name none."""
    parents = e.get("parents")
    if not isinstance(parents, list | tuple):
        return []
    return [p for p in parents if isinstance(p, str)]


def event_time(e: Event) -> int:
    """When the event says it was made (epoch ms); 0 when ``at`` is missing or not a finite number,
    so such an event still has a place in the order, and the same place on every replica."""
    at = e.get("at")
    if isinstance(at, bool) or not isinstance(at, int | float):
        return 0
    if isinstance(at, float) and not math.isfinite(at):
        return 0
    return int(at)


def time_order(e: Event) -> tuple[int, str]:
    """Where an event stands among events that did not see each other: by its time, then by its id,
    the same on every replica. The tie-break of :func:`ordered`, and the order in which the two
    sides of a conflict are shown."""
    return event_time(e), str(e.get("id") or "")


def _canonical(e: Event) -> str:
    """A text that is equal for equal events, to choose between two entries with one id."""
    return json.dumps(e, sort_keys=True, default=repr)


def _by_id(events: Iterable[object]) -> dict[str, Event]:
    """The events by id, in the order they first appear. Services give every event a fresh id, so a
    second entry with an id is a copy or a forgery; whichever it is, every replica keeps the same
    one (the smaller canonical text), so the result does not depend on the list's order."""
    found: dict[str, Event] = {}
    for e in events:
        if not isinstance(e, Mapping):
            continue
        key = e.get("id")
        if not isinstance(key, str) or not key:
            continue
        held = found.get(key)
        if held is None or (held is not e and _canonical(e) < _canonical(held)):
            found[key] = e
    return found


def frontier(events: Sequence[Event]) -> list[str]:
    """Ids of events that no other event names as a parent (the latest the author has seen)."""
    by_id = _by_id(events)
    named = {p for e in by_id.values() for p in parent_ids(e)}
    return sorted(key for key in by_id if key not in named)


def _ancestors(by_id: Mapping[str, Event]) -> dict[str, set[str]]:
    """Every event id -> the ids of all events it (transitively) saw.

    A depth-first walk with its own stack, so a long chain of events never meets the recursion
    limit: an event's set is made when all its parents have theirs. Walks start in id order, so even
    a cycle (a forged document; real events never form one) gives the same sets on every replica."""
    seen: dict[str, set[str]] = {}
    walking: set[str] = set()  # events on the current path: meeting one again closes a cycle
    for start in sorted(by_id):
        stack = [(start, False)]
        while stack:
            current, parents_done = stack.pop()
            parents = [p for p in parent_ids(by_id[current]) if p in by_id]
            if parents_done:
                acc: set[str] = set()
                for p in parents:
                    acc.add(p)
                    acc |= seen.get(p, set())  # empty only for a parent on a cycle
                seen[current] = acc
                walking.discard(current)
            elif current not in seen and current not in walking:
                walking.add(current)
                stack.append((current, True))
                stack.extend((p, False) for p in reversed(parents) if p not in seen)
    return seen


def concurrent(a: Event, b: Event, seen: Mapping[str, set[str]]) -> bool:
    return (
        a["id"] != b["id"]
        and a["id"] not in seen.get(b["id"], set())
        and b["id"] not in seen.get(a["id"], set())
    )


def concurrent_pairs(events: Sequence[Event], types: Iterable[str]) -> list[tuple[Event, Event]]:
    """Pairs of events of the given types made without seeing each other."""
    wanted = set(types)
    by_id = _by_id(events)
    chosen = [e for e in by_id.values() if isinstance(e.get("type"), str) and e["type"] in wanted]
    seen = _ancestors(by_id)
    return [(a, b) for i, a in enumerate(chosen) for b in chosen[i + 1 :] if concurrent(a, b, seen)]


def ordered(events: Sequence[Event]) -> list[Event]:
    """A causal order that is the same on every replica: parents first, ties by (time, id).

    Sorting by the number of ancestors is a causal order because an event always has strictly more
    ancestors than each of its parents; the time and then the id (unique after :func:`_by_id`) make
    the order total, so it does not depend on the order of the list."""
    by_id = _by_id(events)
    seen = _ancestors(by_id)
    return sorted(by_id.values(), key=lambda e: (len(seen[e["id"]]), time_order(e)))
