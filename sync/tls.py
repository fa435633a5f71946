"""Mutual TLS pinned by device id (reliability-security.md §c).

Both sides present their self-signed device certificate. The server's trust store holds exactly the
paired, unrevoked peers' certificates, so a stranger's handshake fails; the client's holds exactly the
one peer it dials. On top of the handshake both sides compare the SHA-256 of the presented
certificate with the pinned device id (a certificate re-issued for the same key would otherwise
chain). TLS 1.3 only; no hostname check, because identity is the pin, not a name.
"""

from __future__ import annotations

import hashlib
import ssl
from pathlib import Path

from veldclient.identity import CERT_FILE, KEY_FILE


def _base(purpose: int, profile_dir: Path, key_password: bytes, trusted_pems: list[str]) -> ssl.SSLContext:
    ctx = ssl.SSLContext(purpose)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.load_cert_chain(profile_dir / CERT_FILE, profile_dir / KEY_FILE, password=key_password)
    ctx.verify_mode = ssl.CERT_REQUIRED
    if trusted_pems:
        ctx.load_verify_locations(cadata="\n".join(trusted_pems))
    return ctx


def server_context(profile_dir: Path, key_password: bytes, trusted_pems: list[str]) -> ssl.SSLContext:
    return _base(ssl.PROTOCOL_TLS_SERVER, profile_dir, key_password, trusted_pems)


def client_context(profile_dir: Path, key_password: bytes, peer_pem: str) -> ssl.SSLContext:
    ctx = _base(ssl.PROTOCOL_TLS_CLIENT, profile_dir, key_password, [peer_pem])
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


def fingerprint(der: bytes | None) -> str | None:
    return hashlib.sha256(der).hexdigest() if der else None
