"""Progress of long work (a large demo, a first sync, a bundle, a rebuild): reported by the code that
does the work, shown by whoever asked for it (a bar on the command line, a line in the app).

The work says which step it is in (an id such as ``sync.fetch``; services/progress_names.py names
each in Dutch and English), how much of it is done and of how much (``None``: not known in advance).
It knows nothing of who shows it, so the store, sync and the services report alike and stay headless.
A reporter is called on the working thread and must be cheap and must not raise; work that goes item
by item reports through :class:`Counter`, which passes on about a hundred reports per step.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def __call__(self, step: str, done: int, total: int | None, /) -> None: ...


def quiet(step: str, done: int, total: int | None, /) -> None:
    """No one is watching."""


class Counter:
    """The items of one step, counted: reports 0 of ``total`` at once, then every ~1% and the last
    item, so a loop over 10,000 documents costs a hundred reports. ``done`` only grows; when more
    work turns up than was planned (``grow``), the total grows with it."""

    def __init__(self, progress: Progress, step: str, total: int) -> None:
        self.progress = progress
        self.step = step
        self.total = total
        self.done = 0
        self._shown = -1
        self._every = max(1, total // 100)
        self._report()

    def add(self, n: int = 1) -> None:
        self.done += n
        if self.done - self._shown >= self._every or self.done >= self.total:
            self._report()

    def grow(self, n: int) -> None:
        """``n`` more items than planned (work asked for again)."""
        self.total += n
        self._every = max(1, self.total // 100)

    def _report(self) -> None:
        self._shown = self.done
        self.progress(self.step, self.done, max(self.total, self.done))
