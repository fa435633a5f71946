"""What every veldclient screen shares: the help text key, service calls, error display, refresh."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode
from textual.screen import Screen

from veldclient.domain.enums import role_label
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


class LocalisedKeys:
    """A screen, dialog or app whose keys are described in the current language, per instance.

    ``KEYS`` (or :meth:`key_specs`) give the keys, actions and catalogue ids; an instance turns them
    into bindings in the language of the moment when it is made (:meth:`use_own_keys`), and again
    after a language switch. The class is never rewritten, so instances made in different languages
    each keep their own words.
    """

    KEYS: ClassVar[tuple[KeySpec, ...]] = ()
    FOOTER_HIDES: ClassVar[frozenset[str]] = frozenset()
    """Actions kept out of the footer where a screen has more keys than 80 columns hold; they are
    still listed by F1 help and the palette."""

    def key_specs(self) -> tuple[KeySpec, ...]:
        return self.KEYS

    def key_owner(self) -> str:
        """The prefix of this instance's binding ids (``<owner>.<action>.<key>``)."""
        return type(self).__name__

    def own_bindings(self) -> list[Binding]:
        own = bindings(self.key_owner(), self.key_specs())
        return [replace(b, show=False) if b.action.split("(")[0] in self.FOOTER_HIDES else b for b in own]

    def use_own_keys(self) -> None:
        """Put this instance's own bindings, in the current language, over what its class
        inherited (an own key replaces an inherited one, as a subclass's binding does). Textual
        keeps an instance's bindings in ``_bindings``; this is the one place that writes it."""
        node: DOMNode = self  # type: ignore[assignment]
        prefix = f"{self.key_owner()}."
        keys = {
            key: [b for b in found if not (b.id or "").startswith(prefix)]
            for key, found in node._bindings.key_to_bindings.items()
        }
        keys.update(BindingsMap(self.own_bindings()).key_to_bindings)
        node._bindings = BindingsMap.from_keys({key: found for key, found in keys.items() if found})
        node.refresh_bindings()


class ExplainsKeys:
    """A screen whose keys, when they cannot act now, say why when pressed.

    A screen names the reason in :meth:`refusal`; when there is one, the app shows it instead of
    running the action (VeldApp.run_action, through :func:`refuse`), so a key in the footer never
    does nothing. Such a key is also shown greyed (Textual's ``check_action`` None), except the
    actions in ``LIT_WHEN_REFUSED``: the footer is redrawn on focus changes, not on every cursor
    move, so a key whose reason comes and goes with the highlighted row stays lit rather than
    greyed at the wrong moment.
    """

    LIT_WHEN_REFUSED: ClassVar[frozenset[str]] = frozenset()

    def refusal(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """Why the key of ``action`` cannot act now, as a sentence in the current language that
        names the reason (who may, or what state it needs); None when it can act."""
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.LIT_WHEN_REFUSED or self.refusal(action, parameters) is None:
            return True
        return None


def role_name(role: str) -> str:
    """A role as a person reads it in a sentence, in the current language (the Role enum's label:
    wijkverpleegkundige, wijkcoördinator, beheerder), never its code."""
    label = role_label(role, language())
    return label[:1].lower() + label[1:]


def refuse(node: DOMNode, reason: str) -> None:
    """The one way a key says why it cannot act: a warning with the reason, in the current language."""
    node.app.notify(reason, title=t("key.refused"), severity="warning", markup=False)


class VeldScreen(LocalisedKeys, ServiceCaller, ExplainsKeys, Screen[None]):
    """A top-level screen. ``HELP`` is the catalogue id of its F1 help text; ``KEYS`` its bindings."""

    HELP: ClassVar[str] = "help.general"
    TITLE_ID: ClassVar[str] = "app.title"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.use_own_keys()

    def key_help(self) -> list[tuple[str, str]]:
        """(key, description) of every binding this screen and the app offer: shown by F1 (a key
        the screen binds as the app does, such as F1 itself, once)."""
        own = self.own_bindings()
        keys = {b.key for b in own}
        return [
            (b.key, b.description)
            for b in [*own, *(b for b in self.veld.own_bindings() if b.key not in keys)]
        ]

    @property
    def veld(self) -> VeldApp:
        return self.app  # type: ignore[return-value]

    def not_for_role(self, message_id: str, **values: object) -> str:
        """A refusal because of the person's role: the message, its ``{role}`` filled in."""
        return t(message_id, role=role_name(self.veld.session.actor.role), **values)

    _refresh_queued = False

    def on_screen_resume(self) -> None:
        self.title = t(self.TITLE_ID)
        profile = self.veld.session.profile
        self.sub_title = f"{profile.node_id} · {role_label(profile.role, language())}"
        # Textual 8.2 resumes a mode's screen twice when it is first shown: coalesce into one reload.
        if not self._refresh_queued:
            self._refresh_queued = True
            self.call_after_refresh(self._run_refresh)

    def _run_refresh(self) -> None:
        self._refresh_queued = False
        self.refresh_data()

    def may(self, roles: tuple[str, ...]) -> bool:
        """Whether this role may take a step (the service's own role list); says why not before a
        form is typed in vain. The service checks again, and audits a refusal."""
        role = self.veld.session.actor.role
        if role in roles:
            return True
        self.notify(t("form.not_allowed", role=role_name(role)), severity="warning", markup=False)
        return False

    def refresh_data(self) -> None:
        """Reload what the screen shows (after a change, a merge or a language switch)."""
