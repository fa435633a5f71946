"""Opening the encrypted profile database.

SQLCipher with a raw 256-bit key (no KDF at open time: the passphrase KDF already ran in keys.py).
WAL and ``synchronous=FULL`` so an acknowledged commit survives a crash. The connection runs in
autocommit mode; callers group writes with ``db.atomic()``.

A wrong key must never lead to a fresh empty database: we refuse to open a path that does not exist
unless asked to create it, and we read the schema before anything can write.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlcipher3
import sqlite_utils

from veldclient.errors import ProfileError, UnlockError
from veldclient.keys import sqlcipher_key_pragma

DatabaseError = sqlcipher3.DatabaseError


CACHE_KIB = 65_536


def open_database(path: Path, key: bytes, *, create: bool = False) -> sqlite_utils.Database:
    exists = path.exists()
    if create and exists:
        raise ProfileError(
            f"Er bestaat al een database in {path}; die wordt niet overschreven.",
            f"A database already exists at {path}; it will not be overwritten.",
        )
    if not create and not exists:
        raise ProfileError(
            f"Geen database gevonden in {path}. Maak eerst een profiel met 'veld init'.",
            f"No database found at {path}. Create a profile first with 'veld init'.",
        )
    if create:
        # owner-only from the first byte; SQLite gives -wal/-shm the database file's permissions
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        conn.execute(sqlcipher_key_pragma(key))
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        raise UnlockError(
            "De database kan met deze sleutel niet worden geopend (verkeerd wachtwoord of beschadigd).",
            "The database cannot be opened with this key (wrong passphrase or damaged file).",
        ) from exc
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.execute("PRAGMA busy_timeout=5000")
    # Every page read from disk is decrypted and authenticated: a 64 MiB page cache (SQLite's default
    # is 2 MiB) keeps the indexes of a large node in memory, so bulk merges and imports stop
    # re-decrypting the same pages (import of the large demo: ~1 s less, measured).
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    return sqlite_utils.Database(conn)


IN_BATCH = 500  # below SQLite's bound-parameter limit, with room for the query's own parameters


def rows_in(
    db: sqlite_utils.Database, sql: str, ids: list[str], params: tuple[object, ...] = ()
) -> Iterator[tuple[Any, ...]]:
    """Rows of ``sql`` for many ids: ``sql`` holds ``{marks}`` where the ``IN (...)`` list goes and
    ``params`` come before the ids. One query per batch instead of one per id."""
    for i in range(0, len(ids), IN_BATCH):
        part = ids[i : i + IN_BATCH]
        yield from db.execute(sql.format(marks=",".join("?" * len(part))), [*params, *part])


def integrity_check(db: sqlite_utils.Database) -> list[str]:
    """SQLite's own page check plus SQLCipher's HMAC check; returns problems, empty when healthy."""
    problems = [r[0] for r in db.execute("PRAGMA integrity_check").fetchall() if r[0] != "ok"]
    problems += [r[0] for r in db.execute("PRAGMA cipher_integrity_check").fetchall()]
    return problems
