"""Which devices may write a node's document, and the check that enforces it on every merge.

A node document (``node:<id>``: capacity, slots, bookings, erasures, device list) is written only by
that node's devices. Every Automerge actor id starts with the writing device's **tag** (the first 8
bytes of its device id, which is the SHA-256 of its certificate) followed by 8 random bytes per
session, so each change names the device that made it. On merge, every change new to this replica
must come from a device trusted for that node, or from the document's genesis actor; otherwise the
whole merge is refused and the local copy stays as it was.

Trust for node X: devices in the local registry (this device; devices paired by an admin) whose
certificate names node X and are not revoked, plus devices listed in X's own document whose entry is
signed by a device already trusted for X (so a node can introduce its new laptop to the mesh without
every peer pairing it by hand). Revocation is a signed entry in the same document and wins.

For a node X other than the reader's own, one more source counts: devices of X that an **admin** of
the reader's own node introduced in the own node document (:func:`introductions`; an admin pairing
another node's device writes that entry). A nurse's laptop cannot pair, yet must see every node's
capacity: its node's admin pairs once for the whole node. Only an admin's signature counts there
(an admin device trusted through admins alone, :func:`_admins`), so a stolen nurse laptop cannot
make its node trust a fake device of another node; and X's own signed revocation still wins.

Entries live twice in the node document. ``devices[<device>]`` is the latest entry for display.
``attestations["<device>/<signer>/<action>"]`` keeps every signer's entry under its own key: two
devices that introduce the same laptop concurrently (its own self-signed entry at set-up, and the
admin's when pairing it) would otherwise conflict on ``devices[<device>]``, Automerge would keep one
at random, and a replica that trusts only the losing signer would refuse the node's changes.
Trust is resolved over both maps, so no signature is ever lost to a conflict.
"""

from __future__ import annotations

import functools
import hashlib
import json
import secrets
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeGuard

import sqlite_utils

from veldclient.errors import ValidationError, VeldError

if TYPE_CHECKING:
    from veldclient.identity import PeerCertificate
    from veldclient.store.docstore import Editor

TAG_BYTES = 8


def device_tag(device_id: str) -> bytes:
    return bytes.fromhex(device_id)[:TAG_BYTES]


def session_actor(device_id: str) -> bytes:
    """Device tag + fresh randomness: two processes of one device never share an actor."""
    return device_tag(device_id) + secrets.token_bytes(16 - TAG_BYTES)


def genesis_actor(doc_id: str) -> bytes:
    return hashlib.sha256(b"veld-genesis:" + doc_id.encode()).digest()[:16]


class NodeWriteRejected(VeldError):
    """Changes to a node document by a device that does not belong to that node."""

    def __init__(self, doc_id: str, tags: Iterable[str]) -> None:
        shown = ", ".join(sorted(tags))
        super().__init__(
            f"Wijzigingen aan {doc_id} geweigerd: gemaakt door een apparaat dat niet bij dit knooppunt hoort"
            f" ({shown}).",
            f"Changes to {doc_id} refused: made by a device that does not belong to this node ({shown}).",
        )
        self.doc_id = doc_id


def ensure_schema(db: sqlite_utils.Database) -> None:
    if "trusted_devices" not in db.table_names():
        db.table("trusted_devices").create(
            {
                "device_id": str,
                "tag": str,
                "node_id": str,
                "source": str,
                "cert_pem": str,
                "added_at": int,
                "revoked": int,
            },
            pk="device_id",
            defaults={"revoked": 0},
        )
        db.table("trusted_devices").create_index(["tag"])


def register(
    db: sqlite_utils.Database, device_id: str, node_id: str, source: str, cert_pem: str | None, now_ms: int
) -> None:
    db.execute(
        "INSERT INTO trusted_devices (device_id, tag, node_id, source, cert_pem, added_at, revoked)"
        " VALUES (?, ?, ?, ?, ?, ?, 0) ON CONFLICT(device_id) DO UPDATE SET node_id = excluded.node_id,"
        " source = excluded.source, cert_pem = coalesce(excluded.cert_pem, cert_pem)",
        [device_id, device_tag(device_id).hex(), node_id, source, cert_pem, now_ms],
    )


def entry_payload(device_id: str, node_id: str, action: str) -> bytes:
    """What a device-list entry's signature covers."""
    return json.dumps({"device_id": device_id, "node_id": node_id, "action": action}, sort_keys=True).encode()


def attestation_key(entry: Mapping[str, Any]) -> str:
    action = "revoke" if entry.get("revoked") else "add"
    return f"{entry['device_id']}/{entry['added_by']}/{action}"


def record_entry(editor: Editor, entry: dict[str, Any], *, display: bool = True) -> None:
    """Write a signed device-list entry: its own conflict-free attestation, and (unless the display
    entry should stay as it is) the display entry under ``devices``."""
    if display:
        editor.set(("devices", entry["device_id"]), entry)
    editor.set(("attestations", attestation_key(entry)), entry)


def node_entries(node_root: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    """Every signed device-list entry of a node document (display entries and attestations)."""
    root = node_root or {}
    found: list[Mapping[str, Any]] = []
    for source in (root.get("devices"), root.get("attestations")):
        found.extend(e for e in (source or {}).values() if isinstance(e, Mapping) and e.get("device_id"))
    return found


Introduced = Mapping[str, str]  # {device id: certificate} of another node's devices, see introductions()


def trusted_tags(
    db: sqlite_utils.Database,
    node_id: str,
    node_root: Mapping[str, Any] | None,
    introduced: Introduced | None = None,
) -> set[bytes]:
    """Tags of every device trusted to write ``node:<node_id>`` (registry + signed document entries)."""
    certs, revoked = resolve_devices(db, node_id, node_root, introduced)
    return {device_tag(d) for d in certs if d not in revoked}


def revoked_devices(
    db: sqlite_utils.Database,
    node_id: str,
    node_root: Mapping[str, Any] | None,
    introduced: Introduced | None = None,
) -> set[str]:
    """Devices of ``node_id`` revoked locally or by a validly signed entry in its node document."""
    return resolve_devices(db, node_id, node_root, introduced)[1]


def resolve_devices(
    db: sqlite_utils.Database,
    node_id: str,
    node_root: Mapping[str, Any] | None,
    introduced: Introduced | None = None,
) -> tuple[dict[str, str | None], set[str]]:
    """(certificates of devices known for the node, revoked device ids). ``introduced``: the node's
    devices the reader's own node introduced (:func:`introductions`), trusted like paired ones."""
    certs, revoked = _registry(db, node_id)
    for device_id, cert in (introduced or {}).items():
        certs.setdefault(device_id, cert)
    entries = node_entries(node_root)
    changed = True
    while changed:  # fixpoint: an entry counts once the device that signed it is trusted
        changed = False
        for entry in entries:
            device_id = entry["device_id"]
            action = "revoke" if entry.get("revoked") else "add"
            if not _vouched(entry, node_id, action, certs):
                continue
            if action == "revoke" and device_id not in revoked:
                revoked.add(device_id)
                changed = True
            elif action == "add" and device_id not in certs and _names(entry.get("cert"), device_id):
                certs[device_id] = entry["cert"]
                changed = True
    return certs, revoked


def registry_rows(db: sqlite_utils.Database, node_id: str) -> list[tuple[str, str | None, int]]:
    """(device id, certificate, revoked) of the node's devices in the local registry."""
    return db.execute(
        "SELECT device_id, cert_pem, revoked FROM trusted_devices WHERE node_id = ? ORDER BY device_id",
        [node_id],
    ).fetchall()


def _registry(db: sqlite_utils.Database, node_id: str) -> tuple[dict[str, str | None], set[str]]:
    """(certificates, revoked ids) of the node's devices in the local registry."""
    certs: dict[str, str | None] = {}
    revoked: set[str] = set()
    for device_id, cert, is_revoked in registry_rows(db, node_id):
        if is_revoked:
            revoked.add(device_id)
        else:
            certs[device_id] = cert
    return certs, revoked


def _vouched(entry: Mapping[str, Any], node_id: str, action: str, signers: Mapping[str, str | None]) -> bool:
    """Whether ``entry`` is ``action`` on a device of ``node_id``, validly signed by one of ``signers``."""
    signer = entry.get("added_by")
    if not isinstance(signer, str) or not signers.get(signer) or entry.get("node_id") != node_id:
        return False
    payload = entry_payload(entry["device_id"], node_id, action)
    return _signed(signers[signer], payload, entry.get("signature"))


def introductions(
    db: sqlite_utils.Database, own_node_id: str, own_root: Mapping[str, Any] | None
) -> dict[str, dict[str, str]]:
    """{other node: {device id: certificate}}: devices of other nodes introduced in the own node's
    document by one of its admins (:func:`_admins`). An entry counts only with a valid signature
    over (device, that node, "add"), the certificate whose SHA-256 is the device id, and that
    certificate naming that node. Entries for the own node are its device list
    (:func:`resolve_devices`), never an introduction of another node's device."""
    entries = node_entries(own_root)
    admins = _admins(db, own_node_id, entries, resolve_devices(db, own_node_id, own_root)[1])
    found: dict[str, dict[str, str]] = {}
    for entry in entries:
        other, device_id, cert = entry.get("node_id"), entry["device_id"], entry.get("cert")
        if not isinstance(other, str) or other == own_node_id or entry.get("revoked"):
            continue
        if not _names(cert, device_id):
            continue
        facts = _certificate(cert)
        if facts is not None and facts.node_id == other and _vouched(entry, other, "add", admins):
            found.setdefault(other, {})[device_id] = cert
    return found


def _admins(
    db: sqlite_utils.Database, node_id: str, entries: list[Mapping[str, Any]], revoked: set[str]
) -> dict[str, str]:
    """{device id: certificate} of the node's admin devices that may introduce other nodes' devices:
    not revoked, certificate saying admin of this node, and trusted by admins alone: in the local
    registry (this device, one paired by hand or pinned by an invitation), or introduced by such an
    admin. A nurse's device may introduce a device whose certificate claims admin, but that device
    gets no say over other nodes: a stolen laptop cannot make its node trust a fake other node."""
    paired = _registry(db, node_id)[0]
    admins = {d: c for d, c in paired.items() if c and d not in revoked and _is_admin_of(c, node_id)}
    return _grow_admins(admins, node_id, entries, revoked)


def _grow_admins(
    admins: dict[str, str], node_id: str, entries: list[Mapping[str, Any]], revoked: set[str]
) -> dict[str, str]:
    """``admins`` plus every admin device the node's own document lists with a signature of an
    admin already trusted: a fixpoint, as in resolve_devices, over admins' signatures only."""
    changed = True
    while changed:
        changed = False
        for entry in entries:
            device_id, cert = entry["device_id"], entry.get("cert")
            if device_id in admins or device_id in revoked or not _names(cert, device_id):
                continue
            if _is_admin_of(cert, node_id) and _vouched(entry, node_id, "add", admins):
                admins[device_id] = cert
                changed = True
    return admins


def _is_admin_of(cert: str, node_id: str) -> bool:
    facts = _certificate(cert)
    return facts is not None and facts.node_id == node_id and facts.role.upper() == "ADMIN"


@functools.lru_cache(maxsize=1024)
def _certificate(cert: str) -> PeerCertificate | None:
    """What a certificate says (node, role), or None for one that is not a device certificate;
    remembered, since trust is resolved again on every merge and every call a peer makes."""
    from veldclient.identity import read_peer_certificate

    try:
        return read_peer_certificate(cert)
    except ValidationError:
        return None


def _signed(cert: Any, payload: bytes, signature_hex: Any) -> bool:
    """Whether a device entry's signature holds. Every call a peer makes resolves the device list
    again (is the caller revoked?), and parsing a certificate and verifying costs ~0.15 ms per
    entry, so answers are remembered; they depend only on the arguments. Values from a document
    that are not text (a hostile entry) are simply not signed."""
    if not isinstance(cert, str) or not isinstance(signature_hex, str):
        return False
    return _signed_text(cert, payload, signature_hex)


def _names(cert: Any, device_id: str) -> TypeGuard[str]:
    """Whether ``cert`` is the certificate whose SHA-256 is ``device_id``: the signature covers the
    device id, so the certificate stored beside it must be the one that id was made from."""
    return isinstance(cert, str) and _cert_id(cert) == device_id


@functools.lru_cache(maxsize=1024)
def _cert_id(cert: str) -> str | None:
    from veldclient.identity import device_id_of

    try:
        return device_id_of(cert.encode("ascii"))
    except (ValueError, TypeError, UnicodeEncodeError):
        return None


@functools.lru_cache(maxsize=4096)
def _signed_text(cert: str, payload: bytes, signature_hex: str) -> bool:
    from veldclient.identity import verify_signature

    try:
        signature = bytes.fromhex(signature_hex)
    except ValueError:
        return False
    return verify_signature(cert, payload, signature)


ChangeMeta = tuple[bytes, bytes, list[bytes]]  # (actor, hash, deps), as store.boundary.change_meta


def check_changes(
    doc_id: str,
    node_id: str,
    new_changes: Iterable[ChangeMeta],
    allowed: set[bytes],
    all_changes: Callable[[], list[ChangeMeta]] | None = None,
    deterministic: Callable[[], Mapping[bytes, bytes]] | None = None,
) -> None:
    """Refuse when a new change is neither the genesis (the genesis actor's change that depends on
    nothing), nor one of the document's deterministic container changes (``deterministic`` gives
    {actor: hash} of those; store/containers.py), nor a trusted device's. Anyone can name an actor,
    so those two are accepted only as exactly the changes every device makes.

    One exception keeps revocation from breaking the mesh: a change by a no-longer-trusted device is
    accepted when a trusted device has built on it (it is an ancestor of a trusted change), because
    that device accepted it while the author was still trusted. Every device of the node wrote its own
    "add" entry at set-up; without this, revoking a laptop would make its node document unmergeable
    for any replica that has not seen it yet. What the revoked device writes afterwards, with no
    trusted change on top, is refused.
    """
    genesis = genesis_actor(doc_id)
    made_by_all: Mapping[bytes, bytes] | None = None

    def ok(actor: bytes, change_hash: bytes, deps: list[bytes]) -> bool:
        nonlocal made_by_all
        if actor[:TAG_BYTES] in allowed:
            return True
        if actor == genesis:
            return not deps
        if made_by_all is None:
            made_by_all = deterministic() if deterministic is not None else {}
        return made_by_all.get(actor) == change_hash

    suspect = [c for c in new_changes if not ok(*c)]
    if not suspect:
        return
    vouched: set[bytes] = set()
    if all_changes is not None:
        changes = all_changes()
        deps = {h: d for _, h, d in changes}
        stack = [dep for actor, h, d in changes if ok(actor, h, d) for dep in d]
        while stack:
            h = stack.pop()
            if h not in vouched:
                vouched.add(h)
                stack.extend(deps.get(h, ()))
    bad = {actor[:TAG_BYTES].hex() for actor, h, _ in suspect if h not in vouched}
    if bad:
        raise NodeWriteRejected(doc_id, bad)


# --- founding and retiring a node ----------------------------------------------------------------
#
# A node outside the reference data exists for the mesh once its node document carries a founding
# entry signed by one of that node's admin devices; it stops being a referral target once the
# document carries a retirement entry signed the same way. The document's changes are already
# checked on merge (only the node's devices write it, :func:`check_changes`); the signature adds
# that an ADMIN of the node founded or retired it, not any of its laptops. Which admin devices
# count (:func:`node_admins`): not revoked, certificate saying admin of that node, trusted through
# admins alone — paired by hand, pinned by an invitation, introduced by an admin of the reader's
# own node, or added in the node's document by such an admin — so a stolen nurse laptop that mints
# itself an "admin" certificate cannot found or retire its node.


def node_act_payload(node_id: str, action: str, fields: Mapping[str, Any]) -> bytes:
    """What a founding ("found") or retirement ("retire") entry's signature covers."""
    return json.dumps({"node": node_id, "action": action, **fields}, sort_keys=True).encode()


def node_admins(
    db: sqlite_utils.Database,
    node_id: str,
    node_root: Mapping[str, Any] | None,
    introduced: Introduced | None = None,
) -> dict[str, str]:
    """{device id: certificate} of the admin devices of ``node_id`` this replica trusts: those of
    :func:`_admins`, plus the node's admins that the reader's own admins introduced."""
    entries = node_entries(node_root)
    revoked = resolve_devices(db, node_id, node_root, introduced)[1]
    admins = _admins(db, node_id, entries, revoked)
    for device_id, cert in (introduced or {}).items():
        if device_id not in revoked and _names(cert, device_id) and _is_admin_of(cert, node_id):
            admins.setdefault(device_id, cert)
    return _grow_admins(admins, node_id, entries, revoked)  # introduced admins vouch too


def node_act_signed(
    entry: Any, node_id: str, action: str, fields: Mapping[str, Any], admins: Mapping[str, str]
) -> bool:
    """Whether ``entry`` (``{"by": device, "signature": hex, ...}``) is ``action`` on ``node_id`` over
    ``fields``, signed by one of ``admins``."""
    if not isinstance(entry, Mapping):
        return False
    signer = entry.get("by")
    if not isinstance(signer, str) or signer not in admins:
        return False
    return _signed(admins[signer], node_act_payload(node_id, action, fields), entry.get("signature"))
