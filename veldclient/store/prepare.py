"""Documents that arrive whole and are new here (a new device's first sync, a bundle read into an
empty device): loaded, read and projected before they are stored, in worker processes when there
are many.

automerge-py holds the GIL while it loads or reads (two threads were slower than one, measured), so
using a second core takes a second process. Each document costs ~0.15 ms of loading and reading: a
new device of a node takes in 26k of them, which is seconds on one core. Below ``PARALLEL_FROM``
documents the work stays in this process, where starting workers would cost more than it saves.
The workers only compute; every decision (scope, storage) stays with the caller, in its transaction.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, NamedTuple

from veldclient.errors import CorruptDocument, VeldError
from veldclient.store import boundary, codec
from veldclient.store.projection import PROJECTORS, TABLES, Rows, RowTuples, as_tuples

log = logging.getLogger(__name__)

PARALLEL_FROM = 2_000
CHUNK = 500  # documents per task: large enough that pickling is cheap, small enough to overlap
PARENT_GONE = 3  # a worker's exit status when it ends because its parent did


class Prepared(NamedTuple):
    doc_id: str
    kind: str
    owner: str | None = None  # the node the document names as its owner
    heads: tuple[bytes, ...] = ()
    error: str | None = None  # why the document cannot be taken (English, as in refusals)


@dataclass(frozen=True)
class Chunk:
    """Prepared documents in their original order, and the projection rows of those that loaded,
    gathered per table: one object per chunk pickles back ~8x faster than one per document, and
    the rows are ready for ``executemany``."""

    docs: list[Prepared]
    rows: RowTuples

    def rows_without(self, doc_ids: set[str]) -> RowTuples:
        """The rows, less those of documents the caller did not take (out of scope)."""
        if not doc_ids:
            return self.rows
        out: RowTuples = {}
        for table, rows in self.rows.items():
            at = list(TABLES[table][0]).index("doc_id")
            out[table] = [r for r in rows if r[at] not in doc_ids]
        return out


CLAIM_KEYS = ("kind", "id", "node_id")
"""The root fields :func:`claimed_owner` reads (``codec.root_scalars`` reads no more)."""


def claimed_owner(doc_id: str, root: dict[str, Any]) -> str | None:
    """The owning node a received document claims; it must also name itself correctly."""
    kind, _, record_id = doc_id.partition(":")
    if root.get("kind") != kind or str(root.get("id")) != record_id:
        raise CorruptDocument(doc_id, "the document does not match its id")
    owner = root.get("node_id")
    return owner if isinstance(owner, str) else None


def projectable(doc_id: str, kind: str, root: dict[str, Any]) -> Rows:
    """The document's projection rows, or CorruptDocument when it is valid Automerge but not the
    record its kind must be (another writer's bug, or worse): refused, never half-stored."""
    projector = PROJECTORS.get(kind)
    if projector is None:
        raise CorruptDocument(doc_id, f"unknown kind of document '{kind}'")
    try:
        return projector(doc_id, root)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise CorruptDocument(doc_id, f"the document does not have the shape of a {kind} ({exc!r})") from None


def prepare_one(doc_id: str, data: bytes, rows: RowTuples) -> Prepared:
    """Load, read and project one document; its rows are added to ``rows``."""
    kind = doc_id.split(":", 1)[0]
    try:
        doc = boundary.load(data)
        with boundary.guarded("reading"):
            root = codec.materialise(doc)
        owner = claimed_owner(doc_id, root)
        for table, table_rows in as_tuples(projectable(doc_id, kind, root)).items():
            rows.setdefault(table, []).extend(table_rows)
        return Prepared(doc_id, kind, owner, tuple(boundary.heads(doc)))
    except VeldError as exc:
        return Prepared(doc_id, kind, error=exc.message("en"))


def prepare_chunk(items: list[tuple[str, bytes]]) -> Chunk:
    rows: RowTuples = {}
    return Chunk([prepare_one(doc_id, data, rows) for doc_id, data in items], rows)


def prepare_all(
    items: list[tuple[str, bytes]], *, parallel_from: int | None = None, workers: int | None = None
) -> Iterator[Chunk]:
    """Prepared documents in their original order, a chunk at a time, so the caller can store one
    chunk while the workers prepare the next."""
    threshold = PARALLEL_FROM if parallel_from is None else parallel_from
    if len(items) < threshold or (workers or _default_workers()) < 2:
        yield prepare_chunk(items)
        return
    chunks = [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]
    done = 0
    try:
        for chunk in _pool(workers).map(prepare_chunk, chunks):
            yield chunk
            done += 1
    except (BrokenProcessPool, OSError) as exc:
        # A worker could not start or died (e.g. a host program that is not import-safe, or
        # out of memory): the work is the same here, only slower.
        log.warning("document workers failed (%s); preparing in this process", exc)
        _discard(workers)
        for rest in chunks[done:]:
            yield prepare_chunk(rest)


def warm_up(workers: int | None = None) -> None:
    """Start the worker processes now without waiting for them. A caller that knows many new
    documents are coming (a large bundle, a long fetch list) lets their start-up (~0.3 s of imports
    each) overlap with its own reading, decrypting or waiting on the network. Never fails: if the
    workers cannot start, :func:`prepare_all` finds out and works in this process."""
    size = workers or _default_workers()
    if size < 2:
        return
    try:
        pool = _pool(workers)
        for _ in range(size):  # one task each: a spawn pool starts a process per waiting task
            pool.submit(_ready)
    except (BrokenProcessPool, OSError, RuntimeError) as exc:
        log.warning("document workers could not start early (%s)", exc)
        _discard(workers)


def _ready() -> None:
    """A worker's first task: nothing, once its imports are done."""


def _end_with_parent() -> None:
    """Every worker's initializer: the worker exits as soon as the process that started it ends.

    A worker waits for tasks on a pipe whose writing end it holds itself, so it never sees the
    end of file that would tell it its parent is gone: after a ``kill -9`` (or SIGTERM, whose
    default ends Python without cleanup) of an import or a sync, the workers and the resource
    tracker that waits for them would block for good. multiprocessing gives each spawned child a
    sentinel of its parent (a pipe end the parent alone holds open on POSIX, the process handle on
    Windows); a daemon thread waits on it and ends the worker. The resource tracker then sees the
    last holder of its pipe go, cleans up and ends too. (PR_SET_PDEATHSIG is not used: it fires
    when the parent *thread* that started the worker ends, and the TUI starts them from worker
    threads that end.)

    Ctrl+C on a terminal reaches every process of the command, these workers too: they ignore it
    (no traceback of theirs on the screen) and end with the parent, which decides what stops."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()
        os._exit(PARENT_GONE)

    threading.Thread(target=watch, name="veld-parent-watch", daemon=True).start()


def _default_workers() -> int:
    return min(os.cpu_count() or 1, 4)


_lock = threading.Lock()
_pools: dict[int, Executor] = {}


def _pool(workers: int | None) -> Executor:
    """One pool per size for the life of the process: starting a worker takes ~0.3 s of imports."""
    size = workers or _default_workers()
    with _lock:
        if size not in _pools:
            # spawn, not fork: the caller may run threads (the TUI's sync agent) and hold SQLite
            _pools[size] = ProcessPoolExecutor(
                size, mp_context=multiprocessing.get_context("spawn"), initializer=_end_with_parent
            )
        return _pools[size]


def _discard(workers: int | None) -> None:
    with _lock:
        pool = _pools.pop(workers or _default_workers(), None)
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)


@atexit.register
def shutdown() -> None:
    with _lock:
        for pool in _pools.values():
            pool.shutdown(cancel_futures=True)
        _pools.clear()
