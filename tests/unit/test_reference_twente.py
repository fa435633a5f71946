"""The Twente reference data must match DOMAIN.md and domain-model.md §d: the product and demos trust it."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from stdnum.nl import postcode as stdnum_postcode

from veldclient.domain.node_seed import node_document_seed
from veldclient.reference.twente import (
    LOCATIONS,
    NODES,
    PC4_CENTROIDS,
    all_pc4s,
    location,
    locations_for,
    node,
    node_ids,
    nodes_for_postcode,
    pc4_distance_km,
    pc4_town,
    pc4s_for,
)

DOMAIN_IDS = [
    "enschede-centrum",
    "enschede-zuid",
    "hengelo",
    "almelo",
    "oldenzaal",
    "haaksbergen",
    "hof-van-twente",
    "rijssen-holten",
    "borne",
    "ut-kennis",
]
# domain-model.md §d: (ELV, GRZ, crisis) per node
SECTION_D = {
    "enschede-centrum": (18, 34, 1),
    "enschede-zuid": (18, 34, 2),
    "hengelo": (18, 35, 2),
    "almelo": (34, 65, 2),
    "oldenzaal": (18, 35, 1),
    "haaksbergen": (5, 10, 0),
    "hof-van-twente": (8, 15, 0),
    "rijssen-holten": (16, 32, 0),
    "borne": (5, 10, 0),
    "ut-kennis": (0, 0, 0),
}
CARE_TYPES = {
    "ELV_LAAG", "ELV_HOOG", "ELV_PALLIATIEF", "GRZ", "WLZ_CRISIS", "WLZ_LOGEER",
    "WMO_KORTDUREND_VERBLIJF", "WMO_SPOED", "GGZ_CRISIS",
}  # fmt: skip
CAPABILITIES = {
    "INFUUS", "ZUURSTOF", "COMPLEXE_WONDZORG", "DEMENTIE_PG", "ISOLATIE", "BARIATRISCH",
    "TILLIFT", "SONDEVOEDING",
}  # fmt: skip
ELV = ("ELV_LAAG", "ELV_HOOG", "ELV_PALLIATIEF")
HEX32 = re.compile(r"^[0-9a-f]{32}$")


def _beds(node_id: str | None = None) -> Counter[str]:
    total: Counter[str] = Counter()
    for loc in LOCATIONS:
        if node_id is None or loc.node_id == node_id:
            total.update(loc.beds)
    return total


def test_ten_nodes_with_domain_ids_in_table_order() -> None:
    assert [n.id for n in NODES] == DOMAIN_IDS
    assert node_ids() == DOMAIN_IDS
    assert node("borne").name == "Borne"
    assert [n.id for n in NODES if n.whole_region] == ["ut-kennis"]
    assert node("ut-kennis").residents is None


def test_unknown_node_is_a_clear_value_error() -> None:
    with pytest.raises(ValueError, match="unknown node id"):
        node("amsterdam")
    with pytest.raises(ValueError):
        locations_for("amsterdam")
    with pytest.raises(ValueError):
        location("nope")


def test_domain_ranges_including_the_overlaps() -> None:
    assert node("hengelo").pc4_ranges == ((7481, 7482), (7551, 7559))
    assert node("haaksbergen").pc4_ranges == ((7481, 7483), (7547, 7547))
    assert node("borne").pc4_ranges == ((7559, 7559), (7621, 7626))
    assert "7547" in pc4s_for("enschede-zuid")
    region = {p for n in NODES if not n.whole_region for p in pc4s_for(n.id)}
    assert set(pc4s_for("ut-kennis")) == region == set(all_pc4s())


def test_bed_totals_match_section_d() -> None:
    beds = _beds()
    assert sum(beds[c] for c in ELV) == 140
    assert beds["GRZ"] == 270
    assert beds["WLZ_CRISIS"] == 8
    # 32 % / 51 % / 17 % of 140
    assert (beds["ELV_LAAG"], beds["ELV_HOOG"], beds["ELV_PALLIATIEF"]) == (45, 71, 24)
    for node_id, (elv, grz, crisis) in SECTION_D.items():
        nb = _beds(node_id)
        assert (sum(nb[c] for c in ELV), nb["GRZ"], nb["WLZ_CRISIS"]) == (elv, grz, crisis)


def test_respite_beds_are_few_and_only_where_plausible() -> None:
    for loc in LOCATIONS:
        for care_type in ("WLZ_LOGEER", "WMO_KORTDUREND_VERBLIJF"):
            assert 0 <= loc.beds.get(care_type, 0) <= 3
    assert _beds()["WLZ_LOGEER"] > 0 and _beds()["WMO_KORTDUREND_VERBLIJF"] > 0
    assert not locations_for("ut-kennis")[0].beds


def test_locations_are_well_formed() -> None:
    assert len({loc.id for loc in LOCATIONS}) == len(LOCATIONS)
    assert len({loc.agb for loc in LOCATIONS}) == len(LOCATIONS)
    for n in NODES:
        locs = locations_for(n.id)
        assert 1 <= len(locs) <= 2
        assert locs[0].postcode == n.postcode  # main site first
    for loc in LOCATIONS:
        assert HEX32.match(loc.id)
        assert re.fullmatch(r"\d{8}", loc.agb)
        assert stdnum_postcode.validate(loc.postcode) == loc.postcode
        assert node(loc.node_id).covers(int(loc.postcode[:4]))
        assert set(loc.beds) <= CARE_TYPES
        assert set(loc.capabilities) == set(loc.beds)
        for caps in loc.capabilities.values():
            assert set(caps) <= CAPABILITIES and list(caps) == sorted(caps)
        assert location(loc.id) is loc
        assert set(loc.to_record()) == {"id", "node_id", "name", "agb", "postcode", "address"}


def test_node_postcodes_are_valid_and_inside_their_ranges() -> None:
    for n in NODES:
        assert stdnum_postcode.validate(n.postcode) == n.postcode
        assert n.covers(int(n.postcode[:4]))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("7481", {"hengelo", "haaksbergen"}),
        ("7482", {"hengelo", "haaksbergen"}),
        ("7547", {"enschede-zuid", "haaksbergen"}),
        ("7559", {"hengelo", "borne"}),
        ("7559 AB", {"hengelo", "borne"}),
        ("7559ab", {"hengelo", "borne"}),
        ("7512 KZ", {"enschede-centrum"}),
        ("7483", {"haaksbergen"}),
    ],
)
def test_lookup_returns_every_candidate_and_the_region_node_last(query: str, expected: set[str]) -> None:
    found = nodes_for_postcode(query)
    assert found[-1] == "ut-kennis"
    assert set(found[:-1]) == expected
    assert len(found) == len(set(found))


@pytest.mark.parametrize("query", ["1012", "1012 AB", "9999", "", "abc", "751", "75111"])
def test_lookup_outside_region_or_malformed_is_empty(query: str) -> None:
    assert nodes_for_postcode(query) == []


def test_lookup_agrees_with_ranges_for_every_region_pc4() -> None:
    for pc4 in all_pc4s():
        found = nodes_for_postcode(pc4)
        assert set(found) == {n.id for n in NODES if n.covers(int(pc4))}
        assert found[-1] == "ut-kennis" and len(found) >= 2


def test_nearest_candidate_first() -> None:
    assert nodes_for_postcode("7481")[0] == "haaksbergen"
    assert nodes_for_postcode("7622")[0] == "borne"


def test_centroids_cover_every_range_and_lie_in_twente() -> None:
    assert set(PC4_CENTROIDS) == set(all_pc4s())
    for lat, lon in PC4_CENTROIDS.values():
        assert 52.1 < lat < 52.5 and 6.35 < lon < 7.1
    assert pc4_town("7512 KZ") == "Enschede"
    assert pc4_town("7609") == "Almelo"
    assert pc4_town("1012") is None


def test_distance_properties() -> None:
    sample = all_pc4s()[::7]
    for a in sample:
        assert pc4_distance_km(a, a) == 0.0
        for b in sample:
            assert pc4_distance_km(a, b) == pytest.approx(pc4_distance_km(b, a))
            assert pc4_distance_km(a, b) < 60
    assert 15 <= pc4_distance_km("7512", "7609") <= 30  # Enschede ↔ Almelo
    assert pc4_distance_km("7512 KZ", "7609 PP") == pc4_distance_km("7512", "7609")
    assert pc4_distance_km("7555", "7512") < pc4_distance_km("7555", "7609")


@pytest.mark.parametrize("bad", ["1012", "0000", "xyz", ""])
def test_distance_to_unknown_pc4_is_value_error(bad: str) -> None:
    with pytest.raises(ValueError, match="no centroid"):
        pc4_distance_km("7512", bad)
    with pytest.raises(ValueError):
        pc4_distance_km(bad, "7512")


def test_node_document_seed_shape_and_counts() -> None:
    totals: Counter[str] = Counter()
    free = 0
    for n in NODES:
        doc = node_document_seed(n.id, reported_at=1_700_000_000_000)
        assert set(doc) == {
            "kind", "id", "node_id", "schema", "archived", "events", "profile", "locations",
            "capacity", "slots", "erasures", "devices", "attestations",
        }  # fmt: skip
        assert (doc["kind"], doc["id"], doc["node_id"], doc["schema"]) == ("node", n.id, n.id, 1)
        assert doc["archived"] is False and doc["events"] == []
        assert doc["slots"] == {} and doc["erasures"] == {}
        assert doc["devices"] == {} and doc["attestations"] == {}
        assert doc["profile"] == {
            "id": n.id,
            "name": n.name,
            "focus": n.focus,
            "pc4_ranges": [list(r) for r in n.pc4_ranges],
        }
        assert set(doc["locations"]) == {loc.id for loc in locations_for(n.id)}
        for key, rec in doc["capacity"].items():
            assert key == f"{rec['location_id']}/{rec['care_type']}"
            assert rec["location_id"] in doc["locations"] and rec["node_id"] == n.id
            assert set(rec) == {
                "location_id", "node_id", "care_type", "beds_total", "counts", "capabilities",
                "reported_by", "reported_at", "device_id",
            }  # fmt: skip
            counts = rec["counts"]
            assert set(counts) == {"FREE", "OCCUPIED", "CLOSED", "CLEANING", "ISOLATION"}
            assert sum(counts.values()) == rec["beds_total"] > 0
            assert counts["CLOSED"] == counts["CLEANING"] == counts["ISOLATION"] == 0
            assert rec["capabilities"] == sorted(rec["capabilities"])
            assert (rec["reported_by"], rec["device_id"]) == ("fixture", "fixture")
            assert rec["reported_at"] == 1_700_000_000_000
            totals[rec["care_type"]] += rec["beds_total"]
            free += counts["FREE"]
        json.dumps(doc)
        assert doc == node_document_seed(n.id, reported_at=1_700_000_000_000)
    assert sum(totals[c] for c in ELV) == 140 and totals["GRZ"] == 270
    assert totals["WLZ_CRISIS"] == 8
    assert 0 < free < sum(totals.values())
    assert node_document_seed("ut-kennis", 0)["capacity"] == {}
