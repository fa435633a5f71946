"""Bodies on the wire: CBOR, deflated, with hard limits so a hostile peer cannot make us allocate.

A body is ``zlib(cbor(map))``. Decoding stops once the inflated size passes ``MAX_INFLATED`` (a zip
bomb costs at most that much memory) and refuses anything that is not a CBOR map. Compression takes
hex-heavy manifests and Automerge changes to about half their size.
"""

from __future__ import annotations

import zlib
from typing import Any

import cbor2

from veldclient.errors import VeldError

CONTENT_TYPE = "application/vnd.veld+cbor"
PROTO = 1  # the protocol version both sides speak: hello refuses any other
MAX_BODY = 16 * 1024 * 1024  # compressed bytes accepted in one request or response
MAX_INFLATED = 64 * 1024 * 1024
BATCH_BYTES = 4 * 1024 * 1024  # payload a sender puts in one batch (documents, messages)


class WireError(VeldError):
    """A body that is too large, not deflate, or not the CBOR map the protocol expects."""

    def __init__(self, nl: str, en: str, status: int = 400) -> None:
        super().__init__(nl, en)
        self.status = status


def encode(body: dict[str, Any]) -> bytes:
    return zlib.compress(cbor2.dumps(body), 1)


class InflateError(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "not deflate" | "too large" | "truncated"


def inflate(data: bytes, limit: int) -> bytes:
    """Inflate at most ``limit`` bytes; a bomb, a truncation or junk is an InflateError (a
    ValueError), never an allocation beyond ``limit``. Shared by sync bodies and bundle manifests."""
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(data, limit)
    except zlib.error:
        raise InflateError("not deflate") from None
    if inflater.unconsumed_tail:
        raise InflateError("too large")
    if not inflater.eof:
        raise InflateError("truncated")
    return raw


def decode(data: bytes) -> dict[str, Any]:
    if len(data) > MAX_BODY:
        raise WireError("Bericht te groot.", "Message too large.", 413)
    try:
        raw = inflate(data, MAX_INFLATED)
    except InflateError as exc:
        if exc.reason == "too large":
            raise WireError("Bericht uitgepakt te groot.", "Message too large once inflated.", 413) from None
        if exc.reason == "truncated":
            raise WireError("Bericht is afgebroken.", "Message is truncated.") from None
        raise WireError("Onleesbaar bericht (geen deflate).", "Unreadable message (not deflate).") from None
    try:
        body = cbor2.loads(raw)
    except (cbor2.CBORDecodeError, ValueError, TypeError, OverflowError, RecursionError):
        raise WireError("Onleesbaar bericht (geen CBOR).", "Unreadable message (not CBOR).") from None
    if not isinstance(body, dict):
        raise WireError("Bericht heeft de verkeerde vorm.", "Message has the wrong shape.")
    return body


def pairs(body: dict[str, Any], key: str, second: type) -> list[tuple[str, Any]]:
    """A list of ``[str, second]`` pairs from a decoded body, or WireError."""
    value = body.get(key, [])
    if not isinstance(value, list):
        raise WireError(f"Veld '{key}' heeft de verkeerde vorm.", f"Field '{key}' has the wrong shape.")
    out = []
    for item in value:
        if (
            not isinstance(item, list)
            or len(item) != 2
            or not isinstance(item[0], str)
            or not isinstance(item[1], second)
        ):
            raise WireError(f"Veld '{key}' heeft de verkeerde vorm.", f"Field '{key}' has the wrong shape.")
        out.append((item[0], item[1]))
    return out


def strings(body: dict[str, Any], key: str) -> list[str]:
    value = body.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise WireError(f"Veld '{key}' heeft de verkeerde vorm.", f"Field '{key}' has the wrong shape.")
    return value


def integer(body: dict[str, Any], key: str, default: int = 0) -> int:
    value = body.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise WireError(f"Veld '{key}' is geen getal.", f"Field '{key}' is not a number.")
    return value
