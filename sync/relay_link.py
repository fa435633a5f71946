"""A connection to the relay: mutual TLS plus the device's nkey, and the mailbox operations
(docs/relay.md). Synchronous on the outside (services call it between database transactions),
nats-py's asyncio inside, on an event loop of its own.

Failing fast is the point: one connection attempt, a short timeout, no reconnecting; an unreachable
relay is ``RelayUnreachable`` in one sentence, and the caller records when it last got through.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import ssl
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

import nats.errors
import nats.js.errors
from cryptography.hazmat.primitives.asymmetric import ed25519
from nats.aio.client import Client
from nats.aio.msg import Msg

from veldclient.errors import VeldError
from veldclient.sync import relay_names as names
from veldclient.sync import relay_nkeys

CONNECT_TIMEOUT_S = 3
REQUEST_TIMEOUT_S = 10.0
FETCH_BATCH = 64
WAIT_MARGIN_S = 1.0  # a long poll listens this much longer than the hub holds it open
T = TypeVar("T")


class _QuietTlsClose(logging.Filter):
    """asyncio warns "returning true from eof_received() has no effect when using ssl" whenever
    the server closes a TLS connection nats-py holds; it is nats-py's way of closing, not a fault,
    and would otherwise reach every ``veld relay`` user's terminal."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "eof_received" not in record.getMessage()


logging.getLogger("asyncio").addFilter(_QuietTlsClose())


class RelayUnreachable(VeldError):
    """The relay did not answer (down, wrong address, refused our certificate or key)."""


class RelayRefused(VeldError):
    """The relay answered but refused the operation (permissions, a missing mailbox, limits)."""


class _KeyClient(Client):
    """nats-py signs the server's nonce with a seed it parses itself (needing the ``nkeys``
    package); here the key is the device's own Ed25519 key, already in memory, so the nonce is
    signed with it directly and the public nkey is derived from it."""

    def __init__(self, key: ed25519.Ed25519PrivateKey) -> None:
        super().__init__()
        self._veld_key = key

    def _setup_nkeys_seed_connect(self) -> None:
        key = self._veld_key
        self._public_nkey = relay_nkeys.user_of_key(key)
        self._signature_cb = lambda nonce: relay_nkeys.sign_nonce(key, nonce)


def unreachable(url: str, reason: tuple[str, str]) -> RelayUnreachable:
    return RelayUnreachable(
        f"Relay {url} is niet bereikbaar ({reason[0]}); er is niets verstuurd of opgehaald, probeer het"
        " later opnieuw. Het werk gaat gewoon door; netwerk-sync en USB-bundels werken zonder relay.",
        f"Relay {url} is not reachable ({reason[1]}); nothing was sent or fetched, try again later."
        " Work goes on; network sync and USB bundles work without the relay.",
    )


def refused(what_nl: str, what_en: str) -> RelayRefused:
    return RelayRefused(f"De relay weigerde: {what_nl}.", f"The relay refused: {what_en}.")


@dataclass
class Fetched:
    """One message from the mailbox: its bytes, headers and stream position; ack() when dealt with."""

    data: bytes
    headers: dict[str, str]
    subject: str
    stream_seq: int
    _msg: Msg


class Link:
    """One open connection. ``violations`` collects what the server refused by permission (the
    server reports them asynchronously and closes nothing)."""

    def __init__(self, url: str, ctx: ssl.SSLContext, key: ed25519.Ed25519PrivateKey, inbox: str) -> None:
        self.url = url
        self.violations: list[str] = []
        self._loop = asyncio.new_event_loop()
        self._nc = _KeyClient(key)
        try:
            self._run(self._connect(ctx, inbox))
        except BaseException:
            self._loop.close()
            raise

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        return self._loop.run_until_complete(coro)

    async def _connect(self, ctx: ssl.SSLContext, inbox: str) -> None:
        """One attempt. nats-py retries a first connection on its own for as long as it is let, so
        its first error (refused, TLS, authorization) ends the attempt at once, and a silent
        network ends it after ``CONNECT_TIMEOUT_S``."""
        failed: asyncio.Future[BaseException] = self._loop.create_future()

        async def on_error(exc: Exception) -> None:
            text = str(exc)
            if "permissions violation" in text.lower():
                self.violations.append(text)
            elif not self._nc.is_connected and not failed.done():
                failed.set_result(exc)

        async def quiet(*_: Any) -> None:
            return None

        attempt = asyncio.ensure_future(
            self._nc.connect(
                servers=[self.url],
                tls=ctx,
                nkeys_seed_str="device",  # a marker: _KeyClient signs with the key it was given
                inbox_prefix=inbox,
                connect_timeout=CONNECT_TIMEOUT_S,
                allow_reconnect=False,
                max_reconnect_attempts=0,
                error_cb=on_error,
                disconnected_cb=quiet,
                closed_cb=quiet,
            )
        )
        waiting: set[asyncio.Future[Any]] = {attempt, failed}
        done, _ = await asyncio.wait(waiting, timeout=CONNECT_TIMEOUT_S + 1, return_when="FIRST_COMPLETED")
        if attempt in done and attempt.exception() is None and self._nc.is_connected:
            return
        reason: BaseException = TimeoutError()
        if failed.done():
            reason = failed.result()
        elif attempt.done() and attempt.exception() is not None:
            reason = attempt.exception() or reason
        attempt.cancel()
        with contextlib.suppress(BaseException):
            await attempt
        with contextlib.suppress(BaseException):
            await self._nc.close()
        raise unreachable(self.url, _reason(reason))

    def publish(self, subject: str, data: bytes, headers: dict[str, str]) -> int:
        """Store one message; the stream's sequence number once the server has it on disk."""
        js = self._nc.jetstream(timeout=REQUEST_TIMEOUT_S)
        before = len(self.violations)
        try:
            ack = self._run(self._unless_refused(js.publish(subject, data, headers=headers)))
        except nats.js.errors.NoStreamResponseError:
            raise refused(f"geen postvak voor {subject}", f"no mailbox for {subject}") from None
        except nats.js.errors.APIError as exc:
            raise refused(str(exc.description), str(exc.description)) from None
        except (nats.errors.Error, TimeoutError, OSError) as exc:
            if len(self.violations) > before:
                raise refused(f"geen toestemming voor {subject}", f"not permitted: {subject}") from None
            raise unreachable(self.url, _reason(exc)) from None
        return int(ack.seq)

    def fetch(self, node_id: str, device_id: str, batch: int = FETCH_BATCH) -> list[Fetched]:
        """Up to ``batch`` messages of this device's consumer; [] when the mailbox holds no more.
        The hub answers at once with what it holds and then "no messages" (``no_wait``)."""
        return self._take(node_id, device_id, {"batch": batch, "no_wait": True}, REQUEST_TIMEOUT_S)

    def wait(self, node_id: str, device_id: str, wait_s: float) -> list[Fetched]:
        """The next message of this device's consumer, waiting up to ``wait_s`` for one to land
        (a long poll); [] when none came."""
        body = {"batch": 1, "expires": int(wait_s * 1e9)}
        return self._take(node_id, device_id, body, wait_s + WAIT_MARGIN_S)

    def _take(self, node_id: str, device_id: str, body: dict[str, Any], listen_s: float) -> list[Fetched]:
        """One pull request, read until the hub ends it (a status: no messages, expired) or the
        batch is full. The hub always ends it while we still listen: a message handed to a
        request we had stopped listening to would wait out the ack wait (60 s) before it came
        again. (nats-py's ``fetch`` gives up at the same moment the hub's request expires, so it
        has that window; its reply muxer in ``request`` ignores messages, which come under their
        own subject.)"""
        batch = int(body["batch"])

        async def take() -> list[Msg]:
            inbox = self._nc.new_inbox()
            sub = await self._nc.subscribe(inbox)
            msgs: list[Msg] = []
            try:
                await self._nc.publish(
                    names.next_subject(node_id, device_id), json.dumps(body).encode(), reply=inbox
                )
                while len(msgs) < batch:
                    msg = await sub.next_msg(timeout=listen_s)
                    status = (msg.headers or {}).get("Status")
                    if not status:
                        msgs.append(msg)
                    elif status in ("404", "408", "409"):  # no (more) messages, expired, limits
                        if "consumer" in str((msg.headers or {}).get("Description", "")).lower():
                            raise nats.js.errors.NotFoundError
                        break
                    elif status == "503":
                        raise nats.errors.NoRespondersError
                    else:
                        raise nats.js.errors.APIError.from_msg(msg)
            finally:
                with contextlib.suppress(nats.errors.Error):
                    await sub.unsubscribe()
            return msgs

        before = len(self.violations)
        try:
            msgs = self._run(self._unless_refused(take()))
        except nats.js.errors.NotFoundError:
            raise refused(
                "dit apparaat heeft geen postvak op de relay (relay-configuratie opnieuw maken?)",
                "this device has no mailbox on the relay (write the relay configuration again?)",
            ) from None
        except (nats.errors.Error, TimeoutError, OSError) as exc:
            if len(self.violations) == before:
                raise unreachable(self.url, _reason(exc)) from None
            msgs = []
        if len(self.violations) > before:
            raise refused(
                "dit apparaat mag dit postvak niet lezen (relay-configuratie opnieuw maken?)",
                "this device may not read this mailbox (write the relay configuration again?)",
            )
        return [Fetched(m.data, dict(m.headers or {}), m.subject, _seq(m), m) for m in msgs]

    async def _unless_refused(self, work: Coroutine[Any, Any, T]) -> T:
        """The server answers a subject outside the permissions with an error, not a reply: stop
        waiting for the reply as soon as that error comes (``violations``), not at the timeout."""
        before = len(self.violations)
        task = asyncio.ensure_future(work)
        while not task.done():
            await asyncio.wait({task}, timeout=0.05)
            if len(self.violations) > before and not task.done():
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
                raise nats.errors.Error("permissions violation")
        return task.result()

    def ack(self, item: Fetched) -> None:
        """Done with it (imported, a repeat, or quarantined): the hub will not hand it out again."""
        try:
            self._run(item._msg.ack_sync(timeout=REQUEST_TIMEOUT_S))
        except (nats.errors.Error, OSError) as exc:
            raise unreachable(self.url, _reason(exc)) from None

    def later(self, item: Fetched) -> None:
        """Not yet (a bundle whose other parts have not come): hand it out again next time."""
        # not acknowledged either way: it comes back after the consumer's ack wait
        with contextlib.suppress(nats.errors.Error, OSError):
            self._run(item._msg.nak())

    def request(self, subject: str, data: bytes = b"") -> bytes | None:
        """A raw request (tests probe permissions with it); None when nothing answered."""
        try:
            return self._run(self._nc.request(subject, data, timeout=1.0)).data
        except (nats.errors.Error, TimeoutError):
            return None

    def subscribe_once(self, subject: str) -> None:
        """Subscribe and flush (tests: the server refuses a subject outside the permissions)."""

        async def sub() -> None:
            await self._nc.subscribe(subject)
            await self._nc.flush()
            await asyncio.sleep(0.2)

        self._run(sub())

    def run(self, work: Callable[[Client], Coroutine[Any, Any, T]]) -> T:
        """Run a coroutine on the open connection (the hub's administration uses this)."""
        return self._run(work(self._nc))

    def close(self) -> None:
        try:
            self._run(self._nc.close())
        except Exception:  # noqa: BLE001 - closing a connection that already broke
            pass
        finally:
            self._loop.close()

    def __enter__(self) -> Link:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _seq(msg: Msg) -> int:
    return int(msg.metadata.sequence.stream)


def _reason(exc: BaseException) -> tuple[str, str]:
    """Why, in (nl, en): the library's own words only where there are none of ours."""
    if isinstance(exc, nats.errors.NoServersError | ConnectionRefusedError):
        return "geen verbinding", "no connection"
    if isinstance(exc, nats.js.errors.ServiceUnavailableError | nats.errors.NoRespondersError):
        return (
            "de hub antwoordt niet; een leaf neemt bundels wel aan",
            "the hub does not answer; a leaf still takes bundles",
        )
    if isinstance(exc, TimeoutError | nats.errors.TimeoutError):
        return "geen antwoord op tijd", "no answer in time"
    if isinstance(exc, ssl.SSLError | ConnectionResetError | nats.errors.UnexpectedEOF):
        return "TLS geweigerd (certificaat niet vertrouwd?)", "TLS refused (certificate not trusted?)"
    if "authorization" in str(exc).lower():
        return "niet toegelaten (sleutel onbekend?)", "not admitted (key unknown?)"
    text = (str(exc) or type(exc).__name__)[:120]
    return text, text


def client_context(
    cert_file: str, key_file: str, server_pem: str, password: bytes | None = None
) -> ssl.SSLContext:
    """TLS 1.3, our certificate presented, the server's certificate pinned as the only anchor (the
    relay is reached by address, its identity is the pinned certificate, as with peers: no names)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.load_cert_chain(cert_file, key_file, password=password)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cadata=server_pem)
    return ctx
