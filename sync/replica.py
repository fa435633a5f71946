"""A replica: one device's session, the lock every use of it takes, and what sync reads of it.

The TUI, a background sync and the peer server share one :class:`Replica`; its lock serialises them.
Sync asks it which documents a peer may see (scope, sending side) and may send (receiving side), and
which heads it holds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field

from veldclient.db import ProfileDatabase, rows_in
from veldclient.session import Session
from veldclient.store.heads import Heads
from veldclient.sync import limits
from veldclient.sync.scope import Mark, Scope


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

    def knowledge(self) -> Mark:
        """What decides whether this replica would take a document it refused (Scope.mark)."""
        return self.scope.mark()

    def heads_of(self, doc_ids: list[str]) -> dict[str, Heads]:
        """{doc id: stored heads} for the healthy documents among ``doc_ids``."""
        sql = "SELECT doc_id, heads FROM am_docs WHERE quarantined = 0 AND doc_id IN ({marks})"
        return {doc_id: Heads.from_text(text) for doc_id, text in rows_in(self.session.db, sql, doc_ids)}

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


def held_by_sender(sent: dict[str, Heads], current: dict[str, Heads]) -> list[tuple[str, Heads]]:
    """Received documents whose blobs carried exactly our current heads: the sender holds those."""
    return [(doc_id, heads) for doc_id, heads in sent.items() if current.get(doc_id) == heads]
