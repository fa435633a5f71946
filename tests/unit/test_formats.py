"""Numbers, dates, moments and durations read the same everywhere, in Dutch and in English."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from veldclient.domain import formats
from veldclient.domain.fields import epoch_ms, iso_date
from veldclient.errors import ValidationError, VeldError

MIN = 60_000
HOUR = 60 * MIN
DAY = 24 * HOUR


@pytest.mark.parametrize(
    ("value", "digits", "nl", "en"),
    [
        (23.5, 1, "23,5", "23.5"),
        (4.2, 1, "4,2", "4.2"),
        (0, 1, "0,0", "0.0"),
        (0.0, 0, "0", "0"),
        (-3.25, 1, "-3,3", "-3.3"),  # halves round away from zero, as a person rounds
        (0.25, 1, "0,3", "0.3"),
        (2.675, 2, "2,68", "2.68"),  # the float's shortest text, not its binary expansion
        (-0.04, 1, "0,0", "0.0"),  # rounds to zero: no minus sign
        (1234.56, 1, "1.234,6", "1,234.6"),
        (1234567, 0, "1.234.567", "1,234,567"),
        (7, 2, "7,00", "7.00"),
    ],
)
def test_number_follows_each_language(value: float, digits: int, nl: str, en: str) -> None:
    assert formats.number(value, "nl", digits) == nl
    assert formats.number(value, "en", digits) == en


def test_trim_drops_trailing_zeros() -> None:
    assert formats.number(1.5, "nl", 2, trim=True) == "1,5"
    assert formats.number(12.0, "en", 2, trim=True) == "12"
    assert formats.number(0.25, "nl", 2, trim=True) == "0,25"


def test_km_has_one_decimal_and_the_unit() -> None:
    assert formats.km(4.24, "nl") == "4,2 km"
    assert formats.km(4.25, "en") == "4.3 km"
    assert formats.km(12, "nl") == "12,0 km"


def test_day_is_day_first_in_both_languages() -> None:
    birth = date(1938, 4, 5)
    assert formats.day(birth, "nl") == "05-04-1938"
    assert formats.day(birth, "en") == "05/04/1938"
    assert len(formats.day(date(2026, 12, 31), "en")) == len(formats.day(date(2026, 12, 31), "nl"))


def test_day_text_takes_stored_text_dates_and_nothing() -> None:
    assert formats.day_text("1938-04-05", "nl") == "05-04-1938"
    assert formats.day_text(date(1938, 4, 5), "en") == "05/04/1938"
    assert formats.day_text(None, "nl") == "–"
    assert formats.day_text("", "nl", missing="") == ""
    assert formats.day_text("onbekend", "nl") == "onbekend"


def test_moments_are_dutch_wall_clock_time_not_utc() -> None:
    winter = int(datetime(2026, 12, 2, 13, 5, 9, tzinfo=UTC).timestamp() * 1000)
    summer = int(datetime(2026, 7, 1, 22, 30, tzinfo=UTC).timestamp() * 1000)
    assert formats.moment(winter, "nl") == "02-12-2026 14:05"
    assert formats.moment(winter, "en") == "02/12/2026 14:05"
    assert formats.moment_seconds(winter, "nl") == "02-12-2026 14:05:09"
    assert formats.moment(summer, "nl") == "02-07-2026 00:30"  # summer time, and the next day
    assert formats.moment(None, "nl") == ""
    assert formats.moment(None, "en", missing="never") == "never"


@pytest.mark.parametrize(
    ("ms", "nl", "en"),
    [
        (0, "< 1 min", "< 1 min"),
        (59_999, "< 1 min", "< 1 min"),
        (MIN, "1 min", "1 min"),
        (59 * MIN, "59 min", "59 min"),
        (60 * MIN, "1 u", "1 h"),
        (61 * MIN, "1 u 1 min", "1 h 1 min"),
        (62 * MIN + 59_999, "1 u 2 min", "1 h 2 min"),  # rounded down
        (4 * HOUR + 19 * MIN, "4 u 19 min", "4 h 19 min"),
        (25 * HOUR + 10 * MIN, "25 u 10 min", "25 h 10 min"),  # over a day: still hours
        (48 * HOUR, "2 d", "2 d"),
        (3 * DAY + 5 * HOUR + 59 * MIN, "3 d 5 u", "3 d 5 h"),
        (-(4 * HOUR + 20 * MIN), "4 u 20 min", "4 h 20 min"),  # the words around say late
    ],
)
def test_duration_has_one_form(ms: int, nl: str, en: str) -> None:
    assert formats.duration(ms, "nl") == nl
    assert formats.duration(ms, "en") == en


@pytest.mark.parametrize(
    "typed", ["05-04-1938", "1938-04-05", "5-4-1938", "05/04/1938", "5.4.1938", " 05-04-1938 "]
)
def test_a_date_is_read_day_first_or_iso(typed: str) -> None:
    assert formats.parse_day(typed) == date(1938, 4, 5)
    assert iso_date(typed, "birth_date") == date(1938, 4, 5)


@pytest.mark.parametrize(
    "typed", ["31-02-2024", "13-13-1938", "1938-13-05", "04/05/38", "5 april 1938", "19380405", "", "05-04"]
)
def test_anything_else_is_refused_in_both_languages(typed: str) -> None:
    assert formats.read_day(typed) is None
    with pytest.raises(VeldError) as raised:
        formats.parse_day(typed)
    assert "dd-mm-jjjj of jjjj-mm-dd" in raised.value.message("nl")
    assert "dd/mm/yyyy or yyyy-mm-dd" in raised.value.message("en")


def test_a_form_names_both_ways_to_write_a_date() -> None:
    with pytest.raises(ValidationError) as raised:
        iso_date("31-02-2024", "birth_date")
    (error,) = raised.value.errors
    assert error.field == "birth_date" and error.code == "date"
    assert "dd-mm-jjjj" in error.nl and "jjjj-mm-dd" in error.nl
    assert "dd/mm/yyyy" in error.en and "yyyy-mm-dd" in error.en


def test_a_typed_moment_is_dutch_time_either_way() -> None:
    expected = int(datetime(2026, 12, 2, 8, 30, tzinfo=UTC).timestamp() * 1000)
    for typed in ("02-12-2026 09:30", "2026-12-02 09:30", "2-12-2026 9:30", "02/12/2026 09:30"):
        assert epoch_ms(typed, "at") == expected
    assert formats.read_moment("02-12-2026 24:00") is None
    with pytest.raises(ValidationError) as raised:
        epoch_ms("morgen", "at")
    assert "dd-mm-jjjj" in raised.value.errors[0].nl


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)), st.sampled_from(["nl", "en"]))
def test_a_shown_date_reads_back_as_itself(day: date, lang: str) -> None:
    assert formats.parse_day(formats.day(day, lang)) == day
    assert formats.parse_day(day.isoformat()) == day
