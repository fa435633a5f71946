"""The one form framework: a modal whose fields are named like the domain's form fields.

Why every form works alike: a form collects raw text and choices, hands them to a service in a
worker (``self.call``) and lets the domain validate. On a ``ValidationError`` every ``FieldError`` is
shown under its own field and nothing the person typed is touched, so a wrong BSN costs one
correction, not a new form. A form dismisses with the service's result once it is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Checkbox, Footer, Input, Label, Select, SelectionList, Static

from veldclient.errors import ValidationError, VeldError
from veldclient.screens.base import KeySpec, LocalisedKeys, ServiceCaller
from veldclient.screens.i18n import language, t


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
    raise TypeError(type(widget).__name__)


class FormScreen(LocalisedKeys, ServiceCaller, ModalScreen[Any]):
    """A modal form whose fields are named like the domain's form fields (dotted for nested ones).

    Bindings are rebuilt when a form opens, so they follow the current language."""

    DEFAULT_CSS = """
    FormScreen { align: center middle; }
    FormScreen > #form-box {
        width: 96; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    FormScreen .form-title { text-style: bold; color: $primary; }
    FormScreen .form-hint { color: $text-muted; }
    FormScreen .field { height: auto; }
    FormScreen .field > Horizontal { height: auto; }
    FormScreen .field Label { width: 36; }
    FormScreen .field Input, FormScreen .field Select { width: 1fr; }
    FormScreen .field Input { background: $boost; }
    FormScreen .field SelectionList { width: 1fr; height: auto; border: none; padding: 0; }
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

    def __init__(self) -> None:
        super().__init__()
        self.use_own_keys()
        self.fields: dict[str, Widget] = {}
        self.saving = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="form-box"):
            yield Static(self.title_text(), classes="form-title", markup=False)
            yield Static(t("caseload.form.hint"), classes="form-hint", markup=False)
            yield Static("", id="err-general", classes="field-error -empty", markup=False)
            yield from self.body()
        yield Footer()

    def title_text(self) -> str:
        return t(self.TITLE_ID)

    def body(self) -> Iterable[Widget]:
        raise NotImplementedError

    def field(self, name: str, label_id: str | None, widget: Widget) -> Widget:
        """A labelled field with its own error line underneath (hidden while empty)."""
        widget.id = f"f-{_slug(name)}"
        self.fields[name] = widget
        row = Horizontal(Label(t(label_id), markup=False), widget) if label_id else widget
        error = Static("", id=f"err-{_slug(name)}", classes="field-error -empty", markup=False)
        return Vertical(row, error, classes="field")

    def on_mount(self) -> None:
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

    def clear_errors(self) -> None:
        for error in self.query(".field-error").results(Static):
            error.update("")
            error.add_class("-empty")

    def show_errors(self, error: VeldError) -> None:
        """Each field's problems under that field; anything else on the general line."""
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
                text = t("caseload.form.other_error", field=problem.field, message=problem.message(lang))
                lines.setdefault("err-general", []).append(text)
            else:
                lines.setdefault(f"err-{_slug(owner)}", []).append(problem.message(lang))
        for target, texts in lines.items():
            self._put(target, "\n".join(texts))
        first = next((self._owner(p.field) for p in error.errors if self._owner(p.field)), None)
        if first is not None:
            self.fields[first].focus()

    def _owner(self, field: str) -> str | None:
        """The form field an error belongs to: the same name, or the closest enclosing one."""
        parts = field.split(".")
        while parts:
            name = ".".join(parts)
            if name in self.fields:
                return name
            parts.pop()
        return None

    def _put(self, error_id: str, text: str) -> None:
        target = self.query_one(f"#{error_id}", Static)
        target.update(text)
        target.set_class(not text, "-empty")

    # -- actions -----------------------------------------------------------------------------------

    def submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Hand the input to a service; saved -> dismiss with its result, refused -> show why."""
        if self.saving:
            return
        self.saving = True
        self.call(fn, *args, done=self.saved, failed=self.show_errors, **kwargs)

    def saved(self, result: Any) -> None:
        self.saving = False
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        raise NotImplementedError


__all__ = ["FormScreen"]
