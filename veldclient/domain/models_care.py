"""The nurse's caseload: clients, their home visits, and who refers them for a stay.

This is special-category health data (AVG art. 9); the models hold only what the care process
needs, and role filtering happens in the services, never here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from . import identifiers as ids
from .enums import ReferrerRole, VisitStatus
from .fields import (
    Form,
    boolean,
    enum_value,
    epoch_ms,
    in_order,
    integer,
    iso_date,
    new_id,
    node_id,
    not_after,
    record_id,
    set_of,
    text,
    tuple_of,
)
from .record import FormRecord, Record, spec

OLDEST_BIRTH = date(1900, 1, 1)


class Client(Record):
    """A person in care: minimal personal data; the BSN is only shown to the care role."""

    STORED = (
        "id",
        "node_id",
        "bsn",
        "name",
        "birth_date",
        "postcode",
        "address",
        "gp_agb",
        "wlz_indicatie",
        "consents",
    )

    node_id: str = spec(node_id)
    name: str = spec(text(120))
    birth_date: date = spec(iso_date)
    postcode: str = spec(ids.postcode)
    bsn: str | None = spec(ids.bsn, default=None)
    address: str | None = spec(text(), default=None)
    gp_agb: str | None = spec(ids.agb, default=None)
    wlz_indicatie: bool = spec(boolean, default=False)
    consents: frozenset[str] = spec(set_of(text(60)), default=frozenset())
    id: str = spec(record_id, default_factory=new_id)

    @classmethod
    def parse(cls, raw: Mapping[str, object], *, today: date) -> Client:
        f = Form(raw)
        client = cls(**cls.fields_from(f))
        not_after(f, "birth_date", client.birth_date, today, ("De geboortedatum", "Birth date"))
        if f.ok("birth_date") and client.birth_date < OLDEST_BIRTH:
            f.add(
                "birth_date",
                "too_old",
                "Een geboortedatum vóór 1900 kan niet kloppen; controleer het jaar.",
                "A birth date before 1900 cannot be right; check the year.",
            )
        f.check()
        return client


class Visit(FormRecord):
    """A home visit by a district nurse; planned and actual times are UTC epoch ms."""

    client_id: str = spec(record_id)
    nurse: str = spec(text(80))
    planned_start_at: int = spec(epoch_ms)
    planned_minutes: int = spec(integer(1, 720))
    actual_start_at: int | None = spec(epoch_ms, default=None)
    actual_end_at: int | None = spec(epoch_ms, default=None)
    interventions: tuple[str, ...] = spec(tuple_of(text(120)), default=())
    status: VisitStatus = spec(enum_value(VisitStatus), default=VisitStatus.PLANNED)
    # The nurse's own words about the visit: clinical, so it stays in the case document (which never
    # leaves its node) and out of the plain visits table (store/projection.py).
    note: str | None = spec(text(2000), default=None)
    id: str = spec(record_id, default_factory=new_id)

    @classmethod
    def check(cls, f: Form, record: Visit) -> None:
        if f.ok("actual_start_at", "actual_end_at"):
            if record.actual_end_at is not None and record.actual_start_at is None:
                f.add(
                    "actual_start_at",
                    "required",
                    "Vul ook de begintijd in als de eindtijd bekend is.",
                    "Enter the start time too when the end time is known.",
                )
            in_order(
                f,
                "actual_start_at",
                "actual_end_at",
                record.actual_start_at,
                record.actual_end_at,
                ("De eindtijd ligt vóór de begintijd.", "The end time is before the start time."),
            )


class Referrer(FormRecord):
    """Who asks for the placement; their AGB code lets the receiving node verify them."""

    name: str = spec(text(120))
    role: ReferrerRole = spec(enum_value(ReferrerRole))
    agb: str | None = spec(ids.agb, default=None)
