"""The peer protocol without a transport, as the server answers it (a client drives a run: running.py).

Operations (DESIGN §4; CBOR bodies under ``/v1``, see wire.py):

- ``hello`` → who the server is, the protocol version, limits (body size, ids per call, time per
  call) and a session id.
- ``manifest {since, have, want, after?, upto?}`` → the server compares the caller's ``have`` ([doc
  id, heads digest] of documents the *server* may see) with its own documents the *caller* may see,
  changed after the server-side cursor ``since``. It answers ``docs`` (differ, or the caller lacks
  them), ``missing`` (the caller has them, the server does not) and a new ``cursor``; equal digests
  are recorded as delivered on the spot, so no second list travels back. A caller with more ids
  than one call may list sends its manifest in parts, each covering the id range ``after`` < id <=
  ``upto`` (limits.Part).
- ``fetch {ids}`` → stored bytes of documents the caller lacks, in batches (the side that lacks a
  document starts its transfer: one blob instead of a change-by-change sync); ``rest`` is what did
  not fit in this answer, or in its time.
- ``push {docs}`` → the server merges documents it lacked; answers each one's digest, and ``rest``:
  what it had no time left for (sent again).
- ``sync {msgs}`` → Automerge sync messages per document; the server checks, stores and projects
  what they bring before it answers, so an answer means received: messages back, each document's
  digest as now stored, ``refused`` (every message it did not take, with the reason) and ``rest``
  (messages it had no time left for, sent again). Until both sides are quiet.
- ``ack {docs}`` → the caller now holds these digests: delivery status on the server side. Answers
  ``differ``: digests the server does not hold; the caller records delivery only for the rest.

Every operation is idempotent (changes dedupe by hash) and the cursor only moves once a run has
finished, so a connection dropped mid-sync loses and duplicates nothing: the next run repeats.
Every call lists at most ``limits.MAX_IDS`` ids and has ``limits.CALL_TIME_S`` (limits.py): a server
answers what it did in that time or 503, and a client bounds the rounds a peer can make it do.
Scope is checked on the sending side per document and again on the receiving side (scope.py). Clocks
play no part: cursors are local version counters, sessions expire on a monotonic clock.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from veldclient.errors import NotFound, ProfileBusy, VeldError
from veldclient.store import boundary
from veldclient.store.heads import Heads
from veldclient.store.repo import APPLIED_FIRST, kind_of
from veldclient.sync import acks, limits, peers, wire
from veldclient.sync.replica import Replica, held_by_sender

SESSION_TTL_S = 300.0
MAX_SESSIONS = 256
FETCH_SLICE = 500  # ids the server checks and reads at a time while filling one fetch answer

Handler = Callable[[peers.Peer, dict[str, Any], "_ServerSession", limits.Budget], dict[str, Any]]
# The lists each call may carry, at most limits.MAX_IDS entries each.
LISTS = {
    "manifest": ("have", "want"),
    "fetch": ("ids",),
    "push": ("docs",),
    "sync": ("msgs",),
    "ack": ("docs",),
}


@dataclass
class _ServerSession:
    device_id: str
    node_id: str
    touched: float
    states: dict[str, Any] = field(default_factory=dict)
    # The caller numbers its calls. A repeated number is a duplicate (a retry whose answer was lost):
    # a sync call gets its first answer again, because processing it twice would leave our sync
    # states believing we sent changes the caller never received. A lower number is a stale replay.
    seq: int = 0
    last_op: str = ""
    last_answer: dict[str, Any] | None = None


class PeerServer:
    """Answers one paired device at a time per call; ``device_id`` comes from the TLS layer.
    ``stopping`` set: calls end at their next look at the clock, with 503."""

    def __init__(self, replica: Replica, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.replica = replica
        self._clock = clock
        self._sessions: dict[str, _ServerSession] = {}
        self.stopping = threading.Event()

    def deadline(self) -> float:
        """When a call arriving now must be answered (limits.CALL_TIME_S on this server's clock)."""
        return self._clock() + limits.CALL_TIME_S

    def handle(
        self,
        device_id: str,
        op: str,
        body: dict[str, Any],
        *,
        deadline: float | None = None,
    ) -> dict[str, Any]:
        """The answer to one call, once it is done. ``deadline`` is when the call arrived plus its
        time (:meth:`deadline`); a call that waited past it for the worker, the replica or the write
        lock is answered 503 without doing anything."""
        handlers: dict[str, Handler] = {
            "manifest": self._manifest,
            "fetch": self._fetch,
            "push": self._push,
            "sync": self._sync,
            "ack": self._ack,
        }
        handler = handlers.get(op)
        if handler is None and op != "hello":
            raise wire.WireError(f"Onbekende opdracht '{op}'.", f"Unknown operation '{op}'.", 404)
        for key in LISTS.get(op, ()):
            limits.at_most(body, key)  # before any lock: refusing costs nothing
        budget = limits.Budget(self._clock, self.deadline() if deadline is None else deadline, self.stopping)
        budget.check()
        with self.replica.locked_within(budget.left()) as session:
            peer = peers.usable(session.repo, device_id)  # PeerRefused: the caller maps it to 403
            if op in ("hello", "manifest"):  # once per run; not a write on every call
                with session.transaction():  # an UPDATE takes the write lock: wait as writers do
                    peers.record_contact(session.db, device_id, session.now())
            if handler is None:
                return self._hello(peer, body)
            state = self._session(peer, body)
            seq = wire.integer(body, "seq")
            if seq < state.seq or (seq == state.seq and op != state.last_op):
                raise wire.WireError("Verouderd verzoek.", "Stale request.", 409)
            if seq == state.seq and state.last_answer is not None:
                return state.last_answer
            state.seq, state.last_op, state.last_answer = seq, op, None
            answer = handler(peer, body, state, budget)
            if op == "sync":
                state.last_answer = answer
            return answer

    def _session(self, peer: peers.Peer, body: dict[str, Any]) -> _ServerSession:
        now = self._clock()
        for old in [s for s, v in self._sessions.items() if now - v.touched > SESSION_TTL_S]:
            del self._sessions[old]
        sid = body.get("session")
        found = self._sessions.get(sid) if isinstance(sid, str) else None
        if found is None or found.device_id != peer.device_id:
            raise wire.WireError("Onbekende of verlopen sessie.", "Unknown or expired session.", 409)
        found.touched = now
        return found

    def _hello(self, peer: peers.Peer, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("proto") != wire.PROTO:
            raise wire.WireError(
                f"Protocolversie {body.get('proto')!r} wordt niet ondersteund (wel {wire.PROTO}).",
                f"Protocol version {body.get('proto')!r} is not supported (only {wire.PROTO}).",
                400,
            )
        if len(self._sessions) >= MAX_SESSIONS:
            oldest = min(self._sessions, key=lambda s: self._sessions[s].touched)
            del self._sessions[oldest]
        sid = secrets.token_urlsafe(16)
        self._sessions[sid] = _ServerSession(peer.device_id, peer.node_id, self._clock())
        session = self.replica.session
        with session.transaction():
            session.audit(
                "sync.session",
                "R",
                "peer",
                object_id=peer.device_id,
                detail={"peer": peer.name, "peer_node": peer.node_id, "side": "server"},
            )
        return {
            "proto": wire.PROTO,
            "device_id": session.actor.device_id,
            "node_id": session.actor.node_id,
            "max_body": wire.MAX_BODY,
            "max_ids": limits.MAX_IDS,
            "call_time_s": limits.CALL_TIME_S,
            "session": sid,
        }

    def _manifest(
        self, peer: peers.Peer, body: dict[str, Any], state: _ServerSession, budget: limits.Budget
    ) -> dict[str, Any]:
        """Linear in what is listed and held (dicts and sets, one query per 500 ids), and bounded
        by limits.MAX_IDS: it needs no look at the clock once started."""
        replica, session = self.replica, self.replica.session
        since = wire.integer(body, "since")
        have = dict(wire.pairs(body, "have", bytes))
        want = wire.strings(body, "want")
        part = limits.Part.of(body)
        part.check("have", list(have))
        part.check("want", want)
        cursor = replica.version()
        # After a first exchange, what the caller acknowledged at its current heads is left out:
        # the documents it just received from us are not offered back on the next run.
        mine, delivered = replica.scope.offer(peer.node_id, since, peer.device_id, part)
        if since:
            mine = {d: h for d, h in mine.items() if d not in delivered}
        # Also what the caller holds (to compare) and could not take last time (a listing arrived
        # later), whatever the cursor says.
        extra = [d for d in dict.fromkeys([*want, *have]) if d not in mine]
        sendable = replica.sendable(peer.node_id, extra)
        mine.update((d, h) for d, h in replica.heads_of(extra).items() if d in sendable)
        docs, equal = [], []
        for doc_id, heads in mine.items():
            digest = heads.digest
            if have.get(doc_id) == digest:
                if doc_id not in delivered:
                    equal.append((doc_id, heads))
            else:
                docs.append([doc_id, digest])
        unseen = [d for d in have if d not in mine]
        held = session.repo.held(unseen)
        missing = [d for d in unseen if d not in held]
        ignored = [d for d in unseen if d in held]  # here, but not theirs to see
        if equal:
            with session.transaction():
                acks.record(session.db, peer.device_id, equal, session.now())
        return {"docs": docs, "missing": missing, "ignored": ignored, "cursor": cursor}

    def _fetch(
        self, peer: peers.Peer, body: dict[str, Any], state: _ServerSession, budget: limits.Budget
    ) -> dict[str, Any]:
        repo = self.replica.session.repo
        wanted = wire.strings(body, "ids")
        out: list[list[Any]] = []
        size, rest, unavailable = 0, [], []
        # A slice at a time, so scope and storage are read only for about what fits in this answer
        # (and in its time). An answer always carries documents when any are to be had.
        for start in range(0, len(wanted), FETCH_SLICE):
            part = wanted[start : start + FETCH_SLICE]
            if out and (size >= wire.BATCH_BYTES or budget.spent()):
                rest += part
                continue
            sendable = self.replica.sendable(peer.node_id, part)
            blobs = repo.stored_bytes_many([d for d in part if d in sendable])
            for doc_id in part:
                data = blobs.get(doc_id)
                if data is None:
                    unavailable.append(doc_id)  # not theirs to see, not held, or failed its checksum
                elif size >= wire.BATCH_BYTES:
                    rest.append(doc_id)
                else:
                    out.append([doc_id, data])
                    size += len(data)
        return {"docs": out, "rest": rest, "unavailable": unavailable}

    def _push(
        self, peer: peers.Peer, body: dict[str, Any], state: _ServerSession, budget: limits.Budget
    ) -> dict[str, Any]:
        session = self.replica.session
        items = wire.pairs(body, "docs", bytes)
        sent: dict[str, Heads] = {}
        refused: list[tuple[str, str]] = []
        taken: list[str] = []
        rest: list[str] = []
        for part in limits.slices(items, limits.SLICE):  # one transaction each
            if taken and budget.spent():
                rest += [d for d, _ in part]
                continue
            refused += session.repo.merge_many(list(part), self.replica.accept_from(peer.node_id), sent)[1]
            taken += [d for d, _ in part]
        now = self.replica.heads_of(taken)
        with session.transaction():
            # The peer holds what it sent: when that is all we now hold, it is delivered.
            acks.record(session.db, peer.device_id, held_by_sender(sent, now), session.now())
        return {
            "applied": [[d, h.digest] for d, h in now.items()],
            "refused": [[d, r] for d, r in refused],
            "rest": rest,
        }

    def _sync(
        self, peer: peers.Peer, body: dict[str, Any], state: _ServerSession, budget: limits.Budget
    ) -> dict[str, Any]:
        """Take the caller's messages in, check, store and project them, then answer: the answer's
        heads are what we hold, and its refusals are all there are. Node and share documents go
        first (trust and scope depend on them; a refusal there starts the whole-document fallback),
        then the rest a slice at a time, one transaction each; once the call's time is spent, the
        messages left are answered as ``rest``, to be sent again."""
        repo = self.replica.session.repo
        msgs = wire.pairs(body, "msgs", bytes)
        if body.get("restart"):
            # A new run starts from fresh states on both sides: what a lost answer made the old
            # state believe the caller has, it may not have.
            for doc_id, _ in msgs:
                state.states.pop(doc_id, None)
        sendable = self.replica.sendable(peer.node_id, [d for d, _ in msgs])
        refused: list[list[str]] = [[d, "unknown"] for d, _ in msgs if d not in sendable]
        items = [
            (d, state.states.setdefault(d, boundary.new_sync_state()), m) for d, m in msgs if d in sendable
        ]
        first = [i for i in items if kind_of(i[0]) in APPLIED_FIRST]
        try:
            taken, failed = repo.receive_sync_many(first)
            rest: list[str] = []
            started = bool(first)
            for part in limits.slices([i for i in items if kind_of(i[0]) not in APPLIED_FIRST], limits.SLICE):
                if started and budget.spent():
                    rest += [d for d, _, _ in part]
                    continue
                changed, failing = repo.receive_sync_many(list(part))
                taken += changed
                failed += failing
                started = True
        except BaseException:
            for doc_id, _, _ in items:  # they may believe the caller's changes are here
                state.states.pop(doc_id, None)
            raise
        skip = {d for d, _ in failed}
        refused += [[d, why] for d, why in failed]
        later = set(rest)
        for doc_id in skip:
            state.states.pop(doc_id, None)
        messages, unreadable = repo.generate_sync_many(
            (d, s) for d, s, _ in items if d not in later and d not in skip
        )
        for doc_id, why in unreadable:
            state.states.pop(doc_id, None)
            refused.append([doc_id, why])
        heads = self.replica.heads_of(list(messages))
        return {
            "msgs": [[d, m] for d, m in messages.items() if m is not None],
            "heads": [[d, h.digest] for d, h in heads.items()],
            "taken": list(taken),  # changed here by the caller's messages: what its report counts as sent
            "refused": refused,
            "rest": rest,
        }

    def _ack(
        self, peer: peers.Peer, body: dict[str, Any], state: _ServerSession, budget: limits.Budget
    ) -> dict[str, Any]:
        """The caller holds these digests; we answer which of them we do not hold (any more), so the
        caller records only what we really hold."""
        session = self.replica.session
        claimed = dict(wire.pairs(body, "docs", bytes))
        current = self.replica.heads_of(list(claimed))
        held = [(d, h) for d, h in current.items() if h.digest == claimed[d]]
        with session.transaction():
            acks.record(session.db, peer.device_id, held, session.now())
        for doc_id in claimed:
            state.states.pop(doc_id, None)
        same = {d for d, _ in held}
        return {"recorded": len(held), "differ": sorted(d for d in claimed if d not in same)}


def serve_refusal(exc: BaseException) -> tuple[int, str]:
    """HTTP status and English reason for an error raised by :meth:`PeerServer.handle`."""
    if isinstance(exc, peers.PeerRefused):
        return 403, exc.message("en")
    if isinstance(exc, wire.WireError):
        return exc.status, exc.message("en")
    if isinstance(exc, ProfileBusy):  # another process writes: the caller asks again soon
        return 503, limits.busy().message("en")
    if isinstance(exc, NotFound):
        return 404, exc.message("en")
    if isinstance(exc, VeldError):
        return 422, exc.message("en")
    return 500, "internal error"
