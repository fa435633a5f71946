"""What every veldclient screen shares: the help text key, service calls, error display, refresh."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual.binding import Binding
from textual.screen import Screen

from veldclient.errors import VeldError
from veldclient.screens.backend import Done, Failed, ServiceReply
from veldclient.screens.i18n import language, t

if TYPE_CHECKING:
    from veldclient.screens.app import VeldApp


def error_text(error: BaseException) -> str:
    if isinstance(error, VeldError):
        return error.message(language())
    return t("error.unexpected", error=f"{type(error).__name__}: {error}")


class ServiceCaller:
    """Mixin for widgets and screens that call services and receive :class:`ServiceReply`."""

    def call(
        self,
        fn: Callable[..., Any],
        *args: Any,
        done: Done | None = None,
        failed: Failed | None = None,
        group: str = "db",
        exclusive: bool = False,
        **kwargs: Any,
    ) -> None:
        app: VeldApp = self.app  # type: ignore[attr-defined]
        app.call(self, fn, *args, done=done, failed=failed, group=group, exclusive=exclusive, **kwargs)  # type: ignore[arg-type]

    def on_service_reply(self, message: ServiceReply) -> None:
        message.stop()
        if message.error is None:
            if message.done is not None:
                message.done(message.result)
        elif message.failed is not None and isinstance(message.error, VeldError):
            message.failed(message.error)
        else:
            self.app.notify(error_text(message.error), severity="error", markup=False)  # type: ignore[attr-defined]


KeySpec = tuple[str, str, str]  # (keys, action, catalogue id of the description)
# Area switches (F2–F9) are listed in F1 help and the palette, not in the footer, so the footer has
# room for what the current screen does.
FOOTER_HIDDEN = ("area(",)


def bindings(owner: str, keys: tuple[KeySpec, ...]) -> list[Binding]:
    """Bindings from key specs, described in the current language, each with an id and a tooltip."""
    return [
        Binding(
            key,
            action,
            t(msg),
            id=f"{owner}.{action.split('(')[0]}.{key}",
            tooltip=t(msg),
            show=not action.startswith(FOOTER_HIDDEN),
        )
        for key, action, msg in keys
    ]


def relocalise(cls: type) -> None:
    """Rebuild the translated bindings of ``cls`` and its subclasses after a language switch.

    Textual merges ``BINDINGS`` once per class (``_merge_bindings``); instances made afterwards copy
    that map, so the screens are re-created after this (VeldApp.apply_language).
    """
    for sub in [cls, *cls.__subclasses__()]:
        keys = sub.__dict__.get("KEYS")
        if keys is not None:
            sub.BINDINGS = bindings(sub.__name__, keys)
            sub._merged_bindings = sub._merge_bindings()
        if sub is not cls:
            relocalise(sub)


class VeldScreen(ServiceCaller, Screen[None]):
    """A top-level screen. ``HELP`` is the catalogue id of its F1 help text; ``KEYS`` its bindings."""

    HELP: ClassVar[str] = "help.general"
    TITLE_ID: ClassVar[str] = "app.title"
    KEYS: ClassVar[tuple[KeySpec, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if "KEYS" in cls.__dict__:
            cls.BINDINGS = bindings(cls.__name__, cls.KEYS)
        super().__init_subclass__(**kwargs)

    def key_help(self) -> list[tuple[str, str]]:
        """(key, description) of every binding this screen and the app offer: shown by F1."""
        out = [(b.key, b.description) for b in self.BINDINGS if isinstance(b, Binding)]
        return out + [(b.key, b.description) for b in self.app.BINDINGS if isinstance(b, Binding)]

    @property
    def veld(self) -> VeldApp:
        return self.app  # type: ignore[return-value]

    _refresh_queued = False

    def on_screen_resume(self) -> None:
        self.title = t(self.TITLE_ID)
        self.sub_title = f"{self.veld.session.profile.node_id} · {self.veld.session.profile.role}"
        # Textual 8.2 resumes a mode's screen twice when it is first shown: coalesce into one reload.
        if not self._refresh_queued:
            self._refresh_queued = True
            self.call_after_refresh(self._run_refresh)

    def _run_refresh(self) -> None:
        self._refresh_queued = False
        self.refresh_data()

    def refresh_data(self) -> None:
        """Reload what the screen shows (after a change, a merge or a language switch)."""
