"""Sync's own tables as its own migration set (sqlite-utils ``Migrations``), applied after the store's
set wherever a profile is opened (veldclient.services.session). Append new steps, never edit an
applied one.

The steps keep the names they had while the store's set carried them, so a profile created before
sync had a set of its own has them recorded under the store's set name: :func:`migrate` first moves
those records over to this set, and a step that already ran is neither run again nor refused.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

from veldclient.store import schema as store_schema
from veldclient.sync import bundle_ledger, invitations, refusals, relay_state, tables

migrations = Migrations("veldclient.sync")


@migrations(name="0009_sync")
def _sync(db: sqlite_utils.Database) -> None:
    """Paired peers and what each is known to hold (sync/tables.py)."""
    tables.ensure_schema(db)


@migrations(name="0010_bundles")
def _bundles(db: sqlite_utils.Database) -> None:
    """USB bundles: the export sequence and the import ledger (sync/bundle_ledger.py)."""
    bundle_ledger.ensure_schema(db)


@migrations(name="0011_sync_refusals")
def _sync_refusals(db: sqlite_utils.Database) -> None:
    """Node documents refused for trust, so they are not fetched again unchanged (sync/refusals.py)."""
    refusals.ensure_schema(db)


@migrations(name="0013_invitations")
def _invitations(db: sqlite_utils.Database) -> None:
    """Invitations issued here and a join waiting for its first contact (sync/invitations.py). A
    profile whose first invitation made these tables on demand holds them already, so the step
    creates only what is missing."""
    invitations.ensure_schema(db)


@migrations(name="0014_relay")
def _relay(db: sqlite_utils.Database) -> None:
    """The relay this device uses, when it was last reached, what each push left there
    (sync/relay_state.py)."""
    relay_state.ensure_schema(db)


def adopt_store_records(db: sqlite_utils.Database) -> None:
    """Move the records of this set's steps that the store's set holds (profiles migrated before sync
    had its own set) to this set, keeping when they were applied."""
    table = Migrations.migrations_table
    pending = [m.name for m in migrations.pending(db)]
    if not pending or not db[table].exists():
        return
    marks = ", ".join("?" for _ in pending)
    with db.atomic():
        db.execute(
            f"UPDATE [{table}] SET migration_set = ? WHERE migration_set = ? AND name IN ({marks})",
            [migrations.name, store_schema.migrations.name, *pending],
        )


def migrate(db: sqlite_utils.Database) -> None:
    adopt_store_records(db)
    migrations.apply(db)
