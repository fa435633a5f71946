"""`veld forecast` on the demo: per node and care type and for the region, Dutch and English, JSON;
`--backtest` prints the error of the method and both naive forecasts; bad input exits 2."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def demo(veld):
    veld.demo(VELD_PASSPHRASE="demo")
    return lambda *args, **env: veld("--profile", "demo", "forecast", *args, VELD_PASSPHRASE="demo", **env)


def test_forecast_region_node_json_backtest_and_refusals(demo):
    region = json.loads(demo("--region", "--json").stdout)
    assert region["method"] == {"window_days": 84, "min_days": 21, "interval": 0.8}
    items = region["forecasts"]
    assert items and all(item["region"] and item["node_id"] is None for item in items)
    grz = next(item for item in items if item["care_type"] == "GRZ")
    assert grz["history"]["days"] == 365 and len(grz["outlook"]) == 3
    assert [o["hours"] for o in grz["outlook"]] == [24, 48, 72]
    for o in grz["outlook"]:
        assert 0 <= o["low"] <= o["expected"] <= o["high"] <= grz["beds_total"]

    node = json.loads(demo("--node", "borne", "--care-type", "grz", "--json").stdout)["forecasts"]
    assert [(i["node_id"], i["care_type"]) for i in node] == [("borne", "GRZ")]

    dutch = demo("--node", "borne", VELD_LANG="nl").stdout
    assert "Prognose vrije bedden" in dutch and "prognose morgen " in dutch and "op 364 dagen t/m" in dutch
    english = demo("--region").stdout
    assert "Region (every node)" in english and "forecast tomorrow " in english

    backtest = json.loads(demo("--backtest", "--json").stdout)
    mae = backtest["mae"]
    assert backtest["held_out_weeks"] == 8 and backtest["series"] == 65
    assert (
        mae["forecast"]["all"] < mae["yesterday"]["all"] and mae["forecast"]["all"] < mae["last_week"]["all"]
    )
    assert backtest["beats_baselines"] is True and 0.7 <= backtest["coverage"] <= 0.9
    said = demo("--backtest", VELD_LANG="nl").stdout
    assert "naïef: zoals gisteren" in said and "De methode verslaat beide naïeve prognoses." in said

    wrong = demo("--node", "nergens", check=False)
    assert wrong.returncode == 2 and "nergens" in wrong.stderr and "Traceback" not in wrong.stderr
    wrong = demo("--care-type", "BEDDEN", check=False, VELD_LANG="nl")
    assert wrong.returncode == 2 and "geen geldige keuze" in wrong.stderr


def test_a_new_profile_says_its_history_is_too_short(veld):
    veld("init", "--node", "borne", "--role", "nurse")
    location = json.loads(veld("capacity", "--node", "borne", "--json").stdout)[0]
    total = str(location["beds_total"] or 4)
    veld("capacity", "set", location["location_id"], location["care_type"], "--total", total, "--free", total)
    out = veld("forecast", "--node", "borne", VELD_LANG="nl").stdout
    assert "te weinig geschiedenis: 1 dag, minstens 21 nodig" in out
