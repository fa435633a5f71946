"""Dashboard (F2): the own node and role, and the pressure on the network at a glance.

It shows free beds per care type across the mesh, with the age of the reports and a 14-day occupancy
sparkline, and below it the region's free-bed forecast per care type (services/forecast.py: its
own worker after the numbers are painted, marked as a forecast with its basis and age). It also
shows open placement requests with their response-target timers, help requests
still waiting for a volunteer, and overloaded mantelzorgers. The requests can be chosen (Tab to the
list, arrows, Enter opens the request; "en nog N" shows the rest). The sync panel shows, per paired peer,
the last contact, the documents still waiting for it and what the background sync is doing now; with
no peers it says so plainly and never invents any. ``s`` syncs with every peer now.

The whole picture comes from one service call (services/dashboard_view.py) in an App-owned worker.
The dashboard is the first screen ``veld`` shows: it is drawn and takes keys straight away, while the
profile may still be unlocking (the worker then waits for it), and the numbers follow. It posts
``Shown`` once it has been painted and ``Loaded`` once its data has been painted.
A 30-second tick redraws ages and timers from the times already held, so the database is not read
again and the audit log gets no new entries. ``r`` reads the data afresh.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Header, Static

from veldclient.errors import VeldError
from veldclient.screens.background_sync import relay_reach_lines
from veldclient.screens.base import KeySpec, VeldScreen, error_text, role_name
from veldclient.screens.i18n import language, t
from veldclient.screens.widgets.fit_footer import FitFooter
from veldclient.screens.widgets.pressure import PressureGrid
from veldclient.screens.widgets.targets import TargetList
from veldclient.services.relay import RELAY

if TYPE_CHECKING:
    from veldclient.services.dashboard_view import DashboardView
    from veldclient.services.forecast import Forecasts
    from veldclient.services.session import Session

TICK_SECONDS = 30
OVERLOADED_SHOWN = 4


def read_view(session: Session) -> DashboardView:
    """Runs in the worker: the services are imported there, not before the first paint."""
    from veldclient.services.dashboard_view import dashboard_view

    return dashboard_view(session)


def read_forecasts(session: Session) -> Forecasts:
    """Runs in its own worker after the dashboard's numbers: numpy and the fits stay off the first
    paint, and a cached result (same history) comes back at once."""
    from veldclient.services.forecast import forecasts

    return forecasts(session)


class DashboardScreen(VeldScreen):
    HELP = "dashboard.help"
    TITLE_ID = "area.dashboard"
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("r", "reload", "key.refresh"),
        ("s", "sync_now", "dashboard.sync.now"),
    )
    DEFAULT_CSS = """
    #dashboard { height: 1fr; }
    #dash-row { height: auto; }
    #dash-row > .panel { width: 1fr; }
    #dash-help > Static { height: auto; }
    """

    class Shown(Message):
        """The dashboard has been painted and takes keys; its data may still be on the way."""

    class Loaded(Message):
        """The dashboard's data has been painted. Tests and the start-up benchmark wait for it."""

    def __init__(self) -> None:
        super().__init__()
        self.view: DashboardView | None = None
        self.forecasts: Forecasts | None = None
        self._pending = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="dashboard"):
            yield Static(t("table.loading"), id="dash-identity", classes="area-title", markup=False)
            with Vertical(id="dash-beds", classes="panel"):
                yield PressureGrid(id="dash-pressure")
            with Vertical(id="dash-forecast", classes="panel"):
                yield Static(t("dashboard.forecast.loading"), id="dash-forecast-text", markup=False)
            with Vertical(id="dash-targets", classes="panel"):
                yield TargetList(id="dash-target-list")
            with Horizontal(id="dash-row"):
                with Vertical(id="dash-help", classes="panel"):
                    yield Static("", id="dash-unmatched", markup=False)
                    yield Static("", id="dash-overloaded", markup=False)
                with Vertical(id="dash-sync", classes="panel"):
                    yield Static(
                        t("dashboard.sync.no_peers"), id="dash-sync-text", classes="muted", markup=False
                    )
        yield FitFooter()

    def on_mount(self) -> None:
        titles = {
            "#dash-beds": "dashboard.beds.title",
            "#dash-forecast": "dashboard.forecast.title",
            "#dash-targets": "dashboard.targets.title",
            "#dash-help": "dashboard.help_panel.title",
            "#dash-sync": "dashboard.sync.title",
        }
        for selector, title_id in titles.items():
            self.query_one(selector).border_title = t(title_id)
        self.set_interval(TICK_SECONDS, self._tick)
        self.call_after_refresh(self.post_message, self.Shown())

    # -- data ------------------------------------------------------------------------------------

    def refresh_data(self) -> None:
        # Textual 8.2.8 resumes a mode's screen twice on its first show: one read is enough
        if self._pending:
            return
        self._pending = True
        self.call(read_view, done=self._loaded, failed=self._failed, group="dashboard")

    def _failed(self, error: VeldError) -> None:
        self._pending = False
        self.notify(error_text(error), severity="error", markup=False)

    def action_reload(self) -> None:
        self.refresh_data()

    def on_target_list_chosen(self, message: TargetList.Chosen) -> None:
        """A request chosen in the list opens as in the caseload (F4): its state, offers, steps."""
        from veldclient.screens.case_detail import RequestScreen

        self.app.push_screen(RequestScreen(message.request_id))

    def action_sync_now(self) -> None:
        self.veld.sync_now()

    def show_sync_activity(self) -> None:
        """The app's background sync reported something: redraw the panel from what we hold."""
        if self.view is not None:
            self._render_sync(self.view, self.veld.session.now())

    def _loaded(self, view: DashboardView) -> None:
        self._pending = False
        self.view = view
        self._paint(view.now)
        self.call_after_refresh(self.post_message, self.Loaded())
        self.call(read_forecasts, done=self._forecasts_loaded, failed=self._failed, group="forecast")

    def _forecasts_loaded(self, found: Forecasts) -> None:
        self.forecasts = found
        self._render_forecast(self.veld.session.now())

    def _tick(self) -> None:
        if self.view is not None and self.is_current:
            self._paint(self.veld.session.now())

    # -- drawing ---------------------------------------------------------------------------------

    def _paint(self, now: int) -> None:
        view = self.view
        assert view is not None
        role = role_name(view.role)
        identity = t(
            "dashboard.identity", node=view.node_name, node_id=view.node_id, role=role, user=view.user
        )
        self.query_one("#dash-identity", Static).update(identity)
        self.query_one(PressureGrid).show(view.pressure, now, view.stale_after_ms)
        self.query_one(TargetList).show(view.targets, now)
        self._render_help(view)
        self._render_sync(view, now)
        self._render_forecast(now)

    def _render_forecast(self, now: int) -> None:
        """The region's forecast per care type, marked as a forecast, with what it stands on."""
        from veldclient.domain.enums import CareType, label_of
        from veldclient.services import forecast_words

        found = self.forecasts
        if found is None:
            return
        lang = language()
        region = [item for item in found.items if item.node_id is None]
        text = self.query_one("#dash-forecast-text", Static)
        if not region:
            text.update(t("dashboard.forecast.none"))
            return
        basis = next((item for item in region if item.available), region[0])
        lines = [
            t("dashboard.forecast.basis", basis=forecast_words.basis(basis, found.computed_at, now, lang))
        ]
        for item in region:
            name = label_of(CareType, item.care_type, lang)
            lines.append(f"{name:<28} {forecast_words.first_line(item, lang)}")
        text.update("\n".join(lines))

    def _render_sync(self, view: DashboardView, now: int) -> None:
        from veldclient.screens.widgets.durations import age

        text = self.query_one("#dash-sync-text", Static)
        web = [t("web.sync.panel")] if getattr(self.veld, "web", False) else []
        if not view.peers:
            text.update("\n".join([*web, t("dashboard.sync.no_peers")]))
            return
        activity = getattr(self.veld, "sync_activity", {})
        lines = list(web)
        for peer in view.peers:
            contact = age(peer["last_contact"], now) if peer["last_contact"] else t("dashboard.sync.never")
            key = "dashboard.sync.revoked" if peer["revoked"] else "dashboard.sync.peer"
            lines.append(
                t(key, name=peer["name"], node=peer["node_id"], contact=contact, waiting=peer["waiting"])
            )
            if peer["last_error"]:
                lines.append("  " + t("dashboard.sync.error", error=peer["last_error"]))
            if peer["name"] in activity:
                lines.append("  " + activity[peer["name"]])
        if view.relay is not None:
            lines += relay_reach_lines(view.relay, activity.get(RELAY))
        text.update("\n".join(lines))

    def _render_help(self, view: DashboardView) -> None:
        unmatched = self.query_one("#dash-unmatched", Static)
        overloaded = self.query_one("#dash-overloaded", Static)
        if view.unmatched_help_requests is None or view.overloaded is None:
            unmatched.update(t("dashboard.help_panel.not_for_role"))
            overloaded.update("")
            return
        unmatched.update(t("dashboard.help_panel.unmatched", n=view.unmatched_help_requests))
        lines = [t("dashboard.help_panel.overloaded", n=len(view.overloaded))]
        category = "category_nl" if language() == "nl" else "category_en"
        for carer in view.overloaded[:OVERLOADED_SHOWN]:
            lines.append(f"  {carer['first_name']} {carer['last_name']} · {carer[category]}")
        if len(view.overloaded) > OVERLOADED_SHOWN:
            lines.append("  " + t("dashboard.targets.more", n=len(view.overloaded) - OVERLOADED_SHOWN))
        overloaded.update("\n".join(lines))
