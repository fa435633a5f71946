"""ELV triage rules (reference/domain-model.md §a) and their two-language reasons."""

from __future__ import annotations

import itertools

import pytest

from veldclient.domain import CareType, Triage, TriageAdvice, suggest_care_type
from veldclient.errors import ValidationError

FLAGS = ("instability", "unplanned_nursing", "adl_takeover", "wlz_indication", "specialist_needed")


def advise(**answers: bool) -> TriageAdvice:
    return suggest_care_type(Triage(**answers))


def test_specialist_needed_means_hospital_whatever_else() -> None:
    for combo in itertools.product([False, True], repeat=4):
        advice = advise(specialist_needed=True, **dict(zip(FLAGS[:4], combo, strict=True)))
        assert advice.hospital and advice.care_type is None
        assert "ziekenhuis" in advice.reason_nl and "hospital" in advice.reason_en


@pytest.mark.parametrize("flag", ["instability", "unplanned_nursing", "adl_takeover"])
def test_wlz_indication_excludes_elv_and_acute_need_means_crisis(flag: str) -> None:
    advice = advise(wlz_indication=True, **{flag: True})
    assert advice.care_type is CareType.WLZ_CRISIS
    assert "sluit ELV uit" in advice.reason_nl and "excludes ELV" in advice.reason_en


def test_wlz_indication_without_acute_need_means_respite() -> None:
    assert advise(wlz_indication=True).care_type is CareType.WLZ_LOGEER


def test_instability_means_elv_high() -> None:
    assert advise(instability=True).care_type is CareType.ELV_HOOG
    assert advise(instability=True, adl_takeover=True).care_type is CareType.ELV_HOOG


@pytest.mark.parametrize(
    "answers",
    [
        {"unplanned_nursing": True},
        {"adl_takeover": True},
        {"unplanned_nursing": True, "adl_takeover": True},
    ],
)
def test_nursing_or_adl_without_instability_means_elv_low(answers: dict[str, bool]) -> None:
    advice = advise(**answers)
    assert advice.care_type is CareType.ELV_LAAG
    assert "huisarts" in advice.reason_nl and "GP" in advice.reason_en


def test_medically_stable_means_wmo_short_stay() -> None:
    advice = advise()
    assert advice.care_type is CareType.WMO_KORTDUREND_VERBLIJF
    assert not advice.hospital
    assert "mantelzorger" in advice.reason_nl and "carer" in advice.reason_en


def test_every_combination_has_a_readable_reason_in_both_languages() -> None:
    for combo in itertools.product([False, True], repeat=len(FLAGS)):
        advice = suggest_care_type(Triage(**dict(zip(FLAGS, combo, strict=True))))
        assert advice.reason("nl") == advice.reason_nl and advice.reason("en") == advice.reason_en
        assert advice.reason_nl.strip() and advice.reason_en.strip()
        assert advice.reason_nl != advice.reason_en
        assert advice.hospital == (advice.care_type is None)


def test_the_reason_names_the_grounds() -> None:
    advice = advise(unplanned_nursing=True, adl_takeover=True)
    assert "onplanbare verpleging" in advice.reason_nl and "ADL" in advice.reason_nl
    assert "unplannable nursing" in advice.reason_en


def test_triage_parse_from_checkboxes() -> None:
    triage = Triage.parse({"instability": "ja", "adl_takeover": True, "wlz_indication": ""})
    assert triage == Triage(instability=True, adl_takeover=True)
    assert Triage.from_dict(triage.to_dict()) == triage
    assert list(triage.to_dict()) == list(FLAGS)


def test_triage_parse_reports_every_bad_answer() -> None:
    with pytest.raises(ValidationError) as info:
        Triage.parse({"instability": "misschien", "specialist_needed": 7})
    assert [e.field for e in info.value.errors] == ["instability", "specialist_needed"]
