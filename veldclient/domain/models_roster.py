"""The coordinator's roster: volunteers (with VOG and availability) and mantelzorgers (with burden).

Volunteers are kept to PC4 and birth year (data minimisation): enough to match on distance and the
minimum age of 16, no home address or birth date.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from veldclient.errors import ValidationError

from . import identifiers as ids
from .enums import Dagdeel, Task, VogStatus, Weekday
from .fields import (
    Form,
    enum_value,
    fail,
    from_iso,
    integer,
    iso,
    iso_date,
    new_id,
    node_id,
    not_after,
    optional,
    own_id,
    set_of,
    sorted_codes,
    text,
    with_default,
)

VOG_VALID_YEARS = 3  # renewal advised every 3 years; we treat older certificates as expired
MIN_VOLUNTEER_AGE = 16


@dataclass(frozen=True)
class Availability:
    """One part of one weekday (e.g. Monday morning) when someone can help."""

    weekday: Weekday
    dagdeel: Dagdeel

    @property
    def sort_key(self) -> tuple[int, int]:
        return list(Weekday).index(self.weekday), list(Dagdeel).index(self.dagdeel)

    def label(self, lang: str = "nl") -> str:
        return f"{self.weekday.label(lang)} {self.dagdeel.label(lang)}"

    def to_dict(self) -> dict[str, Any]:
        return {"weekday": self.weekday.value, "dagdeel": self.dagdeel.value}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Availability:
        return cls(Weekday(d["weekday"]), Dagdeel(d["dagdeel"]))


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


def sorted_availability(items: frozenset[Availability]) -> list[dict[str, Any]]:
    """Stored in week order (Monday morning first), which is also how people read it."""
    return [a.to_dict() for a in sorted(items, key=lambda a: a.sort_key)]


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February: expire a day early rather than late
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Vog:
    """Certificate of conduct (Verklaring Omtrent het Gedrag), required for some help requests."""

    status: VogStatus = VogStatus.NONE
    issued_on: date | None = None

    @property
    def expires_on(self) -> date | None:
        """First day the certificate no longer counts (issued_on + 3 years)."""
        return None if self.issued_on is None else _add_years(self.issued_on, VOG_VALID_YEARS)

    def is_valid_on(self, day: date) -> bool:
        if self.status is not VogStatus.VALID or self.issued_on is None:
            return False
        expires = self.expires_on
        return expires is not None and self.issued_on <= day < expires

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status.value, "issued_on": iso(self.issued_on)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Vog:
        return cls(VogStatus(d["status"]), from_iso(d["issued_on"]))

    @classmethod
    def read(cls, f: Form, today: date) -> Vog:
        vog = cls(
            status=f.take("status", with_default(enum_value(VogStatus), VogStatus.NONE)),
            issued_on=f.take("issued_on", optional(iso_date)),
        )
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


@dataclass(frozen=True)
class Volunteer:
    node_id: str
    first_name: str
    last_name: str
    pc4: str
    birth_year: int
    max_km: int
    phone: str | None = None
    email: str | None = None
    tasks: frozenset[Task] = frozenset()
    languages: frozenset[str] = frozenset()
    availability: frozenset[Availability] = frozenset()
    vog: Vog = Vog()
    id: str = field(default_factory=new_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "node_id": self.node_id,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "pc4": self.pc4,
            "phone": self.phone,
            "email": self.email,
            "birth_year": self.birth_year,
            "tasks": sorted_codes(self.tasks),
            "languages": sorted(self.languages),
            "availability": sorted_availability(self.availability),
            "max_km": self.max_km,
            "vog": self.vog.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Volunteer:
        return cls(
            id=d["id"],
            node_id=d["node_id"],
            first_name=d["first_name"],
            last_name=d["last_name"],
            pc4=d["pc4"],
            phone=d["phone"],
            email=d["email"],
            birth_year=int(d["birth_year"]),
            tasks=frozenset(Task(t) for t in d["tasks"]),
            languages=frozenset(d["languages"]),
            availability=frozenset(Availability.from_dict(a) for a in d["availability"]),
            max_km=int(d["max_km"]),
            vog=Vog.from_dict(d["vog"]),
        )

    @classmethod
    def parse(cls, raw: Mapping[str, object], *, today: date) -> Volunteer:
        f = Form(raw)
        latest = today.year - MIN_VOLUNTEER_AGE
        vol = cls(
            id=f.take("id", own_id),
            node_id=f.take("node_id", node_id),
            first_name=f.take("first_name", text(60)),
            last_name=f.take("last_name", text(80)),
            pc4=f.take("pc4", ids.pc4),
            phone=f.take("phone", optional(phone)),
            email=f.take("email", optional(email)),
            birth_year=f.take("birth_year", integer(1900, 9999)),
            tasks=f.take("tasks", set_of(volunteer_task)),
            languages=f.take("languages", set_of(ids.language)),
            availability=f.take("availability", set_of(availability)),
            max_km=f.take("max_km", integer(1, 100)),
            vog=f.sub("vog", lambda g: Vog.read(g, today), Vog, need=False) or Vog(),
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
