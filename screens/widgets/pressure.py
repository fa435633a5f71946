"""Free beds per care type across the mesh: one line each, with the report age and a trend sparkline.

There is one row for every care type. A care type that no node reports still gets its row and says
so, because an empty slot is easy to misread as "no beds". Rows are built once and then updated in
place: the dashboard re-renders ages every half minute, and rebuilding widgets each time would
flicker. A row that includes a stale report gets the ``stale`` class (``$warning``) and also says
"verouderd"/"stale", so the warning does not rely on colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len, set_cell_size
from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Sparkline, Static

from veldclient.domain import CareType
from veldclient.screens.i18n import language, t
from veldclient.screens.widgets.durations import age
from veldclient.services.dashboard_view import TREND_DAYS, CareTypePressure

LABEL_WIDTH = 38
NUMBER_WIDTHS = (6, 7, 10)  # free, total, reports


def line(label: str, numbers: Sequence[str], age_text: str) -> str:
    """One row of text columns: label, right-aligned numbers, then the age (cell widths, not len)."""
    cells = [set_cell_size(label, LABEL_WIDTH)]
    cells += [
        set_cell_size(" " * max(0, w - cell_len(n)) + n, w)
        for n, w in zip(numbers, NUMBER_WIDTHS, strict=True)
    ]
    return " ".join(cells) + "  " + age_text


class PressureGrid(Grid):
    """Three widgets per care type (text, sparkline, latest occupancy): the dashboard is on the
    cold-start path, and every widget costs start-up time."""

    DEFAULT_CSS = f"""
    PressureGrid {{
        grid-size: 3;
        grid-columns: 1fr {TREND_DAYS} 5;
        grid-gutter: 0 1;
        grid-rows: 1;
        height: auto;
    }}
    PressureGrid > .pressure--head {{ text-style: bold; color: $text-muted; }}
    PressureGrid > .pressure--number {{ text-align: right; }}
    """

    def compose(self) -> ComposeResult:
        numbers = [t("dashboard.beds.free"), t("dashboard.beds.total"), t("dashboard.beds.reports")]
        head = line(t("dashboard.beds.care_type"), numbers, t("dashboard.beds.age"))
        yield Static(head, classes="pressure--head", markup=False)
        yield Static(t("dashboard.beds.trend"), classes="pressure--head", markup=False)
        yield Static(t("dashboard.beds.now"), classes="pressure--head pressure--number", markup=False)
        for care in CareType:
            yield Static(care.label(language()), id=f"row-{care.value}", markup=False)
            yield Sparkline([], id=f"trend-{care.value}")
            yield Static("", id=f"now-{care.value}", classes="pressure--number", markup=False)

    def show(self, pressure: Sequence[CareTypePressure], now: int, stale_after_ms: int) -> None:
        """Fill the rows from the service's numbers; ages are relative to ``now``."""
        lang = language()
        for p in pressure:
            key = p.care_type
            row = self.query_one(f"#row-{key}", Static)
            oldest = p.oldest_report_at
            stale = p.stale_reports(now, stale_after_ms)
            if oldest is None:
                numbers, age_text = ["–", "–", "0"], t("dashboard.beds.no_reports")
            else:
                numbers = [str(p.free), str(p.beds_total), str(len(p.reported_at))]
                age_text = (
                    t("dashboard.beds.age_stale", age=age(oldest, now), n=stale, stale=t("capacity.stale"))
                    if stale
                    else t("dashboard.beds.age_fresh", age=age(oldest, now))
                )
            row.update(line(CareType(key).label(lang), numbers, age_text))
            row.set_class(bool(stale), "stale")
            row.set_class(oldest is None, "muted")
            trend = self.query_one(f"#trend-{key}", Sparkline)
            trend.data = list(p.occupancy)
            trend.visible = len(p.occupancy) > 1
            latest = f"{round(p.occupancy[-1] * 100)}%" if p.occupancy else ""
            self.query_one(f"#now-{key}", Static).update(latest)
