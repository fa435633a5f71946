"""Invitations on both sides of a join, in the profile's encrypted database.

On the issuing device (the node machine an admin works on), ``invitations`` keeps every invitation
it handed out: its one-time certificate (trusted at the TLS handshake for the ``enrol`` call only),
the node and role it grants, when it expires, and who used it. Using it is one conditional update,
so two laptops racing with copies of one file cannot both get in.

On the joining laptop, ``join_pending`` keeps the invitation's one-time key until the first contact
with the node machine has introduced the laptop; the key is then deleted.

The tables are made by the first invitation issued or accepted on a profile (:func:`ensure_schema`
inside that write), not by a migration step: most profiles never hold one, and every reader here
treats a missing table as "none".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import sqlite_utils

_COLUMNS = (
    "invitation_id, one_time_id, cert_pem, node_id, role, name, address, issued_at, expires_at,"
    " issued_by, used_at, used_by, cancelled"
)


def ensure_schema(db: sqlite_utils.Database) -> None:
    if "invitations" not in db.table_names():
        db.table("invitations").create(
            {
                "invitation_id": str,
                "one_time_id": str,
                "cert_pem": str,
                "node_id": str,
                "role": str,
                "name": str,
                "address": str,
                "issued_at": int,
                "expires_at": int,
                "issued_by": str,
                "used_at": int,
                "used_by": str,
                "cancelled": int,
            },
            pk="invitation_id",
            not_null={"one_time_id", "cert_pem", "node_id", "role", "issued_at", "expires_at"},
            defaults={"cancelled": 0},
        )
        db.table("invitations").create_index(["one_time_id"], unique=True)
    if "join_pending" not in db.table_names():
        db.table("join_pending").create(
            {"invitation_id": str, "node_machine_id": str, "key_pem": str, "cert_pem": str, "at": int},
            pk="invitation_id",
            not_null={"node_machine_id", "key_pem", "cert_pem", "at"},
        )


@dataclass(frozen=True)
class Issued:
    invitation_id: str
    one_time_id: str
    cert_pem: str
    node_id: str
    role: str
    name: str | None
    address: str | None
    issued_at: int
    expires_at: int
    issued_by: str | None
    used_at: int | None
    used_by: str | None
    cancelled: bool

    def state(self, now_ms: int) -> str:
        """``used``, ``cancelled``, ``expired`` or ``open``: the first that holds."""
        if self.used_at is not None:
            return "used"
        if self.cancelled:
            return "cancelled"
        return "expired" if now_ms >= self.expires_at else "open"


def _issued(row: tuple[Any, ...]) -> Issued:
    values = list(row)
    values[12] = bool(values[12])
    return Issued(*values)


def record(db: sqlite_utils.Database, issued: Issued) -> None:
    ensure_schema(db)
    db.table("invitations").insert(asdict(issued))


def by_one_time(db: sqlite_utils.Database, device_id: str) -> Issued | None:
    """The invitation whose one-time certificate has this device id (the caller of ``enrol``)."""
    if "invitations" not in db.table_names():
        return None
    row = db.execute(f"SELECT {_COLUMNS} FROM invitations WHERE one_time_id = ?", [device_id]).fetchone()
    return _issued(row) if row else None


def find(db: sqlite_utils.Database, invitation_id: str) -> Issued | None:
    if "invitations" not in db.table_names():
        return None
    row = db.execute(
        f"SELECT {_COLUMNS} FROM invitations WHERE invitation_id = ?", [invitation_id]
    ).fetchone()
    return _issued(row) if row else None


def all_issued(db: sqlite_utils.Database) -> list[Issued]:
    if "invitations" not in db.table_names():
        return []
    return [_issued(r) for r in db.execute(f"SELECT {_COLUMNS} FROM invitations ORDER BY issued_at DESC")]


def handshake_pems(db: sqlite_utils.Database) -> dict[str, str]:
    """One-time certificates the TLS server admits, used, expired and cancelled ones included: their
    holder then hears *why* it is refused from the ``enrol`` call instead of a bare handshake
    failure (and a running server cannot drop a certificate from its trust store anyway).
    Admitted, such a certificate can make no other call: it is no peer."""
    if "invitations" not in db.table_names():
        return {}
    rows = db.execute("SELECT one_time_id, cert_pem FROM invitations")
    return {device: pem for device, pem in rows}


def any_open(db: sqlite_utils.Database, now_ms: int) -> bool:
    if "invitations" not in db.table_names():
        return False
    row = db.execute(
        "SELECT 1 FROM invitations WHERE used_at IS NULL AND cancelled = 0 AND expires_at > ? LIMIT 1",
        [now_ms],
    ).fetchone()
    return row is not None


def mark_used(db: sqlite_utils.Database, invitation_id: str, device_id: str, now_ms: int) -> bool:
    """Use the invitation for ``device_id``; False when it was used already (one wins a race)."""
    cursor = db.execute(
        "UPDATE invitations SET used_at = ?, used_by = ? WHERE invitation_id = ? AND used_at IS NULL",
        [now_ms, device_id, invitation_id],
    )
    return cursor.rowcount == 1


def cancel(db: sqlite_utils.Database, invitation_id: str) -> bool:
    cursor = db.execute(
        "UPDATE invitations SET cancelled = 1 WHERE invitation_id = ? AND used_at IS NULL AND cancelled = 0",
        [invitation_id],
    )
    return cursor.rowcount == 1


# -- the joining laptop ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PendingJoin:
    invitation_id: str
    node_machine_id: str
    key_pem: str
    cert_pem: str
    at: int


def remember_join(db: sqlite_utils.Database, pending: PendingJoin) -> None:
    ensure_schema(db)
    db.table("join_pending").insert(asdict(pending), replace=True)


def pending_join(db: sqlite_utils.Database, node_machine_id: str | None = None) -> PendingJoin | None:
    if "join_pending" not in db.table_names():
        return None
    sql = "SELECT invitation_id, node_machine_id, key_pem, cert_pem, at FROM join_pending"
    args: list[str] = []
    if node_machine_id is not None:
        sql += " WHERE node_machine_id = ?"
        args.append(node_machine_id)
    row = db.execute(sql + " ORDER BY at DESC", args).fetchone()
    return PendingJoin(*row) if row else None


def forget_join(db: sqlite_utils.Database, invitation_id: str) -> None:
    db.execute("DELETE FROM join_pending WHERE invitation_id = ?", [invitation_id])
