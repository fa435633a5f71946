"""Volunteers, mantelzorgers and help requests: the coordinator's roster (no medical data here)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from veldclient.domain import (
    HelpRequest,
    HelpRequestStatus,
    Mantelzorger,
    MatchStatus,
    Volunteer,
    check_transition,
)
from veldclient.domain import matching as dm
from veldclient.domain.fields import editable, enum_value
from veldclient.domain.screening import Screening, screen
from veldclient.errors import NotFound, ValidationError
from veldclient.services import events, matching, search
from veldclient.services.clients import _event
from veldclient.session import Session
from veldclient.store.docstore import Editor
from veldclient.store.repo import doc_id_for

ROSTER = ("nurse", "coordinator", "admin")
ROSTER_WRITE = ("coordinator", "admin")
HELP = ("nurse", "coordinator")
# What may change once a request is filed: the words and the period. Task, PC4, language and the
# VOG requirement decide who was matched, so a different need is a new request.
HELP_REQUEST_EDITABLE = ("summary", "window")


@dataclass(frozen=True)
class HelpRequestSaved:
    """A filed or edited help request, with what its summary holds that no volunteer may see.
    Such a summary is saved all the same (the person is warned, not refused); the volunteer export
    holds it back."""

    request: HelpRequest
    screening: Screening

    @property
    def warning(self) -> tuple[str, str] | None:
        return self.screening.warning()


def _root(session: Session, kind: str, record_id: str, label: tuple[str, str]) -> dict[str, Any]:
    doc_id = doc_id_for(kind, record_id)
    info = session.repo.info(doc_id)
    if info is None or info.node_id != session.actor.node_id:
        raise NotFound(label, record_id)
    return session.repo.read(doc_id)


def register_volunteer(session: Session, raw: Mapping[str, object]) -> Volunteer:
    session.require_role(ROSTER_WRITE, "volunteer.create", "volunteer")
    volunteer = Volunteer.parse({**raw, "node_id": session.actor.node_id}, today=session.today())
    with session.transaction():
        session.repo.create(
            "volunteer",
            volunteer.id,
            volunteer.node_id,
            {"volunteer": volunteer.to_dict(), "events": [_event(session, "CREATED")]},
        )
        session.audit("volunteer.create", "C", "volunteer", object_id=volunteer.id, basis_authorisation=True)
    return volunteer


def update_volunteer(session: Session, volunteer_id: str, changes: Mapping[str, object]) -> Volunteer:
    """Change a volunteer's details; a set (tasks, languages, availability) given is the new set."""
    session.require_role(ROSTER_WRITE, "volunteer.update", "volunteer", object_id=volunteer_id)
    changes = editable(changes, Volunteer)
    current = _root(session, "volunteer", volunteer_id, ("Vrijwilliger", "volunteer"))["volunteer"]
    raw: dict[str, object] = {**current, **changes, "id": volunteer_id, "node_id": current["node_id"]}
    vog = changes.get("vog")
    if isinstance(vog, Mapping):  # a new date alone keeps the status, and the other way round
        raw["vog"] = {**(current.get("vog") or {}), **vog}
    volunteer = Volunteer.parse(raw, today=session.today())
    with session.transaction():
        session.repo.change(
            doc_id_for("volunteer", volunteer_id), lambda e: e.update(("volunteer",), volunteer.to_dict())
        )
        session.audit("volunteer.update", "U", "volunteer", object_id=volunteer_id, basis_authorisation=True)
    return volunteer


def get_volunteer(session: Session, volunteer_id: str) -> Volunteer:
    session.require_role(ROSTER, "volunteer.read", "volunteer", object_id=volunteer_id)
    root = _root(session, "volunteer", volunteer_id, ("Vrijwilliger", "volunteer"))
    with session.transaction():
        session.audit("volunteer.read", "R", "volunteer", object_id=volunteer_id, basis_authorisation=True)
    return Volunteer.from_dict(root["volunteer"])


def search_volunteers(session: Session, text: str, *, limit: int = 20) -> list[dict[str, Any]]:
    session.require_role(ROSTER, "volunteer.search", "volunteer")
    rows = search.volunteers(session.db, text, node_id=session.actor.node_id, limit=limit)
    with session.transaction():
        session.audit(
            "volunteer.search", "S", "volunteer", basis_authorisation=True, detail={"results": len(rows)}
        )
    return rows


def register_mantelzorger(session: Session, raw: Mapping[str, object]) -> Mantelzorger:
    session.require_role(HELP + ("admin",), "mantelzorger.create", "mantelzorger")
    carer = Mantelzorger.parse({**raw, "node_id": session.actor.node_id}, today=session.today())
    with session.transaction():
        session.repo.create(
            "mantelzorger",
            carer.id,
            carer.node_id,
            {"mantelzorger": carer.to_dict(), "events": [_event(session, "CREATED")]},
        )
        session.audit(
            "mantelzorger.create",
            "C",
            "mantelzorger",
            object_id=carer.id,
            client_id=carer.care_for_client_id,
            data_part="burden",
            basis_authorisation=True,
        )
    return carer


def file_help_request(session: Session, raw: Mapping[str, object]) -> HelpRequestSaved:
    """A resident's or carer's request for a volunteer; the summary must stay non-medical and hold
    nothing that identifies anyone (a warning says so when it does)."""
    session.require_role(HELP, "helprequest.create", "help_request")
    request = HelpRequest.parse({**raw, "node_id": session.actor.node_id, "created_at": session.now()})
    found = screen(request.summary, session.today())
    with session.transaction():
        session.repo.create(
            "helpreq",
            request.id,
            request.node_id,
            {"request": request.to_dict(), "matches": {}, "events": [_event(session, "CREATED")]},
        )
        session.audit(
            "helprequest.create",
            "C",
            "help_request",
            object_id=request.id,
            client_id=request.subject_id if request.on_behalf_of == "CLIENT" else None,
            basis_authorisation=True,
            detail={"screened": " ".join(found.kinds)},
        )
    return HelpRequestSaved(request, found)


def _audit_change(session: Session, event: str, request: HelpRequest, detail: dict[str, object]) -> None:
    """One entry for a change to a filed request, naming the client it is for (if any)."""
    session.audit(
        event,
        "U",
        "help_request",
        object_id=request.id,
        client_id=request.subject_id if request.on_behalf_of == "CLIENT" else None,
        data_part="help_request",
        basis_authorisation=True,
        detail=detail,
    )


def update_help_request(
    session: Session, help_request_id: str, changes: Mapping[str, object]
) -> HelpRequestSaved:
    """Change a help request's summary and/or period (``window``: ``start`` and/or ``end``; the
    parts of the week stay). Validated as a whole before anything is written; only the fields that
    differ are written, so a concurrent match step on another device is kept."""
    safe = matching.safe_id(help_request_id)
    session.require_role(HELP, "helprequest.update", "help_request", object_id=safe)
    editable(changes, HelpRequest, HELP_REQUEST_EDITABLE)
    doc_id, root = matching.help_request_root(session, help_request_id)
    current = root["request"]
    raw: dict[str, object] = {**current, **changes}
    window = changes.get("window")
    if isinstance(window, Mapping):
        raw["window"] = {**current["window"], **window}
    request = HelpRequest.parse(raw)
    found = screen(request.summary, session.today())
    stored = request.to_dict()

    def edit(e: Editor) -> None:
        e.set(("request", "summary"), stored["summary"])
        e.set(("request", "window", "start"), stored["window"]["start"])
        e.set(("request", "window", "end"), stored["window"]["end"])

    with session.transaction():
        session.repo.change(doc_id, edit)
        _audit_change(
            session,
            "helprequest.update",
            request,
            {"fields": " ".join(sorted(changes)), "screened": " ".join(found.kinds)},
        )
    return HelpRequestSaved(request, found)


# A coordinator closes a request as CANCELLED (no help needed any more) or, for help that recurs,
# DONE once it has been given; both only along the request's lifecycle (``check_transition``).
CLOSE_OUTCOMES = (HelpRequestStatus.CANCELLED, HelpRequestStatus.DONE)


def close_help_request(session: Session, help_request_id: str, outcome: str = "CANCELLED") -> HelpRequest:
    """Close a help request for good. Every match still open on it (proposed, accepted,
    confirmed) is withdrawn in the same change, each as its own ``MATCH_WITHDRAWN`` event, so no
    volunteer keeps counting it as work and a step made elsewhere meanwhile shows as a conflict."""
    safe = matching.safe_id(help_request_id)
    session.require_role(HELP, "helprequest.close", "help_request", object_id=safe)
    target = enum_value(HelpRequestStatus)(outcome, "outcome")
    if target not in CLOSE_OUTCOMES:
        raise ValidationError.single(
            "outcome",
            "choice",
            "Sluit af als 'CANCELLED' (geannuleerd) of 'DONE' (afgerond).",
            "Close as 'CANCELLED' or 'DONE'.",
        )
    doc_id, root = matching.help_request_root(session, help_request_id)
    request = HelpRequest.from_dict(root["request"])
    check_transition(request.status, target)
    open_matches = [mid for mid, s in matching.statuses(root).items() if s in dm.ACTIVE]

    def edit(e: Editor) -> None:
        for mid in open_matches:
            record = (e.root.get("matches") or {}).get(mid) or {}
            prior = matching.statuses(e.root).get(mid, MatchStatus.PROPOSED)
            data = {"match_id": mid, "volunteer_id": record.get("volunteer_id"), "prior": prior.value}
            step = dm.EVENT_TYPES[MatchStatus.WITHDRAWN]
            e.append(("events",), events.make(session, step, e.root.get("events") or [], **data))
            e.set(("matches", mid, "status"), MatchStatus.WITHDRAWN.value)
        prior_status = request.status.value
        e.append(
            ("events",),
            events.make(
                session, "CLOSED", e.root.get("events") or [], status=target.value, prior=prior_status
            ),
        )
        e.set(("request", "status"), target.value)

    with session.transaction():
        session.repo.change(doc_id, edit)
        _audit_change(
            session,
            "helprequest.close",
            request,
            {"from": request.status.value, "to": target.value, "withdrawn": len(open_matches)},
        )
    return replace(request, status=target)
