"""The peer protocol in process (same bytes as on the network): convergence, scope on the wire and
in the receiver's database, delivery status, refusals, resuming after a dropped connection."""

from __future__ import annotations

import contextlib
import threading

import pytest
from synchelpers import GOOD, Mesh, devices, doc_ids, pair_peers, referral
from testenv import FakeClock, make_session

from veldclient import trust
from veldclient.errors import AccessDenied
from veldclient.reference import twente
from veldclient.services import capacity, clients
from veldclient.services import peers as peer_service
from veldclient.services import placement_flow as pf
from veldclient.store.repo import OUT_OF_SCOPE, doc_id_for
from veldclient.sync import answering, peers, wire
from veldclient.sync.replica import Replica
from veldclient.sync.running import SyncClient


@pytest.fixture
def trio():
    with devices(("a1", "hengelo", "nurse"), ("a2", "hengelo", "nurse"), ("b1", "almelo", "nurse")) as trio:
        yield trio


def heads(session, doc_id):
    return session.repo.store.stored_heads(doc_id)


def test_a_new_device_of_the_node_gets_everything_and_both_converge(trio):
    a1, a2, _ = trio
    mesh = Mesh(*trio)
    client = clients.register_client(a1, GOOD)
    case = doc_id_for("case", client.id)
    report, _ = mesh.sync("a2", "a1")
    assert a2.repo.store.exists(case) and heads(a2, case) == heads(a1, case)
    assert report.fetched >= 1 and not report.refused and not report.unconverged
    assert a2.db.execute("SELECT name FROM clients WHERE id = ?", [client.id]).fetchone()[0] == GOOD["name"]
    # both edit the same case while apart; one run converges both, with both edits
    clients.update_client(a1, client.id, {"postcode": "7511 JM"})
    clients.update_client(a2, client.id, {"name": "Gerda Nijhuis-Bos"})
    mesh.sync("a2", "a1")
    assert heads(a1, case) == heads(a2, case)
    for s in (a1, a2):
        row = s.db.execute("SELECT name, postcode FROM clients WHERE id = ?", [client.id]).fetchone()
        assert row == ("Gerda Nijhuis-Bos", "7511 JM")


def test_the_report_counts_what_each_side_took_in_whichever_way_it_travelled(trio):
    """A document both sides hold travels as sync messages: an edit here the peer takes in is
    counted as sent, an edit there taken in here as changed here, a document already equal as neither."""
    a1, a2, _ = trio
    mesh = Mesh(*trio)
    made = [clients.register_client(a1, {**GOOD, "name": f"Client {i}"}) for i in range(3)]
    mesh.sync("a2", "a1")
    clients.update_client(a2, made[0].id, {"postcode": "7511 JM"})
    clients.update_client(a2, made[1].id, {"postcode": "7511 JM"})
    clients.update_client(a1, made[2].id, {"postcode": "7512 AB"})
    report, _ = mesh.sync("a2", "a1")
    assert (report.pushed, report.merged, report.fetched) == (2, 1, 0)
    again, _ = mesh.sync("a2", "a1")
    assert (again.pushed, again.merged, again.fetched) == (0, 0, 0)


def test_unshared_case_never_reaches_another_node_and_the_referral_reaches_only_its_target(trio):
    a1, a2, b1 = trio
    mesh = Mesh(*trio)
    client, request = referral(a1)
    case, placement = doc_id_for("case", client.id), doc_id_for("placement", request.id)
    seen: list[bytes] = []
    orig = mesh.servers["a1"].handle

    def spy(device, op, body):
        answer = orig(device, op, body)
        seen.append(wire.encode(answer))
        return answer

    mesh.servers["a1"].handle = spy  # type: ignore[method-assign]
    mesh.sync("b1", "a1")
    assert doc_id_for("node", "hengelo") in doc_ids(b1), "node documents go mesh-wide"
    assert case not in doc_ids(b1) and placement not in doc_ids(b1)
    raw = b"".join(wire_plain(s) for s in seen)
    assert client.id.encode() not in raw and b"Nijhuis" not in raw, "not even the id is on the wire"

    pf.send(a1, request.id, "almelo")
    mesh.sync("b1", "a1")
    assert placement in doc_ids(b1)
    assert case not in doc_ids(b1)
    assert b1.db.execute("SELECT count(*) FROM clients").fetchone()[0] == 0
    # the same-node device gets both; a device of a third node would get neither
    mesh.sync("a2", "a1")
    assert {case, placement} <= doc_ids(a2)


def test_a_manifest_offers_exactly_what_the_peer_may_see_with_its_delivery_state(trio):
    """Scope.offer (two scans, for a first contact) against Scope.visible (one join per row)."""
    a1, a2, b1 = trio
    mesh = Mesh(*trio)
    _, request = referral(a1)
    pf.send(a1, request.id, "almelo")
    clients.register_client(a1, {**GOOD, "name": "Alleen Hengelo"})
    mesh.sync("b1", "a1")
    clients.register_client(a1, {**GOOD, "name": "Na de sync"})  # not yet delivered
    scope = Replica(a1).scope
    for peer, node in ((b1, "almelo"), (a2, "hengelo")):
        device = peer.actor.device_id
        for since in (0, 1, Replica(a1).version() - 1):
            seen = scope.visible(node, since, device)
            heads, delivered = scope.offer(node, since, device)
            assert heads == {v.doc_id: v.heads for v in seen}
            assert delivered == {v.doc_id for v in seen if v.delivered}
    heads, delivered = scope.offer("almelo", 0, b1.actor.device_id)
    assert doc_id_for("placement", request.id) in delivered
    assert not any(d.startswith("case:") for d in heads)  # nothing of hengelo's own caseload
    assert delivered == set(heads)  # b1 has it all; a2 has never synced:
    heads, delivered = scope.offer("hengelo", 0, a2.actor.device_id)
    assert sum(d.startswith("case:") for d in heads) == 3 and not delivered


def wire_plain(body: bytes) -> bytes:
    import zlib

    return zlib.decompress(body)


def test_a_forged_share_listing_by_the_other_node_releases_nothing(trio):
    a1, _, b1 = trio
    mesh = Mesh(*trio)
    client, request = referral(a1)
    pf.send(a1, request.id, "almelo")
    mesh.sync("b1", "a1")
    # a second referral, never sent; b1 lists it in the shared document without a valid signature
    _, secret = referral(a1)
    share = "share:almelo~hengelo"
    entry = {"by": "x", "at": 0, "node": "hengelo", "device": a1.actor.device_id, "signature": "00" * 64}
    b1.repo.change(share, lambda e: e.set(("docs", doc_id_for("placement", secret.id)), entry))
    mesh.sync("b1", "a1")
    assert doc_id_for("placement", secret.id) not in doc_ids(b1)


@pytest.mark.parametrize("runner", ["receiver", "sender"])
def test_a_second_referral_arrives_in_one_sync_run(trio, runner):
    """The listing that releases a new request and the request itself travel in one run: the
    listing (a share document both sides hold, so synced, not fetched) must be in before the
    request is taken, whichever side runs the sync (fetched by the receiver, pushed by the sender)."""
    a1, _, b1 = trio
    mesh = Mesh(*trio)
    _, first = referral(a1)
    pf.send(a1, first.id, "almelo")
    mesh.sync("b1", "a1")
    assert doc_id_for("placement", first.id) in doc_ids(b1)
    _, second = referral(a1, "Bert [test] Oude Luttikhuis")
    pf.send(a1, second.id, "almelo")
    report, _ = mesh.sync("b1", "a1") if runner == "receiver" else mesh.sync("a1", "b1")
    placement = doc_id_for("placement", second.id)
    assert report.refused == [] and not report.unconverged
    assert placement in doc_ids(b1)
    assert heads(b1, placement) == heads(a1, placement)
    assert b1.db.execute("SELECT count(*) FROM placements").fetchone()[0] == 2


def test_delivery_status_is_per_peer_and_per_record(trio):
    a1, a2, b1 = trio
    mesh = Mesh(*trio)
    client = clients.register_client(a1, GOOD)
    case = doc_id_for("case", client.id)
    before = {p["name"]: p for p in peer_service.status(a1)}
    assert before["a2"]["waiting"] >= 1 and before["a2"]["last_contact"] is None
    mesh.sync("a2", "a1")
    after = {p["name"]: p for p in peer_service.status(a1)}
    assert after["a2"]["waiting"] == 0 and after["a2"]["last_contact"] is not None
    assert after["b1"]["waiting"] >= 1, "node document not yet at almelo"
    held = {h["name"]: h["current"] for h in peer_service.held_by(a1, case)}
    assert held == {"a2": True}, "b1 may not see the case, so it is not expected to hold it"
    clients.update_client(a1, client.id, {"postcode": "7511 JM"})
    assert {h["name"]: h["current"] for h in peer_service.held_by(a1, case)} == {"a2": False}
    # the client side records the same: a2 knows a1 holds its current heads
    assert {h["name"]: h["current"] for h in peer_service.held_by(a2, case)} == {"a1": True}


def test_unknown_and_removed_devices_are_refused(trio):
    a1, a2, b1 = trio
    stranger = make_session("x", node="borne", role="admin", clock=FakeClock())
    mesh = Mesh(a1, a2, b1)
    with pytest.raises(peers.PeerRefused):
        mesh.servers["a1"].handle(stranger.actor.device_id, "hello", {"proto": 1})
    with a1.transaction():
        peers.remove(a1.db, "b1")
    with pytest.raises(peers.PeerRefused):
        mesh.sync("b1", "a1")
    stranger.close()


def test_a_revoked_device_is_refused_by_every_device_of_the_node_after_merge(trio):
    a1, a2, b1 = trio
    admin = make_session("adm", node="hengelo", role="admin", clock=FakeClock())
    pair_peers(admin, a1)
    mesh = Mesh(*trio, admin)
    mesh.sync("a2", "a1")
    mesh.sync("adm", "a1")
    mesh.sync("b1", "a1")
    with pytest.raises(AccessDenied):
        peer_service.revoke_device(a1, "a2")  # a nurse may not revoke
    pair_peers(admin, a2)
    peer_service.revoke_device(admin, "a2")
    mesh.sync("a1", "adm")
    mesh.sync("b1", "a1")  # the revocation travels with the node document
    with pytest.raises(peers.PeerRefused):
        mesh.servers["b1"].handle(a2.actor.device_id, "hello", {"proto": 1})
    # a new replica still accepts the node document with a2's earlier, vouched-for changes
    fresh = make_session("a3", node="hengelo", role="nurse", clock=FakeClock())
    pair_peers(fresh, a1)
    mesh2 = Mesh(a1, fresh)
    report, _ = mesh2.sync("a3", "a1")
    # almelo's node document is refused: a3 trusts no almelo device yet (no introducer, by design)
    assert [d for d, _ in report.refused] == ["node:almelo"]
    assert heads(fresh, doc_id_for("node", "hengelo")) == heads(a1, doc_id_for("node", "hengelo"))
    fresh.close()


def test_a_pairing_signature_survives_a_conflict_with_the_devices_own_entry(trio):
    """The admin's self-signed entry and a1's introduction of it are concurrent writes to the same
    display key; whichever Automerge keeps, a replica that trusts only a1 must trust the admin."""
    a1, a2, _ = trio
    admin = make_session("adm", node="hengelo", role="admin", clock=FakeClock())
    pair_peers(admin, a1)  # a1 signs an entry for the admin while the admin has its own
    mesh = Mesh(a1, a2, admin)
    mesh.sync("a2", "a1")
    mesh.sync("adm", "a1")
    node = doc_id_for("node", "hengelo")
    me = admin.actor.device_id
    own = admin.repo.read(node)["attestations"][f"{me}/{me}/add"]
    # make the admin's self-signed entry the shown one for certain (written causally last)
    admin.repo.change(node, lambda e: e.set(("devices", me), {**own, "at": own["at"] + 1}))
    assert admin.repo.read(node)["devices"][me]["added_by"] == me
    peer_service.revoke_device(admin, a2.actor.device_id)
    mesh.sync("a1", "adm")
    fresh = make_session("a3", node="hengelo", role="nurse", clock=FakeClock())
    pair_peers(fresh, a1)
    report, _ = Mesh(a1, fresh).sync("a3", "a1")
    assert "node:hengelo" not in [d for d, _ in report.refused]
    assert heads(fresh, node) == heads(a1, node)
    # the admin's changes (the revocation among them) count on the new replica
    assert a2.actor.device_id in trust.revoked_devices(fresh.db, "hengelo", fresh.repo.read(node))
    fresh.close()
    admin.close()


def test_a_change_that_breaks_a_record_is_refused_and_the_rest_merges(trio):
    """A trusted peer's bug (or worse) deletes a case's client: that merge is refused, the local
    copy stays readable, and the other documents of the same run arrive."""
    a1, a2, _ = trio
    mesh = Mesh(*trio)
    broken, fine = (clients.register_client(a1, {**GOOD, "name": n}) for n in ("Kapot", "Heel"))
    mesh.sync("a2", "a1")
    bad, good = doc_id_for("case", broken.id), doc_id_for("case", fine.id)
    a1.repo.store.change(bad, lambda e: e.delete(("client",)), a1.clock())  # below the services
    clients.update_client(a1, fine.id, {"postcode": "7511 JM"})
    report, _ = mesh.sync("a2", "a1")
    assert [d for d, _ in report.refused] == [bad]
    assert "shape of a case" in report.refused[0][1]
    assert a2.repo.read(bad)["client"]["name"] == "Kapot"
    assert heads(a2, good) == heads(a1, good)
    row = a2.db.execute("SELECT postcode FROM clients WHERE id = ?", [fine.id]).fetchone()
    assert row == ("7511 JM",)


def test_a_node_document_refused_on_part_of_its_history_is_exchanged_whole(trio, monkeypatch):
    """A sync message carries part of a history; a trust check on a part can refuse what the whole
    vouches for (an introduction held back a round by a Bloom-filter false positive: one run in
    ~40 of the revocation test). Such a node document is then fetched and pushed whole."""
    a1, a2, _ = trio
    mesh = Mesh(*trio)
    mesh.sync("a2", "a1")
    node = doc_id_for("node", "hengelo")
    loc = twente.locations_for("hengelo")[0].id
    capacity.update_capacity(a1, loc, "GRZ", {"beds_total": 4, "counts": {"FREE": 4}})
    capacity.update_capacity(a2, loc, "GRZ", {"beds_total": 5, "counts": {"FREE": 5}})
    real = a2.repo.receive_sync_many
    partial = []

    def refuse_once(items):
        if not partial and any(d == node for d, _, _ in items):
            partial.append(node)  # as the trust check on a partial history would
            changed, refused = real([i for i in items if i[0] != node])
            return changed, [*refused, (node, f"Changes to {node} refused: made by a device ...")]
        return real(items)

    monkeypatch.setattr(a2.repo, "receive_sync_many", refuse_once)
    report, _ = mesh.sync("a2", "a1")
    assert partial == [node] and not report.refused
    assert report.fetched >= 1 and report.pushed >= 1
    assert heads(a2, node) == heads(a1, node)


def test_a_connection_dropped_mid_sync_loses_and_duplicates_nothing(trio):
    a1, a2, _ = trio
    mesh = Mesh(*trio)
    made = [clients.register_client(a1, {**GOOD, "name": f"Client {i}"}) for i in range(5)]
    mesh.sync("a2", "a1")
    for c in made:
        clients.update_client(a1, c.id, {"postcode": "7511 JM"})
        clients.update_client(a2, c.id, {"name": f"{c.name} (2)"})

    def drop(op, n):
        if op == "sync":
            raise ConnectionError("cable pulled")

    with pytest.raises(ConnectionError):
        mesh.sync("a2", "a1", fault=drop)
    mesh.sync("a2", "a1")
    for c in made:
        case = doc_id_for("case", c.id)
        assert heads(a1, case) == heads(a2, case)
        for s in (a1, a2):
            events = s.repo.read(case)["events"]
            assert len(events) == len({e.get("id") or repr(e) for e in events})
            assert s.db.execute("SELECT name, postcode FROM clients WHERE id = ?", [c.id]).fetchone() == (
                f"{c.name} (2)",
                "7511 JM",
            )


def test_many_small_fetch_answers_bring_everything_and_a_corrupt_document_stays_behind(trio, monkeypatch):
    a1, a2, _ = trio
    made = [clients.register_client(a1, {**GOOD, "name": f"Client {i}"}) for i in range(12)]
    bad = doc_id_for("case", made[3].id)
    data = a1.db.execute("SELECT data FROM am_chunks WHERE doc_id = ?", [bad]).fetchone()[0]
    flipped = data[:20] + bytes([data[20] ^ 0xFF]) + data[21:]
    a1.db.execute("UPDATE am_chunks SET data = ? WHERE doc_id = ?", [flipped, bad])
    a1.repo.store.invalidate()
    monkeypatch.setattr(wire, "BATCH_BYTES", 3000)  # a few documents per answer
    monkeypatch.setattr(answering, "FETCH_SLICE", 4)
    report, _ = Mesh(*trio).sync("a2", "a1")
    assert report.round_trips >= 6
    for client in made:
        doc_id = doc_id_for("case", client.id)
        if doc_id != bad:
            assert heads(a2, doc_id) == heads(a1, doc_id)
    assert not a2.repo.store.exists(bad)
    assert a1.repo.store.info(bad).quarantined  # the server noticed, and sent the rest


def test_malformed_and_oversized_bodies_are_refused_with_a_4xx():
    with pytest.raises(wire.WireError) as bad:
        wire.decode(b"not deflate at all")
    assert bad.value.status == 400
    bomb = __import__("zlib").compress(b"\0" * (wire.MAX_INFLATED + 10))
    with pytest.raises(wire.WireError) as big:
        wire.decode(bomb)
    assert big.value.status == 413
    with pytest.raises(wire.WireError):
        wire.decode(__import__("zlib").compress(b"\x83\x01\x02\x03"))  # a CBOR list, not a map
    with pytest.raises(wire.WireError):
        wire.pairs({"docs": [["x", "not bytes"]]}, "docs", bytes)


def test_clock_skew_does_not_change_what_merges(trio):
    a1, a2, _ = trio
    mesh = Mesh(*trio)
    client = clients.register_client(a1, GOOD)
    mesh.sync("a2", "a1")
    a2.clock.advance(-3 * 86_400_000)  # a2's clock runs three days behind... shared FakeClock: both
    clients.update_client(a2, client.id, {"postcode": "7511 JM"})
    mesh.sync("a2", "a1")
    assert a1.db.execute("SELECT postcode FROM clients WHERE id = ?", [client.id]).fetchone()[0] == "7511 JM"


def test_no_op_sync_on_an_open_link_is_one_small_round_trip(trio):
    a1, a2, _ = trio
    mesh = Mesh(*trio)
    for i in range(20):
        clients.register_client(a1, {**GOOD, "name": f"Client {i}"})
    mesh.sync("a2", "a1")
    mesh.sync("a2", "a1")
    report, transport = mesh.sync("a2", "a1")
    assert report.round_trips == 1 and transport.sent + transport.received < 4096


def test_sync_client_reports_a_peer_that_answers_as_someone_else(trio):
    a1, a2, b1 = trio
    mesh = Mesh(*trio)
    wrong = peers.find(a2.db, b1.actor.device_id)
    from synchelpers import Wire

    client = SyncClient(mesh.replicas["a2"], wrong, Wire(mesh.servers["a1"], a2.actor.device_id))
    with pytest.raises(peers.PeerRefused):
        client.run()


@pytest.mark.parametrize("where", ["request", "answer"])
@pytest.mark.parametrize("at", [1, 2, 3, 4, 5, 6])
def test_a_run_broken_at_any_call_is_made_good_by_the_next(trio, where, at):
    """Both sides have news (new documents each way, the same documents changed on both sides);
    the connection fails at call ``at``, before or after the server did the work."""
    a1, a2, _ = trio
    mesh = Mesh(*trio)
    shared = [clients.register_client(a1, {**GOOD, "name": f"Shared {i}"}) for i in range(3)]
    mesh.sync("a2", "a1")
    mine = [clients.register_client(a1, {**GOOD, "name": f"Server {i}"}) for i in range(3)]
    theirs = [clients.register_client(a2, {**GOOD, "name": f"Client {i}"}) for i in range(3)]
    for c in shared:
        clients.update_client(a1, c.id, {"postcode": "7511 JM"})
        clients.update_client(a2, c.id, {"name": f"{c.name} (2)"})
    engine = mesh.servers["a1"]
    real = engine.handle
    count = {"n": 0}

    def flaky(device, op, body):
        count["n"] += 1
        if count["n"] == at and where == "request":
            raise ConnectionError("lost")
        answer = real(device, op, body)
        if count["n"] == at and where == "answer":
            raise ConnectionError("lost")
        return answer

    engine.handle = flaky  # type: ignore[method-assign]
    with contextlib.suppress(ConnectionError):
        mesh.sync("a2", "a1")
    engine.handle = real  # type: ignore[method-assign]
    report, _ = mesh.sync("a2", "a1")
    assert not report.unconverged and not report.refused
    for c in [*shared, *mine, *theirs]:
        case = doc_id_for("case", c.id)
        assert heads(a1, case) is not None and heads(a1, case) == heads(a2, case)


def _diverged(trio, n=3):
    """Documents both devices changed apart, with no delivery record yet: automerge's bloom exchange
    takes several sync rounds for them."""
    a1, a2, b1 = trio
    made = [clients.register_client(a1, {**GOOD, "name": f"Both {i}"}) for i in range(n)]
    Mesh(*trio).sync("a2", "a1")
    for s in (a1, a2):
        s.db.execute("DELETE FROM peer_acks")
    for c in made:
        for k in range(3):
            clients.update_client(a1, c.id, {"postcode": f"751{k} JM"})
            clients.update_client(a2, c.id, {"name": f"{c.name} ({k})"})
    return made


@pytest.mark.parametrize("at", [2, 3, 4, 5])
def test_a_duplicated_call_is_answered_once_and_the_run_still_converges(trio, at):
    """A retried call whose first answer was lost reaches the server twice; a sync call processed
    twice would make the server's sync state believe it sent changes the caller never got."""
    a1, a2, _ = trio
    made = _diverged(trio)
    mesh = Mesh(*trio)
    engine = mesh.servers["a1"]
    real = engine.handle
    count = {"n": 0}
    seen = []

    def twice(device, op, body):
        count["n"] += 1
        seen.append(op)
        answer = real(device, op, body)
        if count["n"] == at:
            again = real(device, op, body)
            if op == "sync":
                assert again is answer  # the first answer, not a second processing
            answer = again
        return answer

    engine.handle = twice  # type: ignore[method-assign]
    report, _ = mesh.sync("a2", "a1")
    assert seen.count("sync") >= 2  # several rounds, so the duplicate can land mid-exchange
    assert not report.unconverged and not report.refused
    for c in made:
        case = doc_id_for("case", c.id)
        assert heads(a1, case) == heads(a2, case)


def test_a_replayed_older_call_is_refused_and_changes_nothing(trio):
    a1, a2, _ = trio
    _diverged(trio)
    mesh = Mesh(*trio)
    engine = mesh.servers["a1"]
    real = engine.handle
    calls = []

    def record(device, op, body):
        calls.append((device, op, body))
        return real(device, op, body)

    engine.handle = record  # type: ignore[method-assign]
    mesh.sync("a2", "a1")
    engine.handle = real  # type: ignore[method-assign]
    device, op, body = next(c for c in calls if c[1] == "sync")
    before = {d: heads(a1, d) for d in doc_ids(a1)}
    with pytest.raises(wire.WireError) as stale:
        engine.handle(device, op, body)
    assert stale.value.status == 409
    assert {d: heads(a1, d) for d in doc_ids(a1)} == before
    report, _ = mesh.sync("a2", "a1")  # the link goes on with the next number
    assert report.round_trips == 1 and not report.unconverged


def test_a_node_document_refused_for_trust_is_not_fetched_again_until_trust_changes(trio):
    a1, a2, b1 = trio
    Mesh(*trio).sync("b1", "a1")  # a1 now holds almelo's node document
    a3 = make_session("a3", node="hengelo", role="nurse", clock=FakeClock())
    pair_peers(a3, a1)
    fetched: list[str] = []

    def watch(device, op, body):
        if op == "fetch":
            fetched.extend(body["ids"])
        return real(device, op, body)

    def sync_runs_audited() -> int:
        return a3.db.execute("SELECT count(*) FROM audit_log WHERE event = 'sync.run'").fetchone()[0]

    audited = []
    for _ in range(2):  # a fresh link each time: a full manifest, as after a restart
        mesh = Mesh(a1, a3)
        real = mesh.servers["a1"].handle
        mesh.servers["a1"].handle = watch  # type: ignore[method-assign]
        fetched.clear()
        report, _ = mesh.sync("a3", "a1")
        assert [d for d, _ in report.refused] == ["node:almelo"]  # reported every time
        audited.append(sync_runs_audited())
    assert "node:almelo" not in fetched  # ...but downloaded only the first time
    assert audited[1] == audited[0], "a refusal only remembered is no new decision to audit"
    pair_peers(a3, b1)  # a3 now trusts almelo's device: the refusal no longer holds
    report, _ = Mesh(a1, a3).sync("a3", "a1")
    assert not report.refused
    assert heads(a3, "node:almelo") == heads(a1, "node:almelo")
    a3.close()


def test_a_sync_answer_comes_after_the_server_stored_what_came_in(trio, monkeypatch):
    """An answer means received: when a sync call is answered, the caller's changes are checked,
    stored and projected, and the heads the answer names are the ones the server holds."""
    a1, a2, _ = trio
    mesh = Mesh(*trio)
    client = clients.register_client(a1, GOOD)
    mesh.sync("a2", "a1")
    doc = doc_id_for("case", client.id)
    clients.update_client(a2, client.id, {"postcode": "7522 NB"})
    clients.update_client(a1, client.id, {"address": "Hoofdstraat 1"})
    stored_when_answered = []
    server = mesh.servers["a1"]
    handle = server.handle

    def watched(device, op, body, **kwargs):
        answer = handle(device, op, body, **kwargs)
        if op == "sync":
            named = dict(wire.pairs(answer, "heads", bytes))
            stored = heads(a1, doc)
            postcode = a1.db.execute("SELECT postcode FROM clients WHERE id = ?", [client.id]).fetchone()
            stored_when_answered.append((named.get(doc) == stored.digest, postcode))
        return answer

    monkeypatch.setattr(server, "handle", watched)
    before = heads(a1, doc)
    mesh.sync("a2", "a1")
    assert stored_when_answered[0] == (True, ("7522 NB",)), "answered with the caller's change stored"
    assert heads(a1, doc) == heads(a2, doc) != before
    row = a1.db.execute("SELECT postcode, address FROM clients WHERE id = ?", [client.id]).fetchone()
    assert row == ("7522 NB", "Hoofdstraat 1")


def test_a_record_changed_while_the_manifest_travels_still_reaches_the_server(trio, monkeypatch):
    """The first messages of what we changed are made while the manifest is on its way; an edit that
    lands after they were made (the app kept typing) goes in a later round of the same run."""
    a1, a2, _ = trio
    mesh = Mesh(*trio)
    client = clients.register_client(a2, GOOD)
    mesh.sync("a2", "a1")
    doc = doc_id_for("case", client.id)
    clients.update_client(a2, client.id, {"postcode": "7522 NB"})
    made = threading.Event()
    push_messages = SyncClient._push_messages

    def first_messages(self, ids, *sendable):
        out = push_messages(self, ids, *sendable)
        made.set()
        return out

    monkeypatch.setattr(SyncClient, "_push_messages", first_messages)
    stale = []

    def edit_while_travelling(op, _call):
        if op == "manifest":
            assert made.wait(10)
            stale.append(True)
            with mesh.replicas["a2"].locked():
                clients.update_client(a2, client.id, {"address": "Hoofdstraat 1"})

    report, _ = mesh.sync("a2", "a1", fault=edit_while_travelling)
    assert stale and not report.unconverged and not report.refused
    assert report.round_trips == 4, "manifest, the early message, the late edit, ack"
    assert heads(a1, doc) == heads(a2, doc)
    row = a1.db.execute("SELECT postcode, address FROM clients WHERE id = ?", [client.id]).fetchone()
    assert row == ("7522 NB", "Hoofdstraat 1")


def test_a_refused_document_is_asked_for_again_only_once_the_device_has_learnt_something():
    """A node document written by a device this laptop does not trust is refused; fetching it on
    every run would get the same refusal and cost a round trip each time. Once the laptop trusts the
    writer (a pairing here; an introduction works the same way), the next run takes it."""
    with devices(
        ("a1", "hengelo", "nurse"), ("a2", "hengelo", "nurse"), ("b1", "almelo", "nurse"), paired=2
    ) as (
        a1,
        a2,
        b1,
    ):
        pair_peers(a1, b1)
        mesh = Mesh(a1, a2, b1)
        loc = twente.locations_for("almelo")[0].id
        capacity.update_capacity(b1, loc, "GRZ", {"beds_total": 4, "counts": {"FREE": 4}})
        mesh.sync("a1", "b1")
        almelo = doc_id_for("node", "almelo")
        report, _ = mesh.sync("a2", "a1")
        assert almelo in {d for d, _ in report.refused} and not a2.repo.holds(almelo)
        mesh.sync("a2", "a1")
        report, transport = mesh.sync("a2", "a1")  # reported again, not fetched again
        assert [d for d, _ in report.refused] == [almelo]
        assert report.round_trips == 1 and report.fetched == 0 and transport.sent < 1024
        pair_peers(a2, b1)
        report, _ = mesh.sync("a2", "a1")
        assert a2.repo.holds(almelo) and not report.refused


def test_a_refused_referral_is_not_fetched_again_because_cases_changed():
    """A referral this laptop may not take yet (the sending node's devices are not trusted here, so
    its listing does not count) is held back while only cases change: they decide nothing about
    scope. Once the laptop trusts the sender (a pairing, the listing itself unchanged), the next run
    takes the referral."""
    with devices(
        ("b1", "almelo", "nurse"), ("b2", "almelo", "nurse"), ("a1", "hengelo", "nurse"), paired=2
    ) as (
        b1,
        b2,
        a1,
    ):
        pair_peers(a1, b1)
        mesh = Mesh(b1, b2, a1)
        _, request = referral(a1)
        pf.send(a1, request.id, "almelo")
        mesh.sync("b1", "a1")
        placement = doc_id_for("placement", request.id)
        report, _ = mesh.sync("b2", "b1")
        assert (placement, OUT_OF_SCOPE) in report.refused and placement not in doc_ids(b2)
        client = clients.register_client(b1, GOOD)
        report, _ = mesh.sync("b2", "b1")
        assert report.fetched == 1 and b2.repo.holds(doc_id_for("case", client.id))
        clients.update_client(b1, client.id, {"postcode": "7511 JM"})
        ops: list[str] = []
        report, _ = mesh.sync("b2", "b1", fault=lambda op, _n: ops.append(op))
        assert ops == ["manifest", "sync", "ack"] and report.merged == 1
        assert placement not in doc_ids(b2)
        pair_peers(b2, a1)
        report, _ = mesh.sync("b2", "b1")
        assert placement in doc_ids(b2) and not report.refused
