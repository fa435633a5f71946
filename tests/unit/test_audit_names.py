"""Every audit event code the code writes has a readable name in Dutch and English.

The codes are found in the source (not listed by hand): the first argument of ``session.audit``,
the event argument of ``require_role`` and of placement_flow's helpers that pass an event on, and
the match steps written as ``f"match.{verb}"``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from veldclient.audit import ACTIONS
from veldclient.services import audit_names
from veldclient.services.matching import VERBS

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["veldclient", "sync", "screens", "fixtures"]
CODE = re.compile(r"^[a-z_]+\.[a-z_]+$")
# call name -> index of the positional argument that is the event code
EVENT_ARG = {
    "audit": 0,
    "require_role": 1,
    "_audit": 2,
    "_deny": 2,
    "_as_sender": 2,
    "_as_receiver": 2,
    "_commit": 3,
}


def _constants(node: ast.expr) -> list[str] | None:
    """The codes an argument can be; None when it is not spelt out here (a forwarded parameter)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _constants(node.body), _constants(node.orelse)
        return None if body is None or orelse is None else [*body, *orelse]
    if isinstance(node, ast.JoinedStr) and ast.unparse(node) == "f'match.{verb}'":
        return [f"match.{verb}" for verb in VERBS.values()]
    return None


def written_codes() -> dict[str, str]:
    found: dict[str, str] = {}
    for package in SOURCES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                index = EVENT_ARG.get(name or "")
                if index is None or len(node.args) <= index:
                    continue
                arg = node.args[index]
                codes = _constants(arg)
                if codes is None:
                    assert isinstance(arg, ast.Name), f"{path}:{node.lineno}: event code not spelt out"
                    continue
                for code in codes:
                    found.setdefault(code, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_the_scan_finds_the_events_of_every_area() -> None:
    codes = written_codes()
    assert len(codes) > 60
    for code in (
        "client.read",
        "slot.book",
        "placement.admit",
        "match.confirm",
        "sync.refused",
        "audit.read",
    ):
        assert code in codes


def test_every_written_event_has_a_name_in_both_languages() -> None:
    unnamed = {code: where for code, where in written_codes().items() if code not in audit_names.EVENT_NAMES}
    assert not unnamed, f"give these events a name in services/audit_names.py: {unnamed}"
    for code, (nl, en) in audit_names.EVENT_NAMES.items():
        assert CODE.match(code), code
        assert nl.strip() and en.strip() and nl != code and en != code, code


def test_every_action_letter_is_spelt_out_in_both_languages() -> None:
    for letter in ACTIONS:
        assert audit_names.action_name(letter, "nl") != letter
        assert audit_names.action_name(letter, "en") != letter
    assert audit_names.action_name("L", "nl") == "auditlog lezen"
    assert audit_names.action_name("L", "en") == "reading the audit log"


def test_an_unknown_code_shows_as_itself() -> None:
    assert audit_names.event_name("future.thing", "nl") == "future.thing"
    assert audit_names.event_name("client.read", "en") == "Client viewed"
