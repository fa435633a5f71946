"""The USB bundle file: one self-verifying, signed, encrypted file per export (docs/bundles.md).

Layout (all integers big-endian)::

    magic "VELDBNDL" | version u8 | header length u32 | header (CBOR map, in the clear)
    | Ed25519 signature (64 bytes) | age ciphertext

The header names the sender device and node, the per-sender sequence number, the bundle id, the
recipient devices and nodes, and the ciphertext's length and SHA-256. The signature covers the
prefix and the header, hence (through the hash) the ciphertext: an importer checks the sender is a
paired, unrevoked device and verifies the signature *before* it decrypts or parses any payload.
Inside the ciphertext: ``zlib(CBOR manifest)`` whose ``docs`` entries carry each document's payload
next to its id, kind (``full`` | ``delta``), base heads, heads after and SHA-256, so deflate finds
the heads again inside the Automerge bytes that repeat them.

Writing goes to ``<name>.part``, is fsynced, renamed, and the directory fsynced (best effort: FAT
has no journal, so the self-verifying format is the real guarantee, not the rename).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import struct
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO

import cbor2
import pyrage

from veldclient import regular_file
from veldclient.errors import VeldError
from veldclient.files import atomic_write
from veldclient.identity import DeviceIdentity, verify_signature
from veldclient.store.heads import Heads
from veldclient.sync import wire

MAGIC = b"VELDBNDL"
VERSION = 1
SUFFIX = ".vbundle"
PART_SUFFIX = ".part"
_PREFIX = struct.Struct(">8sBI")
SIGNATURE_BYTES = 64
# Limits (docs/bundles.md). The clear header is read first and alone; the ciphertext is read only
# after the sender, the signature and the declared length passed, and never more than declared.
# The full export of the large demo node (26k documents) is ~25 MB: ten times that still fits.
MAX_HEADER = 64 << 10  # a header names at most a few hundred recipient devices
MAX_RECIPIENTS = 256
MAX_CIPHERTEXT = 256 << 20
MAX_INFLATED = 512 << 20  # the manifest once inflated (what a trusted sender can make us hold)
_SIGNING_CONTEXT = b"veld-bundle-v1\x00"
KINDS = ("data", "ack")
DOC_KINDS = ("full", "delta")
_BUNDLE_ID = re.compile(r"[0-9a-f]{16}")
_HEX64 = re.compile(r"[0-9a-f]{64}")  # device ids (SHA-256 of the certificate)
_NODE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_INT_MAX = (1 << 63) - 1  # what SQLite can store (sequence numbers, times go into the ledger)
_BLOCK = 1 << 20


class BundleRefused(VeldError):
    """A bundle that is not imported; ``code`` says why (tests, quarantine notes, audit)."""

    def __init__(self, code: str, nl: str, en: str) -> None:
        super().__init__(nl, en)
        self.code = code


def _refuse(code: str, nl: str, en: str) -> BundleRefused:
    return BundleRefused(code, nl, en)


def damaged(what_nl: str, what_en: str) -> BundleRefused:
    return _refuse(
        "damaged",
        f"Bundel is beschadigd of afgebroken: {what_nl}.",
        f"Bundle is damaged or truncated: {what_en}.",
    )


def too_large(what_nl: str, what_en: str, limit: int) -> BundleRefused:
    return _refuse(
        "too_large",
        f"Bundel is te groot: {what_nl} is meer dan {limit >> 20} MiB; niets is gelezen of opgeslagen.",
        f"Bundle is too large: {what_en} is more than {limit >> 20} MiB; nothing was read or stored.",
    )


class _Invalid(ValueError):
    """A header or manifest field that is missing or not what an export writes."""


# Everything parsing a hostile file's bytes can raise: cbor2's decode errors, inflate errors, and
# what a value of the wrong shape raises on the way (a list where a map belongs, an integer out of
# range, nesting too deep, a length that cannot be allocated). Caught only around parsing.
_UNREADABLE = (
    cbor2.CBORDecodeError,
    zlib.error,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    OverflowError,
    RecursionError,
    MemoryError,
)


@contextmanager
def _parsing(what_nl: str, what_en: str) -> Iterator[None]:
    """Whatever the bytes make the parser raise is one refusal of this file, naming the field."""
    try:
        yield
    except _Invalid as exc:
        raise damaged(f"{what_nl} ({exc})", f"{what_en} ({exc})") from None
    except _UNREADABLE:
        raise damaged(what_nl, what_en) from None


@dataclass(frozen=True)
class Header:
    bundle_id: str
    kind: str
    sender_device: str
    sender_node: str
    seq: int
    created_at: int
    recipients: tuple[str, ...]
    recipient_nodes: tuple[str, ...]
    cipher_len: int = 0
    cipher_sha256: bytes = b""

    def identity(self) -> dict[str, Any]:
        """Who sent it to whom: the fields the signed outer header and the encrypted manifest share."""
        return {
            "bundle_id": self.bundle_id,
            "kind": self.kind,
            "sender_device": self.sender_device,
            "sender_node": self.sender_node,
            "seq": self.seq,
            "created_at": self.created_at,
            "recipients": list(self.recipients),
            "recipient_nodes": list(self.recipient_nodes),
        }

    @staticmethod
    def read_identity(body: Any) -> dict[str, Any]:
        """The identity fields, each checked to be what an export writes (_Invalid otherwise):
        nothing from a file reaches the peer registry, the ledger or a message unchecked."""
        if not isinstance(body, dict):
            raise _Invalid("not a map")
        kind = _typed(body, "kind", str)
        if kind not in KINDS:
            raise _Invalid("kind")
        return {
            "bundle_id": _matching(body, "bundle_id", _BUNDLE_ID),
            "kind": kind,
            "sender_device": _matching(body, "sender_device", _HEX64),
            "sender_node": _matching(body, "sender_node", _NODE_ID),
            "seq": _count(body, "seq"),
            "created_at": _count(body, "created_at"),
            "recipients": _all_matching(body, "recipients", _HEX64),
            "recipient_nodes": _all_matching(body, "recipient_nodes", _NODE_ID),
        }

    def as_cbor(self) -> bytes:
        body = {**self.identity(), "cipher_len": self.cipher_len, "cipher_sha256": self.cipher_sha256}
        return cbor2.dumps(body, canonical=True)

    @classmethod
    def from_cbor(cls, raw: bytes) -> Header:
        with _parsing("kop onleesbaar", "unreadable header"):
            body = cbor2.loads(raw)
            header = cls(
                **cls.read_identity(body),
                cipher_len=_count(body, "cipher_len"),
                cipher_sha256=_typed(body, "cipher_sha256", bytes),
            )
            if len(header.cipher_sha256) != 32:
                raise _Invalid("cipher_sha256")
        return header


def _typed(body: dict[Any, Any], key: str, kind: type) -> Any:
    value = body.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise _Invalid(key)
    return value


def _matching(body: dict[Any, Any], key: str, pattern: re.Pattern[str]) -> str:
    value = _typed(body, key, str)
    if not pattern.fullmatch(value):
        raise _Invalid(key)
    return str(value)


def _count(body: dict[Any, Any], key: str) -> int:
    value = _typed(body, key, int)
    if not 0 <= value <= _INT_MAX:
        raise _Invalid(key)
    return int(value)


def _all_matching(body: dict[Any, Any], key: str, pattern: re.Pattern[str]) -> tuple[str, ...]:
    value = body.get(key)
    if (
        not isinstance(value, list)
        or not 0 < len(value) <= MAX_RECIPIENTS
        or not all(isinstance(v, str) and pattern.fullmatch(v) for v in value)
    ):
        raise _Invalid(key)
    return tuple(str(v) for v in value)


class Envelope:
    """A bundle file read but not yet trusted: the clear header and the signature. The ciphertext
    is read only when asked for, and then exactly the length the header declares, within
    ``MAX_CIPHERTEXT`` and checked against the declared SHA-256."""

    def __init__(self, header: Header, signed: bytes, signature: bytes, path: Path, size: int) -> None:
        self.header = header
        self.signed = signed
        self.signature = signature
        self.path = path
        self.size = size  # of the file when its header was read
        self._ciphertext: bytes | None = None

    def verify(self, cert_pem: str) -> None:
        """Signature first, then the ciphertext against the signed length and hash."""
        self.verify_header(cert_pem)
        self.ciphertext  # noqa: B018 - reads and checks it

    def verify_header(self, cert_pem: str) -> None:
        """The signature over prefix + header, and the declared length against the limit and the
        file, before a byte of the ciphertext is read."""
        if not verify_signature(cert_pem, _SIGNING_CONTEXT + self.signed, self.signature):
            raise _refuse(
                "signature",
                "Handtekening van de bundel klopt niet: de bundel is gewijzigd of niet van deze afzender.",
                "The bundle's signature does not verify: it was altered or is not from this sender.",
            )
        self._check_length()

    def _check_length(self) -> None:
        if self.header.cipher_len > MAX_CIPHERTEXT:
            raise too_large("de versleutelde inhoud", "the encrypted contents", MAX_CIPHERTEXT)
        if self.size != len(self.signed) + SIGNATURE_BYTES + self.header.cipher_len:
            raise damaged("lengte klopt niet", "length does not match")

    @property
    def ciphertext(self) -> bytes:
        if self._ciphertext is None:
            self._check_length()
            with open_regular(self.path) as f:
                f.seek(len(self.signed) + SIGNATURE_BYTES)
                data = _read_exactly(f, self.header.cipher_len)
            if len(data) != self.header.cipher_len:
                raise damaged("lengte klopt niet", "length does not match")
            if hashlib.sha256(data).digest() != self.header.cipher_sha256:
                raise damaged("controlegetal klopt niet", "checksum does not match")
            self._ciphertext = data
        return self._ciphertext


def is_bundle_name(path: Path) -> bool:
    return path.name.endswith(SUFFIX)


def unreadable(path: Path, exc: OSError) -> BundleRefused:
    reason = exc.strerror or str(exc)
    return _refuse(
        "unreadable",
        f"Bundel {path} kan niet worden gelezen: {reason}.",
        f"Bundle {path} cannot be read: {reason}.",
    )


def open_regular(path: Path) -> BinaryIO:
    """Open a regular file for reading, or refuse before a byte is read: a named pipe, a device
    or a folder would block or never end (veldclient/regular_file.py)."""
    try:
        return regular_file.open_regular(path)
    except regular_file.NotRegularFile as exc:
        raise _refuse("not_file", exc.nl, exc.en) from None
    except OSError as exc:
        raise unreadable(path, exc) from None


def _read_exactly(f: BinaryIO, length: int) -> bytes:
    try:
        return f.read(length)
    except OSError as exc:  # a stick pulled while reading
        raise unreadable(Path(getattr(f, "name", "?")), exc) from None


def _read_start(f: BinaryIO) -> tuple[bytes, Header]:
    """Prefix and header, at most ``MAX_HEADER`` bytes of it: (signed bytes, header)."""
    prefix = _read_exactly(f, _PREFIX.size)
    length = _check_prefix(prefix)
    raw = _read_exactly(f, length)
    if len(raw) != length:
        raise damaged("kop afgebroken", "header cut off")
    return prefix + raw, Header.from_cbor(raw)


def read_header(path: Path) -> Header:
    """Only the clear header (deciding what to do with a file on a stick without reading it all)."""
    with open_regular(path) as f:
        return _read_start(f)[1]


def header_of(data: bytes) -> Header:
    """The clear header of a bundle held in memory (one that came through the relay)."""
    return _read_start(io.BytesIO(data))[1]


def _check_prefix(prefix: bytes) -> int:
    if len(prefix) < len(MAGIC) or prefix[: len(MAGIC)] != MAGIC:
        raise _refuse("not_bundle", "Dit is geen veld-bundel.", "This is not a veld bundle.")
    if len(prefix) < _PREFIX.size:
        raise damaged("kop afgebroken", "header cut off")
    _, version, length = _PREFIX.unpack(prefix)
    if version != VERSION:
        raise _refuse(
            "version",
            f"Bundelversie {version} wordt niet ondersteund (wel {VERSION}).",
            f"Bundle version {version} is not supported (only {VERSION}).",
        )
    if length > MAX_HEADER:
        raise damaged("kop te groot", "header too large")
    return length


def read(path: Path) -> Envelope:
    """The clear header and the signature; the ciphertext stays on disk until asked for."""
    with open_regular(path) as f:
        size = os.fstat(f.fileno()).st_size
        signed, header = _read_start(f)
        signature = _read_exactly(f, SIGNATURE_BYTES)
    if len(signature) != SIGNATURE_BYTES:
        raise damaged("kop of handtekening afgebroken", "header or signature cut off")
    return Envelope(header, signed, signature, Path(path), size)


def file_sha256(f: BinaryIO) -> tuple[int, str]:
    """(size, SHA-256 hex) of what is left in ``f``, a block at a time (a file of any size)."""
    digest = hashlib.sha256()
    size = 0
    while block := _read_exactly(f, _BLOCK):
        digest.update(block)
        size += len(block)
    return size, digest.hexdigest()


def decrypt(envelope: Envelope, identity: pyrage.x25519.Identity) -> bytes:
    ciphertext = envelope.ciphertext
    try:
        return pyrage.decrypt(ciphertext, [identity])
    except (pyrage.DecryptError, *_UNREADABLE):
        raise _refuse(
            "decrypt",
            "Bundel kan niet worden ontsleuteld met de sleutel van dit apparaat.",
            "The bundle cannot be decrypted with this device's key.",
        ) from None


def seal(
    header: Header,
    plaintext: bytes,
    signer: DeviceIdentity,
    recipients: Sequence[pyrage.x25519.Recipient],
) -> bytes:
    """Encrypt to every recipient, then sign the prefix + header (which hashes the ciphertext)."""
    ciphertext = pyrage.encrypt(plaintext, list(recipients))
    full = replace(header, cipher_len=len(ciphertext), cipher_sha256=hashlib.sha256(ciphertext).digest())
    raw = full.as_cbor()
    signed = _PREFIX.pack(MAGIC, VERSION, len(raw)) + raw
    return signed + signer.sign(_SIGNING_CONTEXT + signed) + ciphertext


# -- the manifest inside ---------------------------------------------------------------------


@dataclass(frozen=True)
class DocEntry:
    doc_id: str
    kind: str  # full | delta
    base: Heads
    after: Heads
    sha256: bytes
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Manifest:
    header: Header  # the clear header's fields, repeated inside (checked equal on import)
    docs: tuple[DocEntry, ...]
    acks: tuple[tuple[str, Heads], ...] = ()  # ack bundles: (doc id, heads) the sender holds


def entry(doc_id: str, kind: str, base: Iterable[bytes], after: Iterable[bytes], data: bytes) -> DocEntry:
    return DocEntry(
        doc_id, kind, Heads.from_hashes(base), Heads.from_hashes(after), hashlib.sha256(data).digest(), data
    )


def encode_manifest(manifest: Manifest) -> bytes:
    h = manifest.header
    body = {
        "v": VERSION,
        **h.identity(),
        "docs": [[d.doc_id, d.kind, list(d.base), list(d.after), d.sha256, d.data] for d in manifest.docs],
        "acks": [[doc_id, heads.text] for doc_id, heads in manifest.acks],
    }
    return zlib.compress(cbor2.dumps(body), 1)


def decode_manifest(plaintext: bytes) -> Manifest:
    """Inflate (at most ``MAX_INFLATED``: a bomb from a trusted sender is a clear refusal) and
    check every field's shape; anything else is ``damaged``."""
    try:
        raw = wire.inflate(plaintext, MAX_INFLATED)
    except wire.InflateError as exc:
        if exc.reason == "too large":
            raise too_large("de uitgepakte inhoud", "the unpacked contents", MAX_INFLATED) from None
        raise damaged("inhoud onleesbaar", "unreadable contents") from None
    with _parsing("inhoud onleesbaar", "unreadable contents"):
        body = cbor2.loads(raw)
        del raw
        header = Header(**Header.read_identity(body))
        docs = tuple(_doc_entry(item) for item in _list(body, "docs"))
        acks = tuple(_ack(item) for item in _list(body, "acks"))
    return Manifest(header, docs, acks)


def _list(body: dict[Any, Any], key: str) -> list[Any]:
    value = body.get(key)
    if not isinstance(value, list):
        raise _Invalid(key)
    return value


def _heads(value: Any) -> Heads:
    if not isinstance(value, list) or not all(isinstance(h, bytes) and len(h) == 32 for h in value):
        raise _Invalid("heads")
    return Heads.from_hashes(value)


def _doc_entry(item: Any) -> DocEntry:
    if not isinstance(item, list) or len(item) != 6:
        raise _Invalid("docs")
    doc_id, kind, base, after, sha, data = item
    if (
        not isinstance(doc_id, str)
        or kind not in DOC_KINDS
        or not isinstance(sha, bytes)
        or not isinstance(data, bytes)
    ):
        raise _Invalid("docs")
    return DocEntry(doc_id, kind, _heads(base), _heads(after), sha, data)


def _ack(item: Any) -> tuple[str, Heads]:
    """``[doc id, heads text]``; the heads are stored and later used as a delta base, so they
    must be heads (JSON list of 64-hex), kept in the stored spelling."""
    if not isinstance(item, list) or len(item) != 2 or not all(isinstance(v, str) for v in item):
        raise _Invalid("acks")
    try:
        return item[0], Heads.parse(item[1])
    except ValueError:
        raise _Invalid("acks") from None


def check_hashes(manifest: Manifest) -> None:
    for doc in manifest.docs:
        if hashlib.sha256(doc.data).digest() != doc.sha256:
            raise damaged(f"controlegetal van {doc.doc_id} klopt niet", f"checksum of {doc.doc_id} fails")


# -- writing ---------------------------------------------------------------------------------


class BundleWriteFailed(VeldError):
    """The bundle could not be written (disk full, stick pulled, read-only)."""


def file_name(sender_node: str, seq: int, bundle_id: str) -> str:
    return f"veld-{sender_node}-{seq:06d}-{bundle_id}{SUFFIX}"


def write_atomically(directory: Path, name: str, data: bytes) -> Path:
    """``.part`` → fsync → rename → fsync the directory. On failure the ``.part`` is removed (when
    the process survives); a ``.part`` left by a killed process is ignored by every importer."""
    target = directory / name
    part = directory / (name + PART_SUFFIX)
    if directory.exists() and not directory.is_dir():
        raise BundleWriteFailed(
            f"{directory} is geen map; kies de map van de stick (--out).",
            f"{directory} is not a folder; choose the stick's folder (--out).",
        )
    try:
        directory.mkdir(parents=True, exist_ok=True)
        atomic_write(target, data, temp=part)
    except OSError as exc:
        raise BundleWriteFailed(
            f"Bundel kon niet worden geschreven naar {directory}: {exc.strerror or exc}.",
            f"The bundle could not be written to {directory}: {exc.strerror or exc}.",
        ) from None
    return target
