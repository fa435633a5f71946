"""The store's schema migrations (sqlite-utils ``Migrations``): append new steps, never edit an applied one.

Only tables of core live here; sync keeps its own set (veldclient.sync.schema), and the steps this set
skips (0009 to 0011) are sync's. veldclient.services.session applies both when a profile is opened.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

from veldclient import audit, trust
from veldclient.store import docstore, projection

migrations = Migrations("veldclient")


@migrations(name="0001_documents")
def _documents(db: sqlite_utils.Database) -> None:
    docstore.ensure_schema(db)


@migrations(name="0002_projection")
def _projection(db: sqlite_utils.Database) -> None:
    projection.create_tables(db)


@migrations(name="0003_audit")
def _audit(db: sqlite_utils.Database) -> None:
    audit.ensure_schema(db)


@migrations(name="0006_trust_capacity_slots_erasure")
def _trust_capacity(db: sqlite_utils.Database) -> None:
    trust.ensure_schema(db)
    projection.create_tables(db, ("erasures", "capacity_history", "slot_bookings"))
    db.table("slot_bookings").create_index(["slot_id"])
    db.table("erasures").create_index(["erased_doc_id"])
    db.table("settings").create({"key": str, "value": str}, pk="key")


@migrations(name="0007_matching")
def _matching(db: sqlite_utils.Database) -> None:
    """Ranking counts, per wanted part of the week, who is available (services/matching.py): a
    covering index turns that into a few index range reads instead of a probe per volunteer."""
    db.table("volunteer_availability").create_index(
        ["weekday", "dagdeel", "volunteer_id"], if_not_exists=True
    )


@migrations(name="0008_caseload_order")
def _caseload_order(db: sqlite_utils.Database) -> None:
    """The caseload pages by name within a node: read in index order, no sort, at any depth."""
    db.table("clients").create_index(["node_id", "archived", "name"], if_not_exists=True)


@migrations(name="0012_volunteer_search_labels")
def _volunteer_search_labels(db: sqlite_utils.Database) -> None:
    """Roster search finds tasks and languages by their Dutch and English names, not only by code:
    the volunteers table gains ``labels`` and its search index is rebuilt with it."""
    projection.index_volunteer_labels(db)


@migrations(name="0013_capacity_history_flows")
def _capacity_history_flows(db: sqlite_utils.Database) -> None:
    """A node's daily history gains its admissions and discharges (counts; docs/anticipation.md).
    Rows projected before stay NULL (unknown) until their node document is projected again."""
    table = db.table("capacity_history")
    for column in ("admissions", "discharges"):
        if column not in table.columns_dict:
            table.add_column(column, int)


def migrate(db: sqlite_utils.Database) -> None:
    migrations.apply(db)
