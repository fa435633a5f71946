"""Matching volunteers to help requests, and every step of a match, as audited services.

Ranking reads the projection (``volunteers``, ``volunteer_availability``, ``matches``), never the
10,000 volunteer documents: the cheap hard filters (VOG, language, parts of the week) run in SQL,
distance and score in Python with the domain's own ``score``, and only the best few are then
assessed in full by ``domain.matching.assess`` for their readable reasons. ``--all`` (explain) takes
the slow path: every volunteer through the domain, with the reason each was filtered out.

Match steps are events (``MATCH_*``) in the help-request document, each naming the status its author
saw; the status is derived from them (``domain.matching.match_statuses``), checked before anything
is written, and the record's ``status`` plus the request's status are updated in the same change so
the projection shows it. Steps made while apart are found by :func:`conflicts`.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from functools import lru_cache
from typing import Any

from veldclient.domain import (
    BurdenInstrument,
    HelpRequest,
    HelpRequestStatus,
    Match,
    MatchStatus,
    OnBehalfOf,
    Task,
    Vog,
    VogStatus,
    category,
    causal,
    check_transition,
    formats,
    is_heavy,
)
from veldclient.domain import matching as dm
from veldclient.domain.fields import from_iso
from veldclient.errors import InvalidTransition, NotFound, ValidationError, VeldError
from veldclient.reference import pc4 as pc4_geo
from veldclient.services import events
from veldclient.session import Session
from veldclient.store.docstore import Editor
from veldclient.store.repo import doc_id_for

HELP = ("nurse", "coordinator")
REQUEST_LABEL = ("Hulpvraag", "help request")
VOLUNTEER_LABEL = ("Vrijwilliger", "volunteer")
MATCH_LABEL = ("Koppeling", "match")
CONFLICT_KIND = "match.concurrent"
# Steps a coordinator may still take on a help request that is already final (clean-up only).
CLEAN_UP = frozenset({MatchStatus.DECLINED, MatchStatus.WITHDRAWN})
PROPOSABLE = frozenset({HelpRequestStatus.OPEN, HelpRequestStatus.MATCHING, HelpRequestStatus.MATCHED})
VERBS: Mapping[MatchStatus, str] = {
    MatchStatus.ACCEPTED: "accept",
    MatchStatus.CONFIRMED: "confirm",
    MatchStatus.COMPLETED: "complete",
    MatchStatus.DECLINED: "decline",
    MatchStatus.WITHDRAWN: "withdraw",
}
STEP_TYPES = tuple(t for s, t in dm.EVENT_TYPES.items() if s is not MatchStatus.PROPOSED)


class RequestExpired(VeldError):
    """A help request whose period is over: nobody can be ranked or proposed for it."""

    def __init__(self, request: HelpRequest) -> None:
        end_nl, end_en = formats.day(request.window.end, "nl"), formats.day(request.window.end, "en")
        if request.status is HelpRequestStatus.EXPIRED:  # closed as expired: final
            super().__init__(
                f"Deze hulpvraag is verlopen en afgesloten (de periode liep tot {end_nl}): er wordt "
                "niemand meer voor gezocht.",
                f"This help request has expired and is closed (its period ran until {end_en}): nobody "
                "is sought for it any more.",
            )
            return
        super().__init__(
            f"Deze hulpvraag is verlopen: de periode liep tot {end_nl}, dus er kan niemand meer worden "
            f"voorgesteld. Verleng de periode om weer te zoeken: veld helprequest edit {request.id} "
            "--end dd-mm-jjjj.",
            f"This help request has expired: its period ran until {end_en}, so nobody can be proposed "
            f"any more. Extend the period to search again: veld helprequest edit {request.id} "
            "--end dd/mm/yyyy.",
        )


def safe_id(ident: str) -> str:
    """An id as typed, fit for a one-line message: no control characters, at most 64 characters."""
    clean = "".join(ch if ch.isprintable() else "?" for ch in str(ident))
    return clean if len(clean) <= 64 else clean[:61] + "..."


@lru_cache(maxsize=65536)
def distance_km(a: str, b: str) -> float | None:
    """Km between PC4 centroids; None for a code that is no Dutch PC4 area (the volunteer is filtered)."""
    try:
        return pc4_geo.distance_km(a, b)
    except ValueError:
        return None


# --- reading --------------------------------------------------------------------------------------


def help_request_root(session: Session, help_request_id: str) -> tuple[str, dict[str, Any]]:
    """The help-request document of this node, or ``NotFound``."""
    doc_id = doc_id_for("helpreq", str(help_request_id))
    info = session.repo.info(doc_id)
    if info is None or info.node_id != session.actor.node_id:
        raise NotFound(REQUEST_LABEL, safe_id(help_request_id))
    return doc_id, session.repo.read(doc_id)


def statuses(root: Mapping[str, Any]) -> dict[str, MatchStatus]:
    """Every match of the document with its status derived from the events."""
    matches = root.get("matches") or {}
    return dm.match_statuses(root.get("events") or [], {k: m.get("status") for k, m in matches.items()})


def _client_of(request: HelpRequest) -> str | None:
    return request.subject_id if request.on_behalf_of is OnBehalfOf.CLIENT else None


def _on_request(root: Mapping[str, Any], derived: Mapping[str, MatchStatus]) -> dict[str, MatchStatus]:
    """Volunteer id -> their status on this request (active beats declined beats the rest)."""

    def weight(s: MatchStatus) -> int:
        return 2 if s in dm.ACTIVE else 1 if s is MatchStatus.DECLINED else 0

    out: dict[str, MatchStatus] = {}
    for mid, m in (root.get("matches") or {}).items():
        vid, status = m.get("volunteer_id"), derived.get(mid)
        if vid and status is not None and (vid not in out or weight(status) > weight(out[vid])):
            out[vid] = status
    return out


def _active_load(session: Session) -> dict[str, int]:
    marks = ", ".join("?" for _ in dm.ACTIVE_CODES)
    rows = session.db.execute(
        f"SELECT volunteer_id, count(*) FROM matches WHERE status IN ({marks}) GROUP BY volunteer_id",
        list(dm.ACTIVE_CODES),
    ).fetchall()
    return {vid: n for vid, n in rows}


_FACT_COLUMNS = "id, first_name, last_name, pc4, max_km, tasks, languages, vog_status, vog_issued_on"


def _facts(session: Session, ids: Sequence[str] | None) -> list[dm.VolunteerFacts]:
    """Volunteers of this node (all, or the given ids) as matching inputs, from the projection."""
    node = session.actor.node_id
    if ids is not None and not ids:
        return []
    where, params = "node_id = ? AND archived = 0", [node]
    if ids is not None:
        where += f" AND id IN ({', '.join('?' for _ in ids)})"
        params += list(ids)
    rows = session.db.execute(f"SELECT {_FACT_COLUMNS} FROM volunteers WHERE {where}", params).fetchall()
    slots: dict[str, set[dm.Slot]] = {}
    avail_sql = "SELECT a.volunteer_id, a.weekday, a.dagdeel FROM volunteer_availability a"
    if ids is None:
        avail = session.db.execute(avail_sql)
    else:
        avail = session.db.execute(
            f"{avail_sql} WHERE a.volunteer_id IN ({', '.join('?' for _ in ids)})", ids
        )
    for vid, day, part in avail.fetchall():
        slots.setdefault(vid, set()).add((day, part))
    out = []
    for vid, first, last, pc4, max_km, tasks, langs, vog_status, issued in rows:
        try:
            vog = Vog(VogStatus(vog_status or "NONE"), from_iso(issued))
        except ValueError:
            vog = Vog()
        out.append(
            dm.VolunteerFacts(
                id=vid,
                name=" ".join(p for p in (first, last) if p),
                pc4=pc4 or "",
                max_km=int(max_km or 0),
                tasks=frozenset((tasks or "").split()),
                languages=frozenset((langs or "").split()),
                availability=frozenset(slots.get(vid, ())),
                vog=vog,
            )
        )
    return out


# --- ranking --------------------------------------------------------------------------------------


PER_SLOT_MAX = 6  # up to this many wanted parts of the week, the volunteer query filters on them too


def _overlap(session: Session, wanted: Sequence[dm.Slot]) -> Counter[str]:
    """Volunteer id -> how many of the wanted parts of the week they are available (any node):
    one range read of the slot index per wanted part; with the whole week wanted, a plain count."""
    counts: Counter[str] = Counter()
    if set(wanted) >= dm.ALL_SLOTS:
        rows = session.db.execute(
            "SELECT volunteer_id, count(*) FROM volunteer_availability GROUP BY volunteer_id"
        )
        counts.update(dict(rows.fetchall()))
        return counts
    for day, part in wanted:
        counts.update(
            r[0]
            for r in session.db.execute(
                "SELECT volunteer_id FROM volunteer_availability WHERE weekday = ? AND dagdeel = ?",
                [day, part],
            )
        )
    return counts


def _fast_ids(
    session: Session,
    need: dm.Need,
    today: date,
    load: Mapping[str, int],
    on_request: Mapping[str, MatchStatus],
    limit: int,
) -> list[str]:
    """Ids of the best ``limit`` eligible volunteers: cheap filters in SQL (VOG status, language),
    availability from the slot index, distance and score with the domain's own functions, so the
    result equals ``dm.rank`` over every volunteer (tests/unit/test_matching_service.py)."""
    wanted = sorted(need.wanted(today))
    if not wanted or limit <= 0:
        return []
    overlap = _overlap(session, wanted)
    # Flags computed in SQL and only volunteers available at a wanted time returned: what costs
    # here is building Python rows, so send as few rows and columns across as possible.
    select = [
        "id",
        "pc4",
        "max_km",
        "instr(' ' || tasks || ' ', ?) > 0",
        "instr(' ' || languages || ' ', ?) > 0",
        "vog_issued_on" if need.requires_vog else "NULL",
    ]
    params: list[Any] = [f" {need.task} ", f" {need.language or 'nl'} ", session.actor.node_id]
    where = ["node_id = ?", "archived = 0"]
    if need.requires_vog:
        where += ["vog_status = 'VALID'", "vog_issued_on <= ?"]
        params.append(need.first_day(today).isoformat())
    if need.language:
        where.append("instr(' ' || languages || ' ', ?) > 0")
        params.append(f" {need.language} ")
    if len(wanted) <= PER_SLOT_MAX:
        slots = " OR ".join("(weekday = ? AND dagdeel = ?)" for _ in wanted)
        where.append(f"id IN (SELECT volunteer_id FROM volunteer_availability WHERE {slots})")
        params += [x for slot in wanted for x in slot]
    rows = session.db.execute(
        f"SELECT {', '.join(select)} FROM volunteers WHERE {' AND '.join(where)}", params
    )
    blocked = {vid for vid, status in on_request.items() if dm.prior_exclusion(status)}
    valid_vog: dict[str, bool] = {}
    km_of: dict[str, float | None] = {}
    keys: list[tuple[float, float, str]] = []
    memo: dict[tuple[Any, ...], float] = {}
    n_wanted = len(wanted)
    for vid, pc4, max_km, does_task, speaks, issued in rows:
        shared = overlap.get(vid)
        if not shared or vid in blocked:
            continue
        if need.requires_vog:
            ok = valid_vog.get(issued)
            if ok is None:
                ok = valid_vog[issued] = dm.vog_ok(Vog(VogStatus.VALID, from_iso(issued)), need, today)
            if not ok:
                continue
        if pc4 not in km_of:
            raw = distance_km(need.pc4, pc4 or "")
            km_of[pc4] = None if raw is None else round(raw, 1)
        km = km_of[pc4]
        if km is None or km > (max_km or 0):
            continue
        active = load.get(vid, 0)
        parts = (km, max_km, shared, does_task, speaks, active)
        value = memo.get(parts)
        if value is None:  # many volunteers share these inputs: score each combination once
            value = memo[parts] = dm.score(
                km=km,
                max_km=max_km,
                overlap=shared,
                wanted=n_wanted,
                does_task=bool(does_task),
                language=1.0 if speaks else 0.0,
                active=active,
            )
        keys.append((-value, km, vid))
    return [k[2] for k in heapq.nsmallest(limit, keys)]


def rank(
    session: Session, help_request_id: str, *, limit: int = 20, explain: bool = False
) -> list[dm.Candidate]:
    """The best ``limit`` volunteers for a help request, each with a score and reasons; with
    ``explain`` every other volunteer follows with the reason they were filtered out. An expired
    request (its period over) raises ``RequestExpired`` rather than filtering out everyone with
    the same reason."""
    session.require_role(HELP, "match.rank", "help_request", object_id=safe_id(help_request_id))
    _doc_id, root = help_request_root(session, help_request_id)
    request = HelpRequest.from_dict(root["request"])
    today = session.today()
    if request.status_on(today) is HelpRequestStatus.EXPIRED:
        raise RequestExpired(request)
    need = dm.Need.of(request)
    load = _active_load(session)
    on_request = _on_request(root, statuses(root))

    def complete(facts: list[dm.VolunteerFacts]) -> list[dm.VolunteerFacts]:
        return [replace(f, active=load.get(f.id, 0), on_request=on_request.get(f.id)) for f in facts]

    if explain:
        result = dm.rank(
            need, complete(_facts(session, None)), distance_km, today, limit=limit, include_excluded=True
        )
    else:
        ids = _fast_ids(session, need, today, load, on_request, limit)
        result = dm.rank(need, complete(_facts(session, ids)), distance_km, today, limit=limit)
    with session.transaction():
        session.audit(
            "match.rank",
            "S",
            "help_request",
            object_id=request.id,
            client_id=_client_of(request),
            data_part="help_request",
            basis_authorisation=True,
            detail={"results": sum(1 for c in result if c.eligible)},
        )
    return result


# --- lifecycle ------------------------------------------------------------------------------------


def _request_change(request: HelpRequest, derived: Mapping[str, MatchStatus]) -> list[HelpRequestStatus]:
    """The request's steps so it follows its matches, each checked against its lifecycle."""
    target = dm.request_target(derived.values(), recurring=request.recurrence is not None)
    steps = dm.request_steps(request.status, target)
    current = request.status
    for step in steps:
        current = check_transition(current, step)
    return steps


def _write(
    session: Session,
    doc_id: str,
    event_type: str,
    match_id: str,
    data: dict[str, Any],
    record: Mapping[str, Any] | None,
    status: MatchStatus,
    request_steps: list[HelpRequestStatus],
) -> None:
    def edit(e: Editor) -> None:
        e.append(("events",), events.make(session, event_type, e.root.get("events") or [], **data))
        if record is not None:
            e.set(("matches", match_id), dict(record))
        else:
            e.set(("matches", match_id, "status"), status.value)
        if request_steps:
            e.set(("request", "status"), request_steps[-1].value)

    session.repo.change(doc_id, edit)


def propose(session: Session, help_request_id: str, volunteer_id: str) -> str:
    """Propose a volunteer who passes the hard filters; returns the new match id."""
    session.require_role(HELP, "match.propose", "match", object_id=safe_id(help_request_id))
    doc_id, root = help_request_root(session, help_request_id)
    request = HelpRequest.from_dict(root["request"])
    status = request.status_on(session.today())
    if status is HelpRequestStatus.EXPIRED:
        raise RequestExpired(request)
    if status not in PROPOSABLE:
        raise InvalidTransition(
            f"Hulpvraag staat op '{status.label('nl')}': er kan geen vrijwilliger meer bij.",
            f"Help request is '{status.label('en')}': no volunteer can be proposed.",
        )
    found = _facts(session, [str(volunteer_id)])
    if not found:
        raise NotFound(VOLUNTEER_LABEL, safe_id(volunteer_id))
    derived = statuses(root)
    load = _active_load(session)
    facts = replace(
        found[0], active=load.get(found[0].id, 0), on_request=_on_request(root, derived).get(found[0].id)
    )
    candidate = dm.assess(dm.Need.of(request), facts, distance_km(request.pc4, facts.pc4), session.today())
    if candidate.excluded is not None:
        nl, en = candidate.excluded
        raise ValidationError.single(
            "volunteer_id",
            "not_eligible",
            f"{facts.name} kan niet worden voorgesteld: {nl}.",
            f"{facts.name} cannot be proposed: {en}.",
        )
    match = Match(
        help_request_id=request.id,
        volunteer_id=facts.id,
        score=candidate.score,
        distance_km=candidate.distance_km or 0.0,
        proposed_by=session.actor.user_id,
    )
    steps = _request_change(request, {**derived, match.id: MatchStatus.PROPOSED})
    with session.transaction():
        _write(
            session,
            doc_id,
            dm.EVENT_TYPES[MatchStatus.PROPOSED],
            match.id,
            {"match_id": match.id, "volunteer_id": facts.id},
            match.to_dict(),
            MatchStatus.PROPOSED,
            steps,
        )
        session.audit(
            "match.propose",
            "C",
            "match",
            object_id=match.id,
            client_id=_client_of(request),
            data_part="help_request",
            basis_authorisation=True,
        )
    return match.id


def _step(session: Session, help_request_id: str, match_id: str, target: MatchStatus) -> MatchStatus:
    verb = VERBS[target]
    session.require_role(HELP, f"match.{verb}", "match", object_id=safe_id(match_id))
    doc_id, root = help_request_root(session, help_request_id)
    record = (root.get("matches") or {}).get(str(match_id))
    if record is None:
        raise NotFound(MATCH_LABEL, safe_id(match_id))
    request = HelpRequest.from_dict(root["request"])
    derived = statuses(root)
    current = derived.get(match_id) or MatchStatus.PROPOSED
    check_transition(current, target)
    if request.status.is_final and target not in CLEAN_UP:
        raise InvalidTransition(
            f"Hulpvraag staat op '{request.status.label('nl')}': deze koppeling kan alleen nog "
            "worden afgeslagen of teruggetrokken.",
            f"Help request is '{request.status.label('en')}': this match can only be declined or withdrawn.",
        )
    if target is MatchStatus.CONFIRMED and any(
        s is MatchStatus.CONFIRMED for mid, s in derived.items() if mid != match_id
    ):
        raise InvalidTransition(
            "Er is al een bevestigde vrijwilliger voor deze hulpvraag: trek die eerst terug.",
            "A volunteer is already confirmed for this help request: withdraw that match first.",
        )
    steps = _request_change(request, {**derived, match_id: target})
    with session.transaction():
        _write(
            session,
            doc_id,
            dm.EVENT_TYPES[target],
            match_id,
            {"match_id": match_id, "volunteer_id": record.get("volunteer_id"), "prior": current.value},
            None,
            target,
            steps,
        )
        session.audit(
            f"match.{verb}",
            "U",
            "match",
            object_id=match_id,
            client_id=_client_of(request),
            data_part="help_request",
            basis_authorisation=True,
            detail={"from": current.value, "to": target.value},
        )
    return target


def accept(session: Session, help_request_id: str, match_id: str) -> MatchStatus:
    """The volunteer said yes."""
    return _step(session, help_request_id, match_id, MatchStatus.ACCEPTED)


def confirm(session: Session, help_request_id: str, match_id: str) -> MatchStatus:
    """The requester agreed too: the help will happen (only one confirmed volunteer per request)."""
    return _step(session, help_request_id, match_id, MatchStatus.CONFIRMED)


def complete(session: Session, help_request_id: str, match_id: str) -> MatchStatus:
    """The help was given."""
    return _step(session, help_request_id, match_id, MatchStatus.COMPLETED)


def decline(session: Session, help_request_id: str, match_id: str) -> MatchStatus:
    """The volunteer (or, after their yes, the requester) said no."""
    return _step(session, help_request_id, match_id, MatchStatus.DECLINED)


def withdraw(session: Session, help_request_id: str, match_id: str) -> MatchStatus:
    """The coordinator or volunteer pulls out, up to the moment the help is given."""
    return _step(session, help_request_id, match_id, MatchStatus.WITHDRAWN)


STEPS: Mapping[str, Callable[[Session, str, str], MatchStatus]] = {
    "accept": accept,
    "confirm": confirm,
    "complete": complete,
    "decline": decline,
    "withdraw": withdraw,
}


# --- conflicts ------------------------------------------------------------------------------------


def _incompatible(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Different steps on one match, or two volunteers confirmed for one request, made apart."""
    ma, mb = (a.get("data") or {}).get("match_id"), (b.get("data") or {}).get("match_id")
    if ma == mb:
        return a.get("type") != b.get("type")
    return a.get("type") == b.get("type") == dm.EVENT_TYPES[MatchStatus.CONFIRMED]


def _when(at: Any, lang: str) -> str:
    try:
        return formats.moment(int(at), lang)
    except (TypeError, ValueError, OverflowError, OSError):
        return "?"


def _side(e: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    data = e.get("data") or {}
    status = dm.STATUS_OF_EVENT[str(e.get("type"))]
    who = names.get(str(data.get("volunteer_id")), "?")
    by, node, at = e.get("by"), e.get("node"), e.get("at")
    return {
        "event_id": e.get("id"),
        "type": e.get("type"),
        "by": by,
        "at": e.get("at"),
        "node": node,
        "match_id": data.get("match_id"),
        "summary_nl": f"{status.label('nl')}: koppeling met {who}, door {by} ({node}) op {_when(at, 'nl')}",
        "summary_en": f"{status.label('en')}: match with {who}, by {by} ({node}) at {_when(at, 'en')}",
    }


def conflicts(session: Session) -> list[dict[str, Any]]:
    """Per help request, match steps made while apart that cannot both hold, both sides kept.

    Only nurse and coordinator work with help requests; for other roles there is nothing to decide
    and the list is empty (no refusal, so a conflict inbox can ask on behalf of any role). Pairs a
    later ``RESOLVED`` event settled are left out."""
    if session.actor.role not in HELP:
        return []
    marks = ", ".join("?" for _ in STEP_TYPES)
    doc_ids = [
        r[0]
        for r in session.db.execute(
            f"SELECT doc_id FROM doc_events WHERE type IN ({marks}) AND doc_id LIKE 'helpreq:%'"
            " GROUP BY doc_id HAVING count(*) >= 2 ORDER BY doc_id",
            list(STEP_TYPES),
        )
    ]
    out: list[dict[str, Any]] = []
    for doc_id in doc_ids:
        info = session.repo.info(doc_id)
        if info is None or info.quarantined or info.node_id != session.actor.node_id:
            continue
        root = session.repo.read(doc_id)
        evs = root.get("events") or []
        settled = events.resolved_ids(evs)
        pairs = [
            (a, b)
            for a, b in causal.concurrent_pairs(evs, STEP_TYPES)
            if _incompatible(a, b) and not {a["id"], b["id"]} <= settled
        ]
        if not pairs:
            continue
        names = _volunteer_names(session, root)
        request = root.get("request") or {}
        task = str(request.get("task"))
        label = Task(task) if task in Task.__members__ else None
        what_nl = label.label("nl") if label else str(task)
        what_en = label.label("en") if label else str(task)
        for a, b in pairs:
            first, second = sorted((a, b), key=causal.time_order)
            double = first.get("data", {}).get("match_id") != second.get("data", {}).get("match_id")
            out.append(
                {
                    "kind": CONFLICT_KIND,
                    "doc_id": doc_id,
                    "help_request_id": request.get("id"),
                    "event_ids": tuple(sorted((a["id"], b["id"]))),
                    "sides": [_side(first, names), _side(second, names)],
                    "title_nl": f"Hulpvraag {what_nl} ({request.get('pc4')}): "
                    + (
                        "twee vrijwilligers tegelijk bevestigd"
                        if double
                        else "koppeling op twee plaatsen tegelijk gewijzigd"
                    ),
                    "title_en": f"Help request {what_en} ({request.get('pc4')}): "
                    + (
                        "two volunteers confirmed while apart"
                        if double
                        else "match changed in two places while apart"
                    ),
                }
            )
    return out


def _volunteer_names(session: Session, root: Mapping[str, Any]) -> dict[str, str]:
    ids = sorted(
        {m.get("volunteer_id") for m in (root.get("matches") or {}).values() if m.get("volunteer_id")}
    )
    if not ids:
        return {}
    rows = session.db.execute(
        f"SELECT id, first_name FROM volunteers WHERE id IN ({', '.join('?' for _ in ids)})", ids
    ).fetchall()
    return {vid: first or "?" for vid, first in rows}


# --- mantelzorgers in the overloaded band ---------------------------------------------------------


def overloaded_mantelzorgers(session: Session) -> list[dict[str, Any]]:
    """Mantelzorgers whose burden is heavy (EDIZ-plus >= 9, see domain/burden.py), flagged for
    respite support. The coordinator sees the category only; the nurse also the score."""
    session.require_role(HELP, "mantelzorger.overloaded", "mantelzorger", data_part="burden")
    rows = session.db.execute(
        "SELECT id, first_name, last_name, pc4, relationship, hours_per_week, care_for_client_id,"
        " burden_instrument, burden_score FROM mantelzorgers"
        " WHERE node_id = ? AND archived = 0 AND burden_score IS NOT NULL"
        " ORDER BY last_name, first_name, id",
        [session.actor.node_id],
    ).fetchall()
    out: list[dict[str, Any]] = []
    nurse = session.actor.role == "nurse"
    for mid, first, last, pc4, relation, hours, cared, instrument, score in rows:
        try:
            tool = BurdenInstrument(instrument)
            heavy = is_heavy(tool, int(score))
            band = category(tool, int(score))
        except (ValueError, ValidationError):
            continue
        if not heavy:
            continue
        item: dict[str, Any] = {
            "id": mid,
            "first_name": first,
            "last_name": last,
            "pc4": pc4,
            "relationship": relation,
            "hours_per_week": hours,
            "burden_category": band.value,
            "category_nl": band.label("nl"),
            "category_en": band.label("en"),
            "respite": True,
            "flag_nl": "Overbelast: bespreek respijtzorg (logeeropvang, dagopvang of hulp thuis)",
            "flag_en": "Overloaded: discuss respite care (respite stay, day care or help at home)",
        }
        if nurse:
            item |= {"burden_instrument": tool.value, "burden_score": int(score), "care_for_client_id": cared}
        out.append(item)
    with session.transaction():
        session.audit(
            "mantelzorger.overloaded",
            "S",
            "mantelzorger",
            data_part="burden",
            basis_authorisation=True,
            detail={"results": len(out)},
        )
    return out
