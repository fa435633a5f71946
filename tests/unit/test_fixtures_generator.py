"""The demo generator must be deterministic and emit exactly the data-model.md shapes (its speed is
measured in tests/bench/test_bench_fixtures.py)."""

from __future__ import annotations

import dataclasses
import json
import random
import re
import uuid
from collections import Counter
from datetime import UTC, date, datetime

import pytest
from stdnum.nl import bsn as stdnum_bsn
from stdnum.nl import postcode as stdnum_postcode

from veldclient.domain.burden import SCORE_RANGE, category
from veldclient.domain.enums import BurdenInstrument
from veldclient.fixtures import (
    FIXED_NOW_MS,
    SIZES,
    DemoData,
    generate,
)
from veldclient.fixtures.generator import (
    BURDEN_CATEGORIES,
    RISK_VISIT_CLIENTS,
    VOG_VALID_DAYS,
    burden_category,
)
from veldclient.fixtures.names import HEALTH_TERM_SUMMARIES
from veldclient.reference.twente import NODES, locations_for, pc4_distance_km, pc4s_for

# Key sets copied from docs/data-model.md "Record shapes".
CLIENT = {"id", "node_id", "bsn", "name", "birth_date", "postcode", "address", "gp_agb",
          "wlz_indicatie", "consents"}  # fmt: skip
VISIT = {"id", "client_id", "nurse", "planned_start_at", "planned_minutes", "actual_start_at",
         "actual_end_at", "interventions", "status"}  # fmt: skip
TRIAGE = {"instability", "unplanned_nursing", "adl_takeover", "wlz_indication",
          "specialist_needed"}  # fmt: skip
REFERRER = {"name", "role", "agb"}
PLACEMENT = {"id", "client_id", "node_id", "referrer", "urgency", "triage", "triage_outcome",
             "care_type", "required_capabilities", "preferred_location_id", "desired_start",
             "expected_end", "received_at", "first_reply_at", "placed_at",
             "discharge_destination", "status"}  # fmt: skip
AVAILABILITY = {"weekday", "dagdeel"}
VOG = {"status", "issued_on"}
VOLUNTEER = {"id", "node_id", "first_name", "last_name", "pc4", "phone", "email", "birth_year",
             "tasks", "languages", "availability", "max_km", "vog"}  # fmt: skip
BURDEN = {"instrument", "score", "category", "measured_on"}
MANTELZORGER = {"id", "node_id", "first_name", "last_name", "pc4", "phone", "care_for_client_id",
                "relationship", "hours_per_week", "since", "burden", "respite_needs"}  # fmt: skip
HELP_REQUEST = {"id", "node_id", "on_behalf_of", "subject_id", "task", "summary", "pc4", "window",
                "recurrence", "language", "requires_vog", "status", "created_at"}  # fmt: skip
WINDOW = {"start", "end", "availability"}
MATCH = {"id", "help_request_id", "volunteer_id", "score", "distance_km", "proposed_by", "status",
         "feedback"}  # fmt: skip

CARE_TYPES = {"ELV_LAAG", "ELV_HOOG", "ELV_PALLIATIEF", "GRZ", "WLZ_CRISIS", "WLZ_LOGEER",
              "WMO_KORTDUREND_VERBLIJF", "WMO_SPOED", "GGZ_CRISIS"}  # fmt: skip
CAPABILITIES = {"INFUUS", "ZUURSTOF", "COMPLEXE_WONDZORG", "DEMENTIE_PG", "ISOLATIE",
                "BARIATRISCH", "TILLIFT", "SONDEVOEDING"}  # fmt: skip
PLACEMENT_STATUS = {"DRAFT", "SUBMITTED", "IN_REVIEW", "OFFERED", "ACCEPTED", "ADMITTED",
                    "DISCHARGED", "REJECTED", "CANCELLED", "NO_PLACE"}  # fmt: skip
TASKS = {"GEZELSCHAP", "VERVOER", "BEGELEIDING_ZORGAFSPRAAK", "HUISHOUDEN", "ADMINISTRATIE",
         "PERSOONLIJKE_VERZORGING", "BOODSCHAPPEN", "KLUSSEN"}  # fmt: skip
WEEKDAYS = ["MA", "DI", "WO", "DO", "VR", "ZA", "ZO"]
DAGDELEN = ["OCHTEND", "MIDDAG", "AVOND"]
HEX32 = re.compile(r"^[0-9a-f]{32}$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TODAY = datetime.fromtimestamp(FIXED_NOW_MS / 1000, tz=UTC).date()


@pytest.fixture(scope="module")
def small() -> DemoData:
    return generate("enschede-zuid")


@pytest.fixture(scope="module")
def large() -> DemoData:
    return generate("almelo", "large")


def _all_records(d: DemoData) -> list[dict]:
    return [
        *d.clients, *d.visits, *d.placements, *d.volunteers, *d.mantelzorgers,
        *d.help_requests, *d.matches,
    ]  # fmt: skip


def _age(birth: str) -> int:
    b = date.fromisoformat(birth)
    return TODAY.year - b.year - ((TODAY.month, TODAY.day) < (b.month, b.day))


def _availability_ok(items: list[dict]) -> None:
    keys = [(WEEKDAYS.index(a["weekday"]), DAGDELEN.index(a["dagdeel"])) for a in items]
    assert items and all(set(a) == AVAILABILITY for a in items)
    assert keys == sorted(set(keys))  # calendar order, no duplicates


def test_deterministic_per_seed_and_node() -> None:
    a, b = generate("hengelo", seed=3), generate("hengelo", seed=3)
    assert dataclasses.asdict(a) == dataclasses.asdict(b)
    c = generate("hengelo", seed=4)
    assert c.clients != a.clients and c.volunteers != a.volunteers
    other = generate("borne", seed=3)
    assert not {r["id"] for r in _all_records(a)} & {r["id"] for r in _all_records(other)}


def test_generator_leaves_global_random_alone() -> None:
    state = random.getstate()
    generate("borne")
    assert random.getstate() == state


def test_small_sizes(small: DemoData) -> None:
    spec = SIZES["small"]
    assert (len(small.clients), len(small.volunteers), len(small.mantelzorgers)) == (200, 150, 60)
    assert (len(small.help_requests), len(small.placements)) == (40, spec.placements)
    assert 2.5 <= len(small.visits) / len(small.clients) <= 3.5
    assert (small.node_id, small.size, small.seed, small.now_ms) == (
        "enschede-zuid", "small", 7, FIXED_NOW_MS,
    )  # fmt: skip


def test_large_is_exact(large: DemoData) -> None:
    data = large
    assert len(data.clients) == 10_000 and len(data.volunteers) == 10_000
    assert len(data.mantelzorgers) == SIZES["large"].mantelzorgers
    assert len(data.help_requests) == SIZES["large"].help_requests
    assert len(data.placements) == SIZES["large"].placements
    assert 2.5 <= len(data.visits) / len(data.clients) <= 3.5


def test_unknown_node_or_size_is_value_error() -> None:
    with pytest.raises(ValueError, match="unknown node"):
        generate("amsterdam")
    with pytest.raises(ValueError, match="unknown size"):
        generate("borne", "huge")  # type: ignore[arg-type]


@pytest.mark.parametrize("node_id", [n.id for n in NODES])
def test_every_node_generates_in_its_own_area(node_id: str) -> None:
    d = generate(node_id)
    area = set(pc4s_for(node_id))
    assert {c["postcode"][:4] for c in d.clients} <= area
    assert {v["pc4"] for v in d.volunteers} <= area
    assert all(r["node_id"] == node_id for r in d.clients + d.placements + d.help_requests)


def test_ids_are_unique_uuid4_hex(small: DemoData) -> None:
    ids = [r["id"] for r in _all_records(small)]
    assert len(ids) == len(set(ids))
    for i in ids:
        assert HEX32.match(i) and uuid.UUID(hex=i).version == 4


def test_json_round_trip(small: DemoData) -> None:
    records = _all_records(small)
    assert json.loads(json.dumps(records)) == records


def test_clients(small: DemoData) -> None:
    area = set(pc4s_for(small.node_id))
    bsns = [c["bsn"] for c in small.clients if c["bsn"] is not None]
    assert len(bsns) == len(set(bsns)) > 0.9 * len(small.clients)
    for c in small.clients:
        assert set(c) == CLIENT
        if c["bsn"] is not None:
            assert stdnum_bsn.is_valid(c["bsn"]) and len(c["bsn"]) == 9
        assert stdnum_postcode.validate(c["postcode"]) == c["postcode"]
        assert c["postcode"][5:] not in {"SA", "SD", "SS"}
        assert c["postcode"][:4] in area
        assert ISO_DATE.match(c["birth_date"])
        assert c["gp_agb"] is None or re.fullmatch(r"\d{8}", c["gp_agb"])
        assert isinstance(c["wlz_indicatie"], bool)
        assert c["consents"] == sorted(c["consents"])
    ages = [_age(c["birth_date"]) for c in small.clients]
    assert sum(65 <= a <= 98 for a in ages) >= 0.8 * len(ages)
    assert min(ages) >= 40 and max(ages) <= 99


def test_large_bsns_and_postcodes(large: DemoData) -> None:
    data = large
    area = set(pc4s_for("almelo"))
    bsns = [c["bsn"] for c in data.clients if c["bsn"]]
    assert len(bsns) == len(set(bsns))
    assert all(stdnum_bsn.is_valid(b) for b in bsns)
    assert all(stdnum_postcode.is_valid(c["postcode"]) for c in data.clients)
    assert all(c["postcode"][:4] in area for c in data.clients)


def test_awkward_names_are_present(small: DemoData) -> None:
    names = [c["name"] for c in small.clients]
    assert any("[" in n for n in names) and any('"' in n for n in names)
    assert "Jan [test] de Vries" in names
    vnames = [f"{v['first_name']} {v['last_name']}" for v in small.volunteers]
    assert any("[" in n for n in vnames)
    assert sum("[" in n for n in names) <= 0.05 * len(names)


def test_diverse_names(large: DemoData) -> None:
    data = large
    text = " ".join(c["name"] for c in data.clients)
    for marker in ("Oude ", "ter ", "Yılmaz", "El ", "Al-", "Nowak", "Tesf", "ü"):
        assert marker in text


def test_visits(small: DemoData) -> None:
    client_ids = {c["id"] for c in small.clients}
    statuses: Counter[str] = Counter()
    for v in small.visits:
        assert set(v) == VISIT
        assert v["client_id"] in client_ids
        assert v["status"] in {"PLANNED", "EN_ROUTE", "DONE", "WORSENED", "MISSED", "CANCELLED"}
        statuses[v["status"]] += 1
        assert v["planned_minutes"] > 0 and v["interventions"] == sorted(v["interventions"])
        if v["status"] in ("DONE", "WORSENED"):
            assert v["actual_start_at"] < v["actual_end_at"] <= small.now_ms
        else:
            assert v["actual_start_at"] is None and v["actual_end_at"] is None
    assert statuses["DONE"] and statuses["PLANNED"]
    worsened = {v["client_id"] for v in small.visits if v["status"] == "WORSENED"}
    assert len(worsened) == RISK_VISIT_CLIENTS, "a few clients for the crisis-risk list, not more"
    grouped = small.visits_by_client()
    assert sum(len(g) for g in grouped.values()) == len(small.visits)


def test_placements_follow_triage_and_lifecycle(large: DemoData) -> None:
    data = large
    now = data.now_ms
    clients = {c["id"]: c for c in data.clients}
    locs = {loc.id: loc for loc in locations_for(data.node_id)}
    seen_status: Counter[str] = Counter()
    seen_type: Counter[str] = Counter()
    for p in data.placements:
        assert set(p) == PLACEMENT
        assert set(p["triage"]) == TRIAGE and set(p["referrer"]) == REFERRER
        assert p["status"] in PLACEMENT_STATUS and p["care_type"] in CARE_TYPES
        assert p["urgency"] in {"U1", "U2", "U3", "U4", "U5"}
        assert p["referrer"]["role"] in {"HUISARTS", "HAP", "SEH_SPECIALIST", "TRANSFERVPK",
                                         "WIJKVPK", "SO"}  # fmt: skip
        assert set(p["required_capabilities"]) <= CAPABILITIES
        assert p["required_capabilities"] == sorted(p["required_capabilities"])
        seen_status[p["status"]] += 1
        seen_type[p["care_type"]] += 1
        t = p["triage"]
        assert t["wlz_indication"] == clients[p["client_id"]]["wlz_indicatie"]
        need = t["instability"] or t["unplanned_nursing"] or t["adl_takeover"]
        outcome = p["triage_outcome"]
        if t["specialist_needed"]:
            assert outcome is None and p["status"] == "REJECTED"
        elif outcome is None:
            assert p["status"] == "DRAFT"
        else:
            assert outcome == p["care_type"]
        if outcome and outcome.startswith("ELV_"):
            assert need and not t["wlz_indication"]
        if outcome == "WMO_KORTDUREND_VERBLIJF":
            assert not need and not t["wlz_indication"]
        if outcome and outcome.startswith("WLZ_"):
            assert t["wlz_indication"]
        if t["wlz_indication"]:
            assert not p["care_type"].startswith("ELV_")
        # times
        assert 0 < p["received_at"] <= now
        if p["first_reply_at"] is not None:
            assert p["received_at"] <= p["first_reply_at"] <= now
        if p["placed_at"] is not None:
            assert p["status"] in {"ACCEPTED", "ADMITTED", "DISCHARGED"}
            assert p["received_at"] <= p["placed_at"] <= now
        if p["status"] in {"ACCEPTED", "ADMITTED", "DISCHARGED"}:
            assert p["placed_at"] is not None
        if p["status"] in {"DRAFT", "SUBMITTED"}:
            assert p["first_reply_at"] is None
        assert (p["discharge_destination"] is not None) == (p["status"] == "DISCHARGED")
        assert ISO_DATE.match(p["desired_start"])
        if p["expected_end"] is not None:
            assert p["expected_end"] > p["desired_start"]
        if p["preferred_location_id"] is not None:
            assert locs[p["preferred_location_id"]].beds.get(p["care_type"], 0) > 0
    assert set(seen_status) == PLACEMENT_STATUS
    assert {"ELV_LAAG", "ELV_HOOG", "ELV_PALLIATIEF", "GRZ", "WLZ_CRISIS"} <= set(seen_type)
    placed = [p for p in data.placements if p["status"] in {"ADMITTED", "DISCHARGED"}]
    within_24h = sum(p["placed_at"] - p["received_at"] <= 24 * 3_600_000 for p in placed)
    assert 0.75 <= within_24h / len(placed) <= 0.95


def test_volunteers(small: DemoData) -> None:
    area = set(pc4s_for(small.node_id))
    vog: Counter[str] = Counter()
    expiring_soon = 0
    for v in small.volunteers:
        assert set(v) == VOLUNTEER and set(v["vog"]) == VOG
        assert v["pc4"] in area
        assert v["tasks"] and v["tasks"] == sorted(set(v["tasks"])) and set(v["tasks"]) <= TASKS
        assert "PERSOONLIJKE_VERZORGING" not in v["tasks"]
        assert v["languages"] and v["languages"] == sorted(set(v["languages"]))
        assert all(re.fullmatch(r"[a-z]{2}", lang) for lang in v["languages"])
        _availability_ok(v["availability"])
        assert v["max_km"] > 0 and 16 <= TODAY.year - v["birth_year"] <= 82
        status, issued = v["vog"]["status"], v["vog"]["issued_on"]
        vog[status] += 1
        if status in {"VALID", "EXPIRED"}:
            age_days = (TODAY - date.fromisoformat(issued)).days
            if status == "VALID":
                assert 0 <= age_days < VOG_VALID_DAYS
                expiring_soon += age_days >= VOG_VALID_DAYS - 60
            else:
                assert age_days >= VOG_VALID_DAYS
        else:
            assert issued is None
    assert vog["VALID"] >= 0.6 * len(small.volunteers)
    assert vog["EXPIRED"] and vog["REQUESTED"] and vog["NONE"]
    assert expiring_soon > 0
    langs = Counter(lang for v in small.volunteers for lang in v["languages"])
    assert langs["nl"] > 0.8 * len(small.volunteers) and len(langs) >= 5


def test_mantelzorgers(small: DemoData) -> None:
    client_ids = {c["id"] for c in small.clients}
    heavy = 0
    for m in small.mantelzorgers:
        assert set(m) == MANTELZORGER
        assert m["care_for_client_id"] is None or m["care_for_client_id"] in client_ids
        assert m["hours_per_week"] > 0
        assert m["respite_needs"] == sorted(set(m["respite_needs"]))
        assert set(m["respite_needs"]) <= {"LOGEER", "DAGOPVANG", "VRIJWILLIGE_THUISHULP"}
        b = m["burden"]
        if b is None:
            continue
        assert set(b) == BURDEN and b["instrument"] == "EDIZ_PLUS" and 0 <= b["score"] <= 15
        expected = ("NONE" if b["score"] == 0 else "LIGHT" if b["score"] <= 3
                    else "MODERATE" if b["score"] <= 8 else "HEAVY")  # fmt: skip
        assert b["category"] == expected
        heavy += b["score"] >= 9
    assert heavy == round(0.15 * len(small.mantelzorgers))


def test_earlier_burden_measurements_lead_up_to_the_latest(large: DemoData) -> None:
    carers = {m["id"]: m for m in large.mantelzorgers}
    by_carer: dict[str, list[dict]] = {}
    for m in large.burden_history:
        assert set(m) == {"mantelzorger_id", "instrument", "score", "measured_on"}
        assert m["instrument"] == "EDIZ" and 0 <= m["score"] <= 9
        by_carer.setdefault(m["mantelzorger_id"], []).append(m)
    measured = sum(c["burden"] is not None for c in carers.values())
    assert 0.2 < len(by_carer) / measured < 0.3  # about one carer with a burden in four
    moves: Counter[int] = Counter()
    for carer_id, earlier in by_carer.items():
        latest, since = carers[carer_id]["burden"], carers[carer_id]["since"]
        days = [m["measured_on"] for m in earlier] + [latest["measured_on"]]
        assert len(earlier) in (2, 3) and days == sorted(set(days))  # oldest first, the latest last
        assert since is None or since <= days[0]  # nothing measured before the care began
        before = BURDEN_CATEGORIES.index(burden_category("EDIZ", earlier[-1]["score"]))
        after = BURDEN_CATEGORIES.index(latest["category"])
        moves[(after > before) - (after < before)] += 1
    assert moves[1] > moves[0] > 0 and moves[1] > moves[-1] > 0  # mostly rising, some steady, falling


@pytest.mark.parametrize("instrument", ["EDIZ", "EDIZ_PLUS"])
def test_burden_category_agrees_with_the_domain(instrument: str) -> None:
    scored = BurdenInstrument(instrument)
    lo, hi = SCORE_RANGE[scored]
    scores = range(lo, hi + 1)
    assert [burden_category(instrument, s) for s in scores] == [category(scored, s).value for s in scores]
    with pytest.raises(ValueError):
        burden_category(instrument, hi + 1)
    with pytest.raises(ValueError):
        burden_category("CSI", 3)  # the generator scores no other instrument


def test_help_requests_and_matches(large: DemoData) -> None:
    data = large
    area = set(pc4s_for(data.node_id))
    health = {s for _, s in HEALTH_TERM_SUMMARIES}
    requests = {r["id"]: r for r in data.help_requests}
    volunteers = {v["id"]: v for v in data.volunteers}
    for r in data.help_requests:
        assert set(r) == HELP_REQUEST and set(r["window"]) == WINDOW
        assert r["pc4"] in area and r["task"] in TASKS
        assert r["task"] != "PERSOONLIJKE_VERZORGING"
        assert r["window"]["start"] <= r["window"]["end"]
        _availability_ok(r["window"]["availability"])
        assert 0 < r["created_at"] <= data.now_ms
        assert isinstance(r["requires_vog"], bool)
    summaries = [r["summary"] for r in data.help_requests]
    flagged = [s for s in summaries if s in health]
    assert any("slechthorend" in s for s in flagged)
    assert 0 < len(flagged) <= 0.15 * len(summaries)
    assert {r["status"] for r in data.help_requests} >= {"OPEN", "MATCHING", "DONE"}
    active = {"ACCEPTED", "CONFIRMED", "COMPLETED", "PROPOSED"}
    for m in data.matches:
        assert set(m) == MATCH
        req, vol = requests[m["help_request_id"]], volunteers[m["volunteer_id"]]
        assert isinstance(m["score"], int) and 0 <= m["score"] <= 100 and isinstance(m["distance_km"], float)
        if m["status"] in active:  # hard filters hold for every live match
            assert not req["requires_vog"] or vol["vog"]["status"] == "VALID"
            assert req["language"] is None or req["language"] in vol["languages"]
            assert req["task"] in vol["tasks"]
            assert m["distance_km"] <= vol["max_km"]
            assert m["distance_km"] == round(pc4_distance_km(req["pc4"], vol["pc4"]), 1)
            want = {(a["weekday"], a["dagdeel"]) for a in req["window"]["availability"]}
            assert want & {(a["weekday"], a["dagdeel"]) for a in vol["availability"]}
    for rid, ms in data.matches_by_request().items():
        statuses = {m["status"] for m in ms.values()}
        if requests[rid]["status"] == "OPEN":
            assert not ms
        if requests[rid]["status"] == "DONE":
            assert statuses == {"COMPLETED"}


def test_small_help_requests_include_a_health_term(small: DemoData) -> None:
    assert any("slechthorend" in r["summary"] for r in small.help_requests)


def test_other_now_keeps_every_time_in_the_past_of_now() -> None:
    """The demo service passes the real clock, so invariants must hold for any ``now_ms``."""
    now = 1_800_000_000_123
    d = generate("hof-van-twente", seed=1, now_ms=now)
    today = datetime.fromtimestamp(now / 1000, tz=UTC).date()
    for c in d.clients:
        b = date.fromisoformat(c["birth_date"])
        assert 40 <= today.year - b.year <= 99
    assert all(v["actual_end_at"] is None or v["actual_end_at"] <= now for v in d.visits)
    assert all(p["received_at"] <= now for p in d.placements)
    assert all(p["placed_at"] is None or p["placed_at"] <= now for p in d.placements)
    assert all(0 < r["created_at"] <= now for r in d.help_requests)
    assert all(
        v["vog"]["issued_on"] is None or date.fromisoformat(v["vog"]["issued_on"]) <= today
        for v in d.volunteers
    )
