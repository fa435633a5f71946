"""Long work's progress on the command line: a row per step on stderr, drawn with rich.

Only on a terminal, and never with ``--json``: a script, a pipe or a test reads exactly what it read
before. The rows say which step of how many (when the command knows its steps in advance), what it
is doing (services/progress_names.py, in the command line's language) and how much of it is done;
they disappear when the work ends, so what stays on the screen is the command's result.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING

from veldclient.cli import lang
from veldclient.services.progress_names import step_name

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress as RichProgress
    from rich.progress import Task, TaskID


def on_terminal(as_json: bool = False) -> bool:
    """Whether progress is shown: stderr is a terminal that can redraw a line, and no JSON was asked."""
    return not as_json and sys.stderr.isatty() and os.environ.get("TERM") != "dumb"


class Bar:
    """A :class:`veldclient.progress.Progress` that draws; a no-op when ``enabled`` is false.

    Use as a context manager around the work: leaving it (also by Ctrl+C or an error) clears the rows.
    """

    def __init__(self, steps: Sequence[str] = (), *, enabled: bool) -> None:
        self.steps = tuple(steps)
        self.enabled = enabled
        self._rich: RichProgress | None = None
        self._tasks: dict[str, TaskID] = {}
        self._current: str | None = None

    def __enter__(self) -> Bar:
        if self.enabled:
            self._rich = _rich_progress()
            self._rich.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._rich is not None:
            self._rich.stop()
            self._rich = None

    def __call__(self, step: str, done: int, total: int | None, /) -> None:
        rich = self._rich
        if rich is None:
            return
        if step != self._current:
            self._finish_current()
            self._current = step
        counted = total is not None
        task = self._tasks.get(step)
        if task is None:
            self._tasks[step] = rich.add_task(self._label(step), total=total, completed=done, counted=counted)
        else:
            rich.update(task, total=total, completed=done, counted=counted)

    def _finish_current(self) -> None:
        """The step before this one had no count (only a spinner): its row shows it done. A counted
        step shows its own count: a sync fetches, syncs and fetches again in one run."""
        if self._rich is None or self._current is None:
            return
        task = self._tasks[self._current]
        if self._rich.tasks[task].total is None:
            self._rich.update(task, total=1, completed=1)

    def _label(self, step: str) -> str:
        name = step_name(step, lang())
        if step in self.steps:
            return f"[{self.steps.index(step) + 1}/{len(self.steps)}] {name}"
        return name


def _rich_progress() -> RichProgress:
    """rich only now: `veld` starts without it, and only long work on a terminal needs it."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        ProgressColumn,
        SpinnerColumn,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.table import Column
    from rich.text import Text

    of = "van" if lang() == "nl" else "of"

    class Count(ProgressColumn):
        """``120 of 4000``; nothing for a step without a count (its spinner says it is busy)."""

        def render(self, task: Task) -> Text:
            if task.total is None or not task.fields.get("counted"):
                return Text("")
            return Text(f"{int(task.completed)} {of} {int(task.total)}", style="progress.download")

    return Progress(
        SpinnerColumn(finished_text="✓"),
        TextColumn("{task.description}", table_column=Column(no_wrap=True, overflow="ellipsis")),
        BarColumn(bar_width=12),
        Count(table_column=Column(no_wrap=True)),
        TimeRemainingColumn(table_column=Column(no_wrap=True, min_width=7)),
        console=_console(Console),
        transient=True,
        refresh_per_second=4,  # enough to see it move; each redraw takes the GIL from the work
    )


def _console(console_type: type[Console]) -> Console:
    """stderr, a few columns short of the terminal's width: the ``^C`` a terminal echoes at the end
    of a full row would wrap, and the rows would then not all be cleared."""
    width = console_type(stderr=True).size.width
    return console_type(stderr=True, width=max(40, width - 4))
