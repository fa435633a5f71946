"""What this device exported and imported by bundle (tables created by migration 0010_bundles).

``bundle_exports`` hands out the per-sender sequence number: the row is inserted in the same
transaction that writes the file, so a failed or killed export leaves no row and the number is
reused (the importer keys on the ciphertext hash as well, so nothing is confused). ``bundle_imports``
is the ledger keyed (sender device, seq, sha256): a second import is a no-op, an older sequence after
a newer one is flagged. Order is by sequence, never by wall clock.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlite_utils


def ensure_schema(db: sqlite_utils.Database) -> None:
    if "bundle_exports" not in db.table_names():
        db.table("bundle_exports").create(
            {
                "seq": int,
                "bundle_id": str,
                "kind": str,
                "file": str,
                "recipients": str,
                "docs": int,
                "bytes": int,
                "at": int,
            },
            pk="seq",
            not_null={"bundle_id", "kind", "file", "recipients", "docs", "bytes", "at"},
        )
    if "bundle_imports" not in db.table_names():
        db.table("bundle_imports").create(
            {
                "sender_device": str,
                "seq": int,
                "sha256": str,
                "bundle_id": str,
                "kind": str,
                "sender_node": str,
                "file": str,
                "docs": int,
                "changed": int,
                "flag": str,
                "at": int,
            },
            pk=("sender_device", "seq", "sha256"),
            not_null={"bundle_id", "kind", "sender_node", "file", "docs", "changed", "at"},
        )


def next_seq(db: sqlite_utils.Database) -> int:
    return int(db.execute("SELECT coalesce(max(seq), 0) + 1 FROM bundle_exports").fetchone()[0])


def record_export(
    db: sqlite_utils.Database,
    seq: int,
    bundle_id: str,
    kind: str,
    file: str,
    recipients: list[str],
    docs: int,
    size: int,
    now_ms: int,
) -> None:
    db.execute(
        "INSERT INTO bundle_exports (seq, bundle_id, kind, file, recipients, docs, bytes, at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [seq, bundle_id, kind, file, json.dumps(recipients), docs, size, now_ms],
    )


@dataclass(frozen=True)
class Seen:
    """What the ledger already knows about a sender, relative to an incoming bundle."""

    duplicate: int | None  # documents of the same bundle imported before; None: not seen
    newest_seq: int  # highest sequence imported from this sender (0: none)
    same_seq_other_content: bool


def seen(db: sqlite_utils.Database, sender_device: str, seq: int, sha256_hex: str) -> Seen:
    row = db.execute(
        "SELECT docs FROM bundle_imports WHERE sender_device = ? AND seq = ? AND sha256 = ?",
        [sender_device, seq, sha256_hex],
    ).fetchone()
    duplicate = None if row is None else int(row[0])
    newest = db.execute(
        "SELECT coalesce(max(seq), 0) FROM bundle_imports WHERE sender_device = ?", [sender_device]
    ).fetchone()[0]
    other = db.execute(
        "SELECT 1 FROM bundle_imports WHERE sender_device = ? AND seq = ? AND sha256 != ?",
        [sender_device, seq, sha256_hex],
    ).fetchone()
    return Seen(duplicate, int(newest), other is not None)


def record_import(
    db: sqlite_utils.Database,
    *,
    sender_device: str,
    seq: int,
    sha256_hex: str,
    bundle_id: str,
    kind: str,
    sender_node: str,
    file: str,
    docs: int,
    changed: int,
    flag: str | None,
    now_ms: int,
) -> None:
    db.execute(
        "INSERT INTO bundle_imports (sender_device, seq, sha256, bundle_id, kind, sender_node, file, docs,"
        " changed, flag, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [sender_device, seq, sha256_hex, bundle_id, kind, sender_node, file, docs, changed, flag, now_ms],
    )
