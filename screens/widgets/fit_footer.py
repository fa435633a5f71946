"""The footer of every screen: the keys that fit whole, never one cut mid-word.

Textual's footer lays its keys out in a row and cuts off what passes the palette key on the right,
so at 80 columns a screen's last key read "f" or "Aanvr". This footer leaves out, before it draws,
the keys that would not fit whole, the least needed first: the app's quit key (F10, which is also in
F1 help and the palette), then the screen's own keys from the right; F1 help goes last, because it
lists every key, those left out included, and the palette (Ctrl+P) runs any of them.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

FIRST_LEFT_OUT = ("quit",)  # actions left out before any other
LAST_LEFT_OUT = ("help",)  # and after every other


def key_width(key: FooterKey) -> int:
    """Cells a key takes in the compact footer: its key, a space and its description, then the
    one cell of margin between keys (Textual's compact footer style)."""
    described = 1 + cell_len(key.description) if key.description else 0
    return cell_len(key.key_display) + described + 1


def palette_width(key: FooterKey) -> int:
    """Cells of the palette key docked on the right: its border, key, a space and description."""
    return 1 + cell_len(key.key_display) + (1 + cell_len(key.description) if key.description else 0)


def keys_that_fit(keys: list[FooterKey], space: int) -> set[int]:
    """Indexes of ``keys`` (in footer order) shown in ``space`` cells: the least needed left out
    first until the rest fit, then any of those that still fits taken back, the most needed first."""
    shown = list(range(len(keys)))

    def order(i: int) -> tuple[int, int]:
        action = keys[i].action
        rank = 0 if action in FIRST_LEFT_OUT else 2 if action in LAST_LEFT_OUT else 1
        return rank, -i  # within a rank, the rightmost first

    left_out = []
    for i in sorted(shown, key=order):
        if sum(key_width(keys[j]) for j in shown) <= space:
            break
        shown.remove(i)
        left_out.append(i)
    for i in reversed(left_out):  # a shorter key left out on the way may fit in what is left now
        if sum(key_width(keys[j]) for j in shown) + key_width(keys[i]) <= space:
            shown.append(i)
    return set(shown)


class FitFooter(Footer):
    """A compact footer that shows only the keys that fit whole (see the module's docstring)."""

    def __init__(self) -> None:
        super().__init__(compact=True)
        self._drawn_for = 0

    def compose(self) -> ComposeResult:
        made: list[Widget] = list(super().compose())
        self._drawn_for = self.size.width
        if not self.size.width:  # not laid out yet: drawn again once it has a width
            yield from made
            return
        keys = [w for w in made if isinstance(w, FooterKey) and not w.has_class("-command-palette")]
        palette = [w for w in made if isinstance(w, FooterKey) and w.has_class("-command-palette")]
        space = self.size.width - sum(palette_width(p) for p in palette)
        shown = keys_that_fit(keys, space)
        yield from _kept(made, {id(keys[i]) for i in shown}, {id(k) for k in keys})

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._drawn_for:
            self.call_after_refresh(self.recompose)


def _kept(made: Iterable[Widget], shown: set[int], keys: set[int]) -> Iterable[Widget]:
    """``made`` without the keys left out (anything that is not one of ``keys`` stays)."""
    return (w for w in made if id(w) not in keys or id(w) in shown)
