"""The dashboard's numbers in one call, so one worker round trip paints the whole overview.

The dashboard is the first screen ``veld`` shows, so the cost of this read is part of the cold-start
cost. It runs a few aggregate queries on the projection tables and the existing read services, and
returns one frozen snapshot taken at one moment. The screen works out ages and timers from the
absolute times in it, so it can keep them current without reading the database again.

Sections the actor's role may not see are ``None``. This module checks the role before it calls a
service, so a refresh never writes a refusal to the audit log.

The dashboard widgets import the data types below before the first paint, so the services and the
domain are imported inside the functions, which run in a worker.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from veldclient.session import Session

TREND_DAYS = 14


@dataclass(frozen=True)
class CareTypePressure:
    """Beds of one care type summed over every node on this device, and how old the reports are."""

    care_type: str
    free: int
    beds_total: int
    reported_at: tuple[int, ...]
    """When each contributing report was made: the screen derives ages and staleness from these, so
    they stay right while the screen is open without reading the database again."""
    occupancy: tuple[float, ...]
    """Occupied / total beds across the mesh for each day of the trend window, oldest first."""
    unreported: int = 0
    """Locations with this care type that have not reported yet: unknown, not in ``free``/``beds_total``."""

    def stale_reports(self, now: int, stale_after_ms: int) -> int:
        from veldclient.domain.models_capacity import report_is_stale

        return sum(1 for at in self.reported_at if report_is_stale(at, now, stale_after_ms))

    @property
    def oldest_report_at(self) -> int | None:
        return min(self.reported_at) if self.reported_at else None


@dataclass(frozen=True)
class DashboardView:
    node_id: str
    node_name: str
    role: str
    user: str
    now: int
    stale_after_ms: int
    pressure: tuple[CareTypePressure, ...]
    """One entry per care type (every CareType, in enum order), also the ones nobody reports."""
    targets: tuple[dict[str, Any], ...] | None
    """placements.targets(): open requests, most pressing first; None when the role may not see them."""
    unmatched_help_requests: int | None
    overloaded: tuple[dict[str, Any], ...] | None
    """matching.overloaded_mantelzorgers(); None when the role may not see them."""
    peers: tuple[dict[str, Any], ...] = ()
    """services.peers.status(): per paired peer last contact, last error and documents waiting."""
    relay: dict[str, Any] | None = None
    """services.relay.reach(): when the relay was last reached and its last failure; None without one."""


def dashboard_view(session: Session) -> DashboardView:
    """Everything the dashboard shows, read in one go (the screen calls this through a worker)."""
    from veldclient.services import matching, placements, relay, settings
    from veldclient.services import peers as peer_service

    role = session.actor.role
    now = session.now()
    node_id = session.actor.node_id
    row = session.db.execute("SELECT name FROM nodes WHERE id = ?", [node_id]).fetchone()
    return DashboardView(
        node_id=node_id,
        node_name=row[0] if row and row[0] else node_id,
        role=role,
        user=session.actor.user_id,
        now=now,
        stale_after_ms=settings.stale_after_ms(session),
        pressure=pressure(session, now),
        targets=tuple(placements.targets(session)) if role in placements.VIEWERS else None,
        unmatched_help_requests=unmatched_help_requests(session) if role in matching.HELP else None,
        overloaded=tuple(matching.overloaded_mantelzorgers(session)) if role in matching.HELP else None,
        peers=tuple(peer_service.status(session)),
        relay=relay.reach(session),
    )


def pressure(session: Session, now: int) -> tuple[CareTypePressure, ...]:
    """Free beds per care type across the mesh, with report ages and a daily occupancy trend."""
    from veldclient.domain import CareType
    from veldclient.services import capacity

    beds: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # free, total
    reported: dict[str, list[int]] = defaultdict(list)
    unreported: dict[str, int] = defaultdict(int)
    for view in capacity.capacity(session):
        if view.reported_at is None:  # unknown: counted apart, never as free beds
            unreported[view.care_type] += 1
            continue
        beds[view.care_type][0] += view.free or 0
        beds[view.care_type][1] += view.beds_total or 0
        reported[view.care_type].append(view.reported_at)
    trends = occupancy_trends(session, now)
    return tuple(
        CareTypePressure(
            care_type=care.value,
            free=beds[care.value][0],
            beds_total=beds[care.value][1],
            reported_at=tuple(reported[care.value]),
            occupancy=trends.get(care.value, ()),
            unreported=unreported[care.value],
        )
        for care in CareType
    )


def occupancy_trends(session: Session, now: int, days: int = TREND_DAYS) -> dict[str, tuple[float, ...]]:
    """Occupied / total beds per care type and day over the last ``days`` days, summed over nodes."""
    from veldclient.services import capacity

    today = datetime.fromtimestamp(now / 1000, UTC).date()
    first = (today - timedelta(days=days - 1)).isoformat()
    sums: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for entry in capacity.history(session, since=first):
        day = sums[entry["care_type"]][entry["day"]]
        day[0] += int(entry["occupied"] or 0)
        day[1] += int(entry["beds_total"] or 0)
    return {
        care_type: tuple(occupied / total for _day, (occupied, total) in sorted(per_day.items()) if total)
        for care_type, per_day in sums.items()
    }


def unmatched_help_requests(session: Session) -> int:
    """The own node's help requests still waiting for a volunteer (status OPEN or MATCHING, their
    period not over: an expired request waits for nobody)."""
    from veldclient.domain import HelpRequestStatus

    waiting = (HelpRequestStatus.OPEN.value, HelpRequestStatus.MATCHING.value)
    row = session.db.execute(
        "SELECT count(*) FROM help_requests WHERE node_id = ? AND archived = 0 AND status IN (?, ?)"
        " AND (window_end IS NULL OR window_end >= ?)",
        [session.actor.node_id, *waiting, session.today().isoformat()],
    ).fetchone()
    return int(row[0])
