"""USB bundles in the app: choose recipients and a folder (a mounted stick), export or import.

The work runs in the App's worker (``self.call``) through services/bundles.py, exactly what the CLI
runs; progress arrives as messages posted from the worker thread, so the UI never waits on disk or
database. Results and refusals are shown in words, in the current language.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Checkbox, Header, Input, Label, ProgressBar, SelectionList, Static

from veldclient.errors import VeldError
from veldclient.screens.base import KeySpec, VeldScreen
from veldclient.screens.i18n import language, t
from veldclient.screens.widgets.fit_footer import FitFooter
from veldclient.services import bundles
from veldclient.services.bundles import Peer
from veldclient.services.progress_names import step_name


class BundleProgress(Message):
    """Posted from the worker thread (``post_message`` is thread-safe)."""

    def __init__(self, stage: str, done: int, total: int | None) -> None:
        super().__init__()
        self.stage, self.done, self.total = stage, done, total


class BundleScreen(VeldScreen):
    HELP = "bundles.help"
    TITLE_ID = "bundles.title"
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("ctrl+e", "export", "bundles.key.export"),
        ("ctrl+r", "import_folder", "bundles.key.import"),
        ("escape", "close", "key.close"),
    )
    DEFAULT_CSS = """
    BundleScreen #bundle-box { height: auto; padding: 1 2; }
    BundleScreen #bundle-peers { height: 8; }
    BundleScreen #bundle-result { padding-top: 1; }
    """

    def __init__(self, folder: Path | None = None) -> None:
        super().__init__()
        self.folder = folder or Path.home()
        self.last_result: object | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="bundle-box"):
            yield Static(t("bundles.title"), classes="area-title")
            yield Label(t("bundles.recipients"))
            yield SelectionList[str](id="bundle-peers")
            yield Static("", id="bundle-no-peers", classes="muted", markup=False)
            yield Label(t("bundles.folder"))
            yield Input(str(self.folder), id="bundle-folder")
            yield Checkbox(t("bundles.full"), id="bundle-full")
            yield Static("", id="bundle-error", classes="field-error", markup=False)
            yield ProgressBar(id="bundle-progress", show_eta=False)
            yield Static("", id="bundle-stage", classes="muted", markup=False)
            yield Static("", id="bundle-result", markup=False)
        yield FitFooter()

    def refresh_data(self) -> None:
        self.call(bundles.recipient_choices, done=self._show_peers)

    def _show_peers(self, peers: list[Peer]) -> None:
        chooser = self.query_one("#bundle-peers", SelectionList)
        chosen = set(chooser.selected)
        chooser.clear_options()
        for peer in peers:
            label = t("bundles.peer", name=peer.name, node=peer.node_id)
            chooser.add_option((label, peer.device_id, peer.device_id in chosen))
        self.query_one("#bundle-no-peers", Static).update("" if peers else t("bundles.no_peers"))

    def _folder(self) -> Path | None:
        text = self.query_one("#bundle-folder", Input).value.strip()
        if not text:
            self._error(t("bundles.no_folder"))
            return None
        return Path(text).expanduser()

    def _error(self, message: str) -> None:
        self.query_one("#bundle-error", Static).update(message)

    def _progress(self, stage: str, done: int, total: int | None, /) -> None:
        """The work's reporter (veldclient.progress): runs on the worker thread, so it only posts."""
        self.post_message(BundleProgress(stage, done, total))

    def on_bundle_progress(self, message: BundleProgress) -> None:
        bar = self.query_one("#bundle-progress", ProgressBar)
        bar.update(total=message.total, progress=message.done)  # no total: the bar pulses
        stage = step_name(message.stage, language())
        self.query_one("#bundle-stage", Static).update(
            t("bundles.working", stage=stage)
            if message.total is None
            else t("bundles.counted", stage=stage, done=message.done, total=message.total)
        )

    def _finished(self) -> None:
        bar = self.query_one("#bundle-progress", ProgressBar)
        bar.update(total=1, progress=1)
        self.query_one("#bundle-stage", Static).update(t("bundles.stage.done"))

    def action_export(self) -> None:
        self._error("")
        devices = list(self.query_one("#bundle-peers", SelectionList).selected)
        folder = self._folder()
        if not devices:
            self._error(t("bundles.choose"))
            return
        if folder is None:
            return
        full = self.query_one("#bundle-full", Checkbox).value
        self.call(
            bundles.export_bundle,
            devices,
            folder,
            full=full,
            progress=self._progress,
            done=self._exported,
            failed=self._failed,
        )

    def action_import_folder(self) -> None:
        self._error("")
        folder = self._folder()
        if folder is None:
            return
        self.call(
            bundles.import_folder, folder, progress=self._progress, done=self._imported, failed=self._failed
        )

    def _failed(self, error: VeldError) -> None:
        self.query_one("#bundle-stage", Static).update("")
        self._error(error.message(language()))
        self.notify(error.message(language()), severity="error", markup=False)

    def _exported(self, result: bundles.ExportResult) -> None:
        self.last_result = result
        self._finished()
        text = t(
            "bundles.exported",
            path=str(result.path),
            seq=result.seq,
            docs=result.documents,
            delta=result.delta,
        )
        self.query_one("#bundle-result", Static).update(text)
        self.notify(text, markup=False)

    def _imported(self, result: bundles.FolderResult) -> None:
        self.last_result = result
        self._finished()
        lang = language()
        lines = []
        for r in result.imported:
            name = Path(r.file).name
            if r.status == "duplicate":
                lines.append(t("bundles.duplicate", file=name))
            elif r.kind == "ack":
                lines.append(t("bundles.ack", file=name, sender=r.sender_name, n=r.acks))
            else:
                changed = bundles.kinds_said(r.changed, lang)
                lines.append(
                    t(
                        "bundles.imported",
                        file=name,
                        sender=r.sender_name,
                        node=r.sender_node,
                        docs=r.documents,
                        changed=changed,
                        conflicts=r.conflicts_raised,
                    )
                )
            if r.flag == "older":
                lines.append(t("bundles.older", file=name))
        for name, nl, en in result.failed:
            lines.append(t("bundles.failed", file=name, reason=nl if lang == "nl" else en))
        if result.ignored:
            lines.append(t("bundles.ignored", n=len(result.ignored)))
        if not result.imported and not result.failed:
            lines.append(t("bundles.nothing"))
        self.query_one("#bundle-result", Static).update("\n".join(lines))
        severity = "error" if result.failed else "information"
        self.notify(lines[0], severity=severity, markup=False)

    def action_close(self) -> None:
        self.app.pop_screen()
