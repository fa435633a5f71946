"""The "why" pane beside or under a ranked list: the highlighted row's score and every reason.

Both ranked lists (candidate locations of a placement request, volunteers for a help request) use
the one 0-100 score of ``domain/score.py``. The pane shows the row's name and score on its first
line, then each reason with its points in front, so the points can be added up by eye to the score.
It is a ``Static`` with ``height: auto`` that wraps, inside the screen's own layout or a scrolling
column, so a long reason is wrapped, never cut off. Text is never parsed as markup (names are data);
``WhyPane.said`` holds what it shows as plain lines (what tests read).
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from veldclient.domain.score import Reason
from veldclient.screens.i18n import language, t


def why_table(name: str, score: int, reasons: Iterable[Reason]) -> Table:
    """``name · score 72 van 100`` over one row per reason: the points right-aligned in their own
    column and the reason beside them, wrapping under itself (a hanging indent), so a narrow pane
    still reads as a column of numbers to add up."""
    lang = language()
    rows = Table.grid(padding=(0, 1))
    rows.add_column(justify="right", no_wrap=True, min_width=3)
    rows.add_column(overflow="fold")
    for reason in reasons:
        rows.add_row(Text("" if reason.points is None else f"+{reason.points}"), Text(reason.text(lang)))
    outer = Table.grid()
    outer.add_column(overflow="fold")
    outer.add_row(Text(t("score.heading", name=name, score=score), style="bold"))
    outer.add_row(rows)
    return outer


class WhyPane(Static):
    """The reasons of the highlighted row; empty (and taking no room) while nothing is highlighted."""

    DEFAULT_CSS = """
    WhyPane { height: auto; padding: 0 1; }
    WhyPane.-empty { display: none; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__("", id=id, classes=classes, markup=False)
        self.add_class("-empty")
        self.said = ""  # what the pane shows, as plain lines (heading, then reasons with points)

    def show(self, name: str, score: int, reasons: Iterable[Reason]) -> None:
        reasons = list(reasons)
        self.update(why_table(name, score, reasons))
        self.said = "\n".join(
            [t("score.heading", name=name, score=score), *(r.line(language()) for r in reasons)]
        )
        self.remove_class("-empty")

    def show_text(self, text: str) -> None:
        """Any other text (a volunteer filtered out says why instead of a score)."""
        self.update(Text(text))
        self.said = text
        self.set_class(not text, "-empty")

    def clear(self) -> None:
        self.show_text("")
