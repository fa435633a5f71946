"""Placement across nodes, as pure rules: the lifecycle derived from events, and where to look for a bed.

**Why events.** Offers and acceptances cross nodes that are often apart. A status field would be
last-writer-wins and could silently turn two acceptances of the same bed into one, so every step is an
event (``services/events.py``: ``{id, type, at, by, device, node, data, parents}``) and the status is
*derived* by folding the events in one causal order that every replica computes alike. A step that
does not fit where it lands (an acceptance that arrives after a concurrent cancel) is kept in the
document but changes nothing here; the conflict finder shows it to a person.

Event types and their ``data``:

=========== =========================================================================== ===========
type        data                                                                        by
=========== =========================================================================== ===========
DRAFT …     (filing: the request's initial status, no data)                              sender
SENT        ``to_node``                                                                 sender
IN_REVIEW   ``node``                                                                    receiver
OFFERED     ``node, location_id, care_type`` — the event id is the **offer id**          receiver
DECLINED    ``node`` (the node declines the request) or ``offer_id`` (sender declines)  either
WITHDRAWN   ``node, offer_id`` (the offering node takes its offer back)                 receiver
ACCEPTED    ``offer_id, node, location_id, care_type`` (node: the offering node)        sender
ADMITTED    ``offer_id, node, location_id, care_type, admitted_at``                     receiver
DISCHARGED  ``offer_id, node, location_id, care_type, destination, discharged_at``      receiver
REJECTED, CANCELLED, NO_PLACE  ``reason`` (optional)                                    sender
RESOLVED    ``conflict`` (event ids), ``chosen`` (one of them or none), ``note``           either
=========== =========================================================================== ===========

**Decisions** (``RESOLVED``, services/conflicts.py): an acceptance that is a side of a decided
conflict but not the chosen side no longer stands. When the chosen side is an event of another
document (two requests accepted the same last bed), that bed went to the other request: the offer
reads *given away* and the request searches again, so its nurse can send it elsewhere. Otherwise
(neither side chosen, or the other acceptance of this same request) the offer is *overruled*.

**Ranking** (:func:`rank_locations`): hard filters first — the care type must match exactly and every
required capability must be there. Every location that passes gets a score on the one 0-100 scale
(``domain/score.py``), whose weights are the constants below, each part explained by a reason with
its points; the list is sorted by that score, best first, so the order is the score's order. A
location with no free bed scores 0 (it cannot take the client now) but is *listed*, not hidden,
because a stale "0" may be wrong and the nurse may still phone; so is a location whose node has not
reported yet (free beds unknown; its capabilities are unknown too, so the capability filter cannot
drop it). Any location with a free bed scores at least the first bed's points, so it always comes
before those.

The domain never reads the clock or the database: callers pass ``now_ms``, capacity rows and, when the
events come from a document, put them in causal order first (:func:`veldclient.domain.causal.ordered`,
or :func:`flow_of` does it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from veldclient.errors import InvalidTransition, NotFound

from . import causal, formats
from .causal import Event
from .enums import Capability, CareType, OfferState, PlacementStatus, check_transition
from .models_capacity import report_age_ms, report_is_stale
from .models_placement import PlacementRequest
from .score import Reason, points, score_of

P = PlacementStatus

# --- the lifecycle from events ------------------------------------------------------------------

SEARCHING = frozenset({P.SUBMITTED, P.IN_REVIEW, P.OFFERED})
OPEN = frozenset({P.DRAFT, *SEARCHING, P.ACCEPTED})  # not yet placed, not closed (timers run once sent)
CLOSING = frozenset({P.REJECTED, P.CANCELLED, P.NO_PLACE})
EVENT_TYPES = frozenset(
    {"SENT", "DECLINED", "WITHDRAWN", "RESOLVED", *(s.value for s in PlacementStatus)}
)  # every type the fold reads; anything else (notes) is ignored

OPEN_OFFER, DECLINED, WITHDRAWN, ACCEPTED, ADMITTED, DISCHARGED, GIVEN_AWAY, OVERRULED = OfferState


@dataclass(frozen=True)
class Offer:
    """A bed offered by a receiving node; its id is the OFFERED event's id."""

    id: str
    node: str | None
    location_id: str | None
    care_type: str | None
    at: int
    by: str | None
    state: OfferState = OPEN_OFFER
    accepted_event_id: str | None = None
    decided_at: int | None = None
    """When a decision set this offer's acceptance aside (GIVEN_AWAY or OVERRULED) …"""
    decided_by: str | None = None
    """… and the id of that RESOLVED event."""


@dataclass(frozen=True)
class Flow:
    """What the events say: status, offers, who was asked and who answered."""

    status: PlacementStatus | None = None
    offers: Mapping[str, Offer] = field(default_factory=dict)
    accepted_offer_id: str | None = None
    sent_to: tuple[str, ...] = ()
    declined_by: tuple[str, ...] = ()
    first_reply_at: int | None = None
    placed_at: int | None = None

    @property
    def open_offers(self) -> list[Offer]:
        return [o for o in self.offers.values() if o.state == OPEN_OFFER]

    @property
    def accepted_offer(self) -> Offer | None:
        return self.offers.get(self.accepted_offer_id) if self.accepted_offer_id else None

    @property
    def beds_given_away(self) -> tuple[Offer, ...]:
        """Accepted offers whose bed a decision gave to another request, oldest decision first."""
        lost = [o for o in self.offers.values() if o.state == GIVEN_AWAY]
        return tuple(sorted(lost, key=lambda o: (o.decided_at or 0, o.id)))


class _Fold:
    """Mutable state while folding; frozen into a :class:`Flow` at the end."""

    def __init__(self, sender_node: str | None) -> None:
        self.sender = sender_node
        self.status: PlacementStatus | None = None
        self.offers: dict[str, Offer] = {}
        self.accepted: str | None = None
        self.sent_to: list[str] = []
        self.declined_by: list[str] = []
        self.first_reply_at: int | None = None
        self.placed_at: int | None = None
        self.seen: set[str] = set()

    def reply(self, e: Event) -> None:
        node = e.get("node") or (e.get("data") or {}).get("node")
        if self.sender is not None and node == self.sender:
            return
        at = causal.event_time(e)
        self.first_reply_at = at if self.first_reply_at is None else min(self.first_reply_at, at)

    def settle_search(self) -> None:
        """After an offer goes away: still searching, with or without offers on the table."""
        if self.status in SEARCHING or self.status == P.ACCEPTED and self.accepted is None:
            self.status = (
                P.OFFERED if any(o.state == OPEN_OFFER for o in self.offers.values()) else P.IN_REVIEW
            )

    def set_offer(self, offer_id: str, **changes: Any) -> None:
        self.offers[offer_id] = replace(self.offers[offer_id], **changes)

    def apply(self, e: Event) -> None:
        kind = e.get("type")
        if kind not in EVENT_TYPES:
            return
        data = e.get("data") or {}
        self.seen.add(e["id"])
        if kind == "RESOLVED":  # a decision is not a step of the lifecycle: it never starts one
            self.on_resolved(e, data)
            return
        if kind == "SENT":
            to = data.get("to_node")
            if to and to not in self.sent_to:
                self.sent_to.append(to)
        if self.status is None:  # the first step states where the request starts (filing, import)
            self.status = P.SUBMITTED if kind in ("SENT", "DECLINED", "WITHDRAWN") else P(kind)
        handler = getattr(self, f"on_{kind.lower()}", None)
        if handler is not None:
            handler(e, data)

    def on_sent(self, e: Event, data: Mapping[str, Any]) -> None:
        if self.status == P.DRAFT:
            self.status = P.SUBMITTED

    def on_submitted(self, e: Event, data: Mapping[str, Any]) -> None:
        if self.status == P.DRAFT:
            self.status = P.SUBMITTED

    def on_in_review(self, e: Event, data: Mapping[str, Any]) -> None:
        if self.status == P.SUBMITTED:
            self.status = P.IN_REVIEW

    def on_offered(self, e: Event, data: Mapping[str, Any]) -> None:
        self.offers[e["id"]] = Offer(
            id=e["id"],
            node=data.get("node") or e.get("node"),
            location_id=data.get("location_id"),
            care_type=data.get("care_type"),
            at=causal.event_time(e),
            by=e.get("by"),
        )
        self.reply(e)
        if self.status in SEARCHING:
            self.status = P.OFFERED

    def on_declined(self, e: Event, data: Mapping[str, Any]) -> None:
        offer_id = data.get("offer_id")
        if offer_id:
            if offer_id in self.offers and self.offers[offer_id].state == OPEN_OFFER:
                self.set_offer(offer_id, state=DECLINED)
        else:
            node = data.get("node") or e.get("node")
            if node and node not in self.declined_by:
                self.declined_by.append(node)
            self.reply(e)
        self.settle_search()

    def on_withdrawn(self, e: Event, data: Mapping[str, Any]) -> None:
        offer = self.offers.get(data.get("offer_id") or "")
        if offer is None or offer.state not in (OPEN_OFFER, ACCEPTED):
            return
        self.set_offer(offer.id, state=WITHDRAWN)
        if self.accepted == offer.id and self.status == P.ACCEPTED:
            self.accepted = next((o.id for o in self.offers.values() if o.state == ACCEPTED), None)
        self.settle_search()

    def on_accepted(self, e: Event, data: Mapping[str, Any]) -> None:
        offer = self.offers.get(data.get("offer_id") or "")
        if offer is None:  # an imported snapshot without offer details
            if self.status in SEARCHING:
                self.status = P.ACCEPTED
            return
        if offer.state != OPEN_OFFER or self.status not in (*SEARCHING, P.ACCEPTED):
            return
        self.set_offer(offer.id, state=ACCEPTED, accepted_event_id=e["id"])
        if self.status != P.ACCEPTED or self.accepted is None:
            self.status, self.accepted = P.ACCEPTED, offer.id

    def on_resolved(self, e: Event, data: Mapping[str, Any]) -> None:
        sides = set(data.get("conflict") or [])
        chosen = data.get("chosen")
        elsewhere = chosen is not None and chosen not in self.seen  # causal order: a side here came first
        set_aside = [
            o
            for o in self.offers.values()
            if o.state == ACCEPTED and o.accepted_event_id in sides and o.accepted_event_id != chosen
        ]
        if not set_aside:
            return
        for offer in set_aside:
            state = GIVEN_AWAY if elsewhere else OVERRULED
            self.set_offer(offer.id, state=state, decided_at=causal.event_time(e), decided_by=e["id"])
        if self.accepted is not None and self.offers[self.accepted].state != ACCEPTED:
            self.accepted = next((o.id for o in self.offers.values() if o.state == ACCEPTED), None)
        self.settle_search()

    def on_admitted(self, e: Event, data: Mapping[str, Any]) -> None:
        if self.status != P.ACCEPTED:
            return
        offer_id = data.get("offer_id") or self.accepted
        if offer_id in self.offers and self.offers[offer_id].state == ACCEPTED:
            self.set_offer(offer_id, state=ADMITTED)
            self.accepted = offer_id
        self.status = P.ADMITTED
        self.placed_at = int(data.get("admitted_at") or causal.event_time(e))

    def on_discharged(self, e: Event, data: Mapping[str, Any]) -> None:
        if self.status != P.ADMITTED:
            return
        if self.accepted in self.offers:
            self.set_offer(self.accepted, state=DISCHARGED)
        self.status = P.DISCHARGED

    def close(self, target: PlacementStatus) -> None:
        if self.status is not None and target in self.status.allowed_next():
            self.status = target

    def on_rejected(self, e: Event, data: Mapping[str, Any]) -> None:
        self.close(P.REJECTED)

    def on_no_place(self, e: Event, data: Mapping[str, Any]) -> None:
        self.close(P.NO_PLACE)

    def on_cancelled(self, e: Event, data: Mapping[str, Any]) -> None:
        self.close(P.CANCELLED)

    def freeze(self) -> Flow:
        return Flow(
            status=self.status,
            offers=dict(self.offers),
            accepted_offer_id=self.accepted,
            sent_to=tuple(self.sent_to),
            declined_by=tuple(self.declined_by),
            first_reply_at=self.first_reply_at,
            placed_at=self.placed_at,
        )


def fold(ordered_events: Iterable[Event], sender_node: str | None = None) -> Flow:
    """The flow of one request from its events in causal order. ``sender_node`` (the request's own
    node) is left out when finding the first reply: only a receiving node can reply."""
    state = _Fold(sender_node)
    for e in ordered_events:
        if e.get("id"):
            state.apply(e)
    return state.freeze()


def placement_status(ordered_events: Iterable[Event]) -> PlacementStatus:
    """The lifecycle status the events lead to (DRAFT when there are none)."""
    return fold(ordered_events).status or P.DRAFT


def flow_of(events: Sequence[Event], sender_node: str | None = None) -> Flow:
    """Fold events straight from a document (any order)."""
    return fold(causal.ordered(events), sender_node)


# --- which steps are possible now ---------------------------------------------------------------


OFFER_PREFIX_MIN = 4  # a shorter start of an id would be a guess


def _offer(flow: Flow, offer_id: str) -> Offer:
    """The offer ``offer_id`` names: its id, or the start of it (as lists show it) when one fits."""
    offer = flow.offers.get(offer_id)
    if offer is None and len(offer_id) >= OFFER_PREFIX_MIN:
        fits = [o for oid, o in flow.offers.items() if oid.startswith(offer_id)]
        offer = fits[0] if len(fits) == 1 else None
    if offer is None:
        raise NotFound(("Aanbod", "offer"), offer_id)
    return offer


_OFFER_STATE = {
    DECLINED: ("is afgewezen", "was declined"),
    WITHDRAWN: ("is ingetrokken door het aanbiedende knooppunt", "was withdrawn by the offering node"),
    ACCEPTED: ("is al geaccepteerd", "was already accepted"),
    ADMITTED: ("is al gebruikt voor een opname", "was already used for an admission"),
    DISCHARGED: ("is afgesloten na ontslag", "is closed after discharge"),
    GIVEN_AWAY: ("is naar een andere aanvraag gegaan", "went to another request"),
    OVERRULED: ("is vervallen door een besluit over een conflict", "was set aside by a conflict decision"),
}


def _offer_not_open(offer: Offer, doing_nl: str, doing_en: str) -> InvalidTransition:
    nl, en = _OFFER_STATE.get(offer.state, ("is niet meer open", "is no longer open"))
    return InvalidTransition(
        f"Dit aanbod {nl} en kan niet meer worden {doing_nl}.",
        f"This offer {en} and can no longer be {doing_en}.",
    )


def _status(flow: Flow) -> PlacementStatus:
    return flow.status or P.DRAFT


def _searching(flow: Flow, target: PlacementStatus) -> None:
    """Raise unless the request is still looking for a bed (the standard bilingual message)."""
    status = _status(flow)
    if status not in SEARCHING:
        check_transition(status, target)  # raises the standard message for most statuses …
        raise InvalidTransition(  # … but e.g. ACCEPTED -> IN_REVIEW is a step, just not this one
            f"Deze aanvraag zoekt geen plek meer (status '{status.label('nl')}').",
            f"This request is no longer looking for a place (status '{status.label('en')}').",
        )


def _not_final(flow: Flow) -> None:
    status = _status(flow)
    if status.is_final:
        check_transition(status, status)  # raises: final


def check_send(flow: Flow, to_node: str) -> None:
    status = _status(flow)
    if status not in (P.DRAFT, *SEARCHING):
        raise InvalidTransition(
            f"Een aanvraag met status '{status.label('nl')}' kan niet meer worden verstuurd.",
            f"A request with status '{status.label('en')}' can no longer be sent.",
        )
    if to_node in flow.sent_to:
        raise InvalidTransition(
            f"Deze aanvraag is al naar {to_node} verstuurd.", f"This request was already sent to {to_node}."
        )
    _one_active_offer(flow)


def _one_active_offer(flow: Flow) -> None:
    """One node's bed at a time: while an offer is open or accepted, the request is sent to no other
    node and no other node offers (the offering node may still offer another of its own beds); after
    a decline or a withdrawal it may go elsewhere. Earlier asks stay in ``sent_to`` and earlier
    offers in ``offers``, as history. A node that never answers holds no offer, so the nurse may
    send the request on without waiting."""
    if flow.open_offers:
        raise InvalidTransition(
            "Er ligt al een aanbod open: accepteer of wijs dat eerst af.",
            "An offer is already open: accept or decline it first.",
        )
    if flow.accepted_offer is not None:
        raise InvalidTransition(
            "Er is al een aanbod geaccepteerd; trek de aanvraag in om elders te zoeken.",
            "An offer was already accepted; withdraw the request to look elsewhere.",
        )


def check_offer(flow: Flow, node: str) -> None:
    _searching(flow, P.OFFERED)
    if node in flow.declined_by:
        raise InvalidTransition(
            "Uw knooppunt heeft deze aanvraag al afgewezen.", "Your node already declined this request."
        )
    others = replace(flow, offers={k: o for k, o in flow.offers.items() if o.node != node})
    _one_active_offer(others)


def check_decline_request(flow: Flow, node: str) -> None:
    _searching(flow, P.IN_REVIEW)
    if node in flow.declined_by:
        raise InvalidTransition(
            "Uw knooppunt heeft deze aanvraag al afgewezen.", "Your node already declined this request."
        )
    if any(o.node == node and o.state == OPEN_OFFER for o in flow.offers.values()):
        raise InvalidTransition(
            "Uw knooppunt heeft nog een open aanbod: trek dat eerst in.",
            "Your node still has an open offer: withdraw it first.",
        )


def check_decline_offer(flow: Flow, offer_id: str) -> Offer:
    offer = _offer(flow, offer_id)
    _not_final(flow)
    if offer.state != OPEN_OFFER:
        raise _offer_not_open(offer, "afgewezen", "declined")
    return offer


def check_withdraw(flow: Flow, offer_id: str, node: str) -> Offer:
    offer = _offer(flow, offer_id)
    _not_final(flow)
    if offer.node != node:
        raise InvalidTransition(
            "Alleen het knooppunt dat het aanbod deed, kan het intrekken.",
            "Only the node that made the offer can withdraw it.",
        )
    if offer.state not in (OPEN_OFFER, ACCEPTED):
        raise _offer_not_open(offer, "ingetrokken", "withdrawn")
    return offer


def check_accept(flow: Flow, offer_id: str) -> Offer:
    offer = _offer(flow, offer_id)
    if offer.state != OPEN_OFFER:
        raise _offer_not_open(offer, "geaccepteerd", "accepted")
    check_transition(_status(flow), P.ACCEPTED)
    return offer


def check_admit(flow: Flow, node: str, offer_id: str | None = None) -> Offer:
    check_transition(_status(flow), P.ADMITTED)
    mine = [o for o in flow.offers.values() if o.state == ACCEPTED and o.node == node]
    if offer_id is not None:
        mine = [o for o in mine if o.id == offer_id]
    if not mine:
        raise InvalidTransition(
            "Er is geen geaccepteerd aanbod van uw knooppunt voor deze aanvraag.",
            "There is no accepted offer of your node for this request.",
        )
    primary = [o for o in mine if o.id == flow.accepted_offer_id]
    return (primary or sorted(mine, key=lambda o: (o.at, o.id)))[0]


def check_discharge(flow: Flow, node: str) -> Offer:
    check_transition(_status(flow), P.DISCHARGED)
    offer = flow.accepted_offer
    if offer is None or offer.node != node:
        raise InvalidTransition(
            "Alleen het knooppunt waar de cliënt is opgenomen, kan het ontslag vastleggen.",
            "Only the node where the client was admitted can record the discharge.",
        )
    return offer


def check_close(flow: Flow, target: PlacementStatus) -> None:
    if target not in CLOSING:
        raise ValueError(f"not a closing status: {target}")
    check_transition(_status(flow), target)


# --- ranking candidate locations ----------------------------------------------------------------

# Weights (points of the 0-100 score, summing to 100). Care type and capabilities are hard filters.
W_BEDS = 30  # 10 a free bed: a 2nd and 3rd make it likelier one is still free on arrival …
FREE_BEDS_COUNTED = 3  # … beyond three it says little more
W_DISTANCE = 30  # all at 0 km, nothing from FAR_KM on: 0.75 a km, so ~13 km closer weighs one more bed
FAR_KM = 40.0  # about across Twente: further is no nearer than that for the family's visits
UNKNOWN_KM = 15.0  # a distance we cannot compute counts as a typical in-region trip, neither wins
W_FRESH = 25  # a just-made report gets all, one at the stale limit nothing; a stale one is marked too
W_PREFERRED = 15  # the client's own choice: about 20 km or one and a half beds
PREFERRED_TEXT = ("voorkeurslocatie van de cliënt", "the client's preferred location")


@dataclass(frozen=True)
class LocationCandidate:
    """One place a request could go, with its score (0-100) and the reasons that add up to it."""

    location_id: str
    location_name: str | None
    node_id: str
    care_type: str
    free: int | None
    beds_total: int | None
    capabilities: tuple[str, ...]
    reported_at: int | None
    reported_by: str | None
    age_ms: int | None
    stale: bool
    distance_km: float | None
    preferred: bool
    full: bool
    score: int
    reasons: tuple[Reason, ...]
    reported: bool = True
    """False while the location's node has not reported: free, total, time and age are None."""

    def reason_text(self, lang: str = "nl") -> str:
        return "; ".join(r.text(lang) for r in self.reasons)

    def to_dict(self) -> dict[str, Any]:
        return {
            "location_id": self.location_id,
            "location_name": self.location_name,
            "node_id": self.node_id,
            "care_type": self.care_type,
            "free": self.free,
            "beds_total": self.beds_total,
            "capabilities": list(self.capabilities),
            "reported_at": self.reported_at,
            "reported_by": self.reported_by,
            "age_ms": self.age_ms,
            "stale": self.stale,
            "distance_km": self.distance_km,
            "preferred": self.preferred,
            "full": self.full,
            "score": self.score,
            "reasons": [r.to_json() for r in self.reasons],
            "reported": self.reported,
        }


def age_text(age_ms: int) -> tuple[str, str]:
    age = max(0, age_ms)
    return formats.duration(age, "nl"), formats.duration(age, "en")


def _codes(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(sorted(value.split()))
    return tuple(sorted(value or ()))


def _beds(n: int, care: CareType) -> tuple[str, str]:
    return (
        f"{n} {'vrij bed' if n == 1 else 'vrije bedden'} {care.label('nl')}",
        f"{n} free {'bed' if n == 1 else 'beds'} {care.label('en')}",
    )


def _default_distance() -> Callable[[str, str], float]:
    """PC4 centroid distances of the whole country from open data (veldclient.reference.pc4)."""
    from veldclient.reference.pc4 import distance_km

    return distance_km


def _distance(fn: Callable[[str, str], float], a: str | None, b: str | None) -> float | None:
    if not a or not b:
        return None
    try:
        return round(fn(a, b), 1)
    except ValueError:
        return None


def candidate_order(c: LocationCandidate) -> tuple[int, bool, float, str, str]:
    """Best first: the score, high first; at an equal score a reported location before one not yet
    reported, then the nearer, then by name and id, so every device lists the same order."""
    km = UNKNOWN_KM if c.distance_km is None else c.distance_km
    return (-c.score, not c.reported, km, (c.location_name or "").casefold(), c.location_id)


def rank_locations(
    request: PlacementRequest,
    capacity_rows: Iterable[Mapping[str, Any]],
    now_ms: int,
    stale_after_ms: int,
    client_pc4: str | None,
    *,
    distance_km: Callable[[str, str], float] | None = None,
) -> list[LocationCandidate]:
    """Candidate locations for ``request``, sorted by score (best first, :func:`candidate_order`),
    each with the reasons its score adds up from.

    ``capacity_rows`` are rows of the ``capacity`` projection (``capabilities`` as a space-separated
    string or a list), optionally with ``location_name`` and ``location_postcode`` joined in from
    ``locations``; a row without ``reported_at`` has not been reported.
    """
    dist_fn = distance_km or _default_distance()
    required = frozenset(c.value for c in request.required_capabilities)
    care = CareType(request.care_type)
    out: list[LocationCandidate] = []
    for row in capacity_rows:
        if row.get("care_type") != care.value:
            continue
        if row.get("reported_at") is None:
            out.append(_unreported(request, row, care, client_pc4, dist_fn))
            continue
        caps = _codes(row.get("capabilities"))
        if not required <= set(caps):
            continue
        out.append(
            _candidate(request, row, care, caps, required, now_ms, stale_after_ms, client_pc4, dist_fn)
        )
    out.sort(key=candidate_order)
    return out


def _distance_text(km: float | None) -> tuple[str, str]:
    if km is None:
        return "afstand onbekend", "distance unknown"
    return formats.km(km, "nl"), formats.km(km, "en")


def distance_points(km: float | None) -> int:
    return points(W_DISTANCE, 1.0 - (UNKNOWN_KM if km is None else km) / FAR_KM)


def fresh_points(age_ms: int, stale_after_ms: int, stale: bool) -> int:
    if stale or stale_after_ms <= 0:
        return 0
    return points(W_FRESH, 1.0 - age_ms / stale_after_ms)


def _place(row: Mapping[str, Any], care: CareType) -> dict[str, Any]:
    """Which location a capacity row is about (the first fields of a candidate)."""
    return {
        "location_id": str(row.get("location_id")),
        "location_name": row.get("location_name"),
        "node_id": str(row.get("node_id")),
        "care_type": care.value,
    }


def _is_preferred(request: PlacementRequest, row: Mapping[str, Any]) -> bool:
    return bool(request.preferred_location_id) and request.preferred_location_id == row.get("location_id")


def _unreported(
    request: PlacementRequest,
    row: Mapping[str, Any],
    care: CareType,
    client_pc4: str | None,
    dist_fn: Callable[[str, str], float],
) -> LocationCandidate:
    """A location whose node has not reported yet: its beds are unknown, so it scores 0; distance and
    preference are said as facts (they add nothing to a place that may have no bed)."""
    km = _distance(dist_fn, client_pc4, row.get("location_postcode"))
    preferred = _is_preferred(request, row)
    reasons = [
        Reason(
            "unreported",
            "nog niet gemeld: vrije bedden onbekend, dus score 0",
            "not yet reported: free beds unknown, so score 0",
            0,
        ),
        Reason("distance", *_distance_text(km)),
    ]
    if preferred:
        reasons.append(Reason("preferred", *PREFERRED_TEXT))
    return LocationCandidate(
        **_place(row, care),
        free=None,
        beds_total=None,
        capabilities=(),
        reported_at=None,
        reported_by=None,
        age_ms=None,
        stale=False,
        distance_km=km,
        preferred=preferred,
        full=False,
        score=0,
        reasons=tuple(reasons),
        reported=False,
    )


def _candidate(
    request: PlacementRequest,
    row: Mapping[str, Any],
    care: CareType,
    caps: tuple[str, ...],
    required: frozenset[str],
    now_ms: int,
    stale_after_ms: int,
    client_pc4: str | None,
    dist_fn: Callable[[str, str], float],
) -> LocationCandidate:
    """A reported location: points for free beds, distance, a fresh report and the client's choice;
    with no free bed every part is a fact without points and the score is 0."""
    free = int(row.get("free") or 0)
    reported_at = int(row.get("reported_at") or 0)
    age = report_age_ms(reported_at, now_ms)
    stale = report_is_stale(reported_at, now_ms, stale_after_ms)
    km = _distance(dist_fn, client_pc4, row.get("location_postcode"))
    preferred = _is_preferred(request, row)
    full = free <= 0

    def scored(value: int) -> int | None:
        return None if full else value

    if full:
        reasons = [Reason("full", "VOL: geen vrije bedden, dus score 0", "FULL: no free beds, so score 0", 0)]
    else:
        beds = points(W_BEDS, min(free, FREE_BEDS_COUNTED) / FREE_BEDS_COUNTED)
        reasons = [Reason("beds", *_beds(free, care), beds)]
    if required:
        ordered = [Capability(c) for c in sorted(required)]
        reasons.append(
            Reason(
                "capabilities",
                "alle vereiste mogelijkheden: " + ", ".join(c.label("nl").lower() for c in ordered),
                "all required capabilities: " + ", ".join(c.label("en").lower() for c in ordered),
            )
        )
    reasons.append(Reason("distance", *_distance_text(km), scored(distance_points(km))))
    age_nl, age_en = age_text(age)
    fresh = scored(fresh_points(age, stale_after_ms, stale))
    if stale:
        old = f"VEROUDERD: melding {age_nl} oud", f"STALE: report {age_en} old"
        reasons.append(Reason("stale", *old, fresh))
    else:
        reasons.append(Reason("fresh", f"melding {age_nl} oud", f"report {age_en} old", fresh))
    if preferred:
        reasons.append(Reason("preferred", *PREFERRED_TEXT, scored(W_PREFERRED)))
    return LocationCandidate(
        **_place(row, care),
        free=free,
        beds_total=int(row.get("beds_total") or 0),
        capabilities=caps,
        reported_at=reported_at,
        reported_by=row.get("reported_by"),
        age_ms=age,
        stale=stale,
        distance_km=km,
        preferred=preferred,
        full=full,
        score=score_of(reasons),
        reasons=tuple(reasons),
    )
