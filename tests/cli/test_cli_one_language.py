"""The command line prints one language: VELD_LANG's (Dutch by default), never a line in both. Each
command below runs in Dutch and in English on a new profile (and one on a demo), and its output and
errors hold no word of the other language. The one exception, an unknown VELD_LANG refused in both
languages, is tests/cli/test_cli_usage_language.py's. ``--help`` of every command and subcommand
speaks one language too: Click's words (its gettext catalogue) and the commands' own help texts
(veldclient/cli_help.py)."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator

import click
import pytest
from language_words import foreign_words

from veldclient import cli, cli_help

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


def _commands(
    command: click.Command, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Every command under ``command`` (itself first), with the words that call it."""
    yield path, command
    if isinstance(command, click.Group):
        ctx = click.Context(command, info_name=path[-1] if path else "veld")
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None, name
            yield from _commands(sub, (*path, name))


COMMAND_PATHS = [path for path, _ in _commands(cli.main)]
# Words that are the same in both languages, left out before looking: the usage line, the commands'
# names (`peers`, `search`) where they are listed, metavars and codes in capitals (PEER, CLIENT_ID),
# and an option's choices (`[nl|en]`, `[nurse|coordinator|admin]`).
NAMES = re.compile(r"^(?:Usage|Gebruik): .*$|^  [a-z]+(?=  )|\b[A-Z][A-Z_]+\b|\[[\w|]+\]", re.MULTILINE)


def _squeezed(text: str) -> str:
    """Without any white space: help texts are wrapped (and broken at hyphens) to the terminal."""
    return re.sub(r"\s+", "", text)


def test_every_command_and_option_has_help_in_both_languages() -> None:
    """The catalogue holds the Dutch of each help text as the code says it; an option without help,
    or a text changed in the code but not here, would be printed in English under Dutch."""
    untranslated = []
    for path, command in _commands(cli.main):
        assert isinstance(command, cli.SaysHelp), path  # only these say their help in the language
        texts = {" ".join(path) or "veld": command.help}
        for param in command.params:
            if isinstance(param, click.Option) and param.name not in ("help", "version"):
                texts[f"{' '.join(path)} {param.opts[0]}"] = param.help
        for where, text in texts.items():
            if not text or inspect.cleandoc(text) not in cli_help.DUTCH:
                untranslated.append(where)
    assert untranslated == []


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_help_is_in_one_language(veld, lang):
    """``--help`` of each command holds no word of the other language and none of its help texts."""
    other = [nl if lang == "en" else en for en, nl in cli_help.DUTCH.items() if en != nl]
    mixed = {}
    for path in COMMAND_PATHS:
        result = veld(*path, "--help", VELD_LANG=lang)
        text = NAMES.sub("", result.stdout)
        found = foreign_words(text, lang)
        found += [t for t in other if _squeezed(t) in _squeezed(text)]
        if found:
            mixed[" ".join(path) or "veld"] = (found, result.stdout)
    assert mixed == {}


def test_help_names_things_in_dutch(veld):
    """Spot checks that the Dutch is there, not only that the English is gone."""
    visit = veld("client", "visit", "--help", VELD_LANG="nl").stdout
    assert "Leg een bezoek vast" in visit and "[standaard: 30]" in visit
    assert "Datum en tijd" in visit
    top = veld("--help", VELD_LANG="nl").stdout
    assert "Naam van het profiel" in top
    assert "Cliënten van dit knooppunt" in top
