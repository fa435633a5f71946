"""The caseload's SQL window (services/caseload_view.py) on its own: every query plan gives the same
rows, the missed-target filter is the same rule as placements.timers, the coordinator sees what the
role allows, and each query shown writes one audit entry without the typed text."""

from __future__ import annotations

import json

import pytest
from tuihelpers import demo_session

from veldclient.errors import AccessDenied
from veldclient.services import caseload_view as cv
from veldclient.services import clients, placements
from veldclient.services import placement_flow as pf

FILTERS = (
    cv.Filters(),
    cv.Filters(text="jan"),
    cv.Filters(text="75"),
    cv.Filters(text="zzz"),
    cv.Filters(status="ADMITTED"),
    cv.Filters(urgency="U4", text="a"),
    cv.Filters(breached=True),
)


@pytest.fixture(scope="module")
def nurse(tmp_path_factory: pytest.TempPathFactory):
    """One demo for the read-only checks (module-scoped, so in its own data root)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VELD_HOME", str(tmp_path_factory.mktemp("caseload-view")))
        mp.setenv("VELD_KDF_MEMORY_KIB", "8192")
        session = demo_session()
    yield session
    session.close()


def keys(page: cv.ListPage) -> list[str]:
    return [r["client_id"] for r in page.rows]


def test_pages_are_slices_of_one_name_order(nurse):
    """Whatever the page size, consecutive pages join into the same ordered list."""
    for filters in FILTERS:
        whole = keys(cv.page(nurse, 0, 500, filters=filters))
        pieced = []
        for offset in range(0, len(whole), 7):
            pieced += keys(cv.page(nurse, offset, 7, filters=filters))
        assert pieced == whole, filters


def test_the_page_query_reads_the_name_index_without_sorting(nurse):
    selection, params = cv._selection(nurse, cv.Filters())
    plan = nurse.db.execute(
        f"EXPLAIN QUERY PLAN SELECT c.rowid {selection} ORDER BY c.name, c.rowid LIMIT 20", params
    ).fetchall()
    details = " ".join(str(r[-1]) for r in plan)
    assert "node_id_archived_name" in details and "TEMP B-TREE FOR ORDER BY" not in details.replace(
        "RIGHT PART OF ", ""
    )


def test_the_list_is_sorted_by_name_with_the_latest_request(nurse):
    page = cv.page(nurse, 0, 500)
    assert page.total == 200 == len(page.rows)
    names = [r["name"] for r in page.rows]
    assert names == sorted(names)
    with_request = [r for r in page.rows if r["request_id"]]
    assert len(with_request) == 25 and all(r["requests"] == 1 for r in with_request)
    assert {"reply_state", "placed_left_ms"} <= set(with_request[0])


def test_a_new_request_becomes_the_latest_and_the_filters_follow_it():
    session = demo_session()
    client_id, old = session.db.execute(
        "SELECT client_id, id FROM placements WHERE status = 'ADMITTED' ORDER BY id LIMIT 1"
    ).fetchone()
    session.clock.advance(60_000)
    new = placements.file_placement_request(
        session,
        client_id,
        {
            "referrer": {"name": "Dr. Bos", "role": "HUISARTS"},
            "urgency": "U1",
            "triage": {},
            "desired_start": "2026-11-19",
        },
    )
    (row,) = [r for r in cv.page(session, 0, 500).rows if r["client_id"] == client_id]
    assert (row["request_id"], row["status"], row["requests"]) == (new.id, "DRAFT", 2)
    assert client_id in keys(cv.page(session, 0, 50, filters=cv.Filters(urgency="U1")))
    assert client_id not in keys(cv.page(session, 0, 50, filters=cv.Filters(status="ADMITTED")))
    assert old != new.id


def test_the_missed_target_filter_is_the_timers_rule(nurse):
    got = keys(cv.page(nurse, 0, 500, filters=cv.Filters(breached=True)))
    rows = [r for r in cv.page(nurse, 0, 500).rows if r["request_id"]]
    expected = [
        r["client_id"]
        for r in rows
        if r["status"] in placements.OPEN_STATUSES and "breached" in (r["reply_state"], r["placed_state"])
    ]
    assert got == expected and got


def test_an_archived_client_leaves_the_list():
    session = demo_session()
    first = cv.page(session, 0, 1).rows[0]
    clients.archive_client(session, first["client_id"])
    page = cv.page(session, 0, 500)
    assert page.total == 199 and first["client_id"] not in keys(page)


def audit_rows(session, event: str) -> list[tuple]:
    return session.db.execute(
        "SELECT action, detail FROM audit_log WHERE event = ? ORDER BY seq", [event]
    ).fetchall()


def test_one_audit_entry_per_query_shown_never_the_typed_text():
    session = demo_session()
    for offset in (0, 100, 200):
        cv.page(session, offset, 100)
    cv.page(session, 0, 100, filters=cv.Filters(text="Jansen"))
    cv.page(session, 100, 100, filters=cv.Filters(text="Jansen"))
    entries = audit_rows(session, "caseload.list")
    assert [a for a, _d in entries] == ["R", "S"]
    assert [json.loads(d) for _a, d in entries] == [{"results": 200}, {"results": 3}]
    assert "Jansen" not in str(entries)


def test_a_coordinator_sees_status_without_names_birth_dates_or_bsn():
    session = demo_session(role="coordinator")
    helped = {r[0] for r in session.db.execute("SELECT subject_id FROM help_requests")}
    page = cv.page(session, 0, 500)
    assert page.total == 25
    for row in page.rows:
        assert "bsn" not in row and row["birth_date"] is None
        assert (row["name"] is None) == (row["client_id"] not in helped)
        assert (row["postcode"] is None) == (row["client_id"] not in helped)
    hidden = next(r for r in page.rows if r["name"] is None)
    name = session.db.execute("SELECT name FROM clients WHERE id = ?", [hidden["client_id"]]).fetchone()[0]
    assert hidden["client_id"] not in keys(cv.page(session, 0, 500, filters=cv.Filters(text=name))), (
        "a search cannot reveal a hidden name"
    )
    case = cv.detail(session, hidden["client_id"])
    assert case.client is None and case.requests and case.requests[0]["triage_outcome"] is None
    assert all(e["source"] == "placement" and "reason" not in e["data"] for e in case.timeline)


def test_the_timeline_is_the_events_of_the_case_and_its_requests_in_order():
    session = demo_session()
    client_id, request_id = session.db.execute(
        "SELECT client_id, id FROM placements WHERE status = 'DRAFT'"
    ).fetchone()
    session.clock.advance(60_000)
    pf.close(session, request_id, "CANCELLED", reason="Familie [zorgt] zelf")
    entries = cv.timeline(session, client_id)
    assert [(e["source"], e["type"]) for e in entries] == [
        ("case", "CREATED"),
        ("placement", "DRAFT"),
        ("placement", "CANCELLED"),
    ]
    last = entries[-1]
    assert (
        last["by"] == "demo-nurse" and last["own_device"] and last["data"]["reason"] == "Familie [zorgt] zelf"
    )
    assert len(last["device"]) == 15 and last["device"][7] == "-"
    assert audit_rows(session, "client.timeline")[-1][0] == "R"


def test_an_admin_may_not_read_the_caseload():
    session = demo_session(role="admin")
    with pytest.raises(AccessDenied):
        cv.page(session, 0, 10)
    assert cv.incoming(session, 0, 10).total == 0
