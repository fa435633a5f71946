"""Heads as one value: every spelling round-trips and stays byte-identical to the stored form
(``json.dumps`` of the sorted hex), so databases, bundles and peers written before keep working."""

from __future__ import annotations

import hashlib
import json
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from veldclient.store.heads import Heads

hashes = st.lists(st.binary(min_size=32, max_size=32), unique=True, max_size=6)


def stored_text(heads: list[bytes]) -> str:
    """The stored spelling: the sorted hex through ``json.dumps`` with its default separators."""
    return json.dumps(sorted(h.hex() for h in heads))


@given(hashes)
def test_the_text_is_the_stored_json_in_any_order(heads):
    value = Heads.from_hashes(heads)
    assert value.text == stored_text(heads)
    assert Heads.from_hashes(reversed(heads)).text == value.text


@given(hashes)
def test_every_spelling_round_trips(heads):
    value = Heads.from_hashes(heads)
    ordered = tuple(sorted(heads))
    assert value.hashes == ordered and tuple(value) == ordered and len(value) == len(heads)
    assert value.hex == [h.hex() for h in ordered]
    for again in (
        Heads.from_text(value.text),
        Heads.parse(value.text),
        Heads.from_hashes(bytes.fromhex(h) for h in value.hex),
    ):
        assert again == value and hash(again) == hash(value)
        assert again.text == value.text and again.hashes == ordered
    assert pickle.loads(pickle.dumps(value)) == value
    assert bool(value) == bool(heads)


@given(hashes)
def test_the_digest_is_the_start_of_the_stored_texts_sha256(heads):
    value = Heads.from_hashes(heads)
    assert value.digest == hashlib.sha256(stored_text(heads).encode()).digest()[:8]
    assert Heads.from_text(value.text).digest == value.digest


@given(hashes, hashes)
def test_equal_exactly_when_the_same_hashes(a, b):
    assert (Heads.from_hashes(a) == Heads.from_hashes(b)) == (set(a) == set(b))


@given(hashes, hashes)
def test_superset_and_membership_follow_the_hashes(a, b):
    value = Heads.from_hashes(a)
    assert value.issuperset(b) == set(a).issuperset(b)
    assert value.issuperset(Heads.from_hashes(b)) == set(a).issuperset(b)
    assert Heads.from_text(value.text).issuperset(b) == set(a).issuperset(b)
    assert all(h in value for h in a)
    assert all((h in value) == (h in a) for h in b)


@given(hashes)
def test_a_peers_text_in_any_order_or_spacing_is_stored_canonically(heads):
    sent = json.dumps([h.hex() for h in reversed(heads)], separators=(",", ":"))
    assert Heads.parse(sent).text == stored_text(heads)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not json",
        "{}",
        '"ab"',
        "[1]",
        '["AB' + "0" * 62 + '"]',
        '["' + "a" * 63 + '"]',
        '["' + "g" * 64 + '"]',
    ],
)
def test_a_peers_text_that_is_not_change_hashes_is_refused(text):
    with pytest.raises(ValueError):
        Heads.parse(text)
