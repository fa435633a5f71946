"""Age (X25519) keys derived from the devices' Ed25519 keys, so bundles need no second key exchange.

A peer holds only our certificate (an Ed25519 public key), and pairing pinned exactly that. The
standard birational map from the Edwards curve to its Montgomery form (RFC 7748 §4.1, the one
libsodium's ``crypto_sign_ed25519_pk_to_curve25519`` uses) turns that public key into an X25519
public key: ``u = (1 + y) / (1 - y) mod p``. The matching private scalar is the clamped first half of
``SHA-512(seed)``, exactly the scalar Ed25519 itself signs with. So every paired device's age
recipient follows from what pairing already verified, and only the device holding the Ed25519 key
can decrypt. Strings are age's own Bech32 encodings (``age1…``, ``AGE-SECRET-KEY-1…``).
"""

from __future__ import annotations

import hashlib

import pyrage
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

_P = 2**255 - 19
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_GEN = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def _polymod(values: list[int]) -> int:
    chk = 1
    for value in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ value
        for i, gen in enumerate(_GEN):
            if (top >> i) & 1:
                chk ^= gen
    return chk


def _to_5bit(data: bytes) -> list[int]:
    acc, bits, out = 0, 0, []
    for byte in data:
        acc = (acc << 8) | byte
        bits += 8
        while bits >= 5:
            bits -= 5
            out.append((acc >> bits) & 31)
    if bits:
        out.append((acc << (5 - bits)) & 31)
    return out


def bech32(hrp: str, data: bytes) -> str:
    """Bech32 (BIP 173 checksum, no length limit), as age encodes its keys."""
    words = _to_5bit(data)
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    poly = _polymod(expanded + words + [0] * 6) ^ 1
    checksum = [(poly >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_BECH32[w] for w in words + checksum)


def x25519_public(ed25519_public: bytes) -> bytes:
    """Montgomery u-coordinate of an Ed25519 public key (32 bytes, little-endian)."""
    if len(ed25519_public) != 32:
        raise ValueError("an Ed25519 public key has 32 bytes")
    y = int.from_bytes(ed25519_public, "little") & ((1 << 255) - 1)
    if y >= _P or (1 - y) % _P == 0:
        raise ValueError("not a usable Ed25519 public key")
    u = (1 + y) * pow(1 - y, _P - 2, _P) % _P
    return u.to_bytes(32, "little")


def x25519_private(ed25519_seed: bytes) -> bytes:
    """The clamped scalar Ed25519 derives from its 32-byte seed: the X25519 private key."""
    scalar = bytearray(hashlib.sha512(ed25519_seed).digest()[:32])
    scalar[0] &= 248
    scalar[31] &= 127
    scalar[31] |= 64
    return bytes(scalar)


def recipient_string(ed25519_public: bytes) -> str:
    return bech32("age", x25519_public(ed25519_public))


def identity_string(ed25519_seed: bytes) -> str:
    return bech32("age-secret-key-", x25519_private(ed25519_seed)).upper()


def recipient_for_certificate(cert_pem: str | bytes) -> pyrage.x25519.Recipient:
    """A paired device's age recipient, from the certificate pinned at pairing."""
    data = cert_pem.encode() if isinstance(cert_pem, str) else cert_pem
    public = x509.load_pem_x509_certificate(data).public_key()
    if not isinstance(public, ed25519.Ed25519PublicKey):
        raise ValueError("not an Ed25519 certificate")
    return pyrage.x25519.Recipient.from_str(recipient_string(public.public_bytes_raw()))


def identity_for_key(private_key: ed25519.Ed25519PrivateKey) -> pyrage.x25519.Identity:
    """This device's age identity (never stored: derived when a bundle is opened)."""
    seed = private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return pyrage.x25519.Identity.from_str(identity_string(seed))
