"""No first concurrent write is lost: for every collection two replicas may write (store/containers.py),
of every kind of document, the first entries two replicas write while apart are all there after they
merge, whichever way round.

"Fresh" documents are made as the services make them: a node or share document by each replica
for itself (genesis, as two devices of one node do at set-up), any other document by one replica
and received by the other. "Old" documents were made before the collection was listed (an older
profile): the first write on each side creates it, and those late creations must not compete.
"""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from storehelpers import memory_repo

from veldclient import trust
from veldclient.domain import node_seed
from veldclient.store import boundary, codec, containers
from veldclient.store.repo import doc_id_for, new_root

NODE = "borne"
ACTORS = (b"\x01" * 16, b"\x02" * 16)
GENESIS_KINDS = ("node", "share")
RECORD = {"case": "client", "placement": "request", "volunteer": "volunteer", "mantelzorger": "mantelzorger"}
RECORD["helpreq"] = "request"
TARGETS = [(kind, key) for kind, keys in sorted(containers.SHARED.items()) for key in sorted(keys)]


def _fields(kind: str, record_id: str) -> dict:
    """What the services create a document of ``kind`` with (its own collections left to the store)."""
    if kind == "node":
        seed = node_seed.node_document_seed(NODE, reported_at=0)
        return {k: v for k, v in seed.items() if k not in ("kind", "id", "node_id", "schema", "archived")}
    if kind == "share":
        return {"nodes": [NODE, "hengelo"], "docs": {}}
    return {RECORD[kind]: {"id": record_id, "node_id": NODE}}


def _record_id(kind: str) -> str:
    return f"{NODE}~hengelo" if kind == "share" else NODE if kind == "node" else "r1"


def _old_document(kind: str, record_id: str, without: str) -> bytes:
    """The document as a version that did not create ``without`` at creation made it."""
    doc_id = doc_id_for(kind, record_id)
    root = {
        k: v
        for k, v in new_root(
            kind, record_id, NODE, **{**containers.empty(kind), **_fields(kind, record_id)}
        ).items()
        if k != without
    }
    doc = boundary.new_document(trust.genesis_actor(doc_id) if kind in GENESIS_KINDS else ACTORS[0])
    with boundary.guarded("creating"), doc.transaction() as tx:
        for key, value in root.items():
            codec.put(tx, codec.ROOT, key, value)
    return boundary.save(doc)


def _replicas():
    repos = [memory_repo(actor) for actor in ACTORS]
    for repo in repos:  # two devices of the node, paired with each other
        for actor in ACTORS:
            trust.register(repo.db, actor.hex() * 2, NODE, "paired", None, 0)
    return repos


def _entry(key: str, entry_id: str) -> dict:
    # A shape every projection accepts for any collection (records by id, day and care type).
    return {"id": entry_id, "day": entry_id, "care_type": entry_id, "type": "NOTE", "at": 0, "by": "x"}


def _write(repo, doc_id: str, key: str, shape: str, entry_ids: list[str]) -> None:
    for entry_id in entry_ids:
        if shape == containers.MAP:
            repo.change(doc_id, lambda e, i=entry_id: e.set((key, i), _entry(key, i)))
        else:
            repo.change(doc_id, lambda e, i=entry_id: e.append((key,), _entry(key, i)))


def _written(root: dict, key: str, shape: str) -> set[str]:
    value = root.get(key)
    if shape == containers.MAP:
        return {k for k in value or {} if k.startswith(("a-", "b-"))}
    return {
        e["id"] for e in value or [] if isinstance(e, dict) and str(e.get("id", "")).startswith(("a-", "b-"))
    }


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    target=st.sampled_from(TARGETS),
    old=st.booleans(),
    first=st.lists(st.integers(0, 9), min_size=1, max_size=3, unique=True),
    second=st.lists(st.integers(0, 9), min_size=1, max_size=3, unique=True),
    a_merges_first=st.booleans(),
)
# the reported case: two devices of one node each book their node's first slot while apart
@example(target=("node", "bookings"), old=False, first=[0], second=[1], a_merges_first=True)
def test_first_concurrent_writes_to_every_collection_survive_the_merge(
    target, old, first, second, a_merges_first
):
    kind, key = target
    shape = containers.SHARED[kind][key]
    record_id = _record_id(kind)
    doc_id = doc_id_for(kind, record_id)
    a, b = _replicas()
    if old:
        data = _old_document(kind, record_id, key)
        for repo in (a, b):
            repo.merge(doc_id, data, NODE if kind != "share" else None)
    elif kind in GENESIS_KINDS:
        for repo in (a, b):
            repo.create(
                kind, record_id, NODE if kind != "share" else None, _fields(kind, record_id), genesis=True
            )
    else:
        a.create(kind, record_id, NODE, _fields(kind, record_id))
        b.merge(doc_id, a.store.save_bytes(doc_id), NODE)

    ids_a, ids_b = [f"a-{n}" for n in first], [f"b-{n}" for n in second]
    _write(a, doc_id, key, shape, ids_a)  # apart: neither has seen the other's writes
    _write(b, doc_id, key, shape, ids_b)

    pairs = [(a, b), (b, a)] if a_merges_first else [(b, a), (a, b)]
    for src, dst in pairs:
        dst.merge(doc_id, src.store.save_bytes(doc_id), src.store.info(doc_id).node_id)

    roots = [repo.read(doc_id) for repo in (a, b)]
    assert roots[0] == roots[1]
    assert _written(roots[0], key, shape) == set(ids_a) | set(ids_b)
