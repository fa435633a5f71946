"""F9 Settings → nodes (admin): every node this device knows, founding this profile's node, retiring it.

The list is services/nodes.known_nodes (the Twente demo nodes and every node whose admin founded it,
as verified from its signed node document). F opens the founding form for an admin whose profile
belongs to a node that is not founded yet (``veld init --node ID --role admin``); R retires the
profile's own node after a yes. Both call exactly what ``veld node found|retire`` runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Header, Input, Static

from veldclient.domain import formats
from veldclient.screens.base import KeySpec, VeldScreen
from veldclient.screens.confirm import Confirm
from veldclient.screens.forms import FormScreen
from veldclient.screens.i18n import language, t
from veldclient.screens.widgets.columns import Col, FitTable, FoldLine
from veldclient.screens.widgets.fit_footer import FitFooter
from veldclient.services import nodes

COLUMNS = (
    Col("nodes.col.id", 18, min=10, priority=0, keep=True),
    Col("nodes.col.name", 26, min=12, priority=1, keep=True),
    Col("nodes.col.state", 28, min=14, priority=2, keep=True),
    Col("nodes.col.pc4", 30, priority=3, grow=True),
)
LOCATION_FIELDS = 3


def ranges_text(ranges: tuple[tuple[int, int], ...]) -> str:
    return ", ".join(f"{lo}-{hi}" if lo != hi else str(lo) for lo, hi in ranges)


def state_text(node: nodes.KnownNode) -> str:
    if node.retired:
        return t("nodes.retired", when=formats.moment(node.retired_at, language()))
    if node.source == "reference":
        return t("nodes.reference")
    return t("nodes.founded", when=formats.moment(node.founded_at, language()))


def found_from_form(session: Any, *, locations: list[str], care_types: str, **fields: str) -> nodes.KnownNode:
    """The form's lines as the service takes them: empty location lines left out, care types
    separated by commas."""
    kinds = [part.strip() for part in care_types.split(",") if part.strip()]
    return nodes.found_node(
        session, locations=[line for line in locations if line.strip()], care_types=kinds, **fields
    )


class FoundNodeForm(FormScreen[nodes.KnownNode]):
    """Id (this profile's node), name, PC4 areas, up to three sites and the focus; dismisses with the
    founded node, or None when cancelled."""

    TITLE_ID = "nodes.form.title"
    HINT_ID = "nodes.form.hint"
    HELP = "nodes.help"

    def __init__(self, node_id: str) -> None:
        super().__init__()
        self.node_id = node_id

    def body(self) -> Iterable[Widget]:
        yield self.field("id", "nodes.form.id", Input(self.node_id, compact=True))
        yield self.field("name", "nodes.form.name", Input("", compact=True))
        yield self.field(
            "postcodes", "nodes.form.postcodes", Input("", placeholder="8011-8017, 8021", compact=True)
        )
        lines = [
            self.field(
                f"location{n}",
                None,
                Input("", placeholder=t("nodes.form.location_placeholder"), compact=True),
                label=t("nodes.form.location", n=n + 1),
            )
            for n in range(LOCATION_FIELDS)
        ]
        yield self.group("locations", *lines)
        yield self.field(
            "care_types", "nodes.form.care_types", Input("", placeholder="GRZ, ELV_HOOG", compact=True)
        )
        yield self.field("focus", "nodes.form.focus", Input("", compact=True))

    def action_save(self) -> None:
        v = self.values()
        self.submit(
            found_from_form,
            node_id=v["id"],
            name=v["name"],
            postcodes=v["postcodes"],
            locations=[v[f"location{n}"] for n in range(LOCATION_FIELDS)],
            care_types=v["care_types"],
            focus=v["focus"],
        )


class NodesScreen(VeldScreen):
    HELP = "nodes.help"
    TITLE_ID = "nodes.title"
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("f", "found", "nodes.key.found"),
        ("r", "retire", "nodes.key.retire"),
        ("escape", "close", "key.close"),
    )
    DEFAULT_CSS = """
    NodesScreen #nodes-box { height: auto; padding: 0 1; }
    NodesScreen #nodes-table { height: auto; max-height: 16; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.known: list[nodes.KnownNode] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="nodes-box"):
            yield Static(t("nodes.title"), classes="area-title")
            yield Static("", id="nodes-own", markup=False)
            yield FitTable(COLUMNS, id="nodes-table")
            yield FoldLine("nodes-table")
            yield Static("", id="nodes-result", markup=False)
        yield FitFooter()

    def refresh_data(self) -> None:
        self.call(nodes.known_nodes, done=self._show)

    def _own(self) -> nodes.KnownNode | None:
        own = self.veld.session.actor.node_id
        return next((n for n in self.known if n.id == own), None)

    def _show(self, known: list[nodes.KnownNode]) -> None:
        self.known = known
        own = self._own()
        node_id = self.veld.session.actor.node_id
        if own is None:
            text = t("nodes.own_unfounded", node=node_id)
        elif own.retired:
            text = t("nodes.own_retired", node=node_id)
        else:
            text = t("nodes.own", node=node_id, name=own.name)
        self.query_one("#nodes-own", Static).update(text)
        rows = [
            (n.id, [Text(n.id), Text(n.name), Text(state_text(n)), Text(ranges_text(n.pc4_ranges))])
            for n in known
        ]
        self.query_one("#nodes-table", FitTable).set_rows(rows)

    def action_found(self) -> None:
        if self._own() is not None:
            self._say(t("nodes.already_founded", node=self.veld.session.actor.node_id))
            return
        self.app.push_screen(FoundNodeForm(self.veld.session.actor.node_id), self._founded)

    def _founded(self, node: nodes.KnownNode | None) -> None:
        if node is not None:
            self._done(t("nodes.founded_done", name=node.name, node=node.id))

    def action_retire(self) -> None:
        own = self._own()
        if own is None or own.retired:
            self._say(t("nodes.nothing_to_retire"))
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.call(nodes.retire_node, own.id, done=self._retired)

        self.app.push_screen(Confirm(t("nodes.confirm_retire", name=own.name)), answered)

    def _retired(self, node: nodes.KnownNode) -> None:
        self._done(t("nodes.retired_done", name=node.name))

    def _say(self, text: str) -> None:
        """Under the table (where it wraps and stays) and as a notification."""
        self.query_one("#nodes-result", Static).update(text)
        self.notify(text, markup=False)

    def _done(self, text: str) -> None:
        self._say(text)
        self.refresh_data()

    def action_close(self) -> None:
        self.app.pop_screen()
