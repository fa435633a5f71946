"""Random edits on three replicas, merged in random orders: identical documents and projections.

Each replica is a full Repo (documents + projection tables). All documents start on replica 0 and
reach the others; then every replica edits while "apart" (plain fields, nested records, event
appends, archive flags), and finally the replicas exchange whole documents in a random order, twice
round, as sync or USB bundles would. Convergence must hold whatever the order.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from storehelpers import client_fields, memory_repo

DOCS = ["case:a", "case:b", "volunteer:v"]
NAMES = st.sampled_from(["Jan", "Anna", "Mehmet [x]", "Ewa", "Ruth", "Samir", ""])


def _volunteer(record_id: str) -> dict:
    return {
        "volunteer": {
            "id": record_id,
            "node_id": "borne",
            "first_name": "Els",
            "last_name": "Bakker",
            "pc4": "7621",
            "phone": None,
            "email": None,
            "birth_year": 1960,
            "tasks": ["VERVOER"],
            "languages": ["nl"],
            "availability": [{"weekday": "MA", "dagdeel": "OCHTEND"}],
            "max_km": 10,
            "vog": {"status": "VALID", "issued_on": "2025-01-01"},
        }
    }


edit = st.one_of(
    st.tuples(st.just("name"), st.sampled_from(["case:a", "case:b"]), NAMES),
    st.tuples(
        st.just("postcode"), st.sampled_from(["case:a", "case:b"]), st.sampled_from(["7511 JM", "7621 AB"])
    ),
    st.tuples(st.just("visit"), st.sampled_from(["case:a", "case:b"]), st.integers(0, 3)),
    st.tuples(st.just("event"), st.sampled_from(DOCS), st.sampled_from(["SUBMITTED", "OFFERED", "ACCEPTED"])),
    st.tuples(st.just("archive"), st.sampled_from(DOCS), st.booleans()),
    st.tuples(
        st.just("tasks"),
        st.just("volunteer:v"),
        st.lists(st.sampled_from(["VERVOER", "KLUSSEN", "GEZELSCHAP"]), unique=True),
    ),
    st.tuples(st.just("maxkm"), st.just("volunteer:v"), st.integers(1, 100)),
)


def apply(repo, replica: int, op) -> None:
    what, doc_id, value = op
    if what == "name":
        repo.change(doc_id, lambda e: e.set(("client", "name"), value))
    elif what == "postcode":
        repo.change(doc_id, lambda e: e.set(("client", "postcode"), value))
    elif what == "visit":
        vid = f"{doc_id.split(':')[1]}-v{value}"
        visit = {
            "id": vid,
            "client_id": doc_id.split(":")[1],
            "nurse": f"r{replica}",
            "planned_start_at": 1000 * value,
            "planned_minutes": 30,
            "actual_start_at": None,
            "actual_end_at": None,
            "interventions": [],
            "status": "PLANNED",
        }
        repo.change(doc_id, lambda e: e.update(("visits", vid), visit))
    elif what == "event":
        repo.change(
            doc_id,
            lambda e: e.append(
                ("events",), {"type": value, "at": replica, "by": f"r{replica}", "device": "d", "data": {}}
            ),
        )
    elif what == "archive":
        repo.change(doc_id, lambda e: e.set(("archived",), value))
    elif what == "tasks":
        repo.change(doc_id, lambda e: e.set(("volunteer", "tasks"), value))
    elif what == "maxkm":
        repo.change(doc_id, lambda e: e.set(("volunteer", "max_km"), value))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(st.tuples(st.integers(0, 2), edit), min_size=1, max_size=25),
    order=st.permutations([(i, j) for i in range(3) for j in range(3) if i != j]),
)
def test_three_replicas_converge_in_any_merge_order(edits, order):
    replicas = [memory_repo(bytes([i + 1]) * 16) for i in range(3)]
    origin = replicas[0]
    origin.create("case", "a", "enschede-centrum", client_fields("a"))
    origin.create("case", "b", "enschede-centrum", client_fields("b", name="Fatma"))
    origin.create("volunteer", "v", "borne", _volunteer("v"))
    for other in replicas[1:]:
        for doc_id in DOCS:
            other.merge(doc_id, origin.store.save_bytes(doc_id), None)

    for replica, op in edits:
        apply(replicas[replica], replica, op)

    for _round in range(2):
        for src, dst in order:
            for doc_id in DOCS:
                replicas[dst].merge(doc_id, replicas[src].store.save_bytes(doc_id), None)

    heads = [[r.store.heads(d) for d in DOCS] for r in replicas]
    roots = [[r.read(d) for d in DOCS] for r in replicas]
    tables = [r.projector.dump() for r in replicas]
    assert heads[0] == heads[1] == heads[2]
    assert roots[0] == roots[1] == roots[2]
    assert tables[0] == tables[1] == tables[2]
    # and what was merged is what a fresh reload from the stored chunks gives
    for r in replicas:
        r.store.invalidate()
        assert [r.read(d) for d in DOCS] == roots[0]
    # every event appended anywhere survives the merge
    appended = sum(1 for _r, op in edits if op[0] == "event")
    assert sum(len(root["events"]) for root in roots[0]) == appended


@settings(max_examples=25, deadline=None)
@given(edits=st.lists(st.tuples(st.integers(0, 2), edit), min_size=1, max_size=20))
def test_rebuild_equals_incremental_projection(edits):
    repo = memory_repo(b"\x09" * 16)
    repo.create("case", "a", "enschede-centrum", client_fields("a"))
    repo.create("case", "b", "enschede-centrum", client_fields("b"))
    repo.create("volunteer", "v", "borne", _volunteer("v"))
    for replica, op in edits:
        apply(repo, replica, op)
    incremental = repo.projector.dump()
    repo.rebuild()
    assert repo.projector.dump() == incremental
