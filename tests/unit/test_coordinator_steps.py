"""A coordinator closes a help request (its open matches withdrawn), edits and links a carer, and
records burden measurements whose trend and respite advice follow; every step audited, bad input
refused whole with the field named."""

from __future__ import annotations

from datetime import date

import pytest
from testenv import make_session

from veldclient.domain.burden import respite_advice, trend
from veldclient.domain.enums import BurdenCategory, BurdenTrend
from veldclient.domain.models_care import Client
from veldclient.errors import AccessDenied, InvalidTransition, NotFound, ValidationError
from veldclient.services import carers, matching, roster

VOLUNTEER = {
    "first_name": "Anna",
    "last_name": "Jansen",
    "pc4": "7511",
    "birth_year": 1980,
    "max_km": 10,
    "tasks": ["BOODSCHAPPEN"],
    "languages": ["nl"],
    "availability": ["di ochtend"],
    "vog": {"status": "VALID", "issued_on": "2025-01-10"},
}
REQUEST = {
    "on_behalf_of": "MANTELZORGER",
    "task": "BOODSCHAPPEN",
    "summary": "Boodschappen bij de Jumbo",
    "pc4": "7511",
    "window": {"start": "2026-11-16", "end": "2026-12-31", "availability": ["di ochtend"]},
    "language": "nl",
}
CARER = {
    "first_name": "Gerrit",
    "last_name": "Brinkhuis",
    "pc4": "7512",
    "relationship": "PARTNER",
    "hours_per_week": 20,
    "burden": {"instrument": "EDIZ", "score": 5, "measured_on": "2026-09-01"},
}


def last_audit(session):
    e = session.audit_log.entries(limit=1)[0]
    return e.event, e.action, e.outcome


def test_closing_withdraws_open_matches_and_is_final(coordinator):
    vid = roster.register_volunteer(coordinator, VOLUNTEER).id
    rid = roster.file_help_request(coordinator, REQUEST).request.id
    mid = matching.propose(coordinator, rid, vid)
    closed = roster.close_help_request(coordinator, rid)
    assert closed.status.value == "CANCELLED"
    assert last_audit(coordinator) == ("helprequest.close", "U", "ok")
    row = coordinator.db.execute("SELECT status FROM help_requests WHERE id = ?", [rid]).fetchone()
    assert row == ("CANCELLED",)
    assert coordinator.db.execute("SELECT status FROM matches WHERE id = ?", [mid]).fetchone() == (
        "WITHDRAWN",
    )
    with pytest.raises(InvalidTransition):
        roster.close_help_request(coordinator, rid)


def test_done_only_after_help_was_given_and_a_bad_outcome_names_the_field(coordinator):
    rid = roster.file_help_request(coordinator, REQUEST).request.id
    with pytest.raises(InvalidTransition):
        roster.close_help_request(coordinator, rid, "DONE")
    with pytest.raises(ValidationError) as bad:
        roster.close_help_request(coordinator, rid, "MATCHED")
    assert bad.value.errors[0].field == "outcome"
    with pytest.raises(NotFound):
        roster.close_help_request(coordinator, "no-such-request")
    status = coordinator.db.execute("SELECT status FROM help_requests WHERE id = ?", [rid]).fetchone()
    assert status == ("OPEN",)


def test_editing_a_carer_keeps_the_rest_and_refuses_bad_input_whole(coordinator):
    carer = roster.register_mantelzorger(coordinator, CARER)
    edited = carers.update_mantelzorger(coordinator, carer.id, {"hours_per_week": 30, "pc4": "7513"})
    assert (edited.hours_per_week, edited.pc4, edited.last_name) == (30, "7513", "Brinkhuis")
    assert last_audit(coordinator) == ("mantelzorger.update", "U", "ok")
    with pytest.raises(ValidationError) as bad:
        carers.update_mantelzorger(coordinator, carer.id, {"hours_per_week": 200, "pc4": "12"})
    assert {e.field for e in bad.value.errors} == {"hours_per_week", "pc4"}
    with pytest.raises(ValidationError):
        carers.update_mantelzorger(coordinator, carer.id, {"burden": {}})  # its own step
    row = coordinator.db.execute("SELECT hours_per_week, pc4 FROM mantelzorgers WHERE id = ?", [carer.id])
    assert row.fetchone() == (30, "7513")


def test_linking_needs_a_client_of_this_node(coordinator):
    carer = roster.register_mantelzorger(coordinator, CARER)
    with pytest.raises(ValidationError) as bad:
        carers.link_carer(coordinator, carer.id, "nobody")
    assert bad.value.errors[0].field == "care_for_client_id"
    raw = {"name": "Fatma Yilmaz", "birth_date": "1941-02-03", "postcode": "7511 JM", "bsn": "111222333"}
    client = Client.parse({**raw, "node_id": coordinator.actor.node_id}, today=coordinator.today())
    coordinator.repo.create("case", client.id, client.node_id, {"client": client.to_dict(), "visits": {}})
    linked = carers.link_carer(coordinator, carer.id, client.id)
    assert linked.care_for_client_id == client.id
    entry = coordinator.audit_log.entries(limit=1)[0]
    assert (entry.event, entry.client_id) == ("mantelzorger.link", client.id)
    assert carers.link_carer(coordinator, carer.id, None).care_for_client_id is None


def test_a_new_measurement_gives_trend_and_advice_and_the_category_only_to_a_coordinator(coordinator):
    carer = roster.register_mantelzorger(coordinator, CARER)
    record = carers.record_burden(
        coordinator, carer.id, {"instrument": "EDIZ", "score": 8, "measured_on": "2026-11-10"}
    )
    assert [day.isoformat() for day, _ in record.history] == ["2026-09-01", "2026-11-10"]
    assert [v.category for _, v in record.history] == [BurdenCategory.MODERATE, BurdenCategory.HEAVY]
    assert all(v.score is None for _, v in record.history)  # a coordinator sees categories
    assert record.trend is BurdenTrend.RISING
    assert record.advice is not None and "respite" in record.advice.en
    assert record.advice.remeasure_on == date(2026, 12, 8)
    assert last_audit(coordinator) == ("mantelzorger.burden", "C", "ok")
    overloaded = coordinator.db.execute("SELECT overloaded FROM mantelzorgers WHERE id = ?", [carer.id])
    assert overloaded.fetchone() == (1,)

    older = carers.record_burden(
        coordinator, carer.id, {"instrument": "EDIZ", "score": 0, "measured_on": "2026-10-01"}
    )
    assert older.history[-1][0] == date(2026, 11, 10)  # the latest by date stays the current one
    assert len(carers.burden_record(coordinator, carer.id).history) == 3


def test_a_bad_measurement_names_its_fields_and_writes_nothing(coordinator):
    carer = roster.register_mantelzorger(coordinator, CARER)
    with pytest.raises(ValidationError) as bad:
        carers.record_burden(
            coordinator, carer.id, {"instrument": "EDIZ", "score": 12, "measured_on": "2027-01-01"}
        )
    assert {e.field for e in bad.value.errors} == {"score", "measured_on"}
    assert len(carers.burden_record(coordinator, carer.id).history) == 1


def test_a_nurse_sees_the_scores_of_every_measurement(clock):
    nurse = make_session("nurse", role="nurse", clock=clock)
    try:
        carer = roster.register_mantelzorger(nurse, CARER)
        record = carers.record_burden(
            nurse, carer.id, {"instrument": "EDIZ", "score": 2, "measured_on": "2026-11-01"}
        )
        assert [v.score for _, v in record.history] == [5, 2] and record.trend is BurdenTrend.FALLING
    finally:
        nurse.close()


@pytest.mark.parametrize(
    ("earlier", "later", "expected"),
    [
        (BurdenCategory.LIGHT, BurdenCategory.HEAVY, BurdenTrend.RISING),
        (BurdenCategory.HEAVY, BurdenCategory.MODERATE, BurdenTrend.FALLING),
        (BurdenCategory.MODERATE, BurdenCategory.MODERATE, BurdenTrend.STEADY),
    ],
)
def test_trend_follows_the_category(earlier, later, expected):
    assert trend(earlier, later) is expected


def test_advice_asks_for_respite_when_heavy_or_moderate_and_rising():
    day = date(2026, 11, 1)
    assert "nu respijtzorg" in respite_advice(BurdenCategory.HEAVY, day, None).nl
    assert "stijgt" in respite_advice(BurdenCategory.MODERATE, day, BurdenTrend.RISING).nl
    calm = respite_advice(BurdenCategory.LIGHT, day, BurdenTrend.FALLING)
    assert calm.en == "No respite care needed." and calm.remeasure_on == date(2027, 5, 2)


def test_an_admin_registers_carers_but_records_and_reads_no_burden(clock):
    admin = make_session("admin", role="admin", clock=clock)
    try:
        carer = carers.register(admin, {k: v for k, v in CARER.items() if k != "burden"})
        with pytest.raises(AccessDenied):
            carers.record_burden(
                admin, carer.id, {"instrument": "EDIZ", "score": 2, "measured_on": "2026-11-01"}
            )
        with pytest.raises(AccessDenied):
            carers.burden_record(admin, carer.id)
    finally:
        admin.close()
