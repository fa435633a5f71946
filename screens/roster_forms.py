"""Forms of the roster: a volunteer (new or edited), a mantelzorger (new or edited), a burden
measurement and the link of a carer to the client they care for.

Each is a ``FormScreen``: the service validates, errors show under their fields and what was typed
stays. An edit form opens prefilled and sends only what differs from what it opened with, so a change
made on another device to a field left alone is kept. Availability is ticked on a week grid
(``widgets.availability_picker``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, ClassVar

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Input, Select, SelectionList

from veldclient.domain import BurdenInstrument, Mantelzorger, RespiteNeed, Task, VogStatus, Volunteer, formats
from veldclient.screens.forms import FormScreen
from veldclient.screens.i18n import language, t
from veldclient.screens.roster_labels import RELATIONSHIPS
from veldclient.screens.widgets.availability_picker import AvailabilityPicker
from veldclient.services import carers, roster
from veldclient.services.carers import BurdenRecord


def _options(members: Iterable[Any]) -> list[tuple[Text, str]]:
    lang = language()
    return [(Text(m.label(lang)), m.value) for m in members]


def _picks(members: Iterable[Any], chosen: Iterable[Any]) -> SelectionList[str]:
    """A list to tick, with ``chosen`` ticked."""
    have = {getattr(c, "value", c) for c in chosen}
    lang = language()
    return SelectionList[str](*[(m.label(lang), m.value, m.value in have) for m in members], compact=True)


def _text(value: object) -> str:
    if value is None:
        return ""
    return formats.day(value, language()) if isinstance(value, date) else str(value)


class _EditForm(FormScreen[Any]):
    """New when ``record`` is None (saved by ``CREATE``), else an edit that sends only what changed
    (to ``UPDATE``)."""

    ASK_BEFORE_DISCARD = True
    CREATE: ClassVar[Callable[..., Any]]
    UPDATE: ClassVar[Callable[..., Any]]

    def __init__(self, record: Any = None) -> None:
        super().__init__()
        self.record = record

    def changes(self) -> dict[str, Any]:
        now = self.values()
        return {k: v for k, v in now.items() if v != self.initial.get(k)}

    def action_save(self) -> None:
        if self.record is None:
            self.submit(self.CREATE, self.values())
            return
        changes = self.changes()
        if not changes:
            self.dismiss(None)
            return
        self.submit(self.UPDATE, self.record.id, changes)


class VolunteerForm(_EditForm):
    HELP = "roster.form.help"
    CREATE = staticmethod(roster.register_volunteer)
    UPDATE = staticmethod(roster.update_volunteer)

    def title_text(self) -> str:
        return t("roster.form.volunteer_new" if self.record is None else "roster.form.volunteer_edit")

    def body(self) -> Iterable[Widget]:
        v: Volunteer | None = self.record
        yield self.field(
            "first_name", "roster.form.first_name", Input(v.first_name if v else "", compact=True)
        )
        yield self.field("last_name", "roster.form.last_name", Input(v.last_name if v else "", compact=True))
        yield self.field("pc4", "roster.form.pc4", Input(v.pc4 if v else "", compact=True))
        yield self.field(
            "birth_year", "roster.form.birth_year", Input(_text(v and v.birth_year), compact=True)
        )
        yield self.field("max_km", "roster.form.max_km", Input(_text(v and v.max_km), compact=True))
        yield self.field("phone", "roster.form.phone", Input(_text(v and v.phone), compact=True))
        yield self.field("email", "roster.form.email", Input(_text(v and v.email), compact=True))
        tasks = [task for task in Task if task is not Task.PERSOONLIJKE_VERZORGING]  # nursing, not volunteers
        yield self.field("tasks", "roster.form.tasks", _picks(tasks, v.tasks if v else ()))
        languages = ", ".join(sorted(v.languages)) if v else "nl"
        yield self.field("languages", "roster.form.languages", Input(languages, compact=True))
        grid = AvailabilityPicker(v.availability if v else frozenset())
        yield self.field("availability", "roster.form.availability", grid)
        status = Select(
            _options(VogStatus), value=(v.vog.status.value if v else "NONE"), allow_blank=False, compact=True
        )
        yield self.field("vog.status", "roster.form.vog_status", status)
        issued = Input(_text(v and v.vog.issued_on), compact=True)
        yield self.field("vog.issued_on", "roster.form.vog_date", issued)


class CarerForm(_EditForm):
    HELP = "roster.form.help"
    CREATE = staticmethod(carers.register)
    UPDATE = staticmethod(carers.update_mantelzorger)

    def title_text(self) -> str:
        return t("roster.form.carer_new" if self.record is None else "roster.form.carer_edit")

    def body(self) -> Iterable[Widget]:
        c: Mantelzorger | None = self.record
        yield self.field(
            "first_name", "roster.form.first_name", Input(c.first_name if c else "", compact=True)
        )
        yield self.field("last_name", "roster.form.last_name", Input(c.last_name if c else "", compact=True))
        yield self.field("pc4", "roster.form.pc4", Input(c.pc4 if c else "", compact=True))
        options = [(Text(t(msg)), code) for code, msg in RELATIONSHIPS.items()]
        if c is not None and c.relationship not in RELATIONSHIPS:
            options.append((Text(c.relationship), c.relationship))  # typed elsewhere: kept as it is
        relation = Select(options, prompt=t("caseload.form.choose"), compact=True)
        if c is not None:
            relation.value = c.relationship
        yield self.field("relationship", "roster.form.relationship", relation)
        yield self.field(
            "hours_per_week", "roster.form.hours", Input(_text(c and c.hours_per_week), compact=True)
        )
        yield self.field("phone", "roster.form.phone", Input(_text(c and c.phone), compact=True))
        yield self.field("since", "roster.form.since", Input(_text(c and c.since), compact=True))
        yield self.field(
            "respite_needs", "roster.form.respite", _picks(RespiteNeed, c.respite_needs if c else ())
        )
        if c is None:
            yield self.field("care_for_client_id", "roster.form.client", Input(compact=True))


class BurdenForm(FormScreen[BurdenRecord]):
    """A new burden measurement: instrument, score and the day it was measured (today by default)."""

    TITLE_ID = "roster.form.burden_title"
    HELP = "roster.form.help"
    ENTER_SAVES = True

    def __init__(self, carer_id: str, today: date) -> None:
        super().__init__()
        self.carer_id = carer_id
        self.today = today

    def body(self) -> Iterable[Widget]:
        # the score first: the instrument is EDIZ nearly always, so the typing starts there
        yield self.field("score", "roster.form.score", Input(compact=True))
        tool = Select(_options(BurdenInstrument), value="EDIZ", allow_blank=False, compact=True)
        yield self.field("instrument", "roster.form.instrument", tool)
        yield self.field(
            "measured_on", "roster.form.measured_on", Input(formats.day(self.today, language()), compact=True)
        )

    def action_save(self) -> None:
        self.submit(carers.record_burden, self.carer_id, self.values())


class LinkForm(FormScreen[Mantelzorger]):
    """The client of this node the carer cares for (empty: no link)."""

    TITLE_ID = "roster.form.link_title"
    HELP = "roster.form.help"
    ENTER_SAVES = True

    def __init__(self, carer_id: str, client_id: str | None) -> None:
        super().__init__()
        self.carer_id = carer_id
        self.client_id = client_id

    def body(self) -> Iterable[Widget]:
        yield self.field(
            "care_for_client_id", "roster.form.client", Input(self.client_id or "", compact=True)
        )

    def action_save(self) -> None:
        typed = str(self.values()["care_for_client_id"]).strip()
        self.submit(carers.link_carer, self.carer_id, typed or None)
