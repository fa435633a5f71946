"""Forms of the caseload: new client, new placement request (triage with live advice), offer, decline.

Why they look alike: each form collects raw text and choices, hands them to the service in a worker
(``self.call``) and lets the domain validate. On a ``ValidationError`` every ``FieldError`` is shown
under its own field and nothing the person typed is touched, so a wrong BSN costs one correction, not
a new form. Each form dismisses with the service's result once it is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Checkbox, Footer, Input, Label, Select, SelectionList, Static

from veldclient.domain import Capability, CareType, ReferrerRole, Urgency
from veldclient.errors import ValidationError, VeldError
from veldclient.screens.base import KeySpec, LocalisedKeys, ServiceCaller
from veldclient.screens.i18n import language, t
from veldclient.services import caseload_view, clients, placements
from veldclient.services import placement_flow as flow

TRIAGE = (
    ("instability", "caseload.form.instability"),
    ("unplanned_nursing", "caseload.form.unplanned_nursing"),
    ("adl_takeover", "caseload.form.adl_takeover"),
    ("wlz_indication", "caseload.form.wlz_indication"),
    ("specialist_needed", "caseload.form.specialist_needed"),
)


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


class ClientForm(FormScreen):
    """Register a client (nurse only; the service refuses other roles and says why)."""

    TITLE_ID = "caseload.form.client_title"

    def body(self) -> Iterable[Widget]:
        yield self.field("name", "caseload.form.name", Input(compact=True))
        yield self.field(
            "birth_date", "caseload.form.birth_date", Input(compact=True, placeholder="1940-05-31")
        )
        yield self.field("postcode", "caseload.form.postcode", Input(compact=True, placeholder="7511 JM"))
        yield self.field("bsn", "caseload.form.bsn", Input(compact=True))
        yield self.field("address", "caseload.form.address", Input(compact=True))
        yield self.field("gp_agb", "caseload.form.gp_agb", Input(compact=True))
        yield self.field("wlz_indicatie", None, Checkbox(t("caseload.form.wlz"), compact=True))

    def action_save(self) -> None:
        self.submit(clients.register_client, self.values())


def _options(enum: Iterable[Any]) -> list[tuple[Text, str]]:
    lang = language()
    return [(Text(member.label(lang)), member.value) for member in enum]


class PlacementForm(FormScreen):
    """A placement request with triage: the suggested care type updates as boxes are ticked."""

    def __init__(self, client_id: str, client_name: str, *, today: str, wlz: bool = False) -> None:
        super().__init__()
        self.client_id = client_id
        self.client_name = client_name
        self.today = today
        self.wlz = wlz

    def title_text(self) -> str:
        return t("caseload.form.request_title", name=self.client_name)

    def body(self) -> Iterable[Widget]:
        yield self.field("referrer.name", "caseload.form.referrer_name", Input(compact=True))
        yield self.field(
            "referrer.role",
            "caseload.form.referrer_role",
            Select(_options(ReferrerRole), prompt=t("caseload.form.choose"), compact=True),
        )
        yield self.field("referrer.agb", "caseload.form.referrer_agb", Input(compact=True))
        yield self.field(
            "urgency",
            "caseload.form.urgency",
            Select(_options(Urgency), prompt=t("caseload.form.choose"), compact=True),
        )
        yield Label(t("caseload.form.triage"), markup=False)
        for key, label_id in TRIAGE:
            box = Checkbox(t(label_id), value=self.wlz and key == "wlz_indication", compact=True)
            yield self.field(f"triage.{key}", None, box)
        yield Static(self.advice_text(), id="advice", classes="advice", markup=False)
        yield self.field(
            "care_type",
            "caseload.form.care_type",
            Select(_options(CareType), prompt=t("caseload.form.choose"), compact=True),
        )
        capabilities = SelectionList[str](*((label, code) for label, code in _options(Capability)))
        yield self.field("required_capabilities", "caseload.form.capabilities", capabilities)
        yield self.field("desired_start", "caseload.form.desired_start", Input(self.today, compact=True))
        yield self.field("expected_end", "caseload.form.expected_end", Input(compact=True))

    def advice_text(self) -> str:
        """The ELV rules applied to what is ticked now (pure domain code, no I/O)."""
        triage = {key: False for key, _ in TRIAGE}
        triage["wlz_indication"] = self.wlz
        for name, widget in self.fields.items():
            if name.startswith("triage.") and isinstance(widget, Checkbox):
                triage[name.split(".", 1)[1]] = widget.value
        return t("caseload.form.advice", reason=placements.advise(triage).reason(language()))

    def on_checkbox_changed(self, _event: Checkbox.Changed) -> None:
        self.query_one("#advice", Static).update(self.advice_text())

    def action_save(self) -> None:
        self.submit(placements.file_placement_request, self.client_id, self.values())


class OfferForm(FormScreen):
    """Offer a bed at one of the own node's locations that report this care type."""

    TITLE_ID = "caseload.form.offer_title"

    def __init__(self, request_id: str, care_type: str) -> None:
        super().__init__()
        self.request_id = request_id
        self.care_type = care_type

    def body(self) -> Iterable[Widget]:
        select: Select[str] = Select([], prompt=t("caseload.form.choose"), compact=True)
        yield self.field("location_id", "caseload.form.location", select)

    def on_mount(self) -> None:
        super().on_mount()
        self.call(caseload_view.offer_options, self.care_type, done=self._options)

    def _options(self, rows: list[Mapping[str, Any]]) -> None:
        select = self.fields["location_id"]
        assert isinstance(select, Select)
        if not rows:
            self._put("err-general", t("caseload.form.no_locations"))
            return
        select.set_options(
            (
                Text(
                    t("caseload.form.location_unreported", name=r["location_name"])
                    if r["free"] is None  # nobody reported its beds yet: unknown, not free
                    else t("caseload.form.location_option", name=r["location_name"], free=r["free"])
                ),
                r["location_id"],
            )
            for r in rows
        )
        select.value = rows[0]["location_id"]

    def action_save(self) -> None:
        values = self.values()
        self.submit(flow.offer, self.request_id, values.get("location_id") or "", self.care_type)


class DeclineForm(FormScreen):
    """Decline a request (receiving node) or one offer (sending node), with an optional note."""

    TITLE_ID = "caseload.form.decline_title"

    def __init__(self, request_id: str, offer_id: str | None = None) -> None:
        super().__init__()
        self.request_id = request_id
        self.offer_id = offer_id

    def body(self) -> Iterable[Widget]:
        yield self.field("reason", "caseload.form.reason", Input(compact=True))

    def action_save(self) -> None:
        reason = self.values()["reason"] or None
        self.submit(flow.decline, self.request_id, self.offer_id, reason=reason)


__all__ = ["ClientForm", "DeclineForm", "FormScreen", "OfferForm", "PlacementForm"]
