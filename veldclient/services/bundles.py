"""USB bundles: carry changes between sites that share no network (DESIGN §4, docs/bundles.md).

Export: every document all recipient nodes may see (sync/scope.py), as a delta where every
recipient device acknowledged the same heads, else whole; sealed to every chosen device
(sync/bundle.py) and written ``.part`` → fsync → rename, in the transaction that takes the
sequence number and writes the audit entry. Import: refuse before decrypting what is not signed by
a paired, unrevoked device or not addressed here; decrypt; check every hash; apply all or nothing in
one transaction; check the promised heads arrived; record the ledger, the sender's acknowledgements
and the audit entry. A bundle that fails is copied to the profile's quarantine folder with the
reason, and the database is left as it was (the refusal itself is audited).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from veldclient import progress as prog
from veldclient.errors import CorruptDocument, NotFound, ProfileBusy, VeldError
from veldclient.progress import Progress, quiet
from veldclient.services import conflicts
from veldclient.session import Session
from veldclient.store import boundary, prepare
from veldclient.store.heads import Heads
from veldclient.store.repo import APPLIED_FIRST, OUT_OF_SCOPE, Repo, doc_id_for, kind_of
from veldclient.sync import acks, age_keys, bundle, bundle_ledger, peers
from veldclient.sync.bundle import BundleRefused, DocEntry, Header, Manifest
from veldclient.sync.peers import Peer
from veldclient.sync.replica import Replica
from veldclient.sync.scope import Scope

EXPORT_STEPS = ("bundle.plan", "bundle.collect", "bundle.seal", "bundle.write")
IMPORT_STEPS = ("bundle.read", "bundle.apply")  # per bundle; a folder adds "bundle.files" before them
APPLY_BATCH = 2_000  # documents merged per call in an import (all in its one transaction)
QUARANTINE_DIR = ("quarantine", "bundles")
QUARANTINE_PREFIX = 1 << 20  # bytes of a refused file kept: its header, signature and a start
WARM_FROM_BYTES = 1 << 20  # from about 2,000 documents the merge uses worker processes (prepare.py)
CONFLICT_KINDS = frozenset({"placement", "helpreq", "node"})  # what the conflict providers read
_NOT_QUARANTINED = frozenset({"not_bundle", "part", "unreadable", "not_file"})
# a document kind (store/repo.KINDS) -> (nl, en), as a bundle's summary counts them
KIND_NAMES = {
    "case": ("dossiers", "cases"),
    "placement": ("plaatsingsverzoeken", "placement requests"),
    "volunteer": ("vrijwilligers", "volunteers"),
    "mantelzorger": ("mantelzorgers", "informal carers"),
    "helpreq": ("hulpvragen", "help requests"),
    "node": ("knooppunten", "nodes"),
    "share": ("deellijsten", "share lists"),
}


def kinds_said(counts: dict[str, int], lang: str) -> str:
    """Documents counted per kind, in words (``dossiers 3, knooppunten 1``); none: a dash."""
    i = 0 if lang == "nl" else 1
    return ", ".join(f"{KIND_NAMES.get(k, (k, k))[i]} {n}" for k, n in counts.items()) or "-"


class NoRecipient(VeldError):
    """``--to`` names nothing this device may send to."""


# -- recipients ------------------------------------------------------------------------------


def recipient_choices(session: Session) -> list[Peer]:
    """Paired, unrevoked devices, by node then name (the TUI's list, which names :class:`Peer` from here)."""
    return sorted(peers.usable_peers(session.repo), key=lambda p: (p.node_id, p.name))


def resolve_recipients(session: Session, refs: list[str]) -> list[peers.Peer]:
    """Each ref is a node id (all its usable paired devices) or one device (name or id)."""
    usable = recipient_choices(session)
    chosen: dict[str, peers.Peer] = {}
    for ref in refs:
        of_node = [p for p in usable if p.node_id == ref]
        if of_node:
            chosen.update((p.device_id, p) for p in of_node)
            continue
        try:
            peer = peers.find(session.db, ref)
        except NotFound:
            raise NoRecipient(
                f"'{ref}' is geen knooppunt met een gekoppeld apparaat en geen gekoppeld apparaat.",
                f"'{ref}' is neither a node with a paired device nor a paired device.",
            ) from None
        chosen[peer.device_id] = peers.usable(session.repo, peer.device_id)
    if not chosen:
        raise NoRecipient("Kies minstens één ontvanger (--to).", "Choose at least one recipient (--to).")
    return sorted(chosen.values(), key=lambda p: (p.node_id, p.name))


# -- export ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportResult:
    path: Path
    bundle_id: str
    seq: int
    kind: str
    recipients: tuple[str, ...]  # peer names
    recipient_nodes: tuple[str, ...]
    full: int
    delta: int
    by_kind: dict[str, int]
    size: int
    skipped: tuple[tuple[str, str], ...] = ()  # (doc id, reason): damaged here, left out

    @property
    def documents(self) -> int:
        return self.full + self.delta

    def as_json(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "bundle_id": self.bundle_id,
            "seq": self.seq,
            "kind": self.kind,
            "recipients": list(self.recipients),
            "recipient_nodes": list(self.recipient_nodes),
            "documents": self.documents,
            "full": self.full,
            "delta": self.delta,
            "by_kind": self.by_kind,
            "bytes": self.size,
            "skipped": [list(s) for s in self.skipped],
        }


@dataclass(frozen=True)
class _Planned:
    doc_id: str
    heads: Heads
    base: Heads | None  # acknowledged heads: a delta from there; None: the whole document


def _plan(session: Session, recipients: list[peers.Peer], full: bool) -> list[_Planned]:
    """What every recipient node may see, minus what every recipient device already holds."""
    scope = Scope(session.repo)
    nodes = sorted({p.node_id for p in recipients})
    visible = [{v.doc_id: v.heads for v in scope.visible(n)} for n in nodes]
    common = set(visible[0]).intersection(*visible[1:])
    acked = [acks.known(session.db, p.device_id) for p in recipients]
    out = []
    for doc_id in sorted(common):
        heads = visible[0][doc_id]
        bases = {a.get(doc_id) for a in acked}
        base = bases.pop() if len(bases) == 1 else None
        if full or base is None:
            out.append(_Planned(doc_id, heads, None))
        elif not base.issuperset(heads):  # else they hold all we have
            out.append(_Planned(doc_id, heads, base))
    return out


def plan_fingerprint(session: Session, to: list[str]) -> tuple[int, str]:
    """(documents an export to ``to`` would carry now, a fingerprint of exactly what): the relay
    pushes again only when this changes, so pushing with nothing new sends nothing."""
    recipients = resolve_recipients(session, to)
    plan = _plan(session, recipients, False)
    body = [
        sorted(p.device_id for p in recipients),
        [[p.doc_id, p.heads.text, None if p.base is None else p.base.text] for p in plan],
    ]
    return len(plan), hashlib.sha256(json.dumps(body).encode()).hexdigest()


def _collect(
    session: Session, plan: list[_Planned], say: Progress
) -> tuple[list[DocEntry], list[tuple[str, str]]]:
    repo = session.repo
    entries: list[DocEntry] = []
    skipped: list[tuple[str, str]] = []
    counter = prog.Counter(say, "bundle.collect", len(plan))
    for item in plan:
        after, base = item.heads, item.base
        try:
            if base is None or not repo.has_heads(item.doc_id, base):
                entries.append(bundle.entry(item.doc_id, "full", [], after, repo.stored_bytes(item.doc_id)))
            else:
                entries.append(
                    bundle.entry(item.doc_id, "delta", base, after, repo.push_message(item.doc_id, base))
                )
        except (CorruptDocument, KeyError) as exc:
            skipped.append((item.doc_id, exc.reason if isinstance(exc, CorruptDocument) else "missing"))
        counter.add()
    return entries, skipped


def export_bundle(
    session: Session,
    to: list[str],
    out_dir: Path,
    *,
    full: bool = False,
    progress: Progress = quiet,
    medium: str = "portable",
) -> ExportResult:
    """One bundle in ``out_dir``: written whole under its name or not at all (``.part``, then a
    rename); the sequence number, ledger row and audit entry commit only with the file."""
    session.require_device("bundles.export_bundle", "bundle")
    say = progress
    recipients = resolve_recipients(session, to)
    say("bundle.plan", 0, None)
    plan = _plan(session, recipients, full)
    entries, skipped = _collect(session, plan, say)
    result = _write(session, recipients, "data", entries, (), Path(out_dir), say, medium)
    return replace(result, skipped=tuple(skipped))


def _write(
    session: Session,
    recipients: list[peers.Peer],
    kind: str,
    entries: list[DocEntry],
    ack_items: tuple[tuple[str, Heads], ...],
    out_dir: Path,
    say: Progress,
    medium: str = "portable",
) -> ExportResult:
    """Seal and write one bundle; sequence, ledger row and audit entry commit only if the file is
    complete on disk, so a failed write changes nothing here."""
    sealed_to = [age_keys.recipient_for_certificate(p.cert_pem) for p in recipients]
    nodes = tuple(sorted({p.node_id for p in recipients}))
    bundle_id = secrets.token_hex(8)
    with session.transaction():
        seq = bundle_ledger.next_seq(session.db)
        header = Header(
            bundle_id=bundle_id,
            kind=kind,
            sender_device=session.actor.device_id,
            sender_node=session.actor.node_id,
            seq=seq,
            created_at=session.now(),
            recipients=tuple(p.device_id for p in recipients),
            recipient_nodes=nodes,
        )
        say("bundle.seal", 0, None)
        data = bundle.seal(
            header,
            bundle.encode_manifest(Manifest(header, tuple(entries), ack_items)),
            session.device,
            sealed_to,
        )
        say("bundle.write", 0, None)
        name = bundle.file_name(session.actor.node_id, seq, bundle_id)
        bundle_ledger.record_export(
            session.db,
            seq,
            bundle_id,
            kind,
            name,
            [p.device_id for p in recipients],
            len(entries),
            len(data),
            session.now(),
        )
        by_kind = dict(sorted(Counter(kind_of(e.doc_id) for e in entries).items()))
        delta = sum(1 for e in entries if e.kind == "delta")
        session.audit(
            "bundle.export",
            "E",
            "bundle",
            object_id=bundle_id,
            basis_authorisation=True,
            detail={
                "medium": medium,
                "kind": kind,
                "seq": seq,
                "recipient_nodes": ",".join(nodes),
                "recipient_devices": len(recipients),
                "documents": len(entries),
                "delta": delta,
                "acks": len(ack_items),
                "bytes": len(data),
            },
        )
        path = bundle.write_atomically(out_dir, name, data)
    return ExportResult(
        path=path,
        bundle_id=bundle_id,
        seq=seq,
        kind=kind,
        recipients=tuple(p.name for p in recipients),
        recipient_nodes=nodes,
        full=len(entries) - delta,
        delta=delta,
        by_kind=by_kind,
        size=len(data),
    )


# -- import ----------------------------------------------------------------------------------


@dataclass
class ImportResult:
    file: str
    status: str  # imported | duplicate | skipped
    bundle_id: str = ""
    kind: str = ""
    sender_name: str = ""
    sender_device: str = ""
    sender_node: str = ""
    seq: int = 0
    documents: int = 0
    changed: dict[str, int] = field(default_factory=dict)
    refused: list[tuple[str, str]] = field(default_factory=list)
    conflicts_raised: int = 0
    flag: str | None = None  # older: a newer bundle from this sender came first; seq_reused
    acks: int = 0
    ack_file: str | None = None
    reason: str | None = None  # why a file in a folder was skipped

    def as_json(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["refused"] = [list(r) for r in self.refused]
        return data


def quarantine_dir(session: Session) -> Path:
    return session.profile.dir.joinpath(*QUARANTINE_DIR)


def import_bundle(
    session: Session,
    path: Path,
    *,
    ack_out: Path | None = None,
    progress: Progress = quiet,
    medium: str = "portable",
) -> ImportResult:
    """Import one bundle file; BundleRefused (one line, quarantined when it looks like a bundle).
    Its documents are applied in one transaction: interrupted, the import stores nothing."""
    session.require_device("bundles.import_bundle", "bundle")
    path = Path(path)
    try:
        if path.name.endswith(bundle.PART_SUFFIX):
            raise BundleRefused(
                "part",
                f"{path.name} is een onvolledige export (.part) en wordt genegeerd; exporteer opnieuw.",
                f"{path.name} is an unfinished export (.part) and is ignored; export again.",
            )
        result = _import(session, path, progress, medium)
    except (VeldError, OSError) as exc:
        refusal = refusal_for(exc)
        if refusal is None:
            raise
        raise _refused(session, path, refusal, medium) from None
    if ack_out is not None and result.kind == "data":
        result.ack_file = str(write_ack(session, result, Path(ack_out)).path)
    return result


def refusal_for(exc: VeldError | OSError) -> BundleRefused | None:
    """The one place where whatever one file made the import raise becomes that file's refusal.

    The format (sync/bundle.py) already turns every parse error of the header, the age ciphertext,
    the deflate stream and the CBOR manifest into ``BundleRefused``. What is left comes from the
    layers a file's contents reach: the peer registry (a sender not paired or revoked), identity
    parsing (a device id), Automerge and the projection (documents that do not load or are not the
    record they claim to be), and the disk (a stick pulled mid-read). None: not about this file
    (another process holds the profile), so it ends the import as it would any command."""
    if isinstance(exc, BundleRefused):
        return exc
    if isinstance(exc, peers.PeerRefused):
        return BundleRefused("sender", exc.nl, exc.en)
    if isinstance(exc, ProfileBusy):
        return None
    if isinstance(exc, OSError):
        return bundle.unreadable(Path(exc.filename or "?"), exc)
    return BundleRefused(
        "invalid",
        f"Bundel geweigerd, niets is opgeslagen: {exc.nl}",
        f"Bundle refused, nothing was stored: {exc.en}",
    )


def _refused(session: Session, path: Path, exc: BundleRefused, medium: str = "portable") -> BundleRefused:
    """Quarantine a copy, audit the refusal; the one line names where the copy went."""
    note_nl = note_en = ""
    if exc.code not in _NOT_QUARANTINED:
        kept = _quarantine(session, path, exc)
        if kept is not None:
            note_nl, note_en = f" Kopie in quarantaine: {kept}", f" Copy quarantined: {kept}"
    try:
        with session.transaction():
            session.audit(
                "bundle.import",
                "E",
                "bundle",
                outcome="error",
                detail={"medium": medium, "file": path.name, "refused": exc.code},
            )
    except VeldError:
        pass  # a refusal is reported even when the log cannot be written (disk full)
    return BundleRefused(exc.code, exc.nl + note_nl, exc.en + note_en)


def _quarantine(session: Session, path: Path, exc: BundleRefused) -> Path | None:
    """Keep at most ``QUARANTINE_PREFIX`` bytes of the file (a 4 GB file on a stick must not fill
    the profile's disk), with the SHA-256 and size of the whole file, read a block at a time."""
    folder = quarantine_dir(session)
    target = folder / path.name
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with bundle.open_regular(path) as f:
            start = f.read(QUARANTINE_PREFIX)
            target.write_bytes(start)
            f.seek(0)
            size, sha256 = bundle.file_sha256(f)
        note = {
            "file": str(path),
            "code": exc.code,
            "reason_nl": exc.nl,
            "reason_en": exc.en,
            "size": size,
            "sha256": sha256,
            "kept_bytes": len(start),
        }
        (folder / (path.name + ".reason.json")).write_text(
            json.dumps({**note, "at": session.now()}, indent=2)
        )
    except (OSError, BundleRefused):
        return None
    return target


def _import(session: Session, path: Path, progress: Progress, medium: str) -> ImportResult:
    progress("bundle.read", 0, None)
    envelope = bundle.read(path)  # the clear header and the signature, nothing more
    h = envelope.header
    if h.sender_device == session.actor.device_id:
        raise BundleRefused(
            "own", "Deze bundel is door dit apparaat zelf gemaakt.", "This bundle was made by this device."
        )
    peer = peers.usable(session.repo, h.sender_device)
    if peer.node_id != h.sender_node:
        raise BundleRefused(
            "sender",
            f"Afzender {peer.name} hoort bij {peer.node_id}, niet bij {h.sender_node}.",
            f"Sender {peer.name} belongs to {peer.node_id}, not to {h.sender_node}.",
        )
    envelope.verify_header(peer.cert_pem)  # signature; declared length within the limit, = the file
    own_node = session.actor.node_id
    if own_node not in h.recipient_nodes:
        raise BundleRefused(
            "other_node",
            f"Deze bundel is bestemd voor {', '.join(h.recipient_nodes)}, niet voor {own_node}.",
            f"This bundle is addressed to {', '.join(h.recipient_nodes)}, not to {own_node}.",
        )
    if session.actor.device_id not in h.recipients:
        raise BundleRefused(
            "not_for_device",
            "Deze bundel is niet voor dit apparaat versleuteld (na de export gekoppeld?); vraag een nieuwe.",
            "This bundle is not encrypted for this device (paired after the export?); ask for a new one.",
        )
    if h.cipher_len >= WARM_FROM_BYTES:
        prepare.warm_up()  # worker processes start while the bundle is read, hashed and decrypted
    envelope.ciphertext  # noqa: B018 - read (as long as declared) and checked against the signed hash
    sha = h.cipher_sha256.hex()
    result = ImportResult(
        file=str(path),
        status="imported",
        bundle_id=h.bundle_id,
        kind=h.kind,
        sender_name=peer.name,
        sender_device=peer.device_id,
        sender_node=peer.node_id,
        seq=h.seq,
    )
    seen = bundle_ledger.seen(session.db, peer.device_id, h.seq, sha)
    if seen.duplicate is not None:  # signed and hashed: the very same bundle, no need to open it
        result.status, result.documents = "duplicate", seen.duplicate
        with session.transaction():
            _audit_import(session, result, medium)
        return result
    identity = age_keys.identity_for_key(session.device.private_key)
    manifest = bundle.decode_manifest(bundle.decrypt(envelope, identity))
    if replace(manifest.header, cipher_len=h.cipher_len, cipher_sha256=h.cipher_sha256) != h:
        raise BundleRefused(
            "inner_sender",
            "De inhoud van de bundel hoort niet bij de ondertekende kop.",
            "The bundle's contents do not match its signed header.",
        )
    bundle.check_hashes(manifest)
    result.documents = len(manifest.docs)
    if h.seq < seen.newest_seq:
        result.flag = "older"
    elif seen.same_seq_other_content:
        result.flag = "seq_reused"
    with session.transaction():
        again = bundle_ledger.seen(session.db, peer.device_id, h.seq, sha).duplicate
        if again is not None:  # another process imported it while this one decrypted
            result.status, result.documents = "duplicate", again
            _audit_import(session, result, medium)
            return result
        if h.kind == "ack":
            _apply_acks(session, peer, manifest, result)
        else:
            _apply_docs(session, peer, manifest, result, progress)
        bundle_ledger.record_import(
            session.db,
            sender_device=peer.device_id,
            seq=h.seq,
            sha256_hex=sha,
            bundle_id=h.bundle_id,
            kind=h.kind,
            sender_node=peer.node_id,
            file=path.name,
            docs=len(manifest.docs),
            changed=sum(result.changed.values()),
            flag=result.flag,
            now_ms=session.now(),
        )
        _audit_import(session, result, medium)
    return result


def _audit_import(session: Session, result: ImportResult, medium: str) -> None:
    session.audit(
        "bundle.import",
        "E",
        "bundle",
        object_id=result.bundle_id,
        basis_authorisation=True,
        detail={
            "medium": medium,
            "status": result.status,
            "kind": result.kind,
            "sender_device": result.sender_device,
            "sender_node": result.sender_node,
            "seq": result.seq,
            "documents": result.documents,
            "changed": sum(result.changed.values()),
            "refused": len(result.refused),
            "flag": result.flag,
        },
    )


def _apply_docs(
    session: Session, peer: peers.Peer, manifest: Manifest, result: ImportResult, progress: Progress = quiet
) -> None:
    """Whole documents in bulk, deltas as sync messages; then every promised head must be here.
    Node and share documents go first, whole or delta: a share listing that releases a request in
    this bundle usually travels as a delta (the first listing was acknowledged), and the request is
    only in scope once it is in. The own node document goes before them, whole or delta: the
    introductions it brings decide whether other nodes' documents are trusted (trust.introductions)."""
    repo = session.repo
    accept = Replica(session).accept_from(peer.node_id)
    watch = any(kind_of(d.doc_id) in CONFLICT_KINDS for d in manifest.docs)
    before = {c.id for c in conflicts.open_conflicts(session)} if watch else set()
    changed: list[str] = []
    refused: list[tuple[str, str]] = []
    own = doc_id_for("node", session.actor.node_id)
    first = [d for d in manifest.docs if kind_of(d.doc_id) in APPLIED_FIRST and d.doc_id != own]
    rest = [d for d in manifest.docs if kind_of(d.doc_id) not in APPLIED_FIRST]
    counter = prog.Counter(progress, "bundle.apply", len(manifest.docs))
    # the rest in batches, so progress moves between them (node and share documents decide trust
    # and scope for the rest, so they stay together and go first)
    batches = [[d for d in manifest.docs if d.doc_id == own], first]
    batches += [rest[start : start + APPLY_BATCH] for start in range(0, len(rest), APPLY_BATCH)]
    for part in batches:
        if not part:
            continue
        merged, failed = _apply_part(repo, part, accept)
        changed += merged
        refused += failed
        counter.add(len(part))
    skipped = {r[0] for r in refused}
    arrived = [d for d in manifest.docs if d.doc_id not in skipped]
    missing = repo.lacking([(d.doc_id, d.after) for d in arrived])
    if missing:
        raise BundleRefused(
            "heads",
            f"Na het inlezen ontbreken wijzigingen in {len(missing)} documenten (o.a. {missing[0]});"
            " niets is opgeslagen.",
            f"After applying, changes are missing in {len(missing)} documents (e.g. {missing[0]});"
            " nothing was stored.",
        )
    acks.record(session.db, peer.device_id, [(d.doc_id, d.after) for d in arrived], session.now())
    result.acks = len(arrived)
    result.refused = refused
    result.changed = dict(sorted(Counter(kind_of(d) for d in changed).items()))
    if watch and any(kind_of(d) in CONFLICT_KINDS for d in changed):
        result.conflicts_raised = len({c.id for c in conflicts.open_conflicts(session)} - before)


def _apply_part(
    repo: Repo, docs: list[DocEntry], accept: Callable[[str, str, str | None], bool]
) -> tuple[list[str], list[tuple[str, str]]]:
    """Whole documents in bulk, then deltas as sync messages (one batch): (changed, refused)."""
    changed, refused = repo.merge_many([(d.doc_id, d.data) for d in docs if d.kind == "full"], accept)
    refused = list(refused)
    deltas = []
    for d in (d for d in docs if d.kind == "delta"):
        info = repo.info(d.doc_id)
        if info is None or info.quarantined:
            reason = "erased" if repo.is_erased(d.doc_id) else "base missing here: ask for a --full export"
            refused.append((d.doc_id, reason))
        elif not accept(d.doc_id, info.kind, info.node_id):
            refused.append((d.doc_id, OUT_OF_SCOPE))
        else:
            deltas.append((d.doc_id, boundary.new_sync_state(), d.data))
    merged, failed = repo.receive_sync_many(deltas)
    return changed + merged, refused + failed


def _apply_acks(session: Session, peer: peers.Peer, manifest: Manifest, result: ImportResult) -> None:
    """The peer holds these heads now: the next export to it can be a delta."""
    known = [(d, h) for d, h in manifest.acks if session.repo.holds(d)]
    acks.record(session.db, peer.device_id, known, session.now())
    result.acks = len(known)


def write_ack(
    session: Session, imported: ImportResult, out_dir: Path, medium: str = "portable"
) -> ExportResult:
    """A small bundle back to the sender: which of its heads we hold (recorded when we imported
    them). Its heads, not ours: ours may hold changes it has never seen and could not use as a base."""
    peer = peers.usable(session.repo, imported.sender_device)
    repo = session.repo
    acked = sorted(acks.known(session.db, peer.device_id).items())
    held = tuple(
        (doc_id, heads) for doc_id, heads in acked if repo.holds(doc_id) and repo.has_heads(doc_id, heads)
    )
    return _write(session, [peer], "ack", [], held, out_dir, quiet, medium)


# -- a folder (a mounted stick) --------------------------------------------------------------


@dataclass
class FolderResult:
    imported: list[ImportResult] = field(default_factory=list)
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (file, nl, en)
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (file, reason code)

    def as_json(self) -> dict[str, Any]:
        return {
            "imported": [r.as_json() for r in self.imported],
            "failed": [{"file": f, "reason_nl": nl, "reason_en": en} for f, nl, en in self.failed],
            "ignored": [{"file": f, "reason": r} for f, r in self.ignored],
        }


def import_folder(
    session: Session, folder: Path, *, ack_out: Path | None = None, progress: Progress = quiet
) -> FolderResult:
    """Every bundle in a folder meant for this device, oldest sequence first per sender. ``.part``
    files, other files, this device's own exports and bundles for other nodes are listed as ignored."""
    session.require_device("bundles.import_folder", "bundle")
    say = progress
    out = FolderResult()
    todo: list[tuple[str, int, Path]] = []
    for path in sorted(Path(folder).iterdir()):
        if not path.is_file():
            continue
        if path.name.endswith(bundle.PART_SUFFIX):
            out.ignored.append((path.name, "part"))
            continue
        try:
            header = bundle.read_header(path)
        except (BundleRefused, OSError):
            if bundle.is_bundle_name(path):
                todo.append(("", 0, path))  # damaged: import it to refuse and quarantine it
            else:
                out.ignored.append((path.name, "not_bundle"))
            continue
        if header.sender_device == session.actor.device_id:
            out.ignored.append((path.name, "own"))
        elif session.actor.node_id not in header.recipient_nodes:
            out.ignored.append((path.name, "other_node"))
        else:
            todo.append((header.sender_device, header.seq, path))
    todo.sort()
    files = prog.Counter(say, "bundle.files", len(todo))
    for _, _, path in todo:
        try:
            out.imported.append(import_bundle(session, path, ack_out=ack_out, progress=say))
        except BundleRefused as exc:
            out.failed.append((path.name, exc.nl, exc.en))
        files.add()
    return out
