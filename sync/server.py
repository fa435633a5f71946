"""The peer server: aiohttp over mutual TLS (aiohttp exposes the client certificate; uvicorn does not).

Every sync request is ``POST /v1/<op>`` with a wire body; ``GET /fhir/<path>`` reads the capacity
as FHIR (read-only, for paired devices only; the use case is given by the service that serves).
The handler derives the caller's device id from the presented certificate and hands the call to
:class:`~veldclient.sync.answering.PeerServer` in one worker thread (SQLite work never blocks the
event loop, and calls are serialised by the replica's lock anyway), with the time the call has
(limits.py). Refusals are answered with a 4xx, written to the audit log and logged as one line, at
most once a minute per device (door.py) — also those made by the TLS handshake itself, before any
request is read (tls.HandshakeWatch). A caller that hangs up is one line, not an error. ``stop``
returns within a couple of seconds, busy or not.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable
from typing import Any

import aiohttp
from aiohttp import web

from veldclient.identity import format_device_id
from veldclient.sync import door, invitations, limits, peers, tls, wire
from veldclient.sync.answering import PeerServer, serve_refusal
from veldclient.sync.replica import Replica
from veldclient.sync.worker import SerialWorker

log = logging.getLogger("veldclient.sync.server")
ENROL_OP = "enrol"  # a joining laptop's first call, made with its invitation (sync/invitation_file.py)
# (session, caller's device id, request body) -> answer; runs on the worker under the replica lock
Enrol = Callable[[Any, str, dict[str, Any]], dict[str, Any]]
# (session, caller's device id, path after /fhir/) -> FHIR JSON; runs on the worker under the lock
FhirRead = Callable[[Any, str, str], bytes]
FHIR_JSON = "application/fhir+json"
REFRESH_S = 2.0
STOP_GRACE_S = 2.0  # what stopping waits for calls in flight (they end at their next clock check)
# A caller that hung up while sending its body (a reset, or the stream ending short of its length).
HUNG_UP = (ConnectionError, aiohttp.ClientPayloadError, aiohttp.http_exceptions.HttpProcessingError)


class PeerHTTPServer:
    def __init__(
        self,
        replica: Replica,
        host: str = "127.0.0.1",
        port: int = 0,
        enrol: Enrol | None = None,
        fhir: FhirRead | None = None,
    ) -> None:
        self.replica = replica
        self.enrol = enrol  # the use case behind ENROL_OP, given by the service that serves
        self.fhir = fhir  # the use case behind GET /fhir/..., likewise
        self.host = host
        self.port = port
        self.engine = PeerServer(replica)
        self._worker = SerialWorker("veld-serve")
        self._runner: web.AppRunner | None = None
        self._trusted: set[str] = set()
        self._ctx = None
        self._refresher: asyncio.Task[None] | None = None
        self._limiter = door.RefusalLimiter()  # refusals of a device: audit entry and log line
        self._lines = door.RefusalLimiter()  # other refused calls: a log line
        self._loop: asyncio.AbstractEventLoop | None = None

    def _peer_pems(self, within: float | None = None) -> dict[str, str]:
        with self.replica.locked() if within is None else self.replica.locked_within(within):
            session = self.replica.session
            pems = invitations.handshake_pems(session.db) if self.enrol is not None else {}
            pems.update({p.device_id: p.cert_pem for p in peers.usable_peers(session.repo)})
            return pems

    async def start(self) -> int:
        session = self.replica.session
        self._loop = asyncio.get_running_loop()
        pems = self._peer_pems()
        self._trusted = set(pems)
        self._ctx = tls.server_context(session.profile.dir, session.key_password or b"", list(pems.values()))
        if not tls.HandshakeWatch(self._refused_at_handshake).install(self._ctx):
            log.warning("this Python cannot see who is refused at the TLS handshake; those go unrecorded")
        app = web.Application(client_max_size=wire.MAX_BODY)
        app.router.add_post("/v1/{op}", self._handle)
        if self.fhir is not None:
            app.router.add_get("/fhir/{path:.*}", self._fhir)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=STOP_GRACE_S)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, ssl_context=self._ctx)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        if sockets:
            self.port = sockets[0].getsockname()[1]
        self._refresher = asyncio.create_task(self._refresh_loop())
        return self.port

    async def _refresh_loop(self) -> None:
        while True:
            await asyncio.sleep(REFRESH_S)
            await self.refresh_trust()

    async def refresh_trust(self) -> None:
        """Newly paired devices join the trust store without a restart (every few seconds, or at
        once when the pairing happened in this process). Removals and revocations need no reload:
        the handler checks every call against the registry."""
        loop = asyncio.get_running_loop()
        try:
            pems = await loop.run_in_executor(self._worker, self._peer_pems, limits.CALL_TIME_S)
        except wire.WireError:  # the replica is busy: the next round picks the new pairings up
            return
        new = [pem for device, pem in pems.items() if device not in self._trusted]
        if new and self._ctx is not None:
            self._ctx.load_verify_locations(cadata="\n".join(new))
            self._trusted |= set(pems)

    def request_stop(self) -> None:
        """From any thread: calls in flight end at their next clock check, queued ones at once."""
        self.engine.stopping.set()

    async def stop(self) -> bool:
        """Stop serving within about ``STOP_GRACE_S`` (twice, at worst). Returns whether the worker
        finished; if not (a call stuck inside a library), it is left behind — its thread does not
        hold up the process's exit and the database rolls back its open transaction — and the
        caller must not close the session under it."""
        self.request_stop()
        if self._refresher:
            self._refresher.cancel()
        if self._runner:
            await self._runner.cleanup()
        self._worker.close()
        until = time.monotonic() + STOP_GRACE_S
        while not self._worker.finished.is_set() and time.monotonic() < until:
            await asyncio.sleep(0.02)
        if not self._worker.finished.is_set():
            log.warning("stopped with a call still running; what it had not stored is not stored")
            return False
        return True

    async def _handle(self, request: web.Request) -> web.Response:
        op = request.match_info["op"]
        ssl_object = request.transport.get_extra_info("ssl_object") if request.transport else None
        device = tls.fingerprint(ssl_object.getpeercert(binary_form=True) if ssl_object else None)
        loop = asyncio.get_running_loop()
        if device is None:
            return self._refuse(403, "no client certificate", None, op)
        if (request.content_length or 0) > wire.MAX_BODY:
            return self._refuse(413, "message too large", device, op)
        try:
            raw = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return self._refuse(413, "message too large", device, op)
        except HUNG_UP:
            self._log_limited(
                f"{device}/hung-up", "%s hung up while sending %s; nothing was done.", _who(device), op
            )
            return web.Response(status=400, text="incomplete request")  # nobody is left to read it
        deadline = self.engine.deadline()  # the call's time runs from here, waiting included
        if op == ENROL_OP and self.enrol is not None:
            return await self._enrol(device, raw)
        try:
            body = wire.decode(raw)
            handle = functools.partial(self.engine.handle, device, op, body, deadline=deadline)
            answer: dict[str, Any] = await loop.run_in_executor(self._worker, handle)
        except peers.PeerRefused as exc:
            return await self._refuse_peer(device, op, exc.message("en"))
        except Exception as exc:  # noqa: BLE001 - every failure becomes one status and one line
            status, reason = serve_refusal(exc)
            if status == 500:
                log.exception("peer call %s from %s failed", op, format_device_id(device))
            return self._refuse(status, reason, device, op)
        return web.Response(body=wire.encode(answer), content_type=wire.CONTENT_TYPE)

    async def _fhir(self, request: web.Request) -> web.Response:
        """A read of the capacity as FHIR by a paired, unrevoked device (the TLS handshake admits
        only paired certificates; the registry is asked again here, as for every sync call)."""
        read = self.fhir
        assert read is not None
        path = request.match_info["path"]
        ssl_object = request.transport.get_extra_info("ssl_object") if request.transport else None
        device = tls.fingerprint(ssl_object.getpeercert(binary_form=True) if ssl_object else None)
        if device is None:
            return self._refuse(403, "no client certificate", None, "fhir")

        def call() -> bytes:
            with self.replica.locked_within(limits.CALL_TIME_S) as session:
                peers.usable(session.repo, device)
                return read(session, device, path)

        try:
            body = await asyncio.get_running_loop().run_in_executor(self._worker, call)
        except peers.PeerRefused as exc:
            return await self._refuse_peer(device, "fhir", exc.message("en"))
        except Exception as exc:  # noqa: BLE001 - every failure becomes one status and one line
            status, reason = serve_refusal(exc)
            if status == 500:
                log.exception("FHIR read of %s by %s failed", path, format_device_id(device))
            return self._refuse(status, reason, device, "fhir")
        return web.Response(body=body, content_type=FHIR_JSON)

    async def _enrol(self, device: str, raw: bytes) -> web.Response:
        """A joining laptop's first contact, made with its invitation's one-time certificate: the
        service checks and uses the invitation and pairs the laptop; its own certificate is then
        trusted at once, so its first sync can follow on the next connection."""
        enrol = self.enrol
        assert enrol is not None

        def call() -> dict[str, Any]:
            with self.replica.locked_within(limits.CALL_TIME_S) as session:
                return enrol(session, device, wire.decode(raw))

        try:
            answer = await asyncio.get_running_loop().run_in_executor(self._worker, call)
        except Exception as exc:  # noqa: BLE001 - every failure becomes one status and one line
            status, reason = serve_refusal(exc)
            if status == 500:
                log.exception("enrolment from %s failed", format_device_id(device))
            return self._refuse(status, reason, device, ENROL_OP)
        await self.refresh_trust()
        return web.Response(body=wire.encode(answer), content_type=wire.CONTENT_TYPE)

    def _refuse(self, status: int, reason: str, device: str | None, op: str) -> web.Response:
        """A 4xx or 5xx with one log line ("busy" is routine under load: the caller asks again)."""
        level = logging.INFO if status == 503 else logging.WARNING
        self._log_limited(
            f"{device}/{status}", "refused %s from %s: %s", op, _who(device), reason, level=level
        )
        return web.Response(status=status, text=reason)

    def _log_limited(self, key: str, message: str, *args: str, level: int = logging.WARNING) -> None:
        """One log line, at most once a minute per ``key`` (a peer repeating a bad call must not
        fill the log either)."""
        admitted = self._lines.admit(key)
        if admitted is not None:
            log.log(level, message + "%s", *args, _left_out(admitted))

    # -- refusals of the device itself, written down at most once a minute per device ----------

    async def _refuse_peer(self, device: str, op: str, reason: str) -> web.Response:
        """403 for a device no longer paired or revoked (the handshake let it in: the trust store
        only learns of pairings), with its audit entry unless the limiter leaves it out."""
        admitted = self._limiter.admit(device)
        if admitted is not None:
            loop = asyncio.get_running_loop()
            try:
                await loop.run_in_executor(self._worker, self._write_refusal, device, op, reason, admitted)
            except Exception as exc:  # noqa: BLE001 - the refusal stands; the log says what was not written
                log.warning("could not write a refusal to the audit log: %s", exc)
        return web.Response(status=403, text=reason)

    def _refused_at_handshake(self, device: str | None, alert: str) -> None:
        """Called by tls.HandshakeWatch on the event loop while OpenSSL refuses a client: decide
        here (cheap), write on the worker."""
        admitted = self._limiter.admit(device)
        if admitted is None or self._loop is None or self.engine.stopping.is_set():
            return
        try:
            written = self._loop.run_in_executor(
                self._worker, self._write_refusal, device, "handshake", None, admitted, alert
            )
        except RuntimeError:  # the worker has stopped
            return
        written.add_done_callback(_log_failure)

    def _write_refusal(
        self, device: str | None, op: str, reason: str | None, admitted: door.Admitted, alert: str = ""
    ) -> None:
        who = _who(device)
        with self.replica.locked_within(limits.CALL_TIME_S) as session:
            if reason is None:
                reason = _why_refused(self.replica, device, alert)
            more = _left_out(admitted)
            if op == "handshake":
                log.warning("refused at the handshake: %s: %s%s", who, reason, more)
            else:
                log.warning("refused %s from %s: %s%s", op, who, reason, more)
            detail: dict[str, str | int] = {"op": op, "why": reason}
            if admitted.device:
                detail["left_out"] = admitted.device
            if admitted.capped:
                detail["left_out_others"] = admitted.capped
            with session.transaction():
                session.audit("sync.refused", "R", "peer", outcome="denied", object_id=device, detail=detail)


def _who(device: str | None) -> str:
    return format_device_id(device) if device else "?"


def _why_refused(replica: Replica, device: str | None, alert: str) -> str:
    """In words, from the registry: why the handshake refused ``device``."""
    if device is None:
        return "no client certificate"
    try:
        peers.usable(replica.session.repo, device)
    except peers.PeerRefused as exc:
        return exc.message("en")
    return f"certificate not accepted ({alert})"  # paired a moment ago, or its certificate expired


def _left_out(admitted: door.Admitted) -> str:
    parts = []
    if admitted.device:
        parts.append(f"{admitted.device} more like it")
    if admitted.capped:
        parts.append(f"{admitted.capped} of other devices")
    return f" ({' and '.join(parts)} left out since the last line)" if parts else ""


def _log_failure(written: asyncio.Future[None]) -> None:
    if not written.cancelled() and written.exception() is not None:
        log.warning("could not write a refusal to the audit log: %s", written.exception())
