"""Each layer owns its migration set: the store's (veldclient.store.schema) and sync's
(veldclient.sync.schema), both applied when a profile is opened. A profile whose sync tables were
created while the store's set carried them opens unchanged: nothing runs twice, no data is lost.
Enrolment's tables come from sync's set too, also on a profile whose first invitation made them."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlite_utils
from sqlite_utils.migrations import Migrations

from veldclient.services.session import migrate, open_session
from veldclient.store import schema as store_schema
from veldclient.sync import bundle_ledger, invitations, refusals, tables
from veldclient.sync import schema as sync_schema

# The steps the store's set once carried, recorded under its name on old profiles.
ADOPTED_STEPS = ["0009_sync", "0010_bundles", "0011_sync_refusals"]
INVITATIONS_STEP = "0013_invitations"
SYNC_STEPS = [*ADOPTED_STEPS, INVITATIONS_STEP, "0014_relay"]
ENROLMENT_TABLES = {"invitations", "join_pending"}
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
        ADOPTED_STEPS,
        (tables.ensure_schema, bundle_ledger.ensure_schema, refusals.ensure_schema),
        strict=True,
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
    assert sync_tables | ENROLMENT_TABLES <= set(db.table_names())
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
    assert len(after) == len(before) + 2  # the steps this set added after adopting the old ones
    moved = {n: (s, at) for s, n, at in after if n in ADOPTED_STEPS}
    assert moved == {n: (sync_schema.migrations.name, f"old {n}") for n in ADOPTED_STEPS}
    assert [(s, n) for s, n, _ in after if n not in ADOPTED_STEPS] == [
        *((s, n) for s, n, _ in before if n not in ADOPTED_STEPS),
        (sync_schema.migrations.name, INVITATIONS_STEP),
        (sync_schema.migrations.name, "0014_relay"),
    ]
    assert [r["device_id"] for r in db["peers"].rows] == ["d1"]
    assert sync_schema.migrations.pending(db) == []


def test_an_old_profile_opens_and_its_peers_are_kept(session) -> None:
    """A whole profile on disk, its migration records put back as the store's set wrote them."""
    name = session.profile.name
    with session.db.atomic():
        session.db.execute(
            f"UPDATE [{TABLE}] SET migration_set = ? WHERE name IN (?, ?, ?)",
            [store_schema.migrations.name, *ADOPTED_STEPS],
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


@contextmanager
def reopened(session) -> Iterator[sqlite_utils.Database]:
    """``session``'s profile closed and opened again, which migrates it."""
    name, key = session.profile.name, session.key_password
    session.close()
    again = open_session(name, master_key=key, clock=session.clock)
    try:
        yield again.db
    finally:
        again.close()


def before_the_invitations_step(db: sqlite_utils.Database) -> None:
    """The profile as sync's set left it before it had the invitations step."""
    with db.atomic():
        for table in ENROLMENT_TABLES:
            db[table].drop()
        db.execute(
            f"DELETE FROM [{TABLE}] WHERE migration_set = ? AND name = ?",
            [sync_schema.migrations.name, INVITATIONS_STEP],
        )


def test_a_new_profile_has_the_enrolment_tables(session) -> None:
    assert set(session.db.table_names()) >= ENROLMENT_TABLES
    assert (sync_schema.migrations.name, INVITATIONS_STEP) in {(s, n) for s, n, _ in recorded(session.db)}


def test_a_profile_migrated_before_the_invitations_step_gets_the_tables_on_open(session) -> None:
    before_the_invitations_step(session.db)
    with reopened(session) as db:
        assert set(db.table_names()) >= ENROLMENT_TABLES
        steps = [(s, n) for s, n, _ in recorded(db) if s == sync_schema.migrations.name]
        assert sorted(steps) == [(sync_schema.migrations.name, n) for n in SYNC_STEPS]  # 0013 ran last


def test_a_profile_whose_first_invitation_made_the_tables_opens_and_keeps_them(session) -> None:
    """The tables made on demand, with a join waiting in them, before the step is recorded."""
    before_the_invitations_step(session.db)
    pending = invitations.PendingJoin("inv-1", "machine", "key", "cert", 1)
    with session.db.atomic():
        invitations.ensure_schema(session.db)
        invitations.remember_join(session.db, pending)
    with reopened(session) as db:
        assert invitations.pending_join(db) == pending
        assert sync_schema.migrations.pending(db) == []
