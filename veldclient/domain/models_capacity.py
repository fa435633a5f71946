"""Where care can be given: locations, bed capacity per care type, and micro-capacity slots.

A bed reported free is a commitment the reporting provider must honour, so capacity records must be
exactly consistent (every bed in one status) and carry who reported them and when; age is shown,
never hidden, because a stale "free" is worse than none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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
    record_id,
    set_of,
    text,
    with_default,
)
from .record import FormRecord, Record, spec, sub

HOUR_MS = 3_600_000
STALE_AFTER_MS = 12 * HOUR_MS  # reference/domain-model.md: capacity goes stale after 12 h
MAX_BEDS = 1000


class Location(FormRecord):
    """A care location of a provider (identified nationally by its AGB code)."""

    node_id: str = spec(node_id)
    name: str = spec(text())
    agb: str = spec(ids.agb)
    postcode: str = spec(ids.postcode)
    address: str = spec(text())
    id: str = spec(record_id, default_factory=new_id)


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


class CapacityRecord(Record):
    """Beds of one care type at one location, as last reported."""

    location_id: str = spec(record_id)
    node_id: str = spec(node_id)
    care_type: CareType = spec(enum_value(CareType))
    beds_total: int = spec(integer(0, MAX_BEDS))
    counts: BedCounts = sub(BedCounts.read, BedCounts)
    capabilities: frozenset[Capability] = spec(set_of(enum_value(Capability)))
    reported_by: str = spec(text(80))
    reported_at: int = spec(epoch_ms)
    device_id: str = spec(record_id)

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

    @classmethod
    def parse(cls, raw: Mapping[str, object]) -> CapacityRecord:
        f = Form(raw)
        rec = cls(**cls.fields_from(f))
        if f.ok("beds_total", "counts"):
            problem = _sum_problem(rec.counts, rec.beds_total)
            if problem:
                f.add("counts", "sum", *problem)
        f.check()
        return rec


def _service(value: object, field: str) -> str:
    """Service codes (GP_CONSULT, WV_VISIT, ...) are stored upper-case with underscores."""
    return "_".join(text(40)(value, field).upper().replace("-", " ").split())


class Slot(Record):
    """A unit of micro-capacity (FHIR Slot), e.g. a 10-minute GP consult. It lives in the node
    document, which every node receives, so it never names a client: a booking's client is an
    event in that client's case (services/slots.py)."""

    node_id: str = spec(node_id)
    service: str = spec(_service)
    start_at: int = spec(epoch_ms)
    minutes: int = spec(integer(1, 480), default=10)
    status: SlotStatus = spec(enum_value(SlotStatus), default=SlotStatus.FREE)
    id: str = spec(record_id, default_factory=new_id)

    @property
    def end_at(self) -> int:
        return self.start_at + self.minutes * 60_000

    @classmethod
    def parse(cls, raw: Mapping[str, object]) -> Slot:
        f = Form(raw)
        slot = cls(**cls.fields_from(f))
        if "booked_for" in raw:
            f.add(
                "booked_for",
                "not_mesh_wide",
                "Een tijdslot noemt geen cliënt: het gaat naar elk knooppunt. Boek het voor de cliënt.",
                "A slot names no client: it goes to every node. Book it for the client instead.",
            )
        f.check()
        return slot
