"""LAN discovery (optional, off by default): where on the local network a paired peer serves.

A device that serves with ``--announce`` publishes a DNS-SD service ``_veld._tcp`` over multicast
DNS (zeroconf). The announcement carries **only the device id** — no node, name, role or user — so
that who works where stays off the LAN. A device looking for its peers browses for a few seconds
and keeps only the devices it has paired and not revoked; everything else it hears is dropped.

An announcement is a hint of where to connect, never a reason to trust: the TLS pin still decides
who answers (sync/client.py), so a spoofed or stale announcement costs a failed connection at most.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

SERVICE_TYPE = "_veld._tcp.local."
log = logging.getLogger(__name__)
_DEVICE_ID = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Sighting:
    """A device id heard on the network and the address it serves at (``host:port``)."""

    device_id: str
    address: str


def instance_name(device_id: str) -> str:
    return f"veld-{device_id[:16]}.{SERVICE_TYPE}"


def sighting_from(
    properties: dict[bytes, bytes | None], addresses: Sequence[str], port: int
) -> Sighting | None:
    """What an announcement says, or None when it is not one of ours (no valid id, no address)."""
    raw = properties.get(b"id")
    try:
        device_id = raw.decode("ascii") if raw else ""
    except UnicodeDecodeError:
        return None
    if not _DEVICE_ID.fullmatch(device_id) or not addresses or not 0 < port < 65536:
        return None
    host = min(addresses, key=_preference)
    return Sighting(device_id, f"[{host}]:{port}" if ":" in host else f"{host}:{port}")


def _preference(address: str) -> tuple[bool, bool]:
    """IPv4 before IPv6 (what stored peer addresses hold), a routable address before loopback."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True, True
    return ip.version == 6, ip.is_loopback


def _interfaces(interfaces: Iterable[str] | None) -> Any:
    from zeroconf import InterfaceChoice

    chosen = list(interfaces or ())
    return chosen or InterfaceChoice.All


def announced_addresses(host: str, interfaces: Iterable[str] | None) -> list[bytes]:
    """The addresses to announce for a server bound to ``host``: that address, or (bound to all)
    the chosen interfaces, or every IPv4 address of this machine."""
    from zeroconf import get_all_addresses

    if host not in ("", "0.0.0.0", "::"):
        return [ipaddress.ip_address(socket.gethostbyname(host)).packed]
    chosen = [ipaddress.ip_address(a) for a in (list(interfaces or ()) or get_all_addresses())]
    routable = [ip for ip in chosen if not ip.is_loopback]  # 127.0.0.1 means nothing to a peer
    return [ip.packed for ip in (routable or chosen)]


def service_info(device_id: str, host: str, port: int, interfaces: Iterable[str] | None = None) -> Any:
    from zeroconf import ServiceInfo

    return ServiceInfo(
        SERVICE_TYPE,
        instance_name(device_id),
        port=port,
        properties={"id": device_id},  # and nothing else
        addresses=announced_addresses(host, interfaces),
        server=f"veld-{device_id[:16]}.local.",
    )


class Announcement:
    """Announce this device while a server runs (async: the server runs in an event loop)."""

    def __init__(self, device_id: str, host: str, port: int, interfaces: Iterable[str] | None = None):
        # A server bound to one address is announced on that interface only (one bound to
        # 127.0.0.1 tells no one beyond this machine); bound to all, on the chosen or all.
        specific = host not in ("", "0.0.0.0", "::")
        self.interfaces = list(interfaces or ()) or ([socket.gethostbyname(host)] if specific else [])
        self.info = service_info(device_id, host, port, self.interfaces)
        self._zc: Any = None

    async def start(self) -> None:
        from zeroconf.asyncio import AsyncZeroconf

        self._zc = AsyncZeroconf(interfaces=_interfaces(self.interfaces))
        await self._zc.async_register_service(self.info)

    async def stop(self) -> None:
        if self._zc is not None:
            try:
                await self._zc.async_unregister_service(self.info)
            finally:
                await self._zc.async_close()
                self._zc = None


async def announce_quietly(
    device_id: str, host: str, port: int, interfaces: Iterable[str] | None = None
) -> Announcement | None:
    """Start announcing; discovery is optional, so a network that refuses multicast leaves the
    server running unannounced (peers still reach it at a stored address)."""
    announcement = None
    try:
        announcement = Announcement(device_id, host, port, interfaces)
        await announcement.start()
    except Exception as exc:  # noqa: BLE001 - zeroconf raises its own and OS errors alike
        log.warning("not announced on the local network: %s", exc)
        if announcement is not None:
            await announcement.stop()
        return None
    return announcement


def browse(
    timeout: float, wanted: set[str] | None = None, interfaces: Iterable[str] | None = None
) -> list[Sighting]:
    """Listen for announcements for up to ``timeout`` seconds; stop early once every id in
    ``wanted`` has been heard. One sighting per device (the last address heard)."""
    from zeroconf import ServiceBrowser, ServiceStateChange, Zeroconf

    seen: dict[str, Sighting] = {}
    done = threading.Event()
    zc = Zeroconf(interfaces=_interfaces(interfaces))

    def on_change(zeroconf: Any, service_type: str, name: str, state_change: Any) -> None:
        if state_change not in (ServiceStateChange.Added, ServiceStateChange.Updated):
            return
        info = zeroconf.get_service_info(service_type, name, timeout=1500)
        if info is None or info.port is None:
            return
        found = sighting_from(info.properties or {}, info.parsed_addresses(), info.port)
        if found is not None:
            seen[found.device_id] = found
            if wanted and wanted <= set(seen):
                done.set()

    try:
        ServiceBrowser(zc, SERVICE_TYPE, handlers=[on_change])
        done.wait(timeout)
    finally:
        zc.close()
    return sorted(seen.values(), key=lambda s: s.device_id)
