"""`veld capacity set`: the own node reports beds as the app's capacity form does, as a subprocess."""

from __future__ import annotations

import json


def first_row(veld) -> dict:
    rows = json.loads(veld("capacity", "--json").stdout)
    return next(r for r in rows if r["care_type"] == "GRZ")


def test_set_reports_the_beds_and_the_listing_shows_them(veld):
    veld("init", "--node", "hengelo", "--role", "nurse", "--no-keyring")
    row = first_row(veld)
    assert row["reported"] is False
    out = veld(
        "capacity",
        "set",
        row["location_id"],
        "GRZ",
        "--total",
        "12",
        "--free",
        "3",
        "--occupied",
        "9",
        "--capability",
        "ZUURSTOF",
        "--json",
    ).stdout
    saved = json.loads(out)
    assert (
        saved["beds_total"] == 12 and saved["counts"]["FREE"] == 3 and saved["capabilities"] == ["ZUURSTOF"]
    )
    row = first_row(veld)
    assert (row["reported"], row["free"], row["occupied"], row["beds_total"]) == (True, 3, 9, 12)
    # a count left out keeps what was reported: one bed moves from occupied to free
    text = veld("capacity", "set", row["location_id"], "GRZ", "--free", "4", "--occupied", "8").stdout
    assert text.strip().endswith("Geriatric rehabilitation: 4 of 12 free")
    row = first_row(veld)
    assert (row["free"], row["occupied"], row["beds_total"], row["capabilities"]) == (4, 8, 12, ["ZUURSTOF"])


def test_bad_numbers_are_refused_in_both_languages_and_nothing_is_written(veld):
    veld("init", "--node", "hengelo", "--role", "nurse", "--no-keyring")
    row = first_row(veld)
    args = ("capacity", "set", row["location_id"], "GRZ", "--total", "5", "--free", "drie")
    en = veld(*args, check=False, VELD_LANG="en")
    nl = veld(*args, check=False, VELD_LANG="nl")
    assert en.returncode != 0 and nl.returncode != 0
    assert en.stderr.startswith("veld: --free: ") and "whole number" in en.stderr
    assert nl.stderr.startswith("veld: --free: ") and "heel getal" in nl.stderr
    too_many = veld("capacity", "set", row["location_id"], "GRZ", "--total", "2", "--free", "3", check=False)
    assert too_many.returncode != 0 and "total" in too_many.stderr
    assert first_row(veld)["reported"] is False
    unknown = veld(
        "capacity", "set", "nowhere", "GRZ", "--total", "1", "--free", "1", check=False, VELD_LANG="nl"
    )
    assert unknown.returncode != 0 and "bestaat niet" in unknown.stderr


def test_other_roles_are_refused(veld):
    veld("init", "--node", "hengelo", "--role", "coordinator", "--no-keyring")
    row = first_row(veld)
    refused = veld("capacity", "set", row["location_id"], "GRZ", "--total", "1", "--free", "1", check=False)
    assert refused.returncode != 0 and refused.stderr.startswith("veld: ")
    assert first_row(veld)["reported"] is False


def test_a_location_is_named_as_a_person_would_type_it(veld):
    veld("init", "--node", "hengelo", "--role", "nurse", "--no-keyring")
    by_name = veld("capacity", "set", "zgt", "ELV_HOOG", "--total", "4", "--free", "2", "--occupied", "2")
    assert by_name.stdout.strip() == "Reported: ZGT Hengelo · High-complexity primary-care stay: 2 of 4 free"
    row = next(r for r in json.loads(veld("capacity", "--json").stdout) if r["care_type"] == "ELV_HOOG")
    assert (row["location_name"], row["free"]) == ("ZGT Hengelo", 2)
    ambiguous = veld("capacity", "set", "z", "GRZ", "--total", "1", "--free", "1", check=False)
    assert (
        ambiguous.returncode == 2
        and "fits more than one location: ZGT Hengelo, Zorgcentrum" in ambiguous.stderr
    )
    unknown = veld(
        "capacity", "set", "Almelo", "GRZ", "--total", "1", "--free", "1", check=False, VELD_LANG="nl"
    )
    assert "Locatie 'Almelo' bestaat niet bij dit knooppunt. Locaties: ZGT Hengelo" in unknown.stderr
