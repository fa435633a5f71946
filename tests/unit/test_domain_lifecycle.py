"""Enum codes against the data-model contract, labels, and the four status lifecycles."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from veldclient import domain
from veldclient.domain import (
    CareType,
    HelpRequestStatus,
    LabelledEnum,
    MatchStatus,
    PlacementStatus,
    StatusEnum,
    VisitStatus,
    check_transition,
)
from veldclient.domain.models_help import status_on
from veldclient.errors import InvalidTransition

DATA_MODEL = Path(__file__).resolve().parents[2] / "docs" / "data-model.md"


def documented_enums() -> dict[str, list[str]]:
    """The '| enum | codes |' table of docs/data-model.md, parenthetical notes removed."""
    table: dict[str, list[str]] = {}
    for line in DATA_MODEL.read_text(encoding="utf-8").splitlines():
        m = re.fullmatch(r"\|\s*([A-Z][A-Za-z]+)\s*\|\s*([A-Z0-9_, ]+?)\s*(\(.*\))?\s*\|", line)
        if m:
            table[m.group(1)] = [c.strip() for c in m.group(2).split(",")]
    return table


def test_every_documented_enum_has_exactly_those_codes() -> None:
    table = documented_enums()
    assert len(table) == 20
    for name, codes in table.items():
        cls = getattr(domain, name)
        assert [m.value for m in cls] == codes, name


def all_enums() -> list[type[LabelledEnum]]:
    return [getattr(domain, name) for name in documented_enums()]


@pytest.mark.parametrize("cls", all_enums(), ids=lambda c: c.__name__)
def test_every_member_has_both_labels(cls: type[LabelledEnum]) -> None:
    for member in cls:
        assert member.label("nl").strip() and member.label("en").strip()
        assert member.label() == member.label("nl")
        assert str(member) == member.value  # stored as the plain code


def test_care_type_labels() -> None:
    assert CareType.ELV_HOOG.label() == "ELV hoog complex"
    assert CareType.ELV_HOOG.label("en") == "High-complexity primary-care stay"


PATHS = {
    PlacementStatus: [
        "DRAFT",
        "SUBMITTED",
        "IN_REVIEW",
        "OFFERED",
        "ACCEPTED",
        "ADMITTED",
        "DISCHARGED",
    ],
    VisitStatus: ["PLANNED", "EN_ROUTE", "DONE"],
    HelpRequestStatus: ["OPEN", "MATCHING", "MATCHED", "IN_PROGRESS", "DONE"],
    MatchStatus: ["PROPOSED", "ACCEPTED", "CONFIRMED", "COMPLETED"],
}
FINALS = {
    PlacementStatus: {"DISCHARGED", "REJECTED", "CANCELLED", "NO_PLACE"},
    VisitStatus: {"WORSENED", "MISSED", "CANCELLED"},
    HelpRequestStatus: {"DONE", "CANCELLED", "EXPIRED"},
    MatchStatus: {"COMPLETED", "DECLINED", "WITHDRAWN"},
}
STATUS_ENUMS = list(PATHS)


@pytest.mark.parametrize("cls", STATUS_ENUMS, ids=lambda c: c.__name__)
def test_happy_path_is_allowed(cls: type[StatusEnum]) -> None:
    path = [cls(code) for code in PATHS[cls]]
    for old, new in zip(path, path[1:], strict=False):
        assert check_transition(old, new) is new


@pytest.mark.parametrize("cls", STATUS_ENUMS, ids=lambda c: c.__name__)
def test_final_states(cls: type[StatusEnum]) -> None:
    assert {m.value for m in cls if m.is_final} == FINALS[cls]
    for final in (m for m in cls if m.is_final):
        for target in cls:
            with pytest.raises(InvalidTransition) as info:
                check_transition(final, target)
            assert info.value.nl != info.value.en


@pytest.mark.parametrize("cls", STATUS_ENUMS, ids=lambda c: c.__name__)
def test_every_state_can_finish(cls: type[StatusEnum]) -> None:
    """No state is a dead end: every status can reach a final one."""
    for start in cls:
        seen, todo = {start}, [start]
        while todo:
            for nxt in todo.pop().allowed_next():
                assert type(nxt) is cls
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        assert any(s.is_final for s in seen)


@pytest.mark.parametrize("cls", STATUS_ENUMS, ids=lambda c: c.__name__)
def test_same_status_is_refused(cls: type[StatusEnum]) -> None:
    for member in cls:
        with pytest.raises(InvalidTransition):
            check_transition(member, member)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (PlacementStatus.DRAFT, PlacementStatus.ADMITTED),
        (PlacementStatus.DRAFT, PlacementStatus.REJECTED),
        (PlacementStatus.SUBMITTED, PlacementStatus.ACCEPTED),
        (PlacementStatus.ADMITTED, PlacementStatus.CANCELLED),
        (PlacementStatus.ADMITTED, PlacementStatus.NO_PLACE),
        (PlacementStatus.OFFERED, PlacementStatus.DRAFT),
        (VisitStatus.EN_ROUTE, VisitStatus.PLANNED),
        (HelpRequestStatus.OPEN, HelpRequestStatus.DONE),
        (HelpRequestStatus.IN_PROGRESS, HelpRequestStatus.EXPIRED),
        (MatchStatus.PROPOSED, MatchStatus.CONFIRMED),
        (MatchStatus.CONFIRMED, MatchStatus.DECLINED),
    ],
)
def test_impossible_steps_are_refused(old: StatusEnum, new: StatusEnum) -> None:
    with pytest.raises(InvalidTransition) as info:
        check_transition(old, new)
    assert old.label("nl") in info.value.nl and new.label("nl") in info.value.nl
    assert old.label("en") in info.value.en and new.label("en") in info.value.en
    assert info.value.nl != info.value.en


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (PlacementStatus.SUBMITTED, PlacementStatus.NO_PLACE),
        (PlacementStatus.IN_REVIEW, PlacementStatus.REJECTED),
        (PlacementStatus.OFFERED, PlacementStatus.CANCELLED),
        (PlacementStatus.OFFERED, PlacementStatus.IN_REVIEW),  # client declines the offer
        (PlacementStatus.ACCEPTED, PlacementStatus.IN_REVIEW),  # bed taken by another node
        (VisitStatus.PLANNED, VisitStatus.MISSED),
        (VisitStatus.PLANNED, VisitStatus.DONE),  # recorded afterwards
        (VisitStatus.EN_ROUTE, VisitStatus.CANCELLED),
        (HelpRequestStatus.MATCHING, HelpRequestStatus.EXPIRED),
        (HelpRequestStatus.MATCHED, HelpRequestStatus.MATCHING),
        (MatchStatus.PROPOSED, MatchStatus.DECLINED),
        (MatchStatus.CONFIRMED, MatchStatus.WITHDRAWN),
    ],
)
def test_exits_are_allowed(old: StatusEnum, new: StatusEnum) -> None:
    assert check_transition(old, new) is new


def test_refusal_lists_the_possible_steps() -> None:
    with pytest.raises(InvalidTransition) as info:
        check_transition(PlacementStatus.DRAFT, PlacementStatus.ADMITTED)
    assert info.value.nl == (
        "Plaatsingsaanvraag: van 'Concept' naar 'Opgenomen' kan niet. "
        "Mogelijk vanaf 'Concept': Ingediend, Geannuleerd."
    )
    assert "Possible from 'Draft': Submitted, Cancelled." in info.value.en


def test_new_status_may_be_a_typed_code() -> None:
    assert check_transition(VisitStatus.PLANNED, " en_route ") is VisitStatus.EN_ROUTE
    with pytest.raises(InvalidTransition):
        check_transition(VisitStatus.PLANNED, "WALKING")


def test_mixing_lifecycles_is_a_bug() -> None:
    with pytest.raises(TypeError):
        check_transition(MatchStatus.ACCEPTED, PlacementStatus.ACCEPTED)  # type: ignore[type-var]


def test_allowed_tables_are_read_only() -> None:
    with pytest.raises(TypeError):
        PlacementStatus.ALLOWED[PlacementStatus.DRAFT] = frozenset()  # type: ignore[index]


@pytest.mark.parametrize("stored", list(HelpRequestStatus))
def test_a_help_request_is_expired_by_the_clock_only_while_waiting_or_matched(stored):
    end, H = date(2026, 11, 12), HelpRequestStatus
    waiting = stored in (H.OPEN, H.MATCHING, H.MATCHED)
    assert status_on(stored, end, date(2026, 11, 13)) is (H.EXPIRED if waiting else stored)
    assert status_on(stored, end, date(2026, 11, 12)) is stored  # the last day still counts
    assert status_on(stored, None, date(2030, 1, 1)) is stored
