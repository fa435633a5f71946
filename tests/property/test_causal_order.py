"""One causal order on every replica: whatever order a document's events list holds them in, and
whatever shape an old or hostile peer gave some of them, ``causal.ordered`` returns the same list,
with every parent before its children, and never raises."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from veldclient.domain import causal

ODD_TIMES = st.sampled_from([None, "12", "later", True, 1.5, float("nan"), float("inf"), [3], {"ms": 1}])
STEADY = settings(derandomize=True, max_examples=200)  # the same examples every run
TIMES = st.one_of(st.integers(-(2**63), 2**63 - 1), ODD_TIMES)


@st.composite
def histories(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Events as services/events.make writes them (parents among the earlier events), some with a
    missing or odd ``at``, some with parents this replica does not hold."""
    events: list[dict[str, Any]] = []
    for n in range(draw(st.integers(0, 14))):
        earlier = [e["id"] for e in events]
        parents = draw(st.lists(st.sampled_from(earlier), max_size=3, unique=True)) if earlier else []
        if draw(st.booleans()):
            parents.append(f"unknown-{n}")  # a parent this replica never received
        event: dict[str, Any] = {"id": draw(st.text("abcdef0123", min_size=1, max_size=6)) + f"-{n}"}
        event |= {"type": "X", "parents": parents}
        if draw(st.integers(0, 4)):  # most events carry a time
            event["at"] = draw(TIMES)
        events.append(event)
    return events


def ids(events: list[Any]) -> list[str]:
    return [e["id"] for e in events]


@STEADY
@given(histories(), st.randoms(use_true_random=False))
def test_every_permutation_gives_the_same_order(events: list[dict[str, Any]], rng: Any) -> None:
    shuffled = rng.sample(events, k=len(events))
    assert ids(causal.ordered(shuffled)) == ids(causal.ordered(events))


@STEADY
@given(histories(), st.randoms(use_true_random=False))
def test_parents_come_before_their_children(events: list[dict[str, Any]], rng: Any) -> None:
    order = ids(causal.ordered(rng.sample(events, k=len(events))))
    assert sorted(order) == sorted(ids(events))
    place = {event_id: n for n, event_id in enumerate(order)}
    for e in events:
        for parent in e["parents"]:
            if parent in place:
                assert place[parent] < place[e["id"]]


JUNK = st.one_of(
    st.none(),
    st.integers(),
    st.text(max_size=3),
    st.just({}),
    st.just({"id": 7, "at": 1}),
    st.just({"id": "", "at": 1}),
    st.just({"id": "p", "parents": "abc", "at": "soon"}),
    st.just({"id": "q", "parents": [None, 3, ["x"], "p"], "at": 2, "type": ["not", "a", "type"]}),
    st.just({"id": "p", "at": 9, "parents": []}),  # a second "p": one of them is kept, the same everywhere
    st.just({"id": "c1", "parents": ["c2"], "at": 1}),  # a cycle: no causal order exists, but one order does
    st.just({"id": "c2", "parents": ["c1"], "at": 1}),
)


@STEADY
@given(histories(), st.lists(JUNK, max_size=8), st.randoms(use_true_random=False))
def test_entries_from_a_hostile_peer_never_crash_or_split_replicas(
    events: list[dict[str, Any]], junk: list[Any], rng: Any
) -> None:
    mixed = [*events, *junk]
    first = causal.ordered(mixed)
    again = causal.ordered(rng.sample(mixed, k=len(mixed)))
    assert first == again  # the same events, not only the same ids: a duplicate id keeps one copy
    assert len(set(ids(first))) == len(first)
    assert set(causal.frontier(mixed)) <= set(ids(first))
    causal.concurrent_pairs(mixed, ["X"])


def test_event_time_reads_what_is_a_time_and_nothing_else() -> None:
    assert causal.event_time({"at": 1_795_000_000_000}) == 1_795_000_000_000
    assert causal.event_time({"at": 12.9}) == 12
    for odd in (None, "12", True, float("nan"), float("-inf"), [1]):
        assert causal.event_time({"at": odd}) == 0
    assert causal.event_time({}) == 0
    # the two sides of a conflict are shown in this order: time, then id, odd times as 0
    sides = [{"id": "b", "at": 5}, {"id": "c", "at": "soon"}, {"id": "a", "at": 5}]
    assert [e["id"] for e in sorted(sides, key=causal.time_order)] == ["c", "a", "b"]


def test_a_long_chain_is_ordered_without_recursion() -> None:
    chain = [{"id": f"e{n:05d}", "at": 0, "parents": [f"e{n - 1:05d}"] if n else []} for n in range(5000)]
    assert ids(causal.ordered(list(reversed(chain)))) == ids(chain)


def test_a_parent_reached_twice_still_counts_all_its_ancestors() -> None:
    # c's parent b is also x's parent: b's own ancestor a must count for c too, or c (earlier
    # clock) would sort before its parent b
    events = [
        {"id": "x", "at": 5, "parents": ["b", "c"]},
        {"id": "c", "at": 1, "parents": ["b"]},
        {"id": "b", "at": 3, "parents": ["a"]},
        {"id": "a", "at": 0, "parents": []},
    ]
    assert ids(causal.ordered(events)) == ["a", "b", "c", "x"]
