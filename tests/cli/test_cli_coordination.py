"""`veld capacity`, `veld conflicts` and `veld resolve` as subprocesses against the demo profile."""

from __future__ import annotations

import json

DEMO = {"VELD_PASSPHRASE": "demo"}


def test_capacity_json_has_freshness_for_every_node(veld):
    veld.demo(**DEMO)
    rows = json.loads(veld("--profile", "demo", "capacity", "--json", **DEMO).stdout)
    assert len({r["node_id"] for r in rows}) == 9
    keys = {
        "node_id",
        "location_id",
        "care_type",
        "free",
        "beds_total",
        "reported_by",
        "device_id",
        "age_ms",
        "stale",
    }
    assert keys <= set(rows[0])
    assert any(r["stale"] for r in rows) and not all(r["stale"] for r in rows)
    grz = json.loads(veld("--profile", "demo", "capacity", "--json", "--care-type", "GRZ", **DEMO).stdout)
    assert grz and {r["care_type"] for r in grz} == {"GRZ"}


def test_capacity_text_marks_stale(veld):
    veld.demo(**DEMO)
    out = veld("--profile", "demo", "capacity", **DEMO).stdout
    assert "STALE" in out and "enschede-centrum" in out


def test_a_new_profile_invents_no_capacity(veld):
    """Until the node reports, its locations and care types are listed as not yet reported: no
    counts, no reporter, no 1970 report, never free beds."""
    veld("init", "--node", "hengelo", "--role", "nurse", "--no-keyring")
    rows = json.loads(veld("capacity", "--json").stdout)
    assert len(rows) == 7 and {r["node_id"] for r in rows} == {"hengelo"}
    for row in rows:
        assert row["reported"] is False and row["stale"] is False
        assert {
            k: row[k] for k in ("free", "beds_total", "reported_by", "reported_at", "age_ms")
        } == dict.fromkeys(("free", "beds_total", "reported_by", "reported_at", "age_ms"))
    for lang, word in (("en", "not yet reported"), ("nl", "nog niet gemeld")):
        out = veld("capacity", VELD_LANG=lang).stdout
        lines = out.splitlines()
        assert len(lines) == 7 and all(word in line for line in lines), out
        assert "fixture" not in out and "STALE" not in out and " h " not in out


def test_the_fresh_demo_has_its_one_double_booking_and_unknown_resolve_fails(veld):
    veld.demo(**DEMO)
    found = json.loads(veld("--profile", "demo", "conflicts", "--json", **DEMO).stdout)
    assert [len(c["event_ids"]) for c in found] == [2], "the demo's slot booked by Hengelo and Borne"
    bad = veld("--profile", "demo", "resolve", "doesnotexist", check=False, **DEMO)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
