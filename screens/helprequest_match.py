"""Matching one help request: its matches with their next steps, and ranked candidates with reasons.

The candidates come from ``services.matching.rank`` (best first, each with the readable reasons the
domain gives for the score); ``u`` adds everyone filtered out, with why. ``p`` proposes the
highlighted candidate; a, c, d, w and k take the highlighted match one step (the volunteer said yes,
the requester confirmed, declined, withdrawn, help given). Keys that do not apply to what is
highlighted are shown dimmed rather than hidden. The footer holds F1 and the steps taken most, so it
fits 80 columns; F1 help and the palette list every key. After
every step both lists reload from the services, which are the only judge of what is allowed.

s edits the summary and the period (``helprequest_form``). Under the summary a warning line names
what it holds that no volunteer may see (the export holds that back). A request whose period is over
is shown as expired, with what the coordinator can do, and lists no candidates: the service refuses
to rank it rather than filtering out every volunteer with the same reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from veldclient.domain import HelpRequestStatus, MatchStatus, formats
from veldclient.domain import matching as dm
from veldclient.errors import ValidationError, VeldError
from veldclient.screens.base import KeySpec, VeldScreen
from veldclient.screens.confirm import ask
from veldclient.screens.i18n import language, t
from veldclient.screens.roster_labels import day, languages_text
from veldclient.screens.widgets.fit_footer import FitFooter
from veldclient.screens.widgets.why import WhyPane
from veldclient.services import matching, roster_view
from veldclient.services.matching import RequestExpired
from veldclient.services.roster import HelpRequestSaved
from veldclient.services.roster_view import HelpRequestView, MatchView

CANDIDATES = 20  # eligible volunteers shown
EXCLUDED_SHOWN = 200  # with ``u``: at most this many filtered-out volunteers listed

# action -> (service step, status it leads to)
STEPS: dict[str, tuple[Callable[..., MatchStatus], MatchStatus]] = {
    "accept": (matching.accept, MatchStatus.ACCEPTED),
    "confirm": (matching.confirm, MatchStatus.CONFIRMED),
    "decline": (matching.decline, MatchStatus.DECLINED),
    "withdraw": (matching.withdraw, MatchStatus.WITHDRAWN),
    "complete": (matching.complete, MatchStatus.COMPLETED),
}


def ranked(session: Any, request_id: str, with_excluded: bool) -> list[dm.Candidate]:
    """Runs in a worker: the best candidates, then (if asked) a bounded list of those filtered out."""
    result = matching.rank(session, request_id, limit=CANDIDATES, explain=with_excluded)
    eligible = [c for c in result if c.eligible]
    excluded = [c for c in result if not c.eligible][:EXCLUDED_SHOWN]
    return eligible + excluded


def candidate_prompt(c: dm.Candidate, n: int) -> Content:
    """A candidate as plain Content: a name like "Jan [test]" is text, never markup. Rank, score
    (0-100) and distance first, in columns, the name last, so the numbers line up at any width. No
    line starts with a space (OptionList drops leading whitespace), so the rank is padded right."""
    if c.eligible:
        km = "? km" if c.distance_km is None else formats.km(c.distance_km, language())
        return Content(f"{f'{n}.':<4}{c.score:>3}  {km:>7}  {c.name}")
    assert c.excluded is not None
    reason = c.excluded[0 if language() == "nl" else 1]
    return Content(f"{'–':<4}{c.name}: {reason}")


def match_prompt(m: MatchView) -> Content:
    """A match: its score when proposed (0-100, whole points) first, then status and name; padded on
    the right, as no line may start with a space."""
    return Content(f"{round(m.score):<3}  {m.status.label(language())}  {m.name}")


class MatchScreen(VeldScreen):
    HELP = "helprequests.match.help"
    TITLE_ID = "helprequests.match.title"
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("f1", "app.help", "key.help"),  # first in the footer: it lists the keys the footer leaves out
        ("f10", "app.quit", "key.quit"),  # as the app's, but kept out of this footer
        ("escape", "close", "key.close"),
        ("p", "propose", "helprequests.key.propose"),
        ("a", "accept", "helprequests.key.accept"),
        ("c", "confirm", "helprequests.key.confirm"),
        ("d", "decline", "helprequests.key.decline"),
        ("w", "withdraw", "helprequests.key.withdraw"),
        ("k", "complete", "helprequests.key.complete"),
        ("u", "toggle_excluded", "helprequests.key.excluded"),
        ("s", "edit", "helprequests.key.edit"),
        ("e", "export", "helprequests.key.export"),
        ("r", "refresh", "key.refresh"),
    )
    # the footer holds what is done most (propose, the volunteer's yes, confirm, decline) from 80
    # columns up; the rest is in F1 help and the palette
    FOOTER_HIDES = frozenset(
        {"close", "withdraw", "complete", "toggle_excluded", "edit", "export", "refresh", "app.quit"}
    )
    DEFAULT_CSS = """
    MatchScreen #req { height: auto; padding: 0 1; }
    MatchScreen #match-body { height: 1fr; }
    MatchScreen #match-left { width: 1fr; padding: 0 1; }
    MatchScreen #match-right { width: 1fr; min-width: 30; padding: 0 1; border-left: vkey $panel-lighten-2; }
    MatchScreen #reasons { padding: 0; }
    MatchScreen .heading { text-style: bold; color: $primary; padding-top: 1; }
    MatchScreen .req-warning { color: $warning; text-style: bold; }
    MatchScreen .req-warning.-empty { display: none; }
    MatchScreen #matches { height: auto; max-height: 8; }
    MatchScreen #candidates { height: 1fr; }
    MatchScreen OptionList { text-wrap: nowrap; text-overflow: ellipsis; }
    MatchScreen #match-steps { height: auto; }
    """

    def __init__(self, request_id: str) -> None:
        super().__init__()
        self.request_id = request_id
        self.view: HelpRequestView | None = None
        self.candidates: list[dm.Candidate] = []
        self.with_excluded = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="req"):
            yield Static(t("table.loading"), id="req-title", classes="area-title", markup=False)
            yield Static("", id="req-for", markup=False)
            yield Static("", id="req-summary", markup=False)
            yield Static("", id="req-warning", classes="req-warning -empty", markup=False)
            yield Static("", id="req-facts", classes="muted", markup=False)
            yield Static("", id="req-expired", classes="req-warning -empty", markup=False)
        with Horizontal(id="match-body"):
            with Vertical(id="match-left"):
                yield Static(t("helprequests.match.matches"), classes="heading")
                yield OptionList(id="matches")
                yield Static("", id="match-steps", classes="muted", markup=False)
                yield Static(t("helprequests.match.candidates"), classes="heading")
                yield OptionList(id="candidates")
            with VerticalScroll(id="match-right"):  # a long list of reasons scrolls, never cut off
                yield Static(t("helprequests.match.why"), classes="heading")
                yield WhyPane(id="reasons")
        yield FitFooter()

    def on_mount(self) -> None:
        self.query_one("#candidates", OptionList).focus()

    # -- data ------------------------------------------------------------------------------------

    def refresh_data(self) -> None:
        self.call(roster_view.help_request_view, self.request_id, done=self._show_request)
        self._rank()

    def _rank(self) -> None:
        self.call(
            ranked, self.request_id, self.with_excluded, done=self._show_candidates, failed=self._not_ranked
        )

    def _show_request(self, view: HelpRequestView) -> None:
        keep = self._highlighted_match()  # stay on the same match across a reload
        self.view = view
        r, lang = view.request, language()
        title = t(
            "helprequests.match.heading", task=r.task.label(lang), pc4=r.pc4, status=view.status.label(lang)
        )
        self.query_one("#req-title", Static).update(title)
        who = r.on_behalf_of.label(lang).lower()
        own = r.node_id == self.veld.session.actor.node_id
        for_whom = (
            t("helprequests.match.for_whom", name=view.subject, who=who)
            if view.subject
            else t("helprequests.match.for_whom_unnamed", who=who)
            if not own
            else ""
        )
        self.query_one("#req-for", Static).update(for_whom)
        self.query_one("#req-for", Static).display = bool(for_whom)
        self.query_one("#req-summary", Static).update(" ".join(r.summary.split()))
        warning = view.screening.warning()
        self._line("#req-warning", "" if warning is None else warning[0 if lang == "nl" else 1])
        expired = ""
        if view.status is HelpRequestStatus.EXPIRED:
            which = "helprequests.match.lapsed" if view.lapsed else "helprequests.match.closed_expired"
            expired = t(which, end=day(r.window.end))
        self._line("#req-expired", expired)
        slots = [(a.weekday.value, a.dagdeel.value) for a in r.window.availability]
        facts = t(
            "helprequests.match.facts",
            start=day(r.window.start),
            end=day(r.window.end),
            slots=dm.slots_text(slots)[0 if lang == "nl" else 1] or t("helprequests.match.any_time"),
            language=languages_text([r.language or "nl"]),
            vog=t("helprequests.match.vog_required")
            if r.requires_vog
            else t("helprequests.match.vog_not_required"),
        )
        self.query_one("#req-facts", Static).update(facts)
        matches = self.query_one("#matches", OptionList)
        matches.set_options([Option(match_prompt(m), id=m.match_id) for m in view.matches])
        if not view.matches:
            matches.add_option(Option(Content(t("helprequests.match.no_matches")), disabled=True))
        elif keep is not None and keep.match_id in {m.match_id for m in view.matches}:
            matches.highlighted = [m.match_id for m in view.matches].index(keep.match_id)
        else:
            matches.highlighted = 0
        self._show_steps()
        self.refresh_bindings()

    def _line(self, selector: str, text: str) -> None:
        line = self.query_one(selector, Static)
        line.update(text)
        line.set_class(not text, "-empty")

    def _not_ranked(self, error: VeldError) -> None:
        if not isinstance(error, RequestExpired):
            self.notify(error.message(language()), severity="error", markup=False)
            return
        self.candidates = []
        options = self.query_one("#candidates", OptionList)
        options.set_options([Option(Content(t("helprequests.match.expired_candidates")), disabled=True)])
        self._show_reasons()
        self.refresh_bindings()

    def _show_candidates(self, candidates: list[dm.Candidate]) -> None:
        self.candidates = candidates
        options = self.query_one("#candidates", OptionList)
        options.set_options(
            [Option(candidate_prompt(c, n), id=c.volunteer_id) for n, c in enumerate(candidates, start=1)]
        )
        if not candidates:
            options.add_option(Option(Content(t("helprequests.match.no_candidates")), disabled=True))
        else:
            options.highlighted = 0
        self._show_reasons()
        self.refresh_bindings()

    # -- what is highlighted ---------------------------------------------------------------------

    def _highlighted_match(self) -> MatchView | None:
        if self.view is None or not self.view.matches:
            return None
        index = self.query_one("#matches", OptionList).highlighted
        return self.view.matches[index] if index is not None and index < len(self.view.matches) else None

    def _highlighted_candidate(self) -> dm.Candidate | None:
        index = self.query_one("#candidates", OptionList).highlighted
        return self.candidates[index] if index is not None and index < len(self.candidates) else None

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "candidates":
            self._show_reasons()
        else:
            self._show_steps()
        self.refresh_bindings()

    def _show_reasons(self) -> None:
        c = self._highlighted_candidate()
        box = self.query_one("#reasons", WhyPane)
        if c is None:
            box.clear()
            return
        if c.excluded is not None:
            reason = c.excluded[0 if language() == "nl" else 1]
            box.show_text(f"{c.name}\n" + t("helprequests.match.excluded", reason=reason))
            return
        box.show(c.name, c.score, c.reasons)

    @staticmethod
    def _step_names(m: MatchView) -> str:
        """The steps the match can take next, by the names of their keys (empty when closed)."""
        keys = {s: k for k, (_fn, s) in STEPS.items()}
        steps = sorted(m.next_steps(), key=list(MatchStatus).index)
        return ", ".join(t(f"helprequests.key.{keys[s]}") for s in steps)

    def _show_steps(self) -> None:
        m = self._highlighted_match()
        text = ""
        if m is not None:
            steps = self._step_names(m)
            text = t("helprequests.match.next", steps=steps) if steps else t("helprequests.match.final")
        self.query_one("#match-steps", Static).update(text)

    def refusal(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """Why a key does not apply to what is highlighted (it is dimmed, and says this when pressed)."""
        if action == "propose":
            c = self._highlighted_candidate() if self.is_mounted else None
            if c is None:
                return t("helprequests.refusal.no_candidate")
            if c.excluded is not None:
                return t("helprequests.refusal.excluded", name=c.name, reason=c.excluded[language() != "nl"])
            return None
        if action in STEPS:
            m = self._highlighted_match() if self.is_mounted else None
            if m is None:
                return t("helprequests.refusal.no_match")
            if STEPS[action][1] in m.next_steps():
                return None
            status = m.status.label(language()).lower()
            steps = self._step_names(m)
            if not steps:
                return t("helprequests.refusal.closed", name=m.name, status=status)
            return t("helprequests.refusal.step", name=m.name, status=status, steps=steps)
        return None

    # -- actions ---------------------------------------------------------------------------------

    def action_propose(self) -> None:
        c = self._highlighted_candidate()
        if c is None or not c.eligible:
            return
        self.call(
            matching.propose,
            self.request_id,
            c.volunteer_id,
            done=lambda _mid: self._changed(t("helprequests.match.proposed", name=c.name)),
            failed=self._refused,
        )

    def _step(self, action: str) -> None:
        m = self._highlighted_match()
        if m is None:
            return
        fn, status = STEPS[action]
        self.call(
            fn,
            self.request_id,
            m.match_id,
            done=lambda _s: self._changed(
                t("helprequests.match.stepped", name=m.name, status=status.label(language()))
            ),
            failed=self._refused,
        )

    def action_accept(self) -> None:
        self._step("accept")

    def action_confirm(self) -> None:
        """Confirming binds a volunteer to the request (one per request): asked first."""
        m = self._highlighted_match()
        if m is not None:
            question = t("helprequests.match.confirm_question", name=m.name)
            ask(self.app, question, lambda: self._step("confirm"))

    def action_decline(self) -> None:
        self._step("decline")

    def action_withdraw(self) -> None:
        self._step("withdraw")

    def action_complete(self) -> None:
        self._step("complete")

    def _changed(self, message: str) -> None:
        self.notify(message, markup=False)
        self.refresh_data()

    def _refused(self, error: VeldError) -> None:
        lang = language()
        if isinstance(error, ValidationError):
            message = "\n".join(e.message(lang) for e in error.errors)
        else:
            message = error.message(lang)
        self.notify(message, severity="error", markup=False)
        self.refresh_data()

    def action_toggle_excluded(self) -> None:
        self.with_excluded = not self.with_excluded
        self._rank()

    def action_edit(self) -> None:
        from veldclient.screens.helprequest_form import HelpRequestForm

        if self.view is not None:
            self.app.push_screen(HelpRequestForm(self.view.request, self.view.today), self._edited)

    def _edited(self, saved: HelpRequestSaved | None) -> None:
        if saved is None:
            return
        warning = saved.warning
        if warning is None:
            self.notify(t("helprequests.edit.saved"), markup=False)
        else:
            self.notify(warning[0 if language() == "nl" else 1], severity="warning", markup=False, timeout=10)
        self.refresh_data()

    def action_export(self) -> None:
        from veldclient.screens.export_dialog import ExportScreen

        self.app.push_screen(ExportScreen(self.request_id))

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_refresh(self) -> None:
        self.refresh_data()
