"""The demo shows every screen at work: for each role, the built (small) demo holds a referral from
another node to answer, a slot booked twice while apart with its open conflict (a coordinator's node
too: its nurse laptop published the slot), carers with burden scores and a history of measurements
whose trend asks for respite, and help requests both open and expired."""

from __future__ import annotations

from datetime import date

import pytest
from tuihelpers import demo_session

from veldclient.domain.burden import respite_advice
from veldclient.domain.enums import BurdenCategory, BurdenTrend
from veldclient.services import carers, caseload_view, conflicts, roster_view, slots


@pytest.fixture(scope="module", params=["nurse", "coordinator", "admin"])
def demo(request, tmp_path_factory):
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("VELD_HOME", str(tmp_path_factory.mktemp(f"demo-{request.param}")))
    monkeypatch.setenv("VELD_KDF_MEMORY_KIB", "1024")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    session = demo_session(role=request.param, mesh=True)
    yield session
    session.close()
    monkeypatch.undo()


def test_a_referral_from_another_node_waits_to_be_answered(demo):
    rows = caseload_view.incoming(demo, 0, 10).rows
    assert [(r["node_name"], r["status"]) for r in rows] == [("Hengelo", "SUBMITTED")]


def test_a_slot_booked_twice_is_double_booked_and_an_open_conflict(demo):
    doubled = [s for s in slots.slot_table(demo, demo.actor.node_id) if s["state"] == "double_booked"]
    assert len(doubled) == 1
    inbox = conflicts.inbox(demo)
    assert len(inbox) == 1 and "double booked" in inbox[0].title("en")


def test_help_requests_open_and_expired(demo):
    if demo.actor.role not in roster_view.HELP:
        pytest.skip("help requests are for nurses and coordinators")
    statuses = {str(item.status) for item in roster_view.help_requests_page(demo, None, 0, 500).items}
    assert {"OPEN", "EXPIRED"} <= statuses


def test_carers_have_burden_scores(demo):
    count = demo.db.execute(
        "SELECT count(*) FROM mantelzorgers WHERE node_id = ? AND burden_score IS NOT NULL",
        [demo.actor.node_id],
    ).fetchone()[0]
    assert count > 0


def test_carers_have_a_history_of_measurements_and_a_trend(demo):
    measured = demo.db.execute(
        "SELECT doc_id, count(*) FROM doc_events WHERE type = 'BURDEN' AND doc_id LIKE 'mantelzorger:%'"
        " GROUP BY doc_id ORDER BY doc_id"
    ).fetchall()
    assert len(measured) >= 5 and all(count >= 3 for _, count in measured)
    if demo.actor.role not in carers.BURDEN:
        return  # an admin's demo holds the same measurements but sees none of them
    records = [carers.burden_record(demo, doc_id.split(":", 1)[1]) for doc_id, _ in measured]
    assert all(len(r.history) >= 3 and r.trend is not None for r in records)
    assert {BurdenTrend.RISING, BurdenTrend.STEADY, BurdenTrend.FALLING} <= {r.trend for r in records}
    rising = respite_advice(BurdenCategory.MODERATE, date.today(), BurdenTrend.RISING).en
    assert any(r.advice is not None and r.advice.en == rising for r in records)
