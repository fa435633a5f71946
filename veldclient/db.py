"""Opening the encrypted profile database.

SQLCipher with a raw 256-bit key (no KDF at open time: the passphrase KDF already ran in keys.py).
WAL and ``synchronous=FULL`` so an acknowledged commit survives a crash. The connection runs in
autocommit mode; callers group writes with ``db.atomic()``.

Several processes may open one profile at once (``veld serve`` on a node machine while an admin imports
a bundle). Every write transaction therefore takes SQLite's write lock when it begins (``BEGIN
IMMEDIATE``), not at its first write: a deferred transaction that read before another process committed
cannot upgrade to a writer and fails at once with "database is locked", whatever the busy timeout. A
writer that finds the lock taken waits for it, says so once (``ProfileDatabase.on_wait``), and gives up
with one clear line after ``VELD_LOCK_WAIT_S`` seconds (120 by default).

A wrong key must never lead to a fresh empty database: we refuse to open a path that does not exist
unless asked to create it, and we read the schema before anything can write.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from pathlib import Path
from typing import Any

import sqlcipher3
import sqlite_utils

from veldclient.errors import ProfileBusy, ProfileError, UnlockError
from veldclient.keys import sqlcipher_key_pragma

DatabaseError = sqlcipher3.DatabaseError


CACHE_KIB = 65_536
BUSY_TIMEOUT_MS = 5_000  # statements outside a write transaction (a checkpoint, a recovering reader)
FIRST_TRY_MS = 250  # how long a writer waits quietly before it says it is waiting
LOCK_WAIT_ENV = "VELD_LOCK_WAIT_S"
LOCK_WAIT_S = 120.0  # then it gives up with one line


def lock_wait_s() -> float:
    raw = os.environ.get(LOCK_WAIT_ENV, "").strip()
    if not raw:
        return LOCK_WAIT_S
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 86_400:
        raise ProfileError(
            f"{LOCK_WAIT_ENV}={raw!r} is geen aantal seconden (0 tot 86400).",
            f"{LOCK_WAIT_ENV}={raw!r} is not a number of seconds (0 to 86400).",
        )
    return value


class ProfileDatabase(sqlite_utils.Database):
    """A profile's database: write transactions take the write lock when they begin (see above)."""

    def __init__(self, conn: sqlcipher3.Connection) -> None:
        super().__init__(conn)
        # Called once per wait with no arguments; the CLI prints a line, the app shows a notice.
        self.on_wait: Callable[[], None] | None = None
        self.max_wait_s: float | None = None  # set by a caller with a time limit of its own

    @contextlib.contextmanager
    def waiting_at_most(self, seconds: float) -> Iterator[None]:
        """Write transactions begun inside wait at most ``seconds`` for another process, then
        raise ProfileBusy: a server call has a time limit, and answers "busy" rather than wait."""
        before = self.max_wait_s
        self.max_wait_s = seconds if before is None else min(before, seconds)
        try:
            yield
        finally:
            self.max_wait_s = before

    @contextlib.contextmanager
    def atomic(self) -> Generator[sqlite_utils.Database, None, None]:
        if self.conn.in_transaction:  # nested: a savepoint inside the writer we already are
            with super().atomic():
                yield self
            return
        self._begin_immediate()
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        try:
            self.conn.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise

    def _begin_immediate(self) -> None:
        waited = lock_wait_s()
        if self.max_wait_s is not None:
            waited = min(waited, self.max_wait_s)
        deadline = time.monotonic() + waited
        self.conn.execute(f"PRAGMA busy_timeout={FIRST_TRY_MS}")
        try:
            told = False
            while True:
                try:
                    self.conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlcipher3.OperationalError as exc:
                    if "locked" not in str(exc) and "busy" not in str(exc):
                        raise
                    if time.monotonic() >= deadline:
                        raise ProfileBusy(waited) from None
                    if not told and self.on_wait is not None:
                        self.on_wait()
                    told = True
                    self.conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS // 5}")
        finally:
            self.conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


class DatabaseFailed(ProfileError):
    """SQLite refused a statement: the file is damaged, not a database, or the disk failed."""


def database_failure(exc: BaseException) -> DatabaseFailed | None:
    """The one line for a SQLite error that reached a command (a damaged page is found when it is
    read, which can be any statement); None for anything else."""
    if not isinstance(exc, sqlcipher3.DatabaseError):
        return None
    return DatabaseFailed(
        f"De database van het profiel geeft een fout: {exc}. 'veld doctor' controleert haar; is ze"
        " beschadigd, zet dan een reservekopie terug.",
        f"The profile's database failed: {exc}. 'veld doctor' checks it; if it is damaged, restore a backup.",
    )


def open_database(path: Path, key: bytes, *, create: bool = False) -> ProfileDatabase:
    exists = path.exists()
    if exists and not path.is_file():
        raise ProfileError(
            f"{path} is geen bestand (een map?); dit profiel kan zo niet worden geopend.",
            f"{path} is not a file (a folder?); this profile cannot be opened like this.",
        )
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
    try:
        conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    except sqlcipher3.DatabaseError as exc:
        raise ProfileError(
            f"De database {path} kan niet worden geopend: {exc}.",
            f"The database {path} cannot be opened: {exc}.",
        ) from None
    try:
        # SQLCipher writes its own ERROR lines to stderr for a page that fails its HMAC; the error
        # also reaches us as an exception, which says it in one line (the setting is process-wide)
        conn.execute("PRAGMA cipher_log_level = NONE")
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
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    # Every page read from disk is decrypted and authenticated: a 64 MiB page cache (SQLite's default
    # is 2 MiB) keeps the indexes of a large node in memory, so bulk merges and imports stop
    # re-decrypting the same pages (import of the large demo: ~1 s less, measured).
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    return ProfileDatabase(conn)


IN_BATCH = 500  # below SQLite's bound-parameter limit, with room for the query's own parameters


def sql_words(words: Iterable[str]) -> str:
    """Our own constant words (codes, enum values) as the items of an SQL ``IN (...)``: ``'a', 'b'``.
    Only for words this program defines; what a person typed or a peer sent goes as parameters."""
    return ", ".join(f"'{w}'" for w in words)


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
