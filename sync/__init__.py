"""Transports: peer protocol, server, client and USB bundles (import name ``veldclient.sync``).

Shared by the network and the USB path: ``peers`` (who is paired, who is revoked), ``scope`` (which
documents a node may see, checked on the sending *and* the receiving side), ``acks`` (which heads each
peer is known to hold: the honest delivery status) and ``identity_file`` (the pairing file). Network:
``wire`` (CBOR bodies), ``protocol`` (transport-free engine), ``tls``, ``server`` (aiohttp),
``client`` (httpx). Never imports textual.
"""
