"""The one form framework: a modal whose fields are named like the domain's form fields.

Why every form works alike: a form collects raw text and choices, hands them to a service in a
worker (``self.call``) and lets the domain validate. On a ``ValidationError`` every ``FieldError`` is
shown under its own field and nothing the person typed is touched, so a wrong BSN costs one
correction, not a new form. A form dismisses with the service's result once it is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar, TypeVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, SelectionList, Static

from veldclient.errors import ValidationError, VeldError
from veldclient.screens.base import KeySpec, LocalisedKeys, ServiceCaller
from veldclient.screens.confirm import Confirm
from veldclient.screens.i18n import language, t
from veldclient.screens.widgets.fit_footer import FitFooter

ResultT = TypeVar("ResultT")


def _slug(field: str) -> str:
    return field.replace(".", "-").replace("_", "-")


def _value(widget: Widget) -> Any:
    """What a field holds, as raw form input for the domain (blank select -> None)."""
    if isinstance(widget, Input):
        return widget.value
    if isinstance(widget, Checkbox):
        return widget.value
    if isinstance(widget, Select):
        return None if widget.value is Select.NULL else widget.value
    if isinstance(widget, SelectionList):
        return list(widget.selected)
    form_value = getattr(widget, "form_value", None)  # a widget of our own says what it holds
    if callable(form_value):
        return form_value()
    raise TypeError(type(widget).__name__)


class DiscardChanges(Confirm):
    """Asks whether typed changes may be thrown away: True to throw away, False to keep editing."""

    YES_ID = "form.discard_yes"
    NO_ID = "form.discard_no"
    KEYS_ID = "form.discard_keys"

    def __init__(self) -> None:
        super().__init__(t("form.discard"))


class FormScreen(LocalisedKeys, ServiceCaller, ModalScreen[ResultT]):
    """A modal form whose fields are named like the domain's form fields (dotted for nested ones).

    It dismisses with what its service returned (``ResultT``), or None when cancelled. Bindings are
    rebuilt when a form opens, so they follow the current language. A subclass gives ``body`` (its
    fields, made with :meth:`field` and :meth:`group`) and ``action_save`` (one :meth:`submit`);
    the look of its rows is its own CSS, everything else is here."""

    DEFAULT_CSS = """
    FormScreen { align: center middle; }
    FormScreen > #form-box {
        width: 96; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    FormScreen .form-title { text-style: bold; color: $primary; }
    FormScreen .form-hint { color: $text-muted; }
    FormScreen .field, FormScreen .field-group { height: auto; }
    FormScreen .field > Horizontal { height: auto; }
    FormScreen .field Label { width: 36; padding-right: 1; }
    FormScreen .field Input, FormScreen .field Select { width: 1fr; }
    FormScreen .field Input.-textual-compact { background: $boost; }
    FormScreen .field SelectionList { width: 1fr; height: auto; }
    FormScreen .field-error { color: $error; padding-left: 36; height: auto; }
    FormScreen .field-error.-empty { display: none; }
    FormScreen #err-general { padding-left: 0; }
    FormScreen .advice { color: $success; padding-left: 36; height: auto; }
    FormScreen Checkbox { margin-left: 36; }
    """
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("ctrl+s", "save", "key.save"),
        ("escape", "cancel", "key.cancel"),
        ("f1", "app.help", "key.help"),  # a modal hides the app's keys; F1 stays (it reads HELP)
    )
    HELP: ClassVar[str] = "caseload.form.help"
    TITLE_ID: ClassVar[str] = "caseload.form.client_title"
    HINT_ID: ClassVar[str] = "form.hint"
    # Escape on a changed form asks before throwing the changes away (a long text is costly to
    # type again); a form of a few numbers closes at once.
    ASK_BEFORE_DISCARD: ClassVar[bool] = False
    # Enter in a text field saves: for a short form where Enter after the last number is "done";
    # a longer form keeps Enter for its lists and leaves saving to ctrl+s.
    ENTER_SAVES: ClassVar[bool] = False

    def __init__(self) -> None:
        super().__init__()
        self.use_own_keys()
        self.fields: dict[str, Widget] = {}
        self.groups: set[str] = set()
        self.initial: dict[str, Any] = {}
        self.saving = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="form-box"):
            yield Static(self.title_text(), classes="form-title", markup=False)
            yield Static(t(self.HINT_ID), classes="form-hint", markup=False)
            yield Static("", id="err-general", classes="field-error -empty", markup=False)
            yield from self.body()
        yield FitFooter()

    def title_text(self) -> str:
        return t(self.TITLE_ID)

    def body(self) -> Iterable[Widget]:
        raise NotImplementedError

    def field(self, name: str, label_id: str | None, widget: Widget, *, label: str | None = None) -> Widget:
        """A labelled field with its own error line underneath (hidden while empty).

        The label is a catalogue id, or ``label``: text already in the current language (the
        domain's enums label themselves)."""
        widget.id = f"f-{_slug(name)}"
        self.fields[name] = widget
        text = label if label is not None else t(label_id) if label_id else None
        row = Horizontal(Label(text, markup=False), widget) if text is not None else widget
        return Vertical(row, _error_line(name), classes="field")

    def group(self, name: str, *fields: Widget) -> Widget:
        """Fields named ``name.*`` kept together, with an error line for what is wrong with them as
        a whole (the beds per status that do not add up to the total) below the last of them."""
        self.groups.add(name)
        return Vertical(*fields, _error_line(name), classes="field-group")

    def on_mount(self) -> None:
        self.initial = self.values()
        first = next(iter(self.fields.values()), None)
        if first is not None:
            first.focus()

    # -- values and errors -------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """The raw input, nested by the dotted field names (``referrer.name`` -> referrer/name)."""
        out: dict[str, Any] = {}
        for name, widget in self.fields.items():
            node = out
            *parents, leaf = name.split(".")
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = _value(widget)
        return out

    def changed(self) -> bool:
        """Whether anything differs from what the form opened with."""
        return self.values() != self.initial

    def clear_errors(self) -> None:
        for error in self.query(".field-error").results(Static):
            error.update("")
            error.add_class("-empty")

    def show_errors(self, error: VeldError) -> None:
        """Each field's problems under that field; anything else on the general line. The first
        field with a problem gets the focus, so the person can correct it straight away."""
        self.saving = False
        self.clear_errors()
        if not isinstance(error, ValidationError):
            self._put("err-general", error.message(language()))
            return
        lang = language()
        lines: dict[str, list[str]] = {}
        for problem in error.errors:
            owner = self._owner(problem.field)
            if owner is None:
                text = t("form.other_error", field=problem.field, message=problem.message(lang))
                lines.setdefault("err-general", []).append(text)
            else:
                lines.setdefault(f"err-{_slug(owner)}", []).append(problem.message(lang))
        for target, texts in lines.items():
            self._put(target, "\n".join(texts))
        owners = (self._owner(p.field) for p in error.errors)
        first = next((owner for owner in owners if owner in self.fields), None)
        if first is not None:
            self.fields[first].focus()
        self._show_first_error()

    def _show_first_error(self) -> None:
        """Scroll the form so the first error, with every line of it, is on the screen (a form
        taller than the terminal scrolls; an error under the last field would be out of sight)."""
        shown = [e for e in self.query(".field-error").results(Static) if not e.has_class("-empty")]
        if shown:
            self.call_after_refresh(shown[0].scroll_visible, animate=False, top=False)

    def _owner(self, field: str) -> str | None:
        """Where an error belongs: the field or group of that name, or the closest enclosing one."""
        parts = field.split(".")
        while parts:
            name = ".".join(parts)
            if name in self.fields or name in self.groups:
                return name
            parts.pop()
        return None

    def _put(self, error_id: str, text: str) -> None:
        target = self.query_one(f"#{error_id}", Static)
        target.update(text)
        target.set_class(not text, "-empty")
        if text and error_id == "err-general":
            self._show_first_error()

    # -- actions -----------------------------------------------------------------------------------

    def submit(self, fn: Callable[..., ResultT], *args: Any, **kwargs: Any) -> None:
        """Hand the input to a service; saved -> dismiss with its result, refused -> show why."""
        if self.saving:
            return
        self.saving = True
        self.call(fn, *args, done=self.saved, failed=self.show_errors, **kwargs)

    def saved(self, result: ResultT) -> None:
        self.saving = False
        self.dismiss(result)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.ENTER_SAVES:
            event.stop()
            self.action_save()

    def action_cancel(self) -> None:
        if not (self.ASK_BEFORE_DISCARD and self.changed()):
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(DiscardChanges(), answered)

    def action_save(self) -> None:
        raise NotImplementedError


def _error_line(name: str) -> Static:
    return Static("", id=f"err-{_slug(name)}", classes="field-error -empty", markup=False)


__all__ = ["DiscardChanges", "FormScreen"]
