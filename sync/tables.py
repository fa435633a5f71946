"""Tables the sync layer keeps next to the documents (created by migration 0009_sync)."""

from __future__ import annotations

import sqlite_utils


def ensure_schema(db: sqlite_utils.Database) -> None:
    if "peers" not in db.table_names():
        # One row per paired device (of this node or another). ``removed`` keeps the row so the
        # audit trail and delivery history still name the device after unpairing.
        db.table("peers").create(
            {
                "device_id": str,
                "name": str,
                "node_id": str,
                "role": str,
                "label": str,
                "cert_pem": str,
                "address": str,
                "paired_at": int,
                "paired_by": str,
                "removed": int,
                "last_contact": int,
                "last_error": str,
                "remote_cursor": int,
            },
            pk="device_id",
            not_null={"name", "node_id", "cert_pem", "paired_at", "removed", "remote_cursor"},
            defaults={"removed": 0, "remote_cursor": 0},
        )
        db.table("peers").create_index(["name"])
    if "peer_acks" not in db.table_names():
        # The heads a peer is known to hold for a document, in am_docs.heads' exact text form, so
        # "delivered" is one string comparison in SQL.
        db.table("peer_acks").create(
            {"device_id": str, "doc_id": str, "heads": str, "at": int},
            pk=("device_id", "doc_id"),
            not_null={"heads", "at"},
        )
        db.table("peer_acks").create_index(["doc_id"])
