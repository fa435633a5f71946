"""Plain Python values <-> Automerge objects.

Only JSON-like values cross: dict, list, str, int, float, bool, None (bytes for signatures). Types are
explicit (rc1's high-level wrapper turns bool into int). Writes are diffs: an unchanged field is not
written again, so history (and load time) grows with real edits only. Callers run inside the
boundary's ``guarded`` block.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, cast

from automerge import core

ROOT = core.ROOT
_S = core.ScalarType
_O = core.ObjType

Json = Any


def _scalar(value: Json) -> tuple[core.ScalarType, Json]:
    if value is None:
        return _S.Null, None
    if isinstance(value, bool):
        return _S.Boolean, value
    if isinstance(value, int):
        return _S.Int, value
    if isinstance(value, float):
        return _S.F64, value
    if isinstance(value, str):
        return _S.Str, value
    if isinstance(value, bytes):
        return _S.Bytes, value
    raise TypeError(f"cannot store {type(value).__name__} in a document")


def put(tx: core.Transaction, obj: bytes, key: str, value: Json) -> None:
    """Write ``value`` under ``key`` of map ``obj`` (replacing whatever was there)."""
    if isinstance(value, dict):
        child = tx.put_object(obj, key, _O.Map)
        for k, v in value.items():
            put(tx, child, k, v)
    elif isinstance(value, list | tuple):
        child = tx.put_object(obj, key, _O.List)
        for i, v in enumerate(value):
            insert(tx, child, i, v)
    else:
        tx.put(obj, key, *_scalar(value))


def insert(tx: core.Transaction, lst: bytes, index: int, value: Json) -> None:
    if isinstance(value, dict):
        child = tx.insert_object(lst, index, _O.Map)
        for k, v in value.items():
            put(tx, child, k, v)
    elif isinstance(value, list | tuple):
        child = tx.insert_object(lst, index, _O.List)
        for i, v in enumerate(value):
            insert(tx, child, i, v)
    else:
        tx.insert(lst, index, *_scalar(value))


def append(tx: core.Transaction, lst: bytes, value: Json) -> None:
    insert(tx, lst, tx.length(lst), value)


def update(tx: core.Transaction, obj: bytes, current: dict[str, Json], new: dict[str, Json]) -> None:
    """Make map ``obj`` (whose materialised value is ``current``) equal ``new``, writing only diffs.

    Nested maps are updated key by key so concurrent edits to different fields of a record both
    survive; lists are replaced whole when they differ (they are small sets of codes here; event
    lists are only ever appended through :func:`append`).
    """
    for key, value in new.items():
        old = current.get(key, _MISSING)
        if old == value and type(old) is type(value):
            continue
        if isinstance(value, dict) and isinstance(old, dict):
            child = tx.get(obj, key)
            if child is not None and child[0] == _O.Map:
                update(tx, child[1], old, value)
                continue
        put(tx, obj, key, value)
    for key in current:
        if key not in new:
            tx.delete(obj, key)


_MISSING = object()


def materialise(
    doc: core.Document | core.Transaction, obj: bytes = ROOT, heads: list[bytes] | None = None
) -> Json:
    """The whole object as plain Python values (maps -> dict, lists -> list, text -> str)."""
    return _object(doc, _code(doc.object_type(obj)), obj, heads)


def root_scalars(doc: core.Document, keys: Iterable[str]) -> dict[str, Json]:
    """Those of ``keys`` that hold a scalar at the root, read without materialising the rest: a
    node document carries a year of capacity history that a claim check does not need."""
    out: dict[str, Json] = {}
    for key in keys:
        found = doc.get(ROOT, key)
        if found is not None and found[0].__class__ is tuple:
            out[key] = found[0][1]
    return out


def _object(doc: core.Document | core.Transaction, kind: int, obj: bytes, heads: list[bytes] | None) -> Json:
    # The hot path of every read and of every document a new device takes in (~75 values in ~15
    # objects per case): scalars are unpacked inline rather than through a call per value, and the
    # enums compared as ints (rc1's enums are unhashable objects whose == is a call into Rust):
    # 53 -> 46 µs a record, of which ~40 are the calls into automerge.
    if kind == _MAP:
        keys = doc.keys(obj, heads) if heads is not None else doc.keys(obj)
        values = doc.values(obj, heads) if heads is not None else doc.values(obj)
        out: dict[str, Json] = {}
        for key, (value, exid) in zip(keys, values, strict=True):
            if value.__class__ is tuple:
                scalar = value[1]
                if scalar.__class__ is int and _code(value[0]) == _COUNTER:  # counters hold ints
                    _refuse_counter()
                out[key] = scalar
            else:
                out[key] = _object(doc, _code(value), exid, heads)
        return out
    if kind == _LIST:
        values = doc.values(obj, heads) if heads is not None else doc.values(obj)
        items: list[Json] = []
        for value, exid in values:
            if value.__class__ is tuple:
                scalar = value[1]
                if scalar.__class__ is int and _code(value[0]) == _COUNTER:
                    _refuse_counter()
                items.append(scalar)
            else:
                items.append(_object(doc, _code(value), exid, heads))
        return items
    return doc.text(obj, heads) if heads is not None else doc.text(obj)


_code = cast(Callable[[Any], int], int)  # rc1's enums convert to int; its stubs do not say so
_MAP = _code(_O.Map)
_LIST = _code(_O.List)
_COUNTER = _code(_S.Counter)


def _refuse_counter() -> None:
    raise TypeError("counters are not supported (automerge rc1 panics on them)")
