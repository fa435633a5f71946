"""Transports: peer protocol, server, client and USB bundles (import name ``veldclient.sync``).

Shared by the network and the USB path: ``peers`` (who is paired, who is revoked), ``scope`` (which
documents a node may see, checked on the sending *and* the receiving side), ``acks`` (which heads each
peer is known to hold: the honest delivery status) and ``identity_file`` (the pairing file). Network:
``wire`` (CBOR bodies); the transport-free protocol: ``replica`` (a session and its lock),
``answering`` (what a server answers), ``running`` (how a client drives a run, in ``phases``) and
``report`` (what a run tells its caller); ``tls``, ``server`` (aiohttp) and ``client`` (httpx)
carry it. Never imports textual.
"""
