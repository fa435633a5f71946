"""Crisis risk: the signs that a client of this node may need an acute admission soon, in words.

Each rule is a pure function of facts already read (no storage, no clock: ``now`` is passed in)
and gives at most one :class:`Reason`: a sentence in Dutch and English that names the facts behind
it, never a bare score. The list a nurse or coordinator sees is the clients with one or more
reasons, ordered by :func:`order` (how many signs, then how soon). Why these three signs: the
regional reports name an overloaded mantelzorger and a placement that stalls as the usual roads to
an unplanned admission, and a nurse's repeated "worse" at the door is the earliest sign we hold.

Thresholds are named below with the reason for each value; docs/anticipation.md says the same for
people who use the list, and its limits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from .burden import is_heavy
from .enums import BurdenCategory, BurdenInstrument, CareType, VisitStatus
from .formats import duration
from .models_placement import HOUR_MS, SLA_PLACED_MS

DAY_MS = 24 * HOUR_MS

BURDEN_MAX_AGE_WEEKS = 26
"""A burden measured more than half a year ago says little about today: the remeasure schedule
(domain/burden.py: heavy after 4 weeks, moderate after 12) gives a carer who is watched a newer
one, and an older heavy score is a prompt to measure again, not a sign of crisis now."""

RISING_INTO = BurdenCategory.MODERATE
"""A rise counts once it reaches a moderate burden: none → light is ordinary, light → moderate is
where the respite advice (domain/burden.py) starts asking to plan respite before overload."""

PLACEMENT_SOON_MS = 6 * HOUR_MS
"""A request still without an offer with 6 hours or less left of the 24-hour placement target (or
past it): a quarter of the target is about the least time a receiving node needs to offer a bed,
so the nurse should act now (send to another node, call), before the target passes."""

PLACEMENT_SEARCHING = ("SUBMITTED", "IN_REVIEW")
"""Statuses in which a request is sent and has no open offer (OFFERED means a bed is on the table;
a DRAFT was not sent, so no target runs for it)."""

WORSENED_RUN = 2
"""Two done visits in a row marked worsened: one can be a bad day, two in a row is a course."""

WORSENED_RECENT_DAYS = 14
"""The last worsened visit must be this recent: the visit rhythm of district nursing is days, so a
run that ended two weeks ago without a newer visit is no longer news about the client's state."""

CONCLUDED_VISITS = (VisitStatus.DONE, VisitStatus.WORSENED)
"""The visits that say something about the client's condition: planned, missed and cancelled
visits say nothing, so they neither add to nor break a run."""


@dataclass(frozen=True)
class Reason:
    """One sign, in words. ``kind`` is ``carer``, ``placement`` or ``visits``; ``due_at`` is when a
    target passes (epoch ms) for reasons that have one; ``seen_at`` when the newest fact behind it
    happened (epoch ms): both order the list, neither is shown as a number."""

    kind: str
    nl: str
    en: str
    seen_at: int
    due_at: int | None = None

    def text(self, lang: str) -> str:
        return self.nl if lang == "nl" else self.en


# --- the mantelzorger -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measurement:
    measured_on: date
    instrument: BurdenInstrument
    score: int
    category: BurdenCategory


@dataclass(frozen=True)
class CarerFacts:
    """A carer of the client, their measurements oldest first, and whether respite is arranged
    (the service decides what counts as arranged: docs/anticipation.md)."""

    name: str
    measurements: tuple[Measurement, ...]
    respite_arranged: bool


def _weeks(days: int, lang: str) -> str:
    if days < 14:
        n = max(days, 0)
        return (f"{n} dag" if n == 1 else f"{n} dagen") if lang == "nl" else f"{n} day{'s' * (n != 1)}"
    n = days // 7
    return f"{n} weken" if lang == "nl" else f"{n} weeks"


SHORT_INSTRUMENT = {
    BurdenInstrument.EDIZ: "EDIZ",
    BurdenInstrument.EDIZ_PLUS: "EDIZ-plus",
    BurdenInstrument.CSI: "CSI",
}
"""The names nurses use for the instruments, short enough for a line of the list."""


def _measured(m: Measurement, lang: str, scores: bool) -> str:
    if scores:
        return f"{SHORT_INSTRUMENT[m.instrument]} {m.score}"
    return m.category.label(lang).lower()


def carer_reason(carer: CarerFacts, today: date, *, scores: bool) -> Reason | None:
    """Overloaded, or rising into a moderate burden, measured recently, with no respite arranged.
    ``scores``: the nurse reads the instrument and score; a coordinator the category only."""
    if carer.respite_arranged or not carer.measurements:
        return None
    latest = carer.measurements[-1]
    age = (today - latest.measured_on).days
    if age > BURDEN_MAX_AGE_WEEKS * 7:
        return None
    seen_at = _day_ms(latest.measured_on)
    if is_heavy(latest.instrument, latest.score):
        ago_nl, ago_en = _weeks(age, "nl"), _weeks(age, "en")
        score_nl = f"{_measured(latest, 'nl', True)}, " if scores else ""
        score_en = f"{_measured(latest, 'en', True)}, " if scores else ""
        return Reason(
            "carer",
            f"mantelzorger {carer.name}: overbelast ({score_nl}{ago_nl} geleden gemeten),"
            " geen respijt geregeld",
            f"informal carer {carer.name}: overloaded ({score_en}measured {ago_en} ago), no respite arranged",
            seen_at,
        )
    if len(carer.measurements) < 2:
        return None
    earlier = carer.measurements[-2]
    ranks = list(BurdenCategory)
    rising = ranks.index(latest.category) > ranks.index(earlier.category)
    if not rising or ranks.index(latest.category) < ranks.index(RISING_INTO):
        return None
    span = {lang: _weeks((latest.measured_on - earlier.measured_on).days, lang) for lang in ("nl", "en")}
    step = {
        lang: f"{_measured(earlier, lang, scores)} → {_measured(latest, lang, scores)}"
        for lang in ("nl", "en")
    }
    return Reason(
        "carer",
        f"mantelzorger {carer.name}: belasting stijgt ({step['nl']} in {span['nl']}), geen respijt geregeld",
        f"informal carer {carer.name}: burden rising ({step['en']} in {span['en']}), no respite arranged",
        seen_at,
    )


def _day_ms(day: date) -> int:
    return (day.toordinal() - date(1970, 1, 1).toordinal()) * DAY_MS


# --- the placement request ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PlacementFacts:
    """A placement request as the projection holds it (codes as stored)."""

    status: str
    urgency: str
    care_type: str
    received_at: int
    placed_at: int | None


def placement_reason(request: PlacementFacts, now: int) -> Reason | None:
    """Sent, no offer yet, and the 24-hour placement target close (``PLACEMENT_SOON_MS``) or past."""
    if request.status not in PLACEMENT_SEARCHING or request.placed_at is not None:
        return None
    due = request.received_at + SLA_PLACED_MS
    left = due - now
    if left > PLACEMENT_SOON_MS:
        return None
    care = {lang: _care(request.care_type, lang) for lang in ("nl", "en")}
    if left >= 0:
        when_nl, when_en = f"streeftijd over {duration(left, 'nl')}", f"target in {duration(left, 'en')}"
    else:
        when_nl = f"streeftijd {duration(left, 'nl')} verstreken"
        when_en = f"target passed {duration(left, 'en')} ago"
    return Reason(
        "placement",
        f"plaatsingsaanvraag urgentie {request.urgency} ({care['nl']}): {when_nl}, nog geen aanbod",
        f"placement request urgency {request.urgency} ({care['en']}): {when_en}, no offer yet",
        request.received_at,
        due,
    )


def _care(code: str, lang: str) -> str:
    """The care type in words; a code this version does not know (from a newer device) as it is."""
    try:
        return CareType(code).label(lang)
    except ValueError:
        return code


# --- the visits --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitFacts:
    """A visit's status and when it happened (the actual start, else the planned one; epoch ms)."""

    status: str
    at: int


def visits_reason(visits: Sequence[VisitFacts], now: int) -> Reason | None:
    """``WORSENED_RUN`` or more concluded visits in a row, newest first, marked worsened, the last of
    them within ``WORSENED_RECENT_DAYS``. Visits still to come are not looked at."""
    concluded = sorted(
        (v for v in visits if v.status in CONCLUDED_VISITS and v.at <= now), key=lambda v: v.at, reverse=True
    )
    run = 0
    for visit in concluded:
        if visit.status != VisitStatus.WORSENED:
            break
        run += 1
    if run < WORSENED_RUN:
        return None
    last = concluded[0].at
    days = (now - last) // DAY_MS
    if days > WORSENED_RECENT_DAYS:
        return None
    ago_nl = "vandaag" if days == 0 else f"{_weeks(days, 'nl')} geleden"
    ago_en = "today" if days == 0 else f"{_weeks(days, 'en')} ago"
    return Reason(
        "visits",
        f"{run} bezoeken op rij als verslechterd gemarkeerd (laatste {ago_nl})",
        f"{run} visits in a row marked as worsened (last {ago_en})",
        last,
    )


# --- the list ---------------------------------------------------------------------------------------


def order_key(reasons: Sequence[Reason]) -> tuple[int, int, int]:
    """More signs first (independent signs pointing the same way weigh more than one); then the
    soonest target among them (a target that passes first, or passed longest ago); then the newest
    fact. A client without a target comes after those with one at the same count."""
    dues = [r.due_at for r in reasons if r.due_at is not None]
    soonest = min(dues) if dues else 2**62
    newest = max(r.seen_at for r in reasons)
    return (-len(reasons), soonest, -newest)
