"""The demo carers' earlier burden measurements, recorded the way a nurse records them.

A carer registered with one burden has no trend, and the respite advice that follows a rising burden
never shows; so the demo records the generator's earlier measurements (``DemoData.burden_history``)
through ``carers.record_burden``, with its role check, validation and audit entry per measurement.
A role that may not record a burden (an admin) has them recorded by a nurse laptop of its own node
(a stand-in, as in ``demo_mesh``) whose carer documents reach the demo as a sync delivers them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from veldclient.progress import Counter, Progress, quiet
from veldclient.services import carers, demo_mesh
from veldclient.session import Session
from veldclient.store.repo import doc_id_for


def load_burden_history(
    demo: Session, measurements: Sequence[dict[str, Any]], passphrase: str, progress: Progress = quiet
) -> int:
    """Record every earlier measurement (oldest first) for the carer it names; returns how many."""
    counter = Counter(progress, "demo.burden", len(measurements))
    if not measurements:
        return 0
    if demo.actor.role in carers.BURDEN:
        return _record_all(demo, measurements, counter)
    doc_ids = sorted({doc_id_for("mantelzorger", m["mantelzorger_id"]) for m in measurements})
    with demo_mesh.stand_in(demo, demo.actor.node_id, passphrase) as nurse:
        demo_mesh.deliver(demo, nurse, doc_ids)
        recorded = _record_all(nurse, measurements, counter)
        demo_mesh.deliver(nurse, demo, doc_ids)
    return recorded


def _record_all(session: Session, measurements: Sequence[dict[str, Any]], counter: Counter) -> int:
    """One transaction for all of them: a large demo records some 1,700 measurements."""
    with session.transaction():
        for m in measurements:
            raw = {k: m[k] for k in ("instrument", "score", "measured_on")}
            carers.record_burden(session, m["mantelzorger_id"], raw)
            counter.add()
    return len(measurements)
