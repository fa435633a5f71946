"""Transports: peer protocol, server, client and USB bundles (import name veldclient.sync).

Arrives with the network-sync and USB-bundle issues; it must never import textual.
"""
