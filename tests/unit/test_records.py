"""Records declared once (domain/record.py) and the projection columns taken from them (store/columns.py)."""

from __future__ import annotations

from datetime import date

import pytest

from veldclient.domain import Availability, Dagdeel, Vog, VogStatus, Weekday
from veldclient.domain.fields import integer, text
from veldclient.domain.models_care import Visit
from veldclient.domain.models_roster import Volunteer
from veldclient.domain.record import Record, spec
from veldclient.errors import ValidationError
from veldclient.store.columns import Mapped


class Pair(Record):
    STORED = ("b", "a")

    a: int = spec(integer(0, 9))
    b: str = spec(text(5), default="x")


def test_stored_order_is_named_once_and_kept() -> None:
    assert Pair(3).to_dict() == {"b": "x", "a": 3}
    assert list(Pair(3).to_dict()) == ["b", "a"]
    assert Pair.from_dict({"a": 3, "b": "y"}) == Pair(3, "y")


def test_a_stored_order_that_misses_or_repeats_a_field_is_refused_at_definition() -> None:
    with pytest.raises(TypeError, match="STORED"):

        class Broken(Record):
            STORED = ("a", "a")

            a: int = 0
            b: int = 0


def test_fields_from_reports_every_field_in_both_languages() -> None:
    with pytest.raises(ValidationError) as info:
        Visit.parse({"client_id": "", "nurse": "n", "planned_start_at": "later", "planned_minutes": 0})
    errors = {e.field: e for e in info.value.errors}
    assert list(errors) == ["client_id", "planned_start_at", "planned_minutes"]
    assert errors["planned_minutes"].nl == "Vul een getal van 1 tot en met 720 in."
    assert errors["planned_minutes"].en == "Enter a number from 1 to 720."


def test_from_dict_gives_an_equal_hashable_record_and_refuses_an_unknown_code() -> None:
    stored = {"status": "VALID", "issued_on": "2025-01-01"}
    vog = Vog.from_dict(stored)
    assert vog == Vog(VogStatus.VALID, date(2025, 1, 1)) and hash(vog) == hash(
        Vog(VogStatus.VALID, date(2025, 1, 1))
    )
    with pytest.raises(ValueError):
        Vog.from_dict({**stored, "status": "SOMETIMES"})


def test_sets_of_availabilities_are_stored_in_week_order() -> None:
    week = frozenset(
        Availability(day, part)
        for day in (Weekday.VR, Weekday.MA)
        for part in (Dagdeel.AVOND, Dagdeel.OCHTEND)
    )
    stored = Volunteer("n", "A", "B", "7511", 1990, 5, availability=week).to_dict()["availability"]
    assert stored == [
        {"weekday": "MA", "dagdeel": "OCHTEND"},
        {"weekday": "MA", "dagdeel": "AVOND"},
        {"weekday": "VR", "dagdeel": "OCHTEND"},
        {"weekday": "VR", "dagdeel": "AVOND"},
    ]


def test_a_model_table_has_the_models_fields_as_columns_typed_by_them() -> None:
    visits = Mapped(Visit, instead={"interventions": {}, "note": {}})
    assert visits.columns == {
        "id": str,
        "doc_id": str,
        "client_id": str,
        "nurse": str,
        "planned_start_at": int,
        "planned_minutes": int,
        "actual_start_at": int,
        "actual_end_at": int,
        "status": str,
    }
    volunteers = Mapped(Volunteer, instead={"availability": {}, "vog": {}})
    row = volunteers.row("d1", {"id": "v1", "tasks": ["VERVOER", "BOODSCHAPPEN"], "birth_year": 1990}, "n1")
    assert row["tasks"] == "VERVOER BOODSCHAPPEN" and row["languages"] == ""
    assert row["node_id"] == "n1" and row["doc_id"] == "d1" and row["first_name"] is None
