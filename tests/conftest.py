"""Shared fixtures: every test gets its own data root, no OS keyring, a cheap KDF and a frozen clock."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from testenv import FROZEN_NOW_MS, FakeClock, make_session

os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")

# Hypothesis fails an example that runs longer than its deadline (200 ms by default): a timed
# assertion that a loaded machine breaks. Speed is measured in tests/bench; here no deadline.
settings.register_profile("veld", deadline=None)
settings.load_profile("veld")


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "veldhome"
    monkeypatch.setenv("VELD_HOME", str(home))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("VELD_KDF_MEMORY_KIB", "8192")
    monkeypatch.setenv("VELD_NOW", str(FROZEN_NOW_MS))
    monkeypatch.setenv("VELD_LANG", "en")
    monkeypatch.delenv("VELD_PASSPHRASE", raising=False)
    monkeypatch.delenv("VELD_PASSPHRASE_FILE", raising=False)
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    monkeypatch.delenv("VELD_PROFILE", raising=False)
    return home


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(FROZEN_NOW_MS)


@pytest.fixture
def session(clock: FakeClock) -> Iterator:
    s = make_session(clock=clock)
    yield s
    s.close()


@pytest.fixture
def coordinator(clock: FakeClock) -> Iterator:
    s = make_session("coord", role="coordinator", clock=clock)
    yield s
    s.close()


@pytest.fixture(scope="session")
def loopback_mdns() -> None:
    """Skip (saying why) where this machine cannot multicast on the loopback interface: LAN
    discovery is optional, and its tests need real mDNS on 127.0.0.1 and nothing beyond it."""
    import asyncio
    import threading

    from veldclient.sync import discovery

    probe = "cd" * 32
    loop = asyncio.new_event_loop()  # running, as a server's is: the announcer answers queries
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        coro = discovery.announce_quietly(probe, "127.0.0.1", 9, ["127.0.0.1"])
        announced = asyncio.run_coroutine_threadsafe(coro, loop).result(15)
        heard = announced is not None and discovery.browse(10, {probe}, ["127.0.0.1"])
        if announced is not None:
            asyncio.run_coroutine_threadsafe(announced.stop(), loop).result(15)
    except OSError as exc:
        pytest.skip(f"no multicast on the loopback interface here: {exc}")
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()
    if not heard:
        pytest.skip("no multicast on the loopback interface here: an announcement was not heard")
