"""What the command line prints for a person names things in words, in VELD_LANG's language: a care
type, a task, a slot's service, an urgency, a status by its label (domain/enums.py), never by the
code that is stored. ``--json`` keeps the codes: scripts read those."""

from __future__ import annotations

import json
import re

import pytest

from veldclient.domain import enums

DEMO = {"VELD_PASSPHRASE": "demo"}
LABELLED = (
    enums.CareType,
    enums.Task,
    enums.Service,
    enums.Urgency,
    enums.PlacementStatus,
    enums.HelpRequestStatus,
    enums.MatchStatus,
    enums.SlotStatus,
    enums.BedStatus,
    enums.VogStatus,
    enums.Role,
)
TEXT_COMMANDS = (
    ("capacity",),
    ("slots", "list"),
    ("conflicts",),
    ("volunteer", "list"),
    ("cases",),
    ("requests", "--incoming"),
    ("helprequest", "list"),
    ("status",),
)


def _codes(lang: str) -> re.Pattern[str]:
    """Every stored code that is not part of its own label (``U4`` is: "U4 binnen 24 uur")."""
    codes = {
        member.value
        for enum in LABELLED
        for member in enum
        if member.value not in member.label(lang) and member.value.isupper()
    }
    return re.compile(r"(?<![\w-])(" + "|".join(sorted(codes, key=len, reverse=True)) + r")(?![\w-])")


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("nl", ("ELV laag complex", "Bezoek wijkverpleging", "Boodschappen", "U4 binnen 24 uur")),
        (
            "en",
            ("Low-complexity primary-care stay", "District nursing visit", "Shopping", "U4 within 24 hours"),
        ),
    ],
)
def test_text_output_names_things_by_their_label(veld, lang, words):
    veld.demo(**DEMO)
    codes = _codes(lang)
    found, said = {}, ""
    for args in TEXT_COMMANDS:
        out = veld("--profile", "demo", *args, VELD_LANG=lang, **DEMO).stdout
        assert out.strip(), args
        said += out
        if hits := sorted(set(codes.findall(out))):
            found[" ".join(args)] = hits
    assert found == {}
    for word in words:
        assert word in said


def test_json_keeps_the_codes(veld):
    veld.demo(**DEMO)
    capacity = json.loads(veld("--profile", "demo", "capacity", "--json", VELD_LANG="nl", **DEMO).stdout)
    assert {r["care_type"] for r in capacity} <= {c.value for c in enums.CareType}
    slots = json.loads(veld("--profile", "demo", "slots", "list", "--json", VELD_LANG="nl", **DEMO).stdout)
    assert {s["service"] for s in slots} == {"WV_VISIT"}
    conflicts = veld("--profile", "demo", "conflicts", "--json", VELD_LANG="nl", **DEMO).stdout
    assert "Bezoek wijkverpleging" in conflicts  # the title is words; the codes stay in their keys
