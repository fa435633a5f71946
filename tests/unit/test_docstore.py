"""The document store: chunks, compaction, quarantine, rollback and the automerge boundary."""

from __future__ import annotations

import pytest
from storehelpers import client_fields, memory_repo

from veldclient import trust
from veldclient.errors import CorruptDocument
from veldclient.store import boundary, codec, containers
from veldclient.store.heads import Heads


@pytest.fixture
def repo():
    return memory_repo(b"\x01" * 16)


def chunks(repo, doc_id):
    return repo.db.execute(
        "SELECT seq, kind, length(data) FROM am_chunks WHERE doc_id = ? ORDER BY seq", [doc_id]
    ).fetchall()


def test_create_writes_one_snapshot_and_projects(repo):
    repo.create("case", "c1", "enschede-centrum", client_fields("c1"))
    assert [k for _s, k, _n in chunks(repo, "case:c1")] == ["snap"]
    assert repo.db.execute("SELECT name, pc4 FROM clients").fetchall() == [("Jan de Vries", "7511")]


def test_each_change_appends_an_increment_until_compaction(repo):
    repo.create("case", "c1", "n", client_fields("c1"))
    repo.change("case:c1", lambda e: e.set(("client", "name"), "A"))
    assert [k for _s, k, _n in chunks(repo, "case:c1")] == ["snap", "inc"]
    for i in range(40):
        repo.change("case:c1", lambda e, i=i: e.set(("client", "address"), f"Straat {i}"))
    kinds = [k for _s, k, _n in chunks(repo, "case:c1")]
    assert kinds[0] == "snap" and kinds.count("snap") == 1
    snap, inc = repo.db.execute("SELECT snap_bytes, inc_bytes FROM am_docs").fetchone()
    assert inc <= snap, "increments never stay larger than the snapshot"
    repo.store.invalidate()
    assert repo.read("case:c1")["client"]["address"] == "Straat 39"


def test_unchanged_value_writes_nothing(repo):
    repo.create("case", "c1", "n", client_fields("c1"))
    before = chunks(repo, "case:c1")
    repo.change("case:c1", lambda e: e.set(("client", "name"), "Jan de Vries"))
    assert chunks(repo, "case:c1") == before


def test_failed_change_writes_nothing_and_keeps_document_usable(repo):
    repo.create("case", "c1", "n", client_fields("c1"))

    def bad(editor):
        editor.set(("client", "name"), "Half")
        raise RuntimeError("validation failed halfway")

    with pytest.raises(RuntimeError):
        repo.change("case:c1", bad)
    assert repo.read("case:c1")["client"]["name"] == "Jan de Vries"
    assert repo.db.execute("SELECT name FROM clients").fetchone()[0] == "Jan de Vries"


def test_sql_rollback_drops_cached_change(repo):
    repo.create("case", "c1", "n", client_fields("c1"))
    with pytest.raises(RuntimeError), repo.transaction():
        repo.change("case:c1", lambda e: e.set(("client", "name"), "Rolled back"))
        raise RuntimeError("later step failed")
    assert repo.read("case:c1")["client"]["name"] == "Jan de Vries"
    assert repo.db.execute("SELECT name FROM clients").fetchone()[0] == "Jan de Vries"


def test_a_failed_transaction_drops_only_what_it_changed_even_through_a_savepoint(repo):
    for c in ("c1", "c2", "c3"):
        repo.create("case", c, "n", client_fields(c))
    untouched = repo.read("case:c3")
    with pytest.raises(RuntimeError), repo.transaction():
        with repo.transaction():  # succeeds: its change still rolls back with the outer one
            repo.change("case:c1", lambda e: e.set(("client", "name"), "Inner"))
        repo.change("case:c2", lambda e: e.set(("client", "name"), "Outer"))
        raise RuntimeError("later step failed")
    assert [repo.read(f"case:{c}")["client"]["name"] for c in ("c1", "c2")] == ["Jan de Vries"] * 2
    assert repo.read("case:c3") is untouched, "a document the transaction never changed stays cached"
    names = [r[0] for r in repo.db.execute("SELECT name FROM clients ORDER BY id")]
    assert names == ["Jan de Vries"] * 3


def test_corrupt_chunk_is_quarantined_and_others_work(repo):
    repo.create("case", "c1", "n", client_fields("c1"))
    repo.create("case", "c2", "n", client_fields("c2", name="Fatma Yilmaz"))
    data = repo.db.execute("SELECT data FROM am_chunks WHERE doc_id = 'case:c1'").fetchone()[0]
    repo.db.execute(
        "UPDATE am_chunks SET data = ? WHERE doc_id = 'case:c1'", [data[:20] + b"\x00\xff" + data[22:]]
    )
    repo.store.invalidate()
    with pytest.raises(CorruptDocument) as caught:
        repo.read("case:c1")
    assert "checksum" in caught.value.reason
    info = repo.store.info("case:c1")
    assert info.quarantined
    assert repo.read("case:c2")["client"]["name"] == "Fatma Yilmaz"
    repo.change("case:c2", lambda e: e.set(("client", "name"), "Fatma Yılmaz"))


def test_many_blobs_at_once_leave_out_what_is_missing_or_corrupt(repo):
    for i in range(4):
        repo.create("case", f"c{i}", "n", client_fields(f"c{i}"))
    data = repo.db.execute("SELECT data FROM am_chunks WHERE doc_id = 'case:c1'").fetchone()[0]
    flipped = data[:-1] + bytes([data[-1] ^ 1])
    repo.db.execute("UPDATE am_chunks SET data = ? WHERE doc_id = 'case:c1'", [flipped])
    repo.store.invalidate()
    blobs = repo.store.raw_bytes_many(["case:c0", "case:c1", "case:c2", "case:nope", "case:c3"])
    assert set(blobs) == {"case:c0", "case:c2", "case:c3"}
    assert all(blobs[d] == repo.store.raw_bytes(d) for d in blobs)
    assert repo.store.info("case:c1").quarantined


def test_every_reader_finds_a_damaged_chunk_alike(repo):
    repo.create("case", "c1", "n", client_fields("c1"))
    repo.change("case:c1", lambda e: e.set(("client", "name"), "Anna de Vries"))
    data = repo.db.execute("SELECT data FROM am_chunks WHERE doc_id = 'case:c1' AND seq = 1").fetchone()[0]
    repo.db.execute("UPDATE am_chunks SET data = ? WHERE doc_id = 'case:c1' AND seq = 1", [data + b"!"])
    reason = "chunk 1 does not match its checksum"

    def unquarantine() -> None:
        repo.db.execute("UPDATE am_docs SET quarantined = 0, error = NULL WHERE doc_id = 'case:c1'")
        repo.store.invalidate()

    assert repo.store.verify_checksums() == [("case:c1", reason)]
    for read in (repo.store.raw_bytes, repo.read):
        unquarantine()
        with pytest.raises(CorruptDocument) as caught:
            read("case:c1")
        assert caught.value.reason == reason
    unquarantine()
    assert repo.store.raw_bytes_many(["case:c1"]) == {}
    assert repo.store.info("case:c1").error == reason


def test_bytes_that_automerge_rejects_are_quarantined_not_dropped(repo):
    """A chunk whose own SHA-256 matches but whose automerge checksum does not (bad writer)."""
    import hashlib

    repo.create("case", "c1", "n", client_fields("c1"))
    data = bytearray(repo.db.execute("SELECT data FROM am_chunks WHERE doc_id='case:c1'").fetchone()[0])
    data[30] ^= 0xFF
    repo.db.execute(
        "UPDATE am_chunks SET data = ?, sha256 = ? WHERE doc_id = 'case:c1'",
        [bytes(data), hashlib.sha256(bytes(data)).hexdigest()],
    )
    repo.store.invalidate()
    assert repo.store.verify_all() and repo.store.info("case:c1").quarantined


def test_merge_refuses_corrupt_bytes_and_keeps_local(repo):
    repo.create("case", "c1", "n", client_fields("c1"))
    good = repo.store.save_bytes("case:c1")
    for bad in (good[:-7], good[:10], b"not automerge at all", b""):
        with pytest.raises(boundary.AutomergeFailure):
            repo.merge("case:c1", bad, "n")
    assert repo.read("case:c1")["client"]["name"] == "Jan de Vries"
    assert not repo.store.info("case:c1").quarantined


class FakePanic(BaseException):
    """Stands in for pyo3's PanicException: a real counter panic poisons the process (it segfaults
    at exit in rc1), which is why the codec can never write a counter in the first place."""


def test_panics_and_bare_exceptions_become_automerge_failures():
    with pytest.raises(boundary.AutomergeFailure) as caught, boundary.guarded("testing"):
        raise FakePanic("not yet implemented")
    assert "not yet implemented" in caught.value.reason
    with pytest.raises(boundary.AutomergeFailure), boundary.guarded("testing"):
        raise Exception("bad checksum")  # noqa: TRY002 - exactly what rc1 raises


def test_our_own_errors_pass_through_the_boundary():
    with pytest.raises(KeyError), boundary.guarded("testing"):
        raise KeyError("ours")


def test_codec_never_writes_counters():
    from veldclient.store import codec

    with pytest.raises(TypeError):
        codec._scalar(object())
    from automerge import core

    assert all(codec._scalar(v)[0] != core.ScalarType.Counter for v in (1, 1.5, True, "x", None, b"b"))


def test_genesis_documents_are_identical_everywhere():
    a, b = memory_repo(b"\x01" * 16), memory_repo(b"\x02" * 16)
    fields = {"profile": {"id": "borne", "name": "Borne"}, "capacity": {}}
    a.create("node", "borne", "borne", fields, genesis=True)
    b.create("node", "borne", "borne", fields, genesis=True)
    assert a.store.heads("node:borne") == b.store.heads("node:borne")
    # genesis alone merges anywhere (its actor is derived from the document id)
    c = memory_repo(b"\x03" * 16)
    assert c.merge("node:borne", a.store.save_bytes("node:borne"), "borne")
    a.change("node:borne", lambda e: e.set(("profile", "name"), "Borne (Dijkhuis)"))
    trust.register(b.db, "01" * 32, "borne", "paired", None, 0)
    assert b.merge("node:borne", a.store.save_bytes("node:borne"), "borne")
    assert b.read("node:borne")["profile"]["name"] == "Borne (Dijkhuis)"


def test_node_document_changes_by_a_foreign_device_are_refused_on_merge():
    borne_device, hengelo_device = memory_repo(b"\x01" * 16), memory_repo(b"\x07" * 16)
    fields = {"profile": {"id": "borne", "name": "Borne"}, "capacity": {}}
    for repo in (borne_device, hengelo_device):
        repo.create("node", "borne", "borne", fields, genesis=True)
        trust.register(repo.db, "01" * 32, "borne", "paired", None, 0)
        trust.register(repo.db, "07" * 32, "hengelo", "paired", None, 0)
    hengelo_device.change("node:borne", lambda e: e.set(("capacity", "x"), {"free": 99}))
    before = borne_device.store.heads("node:borne")
    with pytest.raises(trust.NodeWriteRejected) as caught:
        borne_device.merge("node:borne", hengelo_device.store.save_bytes("node:borne"), "borne")
    assert "0707070707070707" in str(caught.value)
    assert borne_device.store.heads("node:borne") == before
    assert borne_device.read("node:borne")["capacity"] == {}
    borne_device.store.invalidate()
    assert borne_device.read("node:borne")["capacity"] == {}


def test_a_device_cannot_change_another_nodes_document_locally():
    repo = memory_repo(b"\x07" * 16)
    repo.node_id = "hengelo"
    repo.create("node", "borne", "borne", {"profile": {}}, genesis=True)
    with pytest.raises(trust.NodeWriteRejected):
        repo.change("node:borne", lambda e: e.set(("profile", "name"), "x"))


def test_the_editor_never_creates_a_container_and_writes_nothing_when_asked_to(repo):
    repo.create("case", "c1", "n", client_fields("c1"))
    heads = repo.store.heads("case:c1")
    for write in (
        lambda e: e.set(("bookings", "x"), {"id": "x"}),  # no such map: a peer may create it too
        lambda e: e.set(("client", "nested", "x"), 1),
        lambda e: e.append(("notes",), {"id": "x"}),
        lambda e: e.set(("visits",), {"v": {"id": "v"}}),  # a new map in place of the shared one
        lambda e: e.update(("events",), {}),
    ):
        with pytest.raises(containers.ContainerRuleBroken):
            repo.change("case:c1", write)
        assert repo.store.heads("case:c1") == heads
    assert repo.read("case:c1")["visits"] == {} and repo.read("case:c1")["events"] == []


def _genesis_node(repo) -> None:
    fields = {"profile": {"id": "borne", "name": "Borne"}, "capacity": {}}
    repo.create("node", "borne", "borne", fields, genesis=True)


def _forged(repo, actor: bytes, write) -> bytes:
    """The node document with one more change by ``actor`` (which nobody vouches for)."""
    doc = boundary.load(repo.store.save_bytes("node:borne"), actor)
    with doc.transaction() as tx:
        write(tx)
    return boundary.save(doc)


def test_only_the_exact_deterministic_container_changes_pass_the_node_check():
    a, b = memory_repo(b"\x01" * 16), memory_repo(b"\x02" * 16)
    _genesis_node(a)
    assert set(a.read("node:borne")["bookings"]) == set()  # made by its deterministic change
    assert b.merge("node:borne", a.store.save_bytes("node:borne"), "borne")  # accepted from anyone
    bookings = containers.actor("node:borne", "bookings")

    def fill(tx) -> None:
        codec.put(tx, tx.get(codec.ROOT, "bookings")[1], "x", {"id": "x", "slot_id": "s"})

    forged_genesis = boundary.load(a.store.save_bytes("node:borne"), trust.genesis_actor("node:borne"))
    with forged_genesis.transaction() as tx:  # the genesis actor, on top of the genesis
        codec.put(tx, codec.ROOT, "archived", True)
    for data in (_forged(a, bookings, fill), boundary.save(forged_genesis)):
        c = memory_repo(b"\x03" * 16)
        with pytest.raises(trust.NodeWriteRejected):
            c.merge("node:borne", data, "borne")
        assert not c.store.exists("node:borne")


def test_a_document_made_before_its_collections_were_listed_gets_them_on_the_first_write():
    """An older profile's node document lacks ``bookings``: every device's first booking creates it
    by the same change, so two devices that do it apart still merge into one map."""
    old = boundary.new_document(trust.genesis_actor("node:borne"))
    with old.transaction() as tx:
        for key, value in {"kind": "node", "id": "borne", "node_id": "borne", "events": []}.items():
            codec.put(tx, codec.ROOT, key, value)
    repos = [memory_repo(bytes([n]) * 16) for n in (1, 2)]
    for n, repo in enumerate(repos):
        for m in (1, 2):
            trust.register(repo.db, f"{m:02x}" * 32, "borne", "paired", None, 0)
        assert repo.merge("node:borne", boundary.save(old), "borne")
        assert "bookings" not in repo.read("node:borne")
        repo.change("node:borne", lambda e, n=n: e.set(("bookings", f"b{n}"), {"id": f"b{n}"}))
    repos[0].merge("node:borne", repos[1].store.save_bytes("node:borne"), "borne")
    assert set(repos[0].read("node:borne")["bookings"]) == {"b0", "b1"}
    assert repos[0].db.execute("SELECT count(*) FROM slot_bookings").fetchone()[0] == 2


def test_history_is_readable(repo):
    repo.create("case", "c1", "n", client_fields("c1"))
    old_heads = repo.store.heads("case:c1")
    repo.change("case:c1", lambda e: e.set(("client", "name"), "Nieuw"))
    assert repo.store.read_at("case:c1", old_heads)["client"]["name"] == "Jan de Vries"


def _doc_with(actor: bytes, **values: int):
    from automerge import core

    doc = boundary.new_document(actor)
    for key, value in values.items():
        with doc.transaction() as tx:
            tx.put(core.ROOT, key, core.ScalarType.Int, value)
    return doc


def test_a_push_message_is_not_echoed_back_and_both_sides_converge():
    from automerge import core

    ours = _doc_with(b"\x01" * 16, base=1)
    base = boundary.heads(ours)
    theirs = boundary.load(boundary.save(ours), b"\x02" * 16)
    at_base = boundary.load(boundary.save(ours), b"\x03" * 16)
    for doc, key in ((ours, "mine"), (theirs, "yours")):
        with doc.transaction() as tx:
            tx.put(core.ROOT, key, core.ScalarType.Str, key * 100)
    state = core.SyncState()
    boundary.receive_sync_message(theirs, state, boundary.push_sync_message(ours, base))
    reply = boundary.generate_sync_message(theirs, state)
    assert reply is not None
    # a replica still at the base learns from the reply what the peer wrote, and nothing of ours
    boundary.receive_sync_message(at_base, core.SyncState(), reply)
    assert at_base.keys(core.ROOT) == ["base", "yours"]
    boundary.receive_sync_message(ours, core.SyncState(), reply)
    assert sorted(boundary.heads(ours)) == sorted(boundary.heads(theirs))


def test_a_push_from_a_base_the_peer_lacks_falls_back_to_a_normal_sync():
    from automerge import core

    ours = _doc_with(b"\x01" * 16, base=1)
    theirs = boundary.load(boundary.save(ours), b"\x02" * 16)
    with ours.transaction() as tx:
        tx.put(core.ROOT, "first", core.ScalarType.Int, 1)
    believed = boundary.heads(ours)  # a stale ack: the peer never got "first"
    with ours.transaction() as tx:
        tx.put(core.ROOT, "second", core.ScalarType.Int, 2)
    with theirs.transaction() as tx:
        tx.put(core.ROOT, "yours", core.ScalarType.Int, 3)
    s_ours, s_theirs = core.SyncState(), core.SyncState()
    message: bytes | None = boundary.push_sync_message(ours, believed)
    for _ in range(8):  # what SyncClient does: answer until neither side has more to say
        if message is None:
            break
        boundary.receive_sync_message(theirs, s_theirs, message)
        reply = boundary.generate_sync_message(theirs, s_theirs)
        if reply is not None:
            boundary.receive_sync_message(ours, s_ours, reply)
        message = boundary.generate_sync_message(ours, s_ours)
    assert sorted(boundary.heads(ours)) == sorted(boundary.heads(theirs))
    assert sorted(theirs.keys(core.ROOT)) == ["base", "first", "second", "yours"]


def _sync_message(sender, receiver, doc_id):
    """Sender's first sync message for ``doc_id``, told what the receiver holds (its heads)."""
    return sender.store.push_message(doc_id, receiver.store.heads(doc_id))


def test_sync_taken_in_memory_is_stored_only_when_settled(repo):
    """Nothing is stored or projected until the settle, and the intake's documents already hold
    the change."""
    peer = memory_repo(b"\x02" * 16)
    repo.create("case", "c1", "n", client_fields("c1"))
    peer.merge("case:c1", repo.store.save_bytes("case:c1"), "n")
    peer.change("case:c1", lambda e: e.set(("client", "name"), "Jan Jansen"))
    stored = repo.store.stored_heads("case:c1")
    message = _sync_message(peer, repo, "case:c1")
    intake = repo.take_sync_many([("case:c1", boundary.new_sync_state(), message)])
    assert repo.store.stored_heads("case:c1") == stored
    assert repo.db.execute("SELECT name FROM clients").fetchone() == ("Jan de Vries",)
    [(doc_id, taken, _before)] = intake.changed
    taken_heads = Heads.from_hashes(boundary.heads(taken.doc))
    assert doc_id == "case:c1"
    assert taken_heads.text == peer.store.stored_heads("case:c1").text
    assert taken_heads == peer.store.heads("case:c1")
    assert repo.settle(intake) == (["case:c1"], [])
    assert repo.store.stored_heads("case:c1") == peer.store.stored_heads("case:c1")
    assert repo.db.execute("SELECT name FROM clients").fetchone() == ("Jan Jansen",)


def test_a_sync_refused_when_settled_leaves_the_stored_document(repo):
    peer = memory_repo(b"\x02" * 16)
    repo.create("case", "c1", "n", client_fields("c1"))
    peer.merge("case:c1", repo.store.save_bytes("case:c1"), "n")
    peer.store.change("case:c1", lambda e: e.delete(("client",)), 1)  # not a case any more
    stored = repo.store.stored_heads("case:c1")
    intake = repo.take_sync_many(
        [("case:c1", boundary.new_sync_state(), _sync_message(peer, repo, "case:c1"))]
    )
    changed, refused = repo.settle(intake)
    assert changed == [] and [d for d, _ in refused] == ["case:c1"]
    assert "shape of a case" in refused[0][1]
    assert repo.store.stored_heads("case:c1") == stored
    assert repo.read("case:c1")["client"]["name"] == "Jan de Vries", "memory copy dropped, reloaded"


def test_stored_heads_are_the_loaded_documents_and_older_heads_are_held(repo):
    repo.create("case", "c1", "n", client_fields("c1"))
    first = repo.store.heads("case:c1")
    repo.change("case:c1", lambda e: e.set(("client", "name"), "Jan Jansen"))
    now = repo.store.heads("case:c1")
    assert repo.store.stored_heads("case:c1") == now != first
    assert repo.store.stored_heads_many(["case:c1", "case:none"]) == {"case:c1": now}
    assert repo.store.info("case:c1").heads == now
    assert repo.store.stored_heads("case:none") is None
    assert repo.store.has_heads("case:c1", now) and repo.store.has_heads("case:c1", first)
    assert not repo.store.has_heads("case:c1", Heads.from_hashes([b"\x07" * 32]))
    assert repo.store.has_heads_given("case:none", Heads.from_hashes([]), None), "nothing to hold"
