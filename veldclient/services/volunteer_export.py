"""The volunteer-facing CSV for one help request: only what DOMAIN.md allows a volunteer to see.

Columns (fixed, see ``COLUMNS``): task, the window (start, end, parts of the week), PC4, the first
name of the person helped, non-medical notes (the request's summary) and the street — the street
only once a match is CONFIRMED (domain-model.md §c), its name without house number, like the first
name without surname. Nothing else is read into a row, so no BSN, birth date, surname, phone,
burden or id can leak.

The file speaks the volunteer's language (Dutch unless the export is made in English): its header
(``HEADERS``), the task, the dates (``formats.day``) and the parts of the week. A street cell is
never silently empty: it says why there is no street (``STREET_MISSING``) — help for a mantelzorger
(veld keeps no carer's address), no match confirmed yet, or no address on record for the client.

The summary is screened (``domain.screening``) for a BSN, a date of birth, an e-mail address and
health terms ("slechthorend" is health data too): when any is found the notes column stays empty and
``ExportResult.held_back`` tells the coordinator what kind of thing to take out, never the value.
Cells are data, never formulas: a cell a spreadsheet would evaluate (``=``, ``+``, ``-``, ``@``) is
prefixed with an apostrophe. The file is written atomically (temp file, fsync, rename).
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from veldclient.domain import HelpRequest, MatchStatus, OnBehalfOf, formats
from veldclient.domain import matching as dm
from veldclient.domain.screening import screen
from veldclient.errors import VeldError
from veldclient.files import atomic_write
from veldclient.services.matching import HELP, help_request_root, safe_id, statuses
from veldclient.session import Session

COLUMNS = ("task", "window_start", "window_end", "availability", "pc4", "first_name", "notes", "street")
HEADERS = {
    "nl": (
        "taak",
        "vanaf",
        "tot en met",
        "dagdelen",
        "postcode (4 cijfers)",
        "voornaam",
        "toelichting",
        "straat",
    ),
    "en": (
        "task",
        "from",
        "until",
        "parts of the week",
        "postcode (4 digits)",
        "first name",
        "notes",
        "street",
    ),
}
# Why a street cell holds no street, in the file's language.
STREET_MISSING = {
    "carer": ("adres niet bekend: hulp aan mantelzorger", "address not known: help for a carer"),
    "unconfirmed": (
        "volgt zodra de koppeling is bevestigd",
        "given once the match is confirmed",
    ),
    "unknown": ("adres niet bekend", "address not known"),
}
STREET_AFTER = frozenset({MatchStatus.CONFIRMED, MatchStatus.COMPLETED})
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_HOUSE_NUMBER = re.compile(r"^\d")


class ExportFailed(VeldError):
    """The export file could not be written; nothing was left behind."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    columns: tuple[str, ...]
    rows: int
    street_included: bool
    held_back: tuple[str, str] | None = None  # (nl, en) message for the coordinator
    terms: tuple[str, ...] = ()  # health words found
    kinds: tuple[str, ...] = ()  # what was held back: bsn, birth_date, email, health

    def as_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "columns": list(self.columns),
            "rows": self.rows,
            "street_included": self.street_included,
            "held_back": None
            if self.held_back is None
            else {"nl": self.held_back[0], "en": self.held_back[1]},
            "terms": list(self.terms),
            "held_back_kinds": list(self.kinds),
        }


def street_of(address: str | None) -> str:
    """``'Kerkstraat 12a'`` -> ``'Kerkstraat'``; ``'Laan 1940-1945 19'`` -> ``'Laan 1940-1945'``:
    drop the last token that starts with a digit, and a short suffix after it (``12 A``)."""
    words = (address or "").split()
    for i in range(len(words) - 1, 0, -1):
        if _HOUSE_NUMBER.match(words[i]) and len(words) - i <= 2 and all(len(w) <= 4 for w in words[i + 1 :]):
            return " ".join(words[:i])
    return " ".join(words)


def cell(value: str | None) -> str:
    """Plain text for a spreadsheet: never evaluated as a formula."""
    text = " ".join((value or "").split())
    return "'" + text if text.startswith(_FORMULA_START) else text


def _person(session: Session, request: HelpRequest) -> tuple[str, str | None]:
    """First name of the person helped, and their address when that is the client's (a carer's
    address is not on record). Read from the projection, first name only."""
    if not request.subject_id:
        return "", None
    if request.on_behalf_of is OnBehalfOf.CLIENT:
        row = session.db.execute(
            "SELECT name, address FROM clients WHERE id = ? AND node_id = ?",
            [request.subject_id, session.actor.node_id],
        ).fetchone()
        return ((row[0] or "").split()[:1] or [""])[0] if row else "", row[1] if row else None
    row = session.db.execute(
        "SELECT first_name FROM mantelzorgers WHERE id = ? AND node_id = ?",
        [request.subject_id, session.actor.node_id],
    ).fetchone()
    return ((row[0] or "").split()[:1] or [""])[0] if row else "", None


def street_cell(request: HelpRequest, address: str | None, confirmed: bool, lang: str) -> tuple[str, bool]:
    """The street cell and whether it holds a street: the street once a match is confirmed, else
    the reason there is none. A carer's address is never on record, so that reason comes first:
    confirming will not bring a street."""
    i = 0 if lang == "nl" else 1
    if request.on_behalf_of is OnBehalfOf.MANTELZORGER:
        return STREET_MISSING["carer"][i], False
    if not confirmed:
        return STREET_MISSING["unconfirmed"][i], False
    street = street_of(address)
    return (street, True) if street else (STREET_MISSING["unknown"][i], False)


def export_for_volunteer(
    session: Session, help_request_id: str, out_path: str | os.PathLike[str], *, lang: str = "nl"
) -> ExportResult:
    """Write the volunteer CSV for a help request (one row) and audit it as an export."""
    session.require_device("volunteer_export.export_for_volunteer", "help_request")
    session.require_role(HELP, "helprequest.export", "help_request", object_id=safe_id(help_request_id))
    _doc_id, root = help_request_root(session, help_request_id)
    request = HelpRequest.from_dict(root["request"])
    first_name, address = _person(session, request)
    confirmed = any(s in STREET_AFTER for s in statuses(root).values())
    found = screen(request.summary, session.today())
    slots = [(a.weekday.value, a.dagdeel.value) for a in request.window.availability]
    street, has_street = street_cell(request, address, confirmed, lang)
    row = {
        "task": request.task.label(lang),
        "window_start": formats.day(request.window.start, lang),
        "window_end": formats.day(request.window.end, lang),
        "availability": dm.slots_text(slots)[0 if lang == "nl" else 1],
        "pc4": request.pc4,
        "first_name": first_name,
        "notes": request.summary if found.clean else "",
        "street": street,
    }
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS.get(lang, HEADERS["en"]))
    writer.writerow([cell(row[c]) for c in COLUMNS])
    path = Path(out_path)
    with session.transaction():
        session.audit(
            "helprequest.export",
            "E",
            "help_request",
            object_id=request.id,
            client_id=request.subject_id if request.on_behalf_of is OnBehalfOf.CLIENT else None,
            data_part="help_request",
            basis_authorisation=True,
            detail={
                "rows": 1,
                "street": has_street,
                "held_back": not found.clean,
                "held_back_kinds": " ".join(found.kinds),
            },
        )
        try:
            atomic_write(path, buffer.getvalue().encode("utf-8"))
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise ExportFailed(
                f"Kan het exportbestand '{safe_id(str(path))}' niet schrijven: {reason}.",
                f"Cannot write the export file '{safe_id(str(path))}': {reason}.",
            ) from exc
    return ExportResult(
        path=path,
        columns=COLUMNS,
        rows=1,
        street_included=has_street,
        held_back=found.held_back(),
        terms=found.terms,
        kinds=found.kinds,
    )
