"""How a client drives one sync run against a peer, over any transport (the calls: answering.py).

A run: hello (on a new connection), the manifest, then per phase (phases.py) fetch, push and sync,
and an ack of what it now holds. The cursors move only once a run has finished, so a run broken at
any call is made good by the next. A peer cannot keep a run going: rounds are bounded
(``MAX_ROUNDS``), and so are answers in a row that move nothing forward (``limits.IDLE_ROUNDS``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from veldclient.errors import VeldError
from veldclient.progress import Counter, Progress, quiet
from veldclient.store import boundary, erasures, prepare
from veldclient.store.heads import Heads
from veldclient.store.repo import OUT_OF_SCOPE, doc_id_for, kind_of
from veldclient.sync import acks, limits, peers, refusals, wire
from veldclient.sync.phases import Phase, plan
from veldclient.sync.replica import Replica, held_by_sender
from veldclient.sync.report import SyncFailed, SyncReport
from veldclient.sync.scope import Mark

MAX_ROUNDS = 12

Transport = Callable[[str, dict[str, Any]], dict[str, Any]]
Items = list[tuple[str, bytes]]


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
    refetch: set[str] = field(default_factory=set)  # refused, not held: asked for again (see _run)
    refetch_unless: Mark | None = None  # this replica's knowledge when the run that refused them began
    max_ids: int | None = None  # what the server announced it takes per call, when less than ours


class SyncClient:
    """Drives one sync run against a peer over ``transport(op, body) -> body``."""

    def __init__(self, replica: Replica, peer: peers.Peer, transport: Transport, link: Link | None = None):
        self.replica = replica
        self.peer = peer
        self.transport = transport
        self.link = link or Link()
        self.report = SyncReport(peer.name)
        self._fetching: Counter | None = None  # documents fetched in this run, of how many

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

    def run(self, progress: Progress = quiet) -> SyncReport:
        """One run; ``progress`` hears its steps (``sync.manifest``, then ``sync.fetch``, ``sync.push``
        and ``sync.sync`` as far as there is such work), with documents done of the run's total."""
        say = progress
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
        return self.replica.session.repo.holds(doc_id)

    def _hello(self) -> None:
        answer = self.call("hello", {"proto": wire.PROTO})
        if answer.get("device_id") != self.peer.device_id or answer.get("node_id") != self.peer.node_id:
            raise peers.PeerRefused(
                f"{self.peer.name} meldt zich met een ander apparaat of knooppunt.",
                f"Peer {self.peer.name} answers as another device or node.",
            )
        if answer.get("proto") != wire.PROTO:
            raise SyncFailed(
                f"{self.peer.name} spreekt protocolversie {answer.get('proto')!r}.",
                f"Peer {self.peer.name} speaks protocol version {answer.get('proto')!r}.",
            )
        self.link.session_id = str(answer.get("session"))
        announced = answer.get("max_ids")
        if isinstance(announced, int) and not isinstance(announced, bool) and announced > 0:
            self.link.max_ids = announced

    def _run(self, say: Progress) -> SyncReport:
        replica, link, peer = self.replica, self.link, self.peer
        full = link.remote_cursor == 0
        with replica.locked():
            start_version = replica.version()
            knowledge = replica.knowledge()
            # A full manifest lists everything (the peer may have lost data); later ones leave out
            # what the peer acknowledged at the current heads, such as what it just sent us.
            since = 0 if full else link.local_cursor
            mine, delivered = replica.scope.offer(peer.node_id, since, peer.device_id)
            if not full:
                mine = {d: h for d, h in mine.items() if d not in delivered}
            again = [d for d in link.retry if d not in mine]
            sendable = replica.sendable(peer.node_id, again)
            mine.update((d, h) for d, h in replica.heads_of(again).items() if d in sendable)
        say("sync.manifest", 0, None)
        body = {
            "since": link.remote_cursor,
            "have": [[d, h.digest] for d, h in mine.items()],
            "want": sorted(link.refetch),
        }
        # Not on first contact: it lists everything, most of it equal on both sides.
        answer, early = self._manifest(body, [] if full else list(mine))
        theirs = wire.pairs(answer, "docs", bytes)
        missing = wire.strings(answer, "missing")
        cursor = wire.integer(answer, "cursor")
        with replica.locked() as session:
            local = replica.heads_of([d for d, _ in theirs])
            erased = session.repo.erased_keys()
            # Refused as out of scope under what this replica still knows (no document, no trusted
            # device changed since): it would be refused again, and fetching it would cost every
            # no-op run a round trip. A node document refused for its writers has its own memory
            # (_skip_known_refusals).
            unchanged = knowledge == link.refetch_unless
            held_back = {d for d in link.refetch if kind_of(d) != "node"} if unchanged else set()
            fetch, sync, equal = [], [], []
            for doc_id, digest in theirs:
                heads = local.get(doc_id)
                if heads is None:
                    if erasures.key(doc_id) not in erased and doc_id not in held_back:
                        fetch.append(doc_id)
                elif heads.digest == digest:
                    equal.append((doc_id, heads))
                else:
                    sync.append(doc_id)
            listed = {d for d, _ in theirs} | set(missing) | set(wire.strings(answer, "ignored"))
            # What the server neither listed nor lacks, it holds with our digest (it compared).
            same = [(d, h) for d, h in mine.items() if d not in listed and d not in delivered]
            if same or equal:  # a no-op run writes nothing
                with session.transaction():
                    acks.record(session.db, peer.device_id, same + equal, session.now())
        got: list[str] = []
        synced: list[str] = []
        offered = dict(theirs)
        self._fetching = Counter(say, "sync.fetch", len(fetch)) if fetch else None
        for part in plan(fetch, [d for d in missing if d in mine], sync):
            synced += self._exchange(part, early, offered, got, say)
        with replica.locked() as session:
            final = replica.heads_of(got + synced)
        if final:
            self._ack(final)
        with replica.locked() as session, session.transaction():
            link.remote_cursor = cursor
            link.local_cursor = start_version
            refused = {d for d, _ in self.report.refused}
            link.retry = set(self.report.unconverged) | refused
            # Refused because its listing had not arrived yet, or a node document for its writers
            # (until an introduction or a pairing makes them trusted): ask for it again, whatever
            # the cursor. Fetched again only once this replica has learnt something (see above).
            link.refetch = {
                d
                for d, why in [*self.report.refused, *((d, OUT_OF_SCOPE) for d in held_back)]
                if (why == OUT_OF_SCOPE or kind_of(d) == "node") and not self._holds(d)
            }
            link.refetch_unless = knowledge
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
        return self.report

    def _exchange(
        self,
        part: Phase,
        early: dict[str, bytes],
        offered: dict[str, bytes],
        got: list[str],
        say: Progress,
    ) -> list[str]:
        """Fetch, push and sync one phase's documents; returns those synced to equal heads."""
        own_doc = doc_id_for("node", self.replica.node_id)
        first = [own_doc] if own_doc in part.sync and any(kind_of(d) == "node" for d in part.fetch) else []
        # The own node document's introductions decide whether the other nodes' documents fetched
        # below are trusted: synced first, they are checked against it once, not refused and fetched
        # again (a new device's first run).
        synced = self._sync_or_whole(first, early, offered, got, say)
        wanted = self._skip_known_refusals(part.fetch, offered)
        if self._fetching is not None:  # refused before: reported, not fetched, so done here
            self._fetching.add(len(part.fetch) - len(wanted))
        self._fetch(wanted, offered, got, say)
        self._push(part.push, say)
        own = self._own_node_heads()
        synced += self._sync_or_whole([d for d in part.sync if d not in first], early, offered, got, say)
        if own != self._own_node_heads():
            # The own node document changed: an introduction it brought may make another node's
            # document, refused in this phase's fetch, trusted now. Fetched once more, not a run later.
            offered_here = {d for d in part.fetch if kind_of(d) == "node"}
            again = {d for d, why in self.report.refused if d in offered_here and why != OUT_OF_SCOPE}
            self.report.refused = [r for r in self.report.refused if r[0] not in again]
            self._fetch(sorted(again), offered, got, say, repeat=True)
        return synced

    def _sync_or_whole(
        self,
        ids: list[str],
        early: dict[str, bytes],
        offered: dict[str, bytes],
        got: list[str],
        say: Progress,
    ) -> list[str]:
        """:meth:`_sync`, then the node documents it refused exchanged whole; returns those synced
        to equal heads."""
        if not ids:
            return []
        synced, refused_here, refused_there = self._sync(ids, early, say)
        if refused_here or refused_there:
            # A sync message carries part of a history, and a trust check on a part can refuse what
            # the whole vouches for (an introduction that a Bloom-filter false positive held back
            # for a round). Node documents refused that way are exchanged whole, once each way,
            # and checked on the complete history: taken, or refused for good (and reported).
            whole = sorted(set(refused_here) | set(refused_there))
            self.report.refused = [r for r in self.report.refused if r[0] not in whole]
            self._fetch(whole, offered, got, say, repeat=True)
            self._push(whole, say)
        return synced

    def _own_node_heads(self) -> Heads | None:
        own = doc_id_for("node", self.replica.node_id)
        with self.replica.locked():
            return self.replica.heads_of([own]).get(own)

    def _ack(self, final: dict[str, Heads]) -> None:
        """Tell the server what we hold; record as delivered only what it answers it holds too (its copy
        may have changed, or been erased, since it answered)."""
        items = list(final.items())
        for start in range(0, len(items), self.max_ids):
            part = dict(items[start : start + self.max_ids])
            answer = self.call("ack", {"docs": [[d, h.digest] for d, h in part.items()]})
            differ = set(wire.strings(answer, "differ"))
            self.report.unconverged += sorted(d for d in differ if d in part)
            with self.replica.locked() as session, session.transaction():
                held = [(d, h) for d, h in part.items() if d not in differ]
                acks.record(session.db, self.peer.device_id, held, session.now())

    def _skip_known_refusals(self, fetch: list[str], offered: dict[str, bytes]) -> list[str]:
        """Node documents refused before at the version offered now are reported, not fetched."""
        with self.replica.locked() as session:
            node_docs = {d: offered[d] for d in fetch if kind_of(d) == "node"}
            known = refusals.still_refused(session.repo, self.peer.device_id, node_docs)
        self.report.refused += sorted(known.items())
        self.report.refused_before |= known.keys()
        return [d for d in fetch if d not in known]

    def _fetch(
        self, ids: list[str], offered: dict[str, bytes], got: list[str], say: Progress, repeat: bool = False
    ) -> None:
        """Fetch in calls of at most :attr:`max_ids` ids; the next call is on its way while this
        answer is stored (the server reads and sends while this side loads and writes). Calls stay
        one after another on the wire. Only what was asked is taken, and an answer that moves
        nothing forward (every id listed as still to come) counts against the peer: after
        ``limits.IDLE_ROUNDS`` of them in a row the run ends, so no peer can keep it going. Progress
        counts for the whole run; documents fetched once more (``repeat``) add to its total."""
        total = len(ids)
        if not ids:
            return
        if self._fetching is None:
            self._fetching = Counter(say, "sync.fetch", 0)
        if repeat:
            self._fetching.grow(total)
        counted = 0
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
                self._fetching.add(total - left - counted)
                counted = total - left

    def _store_fetched(self, docs: list[tuple[str, bytes]], offered: dict[str, bytes]) -> None:
        with self.replica.locked() as session:
            sent: dict[str, Heads] = {}
            accept = self.replica.accept_from(self.peer.node_id)
            changed, refused = session.repo.merge_many(docs, accept, sent)
            self.report.refused += refused
            self.report.fetched += len(docs) - len(refused)
            self.report.merged += len(changed)
            held = held_by_sender(sent, self.replica.heads_of([d for d, _ in docs]))
            distrusted = [
                (d, offered[d], why)
                for d, why in refused
                if kind_of(d) == "node" and d in offered and why != OUT_OF_SCOPE
            ]
            with session.transaction():
                acks.record(session.db, self.peer.device_id, held, session.now())
                refusals.remember(session.repo, self.peer.device_id, distrusted, session.now())

    def _push(self, ids: list[str], say: Progress) -> None:
        """Push in batches of at most 4 MB and :attr:`max_ids` documents; what the server had no
        time for (``rest``) goes again, and a peer that takes nothing ``limits.IDLE_ROUNDS`` times
        in a row ends the run."""
        with self.replica.locked() as session:
            items = []
            sendable = self.replica.sendable(self.peer.node_id, ids)
            for doc_id in (d for d in ids if d in sendable):
                try:
                    items.append((doc_id, session.repo.stored_bytes(doc_id)))
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
                local = self.replica.heads_of([d for d, _ in applied])
                held = [(d, local[d]) for d, dg in applied if d in local and local[d].digest == dg]
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
            say("sync.push", done, len(items))

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
            return session.repo.push_messages({d: base for d, base in acked.items() if d in sendable})

    def _sync(
        self, ids: list[str], early: dict[str, bytes], say: Progress
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
                    first = repo.generate_sync(doc_id, states[doc_id])
                    if first is not None:
                        pending[doc_id] = first
        done: list[str] = []
        here: list[str] = []
        there: list[str] = []
        taken: set[str] = set()
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
                taken.update(wire.strings(answer, "taken"))
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
            say("sync.sync", len(done), len(ids))
        self.report.pushed += len(taken & set(ids))
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
        current = self.replica.heads_of([d for d, _ in batch if d not in skip])
        finished = []
        for doc_id, _ in batch:
            if doc_id in skip:
                continue
            heads = current.get(doc_id)
            if heads is not None and heads.digest == server.get(doc_id):
                finished.append(doc_id)
                continue
            message = repo.generate_sync(doc_id, states[doc_id])
            if message is None:
                self.report.unconverged.append(doc_id)
            else:
                pending[doc_id] = message
        return finished, failed


def _node_docs(refused: list[tuple[str, str]]) -> list[str]:
    """Node documents refused for a reason other than scope: trust, checked on a partial history."""
    return [d for d, why in refused if kind_of(d) == "node" and why != OUT_OF_SCOPE]
