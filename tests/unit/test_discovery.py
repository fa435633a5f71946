"""LAN discovery: what an announcement carries, and that only paired peers are kept (real mDNS
over the loopback interface)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from synchelpers import devices

from veldclient.errors import AccessDenied
from veldclient.services import peers as peer_service
from veldclient.sync import discovery, peers

ID = "ab" * 32
LOOPBACK = ["127.0.0.1"]


@pytest.mark.parametrize(
    ("properties", "addresses", "port", "expected"),
    [
        ({b"id": ID.encode()}, ["10.0.0.7"], 8765, discovery.Sighting(ID, "10.0.0.7:8765")),
        ({b"id": ID.encode()}, ["fe80::1", "10.0.0.7"], 8765, discovery.Sighting(ID, "10.0.0.7:8765")),
        ({b"id": ID.encode()}, ["fe80::1"], 8765, discovery.Sighting(ID, "[fe80::1]:8765")),
        ({b"id": ID.encode()}, ["127.0.0.1", "10.0.0.7"], 8765, discovery.Sighting(ID, "10.0.0.7:8765")),
        ({b"id": ID.encode()}, ["127.0.0.1"], 8765, discovery.Sighting(ID, "127.0.0.1:8765")),
        ({b"id": ID.upper().encode()}, ["10.0.0.7"], 8765, None),  # not how ids are written
        ({b"id": b"ab" * 8}, ["10.0.0.7"], 8765, None),
        ({b"id": b"\xff" * 64}, ["10.0.0.7"], 8765, None),
        ({b"id": None}, ["10.0.0.7"], 8765, None),
        ({}, ["10.0.0.7"], 8765, None),
        ({b"id": ID.encode()}, [], 8765, None),
        ({b"id": ID.encode()}, ["10.0.0.7"], 0, None),
    ],
)
def test_what_an_announcement_says(properties, addresses, port, expected):
    assert discovery.sighting_from(properties, addresses, port) == expected


def test_a_server_bound_to_all_addresses_announces_the_routable_ones():
    assert discovery.announced_addresses("0.0.0.0", ["127.0.0.1", "10.0.0.7"]) == [bytes([10, 0, 0, 7])]
    assert discovery.announced_addresses("0.0.0.0", ["127.0.0.1"]) == [bytes([127, 0, 0, 1])]
    assert discovery.announced_addresses("10.0.0.7", None) == [bytes([10, 0, 0, 7])]


def test_an_announcement_carries_only_the_device_id():
    info = discovery.service_info(ID, "127.0.0.1", 8765)
    assert info.properties == {b"id": ID.encode()}
    assert info.parsed_addresses() == ["127.0.0.1"] and info.port == 8765
    assert ID[:16] in info.name and "hengelo" not in info.name


@contextmanager
def announced(session, port: int) -> Iterator[None]:
    """Announce ``session``'s device on the loopback interface from an event loop of its own."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    announcement = discovery.Announcement(session.actor.device_id, "127.0.0.1", port, LOOPBACK)
    asyncio.run_coroutine_threadsafe(announcement.start(), loop).result(15)
    try:
        yield
    finally:
        asyncio.run_coroutine_threadsafe(announcement.stop(), loop).result(15)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


@pytest.fixture
def lan():
    with devices(
        ("hub", "hengelo", "admin"), ("lap", "hengelo", "nurse"), ("x", "almelo", "admin"), paired=2
    ) as lan:
        yield lan


def test_paired_peers_are_found_on_the_network_and_strangers_ignored(lan, loopback_mdns):
    hub, lap, stranger = lan
    with announced(hub, 48765), announced(stranger, 48766):
        found = peer_service.discover(lap, timeout=20, interfaces=LOOPBACK)
    assert [(r["name"], r["address"], r["updated"]) for r in found] == [("hub", "127.0.0.1:48765", False)]
    assert peers.find(lap.db, "hub").address != "127.0.0.1:48765"  # only listed: nothing stored
    assert stranger.actor.device_id not in str(found)


def test_an_admin_stores_the_address_found_and_a_nurse_may_not(lan, loopback_mdns):
    hub, lap, _ = lan
    with pytest.raises(AccessDenied):
        peer_service.discover(lap, timeout=0.1, update=True, interfaces=LOOPBACK)
    with announced(lap, 48767):
        found = peer_service.discover(hub, timeout=20, update=True, interfaces=LOOPBACK)
    assert [(r["name"], r["updated"]) for r in found] == [("lap", True)]
    assert peers.find(hub.db, "lap").address == "127.0.0.1:48767"
    events = [r[0] for r in hub.db.execute("SELECT event FROM audit_log WHERE event = 'peer.address'")]
    assert events == ["peer.address"]


def test_a_revoked_peer_is_not_looked_for(lan):
    hub, lap, _ = lan
    with hub.transaction():
        hub.db.execute("UPDATE trusted_devices SET revoked = 1 WHERE device_id = ?", [lap.actor.device_id])
    assert peer_service.discover(hub, timeout=0.1, interfaces=LOOPBACK) == []


def test_an_announcement_that_cannot_be_made_leaves_the_server_running(caplog):
    import asyncio

    gone = asyncio.run(discovery.announce_quietly(ID, "0.0.0.0", 8765, ["not-an-address"]))
    assert gone is None and "not announced on the local network" in caplog.text
