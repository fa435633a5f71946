"""Mantelzorgers (informal carers) and their measured burden.

Coordinators plan respite around the burden category; the nurse sees the score. The category is
derived from instrument and score in burden.py so every device agrees on who is overloaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from .burden import SCORE_RANGE, category, is_heavy, score_range_error
from .enums import BurdenCategory, BurdenInstrument, RespiteNeed
from .fields import (
    Form,
    enum_value,
    integer,
    iso_date,
    new_id,
    not_after,
    record_id,
    set_of,
    text,
)
from .models_roster import Person, phone
from .record import Record, spec

SCORE_LIMIT = 10**6  # far beyond any instrument: only what is not a whole number fails before read()


class Burden(Record):
    """A burden measurement; the category is derived from instrument and score (see burden.py)."""

    STORED = ("instrument", "score", "category", "measured_on")

    instrument: BurdenInstrument = spec(enum_value(BurdenInstrument))
    # A whole number here; its range depends on the instrument, so read() and of() check it with
    # the instrument's own message ("EDIZ ... between 0 and 9"), never a generic one.
    score: int = spec(integer(-SCORE_LIMIT, SCORE_LIMIT))
    measured_on: date = spec(iso_date)
    category: BurdenCategory = BurdenCategory.NONE

    @classmethod
    def of(cls, instrument: BurdenInstrument, score: int, measured_on: date) -> Burden:
        """A measurement with its category derived; raises ``ValidationError`` if out of range."""
        return cls(instrument, score, measured_on, category(instrument, score))

    @classmethod
    def read(cls, f: Form, today: date) -> Burden:
        burden = cls(**cls.fields_from(f))
        instrument, score, measured_on = burden.instrument, burden.score, burden.measured_on
        not_after(f, "measured_on", measured_on, today, ("De meetdatum", "The measurement date"))
        if f.ok("instrument", "score"):
            lo, hi = SCORE_RANGE[instrument]
            if lo <= score <= hi:
                return cls.of(instrument, score, measured_on)
            f.errors.extend(score_range_error(instrument, f.name("score")).errors)
        return burden

    @classmethod
    def parse(cls, raw: Mapping[str, object], *, today: date) -> Burden:
        f = Form(raw)
        burden = cls.read(f, today)
        f.check()
        return burden


class Mantelzorger(Person):
    """An informal carer; coordinators see the burden category only, never the answers."""

    STORED = (
        "id",
        *Person.stored_keys(),
        "phone",
        "care_for_client_id",
        "relationship",
        "hours_per_week",
        "since",
        "burden",
        "respite_needs",
    )

    relationship: str = spec(text(60))
    hours_per_week: int = spec(integer(0, 168))
    phone: str | None = spec(phone, default=None)
    care_for_client_id: str | None = spec(record_id, default=None)
    since: date | None = spec(iso_date, default=None)
    burden: Burden | None = None
    respite_needs: frozenset[RespiteNeed] = spec(set_of(enum_value(RespiteNeed)), default=frozenset())
    id: str = spec(record_id, default_factory=new_id)

    @property
    def overloaded(self) -> bool:
        """Heavy burden: EDIZ-plus >= 9 (published), CSI >= 7 (published), EDIZ >= 7 (our
        choice: most of its 9 items answered yes). Computed from the score, not the stored
        category, so an old or hand-edited category cannot hide an overloaded carer."""
        return self.burden is not None and is_heavy(self.burden.instrument, self.burden.score)

    @classmethod
    def parse(cls, raw: Mapping[str, object], *, today: date) -> Mantelzorger:
        f = Form(raw)
        mz = cls(
            **cls.fields_from(
                f, burden=lambda g: g.sub("burden", lambda h: Burden.read(h, today), Burden, need=False)
            )
        )
        not_after(f, "since", mz.since, today, ("De startdatum van de mantelzorg", "The start date"))
        f.check()
        return mz
