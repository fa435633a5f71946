"""The peer client: httpx over mutual TLS, pinned to one peer's certificate and device id.

One :class:`PeerConnection` per peer keeps its TCP/TLS connection and protocol :class:`Link` open
between runs, so the background sync of an idle laptop is one small request.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx

from veldclient.progress import Progress, quiet
from veldclient.sync import peers, tls, wire
from veldclient.sync.replica import Replica
from veldclient.sync.report import SyncFailed, SyncReport
from veldclient.sync.running import Link, SyncClient

TIMEOUT_S = 30.0  # for an answer (the server answers within limits.CALL_TIME_S, or says "busy")
CONNECT_TIMEOUT_S = 10.0  # for the connection and its TLS handshake


class PeerConnection:
    def __init__(
        self,
        replica: Replica,
        peer: peers.Peer,
        address: str | None = None,
        identity: tuple[Path, Path] | None = None,
    ) -> None:
        self.replica = replica
        self.peer = peer
        self.address = address or peer.address
        if not self.address:
            raise SyncFailed(
                f"Geen adres bekend voor {peer.name}; geef --address host:poort.",
                f"No address known for peer {peer.name}; give --address host:port.",
            )
        session = replica.session
        ctx = tls.client_context(session.profile.dir, session.key_password or b"", peer.cert_pem, identity)
        self.http = httpx.Client(
            verify=ctx,
            base_url=f"https://{self.address}",
            timeout=httpx.Timeout(TIMEOUT_S, connect=CONNECT_TIMEOUT_S),
            http2=False,
        )
        self.link = Link()
        self.bytes_sent = 0
        self.bytes_received = 0

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> PeerConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def call(self, op: str, body: dict[str, Any]) -> dict[str, Any]:
        payload = wire.encode(body)
        answered: list[bool] = []  # the answer had begun: its headers came
        try:
            response = self.http.post(
                f"/v1/{op}",
                content=payload,
                headers={"content-type": wire.CONTENT_TYPE},
                extensions={"trace": _on_headers(answered)},
            )
        except httpx.TimeoutException as exc:
            raise self._timed_out(exc) from None
        except httpx.ConnectError as exc:
            raise self._connect_error(exc) from None
        except (httpx.TransportError, ssl.SSLError) as exc:
            raise self._broken_off(op, exc, bool(answered)) from None
        self._check_pin(response)
        self.bytes_sent += len(payload)
        self.bytes_received += len(response.content)
        if response.status_code == 403:
            raise peers.PeerRefused(
                f"{self.peer.name} weigert dit apparaat: {response.text}",
                f"{self.peer.name} refuses this device: {response.text}",
            )
        if response.status_code != 200:
            raise wire.WireError(
                f"{self.peer.name} antwoordt {response.status_code}: {response.text}",
                f"{self.peer.name} answers {response.status_code}: {response.text}",
                response.status_code,
            )
        return wire.decode(response.content)

    def _check_pin(self, response: httpx.Response) -> None:
        stream = response.extensions.get("network_stream")
        ssl_object = stream.get_extra_info("ssl_object") if stream is not None else None
        der = ssl_object.getpeercert(True) if ssl_object is not None else None
        if tls.fingerprint(der) != self.peer.device_id:
            raise peers.PeerRefused(
                f"{self.peer.name} toont een ander certificaat dan gekoppeld; verbinding geweigerd.",
                f"{self.peer.name} presents a different certificate than the paired one; refused.",
            )

    # One sentence for each way a call can fail, so a slow server is not taken for a refusal.

    def _refused_us(self) -> peers.PeerRefused:
        return peers.PeerRefused(
            f"{self.peer.name} op {self.address} weigert de verbinding:"
            " dit apparaat is daar niet gekoppeld, of ingetrokken.",
            f"{self.peer.name} at {self.address} refuses the connection:"
            " this device is not paired there, or was revoked.",
        )

    def _timed_out(self, exc: httpx.TimeoutException) -> SyncFailed:
        if isinstance(exc, httpx.ConnectTimeout):
            seconds = f"{CONNECT_TIMEOUT_S:g}"
            return SyncFailed(
                f"{self.peer.name} is niet bereikbaar op {self.address}:"
                f" geen antwoord op de verbinding binnen {seconds.replace('.', ',')} s.",
                f"{self.peer.name} cannot be reached at {self.address}:"
                f" no answer to the connection within {seconds} s.",
            )
        seconds = f"{TIMEOUT_S:g}"
        return SyncFailed(
            f"{self.peer.name} op {self.address} antwoordt niet binnen {seconds.replace('.', ',')} s"
            " (bezet of overbelast?); er is niets verloren, probeer het later opnieuw.",
            f"{self.peer.name} at {self.address} did not answer within {seconds} s"
            " (busy or overloaded?); nothing is lost, try again later.",
        )

    def _connect_error(self, exc: httpx.ConnectError) -> Exception:
        reason = _ssl_reason(exc)
        # Our own check of the server failed: OpenSSL says CERTIFICATE_VERIFY_FAILED. An *alert*
        # (e.g. "tlsv13 alert certificate required") is the server rejecting us instead.
        if reason == "CERTIFICATE_VERIFY_FAILED":
            return peers.PeerRefused(
                f"{self.peer.name} op {self.address} toont een certificaat dat niet bij de koppeling past.",
                f"{self.peer.name} at {self.address} presents a certificate that does not match the pin.",
            )
        if "ALERT" in (reason or ""):
            return self._refused_us()
        if any(isinstance(e, ConnectionRefusedError) for e in _causes(exc)):
            return SyncFailed(
                f"{self.peer.name} is niet bereikbaar op {self.address}: daar luistert niets"
                " (draait veld serve daar?).",
                f"{self.peer.name} cannot be reached at {self.address}: nothing is listening there"
                " (is veld serve running?).",
            )
        return SyncFailed(
            f"{self.peer.name} is niet bereikbaar op {self.address}.",
            f"{self.peer.name} cannot be reached at {self.address}.",
        )

    def _broken_off(self, op: str, exc: Exception, answered: bool) -> Exception:
        """The connection ended during a call. TLS 1.3 finishes the client's side of the handshake
        before the server has checked our certificate, and the server closes without a word when
        it refuses us: on the first call, no answer at all is the server refusing this device. A
        TLS alert says so outright."""
        alert = "ALERT" in (_ssl_reason(exc) or "")
        if alert or (op == "hello" and not answered and not self.bytes_received):
            return self._refused_us()
        if answered:
            return SyncFailed(
                f"De verbinding met {self.peer.name} op {self.address} brak af midden in een antwoord;"
                " er is niets verloren, de volgende ronde herhaalt wat ontbreekt.",
                f"The connection to {self.peer.name} at {self.address} broke off in the middle of an"
                " answer; nothing is lost, the next run repeats what is missing.",
            )
        return SyncFailed(
            f"De verbinding met {self.peer.name} op {self.address} brak af voor er een antwoord kwam;"
            " er is niets verloren, de volgende ronde herhaalt wat ontbreekt.",
            f"The connection to {self.peer.name} at {self.address} broke off before an answer came;"
            " nothing is lost, the next run repeats what is missing.",
        )

    def sync(self, progress: Progress = quiet) -> SyncReport:
        before_sent, before_received = self.bytes_sent, self.bytes_received
        client = SyncClient(self.replica, self.peer, self.call, self.link)
        report = client.run(progress)
        self.link = client.link
        report.bytes_sent = self.bytes_sent - before_sent
        report.bytes_received = self.bytes_received - before_received
        return report


def _on_headers(answered: list[bool]) -> Callable[[str, dict[str, Any]], None]:
    """An httpcore trace hook noting that the answer's headers arrived."""

    def trace(event: str, info: dict[str, Any]) -> None:
        if event == "http11.receive_response_headers.complete":
            answered.append(True)

    return trace


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _ssl_reason(exc: BaseException) -> str | None:
    """OpenSSL's reason (e.g. ``TLSV13_ALERT_CERTIFICATE_REQUIRED``) behind a failed call, if any."""
    for cause in _causes(exc):
        if isinstance(cause, ssl.SSLError):
            return str(cause.reason or cause)
    return None
