"""Decisions about a possible duplicate converge: two replicas that end up holding the same decisions
(in any order, each written into both case documents, some seen twice) fold them to the same outcome
and archive the same record; a decision made with the others in view settles them."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from veldclient.domain import duplicates as rule

PAIR = ("a" * 32, "b" * 32)
STEADY = settings(derandomize=True, max_examples=300)


@st.composite
def decision_histories(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Decisions as services/conflicts.resolve writes them: each may settle some earlier ones (those
    its author had seen), chooses a or b or neither."""
    out: list[dict[str, Any]] = []
    for n in range(draw(st.integers(0, 8))):
        seen = draw(st.lists(st.sampled_from([d["id"] for d in out]), unique=True)) if out else []
        chosen = draw(st.sampled_from([PAIR[0], PAIR[1], None]))
        data = {"conflict_kind": rule.KIND, "pair": list(PAIR), "chosen": chosen, "conflict": [*PAIR, *seen]}
        out.append({"id": f"r{n:02d}", "type": "RESOLVED", "data": data})
    return out


@STEADY
@given(decision_histories(), st.randoms(use_true_random=False))
def test_any_order_and_any_repetition_folds_alike(history, random):
    shuffled = history + random.sample(history, k=len(history) // 2)
    random.shuffle(shuffled)
    assert rule.state(PAIR, rule.decisions_of(shuffled)) == rule.state(PAIR, rule.decisions_of(history))
    for client in PAIR:
        assert rule.merged_into(client, shuffled) == rule.merged_into(client, history)
    # never both records gone: at most one of the two is merged into the other
    assert not (rule.merged_into(PAIR[0], history) and rule.merged_into(PAIR[1], history))


@STEADY
@given(decision_histories(), st.sampled_from([PAIR[0], PAIR[1], None]))
def test_a_decision_made_with_every_other_in_view_settles_the_pair(history, chosen):
    data = {
        "conflict_kind": rule.KIND,
        "pair": list(PAIR),
        "chosen": chosen,
        "conflict": [*PAIR, *(d["id"] for d in history)],
    }
    last = {"id": "z-last", "type": "RESOLVED", "data": data}
    outcome = rule.state(PAIR, rule.decisions_of([*history, last]))
    assert outcome == rule.PairState(True, chosen, ("z-last",))
