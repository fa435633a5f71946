"""Words for roster and help-request values, shared by lists and profiles so both say the same.

A warning is always a word as well as a colour (a VOG that expires reads "LET OP", an overloaded
carer "overbelast"), so it survives a monochrome terminal, NO_COLOR and the high-contrast theme.
Enum values use their own Dutch/English labels; everything else comes from the catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from veldclient.domain import Dagdeel, Task, Weekday, formats
from veldclient.domain import matching as dm
from veldclient.screens.i18n import language, t
from veldclient.services.roster_view import BurdenView, VogInfo

# VOG state -> WindowTable row tone and widget class (both use $error / $warning)
VOG_TONE = {"expired": "error", "expiring": "warning"}

RELATIONSHIPS = {
    "PARTNER": "roster.rel.partner",
    "KIND": "roster.rel.child",
    "SCHOONKIND": "roster.rel.child_in_law",
    "KLEINKIND": "roster.rel.grandchild",
    "BROER_ZUS": "roster.rel.sibling",
    "BUUR": "roster.rel.neighbour",
    "VRIEND": "roster.rel.friend",
}


def day(value: date | None) -> str:
    return formats.day(value, language()) if value is not None else "–"


def vog_text(vog: VogInfo) -> str:
    """The VOG as one phrase; expired and expiring ones start with a warning word."""
    if vog.state == "expired":
        if vog.last_day is None or (vog.days_left or 0) > 0:  # marked expired before its time
            return t("roster.vog.expired")
        return t("roster.vog.expired_since", last=day(vog.last_day))
    if vog.state == "expiring":
        return t("roster.vog.expiring", days=vog.days_left, last=day(vog.last_day))
    if vog.state == "ok":
        return t("roster.vog.ok", last=day(vog.last_day))
    return vog.status.label(language())


def task_label(code: str | Task) -> str:
    try:
        return Task(code).label(language())
    except ValueError:
        return str(code)


def tasks_text(codes: Iterable[str | Task]) -> str:
    return ", ".join(sorted(task_label(c) for c in codes)) or "–"


def languages_text(codes: Iterable[str]) -> str:
    i = 0 if language() == "nl" else 1
    return ", ".join(sorted(dm.language_name(c)[i] for c in codes)) or "–"


def relationship_text(code: str) -> str:
    msg = RELATIONSHIPS.get(code.upper())
    return t(msg) if msg else code


def hours_text(hours: float) -> str:
    return t("roster.hours", hours=f"{hours:g}")


def burden_text(burden: BurdenView | None) -> str:
    """Category for everyone allowed; score and instrument only when the service sent them (nurse)."""
    if burden is None:
        return "–"
    text = burden.category.label(language())
    if burden.score is not None and burden.instrument is not None:
        text = t(
            "roster.burden.score",
            category=text,
            score=burden.score,
            max=burden.max_score,
            instrument=burden.instrument.label(language()),
        )
    return text


def burden_tone(burden: BurdenView | None) -> str | None:
    """Overloaded carers stand out (the category label itself says "overbelast")."""
    return "warning" if burden is not None and burden.heavy else None


def weekday_short(code: Weekday) -> str:
    label = code.label(language())
    return label[:2].lower() if language() == "nl" else label[:2]


def dagdeel_label(code: Dagdeel) -> str:
    return code.label(language())
