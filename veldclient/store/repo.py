"""Documents and their projection, changed together in one SQL transaction.

The only way services touch documents: every create, change or merge writes the change chunk and
re-projects that document's rows before the transaction commits, so the tables never disagree with
the documents that were acknowledged. When a transaction rolls back, the cached automerge documents
it changed are dropped (they hold the rolled-back change) and reload from SQLite on next use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import sqlite_utils

from veldclient import trust
from veldclient.errors import CorruptDocument, VeldError
from veldclient.progress import Counter, Progress, quiet
from veldclient.store import boundary, codec, containers, erasures
from veldclient.store.boundary import Document, SyncState
from veldclient.store.docstore import DocInfo, DocStore, Editor, Intake, MergeCheck
from veldclient.store.heads import Heads
from veldclient.store.prepare import CLAIM_KEYS, claimed_owner, prepare_all, projectable
from veldclient.store.projection import PROJECTORS, Projector, Rows

Json = Any
SCHEMA_VERSION = 1
KINDS = ("case", "placement", "volunteer", "mantelzorger", "helpreq", "node", "share")


def doc_id_for(kind: str, record_id: str) -> str:
    return f"{kind}:{record_id}"


def kind_of(doc_id: str) -> str:
    return doc_id.split(":", 1)[0]


def share_doc_id(node_a: str, node_b: str) -> str:
    a, b = sorted((node_a, node_b))
    return f"share:{a}~{b}"


OUT_OF_SCOPE = "out of scope"  # merge_many's refusal when the sender's node may not hand us the document
# Kinds whose documents decide trust (node: device lists) and scope (share: listings) for the rest:
# whatever arrives together with them is applied after them, in a merge, a bundle and a sync run.
APPLIED_FIRST = ("node", "share")


def new_root(kind: str, record_id: str, node_id: str | None, **fields: Json) -> dict[str, Json]:
    return {
        "kind": kind,
        "id": record_id,
        "node_id": node_id,
        "schema": SCHEMA_VERSION,
        "archived": False,
        "events": [],
        **fields,
    }


class Repo:
    """``node_id`` is the node this device belongs to: the only node document it may change."""

    def __init__(
        self, db: sqlite_utils.Database, actor: bytes, clock: Callable[[], int], node_id: str | None = None
    ) -> None:
        self.db = db
        self.clock = clock
        self.node_id = node_id
        self.store = DocStore(db, actor)
        self.projector = Projector(db)
        self._introductions: tuple[Json, list[Any], dict[str, dict[str, str]]] | None = None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One SQL transaction (a savepoint when nested); on failure the documents it changed in
        memory leave the cache (DocStore.forgetting_on_failure)."""
        try:
            with self.store.forgetting_on_failure(), self.db.atomic():
                yield
        except BaseException:
            if not self.db.conn.in_transaction:
                self.store.flush_quarantine()
            raise

    def create(
        self,
        kind: str,
        record_id: str,
        node_id: str | None,
        fields: dict[str, Json],
        *,
        genesis: bool = False,
    ) -> dict[str, Json]:
        doc_id = doc_id_for(kind, record_id)
        if not genesis:  # a genesis keeps its content: the store adds collections deterministically
            fields = {**containers.empty(kind), **fields}
        with self.transaction():
            root = self.store.create(
                doc_id,
                kind,
                node_id,
                new_root(kind, record_id, node_id, **fields),
                self.clock(),
                genesis=genesis,
            )
            self.projector.project(doc_id, kind, root)
        return root

    def create_many(
        self, records: list[tuple[str, str, str | None, dict[str, Json]]], counter: Counter | None = None
    ) -> list[str]:
        """Bulk create ``(kind, record_id, node_id, fields)``; same result as one ``create`` each.
        ``counter`` counts each document as it is made."""
        items = []
        rows: dict[str, list[dict[str, Json]]] = {}
        for kind, record_id, node_id, fields in records:
            doc_id = doc_id_for(kind, record_id)
            root = new_root(kind, record_id, node_id, **{**containers.empty(kind), **fields})
            items.append((doc_id, kind, node_id, root))
            for table, table_rows in PROJECTORS[kind](doc_id, root).items():
                rows.setdefault(table, []).extend(table_rows)
        with self.transaction():
            self.store.create_many(items, self.clock(), counter)
            self.projector.insert(rows)
        return [i[0] for i in items]

    def change(self, doc_id: str, fn: Callable[[Editor], None]) -> dict[str, Json]:
        if (
            kind_of(doc_id) == "node"
            and self.node_id is not None
            and doc_id != doc_id_for("node", self.node_id)
        ):
            raise trust.NodeWriteRejected(doc_id, [self.store.actor[: trust.TAG_BYTES].hex()])
        with self.transaction():
            root = self.store.change(doc_id, fn, self.clock())
            self.projector.project(doc_id, kind_of(doc_id), root)
        return root

    def merge(self, doc_id: str, data: bytes, node_id: str | None) -> bool:
        """Merge a document from a peer or bundle. Erased documents never come back; node documents
        are checked change by change against the node's trusted devices, and their erasure entries
        are obeyed in the same transaction."""
        kind = kind_of(doc_id)
        if self.is_erased(doc_id):
            return False
        checked: dict[str, Rows] = {}
        with self.transaction():
            changed = self.store.merge_bytes(
                doc_id, data, kind, node_id, self.clock(), self._verify_for(doc_id, checked)
            )
            if changed:
                self._after_merge_many([doc_id], checked)
        return changed

    def _after_merge_many(self, doc_ids: list[str], checked: dict[str, Rows]) -> None:
        """Re-project what came in (with the rows the merge check already derived); a node
        document's new erasures are obeyed in the same transaction."""
        docs = [(d, kind_of(d), self.store.read(d)) for d in doc_ids]
        new_erasures = {d: self._unapplied_erasures(d, root) for d, kind, root in docs if kind == "node"}
        self.projector.project_many(docs, checked)
        for doc_id, keys in new_erasures.items():
            self.apply_erasures(doc_id.split(":", 1)[1], keys)

    def merge_many(
        self,
        items: list[tuple[str, bytes]],
        accept: Callable[[str, str, str | None], bool],
        sent_heads: dict[str, Heads] | None = None,
    ) -> tuple[list[str], list[tuple[str, str]]]:
        """Merge documents from a peer or bundle in one transaction: (changed ids, refused ids with
        the reason). Node and share documents go first, because trust and scope decisions about the
        rest depend on them. ``accept(doc_id, kind, owner_node)`` is the receiving side's scope check.
        Documents new here are loaded once, checked and stored as received, in bulk. ``sent_heads``,
        when given, is filled with the heads each received blob carried (what the sender holds)."""
        changed: list[str] = []
        refused: list[tuple[str, str]] = []
        fresh: list[tuple[str, bytes]] = []  # new here: prepared in bulk, maybe in parallel
        with self.transaction():
            held = self.store.existing([doc_id for doc_id, _ in items])
            erased: set[str] | None = None  # read once the node documents (and their erasures) are in
            for doc_id, data in sorted(dict(items).items(), key=lambda i: self._merge_order(i[0])):
                kind = kind_of(doc_id)
                if erased is None and kind not in APPLIED_FIRST:
                    erased = self.erased_keys()
                try:
                    if self.is_erased(doc_id) if erased is None else erasures.key(doc_id) in erased:
                        refused.append((doc_id, "erased"))
                        continue
                    if kind in APPLIED_FIRST or doc_id in held:
                        info = self.store.info(doc_id)
                        doc = boundary.load(data)
                        if sent_heads is not None:
                            sent_heads[doc_id] = Heads.from_hashes(boundary.heads(doc))
                        if info is not None:
                            owner = info.node_id
                        else:  # a node or share document new here: what does it claim?
                            with boundary.guarded("reading"):
                                owner = claimed_owner(doc_id, codec.root_scalars(doc, CLAIM_KEYS))
                        if not accept(doc_id, kind, owner):
                            refused.append((doc_id, OUT_OF_SCOPE))
                        elif self.merge(doc_id, data, owner):
                            changed.append(doc_id)
                        continue
                    fresh.append((doc_id, data))
                except VeldError as exc:
                    refused.append((doc_id, exc.message("en")))
            data_of = dict(fresh)
            # In id order, each table's keys and doc_id index grow at the end instead of at random
            # pages (ids are random): the bulk insert of a new device runs ~2x faster.
            fresh.sort()
            with self.projector.bulk_insert(len(fresh)):
                for chunk in prepare_all(fresh):  # stored a chunk at a time while the next is prepared
                    taken = []
                    left_out: set[str] = set()  # loaded, but not for this replica
                    for p in chunk.docs:
                        if p.error is not None:
                            refused.append((p.doc_id, p.error))
                            continue
                        heads = Heads.from_hashes(p.heads)
                        if sent_heads is not None:
                            sent_heads[p.doc_id] = heads
                        if not accept(p.doc_id, p.kind, p.owner):
                            refused.append((p.doc_id, OUT_OF_SCOPE))
                            left_out.add(p.doc_id)
                            continue
                        taken.append((p.doc_id, p.kind, p.owner, data_of[p.doc_id], heads))
                    if taken:
                        self.store.insert_loaded_many(taken, self.clock())
                        self.projector.insert_tuples(chunk.rows_without(left_out))
                        changed += [t[0] for t in taken]
        return changed, refused

    def receive_sync_many(
        self, items: list[tuple[str, Any, bytes]]
    ) -> tuple[list[str], list[tuple[str, str]]]:
        """Peer sync messages for a batch of held documents, in one transaction, with the checks of
        :meth:`merge`: (changed ids, refused ids with the reason). A refused document stays as it
        was; the others are merged."""
        with self.transaction():  # the write lock from taking in until stored (take_sync_many)
            intake = self.take_sync_many(items)
            changed, refused = self.settle(intake)
        return changed, reasons(intake.failed) + refused

    def take_sync_many(self, items: list[tuple[str, Any, bytes]]) -> Intake:
        """Apply sync messages in memory only; :meth:`settle` checks, stores and projects them, and
        must follow inside the same write transaction: no other process may commit in between, or
        the intake would be stored over its change. ``intake.failed`` holds the messages that could
        not be applied."""
        return self.store.take_sync_many(sorted(items, key=lambda i: self._merge_order(i[0])))

    def _merge_order(self, doc_id: str) -> tuple[int, bool]:
        """Kinds in :data:`APPLIED_FIRST` order, the rest after; the own node document before every
        other, since the introductions it carries decide trust in other nodes' documents."""
        kind = kind_of(doc_id)
        rank = APPLIED_FIRST.index(kind) if kind in APPLIED_FIRST else len(APPLIED_FIRST)
        return rank, doc_id != doc_id_for("node", self.node_id or "")

    def settle(self, intake: Intake) -> tuple[list[str], list[tuple[str, str]]]:
        """Check, store and project what :meth:`take_sync_many` took in, in one transaction:
        (changed ids, refused ids with the reason)."""
        checked: dict[str, Rows] = {}
        with self.transaction():
            changed, failed = self.store.settle(
                intake, self.clock(), lambda doc_id: self._verify_for(doc_id, checked)
            )
            self._after_merge_many(changed, checked)
        return changed, reasons(failed)

    def _verify_for(self, doc_id: str, checked: dict[str, Rows]) -> MergeCheck:
        """The merge check: node documents' writers must be trusted, and every merged document must
        still be a record of its kind. Its projection rows go to ``checked`` for the re-projection."""
        kind = kind_of(doc_id)
        trusted = self._node_check(doc_id) if kind == "node" else None

        def check(doc: Document, before: list[bytes], root: dict[str, Json]) -> None:
            if trusted is not None:
                trusted(doc, before, root)
            checked[doc_id] = projectable(doc_id, kind, root)

        return check

    def introduced(self, node_id: str) -> trust.Introduced:
        """Devices of another node that this device's own node introduced (trust.introductions),
        read from the own node document. A merge applies that document before other node documents
        (:meth:`_merge_order`), so an introduction counts for those merged together with it."""
        if self.node_id is None or node_id == self.node_id:
            return {}
        try:
            own = self.read(doc_id_for("node", self.node_id))
        except (KeyError, CorruptDocument):
            return {}
        # Asked on every node-document merge and every call a peer makes: remembered while the own
        # node document (its cached root is a new object after any change) and registry stay as
        # they were.
        registry = trust.registry_rows(self.db, self.node_id)
        known = self._introductions
        if known is None or known[0] is not own or known[1] != registry:
            known = self._introductions = (own, registry, trust.introductions(self.db, self.node_id, own))
        return known[2].get(node_id, {})

    def _node_check(self, doc_id: str) -> MergeCheck:
        node_id = doc_id.split(":", 1)[1]

        def check(doc: Document, before: list[bytes], root: dict[str, Json]) -> None:
            allowed = trust.trusted_tags(self.db, node_id, root, self.introduced(node_id))
            trust.check_changes(
                doc_id,
                node_id,
                boundary.change_meta(doc, before),
                allowed,
                lambda: boundary.change_meta(doc, []),
                lambda: containers.expected_hashes(doc, doc_id, "node"),
            )

        return check

    def is_erased(self, doc_id: str) -> bool:
        sql = "SELECT 1 FROM erasures WHERE erased_doc_id = ?"
        return self.db.execute(sql, [erasures.key(doc_id)]).fetchone() is not None

    def erased_keys(self) -> set[str]:
        """The erasure keys this replica knows: ``erasures.key(doc_id) in erased_keys()``."""
        return {r[0] for r in self.db.execute("SELECT erased_doc_id FROM erasures")}

    def _unapplied_erasures(self, node_doc_id: str, root: dict[str, Json]) -> set[str]:
        """Erasure keys in a node document that its projection does not list yet."""
        sql = "SELECT erased_doc_id FROM erasures WHERE doc_id = ?"
        listed = {r[0] for r in self.db.execute(sql, [node_doc_id])}
        return erasures.keys(root.get("erasures") or {}) - listed

    def apply_erasures(self, node_id: str, keys: set[str]) -> list[str]:
        """Drop the documents of ``node_id`` held here whose erasure key is among ``keys``: a node
        erases only what belongs to it."""
        if not keys:
            return []
        held = self.db.execute("SELECT doc_id, kind FROM am_docs WHERE node_id = ?", [node_id]).fetchall()
        dropped = [(d, kind) for d, kind in held if erasures.key(d) in keys]
        for doc_id, kind in dropped:
            self.projector.remove(doc_id, kind)
            self.store.drop(doc_id)
        return [d for d, _ in dropped]

    def read(self, doc_id: str) -> dict[str, Json]:
        return self.store.read(doc_id)

    # What the layers above read of documents (sync, services) goes through here, not the store.

    def holds(self, doc_id: str) -> bool:
        """Whether ``doc_id`` is held here (quarantined or not)."""
        return self.store.exists(doc_id)

    def held(self, doc_ids: list[str]) -> set[str]:
        """Which of ``doc_ids`` are held here (one query per 500 ids)."""
        return self.store.existing(doc_ids)

    def info(self, doc_id: str) -> DocInfo | None:
        """Kind, owning node, heads and health of a held document; None when not held."""
        return self.store.info(doc_id)

    def stored_bytes(self, doc_id: str) -> bytes:
        """The document as stored, checksums verified: what a peer loads to start from nothing.
        KeyError when not held; CorruptDocument (quarantined) when a chunk fails its checksum."""
        return self.store.raw_bytes(doc_id)

    def stored_bytes_many(self, doc_ids: list[str]) -> dict[str, bytes]:
        """:meth:`stored_bytes` of those of ``doc_ids`` held and sound (a failing one is quarantined
        and left out)."""
        return self.store.raw_bytes_many(doc_ids)

    def generate_sync(self, doc_id: str, state: SyncState) -> bytes | None:
        """The next Automerge sync message for a peer in ``state``; None when it has nothing to say."""
        return self.store.generate_sync(doc_id, state)

    def generate_sync_many(
        self, items: Iterable[tuple[str, SyncState]]
    ) -> tuple[dict[str, bytes | None], list[tuple[str, str]]]:
        """:meth:`generate_sync` for each document: (messages, those that could not be read, with
        the reason)."""
        messages, failed = self.store.generate_sync_many(items)
        return messages, reasons(failed)

    def has_heads(self, doc_id: str, heads: Heads) -> bool:
        """Whether the held document contains these changes (as heads or anywhere in its history).
        KeyError when not held."""
        return self.store.has_heads(doc_id, heads)

    def lacking(self, items: list[tuple[str, Heads]]) -> list[str]:
        """Of ``(doc_id, heads)``, the documents here that lack some of those changes (their stored
        heads read in bulk; history loaded only where the heads alone do not tell)."""
        stored = self.store.stored_heads_many([doc_id for doc_id, _ in items])
        return [d for d, heads in items if not self.store.has_heads_given(d, heads, stored.get(d))]

    def push_message(self, doc_id: str, base: Heads) -> bytes:
        """A sync message carrying every change after ``base`` (heads a peer acknowledged)."""
        return self.store.push_message(doc_id, base)

    def push_messages(self, bases: Mapping[str, Heads]) -> dict[str, bytes]:
        """:meth:`push_message` for each ``{doc id: base}``."""
        return self.store.push_messages(bases)

    def docs(self, kind: str | None = None) -> Iterator[DocInfo]:
        """Every held document's :meth:`info`, or those of one ``kind``."""
        return self.store.docs(kind)

    def forget_cached(self) -> None:
        """Read every document from the database again on next use: another writer on this
        database (a second Repo, another process) may have changed it."""
        self.store.invalidate()

    def verify_checksums(self) -> list[tuple[str, str]]:
        """Every stored chunk's SHA-256, without loading: quarantines and returns what fails."""
        return self.store.verify_checksums()

    def verify_all(self, progress: Progress = quiet) -> list[tuple[str, str]]:
        """Load every document: quarantines and returns those that fail (``veld doctor``)."""
        return self.store.verify_all(progress)

    def erase(self, doc_id: str) -> None:
        with self.transaction():
            self.projector.remove(doc_id, kind_of(doc_id))
            self.store.drop(doc_id)

    def disagreements(
        self, progress: Progress = quiet, step: str = "doctor.compare"
    ) -> list[tuple[str, str]]:
        """Documents whose stored heads or projection rows are not what their stored changes make
        (``veld doctor``): each read fresh from its chunks, never from a copy in memory, and
        compared 500 at a time (progress counts the documents compared)."""
        heads_differ: list[tuple[str, str]] = []
        rows_differ: list[tuple[str, str]] = []
        infos = [info for info in self.store.docs() if not info.quarantined]
        counter = Counter(progress, step, len(infos))
        for start in range(0, len(infos), 500):
            part = infos[start : start + 500]
            docs: list[tuple[str, str, dict[str, Json]]] = []
            for info in part:
                self.store.invalidate([info.doc_id])
                try:
                    heads = self.store.heads(info.doc_id)
                    docs.append((info.doc_id, info.kind, self.store.read(info.doc_id)))
                except CorruptDocument:
                    continue  # verify_all reports it
                if heads.hashes != info.heads.hashes:
                    heads_differ.append((info.doc_id, "stored heads differ from its stored changes"))
            for doc_id in sorted(self.projector.disagreeing(docs)):
                rows_differ.append((doc_id, "projection differs from the document"))
            counter.add(len(part))
        orphans = [(d, "projection rows without a document") for d in sorted(self.projector.orphans())]
        return heads_differ + rows_differ + orphans

    def rebuild(self, progress: Progress = quiet) -> list[tuple[str, str]]:
        """Re-derive every projection table, and each document's stored heads, from the stored
        changes, in one transaction (an interrupted rebuild leaves the tables as they were);
        returns documents that failed."""
        failed: list[tuple[str, str]] = []
        with self.transaction():
            self.projector.clear()
            infos = list(self.store.docs())
            counter = Counter(progress, "doctor.rebuild", len(infos))
            for info in infos:
                counter.add()
                if info.quarantined:
                    failed.append((info.doc_id, info.error or "quarantined"))
                    continue
                self.store.invalidate([info.doc_id])
                try:
                    root = self.store.read(info.doc_id)
                    self.store.restore_heads(info.doc_id)
                except CorruptDocument as exc:
                    failed.append((info.doc_id, exc.reason))
                    continue
                self.projector.project(info.doc_id, info.kind, root)
        self.store.flush_quarantine()
        return failed


def reasons(failed: list[tuple[str, Exception]]) -> list[tuple[str, str]]:
    """The refusals as the peer is told them (English: the log and the wire speak one language)."""
    return [
        (d, exc.message("en") if isinstance(exc, VeldError) else f"not held here: {d}") for d, exc in failed
    ]
