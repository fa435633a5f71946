"""Small in-memory repositories for store-level tests (plain sqlite3: the same API as sqlcipher3)."""

from __future__ import annotations

import sqlite3

import sqlite_utils

from veldclient.services.session import migrate
from veldclient.store.repo import Repo


def memory_repo(actor: bytes, now: int = 1_795_000_000_000) -> Repo:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    db = sqlite_utils.Database(conn)
    migrate(db)
    return Repo(db, actor, lambda: now)


def client_fields(record_id: str, name: str = "Jan de Vries", postcode: str = "7511 JM") -> dict:
    return {
        "client": {
            "id": record_id,
            "node_id": "enschede-centrum",
            "bsn": None,
            "name": name,
            "birth_date": "1940-02-03",
            "postcode": postcode,
            "address": None,
            "gp_agb": None,
            "wlz_indicatie": False,
            "consents": [],
        },
        "visits": {},
    }
