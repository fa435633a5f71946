"""Mutual TLS pinned by device id (reliability-security.md §c).

Both sides present their self-signed device certificate. The server's trust store holds exactly the
paired, unrevoked peers' certificates, so a stranger's handshake fails; the client's holds exactly the
one peer it dials. On top of the handshake both sides compare the SHA-256 of the presented
certificate with the pinned device id (a certificate re-issued for the same key would otherwise
chain). TLS 1.3 only; no hostname check, because identity is the pin, not a name.
"""

from __future__ import annotations

import hashlib
import logging
import ssl
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from veldclient.identity import CERT_FILE, KEY_FILE

log = logging.getLogger("veldclient.sync.tls")


def _base(
    purpose: int,
    profile_dir: Path,
    key_password: bytes,
    trusted_pems: list[str],
    identity: tuple[Path, Path] | None = None,
) -> ssl.SSLContext:
    ctx = ssl.SSLContext(purpose)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    cert_file, key_file = identity or (profile_dir / CERT_FILE, profile_dir / KEY_FILE)
    ctx.load_cert_chain(cert_file, key_file, password=key_password)
    ctx.verify_mode = ssl.CERT_REQUIRED
    if trusted_pems:
        ctx.load_verify_locations(cadata="\n".join(trusted_pems))
    return ctx


def server_context(profile_dir: Path, key_password: bytes, trusted_pems: list[str]) -> ssl.SSLContext:
    return _base(ssl.PROTOCOL_TLS_SERVER, profile_dir, key_password, trusted_pems)


def client_context(
    profile_dir: Path, key_password: bytes, peer_pem: str, identity: tuple[Path, Path] | None = None
) -> ssl.SSLContext:
    """``identity`` (certificate file, key file) stands in for the device's own: a joining laptop
    presents its invitation's one-time certificate at its first contact (sync/invitation_file.py)."""
    ctx = _base(ssl.PROTOCOL_TLS_CLIENT, profile_dir, key_password, [peer_pem], identity)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


def fingerprint(der: bytes | None) -> str | None:
    return hashlib.sha256(der).hexdigest() if der else None


# -- who was refused during the handshake ---------------------------------------------------------

_HANDSHAKE, _ALERT = 22, 21  # TLS record content types
_CERTIFICATE, _FINISHED = 11, 20  # handshake message types
_FATAL = 2
_ALERTS = {
    40: "handshake failure",
    42: "bad certificate",
    43: "unsupported certificate",
    44: "certificate revoked",
    45: "certificate expired",
    46: "certificate unknown",
    48: "unknown CA",
    51: "decrypt error",
    116: "certificate required",
}

RefusedAtHandshake = Callable[[str | None, str], None]


def presented_certificate(message: bytes, version: int) -> bytes | None:
    """The first (leaf) certificate in a TLS Certificate handshake message, header included; None
    when the list is empty. TLS 1.3 puts a request context before the list (RFC 8446 §4.4.2)."""
    body = message[4:]
    pos = 1 + body[0] if version >= ssl.TLSVersion.TLSv1_3 else 0
    listed = int.from_bytes(body[pos : pos + 3], "big")
    if listed == 0:
        return None
    size = int.from_bytes(body[pos + 3 : pos + 6], "big")
    der = body[pos + 6 : pos + 6 + size]
    return der if len(der) == size else None


class HandshakeWatch:
    """Sees which certificate a client presented and whether the handshake refused it.

    The trust store refuses a stranger inside OpenSSL, before any request is read ("refused at the
    door"), and Python's ssl module offers neither a verify callback nor the peer's certificate
    after a failed handshake. Its message callback (``SSLContext._msg_callback``, the hook behind
    ``openssl s_client -msg``) sees each handshake message in clear on the event loop's thread:
    the client's Certificate message gives the device id, a fatal alert we send before the
    client's Finished is the refusal. ``on_refused(device id or None, alert)`` is then called; it
    must be quick (the handshake waits for it). Nothing else changes: the stranger gets no further.
    """

    def __init__(self, on_refused: RefusedAtHandshake) -> None:
        self._on_refused = on_refused
        self._presented: weakref.WeakKeyDictionary[Any, str | None] = weakref.WeakKeyDictionary()

    def install(self, ctx: ssl.SSLContext) -> bool:
        """Watch handshakes on ``ctx``; False where this Python has no message callback."""
        if not hasattr(ctx, "_msg_callback"):
            return False
        ctx._msg_callback = self  # type: ignore[attr-defined]
        return True

    def __call__(
        self, conn: Any, direction: str, version: int, content_type: int, msg_type: int, data: bytes
    ) -> None:
        try:
            if content_type == _HANDSHAKE and direction == "read":
                if msg_type == _CERTIFICATE:
                    self._presented[conn] = fingerprint(presented_certificate(data, version))
                elif msg_type == _FINISHED:  # the handshake went through: later alerts are not ours
                    self._presented.pop(conn, None)
            elif content_type == _ALERT and direction == "write" and conn in self._presented:
                device = self._presented.pop(conn)
                if data[:1] == bytes([_FATAL]):
                    self._on_refused(device, _ALERTS.get(data[1], f"alert {data[1]}"))
        except Exception:  # noqa: BLE001 - an exception here would break the handshake it watches
            log.debug("handshake watch failed", exc_info=True)
