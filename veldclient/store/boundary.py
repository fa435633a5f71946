"""The one boundary around automerge-py 1.0.0rc1.

rc1 raises a bare ``Exception`` on bad bytes and a Rust ``PanicException`` (a ``BaseException``, so
``except Exception`` misses it) on counters and some internal states; a panic inside a transaction
poisons the document until it is reloaded. Nothing outside this module calls automerge directly:
every call goes through :func:`guard`, which turns any failure into :class:`AutomergeFailure`, and the
document store then drops its in-memory copy so the next use reloads from SQLite.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn, TypeVar

from automerge import core

from veldclient.errors import VeldError

T = TypeVar("T")

ROOT = core.ROOT
Document = core.Document
SyncState = core.SyncState
ScalarType = core.ScalarType
ObjType = core.ObjType

_PASS_THROUGH = (KeyboardInterrupt, SystemExit, GeneratorExit, VeldError)


class AutomergeFailure(VeldError):
    """Automerge refused bytes or failed internally; ``reason`` is its own message."""

    def __init__(self, what: str, reason: str) -> None:
        super().__init__(
            f"Automerge-fout bij {what}: {reason}",
            f"Automerge failed while {what}: {reason}",
        )
        self.what = what
        self.reason = reason


@contextmanager
def guarded(what: str) -> Iterator[None]:
    try:
        yield
    except BaseException as exc:  # noqa: BLE001 - rc1 panics are BaseExceptions
        _translate(what, exc)


def guard(what: str, fn: Callable[..., T], *args: Any) -> T:
    """:func:`guarded` around one call, without a context manager: it wraps every Automerge call
    (eight per document in a sync round), where the generator's cost showed in profiles."""
    try:
        return fn(*args)
    except BaseException as exc:  # noqa: BLE001 - rc1 panics are BaseExceptions
        _translate(what, exc)


def _translate(what: str, exc: BaseException) -> NoReturn:
    if isinstance(exc, _PASS_THROUGH) or not _from_automerge(exc):
        raise exc
    raise AutomergeFailure(what, f"{type(exc).__name__}: {exc}") from exc


def _from_automerge(exc: BaseException) -> bool:
    """rc1 signals bad input with a *bare* ``Exception`` and bugs with ``PanicException`` (not an
    ``Exception`` subclass). Anything else (our own errors inside a change) passes through."""
    return type(exc) is Exception or not isinstance(exc, Exception)


def new_document(actor: bytes) -> core.Document:
    return guard("creating a document", core.Document, actor)


def load(data: bytes, actor: bytes | None = None) -> core.Document:
    """Load snapshot (+ appended change chunks); automerge verifies every chunk checksum."""
    if not data:
        raise AutomergeFailure("loading", "no bytes")
    doc = guard("loading", core.Document.load, data)
    if actor is not None:
        guard("setting the actor", doc.set_actor, actor)
    return doc


def save(doc: core.Document) -> bytes:
    return guard("saving", doc.save)


def heads(doc: core.Document) -> list[bytes]:
    return sorted(guard("reading heads", doc.get_heads))


def changes_since(doc: core.Document, since: list[bytes]) -> bytes:
    """Raw change chunks after ``since``, concatenated: appended after a snapshot they load as one."""
    changes = guard("reading changes", doc.get_changes, since)
    return b"".join(c.bytes for c in changes)


def knows(doc: core.Document, hashes: list[bytes]) -> bool:
    """Whether every change hash is in the document's history: ``fork`` refuses unknown hashes,
    while reads at unknown heads silently answer nothing."""
    try:
        guard("forking", doc.fork, hashes)
    except AutomergeFailure:
        return False
    return True


def fork_at(doc: core.Document, at: list[bytes]) -> core.Document:
    """A copy of the document as it was at ``at`` (its own actor: set one before changing it)."""
    return guard("forking", doc.fork, at)


def root_changes(doc: core.Document) -> list[bytes]:
    """Hashes of the changes that depend on nothing (a document's first change), sorted. Reads the
    whole history: for the rare cases that need it, not for every read."""
    return sorted(bytes(c.hash) for c in guard("reading changes", doc.get_changes, []) if not c.deps)


def merge(doc: core.Document, other: core.Document) -> None:
    guard("merging", doc.merge, other)


ChangeMeta = tuple[bytes, bytes, list[bytes]]  # (actor, hash, deps)


def change_meta(doc: core.Document, since: list[bytes]) -> list[ChangeMeta]:
    """Actor, hash and dependencies of every change after ``since``: who wrote what a merge brings
    in, and what each change built on."""
    return [
        (bytes(c.actor_id), bytes(c.hash), [bytes(d) for d in c.deps])
        for c in guard("reading changes", doc.get_changes, since)
    ]


def new_sync_state() -> core.SyncState:
    return guard("starting a sync", core.SyncState)


def generate_sync_message(doc: core.Document, state: core.SyncState) -> bytes | None:
    msg = guard("generating a sync message", doc.generate_sync_message, state)
    return None if msg is None else bytes(guard("encoding a sync message", msg.encode))


def receive_sync_message(doc: core.Document, state: core.SyncState, data: bytes) -> None:
    """Apply a peer's sync message. rc1 drops corrupt change bytes silently, so callers verify the
    heads they were promised afterwards (sync/running.py and sync/answering.py do)."""
    msg = guard("decoding a sync message", core.Message.decode, data)
    guard("receiving a sync message", doc.receive_sync_message, state, msg)


def _uleb(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | 0x80 if n else byte)
        if not n:
            return bytes(out)


def _hashes(hashes: list[bytes]) -> bytes:
    return _uleb(len(hashes)) + b"".join(hashes)


def push_sync_message(doc: core.Document, base: list[bytes]) -> bytes:
    """A sync message (format v1, type 0x42) carrying every change after ``base``, the heads the peer
    is known to hold, and saying so in ``have``: the peer applies them and answers with exactly what
    we lack, so two replicas that both changed converge in one round trip instead of the two or three
    of a fresh bloom-filter exchange. rc1 cannot seed a ``SyncState`` with known heads, hence the
    hand encoding. Stale ``base`` is harmless: the peer queues changes it cannot place and the normal
    protocol takes over.

    ``have`` names our own heads, not ``base``: the peer takes our changes first, so it holds them,
    and then sends only what is not behind them, never our own changes back (with ``base`` there it
    returned them all, and a Bloom filter of them would hold back a change of its own now and then,
    costing a round). If it cannot take ours (``base`` too new), it answers with a reset, and the
    next round starts over the usual way."""
    changes = guard("reading changes", doc.get_changes, base)
    ours = heads(doc)
    body = bytearray(b"\x42")
    body += _hashes(ours) + _hashes([]) + _uleb(1) + _hashes(sorted(ours)) + _uleb(0)
    body += _uleb(len(changes))
    for change in changes:
        raw = change.bytes
        body += _uleb(len(raw)) + raw
    return bytes(body)
