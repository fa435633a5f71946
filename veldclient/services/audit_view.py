"""The audit log as pages for the admin's screen, and the filter both the screen and ``veld audit log``
take. Opening the log is logged once (NEN 7513: reading the log); paging through it is part of that
one read, and so is choosing another filter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from veldclient.audit import ACTIONS, LogFilter
from veldclient.domain.formats import LOCAL_TZ, read_day
from veldclient.errors import FieldError, ValidationError
from veldclient.services import audit_service
from veldclient.services.audit_names import EVENT_NAMES
from veldclient.session import Session

VIEWERS = ("admin",)


@dataclass(frozen=True)
class AuditRow:
    seq: int
    at_ms: int
    action: str
    event: str
    outcome: str
    user_id: str
    role: str
    client_id: str | None
    device_id: str


def parse_filter(
    *,
    client_id: str | None = None,
    user_id: str | None = None,
    action: str | None = None,
    event: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> LogFilter:
    """The filter as typed (blank means "any"); every mistake is named at once, nothing is guessed.

    ``since`` and ``until`` are days in Dutch time (dd-mm-jjjj or jjjj-mm-dd), both included: the
    log shows its times in Dutch time, so a day means the day those times are on."""
    errors: list[FieldError] = []
    letter = _blank(action)
    if letter is not None:
        letter = letter.upper()
        if letter not in ACTIONS:
            errors.append(
                FieldError(
                    "action",
                    "choice",
                    f"Actie '{letter}' bestaat niet; kies uit {', '.join(ACTIONS)}.",
                    f"Action '{letter}' does not exist; choose from {', '.join(ACTIONS)}.",
                )
            )
    code = _blank(event)
    if code is not None and code not in EVENT_NAMES:
        errors.append(
            FieldError(
                "event",
                "choice",
                f"Gebeurtenis '{code}' bestaat niet (zie 'veld audit events').",
                f"Event '{code}' does not exist (see 'veld audit events').",
            )
        )
    first = _day(since, "since", errors)
    last = _day(until, "until", errors)
    if first is not None and last is not None and last < first:
        errors.append(
            FieldError(
                "until",
                "order",
                "De einddatum ligt vóór de begindatum.",
                "The end date is before the start date.",
            )
        )
    if errors:
        raise ValidationError(errors)
    return LogFilter(
        client_id=_blank(client_id),
        user_id=_blank(user_id),
        action=letter,
        event=code,
        since_ms=None if first is None else _ms(first),
        until_ms=None if last is None else _ms(last + timedelta(days=1)),
    )


def _blank(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def _day(value: str | None, field: str, errors: list[FieldError]) -> date | None:
    text = _blank(value)
    if text is None:
        return None
    found = read_day(text)
    if found is None:
        errors.append(
            FieldError(
                field,
                "date",
                f"'{text}' is geen datum; schrijf dd-mm-jjjj of jjjj-mm-dd, bijvoorbeeld 01-12-2026.",
                f"'{text}' is not a date; write dd/mm/yyyy or yyyy-mm-dd, for example 01/12/2026.",
            )
        )
    return found


def _ms(day: date) -> int:
    """The first millisecond of ``day`` in Dutch time."""
    return int(datetime(day.year, day.month, day.day, tzinfo=LOCAL_TZ).timestamp() * 1000)


def open_log(session: Session, where: LogFilter | None = None) -> int:
    """Check the role, log the read, return how many entries ``where`` selects."""
    session.require_role(VIEWERS, "audit.read", "audit_log")
    chosen = where or LogFilter()
    audit_service.log_read(session, chosen, via="tui")
    return session.audit_log.count(chosen)


def page(
    session: Session, offset: int, limit: int, where: LogFilter | None = None
) -> tuple[int, list[AuditRow]]:
    """Newest first, only what ``where`` selects."""
    session.require_role(VIEWERS, "audit.read", "audit_log")
    total = session.audit_log.count(where)
    entries = session.audit_log.entries(limit=limit, offset=offset, where=where)
    return total, [
        AuditRow(e.seq, e.at_ms, e.action, e.event, e.outcome, e.user_id, e.role, e.client_id, e.device_id)
        for e in entries
    ]
