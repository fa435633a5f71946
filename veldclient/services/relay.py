"""The relay: USB bundles through an always-on NATS JetStream mailbox (issue 19, docs/relay.md).

Push exports one bundle per recipient node — exactly the bundle a stick would carry: signed,
sealed to that node's devices, deltas since what they acknowledged — and puts it into that node's
mailbox. Pull takes this device's messages, imports each through ``bundles.import_bundle`` (a
refused, damaged or replayed bundle is quarantined or recognised exactly as one from a stick), and
only then acknowledges it to the relay; then it sends each sender a small acknowledgement bundle the
same way, so the sender's next push is a small delta and its status can say "delivered".

The relay is optional: without one configured nothing here runs; with one configured and down,
push and pull fail within seconds with one sentence and record when the relay was last reached.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509

from veldclient.errors import ValidationError, VeldError
from veldclient.progress import Progress, quiet
from veldclient.services import bundles
from veldclient.session import Session
from veldclient.sync import bundle, peers, relay_conf, relay_state, tls
from veldclient.sync import relay_names as names
from veldclient.sync.bundle import BundleRefused
from veldclient.sync.scope import Scope

SPOOL = ("relay",)
MEDIUM = "relay"  # the audit entries' medium (a stick's is "portable")
MAX_PARTS = 512  # a bundle of at most 256 MiB in parts of 1 MiB, and some room


class NoRelay(VeldError):
    """No relay is configured on this device."""


def _missing() -> VeldError:
    return VeldError(
        "De relay-onderdelen ontbreken: installeer ze met pip install 'veldclient[relay]'.",
        "The relay components are missing: install them with pip install 'veldclient[relay]'.",
    )


def _links() -> Any:
    """The NATS side, imported only when a relay is used (the ``relay`` extra may be absent)."""
    try:
        from veldclient.sync import relay_link
    except ImportError:
        raise _missing() from None
    return relay_link


def _servers() -> Any:
    try:
        from veldclient.sync import relay_server
    except ImportError:
        raise _missing() from None
    return relay_server


# -- configuring ----------------------------------------------------------------------------------

_URL = re.compile(r"^(tls|nats)://[A-Za-z0-9.\-\[\]:]+:\d{1,5}$")


def check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if not _URL.match(url) or parts.port is None or not 0 < parts.port < 65536:
        raise ValidationError.single(
            "url",
            "invalid",
            f"Relay-adres '{url}' is ongeldig: verwacht tls://host:poort, zoals tls://relay.twente.example:4222.",
            f"Relay address '{url}' is invalid: expected tls://host:port, such as tls://relay.twente.example:4222.",
        )
    return "tls://" + url.split("://", 1)[1]  # always TLS: the scheme only says where


def add(session: Session, url: str, server_cert: Path) -> relay_state.Settings:
    """Use this relay; ``server_cert`` is its certificate (``hub-cert.pem`` or a leaf's
    ``leaf-cert.pem`` from ``veld relay config``), pinned: nothing else answers as the relay."""
    session.require_device("relay.add", "relay")
    url = check_url(url)
    try:
        pem = Path(server_cert).read_text()
        x509.load_pem_x509_certificate(pem.encode("ascii"))
    except (OSError, ValueError, UnicodeError):
        raise ValidationError.single(
            "server_cert",
            "invalid",
            f"{server_cert} is geen certificaat van een relay (PEM).",
            f"{server_cert} is not a relay certificate (PEM).",
        ) from None
    with session.transaction():
        relay_state.save(session.db, url, pem, session.now())
        session.audit("relay.add", "U", "relay", detail={"url": url})
    found = relay_state.settings(session.db)
    assert found is not None
    return found


def remove(session: Session) -> None:
    session.require_device("relay.remove", "relay")
    with session.transaction():
        relay_state.remove(session.db)
        session.audit("relay.remove", "U", "relay")


def is_configured(session: Session) -> bool:
    return relay_state.settings(session.db) is not None


def configured(session: Session) -> relay_state.Settings:
    found = relay_state.settings(session.db)
    if found is None:
        raise NoRelay(
            "Er is geen relay ingesteld; voeg er een toe met veld relay add URL --server-cert BESTAND.",
            "No relay is configured; add one with veld relay add URL --server-cert FILE.",
        )
    return found


def connect(session: Session) -> Any:
    """A link to the configured relay, opened without writing anything here: the app's sync agent
    connects outside the lock the app's own saves take, so a relay that does not answer costs the
    agent its timeout and never the person at the keys. Raises RelayUnreachable (then
    :func:`record_unreachable`, inside a transaction's lock) or NoRelay."""
    settings = configured(session)
    link_mod = _links()
    ctx = tls.client_context(session.profile.dir, session.key_password or b"", settings.server_cert)
    return link_mod.Link(settings.url, ctx, session.device.private_key, names.inbox(session.actor.device_id))


def record_unreachable(session: Session, exc: VeldError) -> None:
    """Remember the failure (shown by :func:`status`) when ``exc`` says the relay did not answer."""
    if isinstance(exc, _links().RelayUnreachable):
        _failed(session, exc)


@contextmanager
def _linked(session: Session, link: Any) -> Iterator[Any]:
    """The frame of one push or pull: ``link`` when given (it stays open), else one opened here and
    closed on the way out; a relay that stops answering is recorded as the last failure, and a
    round that ends well as the last time the relay was reached."""
    own = link is None
    try:
        link = connect(session) if own else link
    except VeldError as exc:
        record_unreachable(session, exc)
        raise
    try:
        yield link
    except VeldError as exc:
        record_unreachable(session, exc)
        raise
    finally:
        if own:
            link.close()
    _reached(session)


def _failed(session: Session, exc: VeldError) -> None:
    with session.transaction():
        relay_state.failed(session.db, json.dumps({"nl": exc.nl, "en": exc.en}), session.now())


def _error(stored: str | None) -> dict[str, str] | None:
    """The last error in both languages (stored as JSON; the reader picks one)."""
    if not stored:
        return None
    try:
        value = json.loads(stored)
        return {"nl": str(value["nl"]), "en": str(value["en"])}
    except (ValueError, KeyError, TypeError):
        return {"nl": stored, "en": stored}


def _reached(session: Session) -> None:
    with session.transaction():
        relay_state.reached(session.db, session.now())


def _spool(session: Session, part: str) -> Path:
    folder = session.profile.dir.joinpath(*SPOOL, part)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# -- push -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NodePush:
    node_id: str
    status: str  # sent | unchanged (already at the relay) | nothing (they hold everything)
    documents: int = 0
    bytes: int = 0
    seq: int = 0
    parts: int = 0


@dataclass
class PushResult:
    nodes: list[NodePush] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"nodes": [n.__dict__ for n in self.nodes]}


def _publish(link: Any, session: Session, node_id: str, data: bytes, bundle_id: str) -> int:
    """One bundle into a node's mailbox, in parts of ``PART_BYTES``; each part's message id lets
    JetStream drop a part sent twice (a retried push)."""
    size = relay_conf.PART_BYTES
    parts = [data[i : i + size] for i in range(0, len(data), size)] or [b""]
    subject = names.subject(node_id, session.actor.device_id)
    for index, chunk in enumerate(parts):
        link.publish(
            subject,
            chunk,
            {
                "Nats-Msg-Id": f"{bundle_id}-{index}",
                names.BUNDLE: bundle_id,
                names.PART: str(index),
                names.PARTS: str(len(parts)),
            },
        )
    return len(parts)


def _aging(session: Session, last: relay_state.Pushed) -> bool:
    """Past half the mailbox's age limit the relay may soon drop what the last push left there, so
    an unacknowledged state is sent again (a bundle dropped earlier goes again with the next change)."""
    return session.now() - last.at > relay_conf.MAILBOX_MAX_AGE_S * 1000 // 2


def push(session: Session, *, progress: Progress = quiet, link: Any = None) -> PushResult:
    """A bundle for every node with paired devices, into its mailbox — unless nothing changed since
    the last push to it, or its devices already hold everything. Over ``link`` when given (it stays
    open), else over one opened and closed here."""
    session.require_device("relay.push", "relay")
    configured(session)
    nodes = sorted({p.node_id for p in peers.usable_peers(session.repo)})
    out = PushResult()
    pushed = relay_state.pushes(session.db)
    with _linked(session, link) as link:
        for node in nodes:
            count, fingerprint = bundles.plan_fingerprint(session, [node])
            if count == 0:
                out.nodes.append(NodePush(node, "nothing"))
                continue
            last = pushed.get(node)
            if last is not None and last.fingerprint == fingerprint and not _aging(session, last):
                out.nodes.append(NodePush(node, "unchanged", count))
                continue
            exported = bundles.export_bundle(
                session, [node], _spool(session, "out"), progress=progress, medium=MEDIUM
            )
            try:
                data = exported.path.read_bytes()
                parts = _publish(link, session, node, data, exported.bundle_id)
            finally:
                exported.path.unlink(missing_ok=True)
            with session.transaction():
                relay_state.record_push(
                    session.db,
                    relay_state.Pushed(
                        node, fingerprint, exported.seq, len(data), exported.documents, session.now()
                    ),
                )
            out.nodes.append(NodePush(node, "sent", exported.documents, len(data), exported.seq, parts))
    return out


# -- pull -----------------------------------------------------------------------------------------


@dataclass
class PullResult:
    imported: list[bundles.ImportResult] = field(default_factory=list)
    refused: list[tuple[str, str, str]] = field(default_factory=list)  # (name, nl, en): quarantined
    ignored: int = 0  # for other devices of this node (their acknowledgements), or our own
    waiting_parts: int = 0  # parts of bundles not yet complete (the rest comes later)
    acks_sent: list[str] = field(default_factory=list)  # sender names

    def as_json(self) -> dict[str, Any]:
        return {
            "imported": [r.as_json() for r in self.imported],
            "refused": [{"bundle": n, "reason_nl": nl, "reason_en": en} for n, nl, en in self.refused],
            "ignored": self.ignored,
            "waiting_parts": self.waiting_parts,
            "acks_sent": self.acks_sent,
        }


@dataclass
class _Group:
    key: str
    total: int
    first_seq: int
    parts: dict[int, Any] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return len(self.parts) == self.total

    def data(self) -> bytes:
        return b"".join(self.parts[i].data for i in range(self.total))


class _Parts:
    """Messages by bundle, as they arrive. A message whose part headers are missing or impossible
    is a bundle of its own (its import refuses it, and quarantines it, as a damaged file)."""

    def __init__(self) -> None:
        self.open: dict[str, _Group] = {}

    def add(self, item: Any) -> _Group | None:
        """The bundle this message completes, if it does."""
        head = item.headers
        try:
            bundle_id = str(head[names.BUNDLE])
            index, total = int(head[names.PART]), int(head[names.PARTS])
            if not (re.fullmatch(r"[0-9a-f]{16}", bundle_id) and 0 <= index < total <= MAX_PARTS):
                raise ValueError
        except (KeyError, ValueError):
            return _Group(f"seq-{item.stream_seq}", 1, item.stream_seq, {0: item})
        key = f"{item.subject}/{bundle_id}"
        group = self.open.setdefault(key, _Group(key, total, item.stream_seq))
        if group.total != total or index in group.parts:  # contradicts its siblings: on its own
            return _Group(f"seq-{item.stream_seq}", 1, item.stream_seq, {0: item})
        group.parts[index] = item
        if group.complete:
            return self.open.pop(key)
        return None


def _header(data: bytes) -> bundle.Header | None:
    try:
        return bundle.header_of(data)
    except BundleRefused:
        return None


def _batches(link: Any, node: str, me: str, wait_s: float) -> Iterator[list[Any]]:
    """The mailbox in batches; with ``wait_s`` the first fetch is a long poll for one message."""
    if wait_s > 0:
        first = link.wait(node, me, wait_s)
        if not first:
            return
        yield first
    while batch := link.fetch(node, me):
        yield batch


def pull(
    session: Session, *, progress: Progress = quiet, wait_s: float = 0.0, link: Any = None
) -> PullResult:
    """Everything waiting in this device's mailbox, imported as bundles are, in the order the relay
    stored them (each sender's in the order it sent them). A message is acknowledged to the relay
    only once its bundle is imported, recognised as a repeat, or quarantined; at most one batch
    and the parts of unfinished bundles are held in memory. ``wait_s`` > 0: when the mailbox is
    empty, wait up to that long for mail to land (a device that wants changes promptly pulls in a
    loop with it, instead of polling). Over ``link`` when given (it stays open), else over one
    opened and closed here."""
    session.require_device("relay.pull", "relay")
    configured(session)
    me, node = session.actor.device_id, session.actor.node_id
    out = PullResult()
    inbox = _spool(session, "in")
    last_from: dict[str, bundles.ImportResult] = {}
    parts = _Parts()
    with _linked(session, link) as link:
        for batch in _batches(link, node, me, wait_s):
            done = [g for g in map(parts.add, batch) if g is not None]
            for group in sorted(done, key=lambda g: g.first_seq):
                data = group.data()
                header = _header(data)
                if header is not None and (header.sender_device == me or me not in header.recipients):
                    out.ignored += 1  # our own, or sealed to another device of this node
                else:
                    name = (
                        bundle.file_name(header.sender_node, header.seq, header.bundle_id)
                        if header is not None
                        else f"relay-{names.stream(node)}-{group.first_seq}{bundle.SUFFIX}"
                    )
                    _import_one(session, inbox / name, data, out, last_from, progress)
                for item in group.parts.values():
                    link.ack(item)
        for group in parts.open.values():  # the rest of these comes later: hand them back
            out.waiting_parts += len(group.parts)
            for item in group.parts.values():
                link.later(item)
        for sender, result in sorted(last_from.items()):
            ack = bundles.write_ack(session, result, _spool(session, "out"), MEDIUM)
            try:
                peer = peers.usable(session.repo, sender)
                _publish(link, session, peer.node_id, ack.path.read_bytes(), ack.bundle_id)
            finally:
                ack.path.unlink(missing_ok=True)
            out.acks_sent.append(result.sender_name)
    return out


def _import_one(
    session: Session,
    path: Path,
    data: bytes,
    out: PullResult,
    last_from: dict[str, bundles.ImportResult],
    progress: Progress,
) -> None:
    path.write_bytes(data)
    try:
        result = bundles.import_bundle(session, path, progress=progress, medium=MEDIUM)
    except BundleRefused as exc:
        out.refused.append((path.name, exc.nl, exc.en))
        return
    finally:
        path.unlink(missing_ok=True)
    out.imported.append(result)
    if result.kind == "data":
        last_from[result.sender_device] = result


# -- status ---------------------------------------------------------------------------------------


RELAY = "relay"  # the name the relay goes by among the peers a sync round reports on


def reach(session: Session) -> dict[str, Any] | None:
    """When the relay was last reached and its last failure (both languages), asking nothing of the
    relay; None when none is configured."""
    settings = relay_state.settings(session.db)
    if settings is None:
        return None
    return {
        "url": settings.url,
        "last_reached": settings.last_reached,
        "last_error": _error(settings.last_error),
        "last_error_at": settings.last_error_at,
    }


# A paired device's state through the relay (status), in Dutch and English: only its acknowledgement
# makes it "delivered"; what the relay holds for it is not yet in its hands.
STATE_NAMES = {
    "delivered": ("afgeleverd", "delivered"),
    "left_at_relay": ("bij de relay achtergelaten", "left at the relay"),
    "to_send": ("nog te versturen", "to send"),
}


def status(session: Session) -> dict[str, Any]:
    """When the relay was last reached (without asking it), and per paired device whether what it
    may see is delivered (its acknowledgement came back), left at the relay (the last push holds
    it, not yet acknowledged) or still to send."""
    settings = relay_state.settings(session.db)
    if settings is None:
        return {"configured": False, "peers": []}
    scope = Scope(session.repo)
    pushed = relay_state.pushes(session.db)
    fingerprints: dict[str, tuple[int, str]] = {}
    rows = []
    for peer in sorted(peers.usable_peers(session.repo), key=lambda p: (p.node_id, p.name)):
        total, behind = scope.waiting_count(peer.node_id, peer.device_id)
        if behind == 0:
            state = "delivered"
        else:
            if peer.node_id not in fingerprints:
                fingerprints[peer.node_id] = bundles.plan_fingerprint(session, [peer.node_id])
            last = pushed.get(peer.node_id)
            at_relay = last is not None and last.fingerprint == fingerprints[peer.node_id][1]
            state = "left_at_relay" if at_relay else "to_send"
        last = pushed.get(peer.node_id)
        rows.append(
            {
                "name": peer.name,
                "node": peer.node_id,
                "device_id": peer.device_id,
                "state": state,
                "waiting": behind,
                "documents": total,
                "last_push": None if last is None else last.at,
            }
        )
    return {"configured": True, **(reach(session) or {}), "peers": rows}


# -- the hub's configuration ----------------------------------------------------------------------


def region_devices(session: Session) -> tuple[relay_conf.Device, ...]:
    """This device and every paired, unrevoked one: who may use the relay. A revoked or unpaired
    device is left out, so the next configuration shuts it out."""
    own = session.device.certificate_pem
    devices = [
        relay_conf.Device(
            session.actor.device_id, session.actor.node_id, own.decode() if isinstance(own, bytes) else own
        )
    ]
    devices += [
        relay_conf.Device(p.device_id, p.node_id, p.cert_pem) for p in peers.usable_peers(session.repo)
    ]
    return tuple(sorted(devices, key=lambda d: (d.node_id, d.device_id)))


def write_config(
    session: Session,
    out: Path,
    *,
    leaves: list[str] | None = None,
    listen: str = "0.0.0.0:4222",
    leaf_listen: str = "0.0.0.0:7422",
    hub_host: str = "localhost",
    leaf_client_listen: str = "0.0.0.0:4222",
) -> relay_conf.Written:
    session.require_device("relay.write_config", "relay")
    for value in (listen, leaf_listen, leaf_client_listen):
        peers.check_address(value)
    devices = region_devices(session)
    plan = relay_conf.Plan(
        devices=devices,
        leaves=tuple(sorted(set(leaves if leaves is not None else [session.actor.node_id]))),
        listen=listen,
        leaf_listen=leaf_listen,
        hub_host=hub_host,
        leaf_client_listen=leaf_client_listen,
    )
    written = relay_conf.write(plan, Path(out))
    with session.transaction():
        session.audit(
            "relay.config",
            "E",
            "relay",
            detail={
                "devices": written.devices,
                "nodes": ",".join(written.nodes),
                "leaves": ",".join(plan.leaves),
            },
        )
    return written


# -- running a hub or a leaf ----------------------------------------------------------------------


@dataclass(frozen=True)
class Serving:
    role: str  # hub | leaf
    listen: str
    streams: tuple[str, ...]  # mailboxes (hub) or the outbox (leaf)
    removed: tuple[str, ...]  # consumers of devices no longer in the configuration


def serve(folder: Path, stop: threading.Event, on_ready: Callable[[Serving], None]) -> int | None:
    """Run nats-server on a configuration folder until ``stop`` is set or the server ends: start
    it, set up the mailboxes and consumers, re-attach leaves that come back; stop it on the way
    out. Needs no profile: a hub machine holds no veld data. Returns the server's exit code."""
    servers = _servers()
    described = servers.describe(Path(folder))
    proc = servers.start(Path(folder))
    watch = None
    try:
        made = servers.ensure(Path(folder))
        watch = servers.Watch(Path(folder)).start()
        on_ready(Serving(described.role, described.listen, made.streams, made.removed))
        while not stop.is_set() and proc.poll() is None:
            stop.wait(0.5)
    finally:
        if watch is not None:
            watch.stop()
        servers.stop(proc)
    return proc.returncode  # type: ignore[no-any-return]
