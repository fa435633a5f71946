"""How the mesh's capacity reads as FHIR R4B resources (docs/fhir.md says why each choice).

Pure functions of what the capacity and slot views answer: nodes, care locations, bed counts per
care type and micro-capacity slots. Nothing about a person can reach a resource, because nothing
about a person comes in: the inputs below hold provider sites, counts, codes, times and the id of the
reporting device.

The resources are built with ``fhir.resources`` (its R4B package), which validates each one against
the specification and serialises it; it is imported only here, on first use, so ``veld`` and the app
start without it. Two things it does not check are checked here: ids fit FHIR's id alphabet and
length (``fhir_id``), and a Slot's status is one of the R4B value set (``slot_status``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from veldclient.domain.enums import BedStatus, Capability, CareType
from veldclient.errors import VeldError
from veldclient.reference.pc4 import place as pc4_town

if TYPE_CHECKING:
    from fhir.resources.R4B.bundle import Bundle

    from veldclient.services.capacity import CapacityView, LocationView

BASE = "https://veld.example/fhir"
"""Our own namespace: the canonical URLs of the extension, code systems and naming systems below,
and the base of each entry's fullUrl (a collection has no server; docs/fhir.md)."""

EXT_BED_AVAILABILITY = f"{BASE}/StructureDefinition/bed-availability"
EXT_BED_COUNT = f"{BASE}/StructureDefinition/bed-count"
CS_CARE_TYPE = f"{BASE}/CodeSystem/care-type"
CS_CAPABILITY = f"{BASE}/CodeSystem/capability"
CS_SLOT_SERVICE = f"{BASE}/CodeSystem/slot-service"
NS_NODE = f"{BASE}/NamingSystem/node-id"
NS_DEVICE = f"{BASE}/NamingSystem/device-id"
NS_AGB = "http://fhir.nl/fhir/NamingSystem/agb-z"
V2_0116 = "http://terminology.hl7.org/CodeSystem/v2-0116"
PHYSICAL_TYPE = "http://terminology.hl7.org/CodeSystem/location-physical-type"
PROFILE_LOCATION = "http://nictiz.nl/fhir/StructureDefinition/nl-core-HealthcareProvider"
PROFILE_ORGANIZATION = "http://nictiz.nl/fhir/StructureDefinition/nl-core-HealthcareProvider-Organization"

BED_STATUS_CODES: dict[BedStatus, tuple[str, str]] = {
    BedStatus.FREE: ("U", "Unoccupied"),
    BedStatus.OCCUPIED: ("O", "Occupied"),
    BedStatus.CLOSED: ("C", "Closed"),
    BedStatus.CLEANING: ("H", "Housekeeping"),
    BedStatus.ISOLATION: ("I", "Isolated"),
}
"""Each bed status of the model as its HL7 v2-0116 code (docs/data-model.md)."""

SLOT_STATUSES = ("free", "busy", "busy-unavailable", "busy-tentative", "entered-in-error")
"""FHIR R4B's required value set for Slot.status; the library accepts any code there."""

_ID_MAX = 64
_NOT_ID = re.compile(r"[^A-Za-z0-9.]+")


class FhirMappingError(VeldError):
    """Something the mesh holds has no valid FHIR form; nothing is written."""


def fhir_id(*parts: str) -> str:
    """A FHIR id ([A-Za-z0-9-.]{1,64}) from ``parts``: every other character becomes a dash, and an
    id that would be longer keeps its start and ends in a hash of the whole, so two long ids that
    differ only at the end stay different and the same parts always give the same id."""
    whole = "-".join(_NOT_ID.sub("-", p).strip("-") for p in parts if p)
    whole = re.sub(r"-{2,}", "-", whole).strip("-") or "x"
    if len(whole) <= _ID_MAX:
        return whole
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:12]
    return f"{whole[: _ID_MAX - len(digest) - 1].rstrip('-')}-{digest}"


def slot_status(code: str) -> str:
    """The FHIR code of a slot's status (``BUSY_TENTATIVE`` -> ``busy-tentative``), refused when
    it is not one of the R4B value set."""
    fhir = str(code).strip().lower().replace("_", "-")
    if fhir not in SLOT_STATUSES:
        allowed = ", ".join(SLOT_STATUSES)
        raise FhirMappingError(
            f"Tijdslotstatus '{code}' bestaat niet in FHIR R4B (toegestaan: {allowed}); "
            "er is niets geschreven.",
            f"Slot status '{code}' does not exist in FHIR R4B (allowed: {allowed}); nothing was written.",
        )
    return fhir


@dataclass(frozen=True)
class SlotInfo:
    """A published slot as the slot table shows it: no booking, no client, only free or busy."""

    id: str
    node_id: str
    service: str
    start_at: int
    minutes: int
    status: str
    """The FHIR code, after bookings are counted (``slot_status``)."""


def slot_info(row: dict[str, Any]) -> SlotInfo:
    """A row of ``services.slots.slot_table``: a slot somebody booked is busy, whatever its node
    published; otherwise the published status stands."""
    published = slot_status(str(row.get("status") or "FREE"))
    booked = row["state"] != "free" or bool(row.get("booked_by_nodes"))
    status = "busy" if booked and published == "free" else published
    return SlotInfo(
        row["id"], row["node_id"], row["service"], int(row["start_at"]), int(row["minutes"]), status
    )


def instant(ms: int) -> str:
    """Epoch ms as a FHIR instant in UTC, to the second."""
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ref(kind: str, ident: str) -> dict[str, str]:
    return {"reference": f"{kind}/{ident}"}


def org_id(node_id: str) -> str:
    return fhir_id("node", node_id)


def site_id(location_id: str) -> str:
    return fhir_id("loc", location_id)


def _coding(system: str, code: str, display: str) -> dict[str, str]:
    return {"system": system, "code": code, "display": display}


def _care_type(code: str) -> dict[str, Any]:
    try:
        display = CareType(code).label("nl")
    except ValueError:
        display = code
    return {"coding": [_coding(CS_CARE_TYPE, code, display)], "text": display}


def _capability(code: str) -> dict[str, Any]:
    try:
        display = Capability(code).label("nl")
    except ValueError:
        display = code
    return {"coding": [_coding(CS_CAPABILITY, code, display)]}


def organization(node_id: str, node_name: str) -> dict[str, Any]:
    return {
        "resourceType": "Organization",
        "id": org_id(node_id),
        "meta": {"profile": [PROFILE_ORGANIZATION]},
        "identifier": [{"system": NS_NODE, "value": node_id}],
        "active": True,
        "name": node_name,
    }


def site(loc: LocationView) -> dict[str, Any]:
    """A care location: the Nictiz HealthcareProvider Location of its node's Organization."""
    resource: dict[str, Any] = {
        "resourceType": "Location",
        "id": site_id(loc.id),
        "meta": {"profile": [PROFILE_LOCATION]},
        "status": "active",
        "mode": "instance",
        "name": loc.name,
        "physicalType": {"coding": [_coding(PHYSICAL_TYPE, "si", "Site")]},
        "managingOrganization": _ref("Organization", org_id(loc.node_id)),
    }
    if loc.agb:
        resource["identifier"] = [{"system": NS_AGB, "value": loc.agb}]
    address: dict[str, Any] = {"use": "work", "type": "physical", "country": "NL"}
    if loc.address:
        address["line"] = [loc.address]
    if loc.postcode:
        address["postalCode"] = loc.postcode
        town = pc4_town(loc.postcode)
        if town:
            address["city"] = town
    if len(address) > 3:
        resource["address"] = address
    return resource


def bed_groups(view: CapacityView) -> list[dict[str, Any]]:
    """The beds of one care type at one site in one status, as a Location of mode "kind" (a class
    of beds, not one bed) with the v2-0116 code as its operationalStatus and the number of beds in a
    ``bed-count`` extension. A status with no beds has no group; an unreported record has none."""
    if not view.reported:
        return []
    out = []
    for status in BedStatus:
        count = view.count(status) or 0
        if count <= 0:
            continue
        code, display = BED_STATUS_CODES[status]
        out.append(
            {
                "resourceType": "Location",
                "id": fhir_id("beds", view.location_id, view.care_type, code),
                "extension": [{"url": EXT_BED_COUNT, "valueUnsignedInt": count}],
                "status": "active",
                "operationalStatus": _coding(V2_0116, code, display),
                "mode": "kind",
                "name": f"{view.location_name}: {_care_type(view.care_type)['text']}, {display.lower()}",
                "type": [_care_type(view.care_type)],
                "physicalType": {"coding": [_coding(PHYSICAL_TYPE, "bd", "Bed")]},
                "managingOrganization": _ref("Organization", org_id(view.node_id)),
                "partOf": _ref("Location", site_id(view.location_id)),
            }
        )
    return out


def availability(view: CapacityView) -> dict[str, Any]:
    """The ``bed-availability`` extension: whether the node reported, and if so its total, free and
    still-available beds, when and by which device, and whether the report was stale at export."""
    parts: list[dict[str, Any]] = [{"url": "reported", "valueBoolean": view.reported}]
    if view.reported:
        parts += [
            {"url": "total", "valueUnsignedInt": view.beds_total or 0},
            {"url": "free", "valueUnsignedInt": view.free or 0},
            {"url": "available", "valueUnsignedInt": view.available or 0},
            {"url": "reportedAt", "valueInstant": instant(view.reported_at or 0)},
            {"url": "reporter", "valueIdentifier": {"system": NS_DEVICE, "value": view.device_id or ""}},
            {"url": "stale", "valueBoolean": view.stale},
        ]
    return {"url": EXT_BED_AVAILABILITY, "extension": parts}


def bed_service(view: CapacityView, groups: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One care type at one site: where it is, who provides it, what it can do, and its beds."""
    care = _care_type(view.care_type)
    resource: dict[str, Any] = {
        "resourceType": "HealthcareService",
        "id": fhir_id("hcs", view.location_id, view.care_type),
        "extension": [availability(view)],
        "active": True,
        "providedBy": _ref("Organization", org_id(view.node_id)),
        "type": [care],
        "location": [_ref("Location", site_id(view.location_id))]
        + [_ref("Location", g["id"]) for g in groups],
        "name": f"{care['text']}, {view.location_name}",
    }
    if view.capabilities:
        resource["characteristic"] = [_capability(c) for c in view.capabilities]
    return resource


def slot_service_id(node_id: str, service: str) -> str:
    return fhir_id("svc", node_id, service)


def slot_service(node_id: str, node_name: str, service: str) -> dict[str, Any]:
    """The service a node publishes slots for (GP_CONSULT, WV_VISIT ...): the Schedule's actor."""
    return {
        "resourceType": "HealthcareService",
        "id": slot_service_id(node_id, service),
        "active": True,
        "providedBy": _ref("Organization", org_id(node_id)),
        "type": [{"coding": [{"system": CS_SLOT_SERVICE, "code": service}], "text": service}],
        "name": f"{service}, {node_name}",
    }


def schedule(node_id: str, service: str) -> dict[str, Any]:
    return {
        "resourceType": "Schedule",
        "id": fhir_id("sched", node_id, service),
        "active": True,
        "serviceType": [{"coding": [{"system": CS_SLOT_SERVICE, "code": service}]}],
        "actor": [_ref("HealthcareService", slot_service_id(node_id, service))],
    }


def slot(info: SlotInfo) -> dict[str, Any]:
    return {
        "resourceType": "Slot",
        "id": fhir_id("slot", info.id),
        "serviceType": [{"coding": [{"system": CS_SLOT_SERVICE, "code": info.service}]}],
        "schedule": _ref("Schedule", fhir_id("sched", info.node_id, info.service)),
        "status": slot_status(info.status),
        "start": instant(info.start_at),
        "end": instant(info.start_at + info.minutes * 60_000),
    }


def resources(
    nodes: dict[str, str],
    sites: Iterable[LocationView],
    capacity: Iterable[CapacityView],
    slots: Iterable[SlotInfo],
) -> list[dict[str, Any]]:
    """Every resource of the export as plain FHIR JSON, in a stable order: Organizations, site
    Locations, then per care type its HealthcareService and bed groups, then per node and slot
    service its HealthcareService, Schedule and Slots. ``nodes`` maps node id to name; every node a
    resource names gets its Organization (named by its id where ``nodes`` does not know it)."""
    sites, capacity = list(sites), list(capacity)
    slots = sorted(slots, key=lambda s: (s.node_id, s.service, s.start_at, s.id))
    named = {x.node_id for x in sites} | {x.node_id for x in capacity} | {x.node_id for x in slots}
    out = [organization(n, nodes.get(n, n)) for n in sorted(named)]
    out += [site(loc) for loc in sites]
    for view in capacity:
        groups = bed_groups(view)
        out.append(bed_service(view, groups))
        out += groups
    seen: set[tuple[str, str]] = set()
    for s in slots:
        if (s.node_id, s.service) not in seen:
            seen.add((s.node_id, s.service))
            out += [slot_service(s.node_id, nodes.get(s.node_id, s.node_id), s.service)]
            out += [schedule(s.node_id, s.service)]
        out.append(slot(s))
    return out


def resource_json(resource: dict[str, Any]) -> str:
    """One resource, validated by its R4B class and serialised by it."""
    from fhir.resources.R4B import get_fhir_model_class

    return str(get_fhir_model_class(resource["resourceType"]).model_validate(resource).model_dump_json())


def bundle(
    resources: Sequence[dict[str, Any]], bundle_id: str, now_ms: int, *, kind: str = "collection"
) -> Bundle:
    """The resources as one validated R4B Bundle (a collection; a searchset answers a read). A
    resource the library refuses (a bug here, never the user's input) is named in the error; ids
    are checked to be unique."""
    from fhir.resources.R4B.bundle import Bundle
    from pydantic import ValidationError as PydanticError

    ids = [f"{r['resourceType']}/{r['id']}" for r in resources]
    doubled = sorted({i for i in ids if ids.count(i) > 1}) if len(set(ids)) != len(ids) else []
    if doubled:
        raise FhirMappingError(
            f"Twee FHIR-resources kregen hetzelfde id ({doubled[0]}); er is niets geschreven.",
            f"Two FHIR resources got the same id ({doubled[0]}); nothing was written.",
        )
    try:
        return Bundle.model_validate(
            {
                "resourceType": "Bundle",
                "id": fhir_id(bundle_id),
                "meta": {"lastUpdated": instant(now_ms)},
                "type": kind,
                **({"total": len(resources)} if kind == "searchset" else {}),
                "timestamp": instant(now_ms),
                "entry": [
                    {"fullUrl": f"{BASE}/{ref}", "resource": r} for ref, r in zip(ids, resources, strict=True)
                ],
            }
        )
    except PydanticError as exc:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": str(exc)}
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise FhirMappingError(
            f"De FHIR-bundel is ongeldig ({where}: {first.get('msg')}); er is niets geschreven.",
            f"The FHIR bundle is invalid ({where}: {first.get('msg')}); nothing was written.",
        ) from None
