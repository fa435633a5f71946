"""Capacity: the own node reports beds; every node's capacity is readable with its freshness.

A report replaces one ``<location>/<care_type>`` record in the own node document (only the node's
own devices may write it; trust.py enforces that on merge). The same change records the day's total
per care type in ``history`` (one entry per day and care type, last report wins), which syncs with
the node document so every node can show trends and forecast free beds (services/forecast.py).

A history entry holds counts only: beds total, free, occupied, and the day's admissions and
discharges. Those two are what the node's reports show: a report with more occupied beds than the
one before adds the difference to the day's admissions, fewer adds it to its discharges (a lower
bound: an admission and a discharge between two reports cancel out). Nothing names a person
(docs/anticipation.md, "What a node shares").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from veldclient.domain import CapacityRecord
from veldclient.domain.enums import BedStatus, Capability, CareType
from veldclient.domain.fields import enum_value
from veldclient.domain.models_capacity import (
    beds_in,
    capacity_key,
    is_reported,
    report_age_ms,
    report_is_stale,
)
from veldclient.errors import NotFound, ValidationError
from veldclient.services import nodes, settings
from veldclient.services.reservations import reserved_beds
from veldclient.session import Session
from veldclient.store.docstore import Editor
from veldclient.store.repo import doc_id_for

REPORTERS = ("nurse", "admin")
HISTORY_STATUSES = (BedStatus.FREE, BedStatus.OCCUPIED)  # the day's totals the trends draw


def _day(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).date().isoformat()


def own_location(session: Session, text: str) -> str:
    """The id of the own node's location ``text`` names: its id, or its name or the start of it
    (any case), as long as one location fits. A person types "Hasseler" rather than a 32-digit id."""
    rows = session.db.execute(
        "SELECT id, name FROM locations WHERE node_id = ? ORDER BY name", [session.actor.node_id]
    ).fetchall()
    wanted = text.strip().casefold()
    for ident, name in rows:
        if wanted in (ident, str(name).casefold()):
            return str(ident)
    fits = [(ident, name) for ident, name in rows if wanted and str(name).casefold().startswith(wanted)]
    if len(fits) == 1:
        return str(fits[0][0])
    names = ", ".join(str(name) for _ident, name in (fits or rows))
    if fits:
        raise ValidationError.single(
            "location",
            "ambiguous",
            f"'{text}' past bij meer dan één locatie: {names}.",
            f"'{text}' fits more than one location: {names}.",
        )
    raise ValidationError.single(
        "location",
        "unknown",
        f"Locatie '{text}' bestaat niet bij dit knooppunt. Locaties: {names}.",
        f"Location '{text}' does not exist at this node. Locations: {names}.",
    )


def update_capacity(
    session: Session, location_id: str, care_type: str, raw: Mapping[str, object]
) -> CapacityRecord:
    """Report the beds of one care type at one of the own node's locations (a new full record)."""
    session.require_role(REPORTERS, "capacity.update", "capacity")
    node_doc = doc_id_for("node", session.actor.node_id)
    root = session.repo.read(node_doc)
    if location_id not in (root.get("locations") or {}):
        raise NotFound(("Locatie", "location"), location_id)
    record = CapacityRecord.parse(
        {
            **raw,
            "location_id": location_id,
            "node_id": session.actor.node_id,
            "care_type": care_type,
            "reported_by": session.actor.user_id,
            "reported_at": session.now(),
            "device_id": session.actor.device_id,
        }
    )
    with session.transaction():
        session.repo.change(node_doc, lambda e: write_record(e, record.to_dict()))
        session.audit("capacity.update", "U", "capacity", object_id=record.key, basis_authorisation=True)
    return record


def write_record(e: Editor, record: dict[str, Any]) -> None:
    """Write one capacity record and the day's history total for its care type (same change)."""
    key = capacity_key(record["location_id"], record["care_type"])
    before = (e.root.get("capacity") or {}).get(key) or {}
    moved = 0  # occupied beds gained (admitted) or, negative, lost (discharged) since the last report
    if is_reported(before) and is_reported(record):
        moved = beds_in(record, BedStatus.OCCUPIED) - beds_in(before, BedStatus.OCCUPIED)
    e.update(("capacity", key), record)
    records = {**(e.root.get("capacity") or {}), key: record}
    # only reports count: a record nobody reported (a new node's placeholder) has no beds to add
    same_type = [r for r in records.values() if r.get("care_type") == record["care_type"] and is_reported(r)]
    day = (e.root.get("history") or {}).get(f"{_day(record['reported_at'])}/{record['care_type']}") or {}
    write_day_total(
        e,
        record["care_type"],
        record["reported_at"],
        sum(int(r.get("beds_total") or 0) for r in same_type),
        {status: sum(beds_in(r, status) for r in same_type) for status in HISTORY_STATUSES},
        admissions=int(day.get("admissions") or 0) + max(moved, 0),
        discharges=int(day.get("discharges") or 0) + max(-moved, 0),
    )


def write_day_total(
    e: Editor,
    care_type: str,
    at: int,
    beds_total: int,
    beds: Mapping[BedStatus, int],
    *,
    admissions: int = 0,
    discharges: int = 0,
) -> None:
    """The node's total of one care type on the day of ``at`` (epoch ms) in ``history``: one entry
    per day and care type, the last write of the day wins. Counts only (HISTORY_KEYS): this entry
    travels mesh-wide for the regional forecast, so it never gains a field about a person."""
    day = _day(at)
    e.update(
        ("history", f"{day}/{care_type}"),
        {
            "day": day,
            "care_type": care_type,
            "beds_total": beds_total,
            **{status.column: beds[status] for status in HISTORY_STATUSES},
            "admissions": admissions,
            "discharges": discharges,
            "reported_at": at,
        },
    )


HISTORY_KEYS = frozenset(
    {"day", "care_type", "beds_total", "admissions", "discharges", "reported_at"}
    | {status.column for status in HISTORY_STATUSES}
)
"""Every field a history entry holds: a day, a care type, a time and counts."""


@dataclass(frozen=True)
class CapacityView:
    """One location's beds of one care type. Until the node reports it (``reported`` false) every
    count, the reporter, the time and the age are None: unknown, never free beds."""

    node_id: str
    node_name: str
    location_id: str
    location_name: str
    care_type: str
    beds_total: int | None
    free: int | None
    occupied: int | None
    closed: int | None
    cleaning: int | None
    isolation: int | None
    capabilities: list[str]
    reported_by: str | None
    reported_at: int | None
    device_id: str | None
    age_ms: int | None
    stale: bool
    reported: bool
    reserved: int = 0
    """Beds of an accepted offer not yet admitted (services/reservations.py): still counted in
    ``free`` as the node reported it, but no longer free to offer (see :attr:`available`)."""

    @property
    def available(self) -> int | None:
        """Free beds nobody has accepted yet (None until reported)."""
        return None if self.free is None else max(0, self.free - self.reserved)

    def count(self, status: BedStatus) -> int | None:
        """The beds in ``status`` (None until reported)."""
        value: int | None = getattr(self, status.column)
        return value

    def as_json(self) -> dict[str, Any]:
        return {**self.__dict__, "available": self.available}


_VIEW_SQL = f"""
SELECT c.node_id, coalesce(n.name, c.node_id) AS node_name, c.location_id,
       coalesce(l.name, c.location_id) AS location_name, c.care_type, c.beds_total,
       {", ".join(f"c.{status.column}" for status in BedStatus)}, c.capabilities, c.reported_by,
       c.reported_at, c.device_id
FROM capacity c LEFT JOIN nodes n ON n.id = c.node_id LEFT JOIN locations l ON l.id = c.location_id
"""


def capacity(
    session: Session,
    *,
    node_id: str | None = None,
    care_type: str | None = None,
    capability: str | None = None,
) -> list[CapacityView]:
    """Every node's capacity with its age and a stale flag (never hidden: stale values are marked).
    A filter that names no node, care type or capability is refused, not answered with nothing.
    A retired node's beds are left out (services/nodes.py); the own node's always show."""
    if node_id is not None:
        nodes.check_known(session, node_id)
    if care_type is not None:
        care_type = enum_value(CareType)(care_type, "care_type").value
    if capability is not None:
        capability = enum_value(Capability)(capability, "capability").value
    now = session.now()
    limit = settings.stale_after_ms(session)
    where, params = _where("c.", node_id, care_type)
    sql = _VIEW_SQL + where + " ORDER BY c.node_id, c.location_id, c.care_type"
    out = []
    reserved = reserved_beds(session)
    active = nodes.active_ids(session) | {session.actor.node_id}
    cursor = session.db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    for values in cursor:
        row = dict(zip(names, values, strict=True))
        if row["node_id"] not in active:
            continue
        caps = (row.pop("capabilities") or "").split()
        if capability and capability not in caps:
            continue
        reported_at = row["reported_at"]
        reported = reported_at is not None
        age = report_age_ms(int(reported_at), now) if reported else None
        stale = reported and report_is_stale(int(reported_at), now, limit)
        key = capacity_key(row["location_id"], row["care_type"])
        out.append(
            CapacityView(
                **row,
                capabilities=caps,
                age_ms=age,
                stale=stale,
                reported=reported,
                reserved=reserved.get(key, 0),
            )
        )
    return out


def _where(prefix: str, node_id: str | None, care_type: str | None) -> tuple[str, list[str]]:
    """The optional node and care-type filter both capacity queries share."""
    clauses = [(f"{prefix}node_id = ?", node_id), (f"{prefix}care_type = ?", care_type)]
    used = [(sql, value) for sql, value in clauses if value]
    return (" WHERE " + " AND ".join(sql for sql, _ in used) if used else ""), [v for _, v in used if v]


def free_beds_by_care_type(session: Session) -> dict[str, int]:
    """Reported free beds per care type (a care type nobody reported is absent, not 0), at nodes
    that are not retired."""
    sql = "SELECT node_id, care_type, sum(free) FROM capacity WHERE reported_at IS NOT NULL GROUP BY 1, 2"
    active = nodes.active_ids(session) | {session.actor.node_id}
    out: dict[str, int] = {}
    for node_id, care_type, free in session.db.execute(sql):
        if node_id in active:
            out[care_type] = out.get(care_type, 0) + int(free)
    return out


def history(
    session: Session, *, node_id: str | None = None, care_type: str | None = None, since: str | None = None
) -> list[dict[str, Any]]:
    """Daily totals per node and care type, oldest first (from the day ``since``, ISO, when given):
    what the trend sparklines draw and the forecast learns from."""
    where, params = _where("", node_id, care_type)
    if since is not None:
        where = (where + " AND" if where else " WHERE") + " day >= ?"
        params.append(since)
    keys = ("node_id", "day", "care_type", "beds_total", "free", "occupied", "admissions", "discharges")
    sql = f"SELECT {', '.join(keys)} FROM capacity_history"
    sql += where + " ORDER BY day, node_id, care_type"
    return [dict(zip(keys, r, strict=True)) for r in session.db.execute(sql, params)]


@dataclass(frozen=True)
class LocationView:
    """A care location as the mesh knows it: a provider's public site, never a person's address."""

    id: str
    node_id: str
    node_name: str
    name: str
    agb: str | None
    postcode: str | None
    address: str | None


def locations(session: Session, *, node_id: str | None = None) -> list[LocationView]:
    """Every care location known on this device (one node's, when named), by node and name."""
    if node_id is not None:
        nodes.check_known(session, node_id)
    where, params = _where("l.", node_id, None)
    sql = (
        "SELECT l.id, l.node_id, coalesce(n.name, l.node_id), l.name, l.agb, l.postcode, l.address"
        " FROM locations l LEFT JOIN nodes n ON n.id = l.node_id"
        + where
        + " ORDER BY l.node_id, l.name, l.id"
    )
    return [LocationView(*row) for row in session.db.execute(sql, params)]
