"""What the roster and help-request screens read: pages for their window tables and one record each.

The screens draw only the rows on screen and fetch them a page at a time in a worker, so each list
here is ``(session, ..., offset, limit) -> ListPage`` over the projection, with a separate count.
Search on volunteers uses their FTS5 index (typed text quoted word by word by
``search.fts_query``, so it is never query syntax); the much shorter mantelzorger list is filtered
with ``instr``. Nothing here imports Textual: the screens turn these plain records into rows.

Privacy is decided here, not in the screens: a mantelzorger's burden score and instrument leave
this module for a nurse only; a coordinator gets the category, an admin neither
(reference/domain-model.md §c). A screen cannot show what it never received.

Audit: the first page of each list query is logged (with its result count, never the typed text);
further pages of the same query are not, so scrolling does not flood the log. Opening a record is
logged as a read.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from veldclient.db import sql_words
from veldclient.domain import (
    SCORE_RANGE,
    BurdenCategory,
    BurdenInstrument,
    HelpRequest,
    HelpRequestStatus,
    Mantelzorger,
    MatchStatus,
    Task,
    Vog,
    VogStatus,
    Volunteer,
    category,
    is_heavy,
)
from veldclient.domain import matching as dm
from veldclient.domain.fields import from_iso
from veldclient.domain.models_help import EXPIRES
from veldclient.domain.screening import Screening, screen
from veldclient.errors import ValidationError
from veldclient.services import matching, roster
from veldclient.services.search import fts_query
from veldclient.session import Session

VOG_WARNING_DAYS = 60
ROSTER = roster.ROSTER  # nurse, coordinator, admin
HELP = matching.HELP  # nurse, coordinator
_H = HelpRequestStatus
# Open work first, then what is under way, then what expired (it may still need a decision: a
# longer period, or recording the help given), then what is closed.
STATUS_ORDER = (_H.OPEN, _H.MATCHING, _H.MATCHED, _H.IN_PROGRESS, _H.EXPIRED, _H.DONE, _H.CANCELLED)


@dataclass(frozen=True)
class ListPage:
    total: int
    items: list[Any] = field(default_factory=list)


# --- VOG ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VogInfo:
    """A certificate of conduct as a coordinator needs to see it: ``state`` is ok, expiring (within
    ``VOG_WARNING_DAYS``), expired, requested or none; ``last_day`` the last day it still counts."""

    status: VogStatus
    issued_on: date | None
    state: str
    last_day: date | None = None
    days_left: int | None = None


def vog_info(status: str | None, issued_on: str | date | None, today: date) -> VogInfo:
    try:
        code = VogStatus(status or "NONE")
    except ValueError:
        code = VogStatus.NONE
    issued = issued_on if isinstance(issued_on, date) else from_iso(issued_on)
    expires = Vog(code, issued).expires_on
    last = None if expires is None else expires - timedelta(days=1)
    days = None if expires is None else (expires - today).days
    if code is VogStatus.EXPIRED or (code is VogStatus.VALID and (days is None or days <= 0)):
        state = "expired"
    elif code is VogStatus.VALID:
        state = "expiring" if days is not None and days <= VOG_WARNING_DAYS else "ok"
    else:
        state = code.value.lower()
    return VogInfo(code, issued, state, last, days)


def _vog_warning_cutoff(today: date) -> str:
    """Issued on or before this day, a VALID certificate expires within the warning period."""
    limit = today + timedelta(days=VOG_WARNING_DAYS)
    try:
        return limit.replace(year=limit.year - 3).isoformat()
    except ValueError:  # 29 February
        return limit.replace(year=limit.year - 3, day=28).isoformat()


# --- volunteers -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class VolunteerItem:
    id: str
    name: str
    pc4: str
    tasks: tuple[str, ...]
    languages: tuple[str, ...]
    max_km: int
    vog: VogInfo


_VOL_COLUMNS = (
    "t.id, t.first_name, t.last_name, t.pc4, t.tasks, t.languages, t.max_km, t.vog_status, t.vog_issued_on"
)
_VOG_WARNING = (
    "(t.vog_status = 'EXPIRED'"
    " OR (t.vog_status = 'VALID' AND (t.vog_issued_on IS NULL OR t.vog_issued_on <= ?)))"
)


def volunteers_page(session: Session, text: str, warnings_only: bool, offset: int, limit: int) -> ListPage:
    """Volunteers of this node by name, or by search rank when ``text`` holds a word; with
    ``warnings_only`` just those whose VOG has expired or expires within the warning period."""
    session.require_role(ROSTER, "volunteer.search", "volunteer")
    today = session.today()
    query = fts_query(text)
    where, params = ["t.node_id = ?", "t.archived = 0"], [session.actor.node_id]
    source, order = "volunteers t", "t.last_name, t.first_name, t.id"
    if warnings_only:
        where.append(_VOG_WARNING)
        params.append(_vog_warning_cutoff(today))
        order = "t.vog_status = 'VALID', t.vog_issued_on, " + order
    if query is not None:
        source = "volunteers_fts JOIN volunteers t ON t.rowid = volunteers_fts.rowid"
        where.insert(0, "volunteers_fts MATCH ?")
        params.insert(0, query)
        order = "volunteers_fts.rank, " + order
    sql_where = " AND ".join(where)
    total = session.db.execute(f"SELECT count(*) FROM {source} WHERE {sql_where}", params).fetchone()[0]
    rows = session.db.execute(
        f"SELECT {_VOL_COLUMNS} FROM {source} WHERE {sql_where} ORDER BY {order} LIMIT ? OFFSET ?",
        [*params, limit, offset],
    ).fetchall()
    items = [
        VolunteerItem(
            id=vid,
            name=_name(first, last),
            pc4=pc4 or "",
            tasks=tuple((tasks or "").split()),
            languages=tuple((langs or "").split()),
            max_km=int(max_km or 0),
            vog=vog_info(vog_status, issued, today),
        )
        for vid, first, last, pc4, tasks, langs, max_km, vog_status, issued in rows
    ]
    if offset == 0 and (query is not None or warnings_only):
        with session.transaction():
            session.audit(
                "volunteer.search", "S", "volunteer", basis_authorisation=True, detail={"results": total}
            )
    return ListPage(total, items)


@dataclass(frozen=True)
class MatchLine:
    """One of a volunteer's matches, as their profile lists it (no requester details)."""

    help_request_id: str
    task: Task
    status: MatchStatus
    window_start: date | None
    window_end: date | None


@dataclass(frozen=True)
class VolunteerProfile:
    volunteer: Volunteer
    vog: VogInfo
    matches: list[MatchLine]


def volunteer_profile(session: Session, volunteer_id: str) -> VolunteerProfile:
    """The volunteer record (read and audited by ``roster.get_volunteer``) with VOG state and matches."""
    volunteer = roster.get_volunteer(session, volunteer_id)
    rows = session.db.execute(
        "SELECT h.id, h.task, m.status, h.window_start, h.window_end FROM matches m"
        " JOIN help_requests h ON h.id = m.help_request_id"
        " WHERE m.volunteer_id = ? AND h.node_id = ? ORDER BY h.window_start DESC, h.id",
        [volunteer_id, session.actor.node_id],
    ).fetchall()
    lines = [
        MatchLine(hid, Task(task), MatchStatus(status), from_iso(start), from_iso(end))
        for hid, task, status, start, end in rows
        if task in Task.__members__ and status in MatchStatus.__members__
    ]
    vog = vog_info(volunteer.vog.status.value, volunteer.vog.issued_on, session.today())
    return VolunteerProfile(volunteer, vog, lines)


@dataclass(frozen=True)
class RosterSummary:
    """Counts for the roster's attention line; ``overloaded`` is None for a role that may not see
    burden."""

    volunteers: int
    vog_expired: int
    vog_expiring: int
    carers: int
    overloaded: int | None


def roster_summary(session: Session) -> RosterSummary:
    """How many volunteers have a VOG that expired or expires soon, and how many carers are
    overloaded; counted with the same rules the lists use (``vog_info``, the domain's bands)."""
    session.require_role(ROSTER, "volunteer.search", "volunteer")
    today, node = session.today(), session.actor.node_id
    states = [
        vog_info(status, issued, today).state
        for status, issued in session.db.execute(
            "SELECT vog_status, vog_issued_on FROM volunteers WHERE node_id = ? AND archived = 0", [node]
        )
    ]
    carers = session.db.execute(
        "SELECT count(*) FROM mantelzorgers t WHERE t.node_id = ? AND t.archived = 0", [node]
    ).fetchone()[0]
    overloaded = None
    if session.actor.role in HELP:
        overloaded = session.db.execute(
            f"SELECT count(*) FROM mantelzorgers t WHERE t.node_id = ? AND t.archived = 0 AND {_heavy_sql()}",
            [node],
        ).fetchone()[0]
    return RosterSummary(len(states), states.count("expired"), states.count("expiring"), carers, overloaded)


# --- mantelzorgers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BurdenView:
    """What this role may see of a burden measurement: the category always; instrument, score and
    date only for a nurse (None otherwise)."""

    category: BurdenCategory
    heavy: bool
    instrument: BurdenInstrument | None = None
    score: int | None = None
    max_score: int | None = None
    measured_on: date | None = None


def burden_view(
    role: str, instrument: str | None, score: int | None, measured_on: date | None = None
) -> BurdenView | None:
    if role not in HELP or instrument is None or score is None:
        return None
    try:
        tool = BurdenInstrument(instrument)
        band = category(tool, int(score))
    except (ValueError, ValidationError):
        return None
    heavy = is_heavy(tool, int(score))
    if role != "nurse":
        return BurdenView(band, heavy)
    return BurdenView(band, heavy, tool, int(score), SCORE_RANGE[tool][1], measured_on)


@dataclass(frozen=True)
class MantelzorgerItem:
    id: str
    name: str
    pc4: str
    relationship: str
    hours_per_week: float
    burden: BurdenView | None


def _heavy_sql() -> str:
    """Heavy burden per instrument, from the domain's own bands (so list filter and flag agree)."""
    parts = []
    for tool, (lo, hi) in SCORE_RANGE.items():
        first = min(s for s in range(lo, hi + 1) if is_heavy(tool, s))
        parts.append(f"(t.burden_instrument = '{tool.value}' AND t.burden_score >= {int(first)})")
    return "(" + " OR ".join(parts) + ")"


def mantelzorgers_page(
    session: Session, text: str, overloaded_only: bool, offset: int, limit: int
) -> ListPage:
    """Mantelzorgers of this node by name; each word typed must occur in name or PC4."""
    session.require_role(ROSTER, "mantelzorger.list", "mantelzorger")
    role = session.actor.role
    where, params = ["t.node_id = ?", "t.archived = 0"], [session.actor.node_id]
    for word in text.split()[:8]:
        where.append("instr(lower(t.first_name || ' ' || t.last_name || ' ' || t.pc4), lower(?)) > 0")
        params.append(word)
    if overloaded_only and role in HELP:
        where.append(_heavy_sql())
    sql_where = " AND ".join(where)
    total = session.db.execute(f"SELECT count(*) FROM mantelzorgers t WHERE {sql_where}", params).fetchone()[
        0
    ]
    rows = session.db.execute(
        "SELECT t.id, t.first_name, t.last_name, t.pc4, t.relationship, t.hours_per_week,"
        f" t.burden_instrument, t.burden_score FROM mantelzorgers t WHERE {sql_where}"
        " ORDER BY t.last_name, t.first_name, t.id LIMIT ? OFFSET ?",
        [*params, limit, offset],
    ).fetchall()
    items = [
        MantelzorgerItem(
            mid, _name(first, last), pc4 or "", rel or "", float(hours or 0), burden_view(role, tool, score)
        )
        for mid, first, last, pc4, rel, hours, tool, score in rows
    ]
    if offset == 0:
        with session.transaction():
            session.audit(
                "mantelzorger.list",
                "S",
                "mantelzorger",
                data_part="burden" if role in HELP else None,
                basis_authorisation=True,
                detail={"results": total},
            )
    return ListPage(total, items)


@dataclass(frozen=True)
class RequestLine:
    id: str
    task: Task
    status: HelpRequestStatus


@dataclass(frozen=True)
class MantelzorgerProfile:
    carer: Mantelzorger  # burden removed: see ``burden``
    burden: BurdenView | None
    help_requests: list[RequestLine]


def mantelzorger_profile(session: Session, carer_id: str) -> MantelzorgerProfile:
    session.require_role(ROSTER, "mantelzorger.read", "mantelzorger", object_id=matching.safe_id(carer_id))
    root = roster._root(session, "mantelzorger", carer_id, ("Mantelzorger", "informal carer"))
    carer = Mantelzorger.from_dict(root["mantelzorger"])
    b = carer.burden
    view = None if b is None else burden_view(session.actor.role, b.instrument.value, b.score, b.measured_on)
    rows = session.db.execute(
        "SELECT id, task, status FROM help_requests WHERE on_behalf_of = 'MANTELZORGER' AND subject_id = ?"
        " AND node_id = ? ORDER BY window_start DESC, id",
        [carer_id, session.actor.node_id],
    ).fetchall()
    requests = [
        RequestLine(hid, Task(task), HelpRequestStatus(status))
        for hid, task, status in rows
        if task in Task.__members__ and status in HelpRequestStatus.__members__
    ]
    with session.transaction():
        session.audit(
            "mantelzorger.read",
            "R",
            "mantelzorger",
            object_id=carer.id,
            client_id=carer.care_for_client_id,
            data_part="burden" if view is not None else None,
            basis_authorisation=True,
        )
    return MantelzorgerProfile(_without_burden(carer), view, requests)


def _without_burden(carer: Mantelzorger) -> Mantelzorger:
    return replace(carer, burden=None)


# --- help requests --------------------------------------------------------------------------------


@dataclass(frozen=True)
class HelpRequestItem:
    """One list row. ``task`` and ``status`` are the stored codes (labels are the screen's job; a
    code this version does not know is shown as it is rather than dropped, which would shift the
    rows of a paged list)."""

    id: str
    task: str
    summary: str
    pc4: str
    window_start: date | None
    window_end: date | None
    status: str  # as of the session's today: EXPIRED once a waiting request's window is over
    active_matches: int
    volunteer: str  # who confirmed, completed or (failing those) said yes; else ""
    stored_status: str = ""

    @property
    def expired(self) -> bool:
        return self.status == HelpRequestStatus.EXPIRED.value


_ACTIVE = frozenset(dm.ACTIVE_CODES)
_NAMED = {"CONFIRMED": 0, "COMPLETED": 1, "ACCEPTED": 2}  # whose name the list shows, best first


def status_sql(today: date) -> str:
    """The status as of ``today`` in SQL (``domain.models_help.status_on``) for ``help_requests h``.
    ``today`` is inlined: an ISO date we format ourselves, so the expression has no parameters."""
    waiting = sql_words(s.value for s in sorted(EXPIRES))
    return (
        f"(CASE WHEN h.status IN ({waiting}) AND h.window_end < '{today.isoformat()}'"
        f" THEN '{HelpRequestStatus.EXPIRED.value}' ELSE h.status END)"
    )


def help_requests_page(
    session: Session, statuses: tuple[str, ...] | None, offset: int, limit: int
) -> ListPage:
    """Help requests of this node, open work first; ``statuses`` None means every status. Status
    (shown, filtered and sorted on) is as of the session's today: a request whose window is over
    is EXPIRED, not OPEN.

    The page is read first and its matches in one query after, so the cost is one page, not one
    correlated sub-query per request in the table (2,000 on the large demo)."""
    session.require_role(HELP, "helprequest.list", "help_request")
    status = status_sql(session.today())
    where, params = ["h.node_id = ?", "h.archived = 0"], [session.actor.node_id]
    if statuses is not None:
        where.append(f"{status} IN ({', '.join('?' for _ in statuses) or 'NULL'})")
        params += list(statuses)
    sql_where = " AND ".join(where)
    rank = " ".join(f"WHEN '{s.value}' THEN {i}" for i, s in enumerate(STATUS_ORDER))
    total = session.db.execute(f"SELECT count(*) FROM help_requests h WHERE {sql_where}", params).fetchone()
    rows = session.db.execute(
        f"SELECT h.id, h.task, h.summary, h.pc4, h.window_start, h.window_end, {status}, h.status"
        f" FROM help_requests h WHERE {sql_where}"
        f" ORDER BY CASE {status} {rank} ELSE 99 END, h.window_start, h.id LIMIT ? OFFSET ?",
        [*params, limit, offset],
    ).fetchall()
    active: dict[str, int] = {}
    named: dict[str, tuple[int, str, str]] = {}
    ids = [r[0] for r in rows]
    if ids:
        for hid, mid, status, first, last in session.db.execute(
            "SELECT m.help_request_id, m.id, m.status, v.first_name, v.last_name FROM matches m"
            " LEFT JOIN volunteers v ON v.id = m.volunteer_id"
            f" WHERE m.help_request_id IN ({', '.join('?' for _ in ids)})",
            ids,
        ):
            if status in _ACTIVE:
                active[hid] = active.get(hid, 0) + 1
            if status in _NAMED and (hid not in named or (_NAMED[status], mid) < named[hid][:2]):
                named[hid] = (_NAMED[status], mid, _name(first, last))
    items = [
        HelpRequestItem(
            hid,
            task or "",
            summary or "",
            pc4 or "",
            from_iso(start),
            from_iso(end),
            status or "",
            active.get(hid, 0),
            named[hid][2] if hid in named else "",
            stored or "",
        )
        for hid, task, summary, pc4, start, end, status, stored in rows
    ]
    if offset == 0:
        with session.transaction():
            session.audit(
                "helprequest.list",
                "S",
                "help_request",
                data_part="help_request",
                basis_authorisation=True,
                detail={"results": total[0]},
            )
    return ListPage(total[0], items)


@dataclass(frozen=True)
class MatchView:
    match_id: str
    volunteer_id: str
    name: str
    status: MatchStatus
    score: float
    distance_km: float

    def next_steps(self) -> frozenset[MatchStatus]:
        return frozenset(s for s in self.status.allowed_next() if isinstance(s, MatchStatus))


@dataclass(frozen=True)
class HelpRequestView:
    """``status`` is as of the session's today (``request.status`` is the stored one); ``lapsed``
    says the window ran out while the request was still waiting or matched, so a longer period
    makes it what it was again. ``screening``: what the summary holds that no volunteer may see.
    ``subject``: the name of the client or carer the help is for, on the own node only (None on
    another node, or when the record is gone)."""

    request: HelpRequest
    matches: list[MatchView]
    status: HelpRequestStatus
    today: date
    lapsed: bool = False
    screening: Screening = field(default_factory=Screening)
    subject: str | None = None


def help_request_view(session: Session, help_request_id: str) -> HelpRequestView:
    """One help request with its matches, each with the status derived from its events."""
    session.require_role(
        HELP, "helprequest.read", "help_request", object_id=matching.safe_id(help_request_id)
    )
    _doc_id, root = matching.help_request_root(session, help_request_id)
    request = HelpRequest.from_dict(root["request"])
    derived = matching.statuses(root)
    records = root.get("matches") or {}
    ids = sorted({str(m.get("volunteer_id")) for m in records.values() if m.get("volunteer_id")})
    names: dict[str, str] = {}
    if ids:
        marks = ", ".join("?" for _ in ids)
        for vid, first, last in session.db.execute(
            f"SELECT id, first_name, last_name FROM volunteers WHERE id IN ({marks})", ids
        ):
            names[vid] = _name(first, last)
    views = [
        MatchView(
            mid,
            str(m.get("volunteer_id") or ""),
            names.get(str(m.get("volunteer_id")), "?"),
            derived.get(mid, MatchStatus.PROPOSED),
            float(m.get("score") or 0.0),
            float(m.get("distance_km") or 0.0),
        )
        for mid, m in sorted(records.items())
    ]
    views.sort(key=lambda v: (v.status not in dm.ACTIVE, -v.score, v.match_id))
    today = session.today()
    status = request.status_on(today)
    with session.transaction():
        session.audit(
            "helprequest.read",
            "R",
            "help_request",
            object_id=request.id,
            client_id=request.subject_id if request.on_behalf_of.value == "CLIENT" else None,
            data_part="help_request",
            basis_authorisation=True,
        )
    return HelpRequestView(
        request,
        views,
        status,
        today,
        lapsed=status is not request.status,
        screening=screen(request.summary, today),
        subject=_subject_name(session, request),
    )


def _subject_name(session: Session, request: HelpRequest) -> str | None:
    """Who the help is for, by name: read on the own node only (a record of this node's people)."""
    if not request.subject_id or request.node_id != session.actor.node_id:
        return None
    if request.on_behalf_of.value == "CLIENT":
        sql = "SELECT name FROM clients WHERE id = ? AND node_id = ?"
        row = session.db.execute(sql, [request.subject_id, session.actor.node_id]).fetchone()
        return str(row[0]) if row and row[0] else None
    sql = "SELECT first_name, last_name FROM mantelzorgers WHERE id = ? AND node_id = ?"
    row = session.db.execute(sql, [request.subject_id, session.actor.node_id]).fetchone()
    return (_name(row[0], row[1]) or None) if row else None


def _name(first: str | None, last: str | None) -> str:
    return " ".join(p for p in (first, last) if p)
