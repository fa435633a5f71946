"""Free beds per care type across the mesh: one line each, with the report age and a trend sparkline.

There is one row for every care type. A care type that no node reports still gets its row and says
so, because an empty slot is easy to misread as "no beds". Rows are built once and then updated in
place: the dashboard re-renders ages every half minute, and rebuilding widgets each time would
flicker. An age that includes a stale report gets the ``stale`` class (``$warning``) and also says
"verouderd"/"stale", so the warning does not rely on colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Sparkline, Static
from veldclient.screens.i18n import language, t
from veldclient.screens.widgets.durations import age

from veldclient.domain import CareType
from veldclient.services.dashboard_view import TREND_DAYS, CareTypePressure


class PressureGrid(Grid):
    DEFAULT_CSS = f"""
    PressureGrid {{
        grid-size: 7;
        grid-columns: 38 6 7 10 1fr {TREND_DAYS} 6;
        grid-gutter: 0 1;
        grid-rows: 1;
        height: auto;
    }}
    PressureGrid > .pressure--head {{ text-style: bold; color: $text-muted; }}
    PressureGrid > .pressure--number {{ text-align: right; }}
    """

    def compose(self) -> ComposeResult:
        for head_id, number in (
            ("dashboard.beds.care_type", False),
            ("dashboard.beds.free", True),
            ("dashboard.beds.total", True),
            ("dashboard.beds.reports", True),
            ("dashboard.beds.age", False),
            ("dashboard.beds.trend", False),
            ("dashboard.beds.now", True),
        ):
            classes = "pressure--head pressure--number" if number else "pressure--head"
            yield Static(t(head_id), classes=classes, markup=False)
        for care in CareType:
            key = care.value
            yield Static(care.label(language()), id=f"care-{key}", markup=False)
            yield Static("", id=f"free-{key}", classes="pressure--number", markup=False)
            yield Static("", id=f"total-{key}", classes="pressure--number", markup=False)
            yield Static("", id=f"reports-{key}", classes="pressure--number", markup=False)
            yield Static("", id=f"age-{key}", markup=False)
            yield Sparkline([], id=f"trend-{key}")
            yield Static("", id=f"now-{key}", classes="pressure--number", markup=False)

    def show(self, pressure: Sequence[CareTypePressure], now: int, stale_after_ms: int) -> None:
        """Fill the rows from the service's numbers; ages are relative to ``now``."""
        for p in pressure:
            key = p.care_type
            self.query_one(f"#free-{key}", Static).update(str(p.free) if p.reported_at else "–")
            self.query_one(f"#total-{key}", Static).update(str(p.beds_total) if p.reported_at else "–")
            self.query_one(f"#reports-{key}", Static).update(str(len(p.reported_at)))
            self._show_age(p, now, stale_after_ms)
            trend = self.query_one(f"#trend-{key}", Sparkline)
            trend.data = list(p.occupancy)
            trend.visible = len(p.occupancy) > 1
            latest = f"{round(p.occupancy[-1] * 100)}%" if p.occupancy else ""
            self.query_one(f"#now-{key}", Static).update(latest)

    def _show_age(self, p: CareTypePressure, now: int, stale_after_ms: int) -> None:
        cell = self.query_one(f"#age-{p.care_type}", Static)
        oldest = p.oldest_report_at
        stale = p.stale_reports(now, stale_after_ms)
        if oldest is None:
            text = t("dashboard.beds.no_reports")
        elif stale:
            text = t("dashboard.beds.age_stale", age=age(oldest, now), n=stale)
        else:
            text = t("dashboard.beds.age_fresh", age=age(oldest, now))
        cell.update(text)
        cell.set_class(bool(stale), "stale")
        cell.set_class(oldest is None, "muted")
