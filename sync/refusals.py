"""Node documents a peer offered that this device refused (their writers are not trusted here): not
fetched again while the peer offers the same version and this device's trust in that node is
unchanged. Otherwise every first contact would download and refuse them again. The refusal is still
reported on every run, but audited only when decided, not when remembered (SyncReport.refused_before).
Pairing or revoking a device of that node, or an introduction of one by the own node's admin
(trust.introductions), lifts the memory.

Created by migration 0011_sync_refusals.
"""

from __future__ import annotations

import hashlib

import sqlite_utils

from veldclient.db import rows_in
from veldclient.store.repo import Repo


def ensure_schema(db: sqlite_utils.Database) -> None:
    if "sync_refusals" not in db.table_names():
        db.table("sync_refusals").create(
            {"device_id": str, "doc_id": str, "digest": bytes, "trust": str, "reason": str, "at": int},
            pk=("device_id", "doc_id"),
            not_null={"digest", "trust", "reason", "at"},
        )


def trust_mark(repo: Repo, node_id: str) -> str:
    """Changes whenever a device of ``node_id`` is paired, removed, revoked or introduced here."""
    rows = repo.db.execute(
        "SELECT device_id, revoked FROM trusted_devices WHERE node_id = ? ORDER BY device_id", [node_id]
    ).fetchall()
    introduced = sorted(repo.introduced(node_id))
    return hashlib.sha256(repr((rows, introduced) if introduced else rows).encode()).hexdigest()[:16]


def _node(doc_id: str) -> str:
    return doc_id.split(":", 1)[1]


def remember(repo: Repo, device_id: str, items: list[tuple[str, bytes, str]], now_ms: int) -> None:
    """``items``: (node document id, digest the peer offered, reason)."""
    marks = {_node(d): trust_mark(repo, _node(d)) for d, _, _ in items}
    repo.db.conn.executemany(
        "INSERT OR REPLACE INTO sync_refusals (device_id, doc_id, digest, trust, reason, at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [(device_id, d, digest, marks[_node(d)], why, now_ms) for d, digest, why in items],
    )


def still_refused(repo: Repo, device_id: str, offered: dict[str, bytes]) -> dict[str, str]:
    """Of the node documents ``offered`` ({doc id: digest}), those refused before at this very
    version under the same trust: {doc id: reason}."""
    sql = (
        "SELECT doc_id, digest, trust, reason FROM sync_refusals WHERE device_id = ? AND doc_id IN ({marks})"
    )
    rows = list(rows_in(repo.db, sql, list(offered), (device_id,)))
    marks = {_node(r[0]): trust_mark(repo, _node(r[0])) for r in rows}
    return {
        doc_id: reason
        for doc_id, digest, trust, reason in rows
        if digest == offered[doc_id] and trust == marks[_node(doc_id)]
    }
