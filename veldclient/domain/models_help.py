"""Help requests from residents and carers, and the volunteer matches proposed for them.

A help request is what a volunteer may see, so it holds a non-medical summary and a PC4 only.

**Expired is derived, never stored.** A request still waiting or matched (the statuses whose
lifecycle allows EXPIRED) is expired once the last day of its window lies behind today; moving the
window's end makes it what it was again. Storing EXPIRED would need a writer at midnight on some
device, and replicas would disagree until it ran.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from . import identifiers as ids
from .enums import HelpRequestStatus, MatchStatus, OnBehalfOf, Task
from .fields import (
    Form,
    boolean,
    enum_value,
    epoch_ms,
    in_order,
    iso,
    iso_date,
    new_id,
    node_id,
    number,
    optional,
    own_id,
    record_id,
    set_of,
    text,
    with_default,
)
from .models_roster import Availability, availability, sorted_availability


@dataclass(frozen=True)
class Window:
    """Period in which the help is wanted; ``availability`` narrows it to parts of the week."""

    start: date
    end: date
    availability: frozenset[Availability] = frozenset()

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": iso(self.start),
            "end": iso(self.end),
            "availability": sorted_availability(self.availability),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Window:
        return cls(
            date.fromisoformat(d["start"]),
            date.fromisoformat(d["end"]),
            frozenset(Availability.from_dict(a) for a in d["availability"]),
        )

    @classmethod
    def read(cls, f: Form) -> Window:
        window = cls(
            start=f.take("start", iso_date),
            end=f.take("end", iso_date),
            availability=f.take("availability", set_of(availability)),
        )
        in_order(
            f,
            "start",
            "end",
            window.start,
            window.end,
            ("De einddatum ligt vóór de begindatum.", "The end date is before the start date."),
        )
        return window


EXPIRES = frozenset(s for s in HelpRequestStatus if HelpRequestStatus.EXPIRED in s.allowed_next())


def status_on(status: HelpRequestStatus, window_end: date | None, today: date) -> HelpRequestStatus:
    """The status as of ``today``: EXPIRED for a request in ``EXPIRES`` whose window ended before
    today (the last day itself still counts); otherwise the stored status."""
    if status in EXPIRES and window_end is not None and window_end < today:
        return HelpRequestStatus.EXPIRED
    return status


@dataclass(frozen=True)
class HelpRequest:
    node_id: str
    on_behalf_of: OnBehalfOf
    task: Task
    summary: str
    pc4: str
    window: Window
    created_at: int
    subject_id: str | None = None
    recurrence: str | None = None
    language: str | None = None
    requires_vog: bool = True
    status: HelpRequestStatus = HelpRequestStatus.OPEN
    id: str = field(default_factory=new_id)

    def status_on(self, today: date) -> HelpRequestStatus:
        """See :func:`status_on`."""
        return status_on(self.status, self.window.end, today)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "node_id": self.node_id,
            "on_behalf_of": self.on_behalf_of.value,
            "subject_id": self.subject_id,
            "task": self.task.value,
            "summary": self.summary,
            "pc4": self.pc4,
            "window": self.window.to_dict(),
            "recurrence": self.recurrence,
            "language": self.language,
            "requires_vog": self.requires_vog,
            "status": self.status.value,
            "created_at": self.created_at,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> HelpRequest:
        return cls(
            id=d["id"],
            node_id=d["node_id"],
            on_behalf_of=OnBehalfOf(d["on_behalf_of"]),
            subject_id=d["subject_id"],
            task=Task(d["task"]),
            summary=d["summary"],
            pc4=d["pc4"],
            window=Window.from_dict(d["window"]),
            recurrence=d["recurrence"],
            language=d["language"],
            requires_vog=bool(d["requires_vog"]),
            status=HelpRequestStatus(d["status"]),
            created_at=int(d["created_at"]),
        )

    @classmethod
    def parse(cls, raw: Mapping[str, object]) -> HelpRequest:
        """``requires_vog`` defaults to True: volunteers visit vulnerable people at home, so
        dropping the certificate check must be a deliberate choice."""
        f = Form(raw)
        req = cls(
            id=f.take("id", own_id),
            node_id=f.take("node_id", node_id),
            on_behalf_of=f.take("on_behalf_of", enum_value(OnBehalfOf)),
            subject_id=f.take("subject_id", optional(record_id)),
            task=f.take("task", enum_value(Task)),
            summary=f.take("summary", text(500)),
            pc4=f.take("pc4", ids.pc4),
            window=f.sub("window", Window.read, Window),
            recurrence=f.take("recurrence", optional(text(60))),
            language=f.take("language", optional(ids.language)),
            requires_vog=f.take("requires_vog", with_default(boolean, True)),
            status=f.take("status", with_default(enum_value(HelpRequestStatus), HelpRequestStatus.OPEN)),
            created_at=f.take("created_at", epoch_ms),
        )
        f.check()
        return req


@dataclass(frozen=True)
class Match:
    """A volunteer proposed for a help request, with the ranking score and distance."""

    help_request_id: str
    volunteer_id: str
    score: float
    distance_km: float
    proposed_by: str
    status: MatchStatus = MatchStatus.PROPOSED
    feedback: str | None = None
    id: str = field(default_factory=new_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "help_request_id": self.help_request_id,
            "volunteer_id": self.volunteer_id,
            "score": self.score,
            "distance_km": self.distance_km,
            "proposed_by": self.proposed_by,
            "status": self.status.value,
            "feedback": self.feedback,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Match:
        return cls(
            id=d["id"],
            help_request_id=d["help_request_id"],
            volunteer_id=d["volunteer_id"],
            score=float(d["score"]),
            distance_km=float(d["distance_km"]),
            proposed_by=d["proposed_by"],
            status=MatchStatus(d["status"]),
            feedback=d["feedback"],
        )

    @classmethod
    def parse(cls, raw: Mapping[str, object]) -> Match:
        f = Form(raw)
        match = cls(
            id=f.take("id", own_id),
            help_request_id=f.take("help_request_id", record_id),
            volunteer_id=f.take("volunteer_id", record_id),
            score=f.take("score", number(-1e6, 1e6)),
            distance_km=f.take("distance_km", number(0, 1000)),
            proposed_by=f.take("proposed_by", text(80)),
            status=f.take("status", with_default(enum_value(MatchStatus), MatchStatus.PROPOSED)),
            feedback=f.take("feedback", optional(text(1000))),
        )
        f.check()
        return match
