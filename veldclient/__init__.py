"""veldclient: offline-first field client for the Twente care-node mesh."""

__version__ = "0.1.0"
