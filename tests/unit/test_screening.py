"""What must not reach a volunteer: BSNs (python-stdnum's 11-test), dates of birth, e-mail addresses and
health terms, found in free text by kind, without catching phone numbers, postcodes or the date of an
appointment."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.nl import bsn as stdnum_bsn

from veldclient.domain.screening import health_terms, screen
from veldclient.fixtures import names

TODAY = date(2026, 11, 18)


def kinds(text: str) -> tuple[str, ...]:
    return screen(text, TODAY).kinds


# --- BSN ------------------------------------------------------------------------------------------


def with_check_digit(first: str) -> str:
    """Eight digits and the ninth that makes the 11-test hold: stdnum's checksum of the number with
    a 0 appended is the digit needed (a remainder of 10 has none; such numbers are skipped)."""
    return first + str(stdnum_bsn.checksum(first + "0"))


valid_bsns = (
    st.text("0123456789", min_size=8, max_size=8)
    .filter(lambda first: stdnum_bsn.checksum(first + "0") < 10)
    .map(with_check_digit)
    .filter(lambda number: int(number) != 0)
)
DETERMINISTIC = settings(derandomize=True, max_examples=300)


def spaced(number: str, style: str) -> str:
    if style == "plain":
        return number
    if style == "spaces":
        return f"{number[:3]} {number[3:6]} {number[6:]}"
    if style == "dots":
        return f"{number[:4]}.{number[4:6]}.{number[6:]}"
    return f"{number[:2]} {number[2:4]} {number[4:6]} {number[6:]}"


@DETERMINISTIC
@given(
    valid_bsns, st.sampled_from(["plain", "spaces", "dots", "pairs"]), st.sampled_from(["BSN ", "nr. ", ""])
)
def test_every_valid_bsn_is_found_however_it_is_spaced(number, style, before):
    text = f"Boodschappen doen; {before}{spaced(number, style)} bij de kassa"
    assert "bsn" in kinds(text)


@DETERMINISTIC
@given(valid_bsns)
def test_a_bsn_whose_leading_zero_was_dropped_is_found(number):
    if number.startswith("0"):
        assert "bsn" in kinds(f"BSN {number[1:]}")


@DETERMINISTIC
@given(valid_bsns)
def test_a_number_that_fails_the_eleven_test_is_not_a_bsn(number):
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert not stdnum_bsn.is_valid(wrong)
    assert "bsn" not in kinds(f"Klantnummer {wrong}")


@DETERMINISTIC
@given(
    st.text("0123456789", min_size=8, max_size=8),
    st.sampled_from(["06{n}", "06-{n}", "06 {n}", "+31 6 {n}", "+316{n}", "06 {a} {b}", "(06) {n}"]),
)
def test_mobile_numbers_are_never_a_bsn(digits, form):
    text = "Bel " + form.format(n=digits, a=digits[:4], b=digits[4:]) + " voor de sleutel"
    assert "bsn" not in kinds(text)


@DETERMINISTIC
@given(
    st.text("0123456789", min_size=7, max_size=7),
    st.sampled_from(["053-{n}", "053 {n}", "053{n}", "0534 {m}"]),
)
def test_landline_numbers_are_never_a_bsn(digits, form):
    text = "Telefoon " + form.format(n=digits, m=digits[1:])
    assert "bsn" not in kinds(text)


@DETERMINISTIC
@given(st.integers(1000, 9999), st.sampled_from(["AB", "JM", "KZ"]), st.integers(1, 250))
def test_addresses_and_postcodes_are_never_a_bsn(pc4, letters, number):
    for text in (
        f"{pc4} {letters}",
        f"{pc4}{letters}",
        f"Kerkstraat {number}, {pc4} {letters} Enschede",
        f"PC4 {pc4}",
        f"Kerkstraat {number} {pc4}{letters}",
    ):
        assert "bsn" not in kinds(text), text


# --- dates of birth -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "05-04-1938",
        "5-4-1938",
        "05/04/1938",
        "05.04.1938",
        "1938-04-05",
        "5 april 1938",
        "5 apr. 1938",
        "5 April 1938",
        "April 5, 1938",
        "05-04-1938.",
    ],
)
def test_dates_of_birth_in_common_forms_are_found(written):
    assert kinds(f"Mevrouw, geboren {written} wil graag naar de markt") == ("birth_date",)
    assert kinds(written) == ("birth_date",)


@pytest.mark.parametrize(
    "text",
    [
        "Rit naar de kapper op 24-11-2026 om 10 uur",
        "Afspraak 2026-12-01, daarna weer naar huis",
        "Op 3 december 2026 naar de markt",
        "Laan 1940-1945 19",  # a street name, not a date
        "31-02-1938",  # no such day
        "Bus 2 om 10.15 uur",
    ],
)
def test_appointment_dates_and_date_like_text_are_not_a_date_of_birth(text):
    assert "birth_date" not in kinds(text)


def test_a_date_is_never_read_as_a_bsn_too():
    assert kinds("Geboren 05.04.1938 en 12.10.1941") == ("birth_date",)


# --- e-mail ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address", ["anne.smit@example.nl", "j+hulp@mail.veld-test.org", "A.Bakker@Ziggo.NL"]
)
def test_email_addresses_are_found(address):
    assert kinds(f"Contact via {address} graag") == ("email",)


@pytest.mark.parametrize("text", ["Om 10 @ de markt", "Gezellig @home", "Rekening bij de bank"])
def test_text_with_an_at_sign_alone_is_not_an_email_address(text):
    assert "email" not in kinds(text)


# --- health terms -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Mevrouw is slechthorend: graag rustig praten", "slechthorend"),
        ("Meneer heeft Parkinson", "parkinson"),
        ("DEMENTIE in beginstadium", "dementie"),
        ("Patiënt met diabetes", "diabetes"),
        ("Neemt insuline mee", "insuline"),
        ("Rolstoelbus nodig", "rolstoelbus"),
        ("Na een beroerte", "beroerte"),
        ("She is hard of hearing", "hard of hearing"),
        ("Has COPD", "copd"),
        ("Psychóse in het verleden", "psychose"),  # diacritics ignored
    ],
)
def test_health_terms_are_caught(text, term):
    assert term in health_terms(text)


@pytest.mark.parametrize(
    "text", ["Rit naar de markt", "Rolluiken repareren", "Doofpot", "blinds ophangen", ""]
)
def test_harmless_text_is_not_flagged(text):
    assert health_terms(text) == []


def test_demo_summaries_split_cleanly():
    clean = [s for group in names.SUMMARIES.values() for s in group] + list(names.MANTELZORG_SUMMARIES)
    assert [s for s in clean if health_terms(s)] == []
    assert all(health_terms(s) for _task, s in names.HEALTH_TERM_SUMMARIES)


# --- together -------------------------------------------------------------------------------------


def test_each_kind_is_named_once_in_a_fixed_order_and_never_the_value():
    result = screen("j@x.nl, BSN 111222333, 111 222 333, geb. 5-4-1938, slechthorend", TODAY)
    assert result.kinds == ("bsn", "birth_date", "email", "health")
    assert result.terms == ("slechthorend",)
    nl, en = result.warning()
    assert nl.startswith(
        "Let op: de samenvatting bevat een BSN, een geboortedatum, een e-mailadres en "
        "gezondheidsinformatie ('slechthorend')."
    )
    assert "a BSN, a date of birth, an e-mail address and health information ('slechthorend')" in en
    for value in ("111222333", "111 222 333", "1938", "j@x.nl"):
        assert value not in nl + en


def test_a_clean_summary_has_no_warning():
    result = screen("Boodschappen doen bij de Jumbo, bel 06 12345678", TODAY)
    assert result.clean and result.warning() is None and result.held_back() is None
