"""A placement request: a client who can no longer stay at home needs a temporary bed.

The triage outcome is always recomputed from the triage answers on input, so it cannot drift from
the rules; the requested care type may differ (the nurse decides) but never breaks the Wlz rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from .enums import Capability, CareType, DischargeDestination, PlacementStatus, Urgency
from .fields import (
    Form,
    enum_value,
    epoch_ms,
    in_order,
    iso_date,
    new_id,
    node_id,
    optional,
    record_id,
    set_of,
)
from .models_care import Referrer
from .record import Record, spec, sub
from .triage import Triage, suggest_care_type

HOUR_MS = 3_600_000
SLA_REPLY_MS = 2 * HOUR_MS  # regional target: first reply within 2 hours
SLA_PLACED_MS = 24 * HOUR_MS  # regional target: 85 % placed within 24 hours
ELV_TYPES = frozenset({CareType.ELV_LAAG, CareType.ELV_HOOG, CareType.ELV_PALLIATIEF})


class PlacementRequest(Record):
    """Triage, its outcome and the care type are read by ``parse`` itself: the outcome follows
    from the triage answers, and an empty care type takes the outcome."""

    STORED = (
        "id",
        "client_id",
        "node_id",
        "referrer",
        "urgency",
        "triage",
        "triage_outcome",
        "care_type",
        "required_capabilities",
        "preferred_location_id",
        "desired_start",
        "expected_end",
        "received_at",
        "first_reply_at",
        "placed_at",
        "discharge_destination",
        "status",
    )

    client_id: str = spec(record_id)
    node_id: str = spec(node_id)
    referrer: Referrer = sub(Referrer.read, Referrer)
    urgency: Urgency = spec(enum_value(Urgency))
    triage: Triage
    care_type: CareType
    desired_start: date = spec(iso_date)
    received_at: int = spec(epoch_ms)
    triage_outcome: CareType | None = None
    required_capabilities: frozenset[Capability] = spec(set_of(enum_value(Capability)), default=frozenset())
    preferred_location_id: str | None = spec(record_id, default=None)
    expected_end: date | None = spec(iso_date, default=None)
    first_reply_at: int | None = spec(epoch_ms, default=None)
    placed_at: int | None = spec(epoch_ms, default=None)
    discharge_destination: DischargeDestination | None = spec(enum_value(DischargeDestination), default=None)
    status: PlacementStatus = spec(enum_value(PlacementStatus), default=PlacementStatus.DRAFT)
    id: str = spec(record_id, default_factory=new_id)

    @property
    def reply_due_at(self) -> int:
        return self.received_at + SLA_REPLY_MS

    @property
    def placed_due_at(self) -> int:
        return self.received_at + SLA_PLACED_MS

    def reply_overdue(self, now_ms: int) -> bool:
        return self.first_reply_at is None and now_ms > self.reply_due_at

    def placement_overdue(self, now_ms: int) -> bool:
        return self.placed_at is None and not self.status.is_final and now_ms > self.placed_due_at

    @classmethod
    def parse(cls, raw: Mapping[str, object]) -> PlacementRequest:
        """Validate a request form; ``care_type`` defaults to the triage advice when left empty."""
        f = Form(raw)
        triage = f.sub("triage", Triage.read, Triage)
        outcome = suggest_care_type(triage).care_type if f.ok("triage") else None
        care_type = f.take("care_type", optional(enum_value(CareType)))
        req = cls(
            **cls.fields_from(f),
            triage=triage,
            triage_outcome=outcome,
            care_type=care_type or outcome,  # type: ignore[arg-type]  # None is reported below
        )
        _check_care_type(f, req)
        in_order(
            f,
            "desired_start",
            "expected_end",
            req.desired_start,
            req.expected_end,
            (
                "De verwachte einddatum ligt vóór de gewenste startdatum.",
                "The expected end date is before the desired start date.",
            ),
        )
        for key, value in (("first_reply_at", req.first_reply_at), ("placed_at", req.placed_at)):
            in_order(
                f,
                "received_at",
                key,
                req.received_at,
                value,
                (
                    "Dit tijdstip ligt vóór de ontvangst van de aanvraag.",
                    "This time is before the request was received.",
                ),
            )
        f.check()
        return req


def _check_care_type(f: Form, req: PlacementRequest) -> None:
    if not f.ok("triage", "care_type"):
        return
    if req.care_type is None:
        f.add(
            "care_type",
            "hospital",
            "De triage adviseert het ziekenhuis. Kies zelf een zorgsoort als toch een verblijf nodig is.",
            "Triage advises hospital. Choose a care type yourself if a stay is still needed.",
        )
    elif req.triage.wlz_indication and req.care_type in ELV_TYPES:
        f.add(
            "care_type",
            "wlz_excludes_elv",
            "Deze cliënt heeft een Wlz-indicatie; dat sluit eerstelijnsverblijf (ELV) uit. Kies "
            "Wlz-crisisopname of Wlz-logeeropvang.",
            "This client has a Wlz indication, which excludes a primary-care stay (ELV). Choose "
            "a Wlz crisis admission or Wlz respite stay.",
        )
