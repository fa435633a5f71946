"""A placement request: a client who can no longer stay at home needs a temporary bed.

The triage outcome is always recomputed from the triage answers on input, so it cannot drift from
the rules; the requested care type may differ (the nurse decides) but never breaks the Wlz rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .enums import Capability, CareType, DischargeDestination, PlacementStatus, Urgency
from .fields import (
    Form,
    enum_value,
    epoch_ms,
    from_iso,
    in_order,
    iso,
    iso_date,
    new_id,
    node_id,
    optional,
    own_id,
    record_id,
    set_of,
    sorted_codes,
    with_default,
)
from .models_care import Referrer
from .triage import Triage, suggest_care_type

HOUR_MS = 3_600_000
SLA_REPLY_MS = 2 * HOUR_MS  # regional target: first reply within 2 hours
SLA_PLACED_MS = 24 * HOUR_MS  # regional target: 85 % placed within 24 hours
ELV_TYPES = frozenset({CareType.ELV_LAAG, CareType.ELV_HOOG, CareType.ELV_PALLIATIEF})


@dataclass(frozen=True)
class PlacementRequest:
    client_id: str
    node_id: str
    referrer: Referrer
    urgency: Urgency
    triage: Triage
    care_type: CareType
    desired_start: date
    received_at: int
    triage_outcome: CareType | None = None
    required_capabilities: frozenset[Capability] = frozenset()
    preferred_location_id: str | None = None
    expected_end: date | None = None
    first_reply_at: int | None = None
    placed_at: int | None = None
    discharge_destination: DischargeDestination | None = None
    status: PlacementStatus = PlacementStatus.DRAFT
    id: str = field(default_factory=new_id)

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

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "client_id": self.client_id,
            "node_id": self.node_id,
            "referrer": self.referrer.to_dict(),
            "urgency": self.urgency.value,
            "triage": self.triage.to_dict(),
            "triage_outcome": None if self.triage_outcome is None else self.triage_outcome.value,
            "care_type": self.care_type.value,
            "required_capabilities": sorted_codes(self.required_capabilities),
            "preferred_location_id": self.preferred_location_id,
            "desired_start": iso(self.desired_start),
            "expected_end": iso(self.expected_end),
            "received_at": self.received_at,
            "first_reply_at": self.first_reply_at,
            "placed_at": self.placed_at,
            "discharge_destination": (
                None if self.discharge_destination is None else self.discharge_destination.value
            ),
            "status": self.status.value,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PlacementRequest:
        outcome, dest = d["triage_outcome"], d["discharge_destination"]
        return cls(
            id=d["id"],
            client_id=d["client_id"],
            node_id=d["node_id"],
            referrer=Referrer.from_dict(d["referrer"]),
            urgency=Urgency(d["urgency"]),
            triage=Triage.from_dict(d["triage"]),
            triage_outcome=None if outcome is None else CareType(outcome),
            care_type=CareType(d["care_type"]),
            required_capabilities=frozenset(Capability(c) for c in d["required_capabilities"]),
            preferred_location_id=d["preferred_location_id"],
            desired_start=date.fromisoformat(d["desired_start"]),
            expected_end=from_iso(d["expected_end"]),
            received_at=int(d["received_at"]),
            first_reply_at=d["first_reply_at"],
            placed_at=d["placed_at"],
            discharge_destination=None if dest is None else DischargeDestination(dest),
            status=PlacementStatus(d["status"]),
        )

    @classmethod
    def parse(cls, raw: Mapping[str, object]) -> PlacementRequest:
        """Validate a request form; ``care_type`` defaults to the triage advice when left empty."""
        f = Form(raw)
        triage = f.sub("triage", Triage.read, Triage)
        outcome = suggest_care_type(triage).care_type if f.ok("triage") else None
        care_type = f.take("care_type", optional(enum_value(CareType)))
        req = cls(
            id=f.take("id", own_id),
            client_id=f.take("client_id", record_id),
            node_id=f.take("node_id", node_id),
            referrer=f.sub("referrer", Referrer.read, Referrer),
            urgency=f.take("urgency", enum_value(Urgency)),
            triage=triage,
            triage_outcome=outcome,
            care_type=care_type or outcome,  # type: ignore[arg-type]  # None is reported below
            required_capabilities=f.take("required_capabilities", set_of(enum_value(Capability))),
            preferred_location_id=f.take("preferred_location_id", optional(record_id)),
            desired_start=f.take("desired_start", iso_date),
            expected_end=f.take("expected_end", optional(iso_date)),
            received_at=f.take("received_at", epoch_ms),
            first_reply_at=f.take("first_reply_at", optional(epoch_ms)),
            placed_at=f.take("placed_at", optional(epoch_ms)),
            discharge_destination=f.take("discharge_destination", optional(enum_value(DischargeDestination))),
            status=f.take("status", with_default(enum_value(PlacementStatus), PlacementStatus.DRAFT)),
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
