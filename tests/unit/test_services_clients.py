"""Client services: validation writes nothing, every access is audited, roles are enforced."""

from __future__ import annotations

import pytest

from veldclient.errors import AccessDenied, NotFound, ValidationError
from veldclient.services import clients, placements, roster

GOOD = {
    "name": "Johanna [Jo] ter Horst",
    "birth_date": "1938-05-01",
    "postcode": "7511jm",
    "bsn": "111222333",
}


def counts(session):
    docs = session.db.execute("SELECT count(*) FROM am_docs").fetchone()[0]
    chunks = session.db.execute("SELECT count(*) FROM am_chunks").fetchone()[0]
    audit = session.audit_log.head()[0]
    return docs, chunks, audit


def audit_events(session):
    return [
        (e.event, e.action, e.outcome, e.client_id) for e in reversed(session.audit_log.entries(limit=1000))
    ]


def test_register_normalises_and_audits(session):
    client = clients.register_client(session, GOOD)
    assert client.postcode == "7511 JM" and client.node_id == "enschede-centrum"
    assert session.db.execute("SELECT name, pc4 FROM clients").fetchall() == [
        ("Johanna [Jo] ter Horst", "7511")
    ]
    assert ("client.create", "C", "ok", client.id) in audit_events(session)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("bsn", "123456789"),
        ("postcode", "7511 SS"),
        ("birth_date", "2031-01-01"),
        ("birth_date", "31-02-1940"),
        ("name", "  "),
    ],
)
def test_invalid_input_is_a_typed_error_and_writes_nothing(session, field, value):
    before = counts(session)
    with pytest.raises(ValidationError) as caught:
        clients.register_client(session, {**GOOD, field: value})
    errors = caught.value.for_field(field)
    assert errors and errors[0].nl and errors[0].en and errors[0].nl != errors[0].en
    assert counts(session) == before


def test_all_field_errors_come_back_together(session):
    with pytest.raises(ValidationError) as caught:
        clients.register_client(session, {**GOOD, "bsn": "123456789", "postcode": "0123 AB"})
    assert {e.field for e in caught.value.errors} >= {"bsn", "postcode"}


def test_read_is_audited_and_coordinator_sees_no_bsn(session, coordinator):
    client = clients.register_client(session, GOOD)
    assert clients.get_client(session, client.id).bsn == "111222333"
    assert ("client.read", "R", "ok", client.id) in audit_events(session)


def test_coordinator_cannot_register_and_refusal_is_audited(coordinator):
    with pytest.raises(AccessDenied):
        clients.register_client(coordinator, GOOD)
    assert audit_events(coordinator)[-1][:3] == ("client.create", "R", "denied")
    assert coordinator.db.execute("SELECT count(*) FROM clients").fetchone()[0] == 0


def test_unknown_client_is_not_found(session):
    with pytest.raises(NotFound):
        clients.get_client(session, "0" * 32)


def test_update_keeps_history_and_validates(session):
    client = clients.register_client(session, GOOD)
    clients.update_client(session, client.id, {"address": "Oude Markt 1"})
    with pytest.raises(ValidationError):
        clients.update_client(session, client.id, {"postcode": "12"})
    assert clients.get_client(session, client.id).address == "Oude Markt 1"
    assert clients.get_client(session, client.id).postcode == "7511 JM"


def test_an_update_naming_a_field_the_record_lacks_is_refused_whole(session):
    client = clients.register_client(session, GOOD)
    before = counts(session)
    with pytest.raises(ValidationError) as caught:
        clients.update_client(session, client.id, {"address": "Oude Markt 1", "phone": "0612345678"})
    assert [(e.field, e.code) for e in caught.value.errors] == [("phone", "unknown_field")]
    assert "niets opgeslagen" in caught.value.message("nl")
    assert "nothing was saved" in caught.value.message("en")
    assert counts(session) == before, "no change and no audit entry"
    assert clients.get_client(session, client.id).address is None
    with pytest.raises(ValidationError):
        clients.update_client(session, client.id, {"node_id": "hengelo"})


def test_search_is_ranked_prefix_and_audited_without_the_text(session):
    for name in ("Jan Jansen", "Janneke Smit", "Piet Jansma", "Ayşe Demir"):
        clients.register_client(session, {**GOOD, "name": name, "bsn": None})
    names = [r["name"] for r in clients.search_clients(session, "jan")]
    assert set(names) == {"Jan Jansen", "Janneke Smit", "Piet Jansma"}
    assert names[0] == "Jan Jansen", "two matching words rank above one"
    assert [r["name"] for r in clients.search_clients(session, "jan sm")] == ["Janneke Smit"]
    assert [r["name"] for r in clients.search_clients(session, "ayse")] == ["Ayşe Demir"]
    assert clients.search_clients(session, '"') == []
    assert clients.search_clients(session, "jan AND OR (") == []
    entry = session.audit_log.entries(limit=1)[0]
    assert entry.event == "client.search" and entry.detail == {"results": 0}
    assert "jan" not in repr(session.audit_log.entries(limit=10)).lower().replace("jansen", "")


def test_visit_and_placement_with_triage(session):
    client = clients.register_client(session, GOOD)
    visit = clients.record_visit(
        session,
        client.id,
        {
            "planned_start_at": 1_795_000_000_000,
            "planned_minutes": 30,
            "status": "PLANNED",
            "interventions": [],
        },
    )
    assert [v.id for v in clients.visits(session, client.id)] == [visit.id]
    request = placements.file_placement_request(
        session,
        client.id,
        {
            "referrer": {"name": "Dr. Bos", "role": "HUISARTS", "agb": None},
            "urgency": "U3",
            "triage": {
                "instability": True,
                "unplanned_nursing": False,
                "adl_takeover": False,
                "wlz_indication": False,
                "specialist_needed": False,
            },
            "required_capabilities": ["ZUURSTOF"],
            "desired_start": "2026-11-19",
        },
    )
    assert request.care_type == "ELV_HOOG" and request.status == "DRAFT"
    row = session.db.execute("SELECT care_type, triage_outcome, client_id FROM placements").fetchone()
    assert row == ("ELV_HOOG", "ELV_HOOG", client.id)


def test_volunteer_and_help_request(coordinator):
    volunteer = roster.register_volunteer(
        coordinator,
        {
            "first_name": "Sanne",
            "last_name": "Oude Vrielink",
            "pc4": "7512",
            "birth_year": 1980,
            "tasks": ["VERVOER"],
            "languages": ["nl"],
            "availability": [{"weekday": "MA", "dagdeel": "OCHTEND"}],
            "max_km": 10,
            "vog": {"status": "VALID", "issued_on": "2025-03-01"},
        },
    )
    assert [r["id"] for r in roster.search_volunteers(coordinator, "sanne")] == [volunteer.id]
    with pytest.raises(ValidationError) as caught:
        roster.update_volunteer(coordinator, volunteer.id, {"diagnosis": "x", "bsn": "111222333"})
    assert sorted(e.field for e in caught.value.errors) == ["bsn", "diagnosis"]
    assert roster.update_volunteer(coordinator, volunteer.id, {"max_km": 12}).max_km == 12
    request = roster.file_help_request(
        coordinator,
        {
            "on_behalf_of": "MANTELZORGER",
            "task": "VERVOER",
            "summary": "Rit naar de markt",
            "pc4": "7512",
            "window": {"start": "2026-11-20", "end": "2026-11-30", "availability": []},
        },
    ).request
    assert coordinator.db.execute(
        "SELECT status FROM help_requests WHERE id = ?", [request.id]
    ).fetchone() == ("OPEN",)


def test_fts_query_quotes_every_word():
    from veldclient.services.search import fts_query

    assert fts_query('jan" OR (de') == '"jan"* "OR"* "de"*'
    assert fts_query("  ") is None
