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
import os
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import cbor2
import pyrage

from veldclient.errors import VeldError
from veldclient.identity import DeviceIdentity, verify_signature
from veldclient.sync import wire

MAGIC = b"VELDBNDL"
VERSION = 1
SUFFIX = ".vbundle"
PART_SUFFIX = ".part"
_PREFIX = struct.Struct(">8sBI")
SIGNATURE_BYTES = 64
MAX_HEADER = 1 << 20
MAX_PLAINTEXT = 4 << 30
_SIGNING_CONTEXT = b"veld-bundle-v1\x00"
KINDS = ("data", "ack")
DOC_KINDS = ("full", "delta")


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
        return {
            "bundle_id": _typed(body, "bundle_id", str),
            "kind": _typed(body, "kind", str),
            "sender_device": _typed(body, "sender_device", str),
            "sender_node": _typed(body, "sender_node", str),
            "seq": _typed(body, "seq", int),
            "created_at": _typed(body, "created_at", int),
            "recipients": tuple(_strings(body, "recipients")),
            "recipient_nodes": tuple(_strings(body, "recipient_nodes")),
        }

    def as_cbor(self) -> bytes:
        body = {**self.identity(), "cipher_len": self.cipher_len, "cipher_sha256": self.cipher_sha256}
        return cbor2.dumps(body, canonical=True)

    @classmethod
    def from_cbor(cls, raw: bytes) -> Header:
        try:
            body = cbor2.loads(raw)
            header = cls(
                **cls.read_identity(body),
                cipher_len=_typed(body, "cipher_len", int),
                cipher_sha256=_typed(body, "cipher_sha256", bytes),
            )
        except (cbor2.CBORDecodeError, ValueError, TypeError, KeyError, OverflowError, RecursionError):
            raise damaged("kop onleesbaar", "unreadable header") from None
        if header.kind not in KINDS:
            raise damaged("onbekende soort", "unknown kind")
        return header


def _typed(body: Any, key: str, kind: type) -> Any:
    value = body[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise TypeError(key)
    return value


def _strings(body: Any, key: str) -> list[str]:
    value = body[key]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError(key)
    return value


@dataclass(frozen=True)
class Envelope:
    """A bundle file read but not yet trusted: the clear header, the signature, the ciphertext."""

    header: Header
    signed: bytes
    signature: bytes
    ciphertext: bytes

    def verify(self, cert_pem: str) -> None:
        """Signature first, then the ciphertext against the signed length and hash."""
        if not verify_signature(cert_pem, _SIGNING_CONTEXT + self.signed, self.signature):
            raise _refuse(
                "signature",
                "Handtekening van de bundel klopt niet: de bundel is gewijzigd of niet van deze afzender.",
                "The bundle's signature does not verify: it was altered or is not from this sender.",
            )
        if len(self.ciphertext) != self.header.cipher_len:
            raise damaged("lengte klopt niet", "length does not match")
        if hashlib.sha256(self.ciphertext).digest() != self.header.cipher_sha256:
            raise damaged("controlegetal klopt niet", "checksum does not match")


def is_bundle_name(path: Path) -> bool:
    return path.name.endswith(SUFFIX)


def read_header(path: Path) -> Header:
    """Only the clear header (deciding what to do with a file on a stick without reading it all)."""
    with path.open("rb") as f:
        prefix = f.read(_PREFIX.size)
        length = _check_prefix(prefix)
        raw = f.read(length)
    if len(raw) != length:
        raise damaged("kop afgebroken", "header cut off")
    return Header.from_cbor(raw)


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
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _refuse(
            "unreadable",
            f"Bundel {path} kan niet worden gelezen: {exc.strerror}.",
            f"Bundle {path} cannot be read: {exc.strerror}.",
        ) from None
    length = _check_prefix(data[: _PREFIX.size])
    end = _PREFIX.size + length
    if len(data) < end + SIGNATURE_BYTES:
        raise damaged("kop of handtekening afgebroken", "header or signature cut off")
    header = Header.from_cbor(data[_PREFIX.size : end])
    return Envelope(header, data[:end], data[end : end + SIGNATURE_BYTES], data[end + SIGNATURE_BYTES :])


def decrypt(envelope: Envelope, identity: pyrage.x25519.Identity) -> bytes:
    try:
        return pyrage.decrypt(envelope.ciphertext, [identity])
    except pyrage.DecryptError:
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
    base: tuple[bytes, ...]
    after: tuple[bytes, ...]
    sha256: bytes
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Manifest:
    header: Header  # the clear header's fields, repeated inside (checked equal on import)
    docs: tuple[DocEntry, ...]
    acks: tuple[tuple[str, str], ...] = ()  # ack bundles: (doc id, heads text) the sender holds


def entry(doc_id: str, kind: str, base: Sequence[bytes], after: Sequence[bytes], data: bytes) -> DocEntry:
    return DocEntry(doc_id, kind, tuple(base), tuple(after), hashlib.sha256(data).digest(), data)


def encode_manifest(manifest: Manifest) -> bytes:
    h = manifest.header
    body = {
        "v": VERSION,
        **h.identity(),
        "docs": [[d.doc_id, d.kind, list(d.base), list(d.after), d.sha256, d.data] for d in manifest.docs],
        "acks": [list(a) for a in manifest.acks],
    }
    return zlib.compress(cbor2.dumps(body), 1)


def decode_manifest(plaintext: bytes) -> Manifest:
    try:
        body = cbor2.loads(wire.inflate(plaintext, MAX_PLAINTEXT))
        header = Header(**Header.read_identity(body))
        docs = tuple(_doc_entry(item) for item in body["docs"])
        acks = tuple((str(a[0]), str(a[1])) for a in body["acks"])
    except (cbor2.CBORDecodeError, ValueError, TypeError, KeyError, IndexError, OverflowError):
        raise damaged("inhoud onleesbaar", "unreadable contents") from None
    return Manifest(header, docs, acks)


def _doc_entry(item: Any) -> DocEntry:
    doc_id, kind, base, after, sha, data = item
    if (
        not isinstance(doc_id, str)
        or kind not in DOC_KINDS
        or not all(isinstance(h, bytes) and len(h) == 32 for h in [*base, *after])
        or not isinstance(sha, bytes)
        or not isinstance(data, bytes)
    ):
        raise TypeError("doc entry")
    return DocEntry(doc_id, kind, tuple(base), tuple(after), sha, data)


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
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view[: 1 << 20]) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(part, target)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise BundleWriteFailed(
            f"Bundel kon niet worden geschreven naar {directory}: {exc.strerror or exc}.",
            f"The bundle could not be written to {directory}: {exc.strerror or exc}.",
        ) from None
    _fsync_dir(directory)
    return target


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems (FAT via FUSE, Windows) cannot fsync a directory
    finally:
        os.close(fd)
