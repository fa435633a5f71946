"""Crisis risk: the node's own clients whose situation points to an acute admission soon, with why.

Reached from F4 (``k``) and from the command palette ("Crisisrisico"). Each client is one entry of
an option list: the name, and under it every reason as a sentence with its facts (never a score
of our own). Enter opens the case (the same screen as from the caseload). The list comes from
``services.risk.risk_list``, which computes it on this device, audits the read and stores nothing;
the line above the list says so, so a nurse knows it is not shared.
"""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from veldclient.screens.base import KeySpec, VeldScreen
from veldclient.screens.case_detail import CaseDetailScreen
from veldclient.screens.i18n import language, t
from veldclient.screens.widgets.fit_footer import FitFooter
from veldclient.services import risk
from veldclient.services.risk import RiskEntry


def entry_text(entry: RiskEntry, lang: str) -> Group:
    """One client as the list shows it: the name, and each reason under it with a hanging indent so
    a reason that wraps at 80 columns still reads as one. Plain text: names are never markup."""
    reasons = Table.grid(padding=0, expand=True)
    reasons.add_column(width=4, no_wrap=True)
    reasons.add_column(ratio=1)
    for reason in entry.reasons:
        reasons.add_row(Text("  • "), Text(reason.text(lang)))
    return Group(Text(entry.name or t("risk.hidden"), style="bold"), reasons)


class RiskScreen(VeldScreen):
    HELP = "risk.help"
    TITLE_ID = "risk.title"
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("escape", "back", "caseload.key.back"),
        ("r", "refresh", "key.refresh"),
    )
    DEFAULT_CSS = """
    RiskScreen #risk-title { text-style: bold; color: $primary; padding: 0 1; }
    RiskScreen #risk-note, RiskScreen #risk-count { padding: 0 1; color: $text-muted; }
    RiskScreen #risk-list { height: 1fr; scrollbar-gutter: stable; }
    """
    AUTO_FOCUS = "#risk-list"

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[RiskEntry] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(t("risk.title"), id="risk-title", markup=False)
        yield Static(t("risk.note"), id="risk-note", markup=False)
        yield Static(t("risk.loading"), id="risk-count", markup=False)
        yield OptionList(id="risk-list")
        yield FitFooter()

    def refresh_data(self) -> None:
        if self.veld.session.actor.role not in risk.VIEWERS:
            self.query_one("#risk-count", Static).update(t("risk.not_for_role"))
            return
        self.call(risk.risk_list, done=self._show)

    def _show(self, entries: list[RiskEntry]) -> None:
        self.entries = entries
        lang = language()
        options = self.query_one("#risk-list", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        options.add_options([Option(entry_text(e, lang), id=e.client_id) for e in entries])
        count = t("risk.count", n=len(entries)) if entries else t("risk.none")
        self.query_one("#risk-count", Static).update(count)
        if entries:
            options.highlighted = min(highlighted or 0, len(entries) - 1)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.app.push_screen(CaseDetailScreen(event.option.id))

    def action_refresh(self) -> None:
        self.refresh_data()

    def action_back(self) -> None:
        self.dismiss(None)
