"""Carer-burden scoring (EDIZ, EDIZ-plus, CSI) and the category shown to coordinators.

Coordinators see the category only, never the answers (reference/domain-model.md §c), so the
category must be derived the same way on every device: from the instrument and the score alone.

Bands: EDIZ-plus 0 none, 1-3 light, 4-8 moderate, 9-15 heavy (published cut-offs). CSI: >=7 is
high strain (published); below that we use 0 none, 1-3 light, 4-6 moderate. EDIZ has no published
bands in our sources; we use 0 none, 1-3 light, 4-6 moderate, 7-9 heavy so that "heavy" means
most items answered yes, in line with the CSI cut-off on a similar number of items.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from veldclient.errors import FieldError, ValidationError

from .enums import BurdenCategory, BurdenInstrument, BurdenTrend
from .fields import boolean, is_blank

SCORE_RANGE: dict[BurdenInstrument, tuple[int, int]] = {
    BurdenInstrument.EDIZ: (0, 9),
    BurdenInstrument.EDIZ_PLUS: (0, 15),
    BurdenInstrument.CSI: (0, 13),
}

# Lowest score of each category above NONE (NONE is score 0 for every instrument).
_BANDS: dict[BurdenInstrument, tuple[int, int, int]] = {
    BurdenInstrument.EDIZ: (1, 4, 7),
    BurdenInstrument.EDIZ_PLUS: (1, 4, 9),
    BurdenInstrument.CSI: (1, 4, 7),
}

EDIZ_ANSWERS: dict[str, int] = {"JA!": 1, "JA": 1, "MIN_OF_MEER": 1, "NEE": 0, "NEE!": 0}


def score_range_error(instrument: BurdenInstrument, field: str = "score") -> ValidationError:
    lo, hi = SCORE_RANGE[instrument]
    name = instrument.label("nl")
    return ValidationError.single(
        field,
        "range",
        f"De score van de {name} ligt tussen {lo} en {hi}.",
        f"The {instrument.label('en')} score lies between {lo} and {hi}.",
    )


def category(instrument: BurdenInstrument, score: int) -> BurdenCategory:
    """Category of a score; raises ``ValidationError`` outside the instrument's range."""
    lo, hi = SCORE_RANGE[instrument]
    if not lo <= score <= hi:
        raise score_range_error(instrument)
    light, moderate, heavy = _BANDS[instrument]
    if score >= heavy:
        return BurdenCategory.HEAVY
    if score >= moderate:
        return BurdenCategory.MODERATE
    if score >= light:
        return BurdenCategory.LIGHT
    return BurdenCategory.NONE


def is_heavy(instrument: BurdenInstrument, score: int) -> bool:
    """Overloaded carer: EDIZ-plus >= 9, CSI >= 7, EDIZ >= 7 (see the module docstring)."""
    return score >= _BANDS[instrument][2]


def _count(answers: Sequence[object], expected: int, name: tuple[str, str]) -> None:
    if isinstance(answers, str) or len(answers) != expected:
        got = 1 if isinstance(answers, str) else len(answers)
        raise ValidationError.single(
            "answers",
            "count",
            f"De {name[0]} heeft {expected} vragen; er zijn {got} antwoorden.",
            f"The {name[1]} has {expected} questions; {got} answers were given.",
        )


def _items(answers: Sequence[object], read: Callable[[object, str], int]) -> int:
    """Sum per-item scores; every unanswerable item is reported (as answers.<n>, 1-based)."""
    total = 0
    errors: list[FieldError] = []
    for n, answer in enumerate(answers, start=1):
        try:
            total += read(answer, f"answers.{n}")
        except ValidationError as exc:
            errors.extend(exc.errors)
    if errors:
        raise ValidationError(errors)
    return total


def _yes_no_item(answer: object, field: str) -> int:
    """A yes/no item; unlike a checkbox, a blank answer is missing, not 'no'."""
    if is_blank(answer):
        raise ValidationError.single(field, "required", "Beantwoord deze vraag.", "Answer this question.")
    return int(boolean(answer, field))


def _ediz_item(answer: object, field: str) -> int:
    code = str(answer).strip().upper().replace(" ", "_")
    if code not in EDIZ_ANSWERS:
        raise ValidationError.single(
            field,
            "choice",
            "Kies Ja!, Ja, Min of meer, Nee of Nee!.",
            "Choose Ja!, Ja, Min of meer, Nee or Nee! (yes!, yes, more or less, no, no!).",
        )
    return EDIZ_ANSWERS[code]


def score_ediz(answers: Sequence[str]) -> int:
    """EDIZ: 9 items; 'Ja!', 'Ja' and 'Min of meer' count 1, 'Nee' and 'Nee!' count 0."""
    _count(answers, 9, ("EDIZ", "EDIZ"))
    return _items(answers, _ediz_item)


def score_ediz_plus(answers: Sequence[int | bool]) -> int:
    """EDIZ-plus: 15 items scored 0 or 1."""
    _count(answers, 15, ("EDIZ-plus", "EDIZ-plus"))
    return _items(answers, _yes_no_item)


def score_csi(answers: Sequence[bool | str]) -> int:
    """CSI: 13 yes/no items; each yes counts 1."""
    _count(answers, 13, ("CSI", "CSI"))
    return _items(answers, _yes_no_item)


# --- trend and respite advice ----------------------------------------------------------------------

_RANK = {c: i for i, c in enumerate(BurdenCategory)}
# Weeks until the next measurement, by category: the heavier the burden, the sooner it is checked
# again, so respite that was arranged is seen to help (or not) while it still matters.
REMEASURE_WEEKS: dict[BurdenCategory, int] = {
    BurdenCategory.HEAVY: 4,
    BurdenCategory.MODERATE: 12,
    BurdenCategory.LIGHT: 26,
    BurdenCategory.NONE: 52,
}


def trend(earlier: BurdenCategory, later: BurdenCategory) -> BurdenTrend:
    """Compared by category, not by score: measurements may use different instruments, and a
    category is what every instrument's bands agree on."""
    if _RANK[later] > _RANK[earlier]:
        return BurdenTrend.RISING
    if _RANK[later] < _RANK[earlier]:
        return BurdenTrend.FALLING
    return BurdenTrend.STEADY


@dataclass(frozen=True)
class RespiteAdvice:
    """What the coordinator should do about a carer's burden, and when to measure again."""

    nl: str
    en: str
    remeasure_on: date

    def text(self, lang: str) -> str:
        return self.nl if lang == "nl" else self.en


def respite_advice(latest: BurdenCategory, measured_on: date, change: BurdenTrend | None) -> RespiteAdvice:
    """Advice from the latest category and how it moved: heavy always asks for respite now; a
    moderate burden that is rising asks to plan it before it becomes heavy."""
    again = measured_on + timedelta(weeks=REMEASURE_WEEKS[latest])
    if latest is BurdenCategory.HEAVY:
        return RespiteAdvice(
            "Overbelast: regel nu respijtzorg (logeeropvang, dagopvang of een vrijwilliger thuis).",
            "Overloaded: arrange respite care now (respite stay, day care or a volunteer at home).",
            again,
        )
    if latest is BurdenCategory.MODERATE and change is BurdenTrend.RISING:
        return RespiteAdvice(
            "De belasting stijgt: bespreek respijtzorg voordat de mantelzorger overbelast raakt.",
            "The burden is rising: discuss respite care before the carer becomes overloaded.",
            again,
        )
    if latest is BurdenCategory.MODERATE:
        return RespiteAdvice(
            "Matig belast: houd contact en bied zo nodig een vrijwilliger thuis aan.",
            "Moderate burden: keep in touch and offer a volunteer at home if needed.",
            again,
        )
    return RespiteAdvice(
        "Geen respijtzorg nodig.",
        "No respite care needed.",
        again,
    )
