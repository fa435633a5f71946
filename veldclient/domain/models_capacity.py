"""Where care can be given: locations, bed capacity per care type, and micro-capacity slots.

A bed reported free is a commitment the reporting provider must honour, so capacity records must be
exactly consistent (every bed in one status) and carry who reported them and when; age is shown,
never hidden, because a stale "free" is worse than none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import identifiers as ids
from .enums import BedStatus, Capability, CareType, SlotStatus
from .fields import (
    Form,
    enum_value,
    epoch_ms,
    integer,
    new_id,
    node_id,
    own_id,
    record_id,
    set_of,
    sorted_codes,
    text,
    with_default,
)

HOUR_MS = 3_600_000
STALE_AFTER_MS = 12 * HOUR_MS  # reference/domain-model.md: capacity goes stale after 12 h
MAX_BEDS = 1000


@dataclass(frozen=True)
class Location:
    """A care location of a provider (identified nationally by its AGB code)."""

    node_id: str
    name: str
    agb: str
    postcode: str
    address: str
    id: str = field(default_factory=new_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "node_id": self.node_id,
            "name": self.name,
            "agb": self.agb,
            "postcode": self.postcode,
            "address": self.address,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Location:
        return cls(d["node_id"], d["name"], d["agb"], d["postcode"], d["address"], d["id"])

    @classmethod
    def parse(cls, raw: Mapping[str, object]) -> Location:
        f = Form(raw)
        loc = cls(
            id=f.take("id", own_id),
            node_id=f.take("node_id", node_id),
            name=f.take("name", text()),
            agb=f.take("agb", ids.agb),
            postcode=f.take("postcode", ids.postcode),
            address=f.take("address", text()),
        )
        f.check()
        return loc


_COUNT_FIELDS = {s: s.column for s in BedStatus}


@dataclass(frozen=True)
class BedCounts:
    """Beds per status (HL7 v2-0116); every bed is in exactly one status."""

    free: int = 0
    occupied: int = 0
    closed: int = 0
    cleaning: int = 0
    isolation: int = 0

    def __getitem__(self, status: BedStatus) -> int:
        return int(getattr(self, _COUNT_FIELDS[status]))

    @property
    def total(self) -> int:
        return sum(self[s] for s in BedStatus)

    def to_dict(self) -> dict[str, int]:
        return {s.value: self[s] for s in BedStatus}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> BedCounts:
        return cls(**{_COUNT_FIELDS[s]: int(d.get(s.value, 0)) for s in BedStatus})

    @classmethod
    def read(cls, f: Form) -> BedCounts:
        """Keys are status codes in any case; an empty count means 0 (the sum check still runs)."""
        raw = {str(k).strip().upper(): v for k, v in f.raw.items()}
        for key in raw.keys() - {s.value for s in BedStatus}:
            f.add(key, "unknown", "Onbekende bedstatus.", "Unknown bed status.")
        f = Form(raw, f.prefix, f.errors)
        count = with_default(integer(0, MAX_BEDS), 0)
        return cls(**{_COUNT_FIELDS[s]: f.take(s.value, count) for s in BedStatus})


def _sum_problem(counts: BedCounts, beds_total: int) -> tuple[str, str] | None:
    total = counts.total
    if total == beds_total:
        return None
    nl_parts = " + ".join(s.label("nl").lower() for s in BedStatus).capitalize()
    en_parts = " + ".join(s.label("en").lower() for s in BedStatus).capitalize()
    more = total > beds_total
    return (
        f"{nl_parts} ({total}) is {'meer' if more else 'minder'} dan het totaal aantal bedden "
        f"({beds_total}). Elk bed telt in precies één status.",
        f"{en_parts} ({total}) is {'more' if more else 'less'} than the total number of beds "
        f"({beds_total}). Every bed counts in exactly one status.",
    )


GENESIS_KEYS = ("location_id", "node_id", "care_type")
"""What a capacity record holds before anyone reported it: where, and which care type."""
PLACEHOLDER_REPORTER = "fixture"
"""The reporter of the invented counts that node documents were once created with (1970, "fixture");
such a record was never reported by anyone and reads as not yet reported."""


def is_reported(record: Mapping[str, Any]) -> bool:
    """Whether a node's device has reported this ``capacity`` record of a node document. A record
    that only names its location and care type (a new node) has no counts, reporter or time: its
    beds are unknown, never free."""
    return (
        record.get("reported_at") is not None
        and record.get("counts") is not None
        and record.get("device_id") not in (None, PLACEHOLDER_REPORTER)
    )


def report_age_ms(reported_at: int, now_ms: int) -> int:
    """Time since a capacity report; clock skew between devices never makes it negative."""
    return max(0, now_ms - reported_at)


def report_is_stale(reported_at: int, now_ms: int, stale_after_ms: int = STALE_AFTER_MS) -> bool:
    """Whether a report is older than the limit: still shown, but marked (and ranked lower), because
    a stale "free" may no longer be true."""
    return report_age_ms(reported_at, now_ms) > stale_after_ms


def capacity_key(location_id: str, care_type: str) -> str:
    """Key of a location's record of one care type in a node document's ``capacity`` map (and its
    row id in the ``capacity`` table)."""
    return f"{location_id}/{care_type}"


def beds_in(record: Mapping[str, Any], status: BedStatus) -> int:
    """How many beds a ``capacity`` record of a node document counts in ``status`` (0: none named)."""
    return int((record.get("counts") or {}).get(status.value, 0))


@dataclass(frozen=True)
class CapacityRecord:
    """Beds of one care type at one location, as last reported."""

    location_id: str
    node_id: str
    care_type: CareType
    beds_total: int
    counts: BedCounts
    capabilities: frozenset[Capability]
    reported_by: str
    reported_at: int
    device_id: str

    @property
    def free(self) -> int:
        return self.counts.free

    def age_ms(self, now_ms: int) -> int:
        return report_age_ms(self.reported_at, now_ms)

    def is_stale(self, now_ms: int, stale_after_ms: int = STALE_AFTER_MS) -> bool:
        return report_is_stale(self.reported_at, now_ms, stale_after_ms)

    @property
    def key(self) -> str:
        """Key in the node document's ``capacity`` map."""
        return capacity_key(self.location_id, self.care_type.value)

    def to_dict(self) -> dict[str, Any]:
        return {
            "location_id": self.location_id,
            "node_id": self.node_id,
            "care_type": self.care_type.value,
            "beds_total": self.beds_total,
            "counts": self.counts.to_dict(),
            "capabilities": sorted_codes(self.capabilities),
            "reported_by": self.reported_by,
            "reported_at": self.reported_at,
            "device_id": self.device_id,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> CapacityRecord:
        return cls(
            location_id=d["location_id"],
            node_id=d["node_id"],
            care_type=CareType(d["care_type"]),
            beds_total=int(d["beds_total"]),
            counts=BedCounts.from_dict(d["counts"]),
            capabilities=frozenset(Capability(c) for c in d["capabilities"]),
            reported_by=d["reported_by"],
            reported_at=int(d["reported_at"]),
            device_id=d["device_id"],
        )

    @classmethod
    def parse(cls, raw: Mapping[str, object]) -> CapacityRecord:
        f = Form(raw)
        rec = cls(
            location_id=f.take("location_id", record_id),
            node_id=f.take("node_id", node_id),
            care_type=f.take("care_type", enum_value(CareType)),
            beds_total=f.take("beds_total", integer(0, MAX_BEDS)),
            counts=f.sub("counts", BedCounts.read, BedCounts),
            capabilities=f.take("capabilities", set_of(enum_value(Capability))),
            reported_by=f.take("reported_by", text(80)),
            reported_at=f.take("reported_at", epoch_ms),
            device_id=f.take("device_id", record_id),
        )
        if f.ok("beds_total", "counts"):
            problem = _sum_problem(rec.counts, rec.beds_total)
            if problem:
                f.add("counts", "sum", *problem)
        f.check()
        return rec


@dataclass(frozen=True)
class Slot:
    """A unit of micro-capacity (FHIR Slot), e.g. a 10-minute GP consult. It lives in the node
    document, which every node receives, so it never names a client: a booking's client is an
    event in that client's case (services/slots.py)."""

    node_id: str
    service: str
    start_at: int
    minutes: int = 10
    status: SlotStatus = SlotStatus.FREE
    id: str = field(default_factory=new_id)

    @property
    def end_at(self) -> int:
        return self.start_at + self.minutes * 60_000

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "node_id": self.node_id,
            "service": self.service,
            "start_at": self.start_at,
            "minutes": self.minutes,
            "status": self.status.value,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Slot:
        return cls(
            node_id=d["node_id"],
            service=d["service"],
            start_at=int(d["start_at"]),
            minutes=int(d["minutes"]),
            status=SlotStatus(d["status"]),
            id=d["id"],
        )

    @classmethod
    def parse(cls, raw: Mapping[str, object]) -> Slot:
        f = Form(raw)
        slot = cls(
            id=f.take("id", own_id),
            node_id=f.take("node_id", node_id),
            service=f.take("service", _service),
            start_at=f.take("start_at", epoch_ms),
            minutes=f.take("minutes", with_default(integer(1, 480), 10)),
            status=f.take("status", with_default(enum_value(SlotStatus), SlotStatus.FREE)),
        )
        if "booked_for" in raw:
            f.add(
                "booked_for",
                "not_mesh_wide",
                "Een tijdslot noemt geen cliënt: het gaat naar elk knooppunt. Boek het voor de cliënt.",
                "A slot names no client: it goes to every node. Book it for the client instead.",
            )
        f.check()
        return slot


def _service(value: object, field: str) -> str:
    """Service codes (GP_CONSULT, WV_VISIT, ...) are stored upper-case with underscores."""
    return "_".join(text(40)(value, field).upper().replace("-", " ").split())
