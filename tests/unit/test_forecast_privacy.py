"""Learning together without sharing persons: what a node shares for the regional forecast is its
daily counts per care type, in its node document, and nothing about a person leaves it.

The test builds the demo (201 clients of the own node, a year of every node's history), walks every
value the feature writes into node documents, and compares them with the demo's client records."""

from __future__ import annotations

import json

import pytest

from veldclient.reference import twente
from veldclient.services import capacity, demo, forecast
from veldclient.store.repo import doc_id_for

PERSONAL = ("id", "name", "bsn", "postcode", "birth_date")


@pytest.fixture
def built(clock):
    session = demo.build_demo(clock=clock)
    yield session
    session.close()


def personal_values(session) -> set[str]:
    """Every client's id, name, BSN, postcode and birth date in the demo (and their parts)."""
    found: set[str] = set()
    for (doc_id,) in session.db.execute("SELECT doc_id FROM clients").fetchall():
        client = session.repo.read(doc_id)["client"]
        for key in PERSONAL:
            value = client.get(key)
            if value:
                found.add(str(value))
                found.update(part for part in str(value).split() if len(part) >= 4)
    return found


def walk(value, path=()):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from walk(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from walk(inner, (*path, index))
    else:
        yield path, value


def test_nothing_about_a_person_goes_into_the_shared_history_or_the_forecast(built):
    """One demo build for the three checks (it takes a while): the history as built, the forecast
    computed from it, and a new report."""
    history_holds_only_counts(built)
    forecast_reads_and_says_nothing_personal(built)
    a_report_writes_only_counts(built)


def history_holds_only_counts(built):
    personal = personal_values(built)
    assert len(personal) > 800  # the check below has something to find
    entries = 0
    values: set[object] = set()  # every distinct value written, checked once each below
    for node in twente.NODES:
        history = built.repo.read(doc_id_for("node", node.id)).get("history") or {}
        for key, entry in history.items():
            entries += 1
            assert set(entry) <= capacity.HISTORY_KEYS, (node.id, key, set(entry) - capacity.HISTORY_KEYS)
            assert key == f"{entry['day']}/{entry['care_type']}"
            for path, value in walk(entry):
                assert isinstance(value, int) or path[-1] in ("day", "care_type"), (key, path, value)
                values.add(value)
    for value in values:
        text = str(value)
        assert not any(p == text or (len(p) >= 6 and p in text) for p in personal), value
    assert entries > 20_000  # a year of days, every node and care type


def forecast_reads_and_says_nothing_personal(built):
    personal = personal_values(built)
    said = json.dumps(forecast.forecasts(built).as_json(), ensure_ascii=False)
    assert not any(p in said for p in personal if len(p) >= 6)
    rows = capacity.history(built)
    assert set(rows[0]) == {
        "node_id",
        "day",
        "care_type",
        "beds_total",
        "free",
        "occupied",
        "admissions",
        "discharges",
    }


def a_report_writes_only_counts(built):
    location = next(loc.id for loc in twente.locations_for(built.actor.node_id) if loc.beds.get("GRZ"))
    capacity.update_capacity(
        built, location, "GRZ", {"beds_total": 34, "counts": {"FREE": 2, "OCCUPIED": 32}}
    )
    history = built.repo.read(doc_id_for("node", built.actor.node_id))["history"]
    today = history[f"{built.today().isoformat()}/GRZ"]
    assert set(today) <= capacity.HISTORY_KEYS
    assert all(isinstance(v, int) for k, v in today.items() if k not in ("day", "care_type"))
