"""What other nodes did, as the demo shows it: a referral offered here, one slot booked twice.

Why real peers: an incoming referral and a double booking only arise between nodes, so the demo
makes them the way they arise in the field. Short-lived profiles of other nodes (their own
devices, keys and audit logs) file and send a placement request, or book this node's slot while
apart (a nurse laptop of the own node publishes that slot when the demo's role does not); their
documents reach the demo as a sync would deliver them (trusted devices, merged changes), and the
stand-in profiles are removed again. Nothing is written around the services, so
the inbox, the incoming list and the slot board show exactly what a real mesh would.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from veldclient import profile as profmod
from veldclient import trust
from veldclient.errors import VeldError
from veldclient.services import clients, placement_flow, placements, setup, slots
from veldclient.session import Session
from veldclient.store.repo import doc_id_for

REFERRING_NODE = "hengelo"
BOOKING_NODES = ("hengelo", "borne")
HOUR_MS = 3_600_000
# a referral: an older man after a fall, no family nearby; what the receiving nurse needs and no more
REFERRAL_CLIENT = {"name": "Hendrik Oude Luttikhuis", "birth_date": "1938-02-11", "postcode": "7552 AB"}
REFERRAL = {
    "referrer": {"name": "Dr. A. Kamphuis", "role": "HUISARTS"},
    "urgency": "U2",
    "triage": {"instability": True, "adl_takeover": True},
}
SLOT_CLIENT = {"name": "Gerda Nijhuis", "birth_date": "1936-04-02", "postcode": "7555 DL"}


def stand_in_name(demo_profile: str, node_id: str) -> str:
    return f"{demo_profile}-{node_id}"


@contextmanager
def stand_in(demo: Session, node_id: str, passphrase: str) -> Iterator[Session]:
    """A short-lived nurse profile of ``node_id``, paired with the demo both ways, then removed."""
    name = stand_in_name(demo.profile.name, node_id)
    if profmod.exists(name):
        profmod.remove(name)
    other = setup.init_profile(
        name,
        node_id=node_id,
        role="nurse",
        user=f"demo-{node_id}",
        passphrase=passphrase,
        use_keyring=False,
        clock=demo.clock,
    )
    try:
        pair(demo, other)
        yield other
    finally:
        other.close()
        profmod.remove(name)


def pair(demo: Session, other: Session) -> None:
    """Each trusts the other's device for its node. The demo lists it as a demo device (as the
    stand-ins of load_nodes), not as a peer to sync with: the stand-in is gone afterwards. The
    stand-in trusts every device the demo trusts for the demo's node, as a node's peers know its
    laptops: the own node's nurse laptop that published a slot wrote the node document too."""
    with demo.transaction():
        trust.register(demo.db, other.actor.device_id, other.actor.node_id, "demo", _pem(other), demo.now())
    known = demo.db.execute(  # the demo's own device among them (registered as "self")
        "SELECT device_id, cert_pem FROM trusted_devices"
        " WHERE node_id = ? AND NOT revoked AND cert_pem IS NOT NULL AND device_id != ?",
        [demo.actor.node_id, other.actor.device_id],
    ).fetchall()
    with other.transaction():
        for device_id, cert in known:
            trust.register(other.db, device_id, demo.actor.node_id, "paired", cert, other.now())


def _pem(session: Session) -> str:
    pem = session.device.certificate_pem
    return pem if isinstance(pem, str) else pem.decode()


def deliver(src: Session, dst: Session, doc_ids: list[str]) -> None:
    """Hand documents over as a sync would: ``dst`` merges what ``src`` holds, all in one batch with
    the checks of every merge (a node document only from the node's trusted devices)."""
    items = [(doc_id, src.repo.store.save_bytes(doc_id)) for doc_id in doc_ids]
    _, refused = dst.repo.merge_many(items, lambda _doc, _kind, _owner: True)
    if refused:
        shown = "; ".join(f"{doc_id}: {reason}" for doc_id, reason in refused)
        raise VeldError(
            f"De demo kon niet alles afleveren ({shown}).", f"The demo could not deliver ({shown})."
        )


def load_referral(demo: Session, passphrase: str) -> str:
    """A placement request filed at another node and sent to this one: the receiving side's work
    (offer a place or decline) is waiting in the incoming list. Returns the request id."""
    with stand_in(demo, REFERRING_NODE, passphrase) as other:
        client = clients.register_client(other, REFERRAL_CLIENT)
        # a fixed id: the demo's documents are the same after every reset
        referral_id = hashlib.sha256(f"veld-demo-referral:{demo.actor.node_id}".encode()).hexdigest()[:32]
        raw = {**REFERRAL, "id": referral_id, "desired_start": other.today().isoformat()}
        request = placements.file_placement_request(other, client.id, raw)
        placement_flow.send(other, request.id, demo.actor.node_id)
        deliver(other, demo, placement_flow.outbox(other, demo.actor.node_id))
    return request.id


def load_double_booking(demo: Session, passphrase: str, booked: Callable[[], None] = lambda: None) -> str:
    """A slot of this node booked by two other nodes while they were apart: it shows as double
    booked on the slot board and as an open conflict in the inbox. Returns the slot id.

    A role that does not publish slots (a coordinator) sees the slot its node's nurse laptop
    published: a stand-in nurse of the own node publishes it and its node document reaches the demo.
    ``booked`` is called after each booking node's booking arrived."""
    start = (demo.now() // HOUR_MS + 26) * HOUR_MS  # tomorrow, on the hour
    own = doc_id_for("node", demo.actor.node_id)
    if demo.actor.role in slots.PUBLISHERS:
        slot = slots.publish(demo, service="WV_VISIT", start_at=start)[0]
    else:
        with stand_in(demo, demo.actor.node_id, passphrase) as nurse:
            deliver(demo, nurse, [own])
            slot = slots.publish(nurse, service="WV_VISIT", start_at=start)[0]
            deliver(nurse, demo, [own])
    for node_id in BOOKING_NODES:
        with stand_in(demo, node_id, passphrase) as other:
            deliver(demo, other, [own])
            slots.book(other, slot.id, clients.register_client(other, SLOT_CLIENT).id)
            deliver(other, demo, [doc_id_for("node", node_id)])
        booked()
    return slot.id
