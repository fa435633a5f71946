"""The FHIR mapping of capacity and slots (services/fhir_mapping.py) as pure functions: bed states
as v2-0116 bed groups, free and total beds in the bed-availability extension, slots free or busy,
ids in FHIR's alphabet, and a Slot status outside R4B's value set refused."""

from __future__ import annotations

import json
import re

import pytest
from fhir.resources.R4B.bundle import Bundle

from veldclient.services import fhir_mapping as m
from veldclient.services.capacity import CapacityView, LocationView

NOW = 1_795_000_000_000
LOC = "66231a0223ae40e2b943952831335f83"
FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")


def view(care_type: str = "ELV_HOOG", reported: bool = True, **counts: int) -> CapacityView:
    beds = {"free": 0, "occupied": 0, "closed": 0, "cleaning": 0, "isolation": 0, **counts}
    return CapacityView(
        node_id="almelo",
        node_name="Almelo",
        location_id=LOC,
        location_name="Herstelcentrum Schelfhorst",
        care_type=care_type,
        beds_total=sum(beds.values()) if reported else None,
        **{k: (v if reported else None) for k, v in beds.items()},  # type: ignore[arg-type]
        capabilities=["TILLIFT"],
        reported_by="nurse-login" if reported else None,
        reported_at=NOW - 60_000 if reported else None,
        device_id="d" * 64 if reported else None,
        age_ms=60_000 if reported else None,
        stale=False,
        reported=reported,
        reserved=1 if reported and beds["free"] else 0,
    )


SITE = LocationView(
    LOC, "almelo", "Almelo", "Herstelcentrum Schelfhorst", "22019908", "7603 BA", "Schelfhorstweg 9"
)


def sub(extension: dict, name: str):
    (found,) = [e for e in extension["extension"] if e["url"] == name]
    return next(v for k, v in found.items() if k.startswith("value"))


def test_a_location_with_mixed_bed_states_gets_one_bed_group_per_status_in_use():
    v = view(free=3, occupied=10, cleaning=2, isolation=1)
    groups = m.bed_groups(v)
    codes = {g["operationalStatus"]["code"]: g["extension"][0]["valueUnsignedInt"] for g in groups}
    assert codes == {"U": 3, "O": 10, "H": 2, "I": 1}  # no beds closed: no group for C
    assert all(g["operationalStatus"]["system"] == m.V2_0116 for g in groups)
    assert all(g["mode"] == "kind" and g["partOf"] == {"reference": f"Location/loc-{LOC}"} for g in groups)
    assert sum(codes.values()) == v.beds_total

    service = m.bed_service(v, groups)
    (ext,) = service["extension"]
    assert ext["url"] == m.EXT_BED_AVAILABILITY
    assert (sub(ext, "total"), sub(ext, "free"), sub(ext, "available")) == (16, 3, 2)
    assert sub(ext, "reportedAt") == "2026-11-18T11:05:40Z"
    assert sub(ext, "reporter") == {"system": m.NS_DEVICE, "value": "d" * 64}
    assert [r["reference"] for r in service["location"]] == [f"Location/loc-{LOC}"] + [
        f"Location/{g['id']}" for g in groups
    ]
    assert "nurse-login" not in json.dumps(service)  # the device reports, not a person's login


def test_a_full_location_has_no_free_group_and_says_zero_free():
    v = view(occupied=8)
    assert [g["operationalStatus"]["code"] for g in m.bed_groups(v)] == ["O"]
    ext = m.availability(v)
    assert (sub(ext, "reported"), sub(ext, "total"), sub(ext, "free")) == (True, 8, 0)


def test_an_unreported_record_says_so_and_has_no_counts():
    v = view(reported=False)
    assert m.bed_groups(v) == []
    ext = m.availability(v)
    assert [e["url"] for e in ext["extension"]] == ["reported"] and sub(ext, "reported") is False


def test_a_site_follows_the_nictiz_healthcare_provider_profile():
    site = m.site(SITE)
    assert site["meta"]["profile"] == [m.PROFILE_LOCATION]
    assert site["managingOrganization"] == {"reference": "Organization/node-almelo"}
    assert site["identifier"] == [{"system": m.NS_AGB, "value": "22019908"}]
    assert site["address"]["postalCode"] == "7603 BA" and site["address"]["city"] == "Almelo"
    org = m.organization("almelo", "Almelo")
    assert org["meta"]["profile"] == [m.PROFILE_ORGANIZATION] and org["id"] == "node-almelo"


def slot_row(state: str, status: str = "FREE", by: list[str] | None = None) -> dict:
    return {
        "id": "a1334add0eb14ae9b5b1115767a31a93",
        "node_id": "enschede-zuid",
        "service": "GP_CONSULT",
        "start_at": NOW,
        "minutes": 10,
        "state": state,
        "status": status,
        "booked_by_nodes": by or [],
    }


def test_a_free_slot_and_a_booked_slot():
    free = m.slot(m.slot_info(slot_row("free")))
    busy = m.slot(m.slot_info(slot_row("booked", by=["hengelo"])))
    assert free["status"] == "free" and busy["status"] == "busy"
    assert free["start"] == "2026-11-18T11:06:40Z" and free["end"] == "2026-11-18T11:16:40Z"
    assert free["schedule"] == {"reference": "Schedule/sched-enschede-zuid-GP-CONSULT"}
    assert "hengelo" not in json.dumps(busy)  # who booked it stays out: only busy
    assert m.slot_info(slot_row("booked", "BUSY_TENTATIVE")).status == "busy-tentative"
    assert m.slot_info(slot_row("double_booked", by=["a", "b"])).status == "busy"


@pytest.mark.parametrize("code", ["CANCELLED", "booked", "", "free "])
def test_a_slot_status_outside_the_r4b_value_set_is_refused(code):
    if code == "free ":
        assert m.slot_status(code) == "free"  # spacing is not a new code
        return
    with pytest.raises(m.FhirMappingError) as refused:
        m.slot_status(code)
    assert "busy-unavailable" in refused.value.en and "bestaat niet in FHIR R4B" in refused.value.nl


def test_the_library_alone_would_accept_any_slot_status():
    """Why slot_status exists: fhir.resources does not hold Slot.status to its value set."""
    from fhir.resources.R4B.slot import Slot

    loose = Slot.model_validate(
        {
            "status": "nonsense",
            "schedule": {"reference": "Schedule/x"},
            "start": m.instant(NOW),
            "end": m.instant(NOW),
        }
    )
    assert loose.status == "nonsense"


@pytest.mark.parametrize(
    "parts",
    [
        ("loc", LOC),
        ("beds", LOC, "WMO_KORTDUREND_VERBLIJF", "I"),
        ("x", "spaties en ü/ß#!"),
        ("", "---"),
        ("a" * 100,),
    ],
)
def test_ids_are_in_fhirs_alphabet_and_stable(parts):
    made = m.fhir_id(*parts)
    assert FHIR_ID.match(made), made
    assert made == m.fhir_id(*parts)


def test_long_ids_that_differ_only_at_the_end_stay_different():
    a = m.fhir_id("beds", LOC, "WMO_KORTDUREND_VERBLIJF", "ISOLATION")
    b = m.fhir_id("beds", LOC, "WMO_KORTDUREND_VERBLIJF", "ISOLATIOM")
    assert a != b and len(a) == len(b) == 64
    assert m.fhir_id("node", "enschede-centrum") == "node-enschede-centrum"


def test_everything_builds_into_a_bundle_that_validates_and_round_trips():
    views = [view(free=3, occupied=10), view("GRZ", occupied=4), view("ELV_LAAG", reported=False)]
    slots = [m.slot_info(slot_row("free")), m.slot_info({**slot_row("booked", by=["borne"]), "id": "b" * 32})]
    resources = m.resources({"almelo": "Almelo"}, [SITE], views, slots)
    kinds = [r["resourceType"] for r in resources]
    # every node named gets its Organization, the slots' node too (named by its id)
    assert kinds.count("Organization") == 2 and kinds.count("Slot") == 2 and kinds.count("Schedule") == 1
    bundle = m.bundle(resources, "veld-capacity-mesh", NOW)
    text = bundle.model_dump_json()
    again = Bundle.model_validate_json(text)
    assert again.type == "collection" and len(again.entry) == len(resources)
    assert json.loads(again.model_dump_json()) == json.loads(text)
    ids = [e.resource.id for e in again.entry]
    assert all(FHIR_ID.match(i) for i in ids)


def test_two_resources_with_one_id_are_refused():
    org = m.organization("almelo", "Almelo")
    with pytest.raises(m.FhirMappingError, match="same id"):
        m.bundle([org, org], "b", NOW)
