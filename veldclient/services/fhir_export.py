"""FHIR export of capacity and slots: the mesh's beds and micro-capacity as this device knows them,
as one FHIR R4B Bundle (type collection) in a JSON file (docs/fhir.md).

`veld fhir export` and the capacity screen (F3) both call :func:`export_capacity`. It reads through
the capacity and slot views, so it exports exactly what the board and `veld capacity` show, maps
that in ``fhir_mapping`` and writes the file atomically: a failed export leaves no file and no
half of one. Capacity is no personal data (sites, counts, codes, times, device ids), so every role
may export it; the export is audited as one, with how many resources left the device.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from veldclient.errors import NotFound, VeldError
from veldclient.files import atomic_write
from veldclient.progress import Progress, quiet
from veldclient.services import capacity, fhir_mapping, nodes, slots
from veldclient.session import Session

STEPS = ("fhir.read", "fhir.build", "fhir.write")


class FhirExportFailed(VeldError):
    """The file could not be written where asked; nothing was written."""


@dataclass(frozen=True)
class FhirExport:
    path: Path
    node_id: str | None
    """The one node exported, or None for every node known here."""
    counts: dict[str, int]
    """Resources per type, e.g. ``{"Location": 12, "Slot": 40}``."""

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def file_name(node_id: str | None) -> str:
    """One name per scope, so exporting again replaces the previous file rather than piling up."""
    return f"veld-capacity-{fhir_mapping.fhir_id(node_id or 'mesh')}.fhir.json"


def shown(path: Path) -> str:
    """A path as typed, fit for a one-line message: whole (a person needs all of it to find the
    folder), but without control characters."""
    return "".join(ch if ch.isprintable() else "?" for ch in str(path))


def _check_folder(folder: Path) -> None:
    where = shown(folder)
    if not folder.is_dir():
        raise FhirExportFailed(
            f"De map '{where}' bestaat niet (of is geen map); kies een bestaande map.",
            f"The folder '{where}' does not exist (or is not a folder); choose an existing folder.",
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise FhirExportFailed(
            f"In de map '{where}' mag niet geschreven worden; kies een andere map.",
            f"The folder '{where}' cannot be written to; choose another folder.",
        )


def _build(session: Session, node_id: str | None, progress: Progress = quiet) -> list[dict[str, Any]]:
    """Every resource of the export, read through the capacity and slot views."""
    progress("fhir.read", 0, None)
    sites = capacity.locations(session, node_id=node_id)
    views = capacity.capacity(session, node_id=node_id)
    rows = slots.slot_table(session, node_id)
    progress("fhir.build", 0, None)
    names = {s.node_id: s.node_name for s in sites} | {v.node_id: v.node_name for v in views}
    return fhir_mapping.resources(names, sites, views, [fhir_mapping.slot_info(r) for r in rows])


def export_capacity(
    session: Session,
    folder: str | os.PathLike[str],
    *,
    node_id: str | None = None,
    progress: Progress = quiet,
) -> FhirExport:
    """Write the capacity of every node (or of ``node_id``) as a FHIR Bundle into ``folder``."""
    session.require_device("fhir_export.export_capacity", "capacity")
    if node_id is not None:
        nodes.check_known(session, node_id)
    folder = Path(folder).expanduser()
    _check_folder(folder)
    resources = _build(session, node_id, progress)
    scope = node_id or "mesh"
    bundle = fhir_mapping.bundle(resources, f"veld-capacity-{scope}", session.now())
    data = (bundle.model_dump_json(indent=2) + "\n").encode("utf-8")
    progress("fhir.write", 0, None)
    path = folder / file_name(node_id)
    counts = dict(sorted(Counter(str(r["resourceType"]) for r in resources).items()))
    with session.transaction():
        session.audit(
            "capacity.fhir_export",
            "E",
            "capacity",
            object_id=scope,
            data_part="capacity",
            detail={"resources": len(resources), **{t.lower(): n for t, n in counts.items()}},
        )
        try:
            atomic_write(path, data, mode=0o644)
        except OSError as exc:
            reason, where = exc.strerror or type(exc).__name__, shown(path)
            raise FhirExportFailed(
                f"Kan het FHIR-bestand '{where}' niet schrijven: {reason}; er is niets geschreven.",
                f"Cannot write the FHIR file '{where}': {reason}; nothing was written.",
            ) from exc
    progress("fhir.write", 1, 1)
    return FhirExport(path=path, node_id=node_id, counts=counts)


READ_TYPES = ("Organization", "Location", "HealthcareService", "Schedule", "Slot")


def read(session: Session, device_id: str, path: str) -> bytes:
    """``GET /fhir/<path>`` of ``veld serve`` for a paired device (sync/server.py checks the
    pairing): ``Bundle`` (or nothing) is the whole export, ``<Type>`` a searchset Bundle of that
    type, ``<Type>/<id>`` one resource; anything else is not found. Read-only and current: built
    from the views at each call. Audited as an export, with the device that read."""
    parts = [p for p in path.strip("/").split("/") if p]
    kind = parts[0] if parts else "Bundle"
    if kind not in ("Bundle", *READ_TYPES) or len(parts) > 2 or (kind == "Bundle" and len(parts) > 1):
        raise NotFound(("FHIR-pad", "FHIR path"), path)
    resources = _build(session, None)
    now = session.now()
    if kind == "Bundle":
        body = fhir_mapping.bundle(resources, "veld-capacity-mesh", now).model_dump_json()
    else:
        chosen = [r for r in resources if r["resourceType"] == kind]
        if len(parts) == 2:
            chosen = [r for r in chosen if r["id"] == parts[1]]
            if not chosen:
                raise NotFound(("FHIR-resource", "FHIR resource"), f"{kind}/{parts[1]}")
            body = fhir_mapping.resource_json(chosen[0])
        else:
            body = fhir_mapping.bundle(chosen, f"veld-{kind}", now, kind="searchset").model_dump_json()
    with session.transaction():
        session.audit(
            "capacity.fhir_export",
            "E",
            "capacity",
            object_id=("/".join(parts) or "Bundle")[:80],
            data_part="capacity",
            detail={"device": device_id, "resources": len(resources)},
        )
    return body.encode("utf-8")
