"""`veld serve` answers `GET /fhir/...` for paired devices: the capacity as FHIR R4B, read-only,
over the same mutual TLS as sync; a revoked device is refused, an unknown path is not found, and
nothing can be written."""

from __future__ import annotations

import httpx
import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.organization import Organization
from synchelpers import LoopbackServer, devices

from veldclient.services import audit_service, fhir_export
from veldclient.services import peers as peer_service
from veldclient.sync import tls
from veldclient.sync.replica import Replica


@pytest.fixture
def served():
    with devices(("a", "hengelo", "admin"), ("b", "hengelo", "nurse")) as (a, b):
        server = LoopbackServer(Replica(a), fhir=fhir_export.read)
        pem = a.device.certificate_pem
        ctx = tls.client_context(b.profile.dir, b.key_password, pem if isinstance(pem, str) else pem.decode())
        client = httpx.Client(verify=ctx, base_url=f"https://{server.address}", timeout=30)
        try:
            yield a, b, client
        finally:
            client.close()
            server.close()


def test_a_paired_device_reads_the_capacity_as_fhir(served):
    a, _b, client = served
    whole = client.get("/fhir/Bundle")
    assert whole.status_code == 200 and whole.headers["content-type"].startswith("application/fhir+json")
    bundle = Bundle.model_validate_json(whole.text)
    assert bundle.type == "collection" and bundle.entry

    locations = Bundle.model_validate_json(client.get("/fhir/Location").text)
    assert locations.type == "searchset" and locations.total == len(locations.entry) > 0
    assert {e.resource.get_resource_type() for e in locations.entry} == {"Location"}

    one = client.get("/fhir/Organization/node-hengelo")
    assert one.status_code == 200 and Organization.model_validate_json(one.text).name

    entry = audit_service.read_log(a, limit=1)[0]
    assert entry.event == "capacity.fhir_export" and entry.object_id == "Organization/node-hengelo"


@pytest.mark.parametrize("path", ["/fhir/Patient", "/fhir/Location/nope", "/fhir/Bundle/x", "/fhir/Slot/a/b"])
def test_what_is_not_there_is_not_found(served, path):
    _a, _b, client = served
    assert client.get(path).status_code == 404


def test_nothing_can_be_written(served):
    _a, _b, client = served
    assert client.post("/fhir/Location", content=b"{}").status_code == 405
    assert client.put("/fhir/Location/x", content=b"{}").status_code == 405


def test_a_revoked_device_is_refused(served):
    a, b, client = served
    assert client.get("/fhir/Organization").status_code == 200
    peer_service.revoke_device(a, b.actor.device_id)
    refused = client.get("/fhir/Organization")
    assert refused.status_code == 403 and "revoked" in refused.text
