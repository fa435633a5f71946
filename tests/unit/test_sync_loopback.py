"""Sync over real loopback sockets: mutual TLS pinned by device id, refusals with one clear line."""

from __future__ import annotations

import ssl

import httpx
import pytest
from synchelpers import LoopbackServer, devices, served_pair
from testenv import FakeClock, make_session

from veldclient.services import clients, sync_service
from veldclient.services import peers as peer_service
from veldclient.store.repo import doc_id_for
from veldclient.sync import acks, identity_file, peers, tls, wire
from veldclient.sync.client import PeerConnection
from veldclient.sync.replica import Replica
from veldclient.sync.report import SyncFailed

GOOD = {"name": "Henk [H] Jansen", "birth_date": "1941-07-08", "postcode": "7511 JM"}


@pytest.fixture
def served():
    with served_pair() as trio:
        yield trio


def test_sync_over_loopback_converges_and_records_contact(served):
    a, b, _ = served
    client = clients.register_client(a, GOOD)
    report = sync_service.sync_peer(b, "a")
    case = doc_id_for("case", client.id)
    assert b.repo.store.stored_heads(case) == a.repo.store.stored_heads(case)
    assert report.fetched >= 1 and report.bytes_received > 0
    assert b.db.execute("SELECT name FROM clients").fetchone()[0] == GOOD["name"]
    row = {p["name"]: p for p in peer_service.status(b)}["a"]
    assert row["last_contact"] is not None and row["last_error"] is None and row["waiting"] == 0
    assert {p["name"]: p["waiting"] for p in peer_service.status(a)}["b"] == 0, "the server side knows too"


def test_an_open_connection_keeps_its_cursor_and_a_no_op_is_one_request(served):
    a, b, _ = served
    for i in range(10):
        clients.register_client(a, {**GOOD, "name": f"Client {i}"})
    replica = Replica(b)
    with PeerConnection(replica, peers.find(b.db, "a")) as conn:
        conn.sync()
        conn.sync()
        report = conn.sync()
    assert report.round_trips == 1
    assert report.bytes_sent + report.bytes_received < 4096


def test_unknown_device_is_refused_at_the_handshake(served):
    a, _, server = served
    stranger = make_session("x", node="borne", role="nurse", clock=FakeClock())
    # the stranger pairs a on its side, but a never paired the stranger
    peer_service.pair_device(stranger, identity_file.parse(identity_file.render(a.device)), name="a")
    with pytest.raises(peers.PeerRefused) as refused:
        sync_service.sync_peer(stranger, "a", address=server.address)
    assert "refuses" in refused.value.message("en")
    assert peers.find(stranger.db, "a").last_error, "the failure is recorded on the peer"
    stranger.close()


def test_a_client_without_a_certificate_is_refused(served):
    a, _, server = served
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.load_verify_locations(cadata=a.device.certificate_pem.decode())
    url = f"https://{server.address}"
    with httpx.Client(verify=ctx, base_url=url) as http, pytest.raises(httpx.HTTPError):
        http.post("/v1/hello", content=wire.encode({"proto": 1})).raise_for_status()


def test_a_server_whose_certificate_does_not_match_the_pin_is_refused(served):
    a, b, server = served
    impostor = make_session("imp", node="hengelo", role="nurse", clock=FakeClock())
    impostor_server = LoopbackServer(Replica(impostor))
    try:
        with b.transaction():
            peers.set_address(b.db, "a", impostor_server.address)
        with pytest.raises(peers.PeerRefused) as refused:
            sync_service.sync_peer(b, "a")
        assert "does not match" in refused.value.message("en")
    finally:
        impostor_server.close()
        impostor.close()


def test_a_removed_peer_is_refused_by_the_handler_with_403(served):
    a, b, _ = served
    with a.transaction():
        peers.remove(a.db, "b")
    with pytest.raises(peers.PeerRefused):
        sync_service.sync_peer(b, "a")
    denied = [e for e in a.audit_log.entries(limit=20) if e.event == "sync.refused"]
    assert denied and denied[0].outcome == "denied"


def test_malformed_and_oversized_bodies_get_4xx(served):
    _, b, server = served
    session = b
    peer = peers.find(b.db, "a")
    ctx = tls.client_context(session.profile.dir, session.key_password, peer.cert_pem)
    with httpx.Client(verify=ctx, base_url=f"https://{server.address}") as http:
        assert http.post("/v1/hello", content=b"garbage").status_code == 400
        assert http.post("/v1/hello", content=b"x" * (wire.MAX_BODY + 1)).status_code == 413
        assert http.post("/v1/nonsense", content=wire.encode({})).status_code == 404
        assert http.post("/v1/manifest", content=wire.encode({"session": "nope"})).status_code == 409


def test_nothing_listening_is_one_clear_line(served):
    _, b, _ = served
    with b.transaction():
        peers.set_address(b.db, "a", "127.0.0.1:1")
    with pytest.raises(SyncFailed) as failed:
        sync_service.sync_peer(b, "a")
    assert failed.value.message("en") == (
        "a cannot be reached at 127.0.0.1:1: nothing is listening there (is veld serve running?)."
    )


def test_a_record_the_server_refuses_in_a_sync_round_is_reported_and_never_acknowledged(served):
    """Over HTTP the server checks and stores a sync round before it answers. A change that breaks
    a record is refused in that answer: the caller reports it, records no delivery for it, and the
    rest of the run is delivered."""
    a, b, _ = served
    broken, fine = (clients.register_client(a, {**GOOD, "name": n}) for n in ("Kapot", "Heel"))
    sync_service.sync_peer(b, "a")
    bad, good = doc_id_for("case", broken.id), doc_id_for("case", fine.id)
    b.repo.store.change(bad, lambda e: e.delete(("client",)), b.clock())  # below the services
    clients.update_client(b, fine.id, {"postcode": "7522 NB"})
    clients.update_client(a, fine.id, {"address": "Hoofdstraat 1"})  # both sides: a real sync round
    report = sync_service.sync_peer(b, "a")
    assert [d for d, _ in report.refused] == [bad]
    assert "shape of a case" in report.refused[0][1]
    assert a.repo.read(bad)["client"]["name"] == "Kapot", "the server's copy is untouched"
    assert a.repo.store.stored_heads(good) == b.repo.store.stored_heads(good)
    delivered = acks.known(b.db, a.actor.device_id, [bad, good])
    assert delivered[good] == b.repo.store.stored_heads(good)
    assert delivered.get(bad) != b.repo.store.stored_heads(bad), "not acknowledged: the server refused it"
    again = sync_service.sync_peer(b, "a")
    assert [d for d, _ in again.refused] == [bad], "offered again next run, refused again"


@pytest.mark.parametrize("serving", ["receiver", "sender"])
def test_a_second_referral_arrives_in_one_run_over_loopback(serving):
    """enschede-centrum referred once to hengelo; the second referral and the listing that releases
    it arrive in one `veld sync` over real sockets, whichever node's device serves."""
    from synchelpers import referral

    from veldclient.services import placement_flow as pf

    with devices(("e", "enschede-centrum", "nurse"), ("h", "hengelo", "nurse")) as (e, h):
        server_side, client_side = (h, e) if serving == "receiver" else (e, h)
        server = LoopbackServer(Replica(server_side))
        try:
            peer_name = server_side.profile.name
            _, first = referral(e)
            pf.send(e, first.id, "hengelo")
            sync_service.sync_peer(client_side, peer_name, address=server.address)
            assert h.repo.store.exists(doc_id_for("placement", first.id))
            _, second = referral(e, "Bert [test] Oude Luttikhuis")
            pf.send(e, second.id, "hengelo")
            report = sync_service.sync_peer(client_side, peer_name, address=server.address)
        finally:
            server.close()
        placement = doc_id_for("placement", second.id)
        assert report.refused == [] and not report.unconverged
        assert h.repo.store.stored_heads(placement) == e.repo.store.stored_heads(placement)
        assert h.db.execute("SELECT count(*) FROM placements").fetchone()[0] == 2
