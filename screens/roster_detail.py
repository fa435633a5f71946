"""Profiles opened from the roster: a volunteer (with availability grid and VOG) and a mantelzorger.

Both load in a worker (``roster_view.volunteer_profile`` / ``mantelzorger_profile``, each audited as
a read) and show "loading…" until then. Every value that a person typed is drawn with
``markup=False``. The mantelzorger's burden is shown as the service sent it: category for a
coordinator, score too for a nurse, nothing for an admin; below it every measurement, the trend and
the respite advice (``carers.burden_record``). e edits either profile, b records a new burden
measurement and l links the carer to the client they care for (``roster_forms``).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from veldclient.domain import Availability, Dagdeel, Mantelzorger, Volunteer, Weekday
from veldclient.screens import roster_labels as lbl
from veldclient.screens.base import KeySpec, VeldScreen
from veldclient.screens.i18n import language, t
from veldclient.screens.widgets.fit_footer import FitFooter
from veldclient.services import carers, roster, roster_view
from veldclient.services.carers import BurdenRecord
from veldclient.services.roster_view import MantelzorgerProfile, VolunteerProfile

AVAILABLE, UNAVAILABLE = "●", "·"


def grid_text(slots: frozenset[Availability]) -> str:
    """Weekday columns (MA..ZO) by dagdeel rows; a filled dot where the person can help, so the
    grid reads without colour."""
    have = {(a.weekday, a.dagdeel) for a in slots}
    label_width = max(len(lbl.dagdeel_label(d)) for d in Dagdeel) + 2
    lines = [" " * label_width + "".join(f"{lbl.weekday_short(w):<4}" for w in Weekday).rstrip()]
    for part in Dagdeel:
        cells = "".join(f"{AVAILABLE if (w, part) in have else UNAVAILABLE:<4}" for w in Weekday)
        lines.append(f"{lbl.dagdeel_label(part):<{label_width}}" + cells.rstrip())
    lines.append(t("roster.grid.legend", yes=AVAILABLE, no=UNAVAILABLE))
    return "\n".join(lines)


class AvailabilityGrid(Static):
    """The week as a 7 × 3 grid (weekday × ochtend/middag/avond)."""

    DEFAULT_CSS = """
    AvailabilityGrid { height: auto; padding: 0 0 1 2; }
    """

    def __init__(self, slots: frozenset[Availability] = frozenset(), *, id: str | None = None) -> None:
        super().__init__(grid_text(slots), id=id, markup=False)

    def show(self, slots: frozenset[Availability]) -> None:
        self.update(grid_text(slots))


class ProfileScreen(VeldScreen):
    """Shared layout of a profile: a scrolling column, Escape back, r to reload."""

    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("escape", "close", "key.close"),
        ("r", "refresh", "key.refresh"),
    )
    DEFAULT_CSS = """
    ProfileScreen #profile { padding: 0 1; }
    ProfileScreen .heading { text-style: bold; color: $primary; padding-top: 1; }
    ProfileScreen .vog-expired { color: $error; text-style: bold; }
    ProfileScreen .vog-expiring { color: $warning; text-style: bold; }
    ProfileScreen .overloaded { color: $warning; text-style: bold; }
    """

    def __init__(self, record_id: str) -> None:
        super().__init__()
        self.record_id = record_id

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_refresh(self) -> None:
        self.refresh_data()


class VolunteerScreen(ProfileScreen):
    HELP = "roster.volunteer.help"
    TITLE_ID = "roster.volunteer.title"
    KEYS: ClassVar[tuple[KeySpec, ...]] = (*ProfileScreen.KEYS, ("e", "edit", "roster.key.edit"))
    volunteer: Volunteer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="profile"):
            yield Static(t("table.loading"), id="vol-name", classes="area-title", markup=False)
            yield Static("", id="vol-facts", markup=False)
            yield Static("", id="vol-vog", markup=False)
            yield Static(t("roster.volunteer.availability"), classes="heading")
            yield AvailabilityGrid(id="vol-grid")
            yield Static(t("roster.volunteer.matches"), classes="heading")
            yield Static("", id="vol-matches", markup=False)
        yield FitFooter()

    def refresh_data(self) -> None:
        self.call(roster_view.volunteer_profile, self.record_id, done=self._show)

    def action_edit(self) -> None:
        from veldclient.screens.roster_forms import VolunteerForm

        if not self.may(roster.ROSTER_WRITE):
            return
        if self.volunteer is None:
            self.notify(t("table.loading"), markup=False)
            return
        self.app.push_screen(VolunteerForm(self.volunteer), self._after_edit)

    def _after_edit(self, saved: Volunteer | None) -> None:
        if saved is not None:
            self.notify(t("roster.form.saved", name=f"{saved.first_name} {saved.last_name}"), markup=False)
            self.refresh_data()

    def _show(self, profile: VolunteerProfile) -> None:
        v = self.volunteer = profile.volunteer
        self.query_one("#vol-name", Static).update(f"{v.first_name} {v.last_name}")
        facts = [
            t("roster.volunteer.where", pc4=v.pc4, km=v.max_km, year=v.birth_year),
            t("roster.volunteer.contact", phone=v.phone or "–", email=v.email or "–"),
            t("roster.volunteer.tasks", tasks=lbl.tasks_text(v.tasks)),
            t("roster.volunteer.languages", languages=lbl.languages_text(v.languages)),
        ]
        self.query_one("#vol-facts", Static).update("\n".join(facts))
        vog = self.query_one("#vol-vog", Static)
        issued = t("roster.vog.issued", day=lbl.day(profile.vog.issued_on)) if profile.vog.issued_on else ""
        vog.update(t("roster.volunteer.vog", vog=lbl.vog_text(profile.vog), issued=issued))
        for state in ("expired", "expiring"):
            vog.set_class(profile.vog.state == state, f"vog-{state}")
        self.query_one("#vol-grid", AvailabilityGrid).show(v.availability)
        lines = [
            t(
                "roster.volunteer.match_line",
                task=m.task.label(language()),
                start=lbl.day(m.window_start),
                end=lbl.day(m.window_end),
                status=m.status.label(language()),
            )
            for m in profile.matches
        ]
        self.query_one("#vol-matches", Static).update("\n".join(lines) or t("roster.volunteer.no_matches"))


class MantelzorgerScreen(ProfileScreen):
    HELP = "roster.carer.help"
    TITLE_ID = "roster.carer.title"
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        *ProfileScreen.KEYS,
        ("e", "edit", "roster.key.edit"),
        ("b", "burden", "roster.key.burden"),
        ("l", "link", "roster.key.link"),
    )
    carer: Mantelzorger | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="profile"):
            yield Static(t("table.loading"), id="mz-name", classes="area-title", markup=False)
            yield Static("", id="mz-facts", markup=False)
            yield Static(t("roster.carer.burden_heading"), classes="heading")
            yield Static("", id="mz-burden", markup=False)
            yield Static("", id="mz-history", markup=False)
            yield Static(t("roster.carer.requests"), classes="heading")
            yield Static("", id="mz-requests", markup=False)
        yield FitFooter()

    def refresh_data(self) -> None:
        self.call(roster_view.mantelzorger_profile, self.record_id, done=self._show)
        if self.veld.session.actor.role in carers.BURDEN:  # an admin sees no burden at all
            self.call(carers.burden_record, self.record_id, done=self._show_history)

    def _show_history(self, record: BurdenRecord) -> None:
        """Every measurement by date, how the category moved, and what to do about it."""
        lang = language()
        if not record.history:
            self.query_one("#mz-history", Static).update("")
            return
        lines = [t("roster.carer.measurements")]
        lines += [f"  {lbl.day(day)}  {lbl.burden_text(view)}" for day, view in record.history]
        if record.trend is not None:
            lines.append(t("roster.carer.trend", trend=record.trend.label(lang)))
        if record.advice is not None:
            if not record.history[-1][1].heavy:  # a heavy burden has its own line above
                lines.append(record.advice.text(lang))
            again = record.advice.remeasure_on
            late = again < self.veld.session.today()
            lines.append(
                t("roster.carer.remeasure_late" if late else "roster.carer.remeasure", day=lbl.day(again))
            )
        self.query_one("#mz-history", Static).update("\n".join(lines))

    def action_edit(self) -> None:
        from veldclient.screens.roster_forms import CarerForm

        if not self.may(carers.CARERS):
            return
        if self.carer is not None:
            self.app.push_screen(CarerForm(self.carer), self._after_change)

    def action_burden(self) -> None:
        from veldclient.screens.roster_forms import BurdenForm

        if not self.may(carers.BURDEN):
            return
        self.app.push_screen(BurdenForm(self.record_id, self.veld.session.today()), self._after_change)

    def action_link(self) -> None:
        from veldclient.screens.roster_forms import LinkForm

        if not self.may(carers.CARERS):
            return
        if self.carer is not None:
            self.app.push_screen(LinkForm(self.record_id, self.carer.care_for_client_id), self._after_change)

    def _after_change(self, saved: object) -> None:
        if saved is not None:
            self.notify(t("roster.form.saved_plain"), markup=False)
            self.refresh_data()

    def _show(self, profile: MantelzorgerProfile) -> None:
        c, lang = profile.carer, language()
        self.carer = c
        self.query_one("#mz-name", Static).update(f"{c.first_name} {c.last_name}")
        needs = ", ".join(sorted(n.label(lang) for n in c.respite_needs)) or "–"
        facts = [
            t(
                "roster.carer.facts",
                pc4=c.pc4,
                relationship=lbl.relationship_text(c.relationship),
                hours=lbl.hours_text(c.hours_per_week),
                since=lbl.day(c.since),
            ),
            t("roster.carer.phone", phone=c.phone or "–"),
            t("roster.carer.cares_for", client=c.care_for_client_id or "–"),
            t("roster.carer.respite", needs=needs),
        ]
        self.query_one("#mz-facts", Static).update("\n".join(facts))
        burden = self.query_one("#mz-burden", Static)
        b = profile.burden
        if b is None:
            text = t("roster.carer.burden_none") if self.veld.session.actor.role != "admin" else "–"
        else:
            text = lbl.burden_text(b)
            if b.measured_on is not None:
                text += "\n" + t("roster.carer.measured", day=lbl.day(b.measured_on))
            if b.score is None:
                text += "\n" + t("roster.carer.score_hidden")
            if b.heavy:
                text += "\n" + t("roster.carer.respite_flag")
        burden.update(text)
        burden.set_class(b is not None and b.heavy, "overloaded")
        lines = [f"{r.task.label(lang)} — {r.status.label(lang)}" for r in profile.help_requests]
        self.query_one("#mz-requests", Static).update("\n".join(lines) or t("roster.carer.no_requests"))
