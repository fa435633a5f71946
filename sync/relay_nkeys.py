"""NATS nkeys from the Ed25519 keys veld already has (docs/relay.md, "Identity").

An nkey is an Ed25519 key written as base32 (RFC 4648, no padding) of ``prefix ‖ key ‖ CRC-16``:
the public key of a user starts with ``U``, its seed with ``SU``. The device key is Ed25519, so a
device's nkey is its pinned certificate's public key in that spelling — derived at pairing from
what pairing already verified, nothing new to exchange or to store. nats-server authenticates a
user by a signature over a fresh nonce, so only the holder of the device key (itself encrypted with
the profile's master key) can log in as that device.

The hub's own administrative key (it creates the mailboxes) is an ordinary nkey seed on the hub.
"""

from __future__ import annotations

import base64
import secrets

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from veldclient.errors import VeldError

_PREFIX_SEED = 18 << 3  # "S"
_PREFIX_USER = 20 << 3  # "U"


class BadNkey(VeldError):
    """Not an nkey of the kind expected (wrong prefix, length or checksum)."""


def _crc16(data: bytes) -> int:
    """CRC-16/XMODEM (polynomial 0x1021, initial 0), as the nkeys format uses."""
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def _encode(raw: bytes) -> str:
    return base64.b32encode(raw + _crc16(raw).to_bytes(2, "little")).decode("ascii").rstrip("=")


def _decode(text: str) -> bytes:
    padded = text.strip() + "=" * (-len(text.strip()) % 8)
    try:
        raw = base64.b32decode(padded)
    except ValueError:
        raise _bad() from None
    body, crc = raw[:-2], raw[-2:]
    if len(raw) < 3 or _crc16(body).to_bytes(2, "little") != crc:
        raise _bad()
    return body


def _bad() -> BadNkey:
    return BadNkey("Geen geldige nkey.", "Not a valid nkey.")


def public_user(public_raw: bytes) -> str:
    """The user nkey (``U…``, 56 characters) of a 32-byte Ed25519 public key."""
    if len(public_raw) != 32:
        raise _bad()
    return _encode(bytes([_PREFIX_USER]) + public_raw)


def user_of_certificate(cert_pem: str | bytes) -> str:
    """A paired device's nkey, from the certificate pinned at pairing."""
    from cryptography import x509

    raw = cert_pem.encode("ascii") if isinstance(cert_pem, str) else cert_pem
    key = x509.load_pem_x509_certificate(raw).public_key()
    if not isinstance(key, ed25519.Ed25519PublicKey):
        raise _bad()
    return public_user(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


def user_of_key(key: ed25519.Ed25519PrivateKey) -> str:
    return public_user(
        key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def seed_of_key(key: ed25519.Ed25519PrivateKey) -> str:
    """The user seed (``SU…``) of a private key: what the ``nats`` tool reads from a file."""
    raw = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    head = bytes([_PREFIX_SEED | (_PREFIX_USER >> 5), (_PREFIX_USER & 31) << 3])
    return _encode(head + raw)


def key_of_seed(seed: str) -> ed25519.Ed25519PrivateKey:
    body = _decode(seed)
    head = bytes([_PREFIX_SEED | (_PREFIX_USER >> 5), (_PREFIX_USER & 31) << 3])
    if len(body) != 34 or body[:2] != head:
        raise _bad()
    return ed25519.Ed25519PrivateKey.from_private_bytes(body[2:])


def new_seed() -> str:
    return seed_of_key(ed25519.Ed25519PrivateKey.from_private_bytes(secrets.token_bytes(32)))


def sign_nonce(key: ed25519.Ed25519PrivateKey, nonce: str) -> bytes:
    """What nats-server checks at CONNECT: the Ed25519 signature over the nonce it sent, base64."""
    return base64.b64encode(key.sign(nonce.encode("ascii")))
