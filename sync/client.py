"""The peer client: httpx over mutual TLS, pinned to one peer's certificate and device id.

One :class:`PeerConnection` per peer keeps its TCP/TLS connection and protocol :class:`Link` open
between runs, so the background sync of an idle laptop is one small request.
"""

from __future__ import annotations

import ssl
from typing import Any

import httpx

from veldclient.sync import peers, tls, wire
from veldclient.sync.protocol import Link, Replica, SyncClient, SyncFailed, SyncReport

TIMEOUT_S = 30.0


class PeerConnection:
    def __init__(self, replica: Replica, peer: peers.Peer, address: str | None = None) -> None:
        self.replica = replica
        self.peer = peer
        self.address = address or peer.address
        if not self.address:
            raise SyncFailed(
                f"Geen adres bekend voor peer {peer.name}; geef --address host:poort.",
                f"No address known for peer {peer.name}; give --address host:port.",
            )
        session = replica.session
        ctx = tls.client_context(session.profile.dir, session.key_password or b"", peer.cert_pem)
        self.http = httpx.Client(
            verify=ctx, base_url=f"https://{self.address}", timeout=TIMEOUT_S, http2=False
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
        try:
            response = self.http.post(
                f"/v1/{op}", content=payload, headers={"content-type": wire.CONTENT_TYPE}
            )
        except httpx.ConnectError as exc:
            raise self._connect_error(exc) from None
        except (httpx.TransportError, ssl.SSLError) as exc:
            if op == "hello" and not self.bytes_received:
                # TLS 1.3: a server that rejects our certificate hangs up right after the handshake
                raise self._refused_us() from None
            raise SyncFailed(
                f"Verbinding met {self.peer.name} verbroken: {exc}.",
                f"Connection to {self.peer.name} lost: {exc}.",
            ) from None
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

    def _refused_us(self) -> peers.PeerRefused:
        return peers.PeerRefused(
            f"{self.peer.name} op {self.address} weigert de verbinding"
            " (dit apparaat is daar niet gekoppeld?).",
            f"{self.peer.name} at {self.address} refuses the connection (this device not paired there?).",
        )

    def _connect_error(self, exc: httpx.ConnectError) -> Exception:
        text = str(exc)
        # Our own check of the server failed: OpenSSL says CERTIFICATE_VERIFY_FAILED. An *alert*
        # (e.g. "tlsv13 alert certificate required") is the server rejecting us instead; both
        # mention certificates, so only the exact token means a pin mismatch.
        if "CERTIFICATE_VERIFY_FAILED" in text:
            return peers.PeerRefused(
                f"{self.peer.name} op {self.address} toont een certificaat dat niet bij de koppeling past.",
                f"{self.peer.name} at {self.address} presents a certificate that does not match the pin.",
            )
        if "alert" in text.lower() or "handshake" in text.lower():
            return self._refused_us()
        return SyncFailed(
            f"{self.peer.name} is niet bereikbaar op {self.address}.",
            f"{self.peer.name} cannot be reached at {self.address}.",
        )

    def sync(self, progress: Any = None) -> SyncReport:
        before_sent, before_received = self.bytes_sent, self.bytes_received
        client = SyncClient(self.replica, self.peer, self.call, self.link)
        report = client.run(progress)
        self.link = client.link
        report.bytes_sent = self.bytes_sent - before_sent
        report.bytes_received = self.bytes_received - before_received
        return report
