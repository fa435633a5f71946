"""Delivery status: which heads each peer is known to hold, per document.

A row is written only on evidence: the peer listed those heads in its manifest, it sent them to us,
it confirmed a merge, or it acknowledged a bundle. "Delivered" means the acknowledged heads equal the
document's current heads; anything else is "waiting", and the UI never says "synced" without it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlite_utils

from veldclient.db import rows_in
from veldclient.store.heads import Heads
from veldclient.sync.limits import EVERY_ID, Part


def record(
    db: sqlite_utils.Database, device_id: str, items: Iterable[tuple[str, Heads]], now_ms: int
) -> None:
    """``items``: (doc_id, heads) the peer holds."""
    db.conn.executemany(
        "INSERT INTO peer_acks (device_id, doc_id, heads, at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(device_id, doc_id) DO UPDATE SET heads = excluded.heads, at = excluded.at"
        " WHERE peer_acks.heads != excluded.heads",
        [(device_id, doc_id, heads.text, now_ms) for doc_id, heads in items],
    )


def known(
    db: sqlite_utils.Database, device_id: str, doc_ids: list[str] | None = None, within: Part = EVERY_ID
) -> dict[str, Heads]:
    """{doc id: acknowledged heads} for the peer: for ``doc_ids``, or else for every document in the
    id range ``within``."""
    if doc_ids is None:
        bounds, params = within.condition()
        sql = f"SELECT doc_id, heads FROM peer_acks WHERE device_id = ?{bounds}"
        rows: Iterable[tuple[str, str]] = db.execute(sql, [device_id, *params]).fetchall()
    else:
        sql = "SELECT doc_id, heads FROM peer_acks WHERE device_id = ? AND doc_id IN ({marks})"
        rows = rows_in(db, sql, doc_ids, (device_id,))
    return {doc_id: Heads.from_text(text) for doc_id, text in rows}


@dataclass(frozen=True)
class Holder:
    device_id: str
    name: str
    node_id: str
    current: bool  # holds the document's current heads
    at: int


def held_by(db: sqlite_utils.Database, doc_id: str) -> list[Holder]:
    """Every paired peer that acknowledged some version of ``doc_id``, and whether it is current."""
    rows = db.execute(
        "SELECT p.device_id, p.name, p.node_id, a.heads = d.heads, a.at FROM peer_acks a"
        " JOIN peers p ON p.device_id = a.device_id AND p.removed = 0"
        " JOIN am_docs d ON d.doc_id = a.doc_id WHERE a.doc_id = ? ORDER BY p.name",
        [doc_id],
    ).fetchall()
    return [Holder(r[0], r[1], r[2], bool(r[3]), r[4]) for r in rows]
