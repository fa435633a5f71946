"""The nurse's caseload: clients, their home visits, and who refers them for a stay.

This is special-category health data (AVG art. 9); the models hold only what the care process
needs, and role filtering happens in the services, never here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from . import identifiers as ids
from .enums import ReferrerRole, VisitStatus
from .fields import (
    Form,
    boolean,
    each,
    enum_value,
    epoch_ms,
    in_order,
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
    text,
    with_default,
)

OLDEST_BIRTH = date(1900, 1, 1)


@dataclass(frozen=True)
class Client:
    """A person in care: minimal personal data; the BSN is only shown to the care role."""

    node_id: str
    name: str
    birth_date: date
    postcode: str
    bsn: str | None = None
    address: str | None = None
    gp_agb: str | None = None
    wlz_indicatie: bool = False
    consents: frozenset[str] = frozenset()
    id: str = field(default_factory=new_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "node_id": self.node_id,
            "bsn": self.bsn,
            "name": self.name,
            "birth_date": iso(self.birth_date),
            "postcode": self.postcode,
            "address": self.address,
            "gp_agb": self.gp_agb,
            "wlz_indicatie": self.wlz_indicatie,
            "consents": sorted(self.consents),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Client:
        return cls(
            node_id=d["node_id"],
            name=d["name"],
            birth_date=date.fromisoformat(d["birth_date"]),
            postcode=d["postcode"],
            bsn=d["bsn"],
            address=d["address"],
            gp_agb=d["gp_agb"],
            wlz_indicatie=bool(d["wlz_indicatie"]),
            consents=frozenset(d["consents"]),
            id=d["id"],
        )

    @classmethod
    def parse(cls, raw: Mapping[str, object], *, today: date) -> Client:
        f = Form(raw)
        client = cls(
            id=f.take("id", own_id),
            node_id=f.take("node_id", node_id),
            name=f.take("name", text(120)),
            birth_date=f.take("birth_date", iso_date),
            postcode=f.take("postcode", ids.postcode),
            bsn=f.take("bsn", optional(ids.bsn)),
            address=f.take("address", optional(text())),
            gp_agb=f.take("gp_agb", optional(ids.agb)),
            wlz_indicatie=f.take("wlz_indicatie", with_default(boolean, False)),
            consents=f.take("consents", set_of(text(60))),
        )
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


@dataclass(frozen=True)
class Visit:
    """A home visit by a district nurse; planned and actual times are UTC epoch ms."""

    client_id: str
    nurse: str
    planned_start_at: int
    planned_minutes: int
    actual_start_at: int | None = None
    actual_end_at: int | None = None
    interventions: tuple[str, ...] = ()
    status: VisitStatus = VisitStatus.PLANNED
    id: str = field(default_factory=new_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "client_id": self.client_id,
            "nurse": self.nurse,
            "planned_start_at": self.planned_start_at,
            "planned_minutes": self.planned_minutes,
            "actual_start_at": self.actual_start_at,
            "actual_end_at": self.actual_end_at,
            "interventions": list(self.interventions),
            "status": self.status.value,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Visit:
        return cls(
            client_id=d["client_id"],
            nurse=d["nurse"],
            planned_start_at=int(d["planned_start_at"]),
            planned_minutes=int(d["planned_minutes"]),
            actual_start_at=d["actual_start_at"],
            actual_end_at=d["actual_end_at"],
            interventions=tuple(d["interventions"]),
            status=VisitStatus(d["status"]),
            id=d["id"],
        )

    @classmethod
    def parse(cls, raw: Mapping[str, object]) -> Visit:
        f = Form(raw)
        visit = cls(
            id=f.take("id", own_id),
            client_id=f.take("client_id", record_id),
            nurse=f.take("nurse", text(80)),
            planned_start_at=f.take("planned_start_at", epoch_ms),
            planned_minutes=f.take("planned_minutes", integer(1, 720)),
            actual_start_at=f.take("actual_start_at", optional(epoch_ms)),
            actual_end_at=f.take("actual_end_at", optional(epoch_ms)),
            interventions=tuple(f.take("interventions", each(text(120))) or ()),
            status=f.take("status", with_default(enum_value(VisitStatus), VisitStatus.PLANNED)),
        )
        if f.ok("actual_start_at", "actual_end_at"):
            if visit.actual_end_at is not None and visit.actual_start_at is None:
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
                visit.actual_start_at,
                visit.actual_end_at,
                ("De eindtijd ligt vóór de begintijd.", "The end time is before the start time."),
            )
        f.check()
        return visit


@dataclass(frozen=True)
class Referrer:
    """Who asks for the placement; their AGB code lets the receiving node verify them."""

    name: str
    role: ReferrerRole
    agb: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role.value, "agb": self.agb}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Referrer:
        return cls(d["name"], ReferrerRole(d["role"]), d["agb"])

    @classmethod
    def read(cls, f: Form) -> Referrer:
        return cls(
            name=f.take("name", text(120)),
            role=f.take("role", enum_value(ReferrerRole)),
            agb=f.take("agb", optional(ids.agb)),
        )

    @classmethod
    def parse(cls, raw: Mapping[str, object]) -> Referrer:
        f = Form(raw)
        referrer = cls.read(f)
        f.check()
        return referrer
