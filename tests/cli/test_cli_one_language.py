"""The command line prints one language: VELD_LANG's (Dutch by default), never a line in both. Each
command below runs in Dutch and in English on a new profile (and one on a demo), and its output and
errors hold no word of the other language. The one exception, an unknown VELD_LANG refused in both
languages, is tests/cli/test_cli_usage_language.py's."""

from __future__ import annotations

import pytest
from language_words import foreign_words

COMMANDS = (
    ("status",),
    ("locate",),
    ("doctor",),
    ("audit", "verify"),
    ("audit", "log", "--limit", "5"),
    ("conflicts",),
    ("peers", "list"),
    ("identity",),
    ("request", "show", "bestaatniet"),  # refused: NotFound names its kind in one language
    ("slots", "book", "bestaatniet", "--client", "x"),
    ("relay", "status"),
    ("relay", "push"),  # refused: no relay configured
)


@pytest.fixture
def profile(veld):
    veld("init", "--node", "hengelo", "--role", "admin", "--user", "anna")
    return veld


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_line_is_in_one_language(profile, lang):
    mixed = {}
    for args in COMMANDS:
        result = profile(*args, check=False, VELD_LANG=lang)
        text = result.stdout + result.stderr
        assert "Traceback" not in text, text
        if words := foreign_words(text, lang):
            mixed[" ".join(args)] = (words, text)
    assert mixed == {}


@pytest.mark.parametrize(
    ("lang", "created", "role", "counts"),
    [
        ("nl", "Profiel 'default' aangemaakt", "Rol             : Beheerder (anna)", "cliënten"),
        ("en", "Profile 'default' created", "Role            : Administrator (anna)", "clients"),
    ],
)
def test_status_and_init_name_things_in_the_chosen_language(veld, lang, created, role, counts):
    made = veld("init", "--node", "hengelo", "--role", "admin", "--user", "anna", VELD_LANG=lang).stdout
    assert created in made and " / " not in made and "created" not in made.replace(created, "")
    status = veld("status", VELD_LANG=lang).stdout
    assert role in status and counts in status
    assert not [line for line in status.splitlines() if "/" in line and not line.startswith("Database")]


@pytest.mark.parametrize(("lang", "one"), [("nl", "1 regel gecontroleerd"), ("en", "1 entry verified")])
def test_a_count_of_one_is_singular(veld, lang, one):
    """A new profile's log holds one entry (its creation): said in the singular, by the plural rule."""
    veld("init", "--node", "hengelo", "--role", "admin")
    assert one in veld("audit", "verify", VELD_LANG=lang).stdout
