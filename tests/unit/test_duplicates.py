"""Possible duplicate clients: the rule, the inbox entry after a merge, and the two decisions."""

from __future__ import annotations

import pytest
from synchelpers import Mesh, devices

from veldclient.domain import duplicates as rule
from veldclient.errors import AccessDenied, ValidationError
from veldclient.services import caseload_view, clients, conflicts, duplicates
from veldclient.store.repo import doc_id_for

TRUUS = {"name": "Truus Oude Egberink", "birth_date": "1938-04-05", "postcode": "7511 JK"}
BSN = "111222333"


def person(id_: str, name: str = TRUUS["name"], born: str = "1938-04-05", pc: str = "7511 JK", bsn=None):
    return rule.Person(id_, name, born, pc, bsn)


# --- the rule --------------------------------------------------------------------------------------


def test_names_compare_without_accents_case_punctuation_or_spacing():
    assert rule.name_key("  Truus  Oude-Egberink ") == rule.name_key("truus oude egberink")
    assert rule.name_key("Zoë ten Brinke") == rule.name_key("ZOE TEN BRINKE")
    assert rule.name_key("Truus Oude Egberink") != rule.name_key("Truus Oude Egbert")


def test_bsn_is_compacted_by_stdnum_and_gets_back_its_leading_zero():
    assert rule.bsn_key("1112.22.333") == rule.bsn_key("111 222 333") == "111222333"
    assert rule.bsn_key("12345672") == "012345672"
    assert rule.bsn_key(None) is None and rule.bsn_key("") is None and rule.bsn_key("000000000") is None


def test_same_bsn_or_same_name_birth_date_and_postcode_is_a_possible_duplicate():
    assert rule.reasons(person("a", bsn=BSN), person("b", name="T. Egberink", bsn="111.222.333")) == ("bsn",)
    assert rule.reasons(person("a"), person("b", name="TRUUS OUDE-EGBERINK", pc="7511jk")) == (
        "name_birth_postcode",
    )
    assert rule.reasons(person("a", bsn=BSN), person("b", bsn=BSN)) == ("bsn", "name_birth_postcode")
    # one thing differing is two people
    assert rule.reasons(person("a"), person("b", born="1938-04-06")) == ()
    assert rule.reasons(person("a"), person("b", pc="7511 JL")) == ()
    assert rule.reasons(person("a", bsn=BSN), person("b", name="Jan", bsn="123456782")) == ()


def test_pairs_groups_by_key_and_names_each_pair_once():
    people = [person("c", bsn=BSN), person("a", bsn=BSN), person("b"), person("d", name="Jan Smit")]
    assert rule.pairs(people) == [
        ("a", "b", ("name_birth_postcode",)),
        ("a", "c", ("bsn", "name_birth_postcode")),
        ("b", "c", ("name_birth_postcode",)),
    ]


def _decision(id_: str, chosen, conflict=("a", "b")) -> dict:
    return {
        "id": id_,
        "type": "RESOLVED",
        "data": {
            "conflict_kind": rule.KIND,
            "pair": ["b", "a"],
            "chosen": chosen,
            "conflict": list(conflict),
        },
    }


def test_decisions_fold_alike_whatever_their_order_and_reopen_when_they_disagree():
    merge, keep = _decision("r1", "a"), _decision("r2", None)
    assert rule.state(("a", "b"), rule.decisions_of([merge])) == rule.PairState(True, "a", ("r1",))
    both = rule.state(("a", "b"), rule.decisions_of([merge, keep]))
    assert both == rule.state(("a", "b"), rule.decisions_of([keep, merge, merge]))
    assert both == rule.PairState(False, None, ("r1", "r2"))
    later = _decision("r3", "b", conflict=("a", "b", "r1", "r2"))
    assert rule.state(("a", "b"), rule.decisions_of([keep, later, merge])).survivor == "b"
    assert rule.merged_into("a", [merge, keep, later]) == "b" and rule.merged_into("b", [later]) is None
    assert rule.merged_from("b", [merge, keep, later]) == ["a"]
    # the same decision made twice apart agrees with itself
    assert rule.state(("a", "b"), rule.decisions_of([merge, _decision("r4", "a")])).settled


# --- the service -----------------------------------------------------------------------------------


def _twins(a, b, **extra):
    """Two nurses of one node each register the same person while apart, then sync."""
    first = clients.register_client(a, {**TRUUS, **extra})
    second = clients.register_client(b, {**TRUUS, "name": "truus oude-egberink", **extra})
    return first, second


def test_registration_warns_of_a_possible_duplicate_and_still_lets_the_nurse_save(session):
    kept = clients.register_client(session, {**TRUUS, "bsn": BSN})
    [found] = duplicates.possible(session, {**TRUUS, "name": "T. Oude Egberink", "bsn": "1112 22 333"})
    assert found["id"] == kept.id and found["reasons"] == ["bsn"]
    assert "Mogelijk dubbel met Truus Oude Egberink (geboren 05-04-1938" in duplicates.warning([found], "nl")
    assert "Possible duplicate of Truus Oude Egberink" in duplicates.warning([found], "en")
    assert duplicates.possible(session, {**TRUUS, "birth_date": "1938-04-06"}) == []
    assert duplicates.possible(session, {**TRUUS, "birth_date": "not a date"}) == []
    again = clients.register_client(session, TRUUS)  # may still save: the inbox shows the pair
    [item] = conflicts.inbox(session)
    assert item.kind == rule.KIND and {s["event_id"] for s in item.sides} == {kept.id, again.id}
    assert item.sides[0]["differs"] == ["bsn"]
    events = [e[0] for e in session.db.execute("SELECT event FROM audit_log ORDER BY seq")]
    # an unreadable form searches nothing (and is not logged as a search); each side shown is a read
    assert events.count("client.duplicate_check") == 2 and events.count("client.duplicate_read") == 2


def test_a_coordinator_neither_checks_nor_sees_duplicates():
    with devices(("n", "hengelo", "nurse"), ("c", "hengelo", "coordinator")) as (n, c):
        _twins(n, n)
        Mesh(n, c).sync("c", "n")
        assert conflicts.inbox(c) == []
        with pytest.raises(AccessDenied):
            duplicates.possible(c, TRUUS)


def test_two_devices_see_one_entry_after_sync_and_a_merge_on_one_reaches_the_other():
    with devices(("a", "hengelo", "nurse"), ("b", "hengelo", "nurse")) as (a, b):
        mesh = Mesh(a, b)
        first, second = _twins(a, b)
        clients.record_visit(b, second.id, {"planned_start_at": "2026-11-20 09:00", "planned_minutes": 30})
        assert conflicts.inbox(a) == [] and conflicts.inbox(b) == []
        mesh.sync("a", "b")
        [on_a], [on_b] = conflicts.inbox(a), conflicts.inbox(b)
        assert on_a.id == on_b.id and on_a.kind == rule.KIND
        assert on_a.sides[0]["differs"] == []
        assert "mogelijk dubbele cliënt: truus oude" in on_a.title("nl").lower()

        with pytest.raises(ValidationError):
            conflicts.resolve(a, on_a.id, "not-one-of-them")
        conflicts.resolve(a, on_a.id, first.id)  # keep the first: the second is merged into it
        assert conflicts.inbox(a) == []
        archived = dict(a.db.execute("SELECT id, archived FROM clients").fetchall())
        assert archived == {first.id: 0, second.id: 1}
        assert duplicates.links(a, second.id)["merged_into"] == first.id
        assert duplicates.links(a, first.id)["merged_from"] == [second.id]
        assert duplicates.history_ids(a, first.id) == [first.id, second.id]
        # the merged record's visit is reachable from the survivor's file
        timeline = caseload_view.timeline(a, first.id)
        assert [e["type"] for e in timeline].count("VISIT") == 1
        merges = a.db.execute(
            "SELECT client_id, object_id FROM audit_log WHERE event = 'client.merge'"
        ).fetchall()
        assert sorted(merges) == sorted([(first.id, second.id), (second.id, first.id)])

        mesh.sync("b", "a")
        assert conflicts.inbox(b) == []
        assert dict(b.db.execute("SELECT id, archived FROM clients").fetchall()) == archived


def test_keep_both_is_not_flagged_again_even_when_a_third_record_comes():
    with devices(("a", "hengelo", "nurse"), ("b", "hengelo", "nurse")) as (a, b):
        first, second = _twins(a, b, bsn=BSN)
        Mesh(a, b).sync("a", "b")
        [item] = conflicts.inbox(a)
        conflicts.resolve(a, item.id, None)
        assert conflicts.inbox(a) == []
        assert a.db.execute("SELECT count(*) FROM clients WHERE archived = 0").fetchone()[0] == 2
        third = clients.register_client(a, {**TRUUS, "bsn": BSN})
        pairs = {tuple(sorted(s["event_id"] for s in c.sides)) for c in conflicts.inbox(a)}
        assert pairs == {tuple(sorted((first.id, third.id))), tuple(sorted((second.id, third.id)))}


@pytest.mark.parametrize(
    ("on_a", "on_b", "settled"),
    [("first", "first", True), ("first", "second", False), ("first", None, False), (None, None, True)],
)
def test_two_nurses_deciding_apart_converge(on_a, on_b, settled):
    """Both replicas end with the same records, archived alike; a disagreement is open again on both
    until one nurse decides with both decisions in view."""
    with devices(("a", "hengelo", "nurse"), ("b", "hengelo", "nurse")) as (a, b):
        mesh = Mesh(a, b)
        first, second = _twins(a, b)
        mesh.sync("a", "b")
        ids = {"first": first.id, "second": second.id, None: None}
        [item] = conflicts.inbox(a)
        conflicts.resolve(a, item.id, ids[on_a])
        conflicts.resolve(b, item.id, ids[on_b])
        mesh.sync("a", "b")
        mesh.sync("b", "a")
        table = "SELECT id, archived FROM clients ORDER BY id"
        assert a.db.execute(table).fetchall() == b.db.execute(table).fetchall()
        open_a, open_b = conflicts.inbox(a), conflicts.inbox(b)
        assert [c.id for c in open_a] == [c.id for c in open_b]
        if settled:
            assert open_a == []
            return
        [again] = open_a
        assert "decisions disagree" in again.title("en") and len(again.event_ids) == 4
        assert a.db.execute("SELECT count(*) FROM clients WHERE archived = 0").fetchone()[0] == 2
        conflicts.resolve(b, again.id, second.id)
        mesh.sync("b", "a")
        assert conflicts.inbox(a) == [] == conflicts.inbox(b)
        assert dict(a.db.execute(table).fetchall()) == {first.id: 1, second.id: 0}
        assert duplicates.links(a, first.id)["merged_into"] == second.id
        assert a.repo.read(doc_id_for("case", first.id))["archived"] is False  # derived, never written
