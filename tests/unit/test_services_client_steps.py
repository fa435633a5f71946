"""A nurse's steps on one client: the erasure preview names what goes on which node, a visit keeps
its note (in the case document only), and records written before a field existed still read."""

from __future__ import annotations

import pytest

from veldclient.domain import Visit
from veldclient.errors import AccessDenied, NotFound, ValidationError
from veldclient.services import clients, demo, erasure, placements
from veldclient.services import placement_flow as flow

CLIENT = {"name": "Truus Wessels", "birth_date": "1930-03-03", "postcode": "7511 JM"}
REQUEST = {
    "referrer": {"name": "Dr. Bos", "role": "HUISARTS"},
    "urgency": "U3",
    "triage": {"instability": True},
    "desired_start": "2026-11-20",
}


def test_preview_lists_the_case_and_each_request_with_every_node_that_holds_it(session):
    demo.load_nodes(session)
    client = clients.register_client(session, CLIENT)
    sent = placements.file_placement_request(session, client.id, REQUEST)
    kept = placements.file_placement_request(session, client.id, REQUEST)
    flow.send(session, sent.id, "hengelo")

    items = {item.doc_id: item for item in erasure.preview(session, client.id)}
    assert list(items) == list(erasure.plan(session, client.id).documents)
    case = items[f"case:{client.id}"]
    assert case.kind == "case" and case.text("nl") == "Dossier: Truus Wessels"
    assert case.nodes == ("Enschede-Centrum",)
    assert items[f"placement:{sent.id}"].nodes == ("Enschede-Centrum", "Hengelo")
    assert items[f"placement:{kept.id}"].nodes == ("Enschede-Centrum",)
    assert (
        items[f"placement:{sent.id}"]
        .text("en")
        .startswith("Placement request: High-complexity primary-care stay (")
    )

    entry = session.audit_log.entries(limit=1)[0]
    assert (entry.event, entry.action, entry.client_id) == ("client.erase_preview", "R", client.id)
    assert "Truus" not in repr(entry)


def test_preview_is_refused_as_the_erasure_is(session, coordinator):
    with pytest.raises(NotFound):
        erasure.preview(session, "0" * 32)
    with pytest.raises(AccessDenied):
        erasure.preview(coordinator, "0" * 32)


def test_a_visit_keeps_its_note_in_the_case_and_not_in_the_visits_table(session):
    client = clients.register_client(session, CLIENT)
    raw = {"planned_start_at": "2026-11-18 09:30", "planned_minutes": "45", "note": " Wond  schoon "}
    visit = clients.record_visit(session, client.id, raw)
    assert visit.note == "Wond schoon"
    assert [v.note for v in clients.visits(session, client.id)] == ["Wond schoon"]
    columns = [r[1] for r in session.db.execute("PRAGMA table_info(visits)")]
    assert "note" not in columns and session.db.execute("SELECT count(*) FROM visits").fetchone()[0] == 1


def test_a_note_over_the_limit_is_an_error_on_the_note_and_writes_nothing(session):
    client = clients.register_client(session, CLIENT)
    raw = {"planned_start_at": "2026-11-18 09:30", "planned_minutes": "45", "note": "x" * 2001}
    with pytest.raises(ValidationError) as caught:
        clients.record_visit(session, client.id, raw)
    assert caught.value.for_field("note")
    assert clients.visits(session, client.id) == []


def test_a_visit_stored_before_notes_existed_reads_without_one():
    stored = Visit.parse(
        {"client_id": "c1", "nurse": "n", "planned_start_at": 0, "planned_minutes": 30}
    ).to_dict()
    del stored["note"]
    assert Visit.from_dict(stored).note is None
    del stored["nurse"]  # a required field cannot be missing
    with pytest.raises(KeyError):
        Visit.from_dict(stored)


def test_an_edit_audits_the_changed_field_names_only(session):
    client = clients.register_client(session, CLIENT)
    changed = clients.update_client(
        session, client.id, {"address": "Hengelosestraat 12", "name": CLIENT["name"]}
    )
    assert changed.address == "Hengelosestraat 12"
    entry = session.audit_log.entries(limit=1)[0]
    assert (entry.event, entry.action) == ("client.update", "U")
    assert "address" in repr(entry) and "Hengelosestraat" not in repr(entry)
