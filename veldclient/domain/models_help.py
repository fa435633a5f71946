"""Help requests from residents and carers, and the volunteer matches proposed for them.

A help request is what a volunteer may see, so it holds a non-medical summary and a PC4 only.

**Expired is derived, never stored.** A request still waiting or matched (the statuses whose
lifecycle allows EXPIRED) is expired once the last day of its window lies behind today; moving the
window's end makes it what it was again. Storing EXPIRED would need a writer at midnight on some
device, and replicas would disagree until it ran.
"""

from __future__ import annotations

from datetime import date

from . import identifiers as ids
from .enums import HelpRequestStatus, MatchStatus, OnBehalfOf, Task
from .fields import (
    Form,
    boolean,
    enum_value,
    epoch_ms,
    in_order,
    iso_date,
    new_id,
    node_id,
    number,
    record_id,
    set_of,
    text,
)
from .models_roster import Availability, availability
from .record import FormRecord, spec, sub


class Window(FormRecord):
    """Period in which the help is wanted; ``availability`` narrows it to parts of the week."""

    start: date = spec(iso_date)
    end: date = spec(iso_date)
    availability: frozenset[Availability] = spec(set_of(availability), default=frozenset())

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @classmethod
    def check(cls, f: Form, record: Window) -> None:
        in_order(
            f,
            "start",
            "end",
            record.start,
            record.end,
            ("De einddatum ligt vóór de begindatum.", "The end date is before the start date."),
        )


EXPIRES = frozenset(s for s in HelpRequestStatus if HelpRequestStatus.EXPIRED in s.allowed_next())


def status_on(status: HelpRequestStatus, window_end: date | None, today: date) -> HelpRequestStatus:
    """The status as of ``today``: EXPIRED for a request in ``EXPIRES`` whose window ended before
    today (the last day itself still counts); otherwise the stored status."""
    if status in EXPIRES and window_end is not None and window_end < today:
        return HelpRequestStatus.EXPIRED
    return status


class HelpRequest(FormRecord):
    """``requires_vog`` defaults to True: volunteers visit vulnerable people at home, so dropping
    the certificate check must be a deliberate choice."""

    STORED = (
        "id",
        "node_id",
        "on_behalf_of",
        "subject_id",
        "task",
        "summary",
        "pc4",
        "window",
        "recurrence",
        "language",
        "requires_vog",
        "status",
        "created_at",
    )

    node_id: str = spec(node_id)
    on_behalf_of: OnBehalfOf = spec(enum_value(OnBehalfOf))
    task: Task = spec(enum_value(Task))
    summary: str = spec(text(500))
    pc4: str = spec(ids.pc4)
    window: Window = sub(Window.read, Window)
    created_at: int = spec(epoch_ms)
    subject_id: str | None = spec(record_id, default=None)
    recurrence: str | None = spec(text(60), default=None)
    language: str | None = spec(ids.language, default=None)
    requires_vog: bool = spec(boolean, default=True)
    status: HelpRequestStatus = spec(enum_value(HelpRequestStatus), default=HelpRequestStatus.OPEN)
    id: str = spec(record_id, default_factory=new_id)

    def status_on(self, today: date) -> HelpRequestStatus:
        """See :func:`status_on`."""
        return status_on(self.status, self.window.end, today)


class Match(FormRecord):
    """A volunteer proposed for a help request, with the ranking score and distance."""

    help_request_id: str = spec(record_id)
    volunteer_id: str = spec(record_id)
    score: float = spec(number(-1e6, 1e6))
    distance_km: float = spec(number(0, 1000))
    proposed_by: str = spec(text(80))
    status: MatchStatus = spec(enum_value(MatchStatus), default=MatchStatus.PROPOSED)
    feedback: str | None = spec(text(1000), default=None)
    id: str = spec(record_id, default_factory=new_id)
