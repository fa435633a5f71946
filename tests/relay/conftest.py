"""Fixtures for the relay tests: three paired sites and a running hub (tests/relayhelpers.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from bundlehelpers import sites
from relayhelpers import Relay, configure

from veldclient.services import relay


@pytest.fixture
def region(isolated_env):
    """a1 and a2 of hengelo, b1 of almelo, all paired with each other."""
    sessions = sites(("a1", "hengelo", "nurse"), ("a2", "hengelo", "nurse"), ("b1", "almelo", "nurse"))
    yield sessions
    for s in sessions:
        s.close()


@pytest.fixture
def hub(region, tmp_path) -> Iterator[Relay]:
    server, _ = configure(region[0], tmp_path / "relay")
    server.start()
    for s in region:
        relay.add(s, server.url, server.cert)
    yield server
    server.stop()
