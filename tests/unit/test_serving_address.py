"""Where this machine serves, as an invitation names it: a loopback server is not reachable from
a laptop and is not remembered; a concrete address or host name is kept as given."""

from __future__ import annotations

import pytest
from testenv import make_session

from veldclient.services import serving


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.1.1", "::1", "localhost"])
def test_loopback_is_not_reachable_from_another_machine(host: str):
    assert serving.reachable_host(host) is None


@pytest.mark.parametrize("host", ["192.168.1.20", "10.0.0.5", "fe80::1", "hub.local"])
def test_a_concrete_address_or_name_is_taken_as_given(host: str):
    assert serving.reachable_host(host) == host


def test_every_interface_is_named_by_the_address_towards_the_network_or_not_at_all():
    found = serving.reachable_host("0.0.0.0")
    assert found is None or serving.reachable_host(found) == found


def test_remembered_as_host_and_port_and_loopback_leaves_the_last_one(tmp_path):
    session = make_session("hub", node="hengelo", role="admin")
    try:
        assert serving.address(session) is None
        with session.transaction():
            serving.remember(session, "192.168.1.20", 8765)
        assert serving.address(session) == "192.168.1.20:8765"
        with session.transaction():
            serving.remember(session, "127.0.0.1", 9999)
        assert serving.address(session) == "192.168.1.20:8765"
        with session.transaction():
            serving.remember(session, "fe80::1", 8765)
        assert serving.address(session) == "[fe80::1]:8765"
    finally:
        session.close()
