"""Where this machine serves, as another laptop on the network reaches it.

``veld serve`` and the app's background sync both bind a host and port; the admin's invitation for
a new laptop should name that address without the admin having to look it up. A server bound to the
loopback interface cannot be reached from another machine, so it is not remembered; one bound to
every interface (0.0.0.0 or ::) is remembered by the address this machine uses towards the network.
"""

from __future__ import annotations

import ipaddress
import socket

from veldclient.services import settings
from veldclient.session import Session

SETTING = "serve.address"
WILDCARDS = {"", "0.0.0.0", "::"}
# a documentation-only address (RFC 5737): connecting a UDP socket to it sends nothing, it only
# asks the OS which local address it would route from
ROUTE_PROBE = ("192.0.2.1", 9)


def reachable_host(host: str) -> str | None:
    """The host another machine would use to reach a server bound to ``host``; None for loopback
    or when this machine has no route to any network."""
    if host in WILDCARDS:
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
                probe.connect(ROUTE_PROBE)
                host = str(probe.getsockname()[0])
        except OSError:
            return None
    if host == "localhost":
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:  # a host name: taken as given
        pass
    return host


def remember(session: Session, host: str, port: int) -> None:
    """Remember where this machine serves (inside the caller's transaction); loopback is skipped."""
    session.require_device("serving.remember", "settings")
    reachable = reachable_host(host)
    if reachable is not None:
        shown = f"[{reachable}]" if ":" in reachable else reachable
        settings.put(session, SETTING, f"{shown}:{port}")


def address(session: Session) -> str | None:
    """Where this machine last served to the network, as host:port; None if it never did."""
    return settings.get(session, SETTING)
