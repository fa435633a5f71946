"""Identifier validation: examples of reference/domain-model.md §b and the messages nurses read."""

from __future__ import annotations

import pytest

from veldclient.domain import identifiers as ids
from veldclient.errors import ValidationError


def assert_bilingual(exc: ValidationError) -> None:
    for err in exc.errors:
        assert err.nl.strip() and err.en.strip()
        assert err.nl != err.en


def reject(func, value, field: str, code: str) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        func(value)
    assert [e.field for e in info.value.errors] == [field]
    assert info.value.errors[0].code == code
    assert_bilingual(info.value)
    return info.value


@pytest.mark.parametrize("value", ["111222333", "123456782", "249566758", "999911120"])
def test_bsn_valid_examples(value: str) -> None:
    assert ids.bsn(value) == value


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1112.22.333", "111222333"),
        (" 111 222 333 ", "111222333"),
        ("111-222-333", "111222333"),
        (111222333, "111222333"),
        ("12345672", "012345672"),  # spreadsheets drop the leading 0
    ],
)
def test_bsn_normalised(typed: object, stored: str) -> None:
    assert ids.bsn(typed) == stored


@pytest.mark.parametrize("value", ["123456789", "111222334", "12345678"])
def test_bsn_fails_11_test(value: str) -> None:
    err = reject(ids.bsn, value, "bsn", "bsn_checksum")
    assert err.errors[0].nl == "Het BSN klopt niet: controleer de negen cijfers (elfproef)."
    assert err.errors[0].en == "This BSN is not valid: check the nine digits (11-test)."


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("000000000", "bsn_zero"),
        ("00000000", "bsn_zero"),
        ("1234567", "bsn_length"),
        ("1112223334", "bsn_length"),
        ("11122233a", "bsn_format"),
        ("", "required"),
        (None, "required"),
    ],
)
def test_bsn_rejected(value: object, code: str) -> None:
    reject(ids.bsn, value, "bsn", code)


def test_bsn_uses_given_field_name() -> None:
    with pytest.raises(ValidationError) as info:
        ids.bsn("123456789", field="client.bsn")
    assert info.value.errors[0].field == "client.bsn"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("7511 JM", "7511 JM"),
        ("7522NB", "7522 NB"),
        (" 7522 nb ", "7522 NB"),
        ("7522-NB", "7522 NB"),
    ],
)
def test_postcode_valid(typed: str, stored: str) -> None:
    assert ids.postcode(typed) == stored


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("0123 AB", "postcode_zero"),
        ("7511 SS", "postcode_letters"),
        ("7511 SA", "postcode_letters"),
        ("7511 sd", "postcode_letters"),
        ("751 AB", "postcode_format"),
        ("75111 AB", "postcode_format"),
        ("7511 A1", "postcode_format"),
        ("", "required"),
    ],
)
def test_postcode_rejected(value: str, code: str) -> None:
    reject(ids.postcode, value, "postcode", code)


@pytest.mark.parametrize(("typed", "stored"), [("7511", "7511"), (" 1000 ", "1000"), (9999, "9999")])
def test_pc4_valid(typed: object, stored: str) -> None:
    assert ids.pc4(typed) == stored


@pytest.mark.parametrize("value", ["0999", "999", "10000", "7511 JM", "75a1"])
def test_pc4_rejected(value: object) -> None:
    reject(ids.pc4, value, "pc4", "pc4")


@pytest.mark.parametrize("func", [ids.bsn, ids.postcode, ids.pc4, ids.agb, ids.language])
@pytest.mark.parametrize("value", ["", "  ", None])
def test_empty_input_is_reported_as_required(func, value: object) -> None:
    with pytest.raises(ValidationError) as info:
        func(value)
    assert info.value.errors[0].code == "required"
    assert_bilingual(info.value)


@pytest.mark.parametrize(("typed", "stored"), [("01234567", "01234567"), ("0123 4567", "01234567")])
def test_agb_valid(typed: str, stored: str) -> None:
    assert ids.agb(typed) == stored


@pytest.mark.parametrize("value", ["1234567", "123456789", "abcdefgh"])
def test_agb_rejected(value: str) -> None:
    reject(ids.agb, value, "agb", "agb")


@pytest.mark.parametrize(("typed", "stored"), [("nl", "nl"), ("NL", "nl"), (" tr ", "tr"), ("ti", "ti")])
def test_language_valid(typed: str, stored: str) -> None:
    assert ids.language(typed) == stored


@pytest.mark.parametrize("value", ["xx", "dutch", "nld"])
def test_language_rejected(value: object) -> None:
    reject(ids.language, value, "language", "language")


def test_language_table_is_iso_639_1() -> None:
    assert len(ids.ISO_639_1) == 183
    assert {"nl", "en", "de", "tr", "ar", "pl", "ti", "so", "fy"} <= ids.ISO_639_1
