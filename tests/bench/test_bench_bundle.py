"""Issue 6 performance targets for USB bundles, against the large demo (10k cases + 10k volunteers):

- full export ≤ 3 s; import into an empty device of the same node ≤ 5 s; re-import (no-op) ≤ 1 s;
- a delta after 1,000 changed cases: export ≤ 1 s, import ≤ 2 s, size ≤ 1.5× the raw changes.

    .venv/bin/pytest tests/bench/test_bench_bundle.py -o addopts="" --benchmark-only
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from synchelpers import pair_peers
from testenv import FakeClock

from veldclient import trust
from veldclient.reference import twente
from veldclient.services import bundles, clients, setup
from veldclient.services import demo as demo_service
from veldclient.services.session import open_session
from veldclient.store import boundary

_names = itertools.count()


def fresh_device(demo):
    """An empty laptop of the demo's node, paired both ways."""
    device = setup.init_profile(
        f"bundle-peer-{next(_names)}",
        node_id=demo.actor.node_id,
        role="nurse",
        user="bench",
        passphrase="demo",
        use_keyring=False,
        clock=FakeClock(),
    )
    pair_peers(demo, device)
    with device.transaction():  # the demo's stand-in devices of other nodes, as the demo trusts them
        for node in twente.NODES:
            if node.id != device.actor.node_id:
                trust.register(device.db, demo_service.demo_device_id(node.id), node.id, "demo", None, 0)
    return device


@pytest.fixture(scope="module")
def demo(large_profile):
    session = open_session(large_profile, passphrase="demo", clock=FakeClock())
    yield session
    session.close()


def test_full_export_of_the_large_demo(benchmark, demo, tmp_path):
    device = fresh_device(demo)
    name = device.profile.name
    result = benchmark.pedantic(
        lambda: bundles.export_bundle(demo, [name], tmp_path / "stick", full=True), rounds=3, iterations=1
    )
    assert result.by_kind["case"] >= 10_000 and result.by_kind["volunteer"] >= 10_000
    benchmark.extra_info["bytes"] = result.size
    benchmark.extra_info["documents"] = result.documents
    device.close()
    assert benchmark.stats.stats.median <= 3.0


def test_import_into_an_empty_device(benchmark, demo, tmp_path):
    devices = []

    def prepare():
        device = fresh_device(demo)
        devices.append(device)
        path = bundles.export_bundle(demo, [device.profile.name], tmp_path / "stick", full=True).path
        return (device, path), {}

    def run(device, path):
        return bundles.import_bundle(device, path)

    result = benchmark.pedantic(run, setup=prepare, rounds=2, iterations=1)
    assert result.status == "imported" and result.refused == []
    assert devices[-1].db.execute("SELECT count(*) FROM clients").fetchone()[0] >= 10_000
    benchmark.extra_info["documents"] = result.documents
    assert benchmark.stats.stats.median <= 5.0
    for d in devices:
        d.close()


def test_reimport_no_op(benchmark, demo, tmp_path):
    device = fresh_device(demo)
    path = bundles.export_bundle(demo, [device.profile.name], tmp_path / "stick", full=True).path
    bundles.import_bundle(device, path)
    result = benchmark.pedantic(lambda: bundles.import_bundle(device, path), rounds=5, iterations=1)
    assert result.status == "duplicate"
    device.close()
    assert benchmark.stats.stats.median <= 1.0


@pytest.fixture(scope="module")
def acknowledged(demo, tmp_path_factory):
    """A device holding everything, whose acknowledgement the demo has imported."""
    stick = tmp_path_factory.mktemp("ack-stick")
    device = fresh_device(demo)
    path = bundles.export_bundle(demo, [device.profile.name], stick, full=True).path
    imported = bundles.import_bundle(device, path, ack_out=stick / "back")
    bundles.import_bundle(demo, Path(imported.ack_file))
    yield device
    device.close()


def _change_cases(demo, n: int, tag: str) -> list[str]:
    ids = [r[0] for r in demo.db.execute("SELECT id FROM clients ORDER BY id LIMIT ?", [n])]
    for i, client_id in enumerate(ids):
        clients.update_client(demo, client_id, {"address": f"Hengelosestraat {i} {tag}"})
    return [f"case:{c}" for c in ids]


def _raw_changes(session, device, doc_ids: list[str]) -> int:
    """Bytes of the Automerge changes the device lacks: what any transport must carry."""
    total = 0
    for doc_id in doc_ids:
        base = list(device.repo.store.stored_heads(doc_id))
        total += len(boundary.changes_since(boundary.load(session.repo.store.raw_bytes(doc_id)), base))
    return total


def test_delta_export_after_1000_changed_cases(benchmark, demo, acknowledged, tmp_path):
    changed = _change_cases(demo, 1000, "export")
    result = benchmark.pedantic(
        lambda: bundles.export_bundle(demo, [acknowledged.profile.name], tmp_path / "stick"),
        rounds=3,
        iterations=1,
    )
    raw = _raw_changes(demo, acknowledged, changed)
    benchmark.extra_info.update(bytes=result.size, raw_changes=raw, ratio=round(result.size / raw, 3))
    ratio = result.size / raw
    print(f"\ndelta bundle {result.size} B, {result.delta} deltas; raw changes {raw} B; x{ratio:.2f}")
    assert result.delta == 1000 and result.full == 0
    assert benchmark.stats.stats.median <= 1.0
    assert result.size <= 1.5 * raw


def test_delta_import_after_1000_changed_cases(benchmark, demo, acknowledged, tmp_path):
    _change_cases(demo, 1000, "import")
    paths = []

    def prepare():
        path = bundles.export_bundle(demo, [acknowledged.profile.name], tmp_path / f"s{len(paths)}").path
        paths.append(path)
        return (path,), {}

    result = benchmark.pedantic(
        lambda p: bundles.import_bundle(acknowledged, p), setup=prepare, rounds=1, iterations=1
    )
    assert result.changed == {"case": 1000}
    assert benchmark.stats.stats.median <= 2.0
