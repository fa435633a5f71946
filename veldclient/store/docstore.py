"""Automerge documents kept as snapshot + incremental change chunks in SQLite.

Each local commit appends only its new changes (``get_changes(heads_before)``: ~100 B, microseconds)
instead of re-saving the document, which is O(size). Opening loads ``snapshot || increments`` in one
``load`` call; automerge verifies every chunk's checksum, and we keep our own SHA-256 per chunk so a
damaged row is found without loading. When the increments outgrow the snapshot the document is
compacted into a fresh snapshot, in the same transaction.

A document that cannot be loaded is **quarantined** (flag + reason in ``am_docs``), reported by
``veld status``, and refused until repaired (``veld doctor``); every other document keeps working.

All writes happen inside the caller's SQL transaction. If that transaction rolls back, the caller must
call :meth:`DocStore.invalidate` so the in-memory copies match the database again (``Repo`` does).

Other processes may write the same database (``veld serve`` while an admin imports a bundle). Before a
cached document is used, SQLite's ``PRAGMA data_version`` tells whether any other connection committed
since we last looked; if one did, every cached document whose stored heads moved is dropped and read
again. Inside a write transaction (which holds the write lock from its start, db.py) nobody else can
commit, so a document checked there is the stored one until the commit: no process writes a document
from a copy older than the database.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils
from automerge import core

from veldclient.db import rows_in
from veldclient.errors import CorruptDocument, VeldError
from veldclient.progress import Counter, Progress, quiet
from veldclient.store import boundary, codec, containers
from veldclient.store.heads import Heads

Json = Any
# Sees the document after the merge, the heads before it (empty for a new document) and the merged
# root; raises to refuse the merge.
MergeCheck = Callable[[core.Document, list[bytes], dict[str, Any]], None]


def _heads_of(doc: core.Document) -> Heads:
    return Heads.from_hashes(boundary.heads(doc))


def ensure_schema(db: sqlite_utils.Database) -> None:
    if "am_docs" not in db.table_names():
        db.table("am_docs").create(
            {
                "doc_id": str,
                "kind": str,
                "node_id": str,
                "heads": str,
                "snap_bytes": int,
                "inc_bytes": int,
                "next_seq": int,
                "version": int,
                "updated_at": int,
                "quarantined": int,
                "error": str,
            },
            pk="doc_id",
            not_null={"kind", "heads", "snap_bytes", "inc_bytes", "next_seq", "version", "quarantined"},
            defaults={"quarantined": 0, "inc_bytes": 0},
        )
        db.table("am_docs").create_index(["kind"])
        db.table("am_docs").create_index(["version"])
    if "am_chunks" not in db.table_names():
        # A rowid table on purpose: WITHOUT ROWID rows keep only ~1 KB inline, so every ~1.1 KB
        # snapshot would spill into its own 4 KB overflow page (measured: 5x the file size).
        db.table("am_chunks").create(
            {"doc_id": str, "seq": int, "kind": str, "data": bytes, "sha256": str},
            not_null={"doc_id", "seq", "kind", "data", "sha256"},
        )
        db.table("am_chunks").create_index(["doc_id", "seq"], unique=True)
    if "am_meta" not in db.table_names():
        db.table("am_meta").create({"key": str, "value": int}, pk="key")


_INSERT_DOC = (
    "INSERT INTO am_docs (doc_id, kind, node_id, heads, snap_bytes, inc_bytes, next_seq, version,"
    " updated_at, quarantined) VALUES (?, ?, ?, ?, ?, 0, 1, ?, ?, 0)"
)
"""A document new here: ``(doc_id, kind, node_id, heads, snapshot size, version, now_ms)``; its one
chunk is its snapshot (sequence 0), so the next chunk is 1."""
_INSERT_CHUNK = "INSERT INTO am_chunks (doc_id, seq, kind, data, sha256) VALUES (?, ?, ?, ?, ?)"


def _digest(data: bytes) -> str:
    """A chunk's checksum (``am_chunks.sha256``): finds a damaged row without loading the document."""
    return hashlib.sha256(data).hexdigest()


def _chunk_row(doc_id: str, seq: int, kind: str, data: bytes) -> tuple[str, int, str, bytes, str]:
    """A row of :data:`_INSERT_CHUNK`."""
    return doc_id, seq, kind, data, _digest(data)


def _checksum_problem(chunks: Iterable[tuple[int, bytes, str]]) -> str | None:
    """Why these stored ``(seq, data, sha256)`` chunks of one document cannot be trusted (the first
    whose bytes do not match their checksum), or None when all match."""
    for seq, data, digest in chunks:
        if _digest(data) != digest:
            return f"chunk {seq} does not match its checksum"
    return None


@dataclass(frozen=True)
class DocInfo:
    doc_id: str
    kind: str
    node_id: str | None
    heads: Heads  # as stored in am_docs
    version: int
    quarantined: bool
    error: str | None


@dataclass
class _Loaded:
    doc: core.Document
    root: dict[str, Json]


@dataclass
class Intake:
    """Sync messages applied in memory, not yet checked or stored (:meth:`DocStore.settle`)."""

    changed: list[tuple[str, _Loaded, list[bytes]]] = field(default_factory=list)  # with heads before
    failed: list[tuple[str, Exception]] = field(default_factory=list)


class Editor:
    """What a change function sees: the current root and diff-writing helpers for one transaction.

    It never creates a container on its own: writing below a map or list that does not exist, or
    replacing one of the document's shared collections whole, raises
    :class:`~veldclient.store.containers.ContainerRuleBroken` (a concurrent creation elsewhere
    would hide one side's writes; store/containers.py)."""

    def __init__(
        self, tx: core.Transaction, root: dict[str, Json], shared: Mapping[str, str] | None = None
    ) -> None:
        self._tx = tx
        self.root = root
        self._shared = shared or {}

    def _obj(self, path: tuple[str, ...]) -> bytes:
        obj = codec.ROOT
        for depth, key in enumerate(path):
            found = self._tx.get(obj, key)
            if found is None or found[0] not in (core.ObjType.Map, core.ObjType.List):
                raise containers.ContainerRuleBroken(path[: depth + 1], "no map or list")
            obj = found[1]
        return obj

    def _current(self, path: tuple[str, ...]) -> Json:
        value: Json = self.root
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        return value

    def set(self, path: tuple[str, ...], value: Json) -> None:
        """Set the value at ``path`` (its parent must exist); unchanged values write nothing."""
        *parent, key = path
        current = self._current(tuple(parent))
        if isinstance(current, dict) and key in current and current[key] == value:
            return
        if not parent and key in self._shared:
            raise containers.ContainerRuleBroken(path, "replacing a shared collection")
        codec.put(self._tx, self._obj(tuple(parent)), key, value)

    def update(self, path: tuple[str, ...], value: dict[str, Json]) -> None:
        """Merge-friendly write of a whole record: only fields that differ become operations."""
        current = self._current(path)
        if not isinstance(current, dict):
            self.set(path, value)
            return
        codec.update(self._tx, self._obj(path), current, value)

    def delete(self, path: tuple[str, ...]) -> None:
        *parent, key = path
        self._tx.delete(self._obj(tuple(parent)), key)

    def append(self, path: tuple[str, ...], value: Json) -> None:
        """Append to an existing list: the way events are recorded."""
        codec.append(self._tx, self._obj(path), value)


class DocStore:
    """Bytes and heads of every document; knows nothing about what the documents mean."""

    def __init__(self, db: sqlite_utils.Database, actor: bytes, cache_size: int = 2048) -> None:
        self.db = db
        self.actor = actor
        self._cache: OrderedDict[str, _Loaded] = OrderedDict()
        self._cache_size = cache_size
        self._pending_quarantine: dict[str, str] = {}
        self._data_version: int | None = None
        # One set per open transaction: the documents changed in memory inside it (see forgetting).
        self._changed_within: list[set[str]] = []

    # -- reading -------------------------------------------------------------------------------

    def exists(self, doc_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM am_docs WHERE doc_id = ?", [doc_id]).fetchone() is not None

    def existing(self, doc_ids: list[str]) -> set[str]:
        """Which of ``doc_ids`` are held here (bulk: one query per 500 ids)."""
        return {
            r[0] for r in rows_in(self.db, "SELECT doc_id FROM am_docs WHERE doc_id IN ({marks})", doc_ids)
        }

    def stored_heads_many(self, doc_ids: list[str]) -> dict[str, Heads]:
        """{doc id: stored heads} of those held here (bulk)."""
        sql = "SELECT doc_id, heads FROM am_docs WHERE doc_id IN ({marks})"
        return {doc_id: Heads.from_text(text) for doc_id, text in rows_in(self.db, sql, doc_ids)}

    def info(self, doc_id: str) -> DocInfo | None:
        row = self.db.execute(
            "SELECT doc_id, kind, node_id, heads, version, quarantined, error FROM am_docs WHERE doc_id = ?",
            [doc_id],
        ).fetchone()
        return _info(row) if row else None

    def docs(self, kind: str | None = None) -> Iterator[DocInfo]:
        sql = "SELECT doc_id, kind, node_id, heads, version, quarantined, error FROM am_docs"
        params: list[str] = []
        if kind:
            sql += " WHERE kind = ?"
            params.append(kind)
        for row in self.db.execute(sql + " ORDER BY doc_id", params):
            yield _info(row)

    def read(self, doc_id: str) -> dict[str, Json]:
        """The materialised root. Callers must not mutate it (it is the cached copy)."""
        return self._open(doc_id).root

    def read_at(self, doc_id: str, heads: Iterable[bytes]) -> dict[str, Json]:
        doc = self._open(doc_id).doc
        with boundary.guarded("reading history"):
            return codec.materialise(doc, codec.ROOT, list(heads))

    def heads(self, doc_id: str) -> Heads:
        """The heads of the document as its stored changes make them (loaded)."""
        return _heads_of(self._open(doc_id).doc)

    def save_bytes(self, doc_id: str) -> bytes:
        return boundary.save(self._open(doc_id).doc)

    def raw_bytes(self, doc_id: str) -> bytes:
        """The stored chunks as one loadable blob (snapshot + increments), checksums verified: what a
        peer needs to start from nothing, without loading or re-saving the document here."""
        chunks = self.db.execute(
            "SELECT seq, data, sha256 FROM am_chunks WHERE doc_id = ? ORDER BY seq", [doc_id]
        ).fetchall()
        if not chunks:
            raise KeyError(doc_id)
        problem = _checksum_problem(chunks)
        if problem:
            self._fail(doc_id, problem)
        return b"".join(c[1] for c in chunks)

    def raw_bytes_many(self, doc_ids: list[str]) -> dict[str, bytes]:
        """:meth:`raw_bytes` for many documents in a few queries. A document that is not held or
        fails its checksum is left out (and quarantined); the others are still returned."""
        chunks: dict[str, list[tuple[int, bytes, str]]] = {}
        for doc_id, seq, data, digest in rows_in(
            self.db, "SELECT doc_id, seq, data, sha256 FROM am_chunks WHERE doc_id IN ({marks})", doc_ids
        ):
            chunks.setdefault(doc_id, []).append((seq, data, digest))
        blobs: dict[str, bytes] = {}
        for doc_id, parts in chunks.items():
            parts.sort()
            problem = _checksum_problem(parts)
            if problem:
                with contextlib.suppress(CorruptDocument):  # recorded; the others still go
                    self._fail(doc_id, problem)
            else:
                blobs[doc_id] = b"".join(p[1] for p in parts)
        return blobs

    def has_heads(self, doc_id: str, heads: Heads) -> bool:
        """Whether the document here contains these changes (as heads or anywhere in its history)."""
        return self.has_heads_given(doc_id, heads, self.stored_heads(doc_id))

    def has_heads_given(self, doc_id: str, heads: Heads, stored: Heads | None) -> bool:
        """:meth:`has_heads` when the stored heads were read in bulk already."""
        if not heads or (stored is not None and stored.issuperset(heads)):
            return True
        return boundary.knows(self._open(doc_id).doc, list(heads))

    def stored_heads(self, doc_id: str) -> Heads | None:
        """The heads ``am_docs`` holds for the document; None when it is not held."""
        row = self.db.execute("SELECT heads FROM am_docs WHERE doc_id = ?", [doc_id]).fetchone()
        return Heads.from_text(row[0]) if row else None

    def notice_other_writers(self) -> None:
        """Drop cached documents that another connection changed since we last looked."""
        version = self.db.execute("PRAGMA data_version").fetchone()[0]
        if version == self._data_version:
            return
        self._data_version = version
        if not self._cache:
            return
        stored = self.stored_heads_many(list(self._cache))
        stale = [d for d, loaded in self._cache.items() if stored.get(d) != _heads_of(loaded.doc)]
        self.invalidate(stale)

    def _open(self, doc_id: str) -> _Loaded:
        self.notice_other_writers()
        return self._loaded(doc_id)

    def _loaded(self, doc_id: str) -> _Loaded:
        """The document as cached, or loaded and cached. Callers noticed other writers first: once
        per document, or once for a batch under one lock (a check per document would only narrow,
        not close, the window in which another process commits meanwhile)."""
        loaded = self._cache.get(doc_id)
        if loaded is not None:
            self._cache.move_to_end(doc_id)
            return loaded
        row = self.db.execute("SELECT quarantined, error FROM am_docs WHERE doc_id = ?", [doc_id]).fetchone()
        if row is None:
            raise KeyError(doc_id)
        if row[0]:
            raise CorruptDocument(doc_id, row[1] or "quarantined")
        chunks = self.db.execute(
            "SELECT seq, data, sha256 FROM am_chunks WHERE doc_id = ? ORDER BY seq", [doc_id]
        ).fetchall()
        problem = _checksum_problem(chunks)
        if problem:
            self._fail(doc_id, problem)
        try:
            doc = boundary.load(b"".join(c[1] for c in chunks), self.actor)
            with boundary.guarded("reading"):
                root = codec.materialise(doc)
        except boundary.AutomergeFailure as exc:
            self._fail(doc_id, exc.reason)
        return self._remember(doc_id, _Loaded(doc, root))

    @contextlib.contextmanager
    def forgetting_on_failure(self) -> Iterator[None]:
        """Around a transaction: if it fails, the database rolls back what it stored, so the
        documents it changed in memory are dropped from the cache (and reloaded as stored). The
        rest of the cache stays: a refused node document must not cost every other document its
        cached root. What an inner transaction changed counts for the outer one too."""
        changed: set[str] = set()
        self._changed_within.append(changed)
        try:
            yield
        except BaseException:
            self.invalidate(changed)
            raise
        finally:
            self._changed_within.pop()
        if self._changed_within:
            self._changed_within[-1] |= changed

    def _changing(self, doc_id: str) -> None:
        """Note that the cached copy of ``doc_id`` is about to change (forgetting_on_failure)."""
        if self._changed_within:
            self._changed_within[-1].add(doc_id)

    def _remember(self, doc_id: str, loaded: _Loaded) -> _Loaded:
        self._cache[doc_id] = loaded
        self._cache.move_to_end(doc_id)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return loaded

    # -- writing -------------------------------------------------------------------------------

    def create(
        self,
        doc_id: str,
        kind: str,
        node_id: str | None,
        root: dict[str, Json],
        now_ms: int,
        *,
        genesis: bool = False,
    ) -> dict[str, Json]:
        """Create a document. ``genesis`` writes the first change with an actor derived from the id,
        so every device that creates the same well-known document (a node's) makes the *same* change
        and merging them later dedupes instead of producing two competing roots."""
        if self.exists(doc_id):
            raise ValueError(f"document {doc_id} already exists")
        actor = hashlib.sha256(b"veld-genesis:" + doc_id.encode()).digest()[:16] if genesis else self.actor
        doc = boundary.new_document(actor)
        with boundary.guarded("creating"), doc.transaction() as tx:
            for key, value in root.items():
                codec.put(tx, codec.ROOT, key, value)
        # A genesis keeps its content; collections it lacks come by their deterministic changes.
        containers.add_missing(doc, doc_id, kind, root)
        if genesis:
            boundary.guard("setting the actor", doc.set_actor, self.actor)
        return self._insert_new(doc_id, kind, node_id, doc, boundary.save(doc), now_ms)

    def _insert_new(
        self,
        doc_id: str,
        kind: str,
        node_id: str | None,
        doc: core.Document,
        snapshot: bytes,
        now_ms: int,
        root: dict[str, Json] | None = None,
    ) -> dict[str, Json]:
        """Store a document new here; ``root``, when the caller has read it already, is its root."""
        self.db.execute(_INSERT_CHUNK, _chunk_row(doc_id, 0, "snap", snapshot))
        self.db.execute(
            _INSERT_DOC,
            [
                doc_id,
                kind,
                node_id,
                _heads_of(doc).text,
                len(snapshot),
                self._bump(),
                now_ms,
            ],
        )
        if root is None:
            with boundary.guarded("reading"):
                root = codec.materialise(doc)
        self._changing(doc_id)
        return self._remember(doc_id, _Loaded(doc, root)).root

    def create_many(
        self,
        items: list[tuple[str, str, str | None, dict[str, Json]]],
        now_ms: int,
        counter: Counter | None = None,
    ) -> None:
        """Bulk creation (demo data, first import): one snapshot per document, batched inserts.

        The documents are not cached: a bulk load is followed by reads of a few, not all. ``counter``
        counts each document made (the caller's step of its progress).
        """
        chunk_rows: list[tuple[str, int, str, bytes, str]] = []
        doc_rows: list[tuple[Any, ...]] = []
        first = self._bump_by(len(items))
        for offset, (doc_id, kind, node_id, root) in enumerate(items):
            doc = boundary.new_document(self.actor)
            with boundary.guarded("creating"), doc.transaction() as tx:
                for key, value in root.items():
                    codec.put(tx, codec.ROOT, key, value)
            snapshot = boundary.save(doc)
            chunk_rows.append(_chunk_row(doc_id, 0, "snap", snapshot))
            doc_rows.append(
                (
                    doc_id,
                    kind,
                    node_id,
                    _heads_of(doc).text,
                    len(snapshot),
                    first + offset,
                    now_ms,
                )
            )
            if counter is not None:
                counter.add()
        self.db.conn.executemany(_INSERT_CHUNK, chunk_rows)
        self.db.conn.executemany(_INSERT_DOC, doc_rows)

    def change(self, doc_id: str, fn: Callable[[Editor], None], now_ms: int) -> dict[str, Json]:
        """Run ``fn`` in one automerge transaction and persist its changes as one chunk.

        If ``fn`` raises, automerge rolls the transaction back and nothing is written; a panic drops
        the cached document so it is reloaded clean.
        """
        loaded = self._open(doc_id)
        self._changing(doc_id)
        before = boundary.heads(loaded.doc)
        kind = doc_id.split(":", 1)[0]
        try:
            if containers.add_missing(loaded.doc, doc_id, kind, loaded.root):  # made by an older version
                with boundary.guarded("reading"):
                    loaded.root = codec.materialise(loaded.doc)
            with boundary.guarded("changing"), loaded.doc.transaction() as tx:
                fn(Editor(tx, loaded.root, containers.of(kind)))
            if boundary.heads(loaded.doc) != before:
                with boundary.guarded("reading"):
                    loaded.root = codec.materialise(loaded.doc)
        except BaseException:
            self.invalidate([doc_id])
            raise
        return self._persist_new_changes(doc_id, loaded, before, now_ms)

    def merge_bytes(
        self,
        doc_id: str,
        data: bytes,
        kind: str,
        node_id: str | None,
        now_ms: int,
        verify: MergeCheck | None = None,
    ) -> bool:
        """Merge a whole document (``save()`` bytes) from elsewhere. Returns whether anything changed.

        Bad bytes raise :class:`AutomergeFailure`: refused and reported, never dropped quietly; the
        local copy is untouched. ``verify`` sees the actors of every change new to this replica and
        the merged root, and may refuse the merge by raising (node documents: trust.py).
        """
        incoming = boundary.load(data)
        if not self.exists(doc_id):
            with boundary.guarded("reading"):
                root = codec.materialise(incoming)
                if verify is not None:
                    verify(incoming, [], root)
            snapshot = boundary.save(incoming)
            reloaded = boundary.load(snapshot, self.actor)
            self._insert_new(doc_id, kind, node_id, reloaded, snapshot, now_ms, root)
            return True
        return self._apply(doc_id, lambda doc: boundary.merge(doc, incoming), now_ms, verify)

    def _apply(
        self, doc_id: str, bring_in: Callable[[core.Document], None], now_ms: int, verify: MergeCheck | None
    ) -> bool:
        """Bring a peer's changes into a held document; the check may refuse them, and any failure
        drops the in-memory copy so nothing half-merged survives. Returns whether anything changed."""
        loaded = self._open(doc_id)
        before = boundary.heads(loaded.doc)
        if not self._bring_in(doc_id, loaded, before, bring_in, verify):
            return False
        self._persist_new_changes(doc_id, loaded, before, now_ms)
        return True

    def _bring_in(
        self,
        doc_id: str,
        loaded: _Loaded,
        before: list[bytes],
        bring_in: Callable[[core.Document], None],
        verify: MergeCheck | None,
    ) -> bool:
        """Apply in memory, refresh the cached root and check; on any failure the cached copy is
        dropped. Whether it changed."""
        if not self._take_in(doc_id, loaded, before, bring_in):
            return False
        self._check(doc_id, loaded, before, verify)
        return True

    def _take_in(
        self, doc_id: str, loaded: _Loaded, before: list[bytes], bring_in: Callable[[core.Document], None]
    ) -> bool:
        """Apply in memory only (the cached root is stale until :meth:`_check`). Whether it changed."""
        self._changing(doc_id)
        try:
            bring_in(loaded.doc)
            return boundary.heads(loaded.doc) != before
        except BaseException:
            self.invalidate([doc_id])
            raise

    def _check(self, doc_id: str, loaded: _Loaded, before: list[bytes], verify: MergeCheck | None) -> None:
        """Read the merged root once, for the check and for the cache; a refusal drops the copy."""
        try:
            with boundary.guarded("reading"):
                root = codec.materialise(loaded.doc)
            if verify is not None:
                verify(loaded.doc, before, root)
            loaded.root = root
        except BaseException:
            self.invalidate([doc_id])
            raise

    def generate_sync(self, doc_id: str, state: core.SyncState) -> bytes | None:
        return boundary.generate_sync_message(self._open(doc_id).doc, state)

    def generate_sync_many(
        self, items: Iterable[tuple[str, core.SyncState]]
    ) -> tuple[dict[str, bytes | None], list[tuple[str, Exception]]]:
        """:meth:`generate_sync` for each document: ({doc id: message or None}, those that could
        not be read, with the error)."""
        self.notice_other_writers()
        messages: dict[str, bytes | None] = {}
        failed: list[tuple[str, Exception]] = []
        for doc_id, state in items:
            try:
                messages[doc_id] = boundary.generate_sync_message(self._loaded(doc_id).doc, state)
            except (KeyError, VeldError) as exc:
                failed.append((doc_id, exc))
        return messages, failed

    def push_message(self, doc_id: str, base: Iterable[bytes]) -> bytes:
        return boundary.push_sync_message(self._open(doc_id).doc, list(base))

    def push_messages(self, bases: Mapping[str, Iterable[bytes]]) -> dict[str, bytes]:
        """:meth:`push_message` for each ``{doc id: base heads}``."""
        self.notice_other_writers()
        return {d: boundary.push_sync_message(self._loaded(d).doc, list(base)) for d, base in bases.items()}

    def insert_loaded_many(self, items: list[tuple[str, str, str | None, bytes, Heads]], now_ms: int) -> None:
        """Store documents new to this replica as received (already loaded and checked by the
        caller): ``(doc_id, kind, node_id, bytes, heads)``. Not cached, as in :meth:`create_many`."""
        first = self._bump_by(len(items))
        self.db.conn.executemany(_INSERT_CHUNK, [_chunk_row(i[0], 0, "snap", i[3]) for i in items])
        self.db.conn.executemany(
            _INSERT_DOC,
            [
                (doc_id, kind, node_id, heads.text, len(data), first + n, now_ms)
                for n, (doc_id, kind, node_id, data, heads) in enumerate(items)
            ],
        )

    def take_sync_many(self, items: list[tuple[str, core.SyncState, bytes]]) -> Intake:
        """Apply a peer's sync message to each document in memory only: nothing read, checked or
        written yet (the checks of :meth:`merge_bytes` run in :meth:`settle`). Until :meth:`settle`
        runs, under the same lock, the documents hold changes neither checked nor stored. A message
        that cannot be applied is in ``intake.failed`` and its document is left as it was."""
        intake = Intake()
        self.notice_other_writers()  # once: the caller holds the write lock (Repo.take_sync_many)
        for doc_id, state, message in items:
            try:
                loaded = self._loaded(doc_id)
                before = boundary.heads(loaded.doc)
                if self._take_in(
                    doc_id, loaded, before, functools.partial(_receive, state=state, message=message)
                ):
                    intake.changed.append((doc_id, loaded, before))
            except (KeyError, VeldError) as exc:
                intake.failed.append((doc_id, exc))
        return intake

    def settle(
        self, intake: Intake, now_ms: int, verify_for: Callable[[str], MergeCheck | None]
    ) -> tuple[list[str], list[tuple[str, Exception]]]:
        """Check and store what :meth:`take_sync_many` took in: (changed ids, refused with the error).
        A refused document is dropped from memory and stays as stored."""
        kept: list[tuple[str, _Loaded, list[bytes]]] = []
        failed: list[tuple[str, Exception]] = []
        for doc_id, loaded, before in intake.changed:
            try:
                self._check(doc_id, loaded, before, verify_for(doc_id))
                kept.append((doc_id, loaded, before))
            except (KeyError, VeldError) as exc:
                failed.append((doc_id, exc))
        self._persist_many(kept, now_ms)
        for doc_id, loaded, _ in kept:  # may have left the cache meanwhile: the stored state is this
            self._remember(doc_id, loaded)
        return [k[0] for k in kept], failed

    def _persist_new_changes(
        self, doc_id: str, loaded: _Loaded, before: list[bytes], now_ms: int
    ) -> dict[str, Json]:
        if boundary.heads(loaded.doc) != before:
            self._persist_many([(doc_id, loaded, before)], now_ms)
        return loaded.root

    def _persist_many(self, entries: list[tuple[str, _Loaded, list[bytes]]], now_ms: int) -> None:
        """Write each document's new changes as one chunk (or a fresh snapshot once the increments
        outgrow the last one) and its new heads. The cached roots are already current: whoever
        changed the document read it again (:meth:`change`, :meth:`_bring_in`)."""
        if not entries:
            return
        sizes = {
            r[0]: r[1:]
            for r in rows_in(
                self.db,
                "SELECT doc_id, snap_bytes, inc_bytes, next_seq FROM am_docs WHERE doc_id IN ({marks})",
                [e[0] for e in entries],
            )
        }
        first = self._bump_by(len(entries))
        compacted: list[tuple[str]] = []
        chunks: list[tuple[str, int, str, bytes, str]] = []
        docs: list[tuple[Any, ...]] = []
        for n, (doc_id, loaded, before) in enumerate(entries):
            increment = boundary.changes_since(loaded.doc, before)
            snap_bytes, inc_bytes, seq = sizes[doc_id]
            inc_bytes += len(increment)
            if inc_bytes > snap_bytes:
                snapshot = boundary.save(loaded.doc)
                compacted.append((doc_id,))
                chunks.append(_chunk_row(doc_id, seq, "snap", snapshot))
                snap_bytes, inc_bytes = len(snapshot), 0
            else:
                chunks.append(_chunk_row(doc_id, seq, "inc", increment))
            heads = _heads_of(loaded.doc).text
            docs.append((heads, snap_bytes, inc_bytes, seq + 1, first + n, now_ms, doc_id))
        self.db.conn.executemany("DELETE FROM am_chunks WHERE doc_id = ?", compacted)
        self.db.conn.executemany(_INSERT_CHUNK, chunks)
        self.db.conn.executemany(
            "UPDATE am_docs SET heads = ?, snap_bytes = ?, inc_bytes = ?, next_seq = ?, version = ?,"
            " updated_at = ? WHERE doc_id = ?",
            docs,
        )

    def restore_heads(self, doc_id: str) -> None:
        """Write the heads the stored changes make into ``am_docs`` (repair; ``veld doctor``)."""
        self.db.execute(
            "UPDATE am_docs SET heads = ? WHERE doc_id = ?", [_heads_of(self._open(doc_id).doc).text, doc_id]
        )

    def drop(self, doc_id: str) -> None:
        """Remove a document, all its bytes and every row anywhere that is about it (erasure: its
        projection, what peers acknowledged of it). History goes with it: that is the point."""
        for table in self._tables_about_documents():
            self.db.execute(f"DELETE FROM [{table}] WHERE doc_id = ?", [doc_id])
        self.invalidate([doc_id])

    def _tables_about_documents(self) -> list[str]:
        """Every table with a ``doc_id`` column, whichever layer made it: an erasure must reach
        tables added later without anyone remembering to list them here."""
        names = [r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return [
            t
            for t in names
            if not t.endswith(("_fts", "_data", "_idx", "_docsize", "_config"))
            and any(c[1] == "doc_id" for c in self.db.execute(f"PRAGMA table_info([{t}])"))
        ]

    def _bump(self) -> int:
        """A local, monotonic version: 'what changed since N' for sync manifests and UI refreshes."""
        return self._bump_by(1)

    def _bump_by(self, n: int) -> int:
        """Reserve ``n`` versions; returns the first."""
        self.db.execute(
            "INSERT INTO am_meta (key, value) VALUES ('version', ?)"
            " ON CONFLICT(key) DO UPDATE SET value = value + ?",
            [n, n],
        )
        return int(self.db.execute("SELECT value FROM am_meta WHERE key = 'version'").fetchone()[0]) - n + 1

    # -- faults --------------------------------------------------------------------------------

    def invalidate(self, doc_ids: Iterable[str] | None = None) -> None:
        if doc_ids is None:
            self._cache.clear()
            return
        for doc_id in doc_ids:
            self._cache.pop(doc_id, None)

    def _fail(self, doc_id: str, reason: str) -> None:
        self.invalidate([doc_id])
        if self.db.conn.in_transaction:
            self._pending_quarantine[doc_id] = reason
        else:
            self.quarantine(doc_id, reason)
        raise CorruptDocument(doc_id, reason)

    def quarantine(self, doc_id: str, reason: str) -> None:
        self.db.execute("UPDATE am_docs SET quarantined = 1, error = ? WHERE doc_id = ?", [reason, doc_id])
        self.invalidate([doc_id])

    def flush_quarantine(self) -> None:
        """Record quarantines found inside a transaction that was rolled back (called after it)."""
        pending, self._pending_quarantine = self._pending_quarantine, {}
        for doc_id, reason in pending.items():
            self.quarantine(doc_id, reason)

    def verify_all(self, progress: Progress = quiet) -> list[tuple[str, str]]:
        """Load every document; quarantine and return the ones that fail. Used by ``veld doctor``."""
        bad: list[tuple[str, str]] = []
        infos = list(self.docs())
        counter = Counter(progress, "doctor.load", len(infos))
        for info in infos:
            counter.add()
            if info.quarantined:
                bad.append((info.doc_id, info.error or "quarantined"))
                continue
            self.invalidate([info.doc_id])
            try:
                self._open(info.doc_id)
            except CorruptDocument as exc:
                bad.append((info.doc_id, exc.reason))
        return bad

    def verify_checksums(self) -> list[tuple[str, str]]:
        """Cheap check without loading: every chunk's SHA-256. Quarantines what fails."""
        bad: dict[str, str] = {}
        for doc_id, seq, data, digest in self.db.execute("SELECT doc_id, seq, data, sha256 FROM am_chunks"):
            problem = None if doc_id in bad else _checksum_problem([(seq, data, digest)])
            if problem:
                bad[doc_id] = problem
        for doc_id, reason in bad.items():
            self.quarantine(doc_id, reason)
        return sorted(bad.items())


def _receive(doc: core.Document, *, state: core.SyncState, message: bytes) -> None:
    boundary.receive_sync_message(doc, state, message)


def _info(row: tuple[Any, ...]) -> DocInfo:
    doc_id, kind, node_id, heads, version, quarantined, error = row
    return DocInfo(doc_id, kind, node_id, Heads.from_text(heads), version, bool(quarantined), error)
