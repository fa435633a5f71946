"""Every action in the command palette (ctrl+p): areas, screen actions, language, theme, help, quit.

The names are looked up each time the palette asks, so they follow the language setting. The
screen's actions are those of the screen the palette was opened on (``self.screen``): while the
palette is open, ``app.screen`` is the palette itself.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from veldclient.language import LANGUAGES
from veldclient.screens.i18n import t

# theme -> catalogue id of its name (the same names as in F9 settings)
THEMES = {
    "textual-dark": "settings.theme.dark",
    "textual-light": "settings.theme.light",
    "veld-high-contrast": "settings.theme.contrast",
}


class VeldCommands(Provider):
    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        from veldclient.screens.app import AREAS, VeldApp
        from veldclient.screens.base import VeldScreen

        app = self.app
        assert isinstance(app, VeldApp)
        out: list[tuple[str, Callable[[], object], str]] = []
        for mode, (_m, _c, label, key) in AREAS.items():
            out.append((f"{t('palette.go')}: {t(label)}", partial(app.action_area, mode), key.upper()))
        screen = self.screen
        if not (isinstance(screen, VeldScreen) and any(b.action == "risk" for b in screen.own_bindings())):
            out.append((t("risk.palette"), app.action_risk, ""))  # the screen's own key otherwise
        if isinstance(screen, VeldScreen):
            for binding in screen.own_bindings():
                if binding.description and not binding.action.startswith("app."):  # listed below
                    shown = " ".join(app.get_key_display(b) for b in Binding.make_bindings([binding]))
                    out.append((binding.description, partial(screen.run_action, binding.action), shown))
        for lang in LANGUAGES:
            out.append((t(f"palette.language.{lang}"), partial(app.apply_language, lang), ""))
        for theme, label in THEMES.items():
            out.append((t("palette.theme", theme=t(label)), partial(app.apply_theme, theme), ""))
        out.append((t("key.help"), app.action_help, "F1"))
        out.append((t("key.quit"), app.exit, "F10"))
        return out

    async def discover(self) -> Hits:
        for name, action, key in self._commands():
            yield DiscoveryHit(name, action, help=key)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action, key in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), action, help=key)
