"""Names on the relay: one mailbox (JetStream stream) per recipient node, one durable consumer per
device, subjects that name the sending device (docs/relay.md, "Subjects and streams").

    veld.mb.<recipient node>.<sender device id>     a bundle (or one part of it) for that node
    VELD_MB_<node>                                  the node's mailbox: a stream over veld.mb.<node>.>
    d-<device id>                                   a device's durable pull consumer on its mailbox
    _INBOX.<device id>.>                            where a device's replies arrive
    VELD_OUTBOX                                     a leaf node's local stream over veld.mb.>

Only ids travel in names: node slugs and device ids (SHA-256 of a certificate), never a person.
"""

from __future__ import annotations

HUB_DOMAIN = "hub"  # the hub's JetStream domain; devices on a leaf reach it as $JS.hub.API
SUBJECT_ROOT = "veld.mb"
OUTBOX = "VELD_OUTBOX"
API = f"$JS.{HUB_DOMAIN}.API"
# headers of a bundle's parts: a bundle larger than one message travels in parts
BUNDLE = "Veld-Bundle"
PART = "Veld-Part"
PARTS = "Veld-Parts"


def leaf_domain(node_id: str) -> str:
    return f"leaf-{node_id}"


def stream(node_id: str) -> str:
    return f"VELD_MB_{node_id}"


def mailbox(node_id: str) -> str:
    """Every subject of a node's mailbox (the stream's subjects)."""
    return f"{SUBJECT_ROOT}.{node_id}.>"


def subject(recipient_node: str, sender_device: str) -> str:
    return f"{SUBJECT_ROOT}.{recipient_node}.{sender_device}"


def durable(device_id: str) -> str:
    return f"d-{device_id}"


def inbox(device_id: str) -> str:
    return f"_INBOX.{device_id}"


def next_subject(node_id: str, device_id: str) -> str:
    """Where a device asks the hub for its next messages (through a leaf too: the domain names the hub)."""
    return f"{API}.CONSUMER.MSG.NEXT.{stream(node_id)}.{durable(device_id)}"


def next_subjects(node_id: str, device_id: str) -> tuple[str, str]:
    """The request as the device sends it, and as the hub sees it after mapping its own domain's
    API onto ``$JS.API`` (permissions are checked on both sides of that mapping)."""
    local = f"$JS.API.CONSUMER.MSG.NEXT.{stream(node_id)}.{durable(device_id)}"
    return next_subject(node_id, device_id), local


def ack_subjects(node_id: str, device_id: str) -> str:
    return f"$JS.ACK.{stream(node_id)}.{durable(device_id)}.>"
