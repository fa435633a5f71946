"""Issue #5: network sync over loopback (mutual TLS, real sockets) against the large demo, with the
raw in-process Automerge sync of the same documents measured in the same run as the floor.

    .venv/bin/pytest tests/bench/test_bench_sync.py -o addopts="" --benchmark-only -s

Targets are ratios measured in the same run, because this machine's speed drifts: to the floor
(Automerge's own sync of the same documents, in process) and to PouchDB replicating the same records
against a CouchDB-protocol server (pouchdb_anchor.py; left out when its setup.sh has not run).
Bootstrap of a new device of the same node (26k documents): ≤ 1.3× the floor, ≥ 2× PouchDB per
record, body bytes ≤ 1.5× the documents' saved size; 1,000 cases changed on each side: ≤ 4× the
floor, ≥ 2× PouchDB, ≤ 3 round trips; no-op on an open connection: ≤ 5 ms, ≤ 4 KB, ≥ 2× PouchDB;
first contact after a restart with nothing new (full manifest) ≤ 0.5 s and ≤ 1 MB. Bytes are the
CBOR+deflate bodies (TLS and HTTP headers add roughly 200 B per request on top).

The hub runs in a process of its own (hubproc.py), as the peer laptop would: two devices, two
interpreters. Server and caller in one process would share one interpreter lock, which no pair of
real devices does.
"""

from __future__ import annotations

import itertools
import time

import export_records
import pouchdb_anchor
import pytest
from automerge import core
from hubproc import HubProcess
from testenv import FakeClock

from veldclient.services import clients, setup
from veldclient.services import peers as peer_service
from veldclient.sync import identity_file, peers
from veldclient.sync.client import PeerConnection
from veldclient.sync.replica import Replica

_names = itertools.count()
RESULTS: dict[str, float] = {}


@pytest.fixture(scope="module")
def pouchdb(large_profile, tmp_path_factory):
    """PouchDB's figures on the large demo's cases and volunteers, measured before the hub starts."""
    why = pouchdb_anchor.missing()
    if why is not None:
        print(f"\nPouchDB anchor left out: {why}")
        return None
    records = tmp_path_factory.mktemp("anchor") / "records.jsonl"
    export_records.export(large_profile, records, "demo")
    figures = pouchdb_anchor.run(records)
    print(f"\n{figures}")
    return figures


@pytest.fixture(scope="module")
def hub(large_profile, pouchdb):
    process = HubProcess(large_profile)
    yield process
    process.close()


def _new_device(hub):
    name = f"lap{next(_names)}"
    device = setup.init_profile(
        name,
        node_id=hub.node_id,
        role="nurse",
        user=name,
        passphrase="demo",
        use_keyring=False,
        clock=FakeClock(),
    )
    hub.pair(identity_file.render(device.device), name)
    peer_service.pair_device(device, identity_file.parse(hub.identity), name="hub")
    with device.transaction():
        peers.set_address(device.db, "hub", hub.address)
    return device


def _saved_bytes(session) -> int:
    return int(session.db.execute("SELECT sum(length(data)) FROM am_chunks").fetchone()[0])


def _raw_docs(hub, doc_ids):
    return [core.Document.load(data) for data in hub.raw(doc_ids)]


def _local_docs(session, doc_ids):
    return [core.Document.load(session.repo.store.raw_bytes(doc_id)) for doc_id in doc_ids]


def _raw_sync(pairs) -> tuple[float, int, int]:
    """Automerge's own sync protocol in process, fresh states, the lacking side starting: (seconds,
    bytes, messages) until both sides are quiet, for every (a, b) document pair."""
    began = time.perf_counter()
    total = messages = 0
    for a, b in pairs:
        sa, sb = core.SyncState(), core.SyncState()
        quiet = False
        while not quiet:
            quiet = True
            for src, dst, s_src, s_dst in ((b, a, sb, sa), (a, b, sa, sb)):
                msg = src.generate_sync_message(s_src)
                if msg is not None:
                    raw = msg.encode()
                    total += len(raw)
                    messages += 1
                    dst.receive_sync_message(s_dst, core.Message.decode(raw))
                    quiet = False
    return time.perf_counter() - began, total, messages


def test_bootstrap_new_device_of_the_node(benchmark, hub, pouchdb):
    devices = []

    def setup_round():
        devices.append(_new_device(hub))
        return (devices[-1],), {}

    def bootstrap(device):
        with PeerConnection(Replica(device), peers.find(device.db, "hub")) as conn:
            return conn.sync()

    benchmark.pedantic(bootstrap, setup=setup_round, rounds=3, iterations=1)
    device = devices[-1]
    with PeerConnection(Replica(device), peers.find(device.db, "hub")) as conn:
        check = conn.sync()
    docs = [r[0] for r in hub.rows("SELECT doc_id FROM am_docs WHERE kind IN ('case','volunteer')")]
    held = device.db.execute("SELECT count(*) FROM am_docs WHERE kind IN ('case','volunteer')").fetchone()[0]
    assert held == len(docs) >= 20_000 and check.fetched == 0
    # what the first run moved, and the floor: raw automerge sync of the same documents into empty ones
    report_device = _new_device(hub)
    with PeerConnection(Replica(report_device), peers.find(report_device.db, "hub")) as conn:
        report = conn.sync()
    saved = _saved_bytes(report_device)
    sources = _raw_docs(hub, docs)
    floor_s, floor_bytes, _ = _raw_sync([(src, core.Document()) for src in sources])
    median = benchmark.stats.stats.median
    wire_bytes = report.bytes_sent + report.bytes_received
    moved = report.fetched + len(report.refused)
    print(
        f"\nbootstrap {moved} docs ({len(docs)} cases and volunteers): {median:.2f} s,"
        f" {wire_bytes / 1e6:.2f} MB on the wire"
        f" ({wire_bytes / saved:.2f}x saved {saved / 1e6:.2f} MB), {report.round_trips} round trips;"
        f" floor (raw automerge sync in process, the {len(docs)} only) {floor_s:.2f} s,"
        f" {floor_bytes / 1e6:.2f} MB;"
        f" ratio {median / floor_s:.2f}x time"
    )
    if pouchdb is not None:
        print(pouchdb.per_record(median, moved))
    for d in [*devices, report_device]:
        d.close()
    assert median <= 1.3 * floor_s
    assert wire_bytes <= 1.5 * saved
    if pouchdb is not None:
        assert median / moved <= pouchdb.bootstrap_s / pouchdb.records / 2


@pytest.fixture(scope="module")
def pair_synced(hub):
    device = _new_device(hub)
    conn = PeerConnection(Replica(device), peers.find(device.db, "hub"))
    conn.sync()
    conn.sync()
    yield hub, device, conn
    conn.close()
    device.close()


def test_thousand_cases_changed_on_each_side(benchmark, pair_synced, pouchdb):
    hub, device, conn = pair_synced
    assert pouchdb_anchor.EDITS == 1000
    ids = [r[0] for r in hub.rows("SELECT id FROM clients ORDER BY id LIMIT 1000")]
    counter = itertools.count()
    reports = []

    def change_both():
        n = next(counter)
        hub.set_addresses(ids, n)
        for i, client_id in enumerate(ids):
            clients.update_client(device, client_id, {"name": f"Naam {n}-{i}"})
        return (), {}

    def converge():
        reports.append(conn.sync())

    benchmark.pedantic(converge, setup=change_both, rounds=7, iterations=1)
    report = reports[-1]
    docs = [f"case:{c}" for c in ids]
    assert hub.heads(docs) == {d: device.repo.store.stored_heads(d) for d in docs}
    last = len(reports) - 1  # both edits of the last round arrived on both sides: truly two-sided
    sql = "SELECT name, address FROM clients WHERE id = ?"
    for rows in (hub.rows(sql, [ids[7]]), device.db.execute(sql, [ids[7]]).fetchall()):
        assert rows == [(f"Naam {last}-7", f"Hubstraat {last}-7")]
    # floor: the same 1,000 divergent documents synced by automerge in process
    change_both()
    floor_s, floor_bytes, floor_msgs = _raw_sync(
        list(zip(_raw_docs(hub, docs), _local_docs(device, docs), strict=True))
    )
    median = benchmark.stats.stats.median
    print(
        f"\n1,000 changed each side: {median * 1000:.0f} ms, {report.round_trips} round trips,"
        f" {(report.bytes_sent + report.bytes_received) / 1e3:.0f} KB; floor {floor_s * 1000:.0f} ms,"
        f" {floor_bytes / 1e3:.0f} KB, {floor_msgs} messages; ratio {median / floor_s:.2f}x"
    )
    if pouchdb is not None:
        print(f"PouchDB {pouchdb.two_way_s * 1000:.0f} ms: {pouchdb.two_way_s / median:.2f}x faster")
    conn.sync()
    assert median <= 4 * floor_s
    assert report.round_trips <= 3
    if pouchdb is not None:
        assert median <= pouchdb.two_way_s / 2


def test_no_op_on_an_open_connection(benchmark, pair_synced, pouchdb):
    _, _, conn = pair_synced
    conn.sync()
    reports = []
    benchmark.pedantic(lambda: reports.append(conn.sync()), rounds=50, iterations=1, warmup_rounds=3)
    report = reports[-1]
    size = report.bytes_sent + report.bytes_received
    print(
        f"\nno-op, open connection: {benchmark.stats.stats.median * 1000:.2f} ms, {size} B,"
        f" {report.round_trips} rt"
    )
    median = benchmark.stats.stats.median
    if pouchdb is not None:
        print(f"PouchDB {pouchdb.noop_s * 1000:.2f} ms: {pouchdb.noop_s / median:.2f}x faster")
    assert median <= 0.005
    assert size <= 4096
    if pouchdb is not None:
        assert median <= pouchdb.noop_s / 2


def test_first_contact_after_restart_nothing_new(benchmark, pair_synced):
    hub, device, conn = pair_synced
    conn.sync()
    reports = []

    def first_contact():
        with PeerConnection(Replica(device), peers.find(device.db, "hub")) as fresh:
            reports.append(fresh.sync())

    benchmark.pedantic(first_contact, rounds=5, iterations=1)
    report = reports[-1]
    size = report.bytes_sent + report.bytes_received
    held = [r[0] for r in hub.rows("SELECT doc_id FROM am_docs")]
    docs = len(held)
    # floor: automerge's own no-op sync of every document with fresh states
    sources = _raw_docs(hub, held)
    floor_s, floor_bytes, _ = _raw_sync([(d, core.Document.load(d.save())) for d in sources])
    median = benchmark.stats.stats.median
    print(
        f"\nfirst contact, {docs} docs, nothing new: {median:.3f} s, {size / 1e3:.0f} KB,"
        f" {report.round_trips} rt; floor {floor_s:.3f} s, {floor_bytes / 1e3:.0f} KB;"
        f" ratio {median / floor_s:.2f}x"
    )
    assert report.fetched == 0 and report.pushed == 0
    assert median <= 0.5
    assert size <= 1_000_000
