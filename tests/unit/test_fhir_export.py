"""The FHIR export use case (services/fhir_export.py): what it writes is a valid R4B Bundle of what
the capacity board shows, one node's or every node's; a folder it cannot use, or a mapping it
refuses, leaves no file; the demo's people never reach the file."""

from __future__ import annotations

import json
import os

import pytest
from fhir.resources.R4B.bundle import Bundle
from testenv import FROZEN_NOW_MS, FakeClock

from veldclient.errors import ProfileError
from veldclient.services import audit_service, capacity, demo, fhir_export, fhir_mapping, slots


def resources(path) -> list[dict]:
    return [e["resource"] for e in json.loads(path.read_text("utf-8"))["entry"]]


def test_the_written_file_is_a_valid_bundle_of_what_the_board_shows(session, tmp_path):
    location = capacity.own_location(session, "MST")
    capacity.update_capacity(
        session, location, "ELV_LAAG", {"beds_total": 6, "counts": {"FREE": 2, "OCCUPIED": 4}}
    )
    slots.publish(session, service="WV_VISIT", start_at=FROZEN_NOW_MS + 3_600_000, count=2)

    result = fhir_export.export_capacity(session, tmp_path)

    assert result.path == tmp_path / "veld-capacity-mesh.fhir.json" and result.node_id is None
    bundle = Bundle.model_validate_json(result.path.read_text("utf-8"))
    assert bundle.type == "collection" and len(bundle.entry) == result.total
    assert result.counts["Slot"] == 2 and result.counts["Schedule"] == 1
    shown = {(v.location_id, v.care_type) for v in capacity.capacity(session)}
    services = [
        r for r in resources(result.path) if r["resourceType"] == "HealthcareService" and "location" in r
    ]
    assert len(services) == len(shown)
    (reported,) = [s for s in services if s["id"] == fhir_mapping.fhir_id("hcs", location, "ELV_LAAG")]
    values = {e["url"]: e for e in reported["extension"][0]["extension"]}
    assert values["free"]["valueUnsignedInt"] == 2 and values["total"]["valueUnsignedInt"] == 6
    assert values["reporter"]["valueIdentifier"]["value"] == session.actor.device_id
    (entry,) = audit_service.read_log(session, limit=1)
    assert (entry.event, entry.action) == ("capacity.fhir_export", "E")


def test_one_node_only(session, tmp_path):
    result = fhir_export.export_capacity(session, tmp_path, node_id="enschede-centrum")
    assert result.path.name == "veld-capacity-enschede-centrum.fhir.json"
    found = resources(result.path)
    assert {r["id"] for r in found if r["resourceType"] == "Organization"} == {"node-enschede-centrum"}
    assert all(
        r["managingOrganization"]["reference"] == "Organization/node-enschede-centrum"
        for r in found
        if r["resourceType"] == "Location"
    )


def test_an_unknown_node_is_refused_before_anything_is_written(session, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ProfileError, match="Unknown node 'nergens'"):
        fhir_export.export_capacity(session, out, node_id="nergens")
    assert os.listdir(out) == []


def test_a_missing_folder_or_a_file_is_refused(session, tmp_path):
    with pytest.raises(fhir_export.FhirExportFailed, match="does not exist"):
        fhir_export.export_capacity(session, tmp_path / "missing")
    (tmp_path / "file").write_text("x")
    with pytest.raises(fhir_export.FhirExportFailed, match="not a folder"):
        fhir_export.export_capacity(session, tmp_path / "file")
    assert not (tmp_path / "missing").exists()


def test_a_refused_mapping_or_a_failed_write_leaves_the_previous_file_and_no_half(
    session, tmp_path, monkeypatch
):
    out = tmp_path / "out"
    out.mkdir()
    first = fhir_export.export_capacity(session, out)
    before = first.path.read_bytes()
    slots.publish(session, service="WV_VISIT", start_at=FROZEN_NOW_MS + 3_600_000)
    table = slots.slot_table

    def odd_status(s, node_id=None):
        return [{**row, "status": "CANCELLED"} for row in table(s, node_id)]

    monkeypatch.setattr(slots, "slot_table", odd_status)
    with pytest.raises(fhir_mapping.FhirMappingError, match="CANCELLED"):
        fhir_export.export_capacity(session, out)
    monkeypatch.setattr(slots, "slot_table", table)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fhir_export, "atomic_write", disk_full)
    with pytest.raises(fhir_export.FhirExportFailed, match="No space left"):
        fhir_export.export_capacity(session, out)
    assert os.listdir(out) == [first.path.name] and first.path.read_bytes() == before


def test_no_person_of_the_demo_reaches_the_file(tmp_path):
    """Clients, volunteers and carers: no name, BSN, address, postcode, phone or e-mail in the file."""
    session = demo.build_demo(clock=FakeClock(FROZEN_NOW_MS))
    try:
        result = fhir_export.export_capacity(session, tmp_path)
        text = result.path.read_text("utf-8")
        db = session.db
        secrets: set[str] = set()
        for name, bsn, postcode, address in db.execute("SELECT name, bsn, postcode, address FROM clients"):
            secrets |= {name, bsn, postcode, address}
        for first, last, phone, email in db.execute(
            "SELECT first_name, last_name, phone, email FROM volunteers"
        ):
            secrets |= {f"{first} {last}", phone, email}
        for first, last in db.execute("SELECT first_name, last_name FROM mantelzorgers"):
            secrets |= {f"{first} {last}"}
        users = {
            u
            for (u,) in db.execute("SELECT DISTINCT reported_by FROM capacity WHERE reported_by IS NOT NULL")
        }
        secrets = {s for s in secrets | users if s}
        assert len(secrets) > 400  # the demo's people are really there to look for
        assert result.counts["Slot"] >= 1 and result.counts["HealthcareService"] > 10
    finally:
        session.close()
    leaked = sorted(s for s in secrets if s in text)
    assert not leaked, f"personal data in the FHIR export: {leaked[:5]}"
    assert Bundle.model_validate_json(text).type == "collection"
