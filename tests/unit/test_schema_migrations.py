"""Each layer owns its migration set: the store's (veldclient.store.schema) and sync's
(veldclient.sync.schema), both applied when a profile is opened. A profile whose sync tables were
created while the store's set carried them opens unchanged: nothing runs twice, no data is lost."""

from __future__ import annotations

import sqlite3

import pytest
import sqlite_utils
from sqlite_utils.migrations import Migrations

from veldclient.services.session import migrate, open_session
from veldclient.store import schema as store_schema
from veldclient.sync import bundle_ledger, refusals, tables
from veldclient.sync import schema as sync_schema

SYNC_STEPS = ["0009_sync", "0010_bundles", "0011_sync_refusals"]
TABLE = Migrations.migrations_table
PEER = {"device_id": "d1", "name": "hub", "node_id": "enschede-centrum", "cert_pem": "pem", "paired_at": 1}


def memory_db() -> sqlite_utils.Database:
    return sqlite_utils.Database(sqlite3.connect(":memory:", isolation_level=None))


def recorded(db: sqlite_utils.Database) -> list[tuple[str, str, str]]:
    return [
        (r["migration_set"], r["name"], r["applied_at"])
        for r in db.query(f"SELECT * FROM [{TABLE}] ORDER BY rowid")
    ]


def migrated_the_old_way(db: sqlite_utils.Database) -> None:
    """The store's set as it stood when it also created sync's tables: its steps up to 0008, then
    the three sync steps recorded under the store's set name, then 0012."""
    store_schema.migrations.apply(db, stop_before="0012_volunteer_search_labels")
    for name, step in zip(
        SYNC_STEPS, (tables.ensure_schema, bundle_ledger.ensure_schema, refusals.ensure_schema), strict=True
    ):
        with db.atomic():
            step(db)
            db[TABLE].insert(
                {"migration_set": store_schema.migrations.name, "name": name, "applied_at": f"old {name}"}
            )
    store_schema.migrations.apply(db)


def test_a_new_database_records_sync_steps_under_the_sync_set() -> None:
    db = memory_db()
    migrate(db)
    sets = {(s, n) for s, n, _ in recorded(db)}
    assert {(sync_schema.migrations.name, n) for n in SYNC_STEPS} <= sets
    assert not {(store_schema.migrations.name, n) for n in SYNC_STEPS} & sets
    sync_tables = {"peers", "peer_acks", "bundle_exports", "bundle_imports", "sync_refusals"}
    assert sync_tables <= set(db.table_names())
    assert store_schema.migrations.pending(db) == []
    assert sync_schema.migrations.pending(db) == []


def test_an_old_database_keeps_its_sync_tables_and_runs_no_step_twice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = memory_db()
    migrated_the_old_way(db)
    db["peers"].insert(PEER)
    before = recorded(db)

    def must_not_run(_db: sqlite_utils.Database) -> None:
        raise AssertionError("a sync step that already ran ran again")

    for module in (tables, bundle_ledger, refusals):
        monkeypatch.setattr(module, "ensure_schema", must_not_run)
    migrate(db)
    migrate(db)  # and again: a second opening changes nothing

    after = recorded(db)
    assert len(after) == len(before)
    moved = {n: (s, at) for s, n, at in after if n in SYNC_STEPS}
    assert moved == {n: (sync_schema.migrations.name, f"old {n}") for n in SYNC_STEPS}
    assert [(s, n) for s, n, _ in after if n not in SYNC_STEPS] == [
        (s, n) for s, n, _ in before if n not in SYNC_STEPS
    ]
    assert [r["device_id"] for r in db["peers"].rows] == ["d1"]
    assert sync_schema.migrations.pending(db) == []


def test_an_old_profile_opens_and_its_peers_are_kept(session) -> None:
    """A whole profile on disk, its migration records put back as the store's set wrote them."""
    name = session.profile.name
    with session.db.atomic():
        session.db.execute(
            f"UPDATE [{TABLE}] SET migration_set = ? WHERE name IN (?, ?, ?)",
            [store_schema.migrations.name, *SYNC_STEPS],
        )
        session.db["peers"].insert(PEER)
    key = session.key_password
    session.close()

    reopened = open_session(name, master_key=key, clock=session.clock)
    try:
        steps = [(s, n) for s, n, _ in recorded(reopened.db) if n in SYNC_STEPS]
        assert steps == [(sync_schema.migrations.name, n) for n in SYNC_STEPS]
        assert [r["device_id"] for r in reopened.db["peers"].rows] == ["d1"]
    finally:
        reopened.close()
