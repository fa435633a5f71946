"""Free beds per care type across the mesh: one line each, with the report age and a trend sparkline.

There is one row for every care type. A care type that no node reports still gets its row and says
so, because an empty slot is easy to misread as "no beds". Locations whose node has not reported yet
are unknown: they never add to the free or total beds, and the row says how many there are ("1 nog
niet gemeld"). Rows are built once and then updated in place: the dashboard re-renders ages every
half minute, and rebuilding widgets each time would flicker. A row that includes a stale report gets
the ``stale`` class (``$warning``) and also says "verouderd"/"stale", so the warning does not rely on
colour alone. The text columns follow the width (:func:`fit`): on a narrow terminal the reports
count and then the age give way, never the words that mark a stale or unreported value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from textual import events
from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Sparkline, Static

from veldclient.domain import CareType
from veldclient.screens.i18n import language, t
from veldclient.screens.widgets.columns import cut
from veldclient.screens.widgets.durations import age
from veldclient.services.dashboard_view import TREND_DAYS, CareTypePressure

LABEL_WIDTH = 38
LABEL_MIN = 20  # a care type's name stays readable down to here ("Geriatrische revalidat…")
NUMBER_WIDTHS = (6, 7, 10)  # free, total, reports
NARROW_NUMBER_WIDTHS = (5, 6)  # free, total without the reports count: room for the care type
NOW_WIDTH = 5
FULL, MARKS, ESSENTIAL = 0, 1, 2  # how much of the age text a row keeps


@dataclass(frozen=True)
class Columns:
    label: int
    reports: bool
    """Whether the reports count is shown (it is the first to go on a narrow terminal)."""
    level: int
    """FULL: age and marks; MARKS: the marks without the age; ESSENTIAL: the most important part."""


def line(columns: Columns, label: str, numbers: Sequence[str], age_text: str) -> str:
    """One row of text columns: label, right-aligned numbers, then the age (cell widths, not len)."""
    widths = NUMBER_WIDTHS if columns.reports else NARROW_NUMBER_WIDTHS
    cells = [set_cell_size(cut(label, columns.label), columns.label)]  # a cut name ends in "…"
    cells += [
        set_cell_size(" " * max(0, w - cell_len(n)) + n, w) for n, w in zip(numbers, widths, strict=False)
    ]
    return " ".join(cells) + "  " + age_text


def age_text(p: CareTypePressure, now: int, stale_after_ms: int, level: int = FULL) -> str:
    """What a row says about its reports: their age, and the marks "n verouderd" and "n nog niet
    gemeld". Shorter levels drop the age, then all but the first mark; a mark is never cut."""
    oldest = p.oldest_report_at
    stale = p.stale_reports(now, stale_after_ms)
    marks = []
    if stale:
        marks.append(t("dashboard.beds.stale", n=stale, stale=t("capacity.stale")))
    if p.unreported:
        marks.append(t("dashboard.beds.unreported", n=p.unreported))
    if oldest is None and not marks:
        return t("dashboard.beds.no_reports")
    the_age = [t("dashboard.beds.age_fresh", age=age(oldest, now))] if oldest is not None else []
    if level == FULL:
        return " · ".join(the_age + marks)
    if not marks:
        return the_age[0]  # all reports fresh: the age is what the row has to say
    return " · ".join(marks if level == MARKS else marks[:1])


def fit(width: int, texts_by_level: Sequence[Sequence[str]], title: str) -> Columns:
    """The widest columns whose rows fit in ``width`` cells with a readable care-type name: first
    without the reports count, then with shorter age texts (``texts_by_level[level]``)."""
    for level, texts in enumerate(texts_by_level):
        need = max([cell_len(title), *(cell_len(x) for x in texts)])
        for reports in (True, False):
            widths = NUMBER_WIDTHS if reports else NARROW_NUMBER_WIDTHS
            label = min(LABEL_WIDTH, width - sum(widths) - len(widths) - 2 - need)
            if label >= LABEL_MIN:
                return Columns(label, reports, level)
    need = max([cell_len(title), *(cell_len(x) for x in texts_by_level[-1])])
    least = width - sum(NARROW_NUMBER_WIDTHS) - len(NARROW_NUMBER_WIDTHS) - 2 - need
    return Columns(max(8, least), False, len(texts_by_level) - 1)


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

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: tuple[Sequence[CareTypePressure], int, int] | None = None
        self._columns: Columns | None = None

    def compose(self) -> ComposeResult:
        columns = Columns(LABEL_WIDTH, True, FULL)
        yield Static(self._head(columns), id="pressure-head", classes="pressure--head", markup=False)
        yield Static(t("dashboard.beds.trend"), classes="pressure--head", markup=False)
        yield Static(t("dashboard.beds.now"), classes="pressure--head pressure--number", markup=False)
        for care in CareType:
            yield Static(care.label(language()), id=f"row-{care.value}", markup=False)
            yield Sparkline([], id=f"trend-{care.value}")
            yield Static("", id=f"now-{care.value}", classes="pressure--number", markup=False)

    @property
    def columns(self) -> Columns | None:
        """The columns the rows are drawn with now (None before the first numbers)."""
        return self._columns

    @staticmethod
    def _head(columns: Columns) -> str:
        numbers = [t("dashboard.beds.free"), t("dashboard.beds.total"), t("dashboard.beds.reports")]
        return line(columns, t("dashboard.beds.care_type"), numbers, t("dashboard.beds.age"))

    def text_width(self) -> int:
        """Cells in the first grid column (the others: the sparkline, the latest occupancy)."""
        width = self.content_size.width or self.app.size.width - 4
        return width - TREND_DAYS - NOW_WIDTH - 2

    def on_resize(self, event: events.Resize) -> None:
        if self._shown is not None:
            self.show(*self._shown)

    def show(self, pressure: Sequence[CareTypePressure], now: int, stale_after_ms: int) -> None:
        """Fill the rows from the service's numbers; ages are relative to ``now``."""
        self._shown = (pressure, now, stale_after_ms)
        lang = language()
        texts = [
            [age_text(p, now, stale_after_ms, level) for p in pressure] for level in (FULL, MARKS, ESSENTIAL)
        ]
        columns = fit(self.text_width(), texts, t("dashboard.beds.age"))
        if columns != self._columns:
            self.query_one("#pressure-head", Static).update(self._head(columns))
            self._columns = columns
        for index, p in enumerate(pressure):
            key = p.care_type
            row = self.query_one(f"#row-{key}", Static)
            stale = p.stale_reports(now, stale_after_ms)
            if p.oldest_report_at is None:
                numbers = ["–", "–", "0"]
            else:
                numbers = [str(p.free), str(p.beds_total), str(len(p.reported_at))]
            row.update(line(columns, CareType(key).label(lang), numbers, texts[columns.level][index]))
            row.set_class(bool(stale), "stale")
            row.set_class(p.oldest_report_at is None, "muted")
            trend = self.query_one(f"#trend-{key}", Sparkline)
            trend.data = list(p.occupancy)
            trend.visible = len(p.occupancy) > 1
            latest = f"{round(p.occupancy[-1] * 100)}%" if p.occupancy else ""
            self.query_one(f"#now-{key}", Static).update(latest)
