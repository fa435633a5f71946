"""Documents new here are prepared (loaded, read, projected) the same in worker processes as in this
one; bad bytes are refused with a reason, in order, without stopping the rest."""

from __future__ import annotations

import pytest
from synchelpers import GOOD, Mesh, pair_peers
from testenv import FakeClock, make_session

from veldclient.services import clients, search
from veldclient.store import prepare, projection


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
    here = list(prepare.prepare_all(items))
    there = list(prepare.prepare_all(items, parallel_from=1, workers=2))
    assert len(there) == 4  # 14 documents in chunks of 4
    assert [p for c in here for p in c.docs] == [p for c in there for p in c.docs]
    for table in here[0].rows:
        assert here[0].rows[table] == [r for c in there for r in c.rows.get(table, [])]
    there = [p for c in there for p in c.docs]
    assert [p.doc_id for p in there] == [d for d, _ in items]
    broken = {p.doc_id: p.error for p in there if p.error}
    assert set(broken) == {"case:broken", "case:other-id"}
    assert "does not match its id" in broken["case:other-id"]
    good = [p for p in there if p.error is None]
    assert all(p.heads for p in good)
    rows = here[0].rows["clients"]
    assert sorted(r[1] for r in rows) == sorted(p.doc_id for p in good if p.kind == "case")


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
        assert fresh.repo.store.stored_heads(doc_id) == held.repo.store.stored_heads(doc_id)
    fresh.close()


def _triggers(session):
    return {r[0] for r in session.db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}


def test_a_bulk_bootstrap_builds_the_search_index_once_and_keeps_its_triggers(held, monkeypatch):
    fresh = make_session("prep3", node="hengelo", role="nurse", clock=FakeClock())
    pair_peers(held, fresh)
    before = _triggers(fresh)
    assert {"clients_ai", "volunteers_ai"} <= before
    monkeypatch.setattr(projection, "BULK_FROM", 1)
    monkeypatch.setattr(prepare, "PARALLEL_FROM", 1)
    drops: list[str] = []
    fresh.db.conn.set_trace_callback(lambda sql: sql.startswith("DROP TRIGGER") and drops.append(sql))
    Mesh(held, fresh).sync("prep3", "prep")
    fresh.db.conn.set_trace_callback(None)
    assert drops, "the bulk path was not taken"
    assert _triggers(fresh) == before
    for text in ("Client 7", "7555", "Client"):
        theirs = sorted(r["id"] for r in search.clients(fresh.db, text, node_id="hengelo"))
        assert theirs and theirs == sorted(r["id"] for r in search.clients(held.db, text, node_id="hengelo"))
    fresh.db.execute("INSERT INTO clients_fts(clients_fts) VALUES ('integrity-check')")
    # the triggers work again for what is typed afterwards
    clients.register_client(fresh, {**GOOD, "name": "Wietske Nieuw"})
    assert [r["name"] for r in search.clients(fresh.db, "Wietske", node_id="hengelo")] == ["Wietske Nieuw"]
    fresh.close()


def test_a_failed_bulk_insert_leaves_triggers_and_search_as_they_were(held, monkeypatch):
    monkeypatch.setattr(projection, "BULK_FROM", 1)
    before = _triggers(held)
    with pytest.raises(RuntimeError), held.repo.transaction(), held.repo.projector.bulk_insert(10):
        held.db.execute("UPDATE clients SET name = 'Half' WHERE rowid = (SELECT min(rowid) FROM clients)")
        raise RuntimeError("stick pulled")
    assert _triggers(held) == before
    assert not held.db.execute("SELECT 1 FROM clients WHERE name = 'Half'").fetchone()
    held.db.execute("INSERT INTO clients_fts(clients_fts) VALUES ('integrity-check')")
    assert search.clients(held.db, "Client 3", node_id="hengelo")


def test_workers_that_cannot_start_never_fail_the_caller(held, monkeypatch, caplog):
    def broken(_workers):
        raise OSError("no processes left")

    monkeypatch.setattr(prepare, "_pool", broken)
    prepare.warm_up(workers=2)  # a large bundle or fetch list announces itself: nothing breaks
    items = _items(held)
    prepared = [p for chunk in prepare.prepare_all(items, parallel_from=1, workers=2) for p in chunk.docs]
    assert [p.doc_id for p in prepared] == [d for d, _ in items] and not any(p.error for p in prepared)
    assert "could not start early" in caplog.text and "preparing in this process" in caplog.text


def test_rows_of_documents_left_out_are_not_stored(held):
    (chunk,) = prepare.prepare_all(_items(held))
    cases = [p.doc_id for p in chunk.docs if p.kind == "case"]
    kept = chunk.rows_without({cases[0]})
    assert {r[1] for r in kept["clients"]} == set(cases[1:])
    for table, rows in chunk.rows.items():  # every table the case wrote to (visits, events...)
        at = list(projection.TABLES[table][0]).index("doc_id")
        assert [r for r in kept[table] if r[at] == cases[0]] == []
        assert len(kept[table]) == len(rows) - sum(r[at] == cases[0] for r in rows)
    assert chunk.rows_without(set()) is chunk.rows


def test_a_document_of_the_wrong_shape_is_refused_and_the_rest_taken(held):
    from automerge import core

    from veldclient.store import codec

    odd = core.Document()
    with odd.transaction() as tx:  # valid Automerge, names itself correctly, but holds no client
        codec.update(tx, core.ROOT, {}, {"kind": "case", "id": "x1", "node_id": "hengelo", "schema": 1})
    items = [("case:x1", odd.save()), *_items(held)]
    (chunk,) = prepare.prepare_all(items)
    assert "shape of a case" in (chunk.docs[0].error or "")
    fresh = make_session("prep4", node="hengelo", role="nurse", clock=FakeClock())
    items = [i for i in items if not i[0].startswith("node:")]  # not paired: trust is not the point
    changed, refused = fresh.repo.merge_many(items, lambda *_: True)
    assert [d for d, _ in refused] == ["case:x1"]
    assert len(changed) == len(items) - 1 and not fresh.repo.store.exists("case:x1")
    fresh.close()
