"""The coordinator's roster: volunteers (with VOG and availability) and mantelzorgers (with burden).

Volunteers are kept to PC4 and birth year (data minimisation): enough to match on distance and the
minimum age of 16, no home address or birth date.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from veldclient.errors import ValidationError

from . import identifiers as ids
from .enums import Dagdeel, Task, VogStatus, Weekday
from .fields import (
    Form,
    enum_value,
    fail,
    integer,
    iso_date,
    new_id,
    node_id,
    not_after,
    record_id,
    set_of,
    text,
)
from .record import Record, spec

VOG_VALID_YEARS = 3  # renewal advised every 3 years; we treat older certificates as expired
MIN_VOLUNTEER_AGE = 16


_WEEK_ORDER = {day: i for i, day in enumerate(Weekday)}
_DAY_ORDER = {part: i for i, part in enumerate(Dagdeel)}


class Availability(Record):
    """One part of one weekday (e.g. Monday morning) when someone can help."""

    weekday: Weekday
    dagdeel: Dagdeel

    @property
    def sort_key(self) -> tuple[int, int]:
        """Week order, Monday morning first: how sets of them are stored and how people read them."""
        return _WEEK_ORDER[self.weekday], _DAY_ORDER[self.dagdeel]

    def label(self, lang: str = "nl") -> str:
        return f"{self.weekday.label(lang)} {self.dagdeel.label(lang)}"


def availability(value: object, field: str) -> Availability:
    """Parser: an Availability, a {weekday, dagdeel} mapping, or text like 'ma ochtend'."""
    if isinstance(value, Availability):
        return value
    if isinstance(value, Mapping):
        day, part = value.get("weekday"), value.get("dagdeel")
    else:
        words = re.split(r"[\s/:_-]+", str(value).strip())
        day, part = (words[0], words[1]) if len(words) == 2 else (None, None)
    try:
        return Availability(enum_value(Weekday)(day, field), enum_value(Dagdeel)(part, field))
    except ValidationError as exc:
        raise fail(
            field,
            "availability",
            f"'{value}' is geen dagdeel; schrijf bijvoorbeeld 'ma ochtend' of 'vrijdag avond'.",
            f"'{value}' is not a part of a day; write e.g. 'ma ochtend' or 'friday evening'.",
        ) from exc


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February: expire a day early rather than late
        return day.replace(year=day.year + years, day=28)


class Vog(Record):
    """Certificate of conduct (Verklaring Omtrent het Gedrag), required for some help requests."""

    status: VogStatus = spec(enum_value(VogStatus), default=VogStatus.NONE)
    issued_on: date | None = spec(iso_date, default=None)

    @property
    def expires_on(self) -> date | None:
        """First day the certificate no longer counts (issued_on + 3 years)."""
        return None if self.issued_on is None else _add_years(self.issued_on, VOG_VALID_YEARS)

    def is_valid_on(self, day: date) -> bool:
        if self.status is not VogStatus.VALID or self.issued_on is None:
            return False
        expires = self.expires_on
        return expires is not None and self.issued_on <= day < expires

    @classmethod
    def read(cls, f: Form, today: date) -> Vog:
        vog = cls(**cls.fields_from(f))
        not_after(f, "issued_on", vog.issued_on, today, ("De afgiftedatum", "The issue date"))
        if not f.ok("status", "issued_on"):
            return vog
        if vog.status is VogStatus.VALID and vog.issued_on is None:
            f.add(
                "issued_on",
                "required",
                "Vul de afgiftedatum van de VOG in.",
                "Enter the date the certificate was issued.",
            )
        elif vog.status is VogStatus.VALID and not vog.is_valid_on(today):
            f.add(
                "status",
                "vog_expired",
                "Deze VOG is ouder dan drie jaar: kies 'VOG verlopen' of vul een nieuwere datum in.",
                "This certificate is over three years old: choose 'Certificate expired' or enter "
                "a newer date.",
            )
        elif vog.status is VogStatus.NONE and vog.issued_on is not None:
            f.add(
                "issued_on",
                "vog_none",
                "Er is geen VOG gekozen, maar wel een afgiftedatum ingevuld.",
                "No certificate was chosen, yet an issue date was entered.",
            )
        return vog

    @classmethod
    def parse(cls, raw: Mapping[str, object], *, today: date) -> Vog:
        f = Form(raw)
        vog = cls.read(f, today)
        f.check()
        return vog


def phone(value: object, field: str) -> str:
    """Dutch (0612345678) or international (+31612345678) number, stored without separators."""
    compact = re.sub(r"[\s().-]", "", text(30)(value, field))
    if not re.fullmatch(r"0\d{9}|\+\d{8,15}", compact):
        raise fail(
            field,
            "phone",
            "Vul een telefoonnummer in van tien cijfers (0612345678) of met landcode (+31...).",
            "Enter a phone number of ten digits (0612345678) or with country code (+31...).",
        )
    return compact


def email(value: object, field: str) -> str:
    address = text(254)(value, field)
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}", address):
        raise fail(
            field,
            "email",
            "Vul een e-mailadres in zoals naam@voorbeeld.nl.",
            "Enter an email address such as name@example.com.",
        )
    return address


def volunteer_task(value: object, field: str) -> Task:
    """Personal care needs a professional (reference/domain-model.md), so no volunteer offers it."""
    task = enum_value(Task)(value, field)
    if task is Task.PERSOONLIJKE_VERZORGING:
        raise fail(
            field,
            "not_for_volunteers",
            "Persoonlijke verzorging is geen taak voor vrijwilligers; dat doet de wijkverpleging.",
            "Personal care is not a task for volunteers; district nursing provides it.",
        )
    return task


class Person(Record):
    """Someone on the coordinator's roster: named, and placed by PC4 only (data minimisation)."""

    node_id: str = spec(node_id)
    first_name: str = spec(text(60))
    last_name: str = spec(text(80))
    pc4: str = spec(ids.pc4)


class Volunteer(Person):
    STORED = (
        "id",
        *Person.stored_keys(),
        "phone",
        "email",
        "birth_year",
        "tasks",
        "languages",
        "availability",
        "max_km",
        "vog",
    )

    birth_year: int = spec(integer(1900, 9999))
    max_km: int = spec(integer(1, 100))
    phone: str | None = spec(phone, default=None)
    email: str | None = spec(email, default=None)
    tasks: frozenset[Task] = spec(set_of(volunteer_task), default=frozenset())
    languages: frozenset[str] = spec(set_of(ids.language), default=frozenset())
    availability: frozenset[Availability] = spec(set_of(availability), default=frozenset())
    vog: Vog = Vog()
    id: str = spec(record_id, default_factory=new_id)

    @classmethod
    def parse(cls, raw: Mapping[str, object], *, today: date) -> Volunteer:
        f = Form(raw)
        latest = today.year - MIN_VOLUNTEER_AGE
        vol = cls(
            **cls.fields_from(
                f, vog=lambda g: g.sub("vog", lambda h: Vog.read(h, today), Vog, need=False) or Vog()
            )
        )
        if f.ok("birth_year") and vol.birth_year > latest:
            f.add(
                "birth_year",
                "too_young",
                f"Vrijwilligers zijn minstens {MIN_VOLUNTEER_AGE} jaar: geboortejaar uiterlijk {latest}.",
                f"Volunteers must be at least {MIN_VOLUNTEER_AGE}: born in {latest} or earlier.",
            )
        f.check()
        return vol
