"""Record models: the exact dict shapes of docs/data-model.md, round trips, and valid input."""

from __future__ import annotations

import json
import re
import string
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veldclient.domain import (
    Availability,
    BedCounts,
    BedStatus,
    Burden,
    BurdenCategory,
    BurdenInstrument,
    Capability,
    CapacityRecord,
    CareType,
    Client,
    Dagdeel,
    DischargeDestination,
    HelpRequest,
    HelpRequestStatus,
    Location,
    Mantelzorger,
    Match,
    MatchStatus,
    OnBehalfOf,
    PlacementRequest,
    PlacementStatus,
    Referrer,
    ReferrerRole,
    RespiteNeed,
    Slot,
    SlotStatus,
    Task,
    Triage,
    Urgency,
    Visit,
    VisitStatus,
    Vog,
    VogStatus,
    Volunteer,
    Weekday,
    Window,
    identifiers,
)

DATA_MODEL = Path(__file__).resolve().parents[2] / "docs" / "data-model.md"
TODAY = date(2026, 11, 18)
T0 = 1_795_000_000_000
ID = "0123456789abcdef0123456789abcdef"


def _top_keys(body: str) -> list[str]:
    depth, items, cur = 0, [], ""
    for ch in body:
        if ch in "{[":
            depth += 1
            if depth == 1:
                continue
        if ch in "}]":
            depth -= 1
            if depth == 0:
                break
        if ch == "," and depth == 1:
            items.append(cur)
            cur = ""
            continue
        cur += ch
    items.append(cur)
    return [re.split(r"[:|]", item.strip())[0].strip() for item in items]


def documented_shapes() -> dict[str, list[str]]:
    """Top-level keys of every record in the 'Record shapes' block of docs/data-model.md."""
    block = DATA_MODEL.read_text(encoding="utf-8").split("## Record shapes")[1]
    block = block.split("```text")[1].split("```")[0]
    bodies: dict[str, str] = {}
    name = ""
    for line in block.splitlines():
        line = line.split("#")[0]
        m = re.match(r"^([A-Z]\w+)\s+(\{.*)$", line)
        if m:
            name = m.group(1)
            bodies[name] = m.group(2)
        elif name:
            bodies[name] += " " + line.strip()
    return {k: _top_keys(v) for k, v in bodies.items()}


def examples() -> dict[str, Any]:
    """One fully filled-in instance of every record model."""
    triage = Triage(instability=True, adl_takeover=True)
    availability = frozenset(
        {Availability(Weekday.VR, Dagdeel.AVOND), Availability(Weekday.MA, Dagdeel.OCHTEND)}
    )
    burden = Burden(BurdenInstrument.EDIZ_PLUS, 10, date(2026, 10, 1), BurdenCategory.HEAVY)
    return {
        "Location": Location("hengelo", "ZGT Hengelo", "01234567", "7555 DL", "Geerdinksweg 141"),
        "CapacityRecord": CapacityRecord(
            "loc1",
            "hengelo",
            CareType.ELV_HOOG,
            10,
            BedCounts(2, 6, 1, 1, 0),
            frozenset({Capability.ZUURSTOF, Capability.INFUUS}),
            "anna",
            T0,
            "dev-1",
        ),
        "Slot": Slot("borne", "GP_CONSULT", T0, 10, SlotStatus.BUSY, ID),
        "Client": Client(
            "enschede-centrum",
            "Jan Jansen",
            date(1940, 2, 29),
            "7522 NB",
            "111222333",
            "Hallenweg 5",
            "01234567",
            True,
            frozenset({"SHARE_NODE", "GP"}),
        ),
        "Visit": Visit(
            ID,
            "nurse-1",
            T0,
            30,
            T0 + 60_000,
            T0 + 1_800_000,
            ("wondzorg", "medicatie"),
            VisitStatus.DONE,
        ),
        "Triage": triage,
        "Referrer": Referrer("Dr. Bos", ReferrerRole.HUISARTS, "01234567"),
        "PlacementRequest": PlacementRequest(
            client_id=ID,
            node_id="almelo",
            referrer=Referrer("Dr. Bos", ReferrerRole.HAP),
            urgency=Urgency.U3,
            triage=triage,
            care_type=CareType.ELV_HOOG,
            desired_start=date(2026, 11, 19),
            received_at=T0,
            triage_outcome=CareType.ELV_HOOG,
            required_capabilities=frozenset({Capability.TILLIFT, Capability.DEMENTIE_PG}),
            preferred_location_id="loc1",
            expected_end=date(2026, 12, 19),
            first_reply_at=T0 + 1000,
            placed_at=T0 + 2000,
            discharge_destination=DischargeDestination.HOME_WV,
            status=PlacementStatus.DISCHARGED,
        ),
        "Availability": Availability(Weekday.WO, Dagdeel.MIDDAG),
        "Vog": Vog(VogStatus.VALID, date(2025, 1, 1)),
        "Volunteer": Volunteer(
            "borne",
            "Ayşe",
            "Yılmaz",
            "7622",
            1990,
            15,
            "0612345678",
            "ayse@example.nl",
            frozenset({Task.VERVOER, Task.GEZELSCHAP}),
            frozenset({"tr", "nl"}),
            availability,
            Vog(VogStatus.REQUESTED, None),
        ),
        "Burden": burden,
        "Mantelzorger": Mantelzorger(
            "oldenzaal",
            "Piet",
            "Smit",
            "7571",
            "partner",
            30,
            "+31612345678",
            ID,
            date(2020, 5, 1),
            burden,
            frozenset({RespiteNeed.LOGEER, RespiteNeed.DAGOPVANG}),
        ),
        "HelpRequest": HelpRequest(
            "hengelo",
            OnBehalfOf.MANTELZORGER,
            Task.BOODSCHAPPEN,
            "Wekelijks boodschappen",
            "7555",
            Window(date(2026, 12, 1), date(2026, 12, 31), availability),
            T0,
            ID,
            "WEKELIJKS",
            "nl",
            False,
            HelpRequestStatus.MATCHING,
        ),
        "Match": Match(ID, ID, 0.82, 3.4, "coord-1", MatchStatus.CONFIRMED, "Fijn contact"),
    }


EXAMPLES = examples()


def test_every_documented_record_has_an_example() -> None:
    assert set(documented_shapes()) == set(EXAMPLES)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_to_dict_has_exactly_the_documented_keys_in_order(name: str) -> None:
    assert list(EXAMPLES[name].to_dict()) == documented_shapes()[name]


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_round_trip_through_json(name: str) -> None:
    model = EXAMPLES[name]
    stored = json.loads(json.dumps(model.to_dict()))
    assert type(model).from_dict(stored) == model
    assert stored == model.to_dict()


def test_nested_shapes() -> None:
    cap = EXAMPLES["CapacityRecord"].to_dict()
    assert cap["counts"] == {"FREE": 2, "OCCUPIED": 6, "CLOSED": 1, "CLEANING": 1, "ISOLATION": 0}
    assert cap["capabilities"] == ["INFUUS", "ZUURSTOF"]
    window = EXAMPLES["HelpRequest"].to_dict()["window"]
    assert list(window) == ["start", "end", "availability"]
    assert window["availability"] == [
        {"weekday": "MA", "dagdeel": "OCHTEND"},
        {"weekday": "VR", "dagdeel": "AVOND"},
    ]
    placement = EXAMPLES["PlacementRequest"].to_dict()
    assert placement["referrer"] == {"name": "Dr. Bos", "role": "HAP", "agb": None}
    assert placement["required_capabilities"] == ["DEMENTIE_PG", "TILLIFT"]
    assert placement["desired_start"] == "2026-11-19"
    assert EXAMPLES["Mantelzorger"].to_dict()["burden"]["category"] == "HEAVY"


def test_ids_default_to_uuid4_hex() -> None:
    a = Location("hengelo", "x", "01234567", "7555 DL", "y")
    b = Location("hengelo", "x", "01234567", "7555 DL", "y")
    assert re.fullmatch(r"[0-9a-f]{32}", a.id) and a.id != b.id
    parsed = Client.parse(
        {"node_id": "hengelo", "name": "A", "birth_date": "1950-01-01", "postcode": "7555 DL"},
        today=TODAY,
    )
    assert re.fullmatch(r"[0-9a-f]{32}", parsed.id)
    kept = Client.parse(
        {
            "id": ID,
            "node_id": "hengelo",
            "name": "A",
            "birth_date": "1950-01-01",
            "postcode": "7555 DL",
        },
        today=TODAY,
    )
    assert kept.id == ID


def test_parse_accepts_already_typed_values() -> None:
    req = PlacementRequest.parse(
        {
            "client_id": ID,
            "node_id": "almelo",
            "referrer": Referrer("Dr. Bos", ReferrerRole.SO),
            "urgency": Urgency.U2,
            "triage": Triage(unplanned_nursing=True),
            "desired_start": date(2026, 11, 20),
            "received_at": T0,
        }
    )
    assert req.care_type is CareType.ELV_LAAG and req.triage_outcome is CareType.ELV_LAAG
    assert req.status is PlacementStatus.DRAFT


# --- hypothesis: round trips for generated records ---------------------------------------------

words = st.text(alphabet=string.ascii_letters + "éëïöüç'", min_size=1, max_size=12)
names = st.lists(words, min_size=1, max_size=3).map(" ".join)
node_ids = st.sampled_from(["enschede-centrum", "hengelo", "ut-kennis", "hof-van-twente"])
letters = st.sampled_from(string.ascii_uppercase)
postcodes = st.builds(lambda n, a, b: f"{n} {a}{b}", st.integers(1000, 9999), letters, letters).filter(
    lambda p: p[-2:] not in {"SA", "SD", "SS"}
)
bsns = st.sampled_from(["111222333", "123456782", "249566758", "999911120", "012345672"])
agbs = st.from_regex(r"\A[0-9]{8}\Z")
hex_ids = st.uuids().map(lambda u: u.hex)

clients = st.builds(
    Client,
    node_id=node_ids,
    name=names,
    birth_date=st.dates(date(1900, 1, 1), TODAY),
    postcode=postcodes,
    bsn=st.none() | bsns,
    address=st.none() | names,
    gp_agb=st.none() | agbs,
    wlz_indicatie=st.booleans(),
    consents=st.frozensets(st.sampled_from(["SHARE_NODE", "GP", "MANTELZORGER"])),
    id=hex_ids,
)

past = st.dates(date(1990, 1, 1), TODAY)
vogs = st.one_of(
    st.just(Vog()),
    st.builds(Vog, st.sampled_from([VogStatus.REQUESTED, VogStatus.EXPIRED]), st.none() | past),
    st.builds(Vog, st.just(VogStatus.VALID), st.dates(date(2023, 11, 19), TODAY)),
)
volunteers = st.builds(
    Volunteer,
    node_id=node_ids,
    first_name=names,
    last_name=names,
    pc4=st.integers(1000, 9999).map(str),
    birth_year=st.integers(1900, TODAY.year - 16),
    max_km=st.integers(1, 100),
    phone=st.none() | st.from_regex(r"\A06[0-9]{8}\Z"),
    email=st.none() | words.filter(str.isascii).map(lambda w: f"{w}@example.nl"),
    tasks=st.frozensets(st.sampled_from([t for t in Task if t is not Task.PERSOONLIJKE_VERZORGING])),
    languages=st.frozensets(st.sampled_from(sorted(identifiers.ISO_639_1)), max_size=4),
    availability=st.frozensets(st.builds(Availability, st.sampled_from(Weekday), st.sampled_from(Dagdeel))),
    vog=vogs,
    id=hex_ids,
)


@given(clients)
@settings(max_examples=150)
def test_client_round_trip(client: Client) -> None:
    stored = json.loads(json.dumps(client.to_dict()))
    assert Client.from_dict(stored) == client
    assert Client.parse(stored, today=TODAY) == client  # stored records are also valid input


@given(volunteers)
@settings(max_examples=150)
def test_volunteer_round_trip(volunteer: Volunteer) -> None:
    stored = json.loads(json.dumps(volunteer.to_dict()))
    assert Volunteer.from_dict(stored) == volunteer
    assert Volunteer.parse(stored, today=TODAY) == volunteer


@given(st.sampled_from(BurdenInstrument), st.integers(0, 15), past)
def test_burden_round_trip(instrument: BurdenInstrument, score: int, measured: date) -> None:
    raw = {"instrument": instrument.value, "score": score, "measured_on": measured.isoformat()}
    lo, hi = (0, {"EDIZ": 9, "EDIZ_PLUS": 15, "CSI": 13}[instrument.value])
    if lo <= score <= hi:
        burden = Burden.parse(raw, today=TODAY)
        assert Burden.from_dict(burden.to_dict()) == burden == Burden.of(instrument, score, measured)


def test_bed_counts_by_status() -> None:
    counts = BedCounts(free=2, occupied=6, closed=1, cleaning=1)
    assert counts[BedStatus.FREE] == 2 and counts[BedStatus.ISOLATION] == 0
    assert counts.total == 10
