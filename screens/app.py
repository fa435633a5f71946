"""The Textual app. Until the TUI issue lands this is one screen: the profile and its counts."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Header, Static

from veldclient.identity import format_device_id
from veldclient.services import status as status_service
from veldclient.services.session import Session

LABELS = {
    "clients": "Cliënten",
    "visits": "Bezoeken",
    "placements": "Plaatsingsverzoeken",
    "volunteers": "Vrijwilligers",
    "mantelzorgers": "Mantelzorgers",
    "help_requests": "Hulpvragen",
    "nodes": "Knooppunten",
    "locations": "Locaties",
    "capacity_records": "Capaciteitsregels",
}


class VeldApp(App[None]):
    TITLE = "veldclient"
    CSS_PATH = "app.tcss"
    BINDINGS = [Binding("q", "quit", "Afsluiten / quit", id="quit")]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        prof = self.session.profile
        yield Header()
        with Vertical(id="profile"):
            yield Static(f"Profiel: {prof.name}", markup=False)
            yield Static(
                f"Knooppunt: {prof.node_id}    Rol: {prof.role}    Gebruiker: {prof.user}", markup=False
            )
            yield Static(f"Apparaat: {format_device_id(prof.device_id)}", markup=False)
        yield DataTable(id="counts", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.session.profile.node_id
        st = status_service.status(self.session, check_chunks=False)
        table = self.query_one("#counts", DataTable)
        table.add_columns("Soort / kind", "Aantal / count")
        for key, count in st.counts.items():
            table.add_row(LABELS.get(key, key), str(count))
