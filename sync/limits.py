"""How much one call may ask of a peer, and for how long (docs/sync.md, "Limits").

A paired peer is trusted with documents, not to be careful. Whatever it sends, a server refuses a
call that lists more than ``MAX_IDS`` ids (413) before doing any work; it answers the rest within
about ``CALL_TIME_S`` from their arrival, checking the clock between slices of work and answering
what it has done (the caller asks again for the rest), or "busy" (503) when it could not start in
time; and it never waits longer than that for the replica or the database's write lock. A client
splits its own requests to the same limits, so a large laptop syncs like a small one, and it bounds
what a peer can make it do (``BUSY_WAITS_S``, ``IDLE_ROUNDS``).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from veldclient.sync import wire

MAX_IDS = 10_000  # ids (documents, messages) one call may list: manifest, fetch, push, sync, ack
SLICE = 5_000  # documents a server takes in between two looks at the clock (push, sync)
CALL_TIME_S = 8.0  # per call, from its arrival at the server
BUSY_WAITS_S = (0.5, 1.0, 2.0)  # a client's pauses before it asks a busy server again
IDLE_ROUNDS = 3  # answers in a row that move nothing forward before a client gives up on the run

T = TypeVar("T")


def at_most(body: dict[str, Any], key: str) -> None:
    """413 when ``body[key]`` lists more than :data:`MAX_IDS` entries."""
    value = body.get(key)
    if isinstance(value, list) and len(value) > MAX_IDS:
        raise wire.WireError(
            f"Te veel ids in één verzoek: {len(value)} in '{key}', hoogstens {MAX_IDS}.",
            f"Too many ids in one request: {len(value)} in '{key}', at most {MAX_IDS}.",
            413,
        )


def busy() -> wire.WireError:
    return wire.WireError("Bezig; probeer het zo opnieuw.", "Busy; try again in a moment.", 503)


class Budget:
    """The time one call has left (``clock`` in seconds, like ``time.monotonic``); a server that is
    stopping has none."""

    def __init__(self, clock: Callable[[], float], deadline: float, stopping: threading.Event) -> None:
        self._clock = clock
        self.deadline = deadline
        self._stopping = stopping

    def left(self) -> float:
        return 0.0 if self._stopping.is_set() else max(self.deadline - self._clock(), 0.0)

    def spent(self) -> bool:
        return self._stopping.is_set() or self._clock() >= self.deadline

    def check(self) -> None:
        """503 when the call has no time left (it waited too long to start, or the server stops)."""
        if self.spent():
            raise busy()


def slices(items: Sequence[T], most: int) -> list[Sequence[T]]:
    """``items`` in even slices of at most ``most``: 4,400 documents are two slices of 2,200, not
    2,500 and 1,900, so each stays large enough for the bulk paths (prepare.PARALLEL_FROM)."""
    if not items:
        return []
    count = math.ceil(len(items) / most)
    size = math.ceil(len(items) / count)
    return [items[i : i + size] for i in range(0, len(items), size)]


@dataclass(frozen=True)
class Part:
    """The id range one manifest call covers, ``after`` < id <= ``upto`` (open where None). A client
    that holds more documents than one call may list sends its manifest in parts; the server
    compares only its own documents in the part's range, so no state is kept between the calls."""

    after: str | None = None
    upto: str | None = None

    @classmethod
    def of(cls, body: dict[str, Any]) -> Part:
        bounds = [body.get("after"), body.get("upto")]
        if not all(b is None or isinstance(b, str) for b in bounds):
            raise wire.WireError("Deel van de lijst klopt niet.", "The manifest part is malformed.")
        return cls(*bounds)

    def holds(self, doc_id: str) -> bool:
        return (self.after is None or doc_id > self.after) and (self.upto is None or doc_id <= self.upto)

    def condition(self, column: str = "doc_id") -> tuple[str, list[str]]:
        """The range as an SQL condition to append with AND (empty when open) and its parameters:
        a part's documents are read by the primary key, not picked out of every document held."""
        sql, params = "", []
        if self.after is not None:
            sql, params = f" AND {column} > ?", [self.after]
        if self.upto is not None:
            sql, params = f"{sql} AND {column} <= ?", [*params, self.upto]
        return sql, params

    def check(self, key: str, ids: list[str]) -> None:
        if self.after is None and self.upto is None:
            return
        if not all(self.holds(d) for d in ids):
            raise wire.WireError(
                f"Veld '{key}' noemt ids buiten zijn deel.", f"Field '{key}' lists ids outside its part."
            )


EVERY_ID = Part()


def manifest_parts(have: list[list[Any]], want: list[str], most: int) -> list[dict[str, Any]]:
    """``have`` ([id, digest]) and ``want`` (ids) split into manifest calls of at most ``most`` ids,
    cut between ids in sorted order; each part names the range it covers (:class:`Part`)."""
    ids = sorted({h[0] for h in have} | set(want))
    if len(ids) <= most:
        return [{"have": have, "want": want}]
    have_of = {h[0]: h for h in have}
    wanted = set(want)
    parts = []
    for start in range(0, len(ids), most):
        chunk = ids[start : start + most]
        part: dict[str, Any] = {
            "have": [have_of[d] for d in chunk if d in have_of],
            "want": [d for d in chunk if d in wanted],
        }
        if start:
            part["after"] = ids[start - 1]
        if start + most < len(ids):
            part["upto"] = chunk[-1]
        parts.append(part)
    return parts
