"""Projection tables whose columns are a record model's stored fields, derived from its declaration.

A field the model declares is a column of the same name unless the table says otherwise, so a new
field is declared once, in the model. Typed by the field: numbers stay numbers, a yes/no is 0 or 1,
a set is its codes joined by spaces (searchable), anything else (text, dates, codes) is text.
"""

from __future__ import annotations

import typing
from collections.abc import Iterable, Mapping
from typing import Any

from veldclient.domain.record import Record, optional_of

Json = Any


def join(codes: Iterable[str] | None) -> str:
    """A set of codes as one searchable text column."""
    return " ".join(codes or [])


def _column_type(tp: Any) -> type:
    tp = optional_of(tp) or tp
    if tp in (int, bool):
        return int
    return float if tp is float else str


class Mapped:
    """The columns of a table that holds one model's records, in the model's stored order: ``id``,
    then ``doc_id`` (every row carries its document), then each field, where ``instead`` replaces a
    field by other columns (none: not projected) that the projector fills itself; ``extra``
    columns come last. ``node_id`` is the document's node, the one whose data the row is."""

    def __init__(
        self,
        model: type[Record],
        instead: Mapping[str, Mapping[str, type]] | None = None,
        extra: Mapping[str, type] | None = None,
    ) -> None:
        instead = instead or {}
        self.columns: dict[str, type] = {}
        self._copied: list[str] = []
        self._flags: list[str] = []
        self._joined: list[str] = []
        self._node = False
        for key, tp in model.stored_types().items():
            if key in instead:
                self.columns |= instead[key]
                continue
            self.columns[key] = _column_type(tp)
            if key == "id":
                self.columns["doc_id"] = str
            elif key == "node_id":
                self._node = True
            elif typing.get_origin(tp) is frozenset:
                self._joined.append(key)
            elif tp is bool:
                self._flags.append(key)
            else:
                self._copied.append(key)
        self.columns |= extra or {}

    def row(self, doc_id: str, record: Mapping[str, Json], node_id: Json = None) -> dict[str, Json]:
        """The mapped columns of ``record`` (a stored dict); the projector adds the rest. A field a
        document lacks is NULL rather than an error: documents from older versions are projected."""
        row = {key: record.get(key) for key in self._copied}
        row["id"] = record["id"]
        row["doc_id"] = doc_id
        if self._node:
            row["node_id"] = node_id
        for key in self._flags:
            row[key] = int(bool(record.get(key)))
        for key in self._joined:
            row[key] = join(record.get(key))
        return row
