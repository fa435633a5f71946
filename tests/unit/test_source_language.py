"""Sentences written in the code as a (Dutch, English) pair — an error's two sentences, a line the
command line says — each hold no word of the other language (the catalogue's own check is
test_catalogue_language.py; the words are tests/language_words.py's)."""

from __future__ import annotations

import ast
from pathlib import Path

from language_words import foreign_words

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("veldclient", "sync", "screens", "fixtures")
# Calls whose first two arguments are the Dutch and the English sentence
SAYERS = ("say", "_say", "ask_first", "single")
ERROR_SUFFIXES = ("Error", "Failed", "Denied", "Transition", "Refused", "Busy", "Broken")


def text(node: ast.expr) -> str | None:
    """A string literal or f-string (its values as X), or None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(" X " if isinstance(v, ast.FormattedValue) else str(text(v)) for v in node.values)
    return None


def called(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def pairs() -> list[tuple[str, int, str, str]]:
    found = []
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                name = called(node)
                args = node.args
                if name in SAYERS and len(args) == 1 and isinstance(args[0], ast.Tuple):
                    args = args[0].elts
                if not (name in SAYERS or name.endswith(ERROR_SUFFIXES)) or len(args) < 2:
                    continue
                while len(args) > 2 and (code := text(args[0])) is not None and " " not in code:
                    args = args[1:]  # field and code first: FieldError("until", "order", nl, en)
                nl, en = text(args[0]), text(args[1])
                if nl is not None and en is not None:
                    found.append((f"{path.relative_to(ROOT)}:{node.lineno}", node.lineno, nl, en))
    return found


def test_pairs_are_found():
    assert len(pairs()) > 100


def test_each_sentence_of_a_pair_is_in_its_own_language():
    mixed = {
        where: (foreign_words(nl, "nl"), foreign_words(en, "en"))
        for where, _line, nl, en in pairs()
        if foreign_words(nl, "nl") or foreign_words(en, "en")
    }
    assert mixed == {}
