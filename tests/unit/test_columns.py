"""Column priorities (screens/widgets/columns.py): which columns a width shows, and how wide."""

from __future__ import annotations

from veldclient.screens.widgets.columns import Col, fit, folded_text

COLUMNS = (
    Col("a", 20, min=10, priority=0, keep=True),
    Col("b", 10, priority=3),
    Col("c", 20, min=12, priority=1, keep=True),
    Col("d", 15, priority=2),
)


def test_every_column_at_its_width_when_there_is_room():
    assert fit(COLUMNS, 200) == {"a": 20, "b": 10, "c": 20, "d": 15}


def test_the_least_important_go_first_and_the_order_stays():
    assert fit(COLUMNS, 41 + 16) == {"a": 20, "c": 20, "d": 15}
    assert list(fit(COLUMNS, 41 + 16)) == ["a", "c", "d"]


def test_the_last_column_that_fits_is_narrowed_to_its_minimum_before_it_goes():
    assert fit(COLUMNS, 41 + 1 + 8) == {"a": 20, "c": 20}  # d has no minimum below its width
    narrow = (*COLUMNS[:3], Col("d", 15, min=6, priority=2))
    assert fit(narrow, 41 + 1 + 8) == {"a": 20, "c": 20, "d": 8}


def test_kept_columns_stay_narrowed_when_the_terminal_is_narrow():
    widths = fit(COLUMNS, 30)
    assert widths == {"a": 17, "c": 12}, "each at least its minimum, the rest by priority"
    assert sum(widths.values()) + 1 <= 30


def test_what_is_left_over_goes_to_the_growing_column():
    grow = (Col("a", 10), Col("b", 10, grow=True))
    assert fit(grow, 40) == {"a": 10, "b": 29}


def test_the_fold_line_holds_hidden_and_cut_values_in_order():
    cells = ["short", "hidden b", "a value longer than twelve", ""]
    text = folded_text(COLUMNS, {"a": 20, "c": 12}, cells)
    assert text.startswith("b: hidden b")
    assert "c: a value longer than twelve" in text
    assert "a:" not in text and "d:" not in text, "shown whole or empty: not repeated"
