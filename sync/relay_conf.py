"""The relay's server configuration, written from the paired devices (docs/relay.md, "Deployment").

``write(plan, out)`` lays out a folder a hub machine runs as it is (``nats-server -c hub.conf`` with
that folder as working directory, or ``veld relay serve --config DIR``), and one sub-folder per
leaf node:

    hub.conf          listen address, JetStream (file storage, domain "hub"), TLS, users, leaf port
    hub-cert.pem      the hub's own TLS certificate (Ed25519, self-signed); devices pin it
    hub-key.pem       its key (0600); also the hub's administrative nkey (it creates the mailboxes)
    devices.pem       the trust store: the certificates of every paired, unrevoked device
    relay.json        what ``serve`` sets up: nodes, devices (for their consumers), leaves
    store/            JetStream's files (created by nats-server)
    leaf-<node>/      the same for a node machine's leaf node (leaf.conf, leaf-cert.pem, ...)

The hub's key and the leaf passwords are made once and kept when the folder is written again, so
re-generating after a pairing or a revocation changes who may connect, not the hub's identity.
Relative paths in the configuration are relative to the folder: run the server from there.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.x509.oid import NameOID

from veldclient.files import atomic_write
from veldclient.sync import relay_names as names
from veldclient.sync import relay_nkeys

MAX_PAYLOAD = 2 << 20  # one message; a bundle travels in parts of PART_BYTES
PART_BYTES = 1 << 20
# A mailbox keeps a bundle this long or until the node's mailbox holds this much, then drops the
# oldest: a lost bundle costs nothing but a later, larger delta, since every push carries all
# changes since what the recipient acknowledged.
MAILBOX_MAX_AGE_S = 30 * 24 * 3600
MAILBOX_MAX_BYTES = 1 << 30
OUTBOX_MAX_AGE_S = 7 * 24 * 3600
OUTBOX_MAX_BYTES = 1 << 30
CONF_VERSION = 1
PUBLIC = 0o644  # certificates and the trust store; keys, passwords and configurations stay 0600


@dataclass(frozen=True)
class Device:
    device_id: str
    node_id: str
    cert_pem: str

    @property
    def nkey(self) -> str:
        return relay_nkeys.user_of_certificate(self.cert_pem)


@dataclass(frozen=True)
class Plan:
    devices: tuple[Device, ...]  # paired, unrevoked, and the writing device itself
    leaves: tuple[str, ...]  # nodes that run a leaf node
    listen: str = "0.0.0.0:4222"
    leaf_listen: str = "0.0.0.0:7422"
    hub_host: str = "localhost"  # how leaf nodes reach the hub (also in the hub certificate)
    leaf_client_listen: str = "0.0.0.0:4222"

    @property
    def nodes(self) -> tuple[str, ...]:
        return tuple(sorted({d.node_id for d in self.devices}))


def _quote(text: str) -> str:
    return json.dumps(text)


def permissions(device: Device, nodes: tuple[str, ...]) -> str:
    """A device may put bundles, under its own id, into the mailbox of any node of the region
    (node documents go to every node; which documents a bundle carries is the bundle's scope,
    checked again on import), and read and acknowledge only its own consumer on its own node's
    mailbox; replies reach it only on its own inbox."""
    publish = [names.subject(n, device.device_id) for n in nodes]
    publish += [
        *names.next_subjects(device.node_id, device.device_id),
        names.ack_subjects(device.node_id, device.device_id),
    ]
    allow_pub = ", ".join(_quote(s) for s in publish)
    allow_sub = _quote(names.inbox(device.device_id) + ".>")
    return f"{{ publish: {{ allow: [{allow_pub}] }}, subscribe: {{ allow: [{allow_sub}] }} }}"


def _users(admin_nkey: str, devices: tuple[Device, ...], nodes: tuple[str, ...]) -> str:
    lines = [f"    {{ nkey: {_quote(admin_nkey)} }}  # the server's own administration (mailboxes)"]
    for d in devices:
        lines.append(f"    # {d.node_id} / {d.device_id[:16]}")
        lines.append(f"    {{ nkey: {_quote(d.nkey)}, permissions: {permissions(d, nodes)} }}")
    return "\n".join(lines)


def hub_conf(plan: Plan, admin_nkey: str, leaf_passwords: dict[str, str]) -> str:
    leaf_users = "\n".join(
        f"      {{ user: {_quote(names.leaf_domain(n))}, password: {_quote(leaf_passwords[n])} }}"
        for n in plan.leaves
    )
    leafnodes = (
        f"""
leafnodes {{
  listen: {_quote(plan.leaf_listen)}
  tls {{ cert_file: "hub-cert.pem", key_file: "hub-key.pem", timeout: 5 }}
  authorization {{
    users = [
{leaf_users}
    ]
  }}
}}
"""
        if plan.leaves
        else ""
    )
    return f"""# veld relay hub (written by `veld relay config`; run it from this folder)
server_name: "veld-hub"
listen: {_quote(plan.listen)}
max_payload: {MAX_PAYLOAD}
jetstream {{
  store_dir: "store"
  domain: {_quote(names.HUB_DOMAIN)}
}}
tls {{
  cert_file: "hub-cert.pem"
  key_file: "hub-key.pem"
  ca_file: "devices.pem"
  verify: true
  timeout: 5
}}
authorization {{
  users = [
{_users(admin_nkey, plan.devices, plan.nodes)}
  ]
}}
{leafnodes}"""


def leaf_conf(plan: Plan, node_id: str, admin_nkey: str, password: str) -> str:
    devices = tuple(d for d in plan.devices if d.node_id == node_id)
    user = names.leaf_domain(node_id)
    host, _, port = plan.leaf_listen.rpartition(":")
    url = f"tls://{user}:{password}@{plan.hub_host}:{port}"
    return f"""# veld relay leaf node of {node_id} (written by `veld relay config`; run it from this folder)
server_name: {_quote("veld-" + user)}
listen: {_quote(plan.leaf_client_listen)}
max_payload: {MAX_PAYLOAD}
jetstream {{
  store_dir: "store"
  domain: {_quote(user)}
}}
tls {{
  cert_file: "leaf-cert.pem"
  key_file: "leaf-key.pem"
  ca_file: "devices.pem"
  verify: true
  timeout: 5
}}
authorization {{
  users = [
{_users(admin_nkey, devices, plan.nodes)}
  ]
}}
leafnodes {{
  reconnect: "1s"
  remotes = [
    {{
      url: {_quote(url)}
      tls {{ ca_file: "hub-cert.pem", timeout: 5 }}
      # bundles reach the hub only through its mailboxes' sourcing of this leaf's outbox, which
      # survives the link being down; plain messages on these subjects do not cross the link
      deny_exports: [{_quote(names.SUBJECT_ROOT + ".>")}]
      deny_imports: [{_quote(names.SUBJECT_ROOT + ".>")}]
    }}
  ]
}}
"""


# -- keys and certificates ------------------------------------------------------------------------


def _server_identity(folder: Path, stem: str, hosts: list[str]) -> ed25519.Ed25519PrivateKey:
    """The server's key (kept when present) and a certificate for it naming ``hosts``."""
    key_path = folder / f"{stem}-key.pem"
    if key_path.exists():
        loaded = serialization.load_pem_private_key(key_path.read_bytes(), None)
        assert isinstance(loaded, ed25519.Ed25519PrivateKey)
        key = loaded
    else:
        key = ed25519.Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        atomic_write(key_path, pem)  # 0600
    cert_path = folder / f"{stem}-cert.pem"
    if not cert_path.exists() or _hosts_of(cert_path) != sorted(set(hosts)):
        atomic_write(cert_path, _certificate(key, f"veld-relay-{stem}", hosts), mode=PUBLIC)
    return key


def _san(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def _hosts_of(cert_path: Path) -> list[str]:
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return sorted(
        {str(v) for v in san.get_values_for_type(x509.DNSName)}
        | {str(v) for v in san.get_values_for_type(x509.IPAddress)}
    )


def _certificate(key: ed25519.Ed25519PrivateKey, common_name: str, hosts: list[str]) -> bytes:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=20 * 365))
        .add_extension(x509.SubjectAlternativeName([_san(h) for h in sorted(set(hosts))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, None)
    )
    return cert.public_bytes(serialization.Encoding.PEM)


def _hosts(*extra: str) -> list[str]:
    return sorted({"localhost", "127.0.0.1", *(h for h in extra if h and h != "0.0.0.0")})


def _password(folder: Path, node_id: str) -> str:
    """A leaf's password, kept across re-generation (the hub and the leaf folder hold it)."""
    path = folder / f"leaf-{node_id}" / "leaf.password"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(24)
    atomic_write(path, value.encode())  # 0600
    return value


# -- the folder -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    folder: Path
    hub_conf: Path
    leaf_confs: tuple[Path, ...]
    devices: int
    nodes: tuple[str, ...]


def _host(listen: str) -> str:
    return listen.rpartition(":")[0]


def write(plan: Plan, out: Path) -> Written:
    out.mkdir(parents=True, exist_ok=True)
    hub_key = _server_identity(out, "hub", _hosts(plan.hub_host, _host(plan.listen), _host(plan.leaf_listen)))
    hub_cert = (out / "hub-cert.pem").read_text()
    trust = "".join(d.cert_pem for d in plan.devices) + hub_cert
    atomic_write(out / "devices.pem", trust.encode(), mode=PUBLIC)
    passwords = {n: _password(out, n) for n in plan.leaves}
    atomic_write(out / "hub.conf", hub_conf(plan, relay_nkeys.user_of_key(hub_key), passwords).encode())
    _describe(out, "hub", plan, plan.devices)
    leaf_confs = []
    for node in plan.leaves:
        folder = out / f"leaf-{node}"
        key = _server_identity(folder, "leaf", _hosts(_host(plan.leaf_client_listen)))
        mine = tuple(d for d in plan.devices if d.node_id == node)
        atomic_write(folder / "hub-cert.pem", hub_cert.encode(), mode=PUBLIC)
        atomic_write(
            folder / "devices.pem",
            ("".join(d.cert_pem for d in mine) + (folder / "leaf-cert.pem").read_text()).encode(),
            mode=PUBLIC,
        )
        conf = leaf_conf(plan, node, relay_nkeys.user_of_key(key), passwords[node])
        atomic_write(folder / "leaf.conf", conf.encode())  # 0600: it holds the leaf's password
        _describe(folder, "leaf", plan, mine, node)
        leaf_confs.append(folder / "leaf.conf")
    return Written(out, out / "hub.conf", tuple(leaf_confs), len(plan.devices), plan.nodes)


def _describe(
    folder: Path, role: str, plan: Plan, devices: tuple[Device, ...], node: str | None = None
) -> None:
    """What ``serve`` sets up once the server runs: mailboxes (hub) or the outbox (leaf)."""
    body = {
        "version": CONF_VERSION,
        "role": role,
        "node": node,
        "listen": plan.leaf_client_listen if role == "leaf" else plan.listen,
        "nodes": list(plan.nodes),
        "leaves": list(plan.leaves),
        "devices": [{k: v for k, v in asdict(d).items() if k != "cert_pem"} for d in devices],
    }
    atomic_write(folder / "relay.json", json.dumps(body, indent=2).encode(), mode=PUBLIC)
