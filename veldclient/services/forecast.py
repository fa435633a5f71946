"""Free-bed forecasts per node and care type and for the region, computed on this device.

What it reads: the daily history every node document carries (``capacity_history``: per day and
care type the beds total, free, occupied, admissions and discharges; counts, nothing about a
person). Nothing else: no case, placement or roster document, so nothing personal goes in and
nothing leaves (docs/anticipation.md).

Each series is one node's free beds of one care type per day (the region's: every node's summed
day by day). A day a node did not report repeats the day before (beds did not change that anybody
saw). The method is services/forecast_model.py; a series shorter than ``MIN_DAYS`` gets no forecast
and says so. Horizons count from today: a node whose history ends yesterday forecasts tomorrow two
days ahead, with the wider interval that brings.

Computing every forecast takes a fraction of a second to a few (tests/bench/test_bench_forecast.py),
so results are kept per profile keyed on the history's version (:func:`history_version`): the app's
worker and a repeated ``veld forecast`` compute again only after a report or a sync changed it.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from veldclient.domain.enums import CareType
from veldclient.domain.fields import enum_value
from veldclient.profile import check_node
from veldclient.services import capacity
from veldclient.services.forecast_model import HORIZONS, LEVEL, MIN_DAYS, WINDOW_DAYS, Step, fit, forecast
from veldclient.session import Session

REGION = None
"""The node id of a regional forecast: every node's beds together."""
MAX_GAP_DAYS = 14
"""A history that ended longer ago than this forecasts nothing: too old to say anything about now."""
FLOW_DAYS = 28
"""Admissions and discharges are shown as a daily mean over the last four weeks."""


@dataclass(frozen=True)
class Outlook:
    """One day ahead: its date, the expected free beds and the interval in whole beds."""

    day: str  # ISO
    hours: int  # 24, 48, 72
    low: int
    expected: int
    high: int
    mean: float
    lower: float
    upper: float


@dataclass(frozen=True)
class Forecast:
    """The forecast of one series, or why there is none (``reason``: ``short`` or ``old``)."""

    node_id: str | None  # None: the region
    care_type: str
    beds_total: int | None
    first_day: str | None
    last_day: str | None
    days: int
    outlook: tuple[Outlook, ...] = ()
    reason: str | None = None
    admissions_per_day: float | None = None
    discharges_per_day: float | None = None

    @property
    def available(self) -> bool:
        return bool(self.outlook)

    def as_json(self) -> dict[str, Any]:
        return {
            "node_id": self.node_id,
            "region": self.node_id is None,
            "care_type": self.care_type,
            "beds_total": self.beds_total,
            "history": {"first_day": self.first_day, "last_day": self.last_day, "days": self.days},
            "min_days": MIN_DAYS,
            "outlook": [o.__dict__ for o in self.outlook],
            "reason": self.reason,
            "admissions_per_day": self.admissions_per_day,
            "discharges_per_day": self.discharges_per_day,
        }


@dataclass(frozen=True)
class Forecasts:
    """Every forecast computed from one version of the history, and when."""

    computed_at: int  # epoch ms
    today: str
    version: str
    items: tuple[Forecast, ...] = field(default_factory=tuple)

    def find(self, node_id: str | None, care_type: str) -> Forecast | None:
        for item in self.items:
            if item.node_id == node_id and item.care_type == care_type:
                return item
        return None

    def as_json(self) -> dict[str, Any]:
        return {
            "computed_at": self.computed_at,
            "today": self.today,
            "method": {"window_days": WINDOW_DAYS, "min_days": MIN_DAYS, "interval": LEVEL},
            "forecasts": [item.as_json() for item in self.items],
        }


_cache: dict[str, Forecasts] = {}
_lock = threading.Lock()


def history_version(session: Session) -> str:
    """What changes whenever the history does: a report, a sync, a new day of rows."""
    row = session.db.execute(
        "SELECT count(*), max(reported_at), total(free), total(beds_total) FROM capacity_history"
    ).fetchone()
    return ":".join(str(v) for v in row)


def forecasts(session: Session) -> Forecasts:
    """Every node's and the region's forecasts, from the cache while the history is unchanged."""
    today = session.today().isoformat()
    version = history_version(session)
    key = str(session.profile.dir)
    with _lock:
        held = _cache.get(key)
    if held is not None and held.version == version and held.today == today:
        return held
    made = compute(capacity.history(session), session.today(), session.now(), version)
    with _lock:
        _cache[key] = made
    return made


def select(
    found: Forecasts, *, node_id: str | None = None, care_type: str | None = None, region: bool = False
) -> list[Forecast]:
    """The forecasts asked for: a node's, a care type's, or the region's (all when nothing is asked).
    A node or care type that does not exist is refused, not answered with nothing."""
    if node_id is not None:
        check_node(node_id)
    if care_type is not None:
        care_type = enum_value(CareType)(care_type, "care_type").value
    out = []
    for item in found.items:
        if region and item.node_id is not None:
            continue
        if node_id is not None and item.node_id != node_id:
            continue
        if care_type is not None and item.care_type != care_type:
            continue
        out.append(item)
    return out


def series_by_key(rows: list[dict[str, Any]]) -> dict[tuple[str | None, str], dict[date, dict[str, int]]]:
    """The history rows as one day-indexed series per (node, care type) and per (region, care type);
    a day a node did not report repeats its day before, the region sums the nodes day by day."""
    raw: dict[tuple[str, str], dict[date, dict[str, int]]] = defaultdict(dict)
    for row in rows:
        if row["free"] is None or row["beds_total"] is None:
            continue
        raw[(row["node_id"], row["care_type"])][date.fromisoformat(row["day"])] = {
            "free": int(row["free"]),
            "beds_total": int(row["beds_total"]),
            "admissions": int(row.get("admissions") or 0),
            "discharges": int(row.get("discharges") or 0),
        }
    out: dict[tuple[str | None, str], dict[date, dict[str, int]]] = {}
    for key, days in raw.items():
        out[key] = _filled(days)
    by_type: dict[str, list[dict[date, dict[str, int]]]] = defaultdict(list)
    for (_node, care_type), days in out.items():
        by_type[care_type].append(days)
    for care_type, nodes in by_type.items():
        last = max(max(days) for days in nodes)
        region: dict[date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(_FIELDS, 0))
        for days in nodes:
            filled = _filled(days, until=last)
            for day, values in filled.items():
                for name in _FIELDS:
                    region[day][name] += values[name]
        out[(REGION, care_type)] = dict(sorted(region.items()))
    return out


_FIELDS = ("free", "beds_total", "admissions", "discharges")


def _filled(days: dict[date, dict[str, int]], until: date | None = None) -> dict[date, dict[str, int]]:
    """Every day from the first to the last (or ``until``); a missing day repeats the day before with
    no admissions or discharges."""
    day, last = min(days), until or max(days)
    out: dict[date, dict[str, int]] = {}
    previous = days[day]
    while day <= last:
        if day in days:
            previous = days[day]
            out[day] = previous
        else:
            out[day] = {**previous, "admissions": 0, "discharges": 0}
        day += timedelta(days=1)
    return out


def compute(rows: list[dict[str, Any]], today: date, now: int, version: str = "") -> Forecasts:
    """Every series' forecast for the three days after ``today``."""
    items = [
        forecast_series(node_id, care_type, days, today)
        for (node_id, care_type), days in series_by_key(rows).items()
    ]
    order = {c.value: i for i, c in enumerate(CareType)}
    items.sort(key=lambda f: (f.node_id is not None, f.node_id or "", order.get(f.care_type, 99)))
    return Forecasts(computed_at=now, today=today.isoformat(), version=version, items=tuple(items))


def forecast_series(
    node_id: str | None, care_type: str, days: dict[date, dict[str, int]], today: date
) -> Forecast:
    """One series' forecast for tomorrow and the two days after, or why there is none."""
    ordered = sorted(d for d in days if d <= today)
    if not ordered:
        return Forecast(node_id, care_type, None, None, None, 0, reason="short")
    first, last = ordered[0], ordered[-1]
    recent = [days[d] for d in ordered]
    beds_total = recent[-1]["beds_total"]
    flows = recent[-FLOW_DAYS:]
    base = Forecast(
        node_id=node_id,
        care_type=care_type,
        beds_total=beds_total,
        first_day=first.isoformat(),
        last_day=last.isoformat(),
        days=len(ordered),
        admissions_per_day=round(sum(d["admissions"] for d in flows) / len(flows), 2),
        discharges_per_day=round(sum(d["discharges"] for d in flows) / len(flows), 2),
    )
    gap = (today - last).days
    if gap > MAX_GAP_DAYS:
        return replace(base, reason="old")
    model = fit([float(d["free"]) for d in recent], last.weekday())
    if model is None:
        return replace(base, reason="short")
    steps = forecast(model, tuple(gap + h for h in HORIZONS))
    return replace(base, outlook=tuple(_outlook(step, last, gap, beds_total) for step in steps))


def _outlook(step: Step, last: date, gap: int, beds_total: int) -> Outlook:
    low, expected, high = step.beds(beds_total)
    return Outlook(
        day=(last + timedelta(days=step.horizon)).isoformat(),
        hours=24 * (step.horizon - gap),
        low=low,
        expected=expected,
        high=high,
        mean=round(step.mean, 3),
        lower=round(step.lower, 3),
        upper=round(step.upper, 3),
    )
