"""One score scale for every ranked list a person reads: whole numbers from 0 to 100, higher is better.

Candidate locations for a placement request (``placement_flow.rank_locations``) and volunteers for a
help request (``matching.rank``) are both scored on it, so "72" means the same kind of thing on
either screen: how many of the 100 points the weighed parts give. Each ranking's weights sum to
100, and each part is rounded to whole points *before* they are added, so the points a reason
shows add up exactly to the score shown next to them (docs/data-model.md, "Scores").

A :class:`Reason` is one line of why: a stable ``code`` for scripts (``--json``), the sentence in
Dutch and English, and the points that part adds, or ``None`` for a fact that adds none (a hard
filter that passed, a warning).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

LOWEST = 0
HIGHEST = 100


def points(weight: float, fraction: float) -> int:
    """``weight`` times ``fraction`` (held to 0..1) in whole points, halves rounded up, so a part
    never gives more than its weight nor less than nothing."""
    share = 0.0 if not math.isfinite(fraction) else min(1.0, max(0.0, fraction))
    # rounded to 9 places first: 35 * (1 - 5/14) is 22.4999… in binary and is meant as 22.5
    return math.floor(round(weight * share, 9) + 0.5)


def total(parts: Iterable[int | None]) -> int:
    """The score: the sum of the parts' points, held to 0..100."""
    return min(HIGHEST, max(LOWEST, sum(p for p in parts if p is not None)))


@dataclass(frozen=True)
class Reason:
    """One part of a score as a person reads it; ``points`` None: a fact that adds nothing."""

    code: str
    nl: str
    en: str
    points: int | None = None

    def text(self, lang: str = "nl") -> str:
        return self.nl if lang == "nl" else self.en

    @property
    def pair(self) -> tuple[str, str]:
        return self.nl, self.en

    def line(self, lang: str = "nl") -> str:
        """The reason with its points in front (``+30  3 vrije bedden …``), blank for a fact, so the
        points of a list of reasons line up and can be added by eye."""
        mark = "" if self.points is None else f"+{self.points}"
        return f"{mark:>4}  {self.text(lang)}"

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "nl": self.nl, "en": self.en, "points": self.points}


def score_of(reasons: Iterable[Reason]) -> int:
    """The score the reasons add up to."""
    return total(r.points for r in reasons)
