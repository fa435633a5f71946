"""F9 Settings: language, theme (incl. high contrast), staleness limit; profile facts."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, Input, Label, Select, Static

from veldclient.domain import formats
from veldclient.errors import ValidationError
from veldclient.identity import format_device_id
from veldclient.screens import prefs
from veldclient.screens.base import KeySpec, VeldScreen, role_name
from veldclient.screens.i18n import language, t
from veldclient.screens.widgets.fit_footer import FitFooter
from veldclient.services import settings


def save_all(session: object, lang: str, theme: str, stale_hours: str) -> prefs.Prefs:
    """One worker call: validate the staleness limit first, then store everything."""
    try:
        hours = float(stale_hours.replace(",", "."))
    except ValueError:
        raise ValidationError.single(
            "stale_after_hours", "number", "Vul een getal in (uren).", "Enter a number (hours)."
        ) from None
    settings.set_stale_after_hours(session, hours)  # type: ignore[arg-type]
    return prefs.save(session, language=lang, theme=theme)  # type: ignore[arg-type]


class SettingsScreen(VeldScreen):
    HELP = "settings.help"
    TITLE_ID = "settings.title"
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("ctrl+s", "save", "key.save"),
        ("ctrl+b", "bundles", "bundles.key.open"),
    )
    ADMIN_KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("ctrl+d", "devices", "devices.key.open"),
        ("ctrl+k", "nodes", "nodes.key.open"),
    )

    def key_specs(self) -> tuple[KeySpec, ...]:
        """Devices and nodes are an admin's: the keys are offered to an admin only."""
        admin = self.veld.session.actor.role == "admin"
        return self.KEYS + self.ADMIN_KEYS if admin else self.KEYS

    def compose(self) -> ComposeResult:
        session = self.veld.session
        prof = session.profile
        yield Header()
        yield Static(t("settings.title"), classes="area-title")
        with Vertical(classes="form"):
            with Horizontal():
                yield Label(t("settings.language"))
                yield Select(
                    [(t("settings.lang.nl"), "nl"), (t("settings.lang.en"), "en")],
                    value=language(),
                    allow_blank=False,
                    id="language",
                )
            with Horizontal():
                yield Label(t("settings.theme_label"))
                yield Select(
                    [
                        (t("settings.theme.dark"), "textual-dark"),
                        (t("settings.theme.light"), "textual-light"),
                        (t("settings.theme.contrast"), "veld-high-contrast"),
                    ],
                    value=self.app.theme if self.app.theme in prefs.THEMES else "textual-dark",
                    allow_blank=False,
                    id="theme",
                )
            with Horizontal():
                yield Label(t("settings.stale"))
                yield Input(id="stale")
            yield Static("", id="stale-error", classes="field-error", markup=False)
        yield Static(
            t("settings.profile", name=prof.name, node=prof.node_id, role=role_name(prof.role)), markup=False
        )
        yield Static(t("settings.device", device=format_device_id(prof.device_id)), markup=False)
        yield Static(t("settings.data", path=str(prof.dir)), classes="muted", markup=False)
        yield FitFooter()

    def refresh_data(self) -> None:
        self.call(settings.stale_after_ms, done=self._show_stale)

    def _show_stale(self, ms: int) -> None:
        field = self.query_one("#stale", Input)
        if not field.value:
            field.value = formats.number(ms / 3_600_000, language(), 2, trim=True)

    def action_save(self) -> None:
        lang = str(self.query_one("#language", Select).value)
        theme = str(self.query_one("#theme", Select).value)
        stale = self.query_one("#stale", Input).value
        self.query_one("#stale-error", Static).update("")
        self.call(save_all, lang, theme, stale, done=self._saved, failed=self._failed)

    def _failed(self, error: Exception) -> None:
        if isinstance(error, ValidationError):
            self.query_one("#stale-error", Static).update(
                "; ".join(e.message(language()) for e in error.errors)
            )
        else:
            self.notify(str(error), severity="error", markup=False)

    def _saved(self, stored: prefs.Prefs) -> None:
        app = self.veld  # a language switch replaces this screen: say it through the app, after it
        app.apply_theme(stored.theme)
        if stored.language != language():
            app.apply_language(stored.language)
        app.notify(t("settings.saved"), markup=False)

    def action_bundles(self) -> None:
        from veldclient.screens.bundle_dialog import BundleScreen

        self.app.push_screen(BundleScreen())

    def action_devices(self) -> None:
        """Admin only (the palette may still offer it); anyone else is told why not, and how a new
        laptop joins instead."""
        if self.veld.session.actor.role != "admin":
            self.notify(t("devices.admin_only"), markup=False)
            return
        from veldclient.screens.devices import DevicesScreen

        self.app.push_screen(DevicesScreen())

    def action_nodes(self) -> None:
        """Admin only, as devices: founding and retiring a node is its admin's."""
        if self.veld.session.actor.role != "admin":
            self.notify(t("devices.admin_only"), markup=False)
            return
        from veldclient.screens.nodes_admin import NodesScreen

        self.app.push_screen(NodesScreen())
