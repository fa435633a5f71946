"""Documents new here are prepared (loaded, read, projected) the same in worker processes as in this
one; bad bytes are refused with a reason, in order, without stopping the rest."""

from __future__ import annotations

import pytest
from synchelpers import GOOD, Mesh, pair_peers
from testenv import FakeClock, make_session

from veldclient.services import clients
from veldclient.store import prepare


@pytest.fixture
def held():
    session = make_session("prep", node="hengelo", role="nurse", clock=FakeClock())
    for i in range(12):
        clients.register_client(session, {**GOOD, "name": f"Client {i}"})
    yield session
    session.close()


def _items(session):
    ids = [r[0] for r in session.db.execute("SELECT doc_id FROM am_docs ORDER BY doc_id")]
    return [(d, session.repo.store.raw_bytes(d)) for d in ids]


def test_workers_prepare_exactly_what_this_process_would(held, monkeypatch):
    items = _items(held)
    items.insert(3, ("case:broken", b"\x85o J not automerge"))
    items.insert(5, ("case:other-id", items[0][1]))  # valid bytes under the wrong id
    monkeypatch.setattr(prepare, "CHUNK", 4)  # several tasks, so ordering across chunks is tested
    here = [p for chunk in prepare.prepare_all(items) for p in chunk]
    there = [p for chunk in prepare.prepare_all(items, parallel_from=1, workers=2) for p in chunk]
    assert here == there
    assert [p.doc_id for p in there] == [d for d, _ in items]
    broken = {p.doc_id: p.error for p in there if p.error}
    assert set(broken) == {"case:broken", "case:other-id"}
    assert "does not match its id" in broken["case:other-id"]
    good = [p for p in there if p.error is None]
    assert all(p.heads and p.rows for p in good)


def test_a_new_device_bootstrapped_through_workers_matches_the_source(held, monkeypatch):
    fresh = make_session("prep2", node="hengelo", role="nurse", clock=FakeClock())
    pair_peers(held, fresh)
    monkeypatch.setattr(prepare, "PARALLEL_FROM", 1)
    monkeypatch.setattr(prepare, "CHUNK", 5)
    report, _ = Mesh(held, fresh).sync("prep2", "prep")
    assert report.fetched >= 12 and not report.refused
    mine = held.repo.projector.dump()
    theirs = fresh.repo.projector.dump()
    assert mine["clients"] == theirs["clients"]
    for doc_id, _ in _items(held):
        assert fresh.repo.store.heads_text(doc_id) == held.repo.store.heads_text(doc_id)
    fresh.close()
