"""Volunteer matching: hard filters, a score a coordinator can read, and match status from events.

Pure (no I/O, no clock): callers pass "today" and a distance function, so every device ranks the
same inputs the same way and tests need no database.

**Hard filters** (reference/domain-model.md §a), checked in this order so the reason shown is the
first that applies: not already proposed (or declined) for this request; a valid VOG on the first
day help is needed when the request requires one; speaks the requested language; at least one
part of the week both wanted and available, on weekdays that still occur in the request's window;
distance between PC4 centroids (rounded to 0.1 km) ≤ the volunteer's maximum.

**Score** of everyone who passes, on the one 0-100 scale of ``domain/score.py`` (whole points,
each part rounded before they are added, so the reasons' points add up to the score shown), the
weights summing to 100:

- distance 35 · (1 - km / max_km): near, relative to how far the volunteer said they would go;
- availability 25 · overlap / wanted parts of the week: covers more of what was asked;
- task 20 if the volunteer lists the request's task, else 0;
- language 10 if the requested language is spoken (always, it is a filter); with no language
  asked, 10 for Dutch speakers and 0 otherwise, since such a request is written in Dutch;
- load 10 / (1 + active matches elsewhere): spreads the work, 10 when free, 5 with one match.

Ties are broken by distance, then volunteer id, so the order is stable and every device shows it alike.

**Match status** is never read from the record alone: each step is an event (``MATCH_*`` with
``data.match_id``) and the status is the fold of those events in causal order, stepping only where
``MatchStatus`` allows. Two steps made while apart (confirmed on one replica, withdrawn on another)
therefore give the same status on every replica, and the pair is reported as a conflict elsewhere.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from . import causal, formats
from .enums import Dagdeel, HelpRequestStatus, MatchStatus, Task, VogStatus, Weekday
from .models_help import HelpRequest
from .models_roster import Vog
from .score import Reason, points, total

Pair = tuple[str, str]  # (nl, en): a filter's reason, which adds no points
Slot = tuple[str, str]  # (weekday code, dagdeel code)

WEIGHTS: Mapping[str, float] = {
    "distance": 35.0,
    "availability": 25.0,
    "task": 20.0,
    "language": 10.0,
    "load": 10.0,
}

ACTIVE = frozenset({MatchStatus.PROPOSED, MatchStatus.ACCEPTED, MatchStatus.CONFIRMED})
ACTIVE_CODES = tuple(sorted(s.value for s in ACTIVE))

EVENT_TYPES: Mapping[MatchStatus, str] = {s: f"MATCH_{s.value}" for s in MatchStatus}
STATUS_OF_EVENT: Mapping[str, MatchStatus] = {t: s for s, t in EVENT_TYPES.items()}
RESOLVED = "RESOLVED"  # a person's decision on a conflict (services/conflicts.py)

ALL_SLOTS: frozenset[Slot] = frozenset((d.value, p.value) for d in Weekday for p in Dagdeel)
_WEEKDAYS = list(Weekday)

LANGUAGE_NAMES: Mapping[str, tuple[str, str]] = {
    "nl": ("Nederlands", "Dutch"),
    "en": ("Engels", "English"),
    "de": ("Duits", "German"),
    "fr": ("Frans", "French"),
    "es": ("Spaans", "Spanish"),
    "it": ("Italiaans", "Italian"),
    "pt": ("Portugees", "Portuguese"),
    "tr": ("Turks", "Turkish"),
    "ar": ("Arabisch", "Arabic"),
    "pl": ("Pools", "Polish"),
    "ti": ("Tigrinya", "Tigrinya"),
    "so": ("Somalisch", "Somali"),
    "fa": ("Perzisch", "Persian"),
    "ku": ("Koerdisch", "Kurdish"),
    "ru": ("Russisch", "Russian"),
    "uk": ("Oekraïens", "Ukrainian"),
    "ro": ("Roemeens", "Romanian"),
    "bg": ("Bulgaars", "Bulgarian"),
    "zh": ("Chinees", "Chinese"),
    "fy": ("Fries", "Frisian"),
}


def language_name(code: str) -> Pair:
    return LANGUAGE_NAMES.get(code, (code, code))


# --- inputs ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Need:
    """What a help request asks, reduced to what matching looks at (no summary, no person)."""

    task: str
    pc4: str
    start: date
    end: date
    slots: frozenset[Slot] = frozenset()  # empty: any part of the week
    language: str | None = None
    requires_vog: bool = True

    @classmethod
    def of(cls, request: HelpRequest) -> Need:
        return cls(
            task=request.task.value,
            pc4=request.pc4,
            start=request.window.start,
            end=request.window.end,
            slots=frozenset((a.weekday.value, a.dagdeel.value) for a in request.window.availability),
            language=request.language,
            requires_vog=request.requires_vog,
        )

    def first_day(self, today: date) -> date:
        """The first day help is still needed: the window's start, or today once it has begun."""
        return max(self.start, today)

    def wanted(self, today: date) -> frozenset[Slot]:
        """Parts of the week asked for, on weekdays that still occur in the window from today on."""
        first = self.first_day(today)
        if first > self.end:
            return frozenset()
        span = min((self.end - first).days + 1, 7)
        days = {_WEEKDAYS[(first.weekday() + i) % 7].value for i in range(span)}
        return frozenset(s for s in (self.slots or ALL_SLOTS) if s[0] in days)


@dataclass(frozen=True)
class VolunteerFacts:
    """A volunteer as matching sees it; ``on_request`` is their match status on this request."""

    id: str
    name: str
    pc4: str
    max_km: int
    tasks: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    availability: frozenset[Slot] = frozenset()
    vog: Vog = Vog()
    active: int = 0
    on_request: MatchStatus | None = None


@dataclass(frozen=True)
class Candidate:
    """One volunteer's result: a score with readable reasons, or the reason they were filtered out."""

    volunteer_id: str
    name: str
    score: int
    distance_km: float | None
    reasons: tuple[Reason, ...]
    excluded: Pair | None = None

    @property
    def eligible(self) -> bool:
        return self.excluded is None

    def to_json(self) -> dict[str, Any]:
        return {
            "volunteer_id": self.volunteer_id,
            "name": self.name,
            "score": self.score,
            "distance_km": self.distance_km,
            "eligible": self.eligible,
            "reasons": [r.to_json() for r in self.reasons],
            "excluded": None if self.excluded is None else {"nl": self.excluded[0], "en": self.excluded[1]},
        }


# --- wording --------------------------------------------------------------------------------------


def km_text(km: float) -> Pair:
    return formats.number(km, "nl", 1), formats.number(km, "en", 1)


def slots_text(slots: Iterable[Slot]) -> Pair:
    """``di-ochtend, do-middag`` / ``Tue morning, Thu afternoon``, in week order."""
    items = sorted(slots, key=lambda s: (_WEEKDAYS.index(Weekday(s[0])), list(Dagdeel).index(Dagdeel(s[1]))))
    nl = ", ".join(f"{d.lower()}-{Dagdeel(p).label('nl')}" for d, p in items)
    en = ", ".join(f"{Weekday(d).label('en')[:3]} {Dagdeel(p).label('en')}" for d, p in items)
    return nl, en


def _status_label(status: MatchStatus) -> Pair:
    return status.label("nl"), status.label("en")


# --- filters and score ----------------------------------------------------------------------------


def vog_ok(vog: Vog, need: Need, today: date) -> bool:
    return not need.requires_vog or vog.is_valid_on(need.first_day(today))


def language_fit(need: Need, languages: frozenset[str] | str) -> float:
    """1.0 when the asked language (or, with none asked, Dutch) is spoken; else 0."""
    wanted = need.language or "nl"
    spoken = languages.split() if isinstance(languages, str) else languages
    return 1.0 if wanted in spoken else 0.0


def score_parts(
    *, km: float, max_km: int, overlap: int, wanted: int, does_task: bool, language: float, active: int
) -> dict[str, int]:
    """Each part's whole points (see the module docstring), by the code its reason carries."""
    return {
        "distance": points(WEIGHTS["distance"], 1.0 - km / max_km if max_km > 0 else 0.0),
        "availability": points(WEIGHTS["availability"], overlap / wanted if wanted else 0.0),
        "task": points(WEIGHTS["task"], 1.0 if does_task else 0.0),
        "language": points(WEIGHTS["language"], language),
        "load": points(WEIGHTS["load"], 1 / (1 + max(active, 0))),
    }


def score(
    *, km: float, max_km: int, overlap: int, wanted: int, does_task: bool, language: float, active: int
) -> int:
    """The score, 0-100: the parts' points added; shared by the full and the fast path."""
    return total(
        score_parts(
            km=km,
            max_km=max_km,
            overlap=overlap,
            wanted=wanted,
            does_task=does_task,
            language=language,
            active=active,
        ).values()
    )


def prior_exclusion(status: MatchStatus | None) -> Pair | None:
    """Someone already proposed (or who said no) is not proposed again for the same request."""
    if status in ACTIVE:
        assert status is not None
        nl, en = _status_label(status)
        return f"Al gekoppeld aan deze hulpvraag ({nl})", f"Already matched to this request ({en})"
    if status is MatchStatus.DECLINED:
        return "Heeft deze hulpvraag afgeslagen", "Declined this request"
    return None


def exclusion(need: Need, vol: VolunteerFacts, km: float | None, today: date) -> Pair | None:
    """The first hard filter this volunteer fails, as a reason a coordinator can read; None if none."""
    prior = prior_exclusion(vol.on_request)
    if prior:
        return prior
    if not vog_ok(vol.vog, need, today):
        first = need.first_day(today)
        label = vol.vog.status.label("nl"), vol.vog.status.label("en")
        if vol.vog.status is VogStatus.VALID:  # valid status, but too old on that day
            label = "VOG ouder dan drie jaar", "certificate older than three years"
        return (
            f"Geen geldige VOG op {formats.day(first, 'nl')} ({label[0]})",
            f"No valid certificate of conduct on {formats.day(first, 'en')} ({label[1]})",
        )
    if need.language and need.language not in vol.languages:
        nl, en = language_name(need.language)
        return f"Spreekt geen {nl}", f"Does not speak {en}"
    wanted = need.wanted(today)
    if not wanted:
        return "De periode van deze hulpvraag is voorbij", "This request's period has passed"
    if not wanted & vol.availability:
        nl, en = slots_text(wanted)
        return f"Niet beschikbaar op de gevraagde dagdelen ({nl})", f"Not available at the times asked ({en})"
    if km is None:
        return (
            f"Afstand onbekend: postcode {vol.pc4} ligt buiten de regio",
            f"Distance unknown: postcode {vol.pc4} is outside the region",
        )
    if km > vol.max_km:
        nl, en = km_text(km)
        return f"Te ver: {nl} km (max {vol.max_km} km)", f"Too far: {en} km (max {vol.max_km} km)"
    return None


def explain(need: Need, vol: VolunteerFacts, km: float, today: date) -> tuple[Reason, ...]:
    """Why an eligible volunteer fits (or fits less): one reason per score part, with its points,
    then the certificate of conduct (a filter that passed, no points)."""
    wanted = need.wanted(today)
    overlap = wanted & vol.availability
    does_task = need.task in vol.tasks
    speaks = language_fit(need, vol.languages)
    got = score_parts(
        km=km,
        max_km=vol.max_km,
        overlap=len(overlap),
        wanted=len(wanted),
        does_task=does_task,
        language=speaks,
        active=vol.active,
    )
    task = Task(need.task) if need.task in Task.__members__ else None
    task_nl, task_en = (
        (task.label("nl").lower(), task.label("en").lower()) if task else (need.task, need.task)
    )
    km_nl, km_en = km_text(km)
    slots_nl, slots_en = slots_text(overlap)
    lang_nl, lang_en = language_name(need.language or "nl")
    reasons: list[Reason] = [
        Reason(
            "distance",
            f"{km_nl} km (max {vol.max_km} km)",
            f"{km_en} km (max {vol.max_km} km)",
            got["distance"],
        ),
        Reason(
            "availability",
            f"Beschikbaar {slots_nl} ({len(overlap)} van {len(wanted)} gevraagd)",
            f"Available {slots_en} ({len(overlap)} of {len(wanted)} asked)",
            got["availability"],
        ),
        Reason("task", f"Doet deze taak: {task_nl}", f"Does this task: {task_en}", got["task"])
        if does_task
        else Reason(
            "task",
            f"Doet deze taak normaal niet: {task_nl}",
            f"Does not usually do this task: {task_en}",
            got["task"],
        ),
        Reason("language", f"Spreekt {lang_nl}", f"Speaks {lang_en}", got["language"])
        if speaks
        else Reason("language", f"Spreekt geen {lang_nl}", f"Does not speak {lang_en}", got["language"]),
    ]
    if vol.active:
        reasons.append(
            Reason(
                "load",
                f"{vol.active} lopende koppeling(en)",
                f"{vol.active} other active match(es)",
                got["load"],
            )
        )
    else:
        reasons.append(Reason("load", "Geen lopende koppelingen", "No other active matches", got["load"]))
    expires = vol.vog.expires_on
    if vol.vog.is_valid_on(need.first_day(today)) and expires is not None:
        last = date.fromordinal(expires.toordinal() - 1)
        reasons.append(
            Reason(
                "vog",
                f"VOG geldig tot {formats.day(last, 'nl')}",
                f"Certificate of conduct valid until {formats.day(last, 'en')}",
            )
        )
    else:
        reasons.append(
            Reason("vog", "VOG niet vereist voor deze hulpvraag", "No certificate of conduct required here")
        )
    return tuple(reasons)


def assess(need: Need, vol: VolunteerFacts, distance_km: float | None, today: date) -> Candidate:
    """Filters, then score and reasons; ``distance_km`` None means the distance is unknown. The
    score is what the reasons' points add up to, computed by :func:`score` like the fast path."""
    km = None if distance_km is None else round(distance_km, 1)
    excluded = exclusion(need, vol, km, today)
    if excluded is not None:
        return Candidate(vol.id, vol.name, 0, km, (), excluded)
    assert km is not None
    value = score(
        km=km,
        max_km=vol.max_km,
        overlap=len(need.wanted(today) & vol.availability),
        wanted=len(need.wanted(today)),
        does_task=need.task in vol.tasks,
        language=language_fit(need, vol.languages),
        active=vol.active,
    )
    return Candidate(vol.id, vol.name, value, km, explain(need, vol, km, today))


def sort_key(c: Candidate) -> tuple[float, float, str]:
    return (-c.score, c.distance_km if c.distance_km is not None else float("inf"), c.volunteer_id)


def rank(
    need: Need,
    volunteers: Iterable[VolunteerFacts],
    distance: Callable[[str, str], float | None],
    today: date,
    *,
    limit: int | None = None,
    include_excluded: bool = False,
) -> list[Candidate]:
    """Eligible volunteers best first (at most ``limit``); then, if asked, everyone filtered out."""
    results = [assess(need, v, distance(need.pc4, v.pc4), today) for v in volunteers]
    eligible = [c for c in results if c.eligible]
    best = (
        heapq.nsmallest(limit, eligible, key=sort_key)
        if limit is not None
        else sorted(eligible, key=sort_key)
    )
    if include_excluded:
        best += sorted((c for c in results if not c.eligible), key=lambda c: c.volunteer_id)
    return best


# --- match status from events ---------------------------------------------------------------------


def _code(value: object) -> MatchStatus | None:
    try:
        return MatchStatus(str(value))
    except ValueError:
        return None


def _match_id(e: Mapping[str, Any]) -> str:
    return str((e.get("data") or {}).get("match_id") or "")


def match_statuses(
    events: Sequence[Mapping[str, Any]], fallback: Mapping[str, Any]
) -> dict[str, MatchStatus]:
    """Every match's status: its ``MATCH_*`` events folded in causal order (the same on every
    replica); a step that is not allowed from the status reached so far is skipped (it lost a
    conflict, which is reported, not applied). ``fallback`` (match id -> stored status) gives the
    status of matches without events, such as imported or demo records.

    A ``RESOLVED`` event (the conflict inbox's decision, ``data.chosen`` naming one side) makes the
    chosen step stand: its match takes that status, and when two volunteers were confirmed while
    apart the other confirmed match becomes WITHDRAWN. Later steps fold on from there."""
    status: dict[str, MatchStatus] = {}
    for mid, code in fallback.items():
        known = _code(code)
        if known is not None:
            status[mid] = known
    order = causal.ordered(events)
    by_id = {e["id"]: e for e in order}
    started: set[str] = set()
    for e in order:
        if e.get("type") == RESOLVED:
            _apply_resolution(e, by_id, status, started)
            continue
        target = STATUS_OF_EVENT.get(str(e.get("type")))
        mid = _match_id(e)
        if target is None or not mid:
            continue
        if target is MatchStatus.PROPOSED:
            if mid not in started:
                started.add(mid)
                status[mid] = MatchStatus.PROPOSED
            continue
        if mid not in started:
            started.add(mid)
            status[mid] = _code((e.get("data") or {}).get("prior")) or MatchStatus.PROPOSED
        if target in status[mid].allowed_next():
            status[mid] = target
    return status


def _apply_resolution(
    e: Mapping[str, Any],
    by_id: Mapping[str, Mapping[str, Any]],
    status: dict[str, MatchStatus],
    started: set[str],
) -> None:
    data = e.get("data") or {}
    chosen = by_id.get(str(data.get("chosen")))
    target = STATUS_OF_EVENT.get(str((chosen or {}).get("type")))
    if chosen is None or target is None or not _match_id(chosen):
        return
    mid = _match_id(chosen)
    status[mid] = target
    started.add(mid)
    for other_id in data.get("conflict") or []:
        other = by_id.get(str(other_id))
        if (
            other is not None
            and other is not chosen
            and other.get("type") == EVENT_TYPES[MatchStatus.CONFIRMED]
            and _match_id(other) not in ("", mid)
            and status.get(_match_id(other)) is MatchStatus.CONFIRMED
        ):
            status[_match_id(other)] = MatchStatus.WITHDRAWN


def match_status(
    events: Sequence[Mapping[str, Any]], match_id: str, fallback: str | MatchStatus | None = None
) -> MatchStatus | None:
    """One match's status derived from the document's events (see :func:`match_statuses`)."""
    base = {} if fallback is None else {match_id: fallback}
    return match_statuses(events, base).get(match_id)


def has_match_events(events: Iterable[Mapping[str, Any]]) -> bool:
    return any(str(e.get("type")) in STATUS_OF_EVENT for e in events)


# --- the help request follows its matches ---------------------------------------------------------


def request_target(statuses: Iterable[MatchStatus], *, recurring: bool) -> HelpRequestStatus:
    """Where the help request should be, given its matches: a confirmed volunteer means MATCHED;
    completed help DONE (IN_PROGRESS while it recurs); open proposals MATCHING; else OPEN."""
    present = set(statuses)
    if MatchStatus.CONFIRMED in present:
        return HelpRequestStatus.MATCHED
    if MatchStatus.COMPLETED in present:
        return HelpRequestStatus.IN_PROGRESS if recurring else HelpRequestStatus.DONE
    if present & {MatchStatus.PROPOSED, MatchStatus.ACCEPTED}:
        return HelpRequestStatus.MATCHING
    return HelpRequestStatus.OPEN


def request_steps(current: HelpRequestStatus, target: HelpRequestStatus) -> list[HelpRequestStatus]:
    """The shortest chain of allowed steps from ``current`` to ``target`` (empty when already
    there or when it cannot be reached, e.g. from a final status): OPEN -> MATCHING -> MATCHED."""
    if current == target:
        return []
    previous: dict[HelpRequestStatus, HelpRequestStatus] = {}
    queue = deque([current])
    while queue:
        here = queue.popleft()
        for nxt in sorted(here.allowed_next(), key=str):  # any fixed order: paths are unique here
            assert isinstance(nxt, HelpRequestStatus)
            if nxt in previous or nxt == current:
                continue
            previous[nxt] = here
            if nxt == target:
                path = [nxt]
                while path[-1] in previous and previous[path[-1]] != current:
                    path.append(previous[path[-1]])
                return path[::-1]
            queue.append(nxt)
    return []
