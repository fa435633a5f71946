"""The peer protocol without a transport: what the server answers and how a client drives a sync.

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

import json
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from veldclient.db import ProfileDatabase, rows_in
from veldclient.errors import NotFound, ProfileBusy, VeldError
from veldclient.services.session import Session
from veldclient.store import boundary, erasures, prepare
from veldclient.store.docstore import heads_text
from veldclient.store.repo import APPLIED_FIRST, OUT_OF_SCOPE, kind_of
from veldclient.sync import acks, limits, peers, refusals, wire
from veldclient.sync.scope import Scope

PROTO = 1
SESSION_TTL_S = 300.0
MAX_SESSIONS = 256
MAX_ROUNDS = 12

Transport = Callable[[str, dict[str, Any]], dict[str, Any]]
Handler = Callable[[peers.Peer, dict[str, Any], "_ServerSession", limits.Budget], dict[str, Any]]
# The lists each call may carry, at most limits.MAX_IDS entries each.
LISTS = {
    "manifest": ("have", "want"),
    "fetch": ("ids",),
    "push": ("docs",),
    "sync": ("msgs",),
    "ack": ("docs",),
}


class SyncFailed(VeldError):
    """A sync run could not finish; nothing is lost, the next run repeats what is missing."""


@dataclass
class Replica:
    """A session plus the lock that serialises every use of it (the TUI and the server share one)."""

    session: Session
    lock: threading.RLock = field(default_factory=threading.RLock)
    scope: Scope = field(init=False)

    def __post_init__(self) -> None:
        self.scope = Scope(self.session.repo)

    @property
    def node_id(self) -> str:
        return self.session.actor.node_id

    @contextmanager
    def locked(self) -> Iterator[Session]:
        with self.lock:
            yield self.session

    @contextmanager
    def locked_within(self, seconds: float) -> Iterator[Session]:
        """:meth:`locked`, or "busy" (503) when the replica is not free within ``seconds``, and
        the database's write lock waited for at most as long: a server call has a time limit."""
        if not self.lock.acquire(timeout=max(seconds, 0.0)):
            raise limits.busy()
        try:
            db = self.session.db
            waiting: AbstractContextManager[None] = (
                db.waiting_at_most(seconds) if isinstance(db, ProfileDatabase) else nullcontext()
            )
            with waiting:
                yield self.session
        finally:
            self.lock.release()

    def version(self) -> int:
        row = self.session.db.execute("SELECT value FROM am_meta WHERE key = 'version'").fetchone()
        return int(row[0]) if row else 0

    def digests(self, doc_ids: list[str]) -> dict[str, str]:
        """{doc id: heads text} for the healthy documents among ``doc_ids``."""
        sql = "SELECT doc_id, heads FROM am_docs WHERE quarantined = 0 AND doc_id IN ({marks})"
        return dict(rows_in(self.session.db, sql, doc_ids))

    def accept_from(self, peer_node: str) -> Callable[[str, str, str | None], bool]:
        """Receiving-side scope: a document both the sender and we may hold."""

        def accept(doc_id: str, kind: str, owner: str | None) -> bool:
            return self.scope.may_see(peer_node, doc_id, kind, owner) and self.scope.may_see(
                self.node_id, doc_id, kind, owner
            )

        return accept

    def sendable(self, peer_node: str, doc_ids: list[str]) -> set[str]:
        """Of ``doc_ids``, those ``peer_node`` may see (one query per 500 ids)."""
        sql = "SELECT doc_id, kind, node_id FROM am_docs WHERE quarantined = 0 AND doc_id IN ({marks})"
        rows = rows_in(self.session.db, sql, doc_ids)
        return {d for d, kind, owner in rows if self.scope.may_see(peer_node, d, kind, owner)}


Items = list[tuple[str, bytes]]
FETCH_SLICE = 500  # ids the server checks and reads at a time while filling one fetch answer


def _batches(items: Items, limit: int = wire.BATCH_BYTES, most: int | None = None) -> Iterator[Items]:
    """``items`` in batches of at most ``limit`` bytes (one item may be larger) and ``most`` items."""
    batch: Items = []
    size = 0
    most = most or limits.MAX_IDS
    for item in items:
        if batch and (size + len(item[1]) > limit or len(batch) >= most):
            yield batch
            batch, size = [], 0
        batch.append(item)
        size += len(item[1])
    if batch:
        yield batch


# -- server ------------------------------------------------------------------------------------


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
        if body.get("proto") != PROTO:
            raise wire.WireError(
                f"Protocolversie {body.get('proto')!r} wordt niet ondersteund (wel {PROTO}).",
                f"Protocol version {body.get('proto')!r} is not supported (only {PROTO}).",
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
            "proto": PROTO,
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
        mine, delivered = replica.scope.offer(peer.node_id, since, peer.device_id)
        mine = {d: h for d, h in mine.items() if part.holds(d) and not (since and d in delivered)}
        # Also what the caller holds (to compare) and could not take last time (a listing arrived
        # later), whatever the cursor says.
        extra = [d for d in dict.fromkeys([*want, *have]) if d not in mine]
        sendable = replica.sendable(peer.node_id, extra)
        mine.update((d, h) for d, h in replica.digests(extra).items() if d in sendable)
        docs, equal = [], []
        for doc_id, heads in mine.items():
            digest = acks.digest(heads)
            if have.get(doc_id) == digest:
                if doc_id not in delivered:
                    equal.append((doc_id, heads))
            else:
                docs.append([doc_id, digest])
        unseen = [d for d in have if d not in mine]
        held = session.repo.store.existing(unseen)
        missing = [d for d in unseen if d not in held]
        ignored = [d for d in unseen if d in held]  # here, but not theirs to see
        with session.transaction():
            acks.record(session.db, peer.device_id, equal, session.now())
        return {"docs": docs, "missing": missing, "ignored": ignored, "cursor": cursor}

    def _fetch(
        self, peer: peers.Peer, body: dict[str, Any], state: _ServerSession, budget: limits.Budget
    ) -> dict[str, Any]:
        store = self.replica.session.repo.store
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
            blobs = store.raw_bytes_many([d for d in part if d in sendable])
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
        sent: dict[str, list[bytes]] = {}
        refused: list[tuple[str, str]] = []
        taken: list[str] = []
        rest: list[str] = []
        for part in limits.slices(items, limits.SLICE):  # one transaction each
            if taken and budget.spent():
                rest += [d for d, _ in part]
                continue
            refused += session.repo.merge_many(list(part), self.replica.accept_from(peer.node_id), sent)[1]
            taken += [d for d, _ in part]
        now = self.replica.digests(taken)
        with session.transaction():
            # The peer holds what it sent: when that is all we now hold, it is delivered.
            acks.record(session.db, peer.device_id, _held(sent, now), session.now())
        return {
            "applied": [[d, acks.digest(h)] for d, h in now.items()],
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
            _, failed = repo.receive_sync_many(first)
            rest: list[str] = []
            started = bool(first)
            for part in limits.slices([i for i in items if kind_of(i[0]) not in APPLIED_FIRST], limits.SLICE):
                if started and budget.spent():
                    rest += [d for d, _, _ in part]
                    continue
                failed += repo.receive_sync_many(list(part))[1]
                started = True
        except BaseException:
            for doc_id, _, _ in items:  # they may believe the caller's changes are here
                state.states.pop(doc_id, None)
            raise
        skip = {d for d, _ in failed}
        refused += [[d, why] for d, why in failed]
        replies: list[list[Any]] = []
        later = set(rest)
        answered: list[str] = []
        for doc_id, sync_state, _ in items:
            if doc_id in later:
                continue
            if doc_id in skip:
                state.states.pop(doc_id, None)
                continue
            try:
                reply = repo.store.generate_sync(doc_id, sync_state)
            except VeldError as exc:
                state.states.pop(doc_id, None)
                refused.append([doc_id, exc.message("en")])
                continue
            answered.append(doc_id)
            if reply is not None:
                replies.append([doc_id, reply])
        heads = self.replica.digests(answered)
        return {
            "msgs": replies,
            "heads": [[d, acks.digest(h)] for d, h in heads.items()],
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
        current = self.replica.digests(list(claimed))
        held = [(d, h) for d, h in current.items() if acks.digest(h) == claimed[d]]
        with session.transaction():
            acks.record(session.db, peer.device_id, held, session.now())
        for doc_id in claimed:
            state.states.pop(doc_id, None)
        same = {d for d, _ in held}
        return {"recorded": len(held), "differ": sorted(d for d in claimed if d not in same)}


def _held(sent: dict[str, list[bytes]], current: dict[str, str]) -> list[tuple[str, str]]:
    """Received documents whose blobs carried exactly our current heads: the sender holds those."""
    out = []
    for doc_id, heads in sent.items():
        text = current.get(doc_id)
        if text is not None and heads_text(heads) == text:
            out.append((doc_id, text))
    return out


# -- client ------------------------------------------------------------------------------------


@dataclass
class SyncReport:
    peer: str
    fetched: int = 0
    pushed: int = 0
    merged: int = 0  # documents changed here
    refused: list[tuple[str, str]] = field(default_factory=list)
    unconverged: list[str] = field(default_factory=list)
    round_trips: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0

    @property
    def moved(self) -> bool:
        return bool(self.fetched or self.pushed or self.merged or self.refused or self.unconverged)

    def as_json(self) -> dict[str, Any]:
        return {
            "peer": self.peer,
            "fetched": self.fetched,
            "pushed": self.pushed,
            "merged": self.merged,
            "refused": [list(r) for r in self.refused],
            "unconverged": self.unconverged,
            "round_trips": self.round_trips,
            "bytes_sent": self.bytes_sent,
            "bytes_received": self.bytes_received,
        }


@dataclass
class Link:
    """What a client keeps between runs with one peer while the connection stays open."""

    session_id: str | None = None
    seq: int = 0  # numbers this session's calls (the server answers a repeated number only once)
    remote_cursor: int = 0
    local_cursor: int = 0
    # Documents a finished run did not bring to equal heads (or the peer refused to sync): offered
    # again in the next run whatever the cursors say, and synced without trusting old acks.
    retry: set[str] = field(default_factory=set)
    refetch: set[str] = field(default_factory=set)
    max_ids: int | None = None  # what the server announced it takes per call, when less than ours


class SyncClient:
    """Drives one sync run against a peer over ``transport(op, body) -> body``."""

    def __init__(self, replica: Replica, peer: peers.Peer, transport: Transport, link: Link | None = None):
        self.replica = replica
        self.peer = peer
        self.transport = transport
        self.link = link or Link()
        self.report = SyncReport(peer.name)

    def call(self, op: str, body: dict[str, Any]) -> dict[str, Any]:
        """One call; a server that says it is busy (503: nothing done) is asked again after a
        pause, a few times, with the same number (a repeat of what it did not do)."""
        if op != "hello":
            self.link.seq += 1
            body = {**body, "session": self.link.session_id, "seq": self.link.seq}
        for pause in (*limits.BUSY_WAITS_S, None):
            self.report.round_trips += 1
            try:
                return self.transport(op, body)
            except wire.WireError as exc:
                if exc.status != 503:
                    raise
                if pause is None:
                    raise SyncFailed(
                        f"{self.peer.name} is bezig; er is niets verloren, probeer het zo opnieuw.",
                        f"{self.peer.name} is busy; nothing is lost, try again in a moment.",
                    ) from None
                time.sleep(pause)
        raise AssertionError("unreachable")

    @property
    def max_ids(self) -> int:
        """Ids this client lists in one call: the limit, or less when the server said so."""
        return min(limits.MAX_IDS, self.link.max_ids or limits.MAX_IDS)

    def run(self, progress: Callable[[str, int, int], None] | None = None) -> SyncReport:
        say = progress or (lambda stage, done, total: None)
        if self.link.session_id is None:
            self._hello()
        try:
            return self._run(say)
        except wire.WireError as exc:
            if exc.status != 409:
                raise
            self.link = Link()  # the server forgot our session (restart, expiry): start over once
            self.report = SyncReport(self.peer.name)
            self._hello()
            return self._run(say)

    def _no_progress(self, idle: int, stuck: bool, nl: str, en: str) -> int:
        """Count answers in a row that moved nothing forward; after ``limits.IDLE_ROUNDS`` the run
        ends in one line (what the peer keeps doing: ``nl``/``en``), and the next run tries again."""
        idle = idle + 1 if stuck else 0
        if idle >= limits.IDLE_ROUNDS:
            raise SyncFailed(
                f"{self.peer.name} {nl}; deze ronde stopt hier en de volgende probeert het opnieuw.",
                f"{self.peer.name} {en}; the run stops here and the next one tries again.",
            )
        return idle

    def _holds(self, doc_id: str) -> bool:
        return self.replica.session.repo.store.exists(doc_id)

    def _hello(self) -> None:
        answer = self.call("hello", {"proto": PROTO})
        if answer.get("device_id") != self.peer.device_id or answer.get("node_id") != self.peer.node_id:
            raise peers.PeerRefused(
                f"Peer {self.peer.name} meldt zich met een ander apparaat of knooppunt.",
                f"Peer {self.peer.name} answers as another device or node.",
            )
        if answer.get("proto") != PROTO:
            raise SyncFailed(
                f"Peer {self.peer.name} spreekt protocolversie {answer.get('proto')!r}.",
                f"Peer {self.peer.name} speaks protocol version {answer.get('proto')!r}.",
            )
        self.link.session_id = str(answer.get("session"))
        announced = answer.get("max_ids")
        if isinstance(announced, int) and not isinstance(announced, bool) and announced > 0:
            self.link.max_ids = announced

    def _run(self, say: Callable[[str, int, int], None]) -> SyncReport:
        replica, link, peer = self.replica, self.link, self.peer
        full = link.remote_cursor == 0
        with replica.locked():
            start_version = replica.version()
            # A full manifest lists everything (the peer may have lost data); later ones leave out
            # what the peer acknowledged at the current heads, such as what it just sent us.
            since = 0 if full else link.local_cursor
            mine, delivered = replica.scope.offer(peer.node_id, since, peer.device_id)
            if not full:
                mine = {d: h for d, h in mine.items() if d not in delivered}
            again = [d for d in link.retry if d not in mine]
            sendable = replica.sendable(peer.node_id, again)
            mine.update((d, h) for d, h in replica.digests(again).items() if d in sendable)
        say("manifest", 0, 1)
        body = {
            "since": link.remote_cursor,
            "have": [[d, acks.digest(h)] for d, h in mine.items()],
            "want": sorted(link.refetch),
        }
        # Not on first contact: it lists everything, most of it equal on both sides.
        answer, early = self._manifest(body, [] if full else list(mine))
        theirs = wire.pairs(answer, "docs", bytes)
        missing = wire.strings(answer, "missing")
        cursor = wire.integer(answer, "cursor")
        with replica.locked() as session:
            local = replica.digests([d for d, _ in theirs])
            erased = session.repo.erased_keys()
            fetch, sync, equal = [], [], []
            for doc_id, digest in theirs:
                heads = local.get(doc_id)
                if heads is None:
                    if erasures.key(doc_id) not in erased:
                        fetch.append(doc_id)
                elif acks.digest(heads) == digest:
                    equal.append((doc_id, heads))
                else:
                    sync.append(doc_id)
            listed = {d for d, _ in theirs} | set(missing) | set(wire.strings(answer, "ignored"))
            # What the server neither listed nor lacks, it holds with our digest (it compared).
            same = [(d, h) for d, h in mine.items() if d not in listed and d not in delivered]
            with session.transaction():
                acks.record(session.db, peer.device_id, same + equal, session.now())
        got: list[str] = []
        synced: list[str] = []
        offered = dict(theirs)
        for part in _phases(fetch, [d for d in missing if d in mine], sync):
            synced += self._exchange(part, early, offered, got, say)
        with replica.locked() as session:
            final = replica.digests(got + synced)
        if final:
            self._ack(final)
        with replica.locked() as session, session.transaction():
            link.remote_cursor = cursor
            link.local_cursor = start_version
            refused = {d for d, _ in self.report.refused}
            link.retry = set(self.report.unconverged) | refused
            # Refused because its listing had not arrived yet: ask for it again, whatever the cursor.
            link.refetch = {d for d, why in self.report.refused if why == OUT_OF_SCOPE and not self._holds(d)}
            peers.set_cursor(session.db, peer.device_id, cursor)
            peers.record_contact(session.db, peer.device_id, session.now())
            if self.report.moved:  # a run that moved nothing touched no record: nothing to audit
                session.audit(
                    "sync.run",
                    "E",
                    "peer",
                    object_id=peer.device_id,
                    detail={
                        "peer": peer.name,
                        "peer_node": peer.node_id,
                        "fetched": self.report.fetched,
                        "pushed": self.report.pushed,
                        "merged": self.report.merged,
                        "refused": len(self.report.refused),
                    },
                )
        say("done", 1, 1)
        return self.report

    def _exchange(
        self,
        part: _Phase,
        early: dict[str, bytes],
        offered: dict[str, bytes],
        got: list[str],
        say: Callable[[str, int, int], None],
    ) -> list[str]:
        """Fetch, push and sync one phase's documents; returns those synced to equal heads."""
        self._fetch(self._skip_known_refusals(part.fetch, offered), offered, got, say)
        self._push(part.push, say)
        synced, refused_here, refused_there = self._sync(part.sync, early, say)
        if refused_here or refused_there:
            # A sync message carries part of a history, and a trust check on a part can refuse what
            # the whole vouches for (an introduction that a Bloom-filter false positive held back
            # for a round). Node documents refused that way are exchanged whole, once each way,
            # and checked on the complete history: taken, or refused for good (and reported).
            whole = sorted(set(refused_here) | set(refused_there))
            self.report.refused = [r for r in self.report.refused if r[0] not in whole]
            self._fetch(whole, offered, got, say)
            self._push(whole, say)
        return synced

    def _ack(self, final: dict[str, str]) -> None:
        """Tell the server what we hold; record as delivered only what it answers it holds too (its copy
        may have changed, or been erased, since it answered)."""
        items = list(final.items())
        for start in range(0, len(items), self.max_ids):
            part = dict(items[start : start + self.max_ids])
            answer = self.call("ack", {"docs": [[d, acks.digest(h)] for d, h in part.items()]})
            differ = set(wire.strings(answer, "differ"))
            self.report.unconverged += sorted(d for d in differ if d in part)
            with self.replica.locked() as session, session.transaction():
                held = [(d, h) for d, h in part.items() if d not in differ]
                acks.record(session.db, self.peer.device_id, held, session.now())

    def _skip_known_refusals(self, fetch: list[str], offered: dict[str, bytes]) -> list[str]:
        """Node documents refused before at the version offered now are reported, not fetched."""
        with self.replica.locked() as session:
            node_docs = {d: offered[d] for d in fetch if kind_of(d) == "node"}
            known = refusals.still_refused(session.db, self.peer.device_id, node_docs)
        self.report.refused += sorted(known.items())
        return [d for d in fetch if d not in known]

    def _fetch(
        self, ids: list[str], offered: dict[str, bytes], got: list[str], say: Callable[[str, int, int], None]
    ) -> None:
        """Fetch in calls of at most :attr:`max_ids` ids; the next call is on its way while this
        answer is stored (the server reads and sends while this side loads and writes). Calls stay
        one after another on the wire. Only what was asked is taken, and an answer that moves
        nothing forward (every id listed as still to come) counts against the peer: after
        ``limits.IDLE_ROUNDS`` of them in a row the run ends, so no peer can keep it going."""
        total = len(ids)
        if not ids:
            return
        if total >= prepare.PARALLEL_FROM:
            prepare.warm_up()  # the worker processes start while the first batch is on its way
        queue = list(ids)
        left = total
        idle = 0
        with ThreadPoolExecutor(1, thread_name_prefix="veld-fetch") as ahead:
            asked, queue = queue[: self.max_ids], queue[self.max_ids :]
            pending: Future[dict[str, Any]] | None = ahead.submit(self.call, "fetch", {"ids": asked})
            while pending is not None:
                answer = pending.result()
                wanted = set(asked)
                answered = dict(wire.pairs(answer, "docs", bytes))
                docs = [(d, data) for d, data in answered.items() if d in wanted]
                sent = {d for d, _ in docs}
                rest = dict.fromkeys(wire.strings(answer, "rest"))
                again = [d for d in rest if d in wanted and d not in sent]
                idle = self._no_progress(
                    idle,
                    len(again) == len(asked),
                    "blijft documenten noemen die het niet stuurt",
                    "keeps listing documents it does not send",
                )
                left -= len(asked) - len(again)  # sent, or not to be had
                queue = again + queue
                asked, queue = queue[: self.max_ids], queue[self.max_ids :]
                pending = ahead.submit(self.call, "fetch", {"ids": asked}) if asked else None
                self._store_fetched(docs, offered)  # on failure, leaving the block waits for the call
                got += [d for d, _ in docs]
                say("fetch", total - left, total)

    def _store_fetched(self, docs: list[tuple[str, bytes]], offered: dict[str, bytes]) -> None:
        with self.replica.locked() as session:
            sent: dict[str, list[bytes]] = {}
            accept = self.replica.accept_from(self.peer.node_id)
            changed, refused = session.repo.merge_many(docs, accept, sent)
            self.report.refused += refused
            self.report.fetched += len(docs) - len(refused)
            self.report.merged += len(changed)
            held = _held(sent, self.replica.digests([d for d, _ in docs]))
            distrusted = [
                (d, offered[d], why)
                for d, why in refused
                if kind_of(d) == "node" and d in offered and why != OUT_OF_SCOPE
            ]
            with session.transaction():
                acks.record(session.db, self.peer.device_id, held, session.now())
                refusals.remember(session.db, self.peer.device_id, distrusted, session.now())

    def _push(self, ids: list[str], say: Callable[[str, int, int], None]) -> None:
        """Push in batches of at most 4 MB and :attr:`max_ids` documents; what the server had no
        time for (``rest``) goes again, and a peer that takes nothing ``limits.IDLE_ROUNDS`` times
        in a row ends the run."""
        with self.replica.locked() as session:
            items = []
            sendable = self.replica.sendable(self.peer.node_id, ids)
            for doc_id in (d for d in ids if d in sendable):
                try:
                    items.append((doc_id, session.repo.store.raw_bytes(doc_id)))
                except (KeyError, VeldError):
                    continue
        done = 0
        idle = 0
        queue = items
        while queue:
            batch = next(_batches(queue, most=self.max_ids))
            answer = self.call("push", {"docs": [list(i) for i in batch]})
            applied = wire.pairs(answer, "applied", bytes)
            self.report.refused += wire.pairs(answer, "refused", str)
            later = set(wire.strings(answer, "rest")) & {d for d, _ in batch}
            with self.replica.locked() as session:
                local = self.replica.digests([d for d, _ in applied])
                held = [(d, local[d]) for d, dg in applied if d in local and acks.digest(local[d]) == dg]
                with session.transaction():
                    acks.record(session.db, self.peer.device_id, held, session.now())
            self.report.pushed += len(applied)
            idle = self._no_progress(
                idle,
                len(later) == len(batch),
                "blijft de toegestuurde documenten uitstellen",
                "keeps putting off the documents sent to it",
            )
            done += len(batch) - len(later)
            queue = [i for i in batch if i[0] in later] + queue[len(batch) :]
            say("push", done, len(items))

    def _manifest_call(self, body: dict[str, Any]) -> dict[str, Any]:
        """The manifest, in parts of at most :attr:`max_ids` ids (limits.Part), answered as one.
        The cursor is the first part's: what changed on the server while the parts went is newer,
        and offered again next run."""
        merged: dict[str, Any] = {"docs": [], "missing": [], "ignored": []}
        cursor: int | None = None
        for part in limits.manifest_parts(body["have"], body["want"], self.max_ids):
            answer = self.call("manifest", {**body, **part})
            merged["docs"] += wire.pairs(answer, "docs", bytes)
            merged["missing"] += wire.strings(answer, "missing")
            merged["ignored"] += wire.strings(answer, "ignored")
            at = wire.integer(answer, "cursor")
            cursor = at if cursor is None else min(cursor, at)
        merged["docs"] = [list(d) for d in merged["docs"]]
        return {**merged, "cursor": cursor or 0}

    def _manifest(self, body: dict[str, Any], changed: list[str]) -> tuple[dict[str, Any], dict[str, bytes]]:
        """The manifest's answer, and meanwhile the first messages of the documents we ``changed``
        since the last run (what we will sync, unless the peer holds it already)."""
        if not changed:
            return self._manifest_call(body), {}
        with ThreadPoolExecutor(1, thread_name_prefix="veld-manifest") as ahead:
            travelling = ahead.submit(self._manifest_call, body)
            early = self._push_messages(changed)
            return travelling.result(), early

    def _push_messages(self, ids: list[str], sendable: set[str] | None = None) -> dict[str, bytes]:
        """For those of ``ids`` the peer acknowledged at some heads and may see (``sendable``, when the
        caller has just checked), a first sync message with our changes since then (rather than a
        round to find out what it lacks). Not for retried documents: their acknowledgements are not
        trusted."""
        with self.replica.locked() as session:
            trusted = [d for d in ids if d not in self.link.retry]
            acked = acks.known(session.db, self.peer.device_id, trusted)
            if sendable is None:
                sendable = self.replica.sendable(self.peer.node_id, list(acked))
            return {
                doc_id: session.repo.store.push_message(doc_id, [bytes.fromhex(h) for h in json.loads(base)])
                for doc_id, base in acked.items()
                if doc_id in sendable
            }

    def _sync(
        self, ids: list[str], early: dict[str, bytes], say: Callable[[str, int, int], None]
    ) -> tuple[list[str], list[str], list[str]]:
        """Sync messages until both sides hold the same, starting from the ``early`` first messages
        where there are: (documents done, node documents this side refused, node documents the server
        refused)."""
        repo = self.replica.session.repo
        states: dict[str, Any] = {}
        with self.replica.locked():
            # Checked again: a share document merged since the manifest may have changed the scope.
            sendable = self.replica.sendable(self.peer.node_id, ids)
            pending = {d: early[d] for d in ids if d in early and d in sendable}
            late = [d for d in ids if d in sendable and d not in pending]
            pending.update(self._push_messages(late, sendable))
            for doc_id in ids:
                if doc_id not in sendable:
                    continue
                states[doc_id] = boundary.new_sync_state()
                if doc_id not in pending:
                    first = repo.store.generate_sync(doc_id, states[doc_id])
                    if first is not None:
                        pending[doc_id] = first
        done: list[str] = []
        here: list[str] = []
        there: list[str] = []
        rounds = 0
        while pending:
            rounds += 1
            if rounds > MAX_ROUNDS:
                self.report.unconverged += sorted(pending)
                break
            batch_items = list(pending.items())
            pending = {}
            for batch in _batches(batch_items, most=self.max_ids):
                answer = self.call("sync", {"msgs": [list(i) for i in batch], "restart": rounds == 1})
                replies = dict(wire.pairs(answer, "msgs", bytes))
                server = dict(wire.pairs(answer, "heads", bytes))
                refused = wire.pairs(answer, "refused", str)
                self.report.refused += refused
                there += _node_docs(refused)
                skip = {d for d, _ in refused}
                later = set(wire.strings(answer, "rest")) - skip  # not taken in: sent again next round
                pending.update((d, m) for d, m in batch if d in later)
                batch = [(d, m) for d, m in batch if d not in later]
                with self.replica.locked() as session, session.transaction():
                    finished, failed = self._absorb(batch, skip, replies, server, states, pending)
                    done += finished  # delivered once the server's ack answer says so
                self.report.refused += failed
                here += _node_docs(failed)
            say("sync", len(done), len(ids))
        return done, here, there

    def _absorb(
        self,
        batch: Items,
        skip: set[str],
        replies: dict[str, bytes],
        server: dict[str, bytes],
        states: dict[str, Any],
        pending: dict[str, bytes],
    ) -> tuple[list[str], list[tuple[str, str]]]:
        """Apply the server's answers for one batch (one transaction); returns the documents that
        now hold what the server holds and those refused here, and queues the next message for the
        others."""
        repo = self.replica.session.repo
        items = [(d, states[d], replies[d]) for d, _ in batch if d not in skip and d in replies]
        changed, failed = repo.receive_sync_many(items)
        self.report.merged += len(changed)
        skip = skip | {d for d, _ in failed}
        current = self.replica.digests([d for d, _ in batch if d not in skip])
        finished = []
        for doc_id, _ in batch:
            if doc_id in skip:
                continue
            heads = current.get(doc_id, "")
            if acks.digest(heads) == server.get(doc_id):
                finished.append(doc_id)
                continue
            message = repo.store.generate_sync(doc_id, states[doc_id])
            if message is None:
                self.report.unconverged.append(doc_id)
            else:
                pending[doc_id] = message
        return finished, failed


@dataclass(frozen=True)
class _Phase:
    fetch: list[str]
    push: list[str]
    sync: list[str]


def _phases(fetch: list[str], push: list[str], sync: list[str]) -> list[_Phase]:
    """The run's work in the order it must be applied. Node and share documents decide trust and
    scope for the rest on both sides (repo.APPLIED_FIRST): a share listing that changed releases a
    request that travels in this very run, and the request is refused as out of scope if it comes
    in first. A listing both sides hold travels as sync messages, so when such documents are to be
    synced while other documents are to be fetched or pushed, they get a phase of their own first.
    Otherwise one phase does: node and share documents lead every batch of a fetch or push, and
    merge_many takes them first within a batch. Fetches stay in id order within each kind: batches
    of neighbouring ids are stored near the end of each index (repo.merge_many)."""

    def first(ids: list[str]) -> list[str]:
        return [d for d in ids if kind_of(d) in APPLIED_FIRST]

    def rest(ids: list[str]) -> list[str]:
        return [d for d in ids if kind_of(d) not in APPLIED_FIRST]

    fetch, push = sorted(fetch), sorted(push)
    if first(sync) and (rest(fetch) or rest(push)):
        return [_Phase(first(fetch), first(push), first(sync)), _Phase(rest(fetch), rest(push), rest(sync))]
    return [_Phase(first(fetch) + rest(fetch), first(push) + rest(push), sync)]


def _node_docs(refused: list[tuple[str, str]]) -> list[str]:
    """Node documents refused for a reason other than scope: trust, checked on a partial history."""
    return [d for d, why in refused if kind_of(d) == "node" and why != OUT_OF_SCOPE]


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


__all__ = ["PeerServer", "Replica", "SyncClient", "SyncReport", "Link", "SyncFailed", "kind_of"]
