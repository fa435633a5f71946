"""Issue #2 performance targets, measured with pytest-benchmark (medians)."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time

import pytest
from testenv import FakeClock

from veldclient.services import clients
from veldclient.services.session import open_session


def test_demo_large_build(benchmark, tmp_path, monkeypatch):
    """`veld demo --no-tui --size large` end to end, in a subprocess (target ≤ 20 s)."""
    env = {**os.environ, "VELD_HOME": str(tmp_path / "h"), "VELD_PASSPHRASE": "demo"}

    def build():
        subprocess.run(
            [sys.executable, "-m", "veldclient", "demo", "--no-tui", "--size", "large"],
            env=env,
            check=True,
            capture_output=True,
        )

    benchmark.pedantic(build, rounds=1, iterations=1)
    assert benchmark.stats.stats.median <= 20.0


def test_one_local_edit_at_10k_cases(benchmark, large_profile):
    """Commit + chunk append + projection of that record + audit entry (target median ≤ 5 ms)."""
    session = open_session(large_profile, passphrase="demo", clock=FakeClock())
    ids = [r[0] for r in session.db.execute("SELECT id FROM clients ORDER BY id LIMIT 200")]
    counter = itertools.count()

    def edit():
        i = next(counter)
        clients.update_client(session, ids[i % len(ids)], {"address": f"Boulevard 1945 nr {i}"})

    benchmark.pedantic(edit, rounds=300, iterations=1, warmup_rounds=20)
    session.close()
    assert benchmark.stats.stats.median <= 0.005


@pytest.mark.parametrize("prefix", ["ja", "de v", "mar", "ali"])
def test_fts_prefix_search_10k(benchmark, large_profile, prefix):
    """Top 20 ranked prefix matches over 10,000 clients (target median ≤ 10 ms)."""
    session = open_session(large_profile, passphrase="demo", clock=FakeClock())
    node = session.actor.node_id
    from veldclient.services import search

    result = benchmark(search.clients, session.db, prefix, node_id=node, limit=20)
    session.close()
    assert result
    assert benchmark.stats.stats.median <= 0.010


@pytest.fixture(scope="module")
def hundred_k(large_profile):
    """100,000 clients in the projection: the 10k demo's rows copied ten times with new ids
    (search touches only the projection and its FTS index, so documents are not needed)."""
    session = open_session(large_profile, passphrase="demo", clock=FakeClock())
    db = session.db
    with db.atomic():
        for copy in range(1, 10):
            db.execute(
                "INSERT INTO clients (id, doc_id, node_id, name, birth_date, postcode, pc4, bsn, address,"
                " gp_agb, wlz_indicatie, archived) SELECT id || ?, doc_id || ?, node_id, name, birth_date,"
                " postcode, pc4, bsn, address, gp_agb, wlz_indicatie, archived FROM clients"
                " WHERE id NOT LIKE '%-%'",
                [f"-{copy}", f"-{copy}"],
            )
    assert db.execute("SELECT count(*) FROM clients").fetchone()[0] == 100_000
    yield session
    with db.atomic():
        db.execute("DELETE FROM clients WHERE id LIKE '%-%'")
    session.close()


@pytest.mark.parametrize("prefix", ["ja", "de v", "mar", "ali"])
def test_fts_prefix_search_100k(benchmark, hundred_k, prefix):
    """Top 20 ranked prefix matches over 100,000 clients (target median ≤ 40 ms)."""
    from veldclient.services import search

    result = benchmark(search.clients, hundred_k.db, prefix, node_id=hundred_k.actor.node_id, limit=20)
    assert result
    assert benchmark.stats.stats.median <= 0.040


def test_unlock_until_first_query(benchmark, large_profile):
    """Argon2id unwrap + SQLCipher open + migrations check + first count (target ≤ 1 s)."""

    def unlock():
        t = time.perf_counter()
        session = open_session(large_profile, passphrase="demo")
        session.db.execute("SELECT count(*) FROM clients").fetchone()
        session.close()
        return time.perf_counter() - t

    benchmark.pedantic(unlock, rounds=5, iterations=1)
    assert benchmark.stats.stats.median <= 1.0
