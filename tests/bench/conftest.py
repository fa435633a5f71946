"""Benchmarks run only on request:

    .venv/bin/pytest tests/bench -o addopts="" --benchmark-only

They build a large demo profile once (10,000 cases + 10,000 volunteers) and measure against it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from testenv import FakeClock


@pytest.fixture(scope="session")
def large_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bench-home")


@pytest.fixture(scope="session")
def large_profile(large_home: Path) -> Iterator[str]:
    """Build the large demo once (also measured on its own in test_bench_demo)."""
    old = dict(os.environ)
    os.environ.update(
        VELD_HOME=str(large_home),
        VELD_PASSPHRASE="demo",
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    os.environ.pop("VELD_KDF_MEMORY_KIB", None)  # real Argon2id cost: unlock is measured
    from veldclient.services import demo

    demo.build_demo(size="large", clock=FakeClock()).close()
    yield "demo"
    os.environ.clear()
    os.environ.update(old)


@pytest.fixture(autouse=True)
def isolated_env(large_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Overrides the unit-test fixture: benchmarks share one data root and the real KDF."""
    monkeypatch.setenv("VELD_HOME", str(large_home))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.delenv("VELD_KDF_MEMORY_KIB", raising=False)
    return large_home
