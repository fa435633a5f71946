"""Validation of raw form input: every rule, and every problem of a form reported at once."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from veldclient.domain import (
    STALE_AFTER_MS,
    BurdenCategory,
    CapacityRecord,
    CareType,
    Client,
    HelpRequest,
    Location,
    Mantelzorger,
    Match,
    OnBehalfOf,
    PlacementRequest,
    Slot,
    SlotStatus,
    Visit,
    VisitStatus,
    Vog,
    VogStatus,
    Volunteer,
)
from veldclient.errors import ValidationError

TODAY = date(2026, 11, 18)
T0 = 1_795_000_000_000
HOUR = 3_600_000


def errors_of(call, *args: Any, **kwargs: Any) -> dict[str, str]:
    """Run a parse that must fail; return {field: code} and check every message is bilingual."""
    with pytest.raises(ValidationError) as info:
        call(*args, **kwargs)
    for err in info.value.errors:
        assert err.nl.strip() and err.en.strip(), err
        assert err.nl != err.en, err
    fields = [e.field for e in info.value.errors]
    assert len(fields) == len(set(fields)), fields
    return {e.field: e.code for e in info.value.errors}


# --- Client ------------------------------------------------------------------------------------

CLIENT = {
    "node_id": "enschede-centrum",
    "name": "Jan Jansen",
    "birth_date": "1940-05-01",
    "postcode": "7511 JM",
}


def client(**changes: Any) -> Client:
    return Client.parse({**CLIENT, **changes}, today=TODAY)


def test_client_input_is_normalised() -> None:
    c = client(
        name="  Jan   Jansen ",
        postcode="7522nb",
        bsn=" 1112 22 333",
        gp_agb="0123 4567",
        wlz_indicatie="ja",
        consents="SHARE_NODE; GP",
        address="",
    )
    assert (c.name, c.postcode, c.bsn, c.gp_agb) == (
        "Jan Jansen",
        "7522 NB",
        "111222333",
        "01234567",
    )
    assert c.wlz_indicatie is True and c.consents == {"SHARE_NODE", "GP"} and c.address is None


def test_client_form_reports_every_problem_together() -> None:
    found = errors_of(
        Client.parse,
        {
            "node_id": "Enschede Centrum!",
            "name": "   ",
            "birth_date": "1950-02-30",
            "postcode": "7511 SS",
            "bsn": "123456789",
            "gp_agb": "123",
            "wlz_indicatie": "misschien",
        },
        today=TODAY,
    )
    assert found == {
        "node_id": "node_id",
        "name": "required",
        "birth_date": "date",
        "postcode": "postcode_letters",
        "bsn": "bsn_checksum",
        "gp_agb": "agb",
        "wlz_indicatie": "bool",
    }


@pytest.mark.parametrize(
    ("birth", "code"),
    [
        ("2026-11-19", "future"),
        ("1899-12-31", "too_old"),
        ("12-31-1950", "date"),  # month first: never read
        ("31-02-1950", "date"),
        ("1950-13-01", "date"),
        ("", "required"),
    ],
)
def test_client_birth_date(birth: str, code: str) -> None:
    assert errors_of(client, birth_date=birth) == {"birth_date": code}


def test_client_birth_date_limits_are_inclusive() -> None:
    assert client(birth_date="2026-11-18").birth_date == TODAY
    assert client(birth_date=date(1900, 1, 1)).birth_date == date(1900, 1, 1)


# --- Capacity ----------------------------------------------------------------------------------

CAPACITY = {
    "location_id": "loc1",
    "node_id": "hengelo",
    "care_type": "ELV_HOOG",
    "beds_total": 10,
    "counts": {"FREE": 2, "OCCUPIED": 8},
    "capabilities": [],
    "reported_by": "anna",
    "reported_at": T0,
    "device_id": "dev-1",
}


def capacity(**changes: Any) -> CapacityRecord:
    return CapacityRecord.parse({**CAPACITY, **changes})


def test_capacity_counts_more_than_total() -> None:
    with pytest.raises(ValidationError) as info:
        capacity(counts={"FREE": 3, "OCCUPIED": 7, "CLOSED": 1, "CLEANING": 1})
    (err,) = info.value.errors
    assert err.field == "counts" and err.code == "sum"
    assert err.nl.startswith(
        "Vrij + bezet + gesloten + schoonmaak + isolatie (12) is meer dan het totaal aantal bedden (10)."
    )
    assert "(12) is more than the total number of beds (10)" in err.en


def test_capacity_counts_less_than_total() -> None:
    with pytest.raises(ValidationError) as info:
        capacity(counts={"free": "2", "occupied": " 6 "})
    assert "(8) is minder dan" in info.value.errors[0].nl
    assert "(8) is less than" in info.value.errors[0].en


def test_capacity_bad_counts_are_named_per_status() -> None:
    found = errors_of(capacity, counts={"FREE": -1, "OCCUPIED": "2.5", "BROKEN": 1}, beds_total="tien")
    assert found == {
        "counts.FREE": "range",
        "counts.OCCUPIED": "integer",
        "counts.BROKEN": "unknown",
        "beds_total": "integer",
    }


def test_capacity_enums_are_case_insensitive_codes_or_labels() -> None:
    for typed in ("elv_hoog", "ELV hoog complex", "high-complexity primary-care stay", "elv-hoog"):
        assert capacity(care_type=typed).care_type is CareType.ELV_HOOG
    rec = capacity(capabilities="infuus, Zuurstof ; tillift")
    assert {c.value for c in rec.capabilities} == {"INFUUS", "ZUURSTOF", "TILLIFT"}
    assert errors_of(capacity, care_type="ELV", capabilities="infuus, vleugels") == {
        "care_type": "choice",
        "capabilities": "choice",
    }


def test_capacity_age_and_staleness() -> None:
    rec = capacity(counts={"FREE": 4, "OCCUPIED": 6})
    assert rec.free == 4 and rec.key == "loc1/ELV_HOOG"
    assert rec.age_ms(T0 + 5_000) == 5_000
    assert rec.age_ms(T0 - 5_000) == 0  # another device's clock ahead: never negative
    assert not rec.is_stale(T0 + STALE_AFTER_MS)
    assert rec.is_stale(T0 + STALE_AFTER_MS + 1)
    assert rec.is_stale(T0 + 2 * HOUR, stale_after_ms=HOUR)


# --- Visit and times ----------------------------------------------------------------------------

VISIT = {"client_id": "c1", "nurse": "nurse-1", "planned_start_at": T0, "planned_minutes": "30"}


def test_visit_times_typed_as_dutch_wall_clock() -> None:
    v = Visit.parse({**VISIT, "planned_start_at": "2025-06-01 10:00", "status": "en route"})
    assert v.planned_start_at == 1_748_764_800_000  # 08:00 UTC in summer time
    assert v.status is VisitStatus.EN_ROUTE
    winter = Visit.parse({**VISIT, "planned_start_at": "2025-01-15T10:00+01:00"})
    assert (
        winter.planned_start_at
        == Visit.parse({**VISIT, "planned_start_at": "2025-01-15 10:00"}).planned_start_at
    )


def test_visit_actual_times_in_order() -> None:
    found = errors_of(Visit.parse, {**VISIT, "actual_start_at": T0 + HOUR, "actual_end_at": T0})
    assert found == {"actual_end_at": "order"}
    assert errors_of(Visit.parse, {**VISIT, "actual_end_at": T0}) == {"actual_start_at": "required"}
    same = Visit.parse({**VISIT, "actual_start_at": T0, "actual_end_at": T0})
    assert same.actual_end_at == same.actual_start_at


def test_visit_form_reports_every_problem_together() -> None:
    found = errors_of(
        Visit.parse,
        {"client_id": "a b", "planned_start_at": -5, "planned_minutes": 0, "status": "weg"},
    )
    assert found == {
        "client_id": "id",
        "nurse": "required",
        "planned_start_at": "datetime",
        "planned_minutes": "range",
        "status": "choice",
    }


# --- Placement request --------------------------------------------------------------------------

PLACEMENT = {
    "client_id": "c1",
    "node_id": "almelo",
    "urgency": "u2",
    "desired_start": "2026-11-20",
    "received_at": T0,
    "referrer": {"name": "Dr. Bos", "role": "huisarts"},
    "triage": {"instability": "ja"},
}


def placement(**changes: Any) -> PlacementRequest:
    return PlacementRequest.parse({**PLACEMENT, **changes})


def test_placement_care_type_follows_triage_unless_chosen() -> None:
    assert placement().care_type is CareType.ELV_HOOG
    chosen = placement(care_type="elv_palliatief", triage_outcome="GGZ_CRISIS")
    assert chosen.care_type is CareType.ELV_PALLIATIEF
    assert chosen.triage_outcome is CareType.ELV_HOOG  # always recomputed from the answers


def test_placement_wlz_indication_excludes_elv() -> None:
    found = errors_of(placement, triage={"wlz_indication": True}, care_type="ELV_LAAG")
    assert found == {"care_type": "wlz_excludes_elv"}
    assert placement(triage={"wlz_indication": True}).care_type is CareType.WLZ_LOGEER


def test_placement_hospital_advice_needs_an_explicit_care_type() -> None:
    assert errors_of(placement, triage={"specialist_needed": True}) == {"care_type": "hospital"}
    req = placement(triage={"specialist_needed": True}, care_type="GRZ")
    assert req.triage_outcome is None and req.care_type is CareType.GRZ


def test_placement_dates_and_times_in_order() -> None:
    found = errors_of(placement, expected_end="2026-11-19", first_reply_at=T0 - 1, placed_at=T0 - 1)
    assert found == {"expected_end": "order", "first_reply_at": "order", "placed_at": "order"}
    ok = placement(expected_end="2026-11-20", first_reply_at=T0, placed_at=T0 + HOUR)
    assert ok.expected_end == ok.desired_start


def test_placement_form_reports_nested_problems_with_dotted_names() -> None:
    found = errors_of(
        PlacementRequest.parse,
        {
            "client_id": "",
            "node_id": "almelo",
            "urgency": "U9",
            "desired_start": "morgen",
            "received_at": T0,
            "referrer": {"name": "", "role": "tandarts", "agb": "12"},
            "triage": {"instability": "soms"},
            "required_capabilities": "vleugels",
            "status": "BEZIG",
        },
    )
    assert found == {
        "triage.instability": "bool",
        "client_id": "required",
        "referrer.name": "required",
        "referrer.role": "choice",
        "referrer.agb": "agb",
        "urgency": "choice",
        "required_capabilities": "choice",
        "desired_start": "date",
        "status": "choice",
    }
    assert errors_of(PlacementRequest.parse, {**PLACEMENT, "referrer": None}) == {"referrer": "required"}


def test_placement_sla_timers() -> None:
    req = placement()
    assert req.reply_due_at == T0 + 2 * HOUR and req.placed_due_at == T0 + 24 * HOUR
    assert not req.reply_overdue(T0 + 2 * HOUR) and req.reply_overdue(T0 + 2 * HOUR + 1)
    assert not placement(first_reply_at=T0 + 10).reply_overdue(T0 + 10 * HOUR)
    assert req.placement_overdue(T0 + 25 * HOUR)
    assert not placement(status="CANCELLED").placement_overdue(T0 + 25 * HOUR)


# --- Volunteer and VOG --------------------------------------------------------------------------

VOLUNTEER = {
    "node_id": "borne",
    "first_name": "Ayşe",
    "last_name": "Yılmaz",
    "pc4": "7622",
    "birth_year": "1990",
    "max_km": "10",
}


def volunteer(**changes: Any) -> Volunteer:
    return Volunteer.parse({**VOLUNTEER, **changes}, today=TODAY)


@pytest.mark.parametrize(("km", "ok"), [(0, False), (1, True), (100, True), (101, False)])
def test_volunteer_max_km(km: int, ok: bool) -> None:
    if ok:
        assert volunteer(max_km=km).max_km == km
    else:
        assert errors_of(volunteer, max_km=km) == {"max_km": "range"}


@pytest.mark.parametrize(
    ("year", "code"), [(1899, "range"), (TODAY.year - 15, "too_young"), ("negentig", "integer")]
)
def test_volunteer_birth_year_refused(year: object, code: str) -> None:
    assert errors_of(volunteer, birth_year=year) == {"birth_year": code}


def test_volunteer_birth_year_limits() -> None:
    assert volunteer(birth_year=1900).birth_year == 1900
    assert volunteer(birth_year=TODAY.year - 16).birth_year == TODAY.year - 16
    with pytest.raises(ValidationError) as info:
        volunteer(birth_year=TODAY.year - 15)
    assert str(TODAY.year - 16) in info.value.errors[0].nl


def test_volunteer_lists_accept_typed_text() -> None:
    v = volunteer(tasks="Vervoer, gezelschap", languages="NL, tr", availability="ma ochtend; vrijdag avond")
    assert {t.value for t in v.tasks} == {"VERVOER", "GEZELSCHAP"}
    assert v.languages == {"nl", "tr"}
    assert [a.label("en") for a in sorted(v.availability, key=lambda a: a.sort_key)] == [
        "Monday morning",
        "Friday evening",
    ]


def test_volunteer_form_reports_every_problem_together() -> None:
    found = errors_of(
        Volunteer.parse,
        {
            "node_id": "borne",
            "first_name": "",
            "last_name": "X",
            "pc4": "0622",
            "birth_year": 2015,
            "max_km": 500,
            "phone": "12345",
            "email": "geen-mail",
            "tasks": "persoonlijke verzorging",
            "languages": "nl, klingon",
            "availability": "maandag nacht",
            "vog": {"status": "valid"},
        },
        today=TODAY,
    )
    assert found == {
        "first_name": "required",
        "pc4": "pc4",
        "phone": "phone",
        "email": "email",
        "birth_year": "too_young",
        "tasks": "not_for_volunteers",
        "languages": "language",
        "availability": "availability",
        "max_km": "range",
        "vog.issued_on": "required",
    }


def test_vog_rules() -> None:
    assert volunteer().vog == Vog()  # no VOG given: none yet
    old = {"status": "VALID", "issued_on": "2023-11-18"}
    assert errors_of(volunteer, vog=old) == {"vog.status": "vog_expired"}
    assert errors_of(volunteer, vog={"status": "none", "issued_on": "2024-01-01"}) == {
        "vog.issued_on": "vog_none"
    }
    assert errors_of(Vog.parse, {"status": "VALID", "issued_on": "2026-11-19"}, today=TODAY) == {
        "issued_on": "future"
    }
    assert Vog.parse({"status": "Expired", "issued_on": "2010-01-01"}, today=TODAY).status is (
        VogStatus.EXPIRED
    )


def test_vog_validity_window() -> None:
    vog = Vog(VogStatus.VALID, date(2024, 3, 1))
    assert vog.expires_on == date(2027, 3, 1)
    assert not vog.is_valid_on(date(2024, 2, 29))
    assert vog.is_valid_on(date(2024, 3, 1)) and vog.is_valid_on(date(2027, 2, 28))
    assert not vog.is_valid_on(date(2027, 3, 1))
    assert Vog(VogStatus.VALID, date(2024, 2, 29)).expires_on == date(2027, 2, 28)
    assert not Vog(VogStatus.EXPIRED, date(2026, 1, 1)).is_valid_on(TODAY)
    assert not Vog(VogStatus.REQUESTED).is_valid_on(TODAY) and Vog().expires_on is None


# --- Mantelzorger and burden --------------------------------------------------------------------

CARER = {
    "node_id": "oldenzaal",
    "first_name": "Piet",
    "last_name": "Smit",
    "pc4": "7571",
    "relationship": "partner",
    "hours_per_week": "20",
}


def carer(**changes: Any) -> Mantelzorger:
    return Mantelzorger.parse({**CARER, **changes}, today=TODAY)


@pytest.mark.parametrize(("hours", "ok"), [(-1, False), (0, True), (168, True), (169, False)])
def test_carer_hours_per_week(hours: int, ok: bool) -> None:
    if ok:
        assert carer(hours_per_week=hours).hours_per_week == hours
    else:
        assert errors_of(carer, hours_per_week=hours) == {"hours_per_week": "range"}


def test_burden_category_is_derived_from_the_score() -> None:
    m = carer(
        burden={
            "instrument": "ediz-plus",
            "score": "9",
            "measured_on": "2026-11-01",
            "category": "NONE",
        }
    )
    assert m.burden is not None and m.burden.category is BurdenCategory.HEAVY


@pytest.mark.parametrize(("instrument", "score"), [("EDIZ", 10), ("CSI", 14), ("EDIZ_PLUS", 16)])
def test_burden_score_outside_instrument_range(instrument: str, score: int) -> None:
    burden = {"instrument": instrument, "score": score, "measured_on": "2026-11-01"}
    assert errors_of(carer, burden=burden) == {"burden.score": "range"}


@pytest.mark.parametrize(
    ("instrument", "score", "overloaded"),
    [
        ("EDIZ_PLUS", 8, False),
        ("EDIZ_PLUS", 9, True),
        ("CSI", 6, False),
        ("CSI", 7, True),
        ("EDIZ", 6, False),
        ("EDIZ", 7, True),
    ],
)
def test_overloaded(instrument: str, score: int, overloaded: bool) -> None:
    m = carer(burden={"instrument": instrument, "score": score, "measured_on": "2026-11-01"})
    assert m.overloaded is overloaded
    assert carer().overloaded is False


def test_carer_form_reports_every_problem_together() -> None:
    found = errors_of(
        Mantelzorger.parse,
        {
            **CARER,
            "relationship": "",
            "hours_per_week": "veel",
            "since": "2027-01-01",
            "respite_needs": "vakantie",
            "burden": {"instrument": "X", "measured_on": "2027-01-01"},
        },
        today=TODAY,
    )
    assert found == {
        "relationship": "required",
        "hours_per_week": "integer",
        "since": "future",
        "respite_needs": "choice",
        "burden.instrument": "choice",
        "burden.score": "required",
        "burden.measured_on": "future",
    }


# --- Help requests, matches, slots, locations ----------------------------------------------------

HELP = {
    "node_id": "hengelo",
    "on_behalf_of": "mantelzorger",
    "task": "boodschappen",
    "summary": "Boodschappen op dinsdag",
    "pc4": "7555",
    "created_at": T0,
    "window": {"start": "2026-12-01", "end": "2026-12-31", "availability": "di ochtend"},
}


def test_help_request_defaults() -> None:
    req = HelpRequest.parse({**HELP, "language": "TR"})
    assert req.requires_vog is True  # safe default: checking a VOG is never skipped by accident
    assert req.on_behalf_of is OnBehalfOf.MANTELZORGER and req.language == "tr"
    assert req.status.value == "OPEN"
    assert HelpRequest.parse({**HELP, "requires_vog": "nee"}).requires_vog is False


def test_help_request_form_reports_every_problem_together() -> None:
    found = errors_of(
        HelpRequest.parse,
        {
            **HELP,
            "on_behalf_of": "buurman",
            "task": "",
            "summary": "x" * 501,
            "pc4": "755",
            "language": "nederlands",
            "window": {"start": "2026-12-31", "end": "2026-12-01", "availability": "di nacht"},
        },
    )
    assert found == {
        "on_behalf_of": "choice",
        "task": "required",
        "summary": "too_long",
        "pc4": "pc4",
        "window.availability": "availability",
        "window.end": "order",
        "language": "language",
    }
    assert errors_of(HelpRequest.parse, {**HELP, "window": None}) == {"window": "required"}


def test_match_parse() -> None:
    m = Match.parse(
        {
            "help_request_id": "h1",
            "volunteer_id": "v1",
            "score": "0,75",
            "distance_km": "3.5",
            "proposed_by": "coord-1",
        }
    )
    assert (m.score, m.distance_km, m.status.value, m.feedback) == (0.75, 3.5, "PROPOSED", None)
    found = errors_of(
        Match.parse,
        {
            "help_request_id": "h1",
            "score": "hoog",
            "distance_km": -1,
            "proposed_by": "c",
            "status": "GEWEIGERD",
        },
    )
    assert found == {
        "volunteer_id": "required",
        "score": "number",
        "distance_km": "range",
        "status": "choice",
    }


def test_slot_parse() -> None:
    slot = Slot.parse({"node_id": "borne", "service": "gp consult", "start_at": T0})
    assert (slot.service, slot.minutes, slot.status) == ("GP_CONSULT", 10, SlotStatus.FREE)
    assert slot.end_at == T0 + 600_000
    # a slot travels in the node document to every node: it never names a client (issue 15.7)
    for status in ("free", "busy"):
        assert errors_of(
            Slot.parse,
            {"node_id": "borne", "service": "GP", "start_at": T0, "status": status, "booked_for": "c1"},
        ) == {"booked_for": "not_mesh_wide"}
    assert "booked_for" not in Slot.parse({"node_id": "borne", "service": "GP", "start_at": T0}).to_dict()


def test_location_parse() -> None:
    loc = Location.parse(
        {
            "node_id": "Hengelo",
            "name": " ZGT ",
            "agb": "0123-4567",
            "postcode": "7555dl",
            "address": "Geerdinksweg 141",
        }
    )
    assert (loc.node_id, loc.name, loc.agb, loc.postcode) == (
        "hengelo",
        "ZGT",
        "01234567",
        "7555 DL",
    )
    assert errors_of(Location.parse, {}) == {
        k: "required" for k in ("node_id", "name", "agb", "postcode", "address")
    }
