"""The crisis-risk service (services/risk.py): the own node's clients with each sign, for the roles
that may see them, audited once per list, and computed only: nothing of it enters a document, a
table, a bundle or another device."""

from __future__ import annotations

import json

import pytest
from bundlehelpers import audit_events, referral, sites, state
from testenv import push

from veldclient.errors import AccessDenied
from veldclient.services import bundles, carers, clients, demo, risk
from veldclient.services import placement_flow as pf
from veldclient.store.repo import doc_id_for

HOUR = 3_600_000
DAY = 24 * HOUR


@pytest.fixture
def node():
    """Two laptops of Hengelo (nurse, coordinator), an admin's machine there, and Almelo's nurse."""
    sessions = sites(
        ("a1", "hengelo", "nurse"),
        ("a2", "hengelo", "coordinator"),
        ("a3", "hengelo", "admin"),
        ("b1", "almelo", "nurse"),
    )
    yield sessions
    for s in sessions:
        s.close()


def carer_of(session, client_id: str, score: int, measured_on: str):
    return carers.register(
        session,
        {
            "first_name": "Anna",
            "last_name": "de Vries",
            "pc4": "7555",
            "relationship": "KIND",
            "hours_per_week": 20,
            "care_for_client_id": client_id,
            "burden": {"instrument": "EDIZ_PLUS", "score": score, "measured_on": measured_on},
        },
    )


def worsened(session, client_id: str, *days_ago: float) -> None:
    now = session.now()
    for days in days_ago:
        at = now - int(days * DAY)
        clients.record_visit(
            session, client_id, {"planned_start_at": at, "planned_minutes": 30, "status": "WORSENED"}
        )


def scenario(nurse):
    """One client with all three signs, one with none; the request sent 19 hours ago."""
    client, request = referral(nurse)
    pf.send(nurse, request.id, "almelo")
    carer_of(nurse, client.id, 12, "2026-11-01")
    worsened(nurse, client.id, 5, 2)
    calm = clients.register_client(
        nurse, {"name": "Bep Ros", "birth_date": "1940-01-01", "postcode": "7555 DL"}
    )
    carer_of(nurse, calm.id, 2, "2026-11-01")
    nurse.clock.advance(19 * HOUR)
    return client, request


def test_the_nurse_sees_each_sign_of_her_client_in_words(node):
    nurse = node[0]
    client, _ = scenario(nurse)
    found = risk.risk_list(nurse)
    assert [e.client_id for e in found] == [client.id], "the calm client is not on the list"
    entry = found[0]
    assert entry.name == client.name
    kinds = {r.kind: r for r in entry.reasons}
    assert set(kinds) == {"carer", "placement", "visits"}
    assert "Anna de Vries: overbelast (EDIZ-plus 12" in kinds["carer"].nl
    assert "streeftijd over 5 u, nog geen aanbod" in kinds["placement"].nl
    assert kinds["visits"].nl.startswith("2 bezoeken op rij als verslechterd gemarkeerd")
    assert [(o, json.loads(d)) for o, d in audit_events(nurse, "risk.list")] == [("ok", {"results": 1})]


def test_an_offer_takes_the_placement_reason_away(node):
    nurse, almelo = node[0], node[3]
    demo.load_nodes(almelo)  # Almelo reports its beds
    _, request = scenario(nurse)
    before = {r.kind for r in risk.risk_list(nurse)[0].reasons}
    assert "placement" in before
    push(nurse, almelo, pf.outbox(nurse, "almelo"))
    care_type = almelo.db.execute("SELECT care_type FROM placements WHERE id = ?", [request.id]).fetchone()[0]
    location = almelo.db.execute(
        "SELECT location_id FROM capacity WHERE node_id = 'almelo' AND care_type = ? AND free > 0",
        [care_type],
    ).fetchone()[0]
    pf.offer(almelo, request.id, location, care_type)
    push(almelo, nurse, [doc_id_for("placement", request.id)])
    after = {r.kind for r in risk.risk_list(nurse)[0].reasons}
    assert after == before - {"placement"}


def test_the_coordinator_gets_categories_no_visits_and_no_hidden_name(node):
    nurse, coordinator = node[0], node[1]
    client, _ = scenario(nurse)
    push(nurse, coordinator, [d for (d,) in nurse.db.execute("SELECT doc_id FROM am_docs")])
    found = risk.risk_list(coordinator)
    assert [e.client_id for e in found] == [client.id]
    entry = found[0]
    assert entry.name is None, "no help request for this client: the coordinator sees no name"
    assert {r.kind for r in entry.reasons} == {"carer", "placement"}
    text = " ".join(r.nl + r.en for r in entry.reasons)
    assert "EDIZ" not in text and "overbelast (" in text, "overloaded, without the score"


def test_the_admin_is_refused_and_the_refusal_is_audited(node):
    admin = node[2]
    with pytest.raises(AccessDenied):
        risk.risk_list(admin)
    assert [outcome for outcome, _ in audit_events(admin, "risk.list")] == ["denied"]


def test_another_nodes_clients_never_appear(node):
    nurse, almelo = node[0], node[3]
    scenario(nurse)
    assert risk.risk_list(almelo) == [], "Almelo computes its own clients' risk, and has none"


def test_nothing_of_the_list_is_stored_synced_or_bundled(node, tmp_path):
    nurse, coordinator = node[0], node[1]
    scenario(nurse)
    before = state(nurse)
    fingerprint = bundles.plan_fingerprint(nurse, ["a2"])
    found = risk.risk_list(nurse)
    assert found
    assert state(nurse) == before, "no document head, chunk or table row changed"
    assert bundles.plan_fingerprint(nurse, ["a2"]) == fingerprint, "a bundle would carry exactly the same"
    exported = bundles.export_bundle(nurse, ["a2"], tmp_path)
    bundles.import_bundle(coordinator, exported.path)
    sentences = [r.nl for e in found for r in e.reasons] + [r.en for e in found for r in e.reasons]
    for table in ("clients", "placements", "visits", "mantelzorgers", "help_requests", "doc_events"):
        held = json.dumps(coordinator.db.execute(f"SELECT * FROM {table}").fetchall(), ensure_ascii=False)
        assert not any(s in held for s in sentences), table
    for (doc_id,) in coordinator.db.execute("SELECT doc_id FROM am_docs").fetchall():
        root = json.dumps(coordinator.repo.read(doc_id), ensure_ascii=False, default=str)
        assert "bezoeken op rij" not in root and "nog geen aanbod" not in root, doc_id
