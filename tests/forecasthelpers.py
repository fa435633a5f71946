"""The demo's simulated history as rows, without building a profile (tests and the benchmark)."""

from __future__ import annotations

from veldclient.domain import node_seed
from veldclient.reference import twente
from veldclient.services import demo


def demo_rows(until: int) -> list[dict]:
    """The history rows the demo writes (fixtures/occupancy.py), in capacity.history's shape."""
    rows = []
    for node in twente.NODES:
        seed = node_seed.node_document_seed(node.id, reported_at=until)["capacity"]
        for care_type, days in demo.simulated_flows(node.id, seed, until).items():
            for flow in days:
                rows.append(
                    {
                        "node_id": node.id,
                        "day": flow.day.isoformat(),
                        "care_type": care_type,
                        "beds_total": flow.beds_total,
                        "free": flow.free,
                        "occupied": flow.occupied,
                        "admissions": flow.admissions,
                        "discharges": flow.discharges,
                    }
                )
    return rows
