"""Carer-burden scoring and categories (EDIZ, EDIZ-plus, CSI)."""

from __future__ import annotations

import pytest

from veldclient.domain import (
    SCORE_RANGE,
    BurdenCategory,
    BurdenInstrument,
    category,
    is_heavy,
    score_csi,
    score_ediz,
    score_ediz_plus,
)
from veldclient.errors import ValidationError

EDIZ, PLUS, CSI = BurdenInstrument.EDIZ, BurdenInstrument.EDIZ_PLUS, BurdenInstrument.CSI
NONE, LIGHT, MODERATE, HEAVY = (
    BurdenCategory.NONE,
    BurdenCategory.LIGHT,
    BurdenCategory.MODERATE,
    BurdenCategory.HEAVY,
)


def test_ediz_counts_yes_and_more_or_less() -> None:
    answers = ["JA!", "JA", "MIN_OF_MEER", "NEE", "NEE!", "ja", "min of meer", "nee", "Nee!"]
    assert score_ediz(answers) == 5
    assert score_ediz(["NEE"] * 9) == 0
    assert score_ediz(["JA!"] * 9) == 9


def test_ediz_reports_every_bad_item_by_number() -> None:
    with pytest.raises(ValidationError) as info:
        score_ediz(["JA", "soms", "NEE", "", "JA", "JA", "JA", "JA", "JA"])
    assert [e.field for e in info.value.errors] == ["answers.2", "answers.4"]


@pytest.mark.parametrize(("scorer", "items"), [(score_ediz, 9), (score_ediz_plus, 15), (score_csi, 13)])
def test_wrong_number_of_answers(scorer, items: int) -> None:
    with pytest.raises(ValidationError) as info:
        scorer(["NEE"] * (items - 1))
    err = info.value.errors[0]
    assert err.field == "answers" and str(items) in err.nl and err.nl != err.en


def test_ediz_plus_items_are_zero_or_one() -> None:
    assert score_ediz_plus([1] * 9 + [0] * 6) == 9
    assert score_ediz_plus([True, False] * 7 + [True]) == 8
    with pytest.raises(ValidationError):
        score_ediz_plus([2] + [0] * 14)


def test_csi_yes_no() -> None:
    assert score_csi(["ja"] * 7 + ["nee"] * 6) == 7
    assert score_csi([True] * 13) == 13
    with pytest.raises(ValidationError) as info:
        score_csi([None] + [False] * 12)  # type: ignore[list-item]
    assert info.value.errors[0].field == "answers.1"


@pytest.mark.parametrize(
    ("instrument", "score", "expected"),
    [
        (PLUS, 0, NONE),
        (PLUS, 1, LIGHT),
        (PLUS, 3, LIGHT),
        (PLUS, 4, MODERATE),
        (PLUS, 8, MODERATE),
        (PLUS, 9, HEAVY),
        (PLUS, 15, HEAVY),
        (CSI, 0, NONE),
        (CSI, 3, LIGHT),
        (CSI, 6, MODERATE),
        (CSI, 7, HEAVY),
        (CSI, 13, HEAVY),
        (EDIZ, 0, NONE),
        (EDIZ, 3, LIGHT),
        (EDIZ, 4, MODERATE),
        (EDIZ, 6, MODERATE),
        (EDIZ, 7, HEAVY),
        (EDIZ, 9, HEAVY),
    ],
)
def test_category_bands(instrument: BurdenInstrument, score: int, expected: BurdenCategory) -> None:
    assert category(instrument, score) is expected
    assert is_heavy(instrument, score) == (expected is HEAVY)


@pytest.mark.parametrize("instrument", list(BurdenInstrument))
def test_category_refuses_scores_outside_the_range(instrument: BurdenInstrument) -> None:
    lo, hi = SCORE_RANGE[instrument]
    for score in (lo - 1, hi + 1):
        with pytest.raises(ValidationError) as info:
            category(instrument, score)
        assert str(hi) in info.value.errors[0].nl and str(hi) in info.value.errors[0].en


def test_score_ranges() -> None:
    assert SCORE_RANGE == {EDIZ: (0, 9), PLUS: (0, 15), CSI: (0, 13)}
