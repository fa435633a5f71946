"""What this device knows about its relay (tables created by migration 0014_relay).

``relay_settings`` holds the one relay (its address and pinned certificate), when it was last
reached and the last error: the app and ``veld relay status`` say when the relay was last reached
without asking it. ``relay_pushes`` remembers, per recipient node, a fingerprint of what the last
push left at the relay, so pushing again with nothing new sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils


def ensure_schema(db: sqlite_utils.Database) -> None:
    if "relay_settings" not in db.table_names():
        db.table("relay_settings").create(
            {
                "id": int,
                "url": str,
                "server_cert": str,
                "added_at": int,
                "last_reached": int,
                "last_error": str,
                "last_error_at": int,
            },
            pk="id",
            not_null={"url", "server_cert", "added_at"},
        )
    if "relay_pushes" not in db.table_names():
        db.table("relay_pushes").create(
            {"node_id": str, "fingerprint": str, "seq": int, "bytes": int, "documents": int, "at": int},
            pk="node_id",
            not_null={"fingerprint", "seq", "bytes", "documents", "at"},
        )


@dataclass(frozen=True)
class Settings:
    url: str
    server_cert: str
    added_at: int
    last_reached: int | None
    last_error: str | None
    last_error_at: int | None


def settings(db: sqlite_utils.Database) -> Settings | None:
    row = db.execute(
        "SELECT url, server_cert, added_at, last_reached, last_error, last_error_at FROM relay_settings"
        " WHERE id = 1"
    ).fetchone()
    return None if row is None else Settings(*row)


def save(db: sqlite_utils.Database, url: str, server_cert: str, now_ms: int) -> None:
    db.execute(
        "INSERT INTO relay_settings (id, url, server_cert, added_at) VALUES (1, ?, ?, ?)"
        " ON CONFLICT(id) DO UPDATE SET url = excluded.url, server_cert = excluded.server_cert,"
        " added_at = excluded.added_at, last_reached = NULL, last_error = NULL, last_error_at = NULL",
        [url, server_cert, now_ms],
    )


def remove(db: sqlite_utils.Database) -> None:
    db.execute("DELETE FROM relay_settings")
    db.execute("DELETE FROM relay_pushes")


def reached(db: sqlite_utils.Database, now_ms: int) -> None:
    db.execute("UPDATE relay_settings SET last_reached = ?, last_error = NULL WHERE id = 1", [now_ms])


def failed(db: sqlite_utils.Database, error: str, now_ms: int) -> None:
    db.execute("UPDATE relay_settings SET last_error = ?, last_error_at = ? WHERE id = 1", [error, now_ms])


@dataclass(frozen=True)
class Pushed:
    node_id: str
    fingerprint: str
    seq: int
    bytes: int
    documents: int
    at: int


def pushes(db: sqlite_utils.Database) -> dict[str, Pushed]:
    rows = db.execute("SELECT node_id, fingerprint, seq, bytes, documents, at FROM relay_pushes")
    return {r[0]: Pushed(*r) for r in rows}


def record_push(db: sqlite_utils.Database, p: Pushed) -> None:
    db.execute(
        "INSERT INTO relay_pushes (node_id, fingerprint, seq, bytes, documents, at) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(node_id) DO UPDATE SET fingerprint = excluded.fingerprint, seq = excluded.seq,"
        " bytes = excluded.bytes, documents = excluded.documents, at = excluded.at",
        [p.node_id, p.fingerprint, p.seq, p.bytes, p.documents, p.at],
    )
