"""Audit log: the hash chain must expose any edit, deletion or truncation (reliability test #19)."""

from __future__ import annotations

import hashlib
import itertools
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlite_utils

from veldclient import audit
from veldclient.audit import (
    ACTIONS,
    GENESIS_HASH,
    AuditEvent,
    AuditLog,
    ensure_schema,
    verify,
)
from veldclient.errors import AuditChainBroken

T0 = 1_795_338_902_123  # 2026-11-22T09:15:02.123Z


@pytest.fixture
def db() -> Iterator[sqlite_utils.Database]:
    database = sqlite_utils.Database(sqlite3.connect(":memory:", isolation_level=None))
    ensure_schema(database)
    yield database
    database.close()


@pytest.fixture
def log(db: sqlite_utils.Database) -> AuditLog:
    ticks = itertools.count(T0, 1000)
    return AuditLog(db, clock=lambda: next(ticks))


def event(i: int = 0, **changes: Any) -> AuditEvent:
    base = AuditEvent(
        event="client.read",
        action="R",
        user_id=f"user-{i % 3}",
        role="nurse",
        device_id="dev-1",
        node_id="node-hengelo",
        object_type="client",
        client_id=f"client-{i % 5}",
        object_id=f"client-{i % 5}",
        data_part="clinical",
        basis_authorisation=True,
        basis_care_relation=True,
        detail={"n": i},
    )
    return replace(base, **changes)


def fill(log: AuditLog, n: int) -> None:
    for i in range(n):
        log.append(event(i))


def raw_row(db: sqlite_utils.Database, seq: int) -> dict[str, Any]:
    return next(db.query("SELECT * FROM audit_log WHERE seq = ?", [seq]))


def kinds(db: sqlite_utils.Database) -> list[tuple[str, int]]:
    return [(p.kind, p.seq) for p in verify(db).problems]


# --- format -----------------------------------------------------------------------------------


def test_schema_is_idempotent_and_seq_is_the_rowid(db: sqlite_utils.Database) -> None:
    ensure_schema(db)
    ensure_schema(db)
    assert '"seq" INTEGER PRIMARY KEY' in db["audit_log"].schema
    assert list(db.query("SELECT id, seq, hash FROM audit_head")) == [
        {"id": 1, "seq": 0, "hash": GENESIS_HASH}
    ]
    assert verify(db).ok


def test_actions_cover_nen_7513() -> None:
    assert set(ACTIONS) == set("CRUDESXL")


def test_hashed_row_keys_are_sorted_like_the_canonical_order() -> None:
    row = audit._hashed_row(event(), T0, 1, GENESIS_HASH)
    assert list(row) == list(audit._HASHED) == sorted(row)


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        'quote " and \\ backslash',
        "new\nline\ttab\x01\x1f\x7f",
        "Enschedé ë ß",
        "😀 \u2028",
    ],
)
def test_canonical_matches_json_dumps(text: str) -> None:
    row: dict[str, Any] = audit._hashed_row(event(), T0, 7, GENESIS_HASH)
    row["role"] = text
    row["acting_for"] = None
    expected = json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert audit._canonical(row.values()) == expected


def test_first_entry_and_hash_formula(db: sqlite_utils.Database, log: AuditLog) -> None:
    entry = log.append(event(detail={"results": 3, "z": None, "a": True}))
    assert entry.seq == 1
    assert entry.prev_hash == GENESIS_HASH
    assert entry.at_ms == T0
    assert entry.at_iso == "2026-11-22T09:15:02Z"
    assert entry.source_system == "veldclient"
    assert entry.detail == {"results": 3, "z": None, "a": True}
    assert entry.basis_authorisation is True and entry.basis_emergency is False

    stored = raw_row(db, 1)
    assert stored["detail"] == '{"a":true,"results":3,"z":null}'
    assert stored["basis_care_relation"] == 1 and stored["basis_consent"] == 0
    body = {k: v for k, v in stored.items() if k != "hash"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    expected = hashlib.sha256((GENESIS_HASH + canonical).encode("utf-8")).hexdigest()
    assert stored["hash"] == entry.hash == expected
    assert log.head() == (1, expected)


def test_at_iso_is_utc_to_the_second(log: AuditLog) -> None:
    at = int(datetime(2026, 3, 29, 1, 59, 59, tzinfo=UTC).timestamp() * 1000) + 999
    assert log.append(event(at_ms=at)).at_iso == "2026-03-29T01:59:59Z"


def test_clock_is_read_only_when_the_event_has_no_start_time(log: AuditLog) -> None:
    assert log.append(event()).at_ms == T0
    assert log.append(event(at_ms=42)).at_ms == 42
    assert log.append(event()).at_ms == T0 + 1000


# --- the chain --------------------------------------------------------------------------------


def test_chain_of_many_entries_verifies(db: sqlite_utils.Database, log: AuditLog) -> None:
    fill(log, 300)
    log.append_many(event(i) for i in range(300, 600))
    report = verify(db)
    assert report.ok and report.checked == 600 and report.problems == []
    seq, head_hash = log.head()
    assert seq == 600 and head_hash == raw_row(db, 600)["hash"]
    seqs = [r["seq"] for r in db.query("SELECT seq FROM audit_log ORDER BY seq")]
    assert seqs == list(range(1, 601))


EDITS = {
    "at_ms": "at_ms + 1",
    "at_iso": "'2026-11-22T09:15:03Z'",
    "event": "'client.update'",
    "action": "'U'",
    "outcome": "'denied'",
    "user_id": "'someone-else'",
    "role": "'admin'",
    "acting_for": "'user-9'",
    "device_id": "'dev-2'",
    "node_id": "'node-almelo'",
    "client_id": "NULL",
    "object_type": "'case'",
    "object_id": "'client-99'",
    "data_part": "'contact'",
    "basis_authorisation": "0",
    "basis_care_relation": "0",
    "basis_consent": "1",
    "basis_emergency": "1",
    "detail": """'{"n":999}'""",
    "source_system": "'other'",
    "prev_hash": "'" + "1" * 64 + "'",
    "hash": "'" + "2" * 64 + "'",
}


def test_every_hashed_column_has_an_edit_case() -> None:
    assert set(EDITS) == set(audit._COLUMNS) - {"seq"}


@pytest.mark.parametrize("column", sorted(EDITS))
def test_editing_any_column_is_reported_at_that_entry(
    db: sqlite_utils.Database, log: AuditLog, column: str
) -> None:
    fill(log, 10)
    db.execute(f"UPDATE audit_log SET {column} = {EDITS[column]} WHERE seq = 6")
    report = verify(db)
    assert not report.ok
    assert report.problems[0].seq == 6
    assert ("edited", 6) in kinds(db)
    edited = next(p for p in report.problems if p.kind == "edited")
    assert edited.message_en == "Audit entry 6 was changed after it was written."
    assert edited.message_nl == "Auditregel 6 is na het schrijven gewijzigd."
    with pytest.raises(AuditChainBroken, match="entry 6"):
        report.raise_if_broken()


def test_renumbering_an_entry_is_caught(db: sqlite_utils.Database, log: AuditLog) -> None:
    fill(log, 5)
    db.execute("UPDATE audit_log SET seq = 0 WHERE seq = 1")
    assert kinds(db) == [("edited", 0), ("missing", 1)]


def test_junk_values_are_reported_not_crashed_on(db: sqlite_utils.Database, log: AuditLog) -> None:
    fill(log, 3)
    db.execute("UPDATE audit_log SET role = X'00ff', detail = 1e999 WHERE seq = 2")
    assert kinds(db) == [("edited", 2)]


def test_deleting_a_middle_entry_names_it(db: sqlite_utils.Database, log: AuditLog) -> None:
    fill(log, 10)
    db.execute("DELETE FROM audit_log WHERE seq = 4")
    report = verify(db)
    assert not report.ok and report.checked == 9
    assert [(p.kind, p.seq) for p in report.problems] == [("missing", 4)]
    assert report.problems[0].message_en == "Audit entry 4 is missing (deleted)."
    assert report.problems[0].message_nl == "Auditregel 4 ontbreekt (verwijderd)."


def test_deleting_a_range_names_the_range(db: sqlite_utils.Database, log: AuditLog) -> None:
    fill(log, 10)
    db.execute("DELETE FROM audit_log WHERE seq BETWEEN 1 AND 3")
    db.execute("DELETE FROM audit_log WHERE seq BETWEEN 5 AND 7")
    problems = verify(db).problems
    assert [(p.kind, p.seq) for p in problems] == [("missing", 1), ("missing", 5)]
    assert "1–3" in problems[0].message_en and "5–7" in problems[1].message_nl


def test_deleting_the_last_entries_is_truncation(db: sqlite_utils.Database, log: AuditLog) -> None:
    fill(log, 10)
    db.execute("DELETE FROM audit_log WHERE seq >= 9")
    report = verify(db)
    assert [(p.kind, p.seq) for p in report.problems] == [("truncated", 9)]
    assert "9–10" in report.problems[0].message_en


def test_deleting_everything_is_truncation(db: sqlite_utils.Database, log: AuditLog) -> None:
    fill(log, 3)
    db.execute("DELETE FROM audit_log")
    assert kinds(db) == [("truncated", 1)]


def test_rehashing_an_edit_is_caught_by_the_next_link(db: sqlite_utils.Database, log: AuditLog) -> None:
    fill(log, 10)
    forged = raw_row(db, 5) | {"outcome": "denied"}
    forged["hash"] = audit._hash(forged["prev_hash"], {k: forged[k] for k in audit._HASHED})
    db.execute("UPDATE audit_log SET outcome = 'denied', hash = ? WHERE seq = 5", [forged["hash"]])
    report = verify(db)
    assert [(p.kind, p.seq) for p in report.problems] == [("broken_link", 6)]
    assert "entry 6" in report.problems[0].message_en


def test_rehashing_the_last_entry_is_caught_by_the_head(db: sqlite_utils.Database, log: AuditLog) -> None:
    fill(log, 4)
    forged = raw_row(db, 4) | {"user_id": "nobody"}
    forged["hash"] = audit._hash(forged["prev_hash"], {k: forged[k] for k in audit._HASHED})
    db.execute("UPDATE audit_log SET user_id = 'nobody', hash = ? WHERE seq = 4", [forged["hash"]])
    assert kinds(db) == [("truncated", 4)]


def test_rows_beyond_the_head_or_a_lost_head_are_flagged(db: sqlite_utils.Database, log: AuditLog) -> None:
    fill(log, 3)
    db.execute("UPDATE audit_head SET seq = 2")
    assert kinds(db) == [("truncated", 3)]
    db.execute("DELETE FROM audit_head")
    assert [p.kind for p in verify(db).problems] == ["truncated"]
    with pytest.raises(AuditChainBroken):
        log.append(event())


def test_missing_tables_fail_verification() -> None:
    bare = sqlite_utils.Database(sqlite3.connect(":memory:", isolation_level=None))
    assert kinds(bare) == [("truncated", 0)]


def test_problem_list_is_capped_but_all_rows_checked(db: sqlite_utils.Database, log: AuditLog) -> None:
    fill(log, 30)
    db.execute("UPDATE audit_log SET role = 'x'")
    report = verify(db, max_problems=5)
    assert report.checked == 30 and [p.seq for p in report.problems] == [1, 2, 3, 4, 5]


# --- transactions -----------------------------------------------------------------------------


def test_append_rolls_back_with_the_outer_transaction(db: sqlite_utils.Database, log: AuditLog) -> None:
    fill(log, 2)
    before = log.head()
    with pytest.raises(RuntimeError), db.atomic():
        db.table("notes").insert({"id": 1})
        log.append(event(2))
        log.append_many([event(3), event(4)])
        raise RuntimeError("care record write failed")
    assert log.head() == before
    assert db.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 2
    assert verify(db).ok
    assert log.append(event(5)).seq == 3


def test_append_commits_with_the_outer_transaction(db: sqlite_utils.Database, log: AuditLog) -> None:
    with db.atomic():
        log.append(event(0))
        log.append(event(1))
    assert log.head()[0] == 2 and verify(db).ok


# --- bulk -------------------------------------------------------------------------------------


def test_append_many_equals_one_by_one() -> None:
    events = [event(i, at_ms=T0 + i) for i in range(50)]
    hashes = []
    heads = []
    for bulk in (False, True):
        database = sqlite_utils.Database(sqlite3.connect(":memory:", isolation_level=None))
        ensure_schema(database)
        log = AuditLog(database, clock=lambda: 0)
        log.append(events[0])
        if bulk:
            log.append_many(events[1:])
        else:
            for e in events[1:]:
                log.append(e)
        hashes.append([r["hash"] for r in database.query("SELECT hash FROM audit_log ORDER BY seq")])
        heads.append(log.head())
        assert verify(database).ok
    assert hashes[0] == hashes[1] and len(hashes[0]) == 50
    assert heads[0] == heads[1] == (50, hashes[0][-1])


def test_append_many_returns_head_and_handles_empty(log: AuditLog) -> None:
    assert log.append_many([]) == (0, GENESIS_HASH)
    assert log.append_many(event(i) for i in range(3)) == log.head()
    assert log.head()[0] == 3


def test_bulk_import_of_20000_verifies(db: sqlite_utils.Database, log: AuditLog) -> None:
    seq, _ = log.append_many(event(i, event="import.demo", action="C") for i in range(20_000))
    assert seq == 20_000
    report = verify(db)
    assert report.ok and report.checked == 20_000


# --- what may be logged -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "detail",
    [
        {"query": {"name": "Jansen"}},
        {"results": [1, 2]},
        {1: "x"},
        {"blob": b"x"},
        ["not", "a", "dict"],
        {"n": float("nan")},
    ],
)
def test_detail_must_be_flat_scalars(log: AuditLog, detail: Any) -> None:
    with pytest.raises(ValueError):
        log.append(event(detail=detail))
    assert log.head() == (0, GENESIS_HASH)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"action": "Q"}, "action"),
        ({"outcome": "maybe"}, "outcome"),
        ({"user_id": ""}, "user_id"),
        ({"device_id": None}, "device_id"),
        ({"client_id": 17}, "client_id"),
        ({"at_ms": 1.5}, "at_ms"),
    ],
)
def test_invalid_events_are_rejected(log: AuditLog, changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ValueError, match=field):
        log.append(event(**changes))


def test_one_bad_event_in_a_batch_writes_nothing(log: AuditLog) -> None:
    log.append(event(0))
    before = log.head()
    with pytest.raises(ValueError):
        log.append_many([event(1), event(2, detail={"nested": {"x": 1}}), event(3)])
    assert log.head() == before


# --- reading ----------------------------------------------------------------------------------


def test_entries_newest_first_with_filters(log: AuditLog) -> None:
    fill(log, 30)  # user-(i % 3), client-(i % 5); seq = i + 1
    assert [e.seq for e in log.entries(limit=3)] == [30, 29, 28]
    assert [e.seq for e in log.entries(limit=3, before_seq=28)] == [27, 26, 25]
    by_client = log.entries(client_id="client-2")
    assert [e.seq for e in by_client] == [28, 23, 18, 13, 8, 3]
    assert all(e.client_id == "client-2" for e in by_client)
    both = log.entries(client_id="client-0", user_id="user-0")
    assert [e.seq for e in both] == [16, 1]
    assert [e.seq for e in log.entries(user_id="user-1", before_seq=10, limit=2)] == [8, 5]
    assert log.entries(client_id="nobody") == []


def test_entries_round_trip_what_append_returned(log: AuditLog) -> None:
    written = log.append(event(acting_for="user-7", basis_emergency=True, action="X"))
    assert log.entries() == [written]
