"""Click's own messages follow VELD_LANG: each kind of usage error and the ``--help`` headings in
Dutch (the default) and English, and under Dutch none of Click's English phrases. An unknown
VELD_LANG is refused in one line in both languages (veldclient/language.py)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

PROG = "python -m veldclient"  # as the `veld` fixture runs it
# Click's English, each of which has a Dutch line in veldclient/locale/nl/LC_MESSAGES/click.po.
ENGLISH = (
    "Usage:",
    "Error:",
    "Try '",
    "for help",
    "Missing",
    "No such",
    "Invalid value",
    "is not one of",
    "is not a valid",
    "not in the range",
    "does not exist",
    "Did you mean",
    "requires an argument",
    "Options:",
    "Commands:",
    "Show this message and exit.",
    "Show the version and exit.",
    "[required]",
    "[default:",
)


@dataclass(frozen=True)
class Case:
    id: str
    args: tuple[str, ...]
    nl: tuple[str, ...]  # lines (or parts of one) the Dutch output holds
    en: tuple[str, ...]
    command: str  # the command's path after the program's name


CASES = [
    Case(
        "missing-option",
        ("init", "--role", "nurse"),
        ("Fout: Ontbrekende optie '--node'.",),
        ("Error: Missing option '--node'.",),
        "init",
    ),
    Case(
        "unknown-option",
        ("status", "--bogus"),
        ("Fout: Onbekende optie '--bogus'.",),
        ("Error: No such option '--bogus'.",),
        "status",
    ),
    Case(
        "bad-choice",
        ("init", "--node", "hengelo", "--role", "boss"),
        ("Fout: Ongeldige waarde voor '--role': 'boss' is niet een van 'nurse', 'coordinator', 'admin'.",),
        ("Error: Invalid value for '--role': 'boss' is not one of 'nurse', 'coordinator', 'admin'.",),
        "init",
    ),
    Case(
        "bad-int",
        ("demo", "--seed", "abc"),
        ("Fout: Ongeldige waarde voor '--seed': 'abc' is geen geldig getal.",),
        ("Error: Invalid value for '--seed': 'abc' is not a valid integer.",),
        "demo",
    ),
    Case(
        "out-of-range",
        ("audit", "log", "--limit", "0"),
        ("Fout: Ongeldige waarde voor '--limit': 0 valt buiten het bereik x>=1.",),
        ("Error: Invalid value for '--limit': 0 is not in the range x>=1.",),
        "audit log",
    ),
    Case(
        "path-does-not-exist",
        ("bundle", "import", "/nonexistent/bundle.veld"),
        ("Fout: Ongeldige waarde voor 'PATH': Pad '/nonexistent/bundle.veld' bestaat niet.",),
        ("Error: Invalid value for 'PATH': Path '/nonexistent/bundle.veld' does not exist.",),
        "bundle import",
    ),
    Case(
        "missing-argument",
        ("client", "visit"),
        ("Fout: Ontbrekend argument 'CLIENT_ID'.",),
        ("Error: Missing argument 'CLIENT_ID'.",),
        "client visit",
    ),
    Case(
        "unknown-command",
        ("stauts",),
        ("Fout: Onbekende opdracht 'stauts'. Bedoelt u 'status'?",),
        ("Error: No such command 'stauts'. Did you mean 'status'?",),
        "",
    ),
]


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_a_usage_error_speaks_veld_lang(veld, c: Case) -> None:
    dutch = veld(*c.args, check=False, VELD_LANG="nl")
    english = veld(*c.args, check=False, VELD_LANG="en")
    usage = f"{PROG} {c.command}".strip()
    for result in (dutch, english):
        assert result.returncode == 2, result.stderr
        assert result.stdout == ""
    assert dutch.stderr.startswith(f"Gebruik: {usage} ")
    assert f"\nTyp '{usage} --help' voor hulp.\n" in dutch.stderr
    for line in c.nl:
        assert line in dutch.stderr, dutch.stderr
    assert not [phrase for phrase in ENGLISH if phrase in dutch.stderr], dutch.stderr
    assert english.stderr.startswith(f"Usage: {usage} ")
    assert f"\nTry '{usage} --help' for help.\n" in english.stderr
    for line in c.en:
        assert line in english.stderr, english.stderr


def test_dutch_is_the_default(veld) -> None:
    env = {k: v for k, v in veld.env.items() if k != "VELD_LANG"}
    veld.env = env
    result = veld("status", "--bogus", check=False)
    assert result.returncode == 2
    assert "Fout: Onbekende optie '--bogus'." in result.stderr


def test_an_option_without_its_value(veld) -> None:
    """The parser's own error, which has no usage line."""
    assert (
        veld("init", "--role", check=False, VELD_LANG="nl").stderr
        == "Fout: Optie '--role' verwacht een waarde.\n"
    )
    assert (
        veld("init", "--role", check=False, VELD_LANG="en").stderr
        == "Error: Option '--role' requires an argument.\n"
    )


@pytest.mark.parametrize(
    ("args", "nl", "en"),
    [
        (
            ("--help",),
            (
                f"Gebruik: {PROG} [OPTIONS]",
                "\nOpties:\n",
                "\nOpdrachten:\n",
                "Toon de versie en stop.",
                "Toon deze hulp en stop.",
            ),
            (
                f"Usage: {PROG} [OPTIONS]",
                "\nOptions:\n",
                "\nCommands:\n",
                "Show the version and exit.",
                "Show this message and exit.",
            ),
        ),
        (
            ("client", "visit", "--help"),
            (
                f"Gebruik: {PROG} client visit",
                "\nOpties:\n",
                "[verplicht]",
                "[standaard: 30]",
                "Toon deze hulp en stop.",
            ),
            (
                f"Usage: {PROG} client visit",
                "\nOptions:\n",
                "[required]",
                "[default: 30]",
                "Show this message and exit.",
            ),
        ),
    ],
    ids=["veld", "client-visit"],
)
def test_help_headings_speak_veld_lang(
    veld, args: tuple[str, ...], nl: tuple[str, ...], en: tuple[str, ...]
) -> None:
    """Click's headings and markers (the commands' own help texts: test_cli_one_language.py)."""
    dutch = veld(*args, VELD_LANG="nl")
    english = veld(*args, VELD_LANG="en")
    for part in nl:
        assert part in dutch.stdout, dutch.stdout
    assert not [phrase for phrase in ENGLISH if phrase in dutch.stdout], dutch.stdout
    for part in en:
        assert part in english.stdout, english.stdout


@pytest.mark.parametrize("value", ["de", "english"])
def test_an_unknown_veld_lang_is_refused_in_one_line_in_both_languages(veld, value: str) -> None:
    for args in (("status",), ("status", "--bogus"), ()):
        result = veld(*args, check=False, VELD_LANG=value)
        assert result.returncode == 2
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith(f"veld: VELD_LANG={value!r} ken ik niet")
        assert (
            f" / VELD_LANG={value!r} is not a language veld speaks: use nl (Dutch) or en (English)."
            in lines[0]
        )
