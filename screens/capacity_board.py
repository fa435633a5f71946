"""Capacity board (F3): beds per node, location and care type, with their capabilities and age.

Every node's reports are shown with their age. A stale report stays on the board but is marked: a
stale "free" is worse than none, and hiding it would be worse still. The own node's rows can be
edited (``e`` or Enter), which opens a form that keeps what was typed when the domain refuses it.
Filters by care type and by capability go to ``services.capacity.capacity``, so the board shows
exactly what the service answers. The detail pane under the table ends with the forecast of the
highlighted row's node and care type (services/forecast.py, read in its own worker), or why there is
none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, Label, Select, Static

from veldclient.domain import BedStatus, Capability, CapacityRecord, CareType
from veldclient.errors import VeldError
from veldclient.screens.base import KeySpec, VeldScreen, error_text
from veldclient.screens.fhir_dialog import FhirExportScreen
from veldclient.screens.i18n import language, t
from veldclient.screens.widgets.capacity_form import CapacityForm
from veldclient.screens.widgets.capacity_table import CapacityTable, capability_labels
from veldclient.screens.widgets.durations import duration
from veldclient.screens.widgets.fit_footer import FitFooter
from veldclient.services.capacity import REPORTERS, CapacityView, capacity

if TYPE_CHECKING:
    from veldclient.services.forecast import Forecasts
    from veldclient.services.session import Session


def read_forecasts(session: Session) -> Forecasts:
    """Runs in a worker: the forecast (numpy, the fits) never holds up the board's rows."""
    from veldclient.services.forecast import forecasts

    return forecasts(session)


class CapacityScreen(VeldScreen):
    HELP = "capacity.help"
    TITLE_ID = "area.capacity"
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("e", "edit", "capacity.key.edit"),
        ("t", "filter('care')", "capacity.key.filter_care"),
        ("m", "filter('capability')", "capacity.key.filter_capability"),
        ("x", "clear_filters", "capacity.key.clear_filters"),
        ("r", "reload", "key.refresh"),
        ("f", "fhir_export", "capacity.key.fhir"),
    )
    FOOTER_HIDES = frozenset({"fhir_export"})  # the footer is full at 80 columns; F1 and ctrl+p list it
    DEFAULT_CSS = """
    #capacity-filters { height: 3; padding: 0 1; }
    #capacity-filters Label { padding-top: 1; padding-right: 1; }
    #capacity-filters Select { width: 1fr; max-width: 40; margin-right: 1; }
    #capacity-detail { height: auto; min-height: 2; padding: 0 1; border-top: solid $panel-lighten-2; }
    #capacity-count { padding: 0 1; }
    """

    LIT_WHEN_REFUSED = frozenset({"clear_filters", "edit"})  # filters change in their own Select

    def __init__(self) -> None:
        super().__init__()
        self._generation = 0
        self.forecasts: Forecasts | None = None
        self._asking: dict[str, str | None] | None = None  # filters of the query on its way

    def compose(self) -> ComposeResult:
        lang = language()
        yield Header()
        with Horizontal(id="capacity-filters"):
            yield Label(t("capacity.filter.care_type"), markup=False)
            yield Select[str](
                [(Text(c.label(lang)), c.value) for c in CareType],
                prompt=t("capacity.filter.all_care_types"),
                id="filter-care",
            )
            yield Label(t("capacity.filter.capability"), markup=False)
            yield Select[str](
                [(Text(c.label(lang)), c.value) for c in Capability],
                prompt=t("capacity.filter.all_capabilities"),
                id="filter-capability",
            )
        yield Static(t("table.loading"), id="capacity-count", classes="muted", markup=False)
        yield CapacityTable(id="capacity-table")
        yield Static("", id="capacity-detail", markup=False)
        yield FitFooter()

    def on_mount(self) -> None:
        self.query_one(CapacityTable).focus()

    # -- data ------------------------------------------------------------------------------------

    def filters(self) -> dict[str, str | None]:
        care = self.query_one("#filter-care", Select).value
        capability = self.query_one("#filter-capability", Select).value
        return {
            "care_type": care if isinstance(care, str) else None,
            "capability": capability if isinstance(capability, str) else None,
        }

    def refresh_data(self) -> None:
        """Ask the service again; an answer to an older question (filters changed since) is dropped."""
        filters = self.filters()
        if filters == self._asking:
            return  # the same question is on its way (Textual resumes a new mode's screen twice)
        self._asking = filters
        self._generation += 1
        generation = self._generation
        self.call(
            capacity,
            done=lambda views: self._loaded(generation, views),
            failed=self._failed,
            group="capacity-board",
            **filters,
        )

    def _failed(self, error: VeldError) -> None:
        self._asking = None
        self.notify(error_text(error), severity="error", markup=False)

    def _loaded(self, generation: int, views: list[CapacityView]) -> None:
        if generation != self._generation:
            return
        self._asking = None
        self.query_one(CapacityTable).show(views, self.veld.session.actor.node_id)
        stale = sum(1 for v in views if v.stale)
        unreported = sum(1 for v in views if not v.reported)
        count = (
            t("capacity.count", n=len(views) - unreported, stale=stale)
            + " · "
            + t("capacity.unreported_rows", n=unreported)
            if unreported
            else t("capacity.count", n=len(views), stale=stale)
        )
        self.query_one("#capacity-count", Static).update(count)
        self._show_detail(self.query_one(CapacityTable).current())
        self.call(read_forecasts, done=self._forecasts_loaded, group="forecast")

    def _forecasts_loaded(self, found: Forecasts) -> None:
        self.forecasts = found
        self._show_detail(self.query_one(CapacityTable).current())

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.refresh_data()

    # -- the detail line under the table ----------------------------------------------------------

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(self.query_one(CapacityTable).current())

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def _show_detail(self, view: CapacityView | None) -> None:
        detail = self.query_one("#capacity-detail", Static)
        if view is None:
            detail.update(t("table.empty"))
            return
        lang = language()
        if not view.reported:
            lines = [
                t(
                    "capacity.detail.unreported",
                    location=view.location_name,
                    node=view.node_name,
                    care_type=CareType(view.care_type).label(lang),
                )
            ]
            if view.node_id == self.veld.session.actor.node_id:
                lines.append(t("capacity.detail.report_own"))
            detail.update("\n".join(lines))
            return
        beds = ", ".join(f"{status.label(lang).lower()} {view.count(status)}" for status in BedStatus)
        lines = [
            t(
                "capacity.detail.beds",
                location=view.location_name,
                node=view.node_name,
                care_type=CareType(view.care_type).label(lang),
                beds=beds,
                total=view.beds_total,
            ),
            t("capacity.detail.capabilities", capabilities=capability_labels(view.capabilities, lang)),
            t("capacity.detail.reported", user=view.reported_by, age=duration(view.age_ms or 0)),
        ]
        if view.reserved:  # accepted offers not yet admitted (services/reservations.py)
            lines.insert(1, t("capacity.detail.reserved", reserved=view.reserved, available=view.available))
        lines.append(self._forecast_line(view))
        detail.update("\n".join(lines))

    def _forecast_line(self, view: CapacityView) -> str:
        """The node's forecast for the row's care type (all its locations together), marked as one."""
        from veldclient.services import forecast_words

        found = self.forecasts
        if found is None:
            return t("capacity.detail.forecast_loading")
        item = found.find(view.node_id, view.care_type)
        if item is None:
            return t("capacity.detail.forecast_none", node=view.node_name)
        lang = language()
        said = forecast_words.outlook_line(item, lang)
        if not item.available:
            return t("capacity.detail.forecast_none_because", node=view.node_name, reason=said)
        basis = forecast_words.basis(item, found.computed_at, self.veld.session.now(), lang)
        return t("capacity.detail.forecast", node=view.node_name, forecast=said, basis=basis)

    # -- actions ---------------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.refresh_data()

    def action_fhir_export(self) -> None:
        self.app.push_screen(FhirExportScreen())

    def action_filter(self, which: str) -> None:
        select = self.query_one("#filter-care" if which == "care" else "#filter-capability", Select)
        select.focus()
        select.expanded = True

    def refusal(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """Clearing needs a filter to clear; editing needs a row."""
        if not self.is_mounted:
            return None
        if action == "clear_filters" and not any(self.filters().values()):
            return t("capacity.refusal.no_filters")
        if action == "edit" and self.query_one(CapacityTable).current() is None:
            return t("refusal.nothing_chosen")
        return None

    def action_clear_filters(self) -> None:
        for select in self.query(Select).results(Select):
            select.clear()
        self.query_one(CapacityTable).focus()

    def action_edit(self) -> None:
        view = self.query_one(CapacityTable).current()
        if view is None:
            return
        session = self.veld.session
        if view.node_id != session.actor.node_id:
            self.notify(t("capacity.not_own", node=view.node_name), severity="warning", markup=False)
            return
        if session.actor.role not in REPORTERS:
            self.notify(t("capacity.not_allowed"), severity="warning", markup=False)
            return
        self.app.push_screen(CapacityForm(view), callback=self._edited)

    def _edited(self, record: CapacityRecord | None) -> None:
        self.query_one(CapacityTable).focus()
        if record is None:
            return
        self.notify(
            t(
                "capacity.saved",
                care_type=record.care_type.label(language()),
                free=record.free,
                total=record.beds_total,
            ),
            markup=False,
        )
        self.refresh_data()
