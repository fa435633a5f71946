"""Possible duplicate clients: warned at registration, shown in the conflict inbox after a merge.

The inbox entry is derived from the data, never stored: whichever path brought the second record in
(a sync, a bundle, a relay pull, or a registration on this very device), the projection holds both
active records and ``conflicts`` finds the pair by the domain rule (``domain/duplicates.py``). Two
devices that see the pair at once therefore list the same entry with the same id (a digest of the
two client ids) and there is nothing to record twice. A decision is a ``RESOLVED`` event written
into both case documents under one id (``services/conflicts.resolve``); the domain fold reads them.

Merging links, it does not copy: the record that goes is archived (derived from the decision, see
the projection) and keeps its visits, requests and carers in its own document; the survivor's file
lists it (``links``), and its timeline and requests include the merged record's. Nothing is
re-pointed, so no placement document shared with another node is rewritten.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from veldclient.domain import Client
from veldclient.domain import duplicates as rule
from veldclient.errors import ValidationError
from veldclient.session import Session
from veldclient.store.repo import doc_id_for

CARE = ("nurse",)
# the fields shown side by side, in order (the BSN only to the nurse, who alone sees this)
FIELDS = ("name", "birth_date", "postcode", "address", "bsn", "gp_agb")
# field -> (nl, en), for "differs in: …"
FIELD_NAMES = {
    "name": ("naam", "name"),
    "birth_date": ("geboortedatum", "birth date"),
    "postcode": ("postcode", "postcode"),
    "address": ("adres", "address"),
    "bsn": ("BSN", "BSN"),
    "gp_agb": ("huisarts (AGB)", "GP (AGB)"),
}
_COLUMNS = "id, name, birth_date, postcode, bsn, address, gp_agb"


def _rows(session: Session, where: str, args: list[Any]) -> list[dict[str, Any]]:
    cursor = session.db.execute(
        f"SELECT {_COLUMNS} FROM clients WHERE node_id = ? AND archived = 0 AND ({where}) ORDER BY id",
        [session.actor.node_id, *args],
    )
    keys = [c.strip() for c in _COLUMNS.split(",")]
    return [dict(zip(keys, r, strict=True)) for r in cursor.fetchall()]


def _candidates(session: Session) -> list[dict[str, Any]]:
    """Active own-node clients sharing a birth date or a BSN with another: only these can pair, and
    SQL finds them without reading every record (the rule then decides, in the domain)."""
    return _rows(
        session,
        "birth_date IN (SELECT birth_date FROM clients WHERE node_id = ?1 AND archived = 0"
        " GROUP BY birth_date HAVING count(*) > 1)"
        " OR bsn IN (SELECT bsn FROM clients WHERE node_id = ?1 AND archived = 0 AND bsn IS NOT NULL"
        " GROUP BY bsn HAVING count(*) > 1)",
        [],
    )


def possible(session: Session, raw: Mapping[str, object]) -> list[dict[str, Any]]:
    """Registered clients the form's person may be (empty when the form is not valid yet: the
    registration itself names those errors). The nurse is warned before saving and may still save."""
    session.require_role(CARE, "client.duplicate_check", "client", data_part="identification")
    try:
        client = Client.parse({**raw, "node_id": session.actor.node_id}, today=session.today())
    except ValidationError:
        return []
    person = rule.Person(client.id, client.name, client.birth_date.isoformat(), client.postcode, client.bsn)
    rows = _rows(session, "birth_date = ? OR bsn = ?", [person.birth_date, client.bsn or ""])
    out = []
    for row in rows:
        why = rule.reasons(person, rule.Person.of(row))
        if why:
            out.append({**row, "reasons": list(why)})
    with session.transaction():
        session.audit(
            "client.duplicate_check",
            "S",
            "client",
            data_part="identification",
            basis_authorisation=True,
            basis_care_relation=True,
            detail={"results": len(out)},
        )
    return out


def warning(found: list[dict[str, Any]], lang: str) -> str:
    """ "Possible duplicate of NAME (born …, postcode …, id …): same BSN" — one line per record."""
    from veldclient.domain import formats

    i = 0 if lang == "nl" else 1
    head = ("Mogelijk dubbel met", "Possible duplicate of")[i]
    born = ("geboren", "born")[i]
    lines = []
    for row in found:
        why = ", ".join(rule.REASONS[r][i] for r in row["reasons"])
        when = formats.day_text(row["birth_date"], lang)
        lines.append(f"{head} {row['name']} ({born} {when}, {row['postcode']}, {row['id'][:8]}): {why}")
    return "\n".join(lines)


def _events(session: Session, client_id: str) -> list[dict[str, Any]]:
    doc_id = doc_id_for("case", client_id)
    return list(session.repo.read(doc_id).get("events") or []) if session.repo.holds(doc_id) else []


def _created(events: list[dict[str, Any]]) -> dict[str, Any]:
    return next((e for e in events if e.get("type") == "CREATED"), events[0] if events else {})


def conflicts(session: Session) -> list[dict[str, Any]]:
    """Open pairs for the conflict inbox (nurses only: the sides are client records)."""
    if session.actor.role not in CARE:
        return []
    rows = {r["id"]: r for r in _candidates(session)}
    out = []
    for a, b, why in rule.pairs(rule.Person.of(r) for r in rows.values()):
        events = {c: _events(session, c) for c in (a, b)}
        decided = rule.decisions_of(events[a]) + rule.decisions_of(events[b])
        outcome = rule.state((a, b), decided)
        if outcome.settled:
            continue
        differs = rule.differences(rows[a], rows[b], FIELDS)
        sides = []
        for c in (a, b):
            created = _created(events[c])
            record = {f: rows[c][f] for f in FIELDS}
            sides.append(
                {
                    "event_id": c,
                    "doc_id": doc_id_for("case", c),
                    "type": "CLIENT",
                    "by": created.get("by"),
                    "at": created.get("at"),
                    "node": created.get("node") or session.actor.node_id,
                    "client": record,
                    "differs": differs,
                    "summary_nl": _summary(record, "nl"),
                    "summary_en": _summary(record, "en"),
                }
            )
        name = rows[a]["name"]
        nl = ", ".join(rule.REASONS[r][0] for r in why)
        en = ", ".join(rule.REASONS[r][1] for r in why)
        again = bool(outcome.current)
        out.append(
            {
                "kind": rule.KIND,
                "doc_ids": tuple(doc_id_for("case", c) for c in (a, b)),
                "event_ids": (a, b, *outcome.current),
                "sides": sides,
                "reasons": list(why),
                "title_nl": f"Mogelijk dubbele cliënt: {name} ({nl})"
                + (" — besluiten spreken elkaar tegen" if again else ""),
                "title_en": f"Possible duplicate client: {name} ({en})"
                + (" — decisions disagree" if again else ""),
            }
        )
    return out


def _summary(record: Mapping[str, Any], lang: str) -> str:
    from veldclient.domain import formats

    born = formats.day_text(record["birth_date"], lang) if record.get("birth_date") else "?"
    parts = [str(record.get("name")), born, str(record.get("postcode"))]
    if record.get("address"):
        parts.append(str(record["address"]))
    if record.get("bsn"):
        parts.append(f"BSN {record['bsn']}")
    return ", ".join(parts)


def check_choice(session: Session, pair: tuple[str, ...], chosen: str | None) -> None:
    """A merge keeps one of the two records; anything else named is refused before anything is written."""
    session.require_role(CARE, "client.merge", "client")
    if chosen is not None and chosen not in pair:
        raise ValidationError.single(
            "chosen",
            "not_a_side",
            "Kies een van de twee cliënten om te behouden (of houd ze allebei).",
            "Choose one of the two clients to keep (or keep both).",
        )


def audit_decision(session: Session, pair: tuple[str, ...], chosen: str | None, conflict_id: str) -> None:
    """One entry per client: both records are changed by the decision (inside its transaction)."""
    for client in pair:
        if chosen is None:
            event, other = "client.keep_both", next(c for c in pair if c != client)
        else:
            event, other = (
                "client.merge",
                (chosen if client != chosen else next(c for c in pair if c != client)),
            )
        session.audit(
            event,
            "U",
            "client",
            client_id=client,
            object_id=other,
            data_part="identification",
            basis_authorisation=True,
            basis_care_relation=True,
            detail={"conflict": conflict_id, "survivor": chosen or ""},
        )


def links(session: Session, client_id: str) -> dict[str, Any]:
    """``merged_into`` (the survivor, or None) and ``merged_from`` (records merged into this one,
    each with its name), read from the case document's own events."""
    events = _events(session, client_id)
    into = rule.merged_into(client_id, events)
    names = {}
    sources = rule.merged_from(client_id, events)
    for other in ([into] if into else []) + sources:
        row = session.db.execute("SELECT name FROM clients WHERE id = ?", [other]).fetchone()
        names[other] = row[0] if row else None
    return {
        "merged_into": into,
        "merged_from": sources,
        "names": names,
    }


def history_ids(session: Session, client_id: str) -> list[str]:
    """This record and every record merged into it, transitively (its history is theirs too)."""
    out, todo = [client_id], [client_id]
    while todo:
        current = todo.pop()
        for other in rule.merged_from(current, _events(session, current)):
            if other not in out:
                out.append(other)
                todo.append(other)
    return out
