"""Mantelzorgers (informal carers) and their measured burden.

Coordinators plan respite around the burden category; the nurse sees the score. The category is
derived from instrument and score in burden.py so every device agrees on who is overloaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from . import identifiers as ids
from .burden import SCORE_RANGE, category, is_heavy, score_range_error
from .enums import BurdenCategory, BurdenInstrument, RespiteNeed
from .fields import (
    Form,
    enum_value,
    from_iso,
    integer,
    iso,
    iso_date,
    new_id,
    node_id,
    not_after,
    optional,
    own_id,
    record_id,
    set_of,
    sorted_codes,
    text,
)
from .models_roster import phone


@dataclass(frozen=True)
class Burden:
    """A burden measurement; the category is derived from instrument and score (see burden.py)."""

    instrument: BurdenInstrument
    score: int
    measured_on: date
    category: BurdenCategory = BurdenCategory.NONE

    def to_dict(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument.value,
            "score": self.score,
            "category": self.category.value,
            "measured_on": iso(self.measured_on),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Burden:
        return cls(
            instrument=BurdenInstrument(d["instrument"]),
            score=int(d["score"]),
            measured_on=date.fromisoformat(d["measured_on"]),
            category=BurdenCategory(d["category"]),
        )

    @classmethod
    def of(cls, instrument: BurdenInstrument, score: int, measured_on: date) -> Burden:
        """A measurement with its category derived; raises ``ValidationError`` if out of range."""
        return cls(instrument, score, measured_on, category(instrument, score))

    @classmethod
    def read(cls, f: Form, today: date) -> Burden:
        instrument = f.take("instrument", enum_value(BurdenInstrument))
        score = f.take("score", integer(0, max(hi for _, hi in SCORE_RANGE.values())))
        measured_on = f.take("measured_on", iso_date)
        not_after(f, "measured_on", measured_on, today, ("De meetdatum", "The measurement date"))
        if f.ok("instrument", "score"):
            lo, hi = SCORE_RANGE[instrument]
            if lo <= score <= hi:
                return cls.of(instrument, score, measured_on)
            f.errors.extend(score_range_error(instrument, f.name("score")).errors)
        return cls(instrument, score, measured_on)

    @classmethod
    def parse(cls, raw: Mapping[str, object], *, today: date) -> Burden:
        f = Form(raw)
        burden = cls.read(f, today)
        f.check()
        return burden


@dataclass(frozen=True)
class Mantelzorger:
    """An informal carer; coordinators see the burden category only, never the answers."""

    node_id: str
    first_name: str
    last_name: str
    pc4: str
    relationship: str
    hours_per_week: int
    phone: str | None = None
    care_for_client_id: str | None = None
    since: date | None = None
    burden: Burden | None = None
    respite_needs: frozenset[RespiteNeed] = frozenset()
    id: str = field(default_factory=new_id)

    @property
    def overloaded(self) -> bool:
        """Heavy burden: EDIZ-plus >= 9 (published), CSI >= 7 (published), EDIZ >= 7 (our
        choice: most of its 9 items answered yes). Computed from the score, not the stored
        category, so an old or hand-edited category cannot hide an overloaded carer."""
        return self.burden is not None and is_heavy(self.burden.instrument, self.burden.score)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "node_id": self.node_id,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "pc4": self.pc4,
            "phone": self.phone,
            "care_for_client_id": self.care_for_client_id,
            "relationship": self.relationship,
            "hours_per_week": self.hours_per_week,
            "since": iso(self.since),
            "burden": None if self.burden is None else self.burden.to_dict(),
            "respite_needs": sorted_codes(self.respite_needs),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Mantelzorger:
        return cls(
            id=d["id"],
            node_id=d["node_id"],
            first_name=d["first_name"],
            last_name=d["last_name"],
            pc4=d["pc4"],
            phone=d["phone"],
            care_for_client_id=d["care_for_client_id"],
            relationship=d["relationship"],
            hours_per_week=int(d["hours_per_week"]),
            since=from_iso(d["since"]),
            burden=None if d["burden"] is None else Burden.from_dict(d["burden"]),
            respite_needs=frozenset(RespiteNeed(r) for r in d["respite_needs"]),
        )

    @classmethod
    def parse(cls, raw: Mapping[str, object], *, today: date) -> Mantelzorger:
        f = Form(raw)
        mz = cls(
            id=f.take("id", own_id),
            node_id=f.take("node_id", node_id),
            first_name=f.take("first_name", text(60)),
            last_name=f.take("last_name", text(80)),
            pc4=f.take("pc4", ids.pc4),
            phone=f.take("phone", optional(phone)),
            care_for_client_id=f.take("care_for_client_id", optional(record_id)),
            relationship=f.take("relationship", text(60)),
            hours_per_week=f.take("hours_per_week", integer(0, 168)),
            since=f.take("since", optional(iso_date)),
            burden=f.sub("burden", lambda g: Burden.read(g, today), Burden, need=False),
            respite_needs=f.take("respite_needs", set_of(enum_value(RespiteNeed))),
        )
        not_after(f, "since", mz.since, today, ("De startdatum van de mantelzorg", "The start date"))
        f.check()
        return mz
