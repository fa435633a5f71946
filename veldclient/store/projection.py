"""The SQLite projection: plain tables materialised from documents, for screens and queries.

Documents are the truth; these tables are an index that can always be rebuilt (``veld doctor
--rebuild``). Each projector turns one document root into rows for a few tables, every row carrying
its ``doc_id`` so a document's rows are replaced as a unit after each commit or merge. The mapping is a
pure function of the document, which is what makes a rebuild equal to incremental maintenance and
every replica's tables equal after they merge the same documents.
"""

from __future__ import annotations

import json
import operator
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlite_utils

from veldclient.db import rows_in
from veldclient.domain.duplicates import merged_into
from veldclient.domain.enums import BedStatus
from veldclient.domain.models_capacity import Location, Slot
from veldclient.domain.models_care import Visit
from veldclient.domain.models_carer import Mantelzorger
from veldclient.domain.models_help import HelpRequest, Match
from veldclient.domain.models_roster import Volunteer
from veldclient.store import erasures
from veldclient.store.columns import Mapped, join

Json = Any
Rows = dict[str, list[dict[str, Json]]]
RowTuples = dict[str, list[tuple[Json, ...]]]  # the same rows in each table's column order

BULK_FROM = 2_000  # new documents from which Projector.bulk_insert rebuilds the search index once

ARCHIVED = {"archived": int}  # from the document root: an archived record stays, hidden by default

# Tables of one record model each (store/columns.py): only what differs from the model's stored
# fields is named here; {} leaves a field out. The projectors fill the columns named here.
VISITS = Mapped(Visit, instead={"client_id": {"client_id": str}, "interventions": {}, "note": {}})
VOLUNTEERS = Mapped(
    Volunteer,
    # availability has a table of its own (volunteer_availability), the certificate two columns
    instead={"availability": {}, "vog": {"vog_status": str, "vog_issued_on": str}},
    extra=ARCHIVED | {"labels": str},  # tasks and languages in words, Dutch and English: searchable
)
MANTELZORGERS = Mapped(
    Mantelzorger,
    instead={
        "phone": {},
        "hours_per_week": {"hours_per_week": float},  # REAL, as in every device's table
        "since": {},
        "burden": {"burden_instrument": str, "burden_score": int, "burden_category": str, "overloaded": int},
        "respite_needs": {},
    },
    extra=ARCHIVED,
)
HELP_REQUESTS = Mapped(
    HelpRequest,
    instead={"window": {"window_start": str, "window_end": str}, "recurrence": {}},
    extra=ARCHIVED,
)
MATCHES = Mapped(
    Match,
    instead={"help_request_id": {"help_request_id": str}, "status": {"status": str}, "feedback": {}},
)
LOCATIONS = Mapped(Location)
# booked_for: a client named on the slot itself, as older documents may hold (Slot.parse refuses it)
SLOTS = Mapped(Slot, extra={"booked_for": str})

# table -> (columns in order with their types, primary key). Clients, placements and capacity are
# spelt out: their column order (the schema on every device) is not their model's stored order, and
# many of their columns are derived (pc4; statuses and timers from events; counts NULL until reported).
TABLES: dict[str, tuple[dict[str, type], str | tuple[str, ...]]] = {
    "clients": (
        {
            "id": str,
            "doc_id": str,
            "node_id": str,
            "name": str,
            "birth_date": str,
            "postcode": str,
            "pc4": str,
            "bsn": str,
            "address": str,
            "gp_agb": str,
            "wlz_indicatie": int,
            "archived": int,
        },
        "id",
    ),
    "visits": (VISITS.columns, "id"),
    "placements": (
        {
            "id": str,
            "doc_id": str,
            "client_id": str,
            "node_id": str,
            "urgency": str,
            "care_type": str,
            "triage_outcome": str,
            "status": str,
            "referrer_role": str,
            "required_capabilities": str,
            "preferred_location_id": str,
            "desired_start": str,
            "expected_end": str,
            "received_at": int,
            "first_reply_at": int,
            "placed_at": int,
            "archived": int,
        },
        "id",
    ),
    "volunteers": (VOLUNTEERS.columns, "id"),
    "volunteer_availability": (
        {"doc_id": str, "volunteer_id": str, "weekday": str, "dagdeel": str},
        ("volunteer_id", "weekday", "dagdeel"),
    ),
    "mantelzorgers": (MANTELZORGERS.columns, "id"),
    "help_requests": (HELP_REQUESTS.columns, "id"),
    "matches": (MATCHES.columns, "id"),
    "nodes": ({"id": str, "doc_id": str, "name": str, "focus": str, "pc4_ranges": str}, "id"),
    "locations": (LOCATIONS.columns, "id"),
    "capacity": (
        {
            "id": str,
            "doc_id": str,
            "node_id": str,
            "location_id": str,
            "care_type": str,
            "beds_total": int,
            **{status.column: int for status in BedStatus},
            "capabilities": str,
            "reported_by": str,
            "reported_at": int,
            "device_id": str,
        },
        "id",
    ),
    "slots": (SLOTS.columns, "id"),
    "doc_events": (
        {"doc_id": str, "idx": int, "type": str, "at": int, "by": str, "device": str},
        ("doc_id", "idx"),
    ),
    "erasures": (
        {"doc_id": str, "erased_doc_id": str, "node_id": str, "at": int, "by": str},
        ("doc_id", "erased_doc_id"),
    ),
    "capacity_history": (
        {
            "doc_id": str,
            "node_id": str,
            "day": str,
            "care_type": str,
            "beds_total": int,
            "free": int,
            "occupied": int,
            "reported_at": int,
            "admissions": int,
            "discharges": int,
        },
        ("node_id", "day", "care_type"),
    ),
    "slot_bookings": (
        {
            "id": str,
            "doc_id": str,
            "slot_id": str,
            "slot_node": str,
            "booking_node": str,
            "client_id": str,
            "at": int,
            "by": str,
            "released_at": int,
        },
        "id",
    ),
    "shares": (
        {"doc_id": str, "shared_doc_id": str, "node_a": str, "node_b": str},
        ("doc_id", "shared_doc_id"),
    ),
}

FTS = {
    "clients": ["name", "postcode", "address"],
    "volunteers": ["first_name", "last_name", "pc4", "tasks", "languages", "labels"],
}
FTS_TOKENIZE = "unicode61 remove_diacritics 2"


V1_TABLES = (
    "clients",
    "visits",
    "placements",
    "volunteers",
    "volunteer_availability",
    "mantelzorgers",
    "help_requests",
    "matches",
    "nodes",
    "locations",
    "capacity",
    "slots",
    "doc_events",
    "shares",
)


def create_tables(db: sqlite_utils.Database, names: tuple[str, ...] = V1_TABLES) -> None:
    """Create the named projection tables (each migration names the ones it introduces)."""
    for name in names:
        columns, pk = TABLES[name]
        db.table(name).create(columns, pk=pk, not_null={"doc_id"})
        db.table(name).create_index(["doc_id"])
    if names != V1_TABLES:
        return
    db.table("clients").create_index(["node_id", "archived"])
    db.table("clients").create_index(["name"])
    db.table("visits").create_index(["client_id"])
    db.table("placements").create_index(["status"])
    db.table("placements").create_index(["client_id"])
    db.table("volunteers").create_index(["node_id", "archived"])
    db.table("help_requests").create_index(["status"])
    db.table("capacity").create_index(["node_id", "care_type"])
    for table, fts_columns in FTS.items():
        db.table(table).enable_fts(
            fts_columns, fts_version="FTS5", create_triggers=True, tokenize=FTS_TOKENIZE
        )


def search_labels(tasks: Iterable[str] | None, languages: Iterable[str] | None) -> str:
    """What a volunteer's tasks and languages are called, in Dutch and in English ("Boodschappen
    Shopping Arabisch Arabic"), so a search finds them by the words the roster shows in either
    language, not only by their codes. A code this version does not know adds no words."""
    from veldclient.domain import Task
    from veldclient.domain.matching import LANGUAGE_NAMES

    words: list[str] = []
    for code in tasks or []:
        if code in Task.__members__:
            words += (Task(code).label("nl"), Task(code).label("en"))
    for code in languages or []:
        words += LANGUAGE_NAMES.get(code, ())
    return " ".join(dict.fromkeys(words))


def index_volunteer_labels(db: sqlite_utils.Database) -> None:
    """Bring a volunteers table from before ``labels`` up to date: add the column, fill it from the
    codes already projected (the same pure function the projector applies to the document), and
    rebuild the search index with it. Safe to run on a table that already has it."""
    table = db.table("volunteers")
    table.disable_fts()
    if "labels" not in table.columns_dict:
        table.add_column("labels", str)
    rows = db.execute("SELECT rowid, tasks, languages FROM volunteers").fetchall()
    db.conn.executemany(
        "UPDATE volunteers SET labels = ? WHERE rowid = ?",
        [(search_labels((t or "").split(), (lg or "").split()), rowid) for rowid, t, lg in rows],
    )
    table.enable_fts(FTS["volunteers"], fts_version="FTS5", create_triggers=True, tokenize=FTS_TOKENIZE)
    table.rebuild_fts()


def _archived(root: dict[str, Json]) -> int:
    return int(bool(root.get("archived")))


def _events(doc_id: str, root: dict[str, Json]) -> list[dict[str, Json]]:
    return [
        {
            "doc_id": doc_id,
            "idx": i,
            "type": e.get("type"),
            "at": e.get("at"),
            "by": e.get("by"),
            "device": e.get("device"),
        }
        for i, e in enumerate(root.get("events") or [])
    ]


def project_case(doc_id: str, root: dict[str, Json]) -> Rows:
    c = root["client"]
    postcode = c.get("postcode") or ""
    visits = [VISITS.row(doc_id, v) | {"client_id": c["id"]} for v in (root.get("visits") or {}).values()]
    return {
        "clients": [
            {
                "id": c["id"],
                "doc_id": doc_id,
                "node_id": root.get("node_id"),
                "name": c.get("name"),
                "birth_date": c.get("birth_date"),
                "postcode": postcode,
                "pc4": postcode[:4],
                "bsn": c.get("bsn"),
                "address": c.get("address"),
                "gp_agb": c.get("gp_agb"),
                "wlz_indicatie": int(bool(c.get("wlz_indicatie"))),
                # a record merged into another (a duplicate decision in its events) is archived too:
                # derived, so decisions two nurses made apart fold alike on every replica
                "archived": _archived(root)
                or int(merged_into(c["id"], root.get("events") or []) is not None),
            }
        ],
        "visits": visits,
        "doc_events": _events(doc_id, root),
    }


def project_placement(doc_id: str, root: dict[str, Json]) -> Rows:
    # Status lives in events (offers/acceptances merge without a silent winner): derive it here with
    # the same causal fold every replica runs; request.status is only the fallback for documents
    # whose events say nothing. The timers take the earliest of the stored value and the events.
    from veldclient.domain.placement_flow import flow_of

    r = root["request"]
    flow = flow_of(root.get("events") or [], r.get("node_id"))

    def earliest(stored: Json, derived: int | None) -> Json:
        return derived if stored is None else stored if derived is None else min(stored, derived)

    return {
        "placements": [
            {
                "id": r["id"],
                "doc_id": doc_id,
                "client_id": r.get("client_id"),
                "node_id": r.get("node_id"),
                "urgency": r.get("urgency"),
                "care_type": r.get("care_type"),
                "triage_outcome": r.get("triage_outcome"),
                "status": flow.status.value if flow.status is not None else r.get("status"),
                "referrer_role": (r.get("referrer") or {}).get("role"),
                "required_capabilities": join(r.get("required_capabilities")),
                "preferred_location_id": r.get("preferred_location_id"),
                "desired_start": r.get("desired_start"),
                "expected_end": r.get("expected_end"),
                "received_at": r.get("received_at"),
                "first_reply_at": earliest(r.get("first_reply_at"), flow.first_reply_at),
                "placed_at": earliest(r.get("placed_at"), flow.placed_at),
                "archived": _archived(root),
            }
        ],
        "doc_events": _events(doc_id, root),
    }


def project_volunteer(doc_id: str, root: dict[str, Json]) -> Rows:
    v = root["volunteer"]
    vog = v.get("vog") or {}
    return {
        "volunteers": [
            VOLUNTEERS.row(doc_id, v, root.get("node_id"))
            | {
                "vog_status": vog.get("status"),
                "vog_issued_on": vog.get("issued_on"),
                "archived": _archived(root),
                "labels": search_labels(v.get("tasks"), v.get("languages")),
            }
        ],
        "volunteer_availability": [
            {"doc_id": doc_id, "volunteer_id": v["id"], "weekday": a["weekday"], "dagdeel": a["dagdeel"]}
            for a in {(a["weekday"], a["dagdeel"]): a for a in v.get("availability") or []}.values()
        ],
        "doc_events": _events(doc_id, root),
    }


def project_mantelzorger(doc_id: str, root: dict[str, Json]) -> Rows:
    m = root["mantelzorger"]
    burden = m.get("burden") or {}
    return {
        "mantelzorgers": [
            MANTELZORGERS.row(doc_id, m, root.get("node_id"))
            | {
                "hours_per_week": m.get("hours_per_week"),
                "burden_instrument": burden.get("instrument"),
                "burden_score": burden.get("score"),
                "burden_category": burden.get("category"),
                "overloaded": int(burden.get("category") == "HEAVY"),
                "archived": _archived(root),
            }
        ],
        "doc_events": _events(doc_id, root),
    }


def project_helpreq(doc_id: str, root: dict[str, Json]) -> Rows:
    # A match's status is derived from its MATCH_* events (causal order), not the last-writer-wins
    # record field, so replicas that merged concurrent steps show the same status.
    from veldclient.domain.matching import has_match_events, match_statuses

    r = root["request"]
    window = r.get("window") or {}
    events = root.get("events") or []
    stored = {k: m.get("status") for k, m in (root.get("matches") or {}).items()}
    derived = match_statuses(events, stored) if has_match_events(events) else {}
    return {
        "help_requests": [
            HELP_REQUESTS.row(doc_id, r, root.get("node_id"))
            | {
                "window_start": window.get("start"),
                "window_end": window.get("end"),
                "archived": _archived(root),
            }
        ],
        "matches": [
            MATCHES.row(doc_id, m)
            | {
                "help_request_id": r["id"],
                "status": derived[k].value if k in derived else m.get("status"),
            }
            for k, m in (root.get("matches") or {}).items()
        ],
        "doc_events": _events(doc_id, root),
    }


def project_node(doc_id: str, root: dict[str, Json]) -> Rows:
    from veldclient.domain.models_capacity import is_reported

    profile = root.get("profile") or {}
    node_id = root.get("node_id")
    capacity = []
    for key, rec in (root.get("capacity") or {}).items():
        row: dict[str, Json] = dict.fromkeys(TABLES["capacity"][0])
        row |= {
            "id": key,
            "doc_id": doc_id,
            "node_id": node_id,
            "location_id": rec.get("location_id"),
            "care_type": rec.get("care_type"),
        }
        if is_reported(rec):  # otherwise every count, the reporter and the time stay NULL: unknown
            counts = rec.get("counts") or {}
            row |= {
                "beds_total": rec.get("beds_total"),
                **{status.column: counts.get(status.value, 0) for status in BedStatus},
                "capabilities": join(rec.get("capabilities")),
                "reported_by": rec.get("reported_by"),
                "reported_at": rec.get("reported_at"),
                "device_id": rec.get("device_id"),
            }
        capacity.append(row)
    return {
        "nodes": [
            {
                "id": node_id,
                "doc_id": doc_id,
                "name": profile.get("name"),
                "focus": profile.get("focus"),
                "pc4_ranges": json.dumps(profile.get("pc4_ranges") or []),
            }
        ],
        "locations": [LOCATIONS.row(doc_id, loc, node_id) for loc in (root.get("locations") or {}).values()],
        "capacity": capacity,
        "slots": [
            SLOTS.row(doc_id, s, node_id) | {"booked_for": s.get("booked_for")}
            for s in (root.get("slots") or {}).values()
        ],
        "slot_bookings": [
            {
                "id": b["id"],
                "doc_id": doc_id,
                "slot_id": b.get("slot_id"),
                "slot_node": b.get("slot_node"),
                "booking_node": node_id,
                "client_id": b.get("client_id"),
                "at": b.get("at"),
                "by": b.get("by"),
                "released_at": b.get("released_at"),
            }
            for b in (root.get("bookings") or {}).values()
        ],
        "erasures": list(
            {  # by digest (store/erasures.py): an older entry naming the id is the same erasure
                erasures.as_key(erased): {
                    "doc_id": doc_id,
                    "erased_doc_id": erasures.as_key(erased),
                    "node_id": node_id,
                    "at": e.get("at"),
                    "by": e.get("by"),
                }
                for erased, e in sorted((root.get("erasures") or {}).items())
            }.values()
        ),
        "capacity_history": [
            {
                "doc_id": doc_id,
                "node_id": node_id,
                "day": h.get("day"),
                "care_type": h.get("care_type"),
                "beds_total": h.get("beds_total"),
                "free": h.get("free"),
                "occupied": h.get("occupied"),
                "reported_at": h.get("reported_at"),
                "admissions": h.get("admissions"),
                "discharges": h.get("discharges"),
            }
            for h in (root.get("history") or {}).values()
        ],
        "doc_events": _events(doc_id, root),
    }


def project_share(doc_id: str, root: dict[str, Json]) -> Rows:
    a, b = root.get("nodes") or [None, None]
    return {
        "shares": [
            {"doc_id": doc_id, "shared_doc_id": shared, "node_a": a, "node_b": b}
            for shared in (root.get("docs") or {})
        ]
    }


PROJECTORS: dict[str, Callable[[str, dict[str, Json]], Rows]] = {
    "case": project_case,
    "placement": project_placement,
    "volunteer": project_volunteer,
    "mantelzorger": project_mantelzorger,
    "helpreq": project_helpreq,
    "node": project_node,
    "share": project_share,
}

KIND_TABLES: dict[str, tuple[str, ...]] = {
    "case": ("clients", "visits", "doc_events"),
    "placement": ("placements", "doc_events"),
    "volunteer": ("volunteers", "volunteer_availability", "doc_events"),
    "mantelzorger": ("mantelzorgers", "doc_events"),
    "helpreq": ("help_requests", "matches", "doc_events"),
    "node": (
        "nodes",
        "locations",
        "capacity",
        "slots",
        "slot_bookings",
        "erasures",
        "capacity_history",
        "doc_events",
    ),
    "share": ("shares",),
}


def as_tuples(rows: Rows) -> RowTuples:
    """Rows ready for ``executemany``; worker processes send these (smaller to pickle, and the
    conversion is done on their core rather than the one that writes)."""
    out: RowTuples = {}
    for table, table_rows in rows.items():
        if table_rows:
            cols = TABLES[table][0]
            out[table] = [tuple(r.get(c) for c in cols) for r in table_rows]
    return out


_INSERT = {
    name: f"INSERT INTO [{name}] ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
    for name, (cols, _pk) in TABLES.items()
}
_INSERT_ROWS = {
    name: f"INSERT INTO [{name}] ({', '.join(cols)}) VALUES {{rows}}" for name, (cols, _pk) in TABLES.items()
}

MAX_PARAMS = 30_000  # SQLite binds at most 32,766 parameters to one statement


def _in_statements(db: sqlite_utils.Database, sql: str, rows: list[tuple[Json, ...]]) -> None:
    """Run ``sql`` with its ``{rows}`` replaced by a VALUES list of ``rows``, as few statements as the
    parameter limit allows. One statement per row would be far slower inside a savepoint: SQLite
    rewinds its in-memory statement journal after each statement by walking it from the start, and
    a merge's savepoint holds every page the batch touched (1,000 client rows: 140-200 ms of the
    hub's answer, against ~20 ms in one statement)."""
    if not rows:
        return
    width = len(rows[0])
    per_statement = max(1, MAX_PARAMS // width)
    one = "(" + ",".join("?" * width) + ")"
    for start in range(0, len(rows), per_statement):
        part = rows[start : start + per_statement]
        db.conn.execute(sql.format(rows=",".join([one] * len(part))), [v for row in part for v in row])


class Projector:
    """Keeps the tables in step with the documents, inside the caller's transaction."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def remove(self, doc_id: str, kind: str) -> None:
        for table in KIND_TABLES[kind]:
            self.db.execute(f"DELETE FROM [{table}] WHERE doc_id = ?", [doc_id])

    def project(self, doc_id: str, kind: str, root: dict[str, Json]) -> None:
        self.project_many([(doc_id, kind, root)])

    def project_many(
        self, docs: list[tuple[str, str, dict[str, Json]]], known: dict[str, Rows] | None = None
    ) -> None:
        """Re-project many documents, writing only rows that differ from what the tables hold: a
        merged visit rewrites one row, not the case's client row with its indexes and search entry.
        One read and a few batched writes per table, not per document."""
        for table, doc_ids, wanted in self._wanted(docs, known):
            self._sync_table(table, doc_ids, wanted)

    def disagreeing(self, docs: list[tuple[str, str, dict[str, Json]]]) -> set[str]:
        """Of ``docs``, those whose rows in the tables are not the rows they project to (``veld
        doctor``): a table written from an older copy of a document, or edited behind our back."""
        out: set[str] = set()
        for table, doc_ids, wanted in self._wanted(docs):
            cols = list(TABLES[table][0])
            at = cols.index("doc_id")
            held: dict[str, Counter[tuple[Json, ...]]] = {d: Counter() for d in doc_ids}
            sql = f"SELECT {', '.join(cols)} FROM [{table}] WHERE doc_id IN ({{marks}})"
            for row in rows_in(self.db, sql, doc_ids):
                held[row[at]][tuple(row)] += 1
            expected: dict[str, Counter[tuple[Json, ...]]] = {d: Counter() for d in doc_ids}
            for r in wanted:
                expected[r["doc_id"]][tuple(map(r.get, cols))] += 1
            out.update(d for d in doc_ids if held[d] != expected[d])
        return out

    def orphans(self) -> set[str]:
        """Document ids that have rows in the tables but no document."""
        return {
            r[0]
            for table in TABLES
            for r in self.db.execute(
                f"SELECT DISTINCT doc_id FROM [{table}] WHERE doc_id NOT IN (SELECT doc_id FROM am_docs)"
            )
        }

    def _wanted(
        self, docs: list[tuple[str, str, dict[str, Json]]], known: dict[str, Rows] | None = None
    ) -> Iterator[tuple[str, list[str], list[dict[str, Json]]]]:
        """Per table: the documents whose rows live there and the rows they project to."""
        tables: dict[str, list[str]] = {}
        rows: Rows = {}
        for doc_id, kind, root in docs:
            for table in KIND_TABLES[kind]:
                tables.setdefault(table, []).append(doc_id)
            produced = known.get(doc_id) if known else None
            if produced is None:
                produced = PROJECTORS[kind](doc_id, root)
            for table, table_rows in produced.items():
                rows.setdefault(table, []).extend(table_rows)
        for table, doc_ids in tables.items():
            yield table, doc_ids, rows.get(table, [])

    def _sync_table(self, table: str, doc_ids: list[str], wanted: list[dict[str, Json]]) -> None:
        columns, pk = TABLES[table]
        cols = list(columns)
        keys = (pk,) if isinstance(pk, str) else pk
        at = [cols.index(k) for k in keys]
        # Keys as tuples, rows as tuples in column order: the per-row work is a few C calls (the
        # hot path of every merged batch: 1,000 cases are 1,000 client and ~3,000 visit rows).
        key_of = operator.itemgetter(*at) if len(at) > 1 else lambda row: (row[at[0]],)
        held = {
            key_of(row): row
            for row in rows_in(
                self.db, f"SELECT {', '.join(cols)} FROM [{table}] WHERE doc_id IN ({{marks}})", doc_ids
            )
        }
        new = {key_of(row): row for row in (tuple(map(r.get, cols)) for r in wanted)}
        gone = [key for key in held if key not in new]
        updates: dict[tuple[int, ...], list[tuple[Json, ...]]] = {}
        fresh = []
        for key, row in new.items():
            old = held.get(key)
            if old is None:
                fresh.append(row)
            elif old != row:
                changed = tuple(i for i, (a, b) in enumerate(zip(old, row, strict=True)) if a != b)
                updates.setdefault(changed, []).append((*key, *(row[i] for i in changed)))
        keyed = ", ".join(f"[{k}]" for k in keys)
        _in_statements(self.db, f"DELETE FROM [{table}] WHERE ({keyed}) IN (VALUES {{rows}})", gone)
        matched = " AND ".join(f"[{table}].[{k}] = v.column{n}" for n, k in enumerate(keys, 1))
        for changed, params in updates.items():
            sets = ", ".join(f"[{cols[i]}] = v.column{n}" for n, i in enumerate(changed, len(keys) + 1))
            sql = f"UPDATE [{table}] SET {sets} FROM (VALUES {{rows}}) AS v WHERE {matched}"
            _in_statements(self.db, sql, params)
        _in_statements(self.db, _INSERT_ROWS[table], fresh)

    @contextmanager
    def bulk_insert(self, new_docs: int) -> Iterator[None]:
        """Around the insert of many new documents (a new device's first sync, a full bundle into an
        empty device): the search index is rebuilt once at the end instead of being fed a row at a
        time by its insert triggers (FTS5 'rebuild' of 10k rows: 64 ms here; the triggers: ~0.9 s).
        Only when what arrives is large against what the tables hold, since a rebuild reads every
        row. Plain indexes are not dropped likewise: rebuilding them at the end runs while the
        worker processes (prepare.py) are idle, and measured slower than growing them meanwhile.
        A savepoint: if the insert fails, the dropped triggers come back with the rollback."""
        if new_docs < BULK_FROM or self._searchable_rows() > 4 * new_docs:
            yield
            return
        with self.db.atomic():
            names = [f"{table}_ai" for table in FTS]
            triggers = self.db.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
                f" AND name IN ({', '.join('?' for _ in names)})",
                names,
            ).fetchall()
            for name, _sql in triggers:
                self.db.execute(f"DROP TRIGGER [{name}]")
            yield
            for table in FTS:
                self.db.execute(f"INSERT INTO [{table}_fts]([{table}_fts]) VALUES ('rebuild')")
            for _name, sql in triggers:
                self.db.execute(sql)

    def _searchable_rows(self) -> int:
        return sum(self.db.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0] for table in FTS)

    def insert(self, rows: Rows) -> None:
        self.insert_tuples(as_tuples(rows))

    def insert_tuples(self, rows: RowTuples) -> None:
        for table, table_rows in rows.items():
            if table_rows:
                self.db.conn.executemany(_INSERT[table], table_rows)

    def clear(self) -> None:
        for table in TABLES:
            self.db.execute(f"DELETE FROM [{table}]")

    def dump(self) -> dict[str, list[tuple[Json, ...]]]:
        """Every projection table, rows sorted: what 'identical projections' compares."""
        out = {}
        for table, (cols, _pk) in TABLES.items():
            rows = self.db.execute(f"SELECT {', '.join(cols)} FROM [{table}]").fetchall()
            out[table] = sorted(rows, key=repr)
        return out
