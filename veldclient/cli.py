"""The `veld` command line: the surface scripts, tests and site admins use (DESIGN §7).

Every expected failure is a :class:`VeldError` and ends as one clear line on stderr with exit code 2
(1 is left for "a check found problems", and for a bug: an error that escaped the app or a command,
as Python itself exits). ``--json`` output is stable: keys are only ever added.
Messages follow ``VELD_LANG`` (``nl`` by default, ``en``; veldclient/language.py), Click's own usage
errors and ``--help`` headings included.
"""

from __future__ import annotations

import contextlib
import getpass
import importlib
import json
import sys
from collections.abc import Callable, Iterator
from functools import partial, wraps
from gettext import gettext as _click_gettext
from typing import TYPE_CHECKING, Any, TypeVar

import click
from click.core import ParameterSource
from click.utils import _make_default_short_help as _short_help

from veldclient import cli_help, keys, language, locations
from veldclient import passphrase as passphrase_source
from veldclient import profile as profmod
from veldclient.errors import VeldError

if TYPE_CHECKING:  # `veld` opens the app without importing the services first (cold start)
    from veldclient.screens.unlock import Unlocking
    from veldclient.session import Session

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

# Click translates the --version option's help as its decorator runs (below, at import): bind first.
# An unknown VELD_LANG is refused by LazyGroup.main before anything is parsed.
with contextlib.suppress(language.UnknownLanguage):
    language.bind(language.choose())


def lang() -> str:
    """The command line's language: VELD_LANG, else Dutch (the rule is language.choose; the command
    line has no saved setting)."""
    return language.choose()


def say(nl: T, en: T) -> T:
    """The command line's words in its one language (``lang``): every line it prints goes through
    here or picks by ``lang()`` itself, never both languages at once."""
    return nl if lang() == "nl" else en


def counted(lang: str, n: int, one: str, other: str) -> str:
    """``n`` and its noun in ``lang``, singular or plural by that language's CLDR rule."""
    return f"{n} {language.plural(lang, n, {'one': one, 'other': other})}"


def fail(error: VeldError, code: int = 2) -> None:
    click.echo(f"veld: {error.message(lang())}", err=True)
    sys.exit(code)


INTERRUPTED = 130  # as a shell reports a command ended by Ctrl+C (128 + SIGINT)


def handles_errors(fn: F) -> F:
    """Expected failures as one line (exit 2), and Ctrl+C as one line (exit 130), never a traceback:
    what was interrupted wrote nothing half (transactions roll back, files are renamed into place)."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except KeyboardInterrupt:
            if sys.stderr.isatty():
                click.echo(err=True)  # past the ^C the terminal echoed
            fail(
                VeldError(
                    "onderbroken; wat nog niet af was, is niet opgeslagen.",
                    "interrupted; what was not finished has not been saved.",
                ),
                INTERRUPTED,
            )
        except VeldError as exc:
            fail(exc)
        except Exception as exc:
            from veldclient.db import database_failure  # only now: `veld` starts without SQLite

            failure = database_failure(exc)
            if failure is None:
                raise
            fail(failure)

    return wrapper  # type: ignore[return-value]


def ask_passphrase(confirm: bool = False) -> str | None:
    """A passphrase given without a prompt first (VELD_PASSPHRASE_FILE, a systemd credential,
    VELD_PASSPHRASE: veldclient/passphrase.py); else ask on a terminal; else None (the keyring may do)."""
    env = passphrase_source.given()
    if env:
        return env
    if not sys.stdin.isatty():
        return None
    first = getpass.getpass(say("Wachtwoord: ", "Passphrase: "))
    if confirm and first != getpass.getpass(say("Herhaal het wachtwoord: ", "Repeat the passphrase: ")):
        raise VeldError("De wachtwoorden zijn niet gelijk.", "The passphrases do not match.")
    return first or None


def with_session(ctx: click.Context, profile_name: str | None, use: Callable[[Session], T]) -> T:
    """Open the profile, run one use case, close it whatever happens."""
    with profile_session(ctx, profile_name) as session:
        return use(session)


def ask_first(yes: bool, question: tuple[str, str], refused: tuple[str, str]) -> None:
    """Before a step that leaves the device or cannot be undone: ``--yes`` answers for a script; on a
    terminal the question is asked (j/ja or y/yes, as in the app's dialogs); without one, nothing
    happens and the message says how to confirm."""
    if yes:
        return
    i = 0 if lang() == "nl" else 1
    if not sys.stdin.isatty():
        raise VeldError(
            f"{refused[0]} {question[0]} Bevestig met --yes (er is geen terminal om het te vragen).",
            f"{refused[1]} {question[1]} Confirm with --yes (there is no terminal to ask on).",
        )
    answer = click.prompt(f"{question[i]} {('[j/N]', '[y/N]')[i]}", default="", show_default=False, err=True)
    if answer.strip().lower() not in ("j", "ja", "y", "yes"):
        raise VeldError(*refused)


def open_profile(name: str) -> Session:
    from veldclient.services import session as sessmod

    prof = profmod.load(name)
    try:
        session = sessmod.open_session(prof.name, passphrase=passphrase_source.given())
    except profmod.UnlockError:
        if passphrase_source.given() or not sys.stdin.isatty():
            raise
        session = sessmod.open_session(prof.name, passphrase=ask_passphrase())
    session.on_wait(say_waiting)
    return session


@contextlib.contextmanager
def profile_session(ctx: click.Context, profile_name: str | None) -> Iterator[Session]:
    """The command's profile, unlocked for the command's work and closed after it, whatever happens."""
    session = open_profile(resolve_profile(ctx, profile_name))
    try:
        yield session
    finally:
        session.close()


def say_waiting() -> None:
    """One line while another veld process holds the profile's write lock (db.py)."""
    nl, en = "veld: wacht op een ander veld-proces…", "veld: waiting for another veld process…"
    click.echo(nl if lang() == "nl" else en, err=True)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True))


def profile_option(fn: F, *, envvar: str | None = None) -> F:
    """``--profile`` on a command. Only ``veld`` itself reads VELD_PROFILE: a command's own
    ``--profile`` is typed on this line and wins over it (``veld --profile P`` is the same choice)."""
    return click.option(
        "--profile",
        "profile_name",
        envvar=envvar,
        default=None,
        help="Profile name (default: 'default', or the only profile there is).",
    )(fn)


# record types counted by ``veld status`` (services/status.py COUNTED) -> (nl, en)
COUNTED_NAMES = {
    "clients": ("cliënten", "clients"),
    "visits": ("bezoeken", "visits"),
    "placements": ("plaatsingen", "placements"),
    "volunteers": ("vrijwilligers", "volunteers"),
    "mantelzorgers": ("mantelzorgers", "informal carers"),
    "help_requests": ("hulpvragen", "help requests"),
    "nodes": ("knooppunten", "nodes"),
    "locations": ("locaties", "locations"),
    "capacity_records": ("capaciteit", "capacity records"),
}


def resolve_profile(ctx: click.Context, name: str | None) -> str:
    name = name or (ctx.obj or {}).get("profile")
    if name:
        return locations.check_profile_name(name)
    existing = profmod.list_profiles()
    if locations.DEFAULT_PROFILE in existing or len(existing) != 1:
        return locations.DEFAULT_PROFILE
    return existing[0]


# Commands in their own modules, imported only when used: `veld` (the app) starts without them.
LAZY_COMMANDS = {
    "capacity": ("veldclient.cli_coord", "capacity_command"),
    "identity": ("veldclient.cli_sync", "identity_command"),
    "peers": ("veldclient.cli_sync", "peers_group"),
    "serve": ("veldclient.cli_sync", "serve_command"),
    "sync": ("veldclient.cli_sync", "sync_command"),
    "conflicts": ("veldclient.cli_coord", "conflicts_command"),
    "resolve": ("veldclient.cli_coord", "resolve_command"),
    "cases": ("veldclient.cli_placement", "cases"),
    "match": ("veldclient.cli_matching", "match"),
    "export": ("veldclient.cli_matching", "export"),
    "fhir": ("veldclient.cli_fhir", "fhir_group"),
    "forecast": ("veldclient.cli_forecast", "forecast_command"),
    "helprequest": ("veldclient.cli_helprequest", "helprequest"),
    "bundle": ("veldclient.cli_bundle", "bundle"),
    "relay": ("veldclient.cli_relay", "relay"),
    "demo": ("veldclient.cli_demo", "demo_command"),
    "request": ("veldclient.cli_request", "request"),
    "requests": ("veldclient.cli_placement", "requests"),
    "join": ("veldclient.cli_sync", "join_command"),
    "slots": ("veldclient.cli_slots", "slots_group"),
    "node": ("veldclient.cli_nodes", "node_group"),
    "nodes": ("veldclient.cli_nodes", "nodes_command"),
    "client": ("veldclient.cli_client", "client"),
    "search": ("veldclient.cli_client", "search"),
    "volunteer": ("veldclient.cli_roster", "volunteer"),
    "carer": ("veldclient.cli_roster", "carer"),
    "web": ("veldclient.cli_web", "web_command"),
    "risk": ("veldclient.cli_risk", "risk"),
}


class SaysHelp(click.Command):
    """A command whose own help texts (its docstring or ``help=``, and each option's ``help=``) speak
    the command line's language: Click prints them as written, in English, so these read them
    through the catalogue (cli_help.py) as the help is formatted. Every veld command is one
    (``cls=`` on the lazily imported ones; a group's subcommands inherit its classes)."""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        text = cli_help.said(self.help)
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(text)

    def get_short_help_str(self, limit: int = 45) -> str:
        if self.short_help:
            return cli_help.said(self.short_help).strip()
        return _short_help(cli_help.said(self.help), limit).strip() if self.help else ""

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None or not isinstance(param, click.Option):  # arguments: in the usage line
                continue
            names, text = record
            if param.help:
                # Click put its own markers ("[default: 30]", already in the language) after the help
                text = cli_help.said(param.help) + text[len(param.help) :]
            rows.append((names, text))
        if rows:
            with formatter.section(_click_gettext("Options")):
                formatter.write_dl(rows)


class VeldGroup(click.Group, SaysHelp):
    """A group of veld commands: its own help and its subcommands' as :class:`SaysHelp` says them."""

    command_class = SaysHelp
    group_class: type[click.Group] | type[type] | None = type  # a subgroup: of the same class

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        SaysHelp.format_options(self, ctx, formatter)
        self.format_commands(ctx, formatter)


class LazyGroup(VeldGroup):
    group_class = VeldGroup  # `veld audit` lists its own commands, not the lazy ones

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Decide the language before Click parses a word, so its usage errors speak it too."""
        try:
            language.bind(language.choose())
        except language.UnknownLanguage as exc:
            click.echo(f"veld: {exc.both()}", err=True)
            sys.exit(2)
        return super().main(*args, **kwargs)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS:
            module, attr = LAZY_COMMANDS[cmd_name]
            command: click.Command = getattr(importlib.import_module(module), attr)
            return command
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, invoke_without_command=True)
@partial(profile_option, envvar="VELD_PROFILE")
@click.version_option(package_name="veldclient")
@click.pass_context
def main(ctx: click.Context, profile_name: str | None) -> None:
    """veldclient: offline-first field client for the Twente care-node mesh.

    Without a command, opens the app for the profile.
    """
    ctx.ensure_object(dict)
    ctx.obj["profile"] = profile_name
    if ctx.invoked_subcommand is None:
        _open_tui(resolve_profile(ctx, profile_name))


def start_unlock(name: str) -> Unlocking:
    """Like :func:`open_profile`, but the slow part (Argon2id, opening SQLCipher) runs in a
    background thread once the app has drawn its first screen (screens/unlock.py). The passphrase is
    asked for here, before the app takes the terminal; a wrong one is found in the background, the
    app then closes, and :func:`_open_tui` reports it like any other error (exit 2)."""
    from veldclient.screens.unlock import Unlocking

    prof = profmod.load(name)
    env = passphrase_source.given()
    try:
        pending = keys.begin_unlock(prof.dir, passphrase=env)
    except profmod.UnlockError:
        if env or not sys.stdin.isatty():
            raise
        pending = keys.begin_unlock(prof.dir, passphrase=ask_passphrase())
    return Unlocking(prof, pending)


@handles_errors
def _open_tui(name: str) -> None:
    opening = start_unlock(name)
    from veldclient.app import run_app

    code = run_app(opening)
    if opening.failure is not None:
        raise opening.failure
    exit_with_app(code)


def exit_with_app(code: int | None) -> None:
    """Exit as the app did: a crash (Textual printed its traceback) must never look like success."""
    if code:
        fail(
            VeldError(
                "De app is gestopt door een onverwachte fout (zie hierboven); meld dit aan de beheerder.",
                "The app stopped because of an unexpected error (see above); please report it to the admin.",
            ),
            code,
        )


@main.command()
@click.option("--node", "node_id", required=True, help="Node id, e.g. enschede-centrum.")
@click.option("--role", type=click.Choice(profmod.ROLES), required=True, help="Role on this device.")
@click.option("--user", default=None, help="Your name or login (for the audit log).")
@click.option("--no-keyring", is_flag=True, help="Do not store the key in the OS keyring.")
@profile_option
@click.pass_context
@handles_errors
def init(
    ctx: click.Context, node_id: str, role: str, user: str | None, no_keyring: bool, profile_name: str | None
) -> None:
    """Create a profile: device key pair, certificate and an encrypted database."""
    from veldclient.services import setup

    name = locations.check_profile_name(
        profile_name or (ctx.obj or {}).get("profile") or locations.DEFAULT_PROFILE
    )
    # A Twente demo node for every role; any well-formed id for the admin who founds a new node.
    profmod.check_node_and_role(node_id, role, any_node=role == "admin")
    session = setup.init_profile(
        name,
        node_id=node_id,
        role=role,
        user=user or getpass.getuser(),
        passphrase=ask_passphrase(confirm=True),
        use_keyring=not no_keyring,
    )
    try:
        st = _status(session, check=False)
        say_created(name, node_id, role)
        click.echo(f"{say('Apparaat-id', 'Device id')}: {st.device_id_display}")
        click.echo(f"{say('Gegevens', 'Data')}: {session.profile.dir}")
        if node_id not in profmod.reference_node_ids():
            click.echo(
                say(
                    f"Richt het knooppunt nu op: veld node found --id {node_id} --name NAAM"
                    " --postcodes 8011-8017 --location 'naam; postcode; adres'",
                    f"Now found the node: veld node found --id {node_id} --name NAME"
                    " --postcodes 8011-8017 --location 'name; postcode; address'",
                )
            )
    finally:
        session.close()


def say_created(name: str, node_id: str, role: str) -> None:
    """The first line after a profile is made (``veld init``, ``veld join``)."""
    from veldclient.domain.enums import role_label

    shown = role_label(role, lang())
    click.echo(
        say(
            f"Profiel '{name}' aangemaakt: knooppunt {node_id}, rol {shown}",
            f"Profile '{name}' created: node {node_id}, role {shown}",
        )
    )


def _when(ms: int | None) -> str:
    from veldclient.domain.formats import moment

    return moment(ms, lang(), missing=say("nooit", "never"))


def _status(session: Session, check: bool = True) -> Any:
    from veldclient.services import status as status_service

    return status_service.status(session, check_chunks=check)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def status(ctx: click.Context, as_json: bool, profile_name: str | None) -> None:
    """Profile, node, role, device id, counts per record type, quarantined documents."""
    with profile_session(ctx, profile_name) as session:
        st = _status(session)
    if as_json:
        echo_json(st.as_json())
        return
    from veldclient.domain.enums import role_label

    i = 0 if lang() == "nl" else 1
    click.echo(f"{('Profiel', 'Profile')[i]:<16}: {st.profile}")
    click.echo(f"{('Knooppunt', 'Node')[i]:<16}: {st.node_id}")
    click.echo(f"{('Rol', 'Role')[i]:<16}: {role_label(st.role, lang())} ({st.user})")
    click.echo(f"{('Apparaat-id', 'Device id')[i]:<16}: {st.device_id_display}")
    click.echo(f"{('Database', 'Database')[i]:<16}: {st.database}")
    for name, count in st.counts.items():
        click.echo(f"  {COUNTED_NAMES.get(name, (name, name))[i]:<17}{count:>8}")
    click.echo(f"  {('auditregels', 'audit entries')[i]:<17}{st.audit_entries:>8}")
    for peer in st.peers:
        contact = _when(peer["last_contact"])
        revoked = say(" INGETROKKEN", " REVOKED") if peer["revoked"] else ""
        click.echo(
            say(
                f"Gekoppeld apparaat {peer['name']} ({peer['node_id']}): {peer['waiting']} wachtend,"
                f" laatst {contact}{revoked}",
                f"Peer {peer['name']} ({peer['node_id']}): {peer['waiting']} waiting,"
                f" last {contact}{revoked}",
            )
        )
    if st.quarantined:
        click.echo(say("Documenten in quarantaine", "Quarantined documents") + f": {len(st.quarantined)}")
        for q in st.quarantined:
            click.echo(f"  {q['doc_id']}: {q['reason']}")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (the default).")
@profile_option
@click.pass_context
@handles_errors
def docs(ctx: click.Context, as_json: bool, profile_name: str | None) -> None:
    """Every document id with its kind and heads."""
    from veldclient.services import status as status_service

    with profile_session(ctx, profile_name) as session:
        listing = status_service.documents(session)
    if as_json:
        echo_json(listing)
    else:
        for d in listing:
            click.echo(f"{d['doc_id']}  {d['kind']}  {','.join(h[:12] for h in d['heads'])}")


@main.command()
@profile_option
@click.pass_context
@handles_errors
def locate(ctx: click.Context, profile_name: str | None) -> None:
    """Where the data lives."""
    name = resolve_profile(ctx, profile_name)
    i = 0 if lang() == "nl" else 1
    click.echo(f"{('gegevensmap', 'data root')[i]:<12}: {locations.data_root()}")
    click.echo(f"{('profielen', 'profiles')[i]:<12}: {locations.profiles_root()}")
    click.echo(f"{('profiel', 'profile')[i]:<12}: {locations.profile_dir(name)}")
    click.echo(f"{('database', 'database')[i]:<12}: {locations.database_path(name)}")


@main.command()
@click.option("--rebuild", is_flag=True, help="Rebuild every projection table from the documents.")
@profile_option
@click.pass_context
@handles_errors
def doctor(ctx: click.Context, rebuild: bool, profile_name: str | None) -> None:
    """Check the database, every document and the audit chain; optionally rebuild the tables."""
    from veldclient.cli_progress import Bar, on_terminal
    from veldclient.services import doctor as doctor_service

    with (
        profile_session(ctx, profile_name) as session,
        Bar(doctor_service.steps(rebuild), enabled=on_terminal()) as bar,
    ):
        report = doctor_service.check(session, rebuild=rebuild, progress=bar)
    ok = say("in orde", "ok")
    integrity = ok if not report.integrity else "; ".join(report.integrity)
    click.echo(say("database-integriteit", "database integrity") + f": {integrity}")
    click.echo(say("documenten in quarantaine", "documents quarantined") + f": {len(report.bad_documents)}")
    for doc_id, reason in report.bad_documents:
        click.echo(f"  {doc_id}: {reason}")
    click.echo(
        say(
            "documenten die afwijken van hun opgeslagen wijzigingen",
            "documents that disagree with their stored changes",
        )
        + f": {len(report.disagreeing)}"
    )
    for doc_id, what in report.disagreeing:
        click.echo(f"  {doc_id}: {what}")
    if report.disagreeing and not report.rebuilt:
        click.echo(
            say(
                "  'veld doctor --rebuild' leidt ze opnieuw af uit de documenten",
                "  'veld doctor --rebuild' derives them again from the documents",
            )
        )
    click.echo(
        say("auditketen", "audit chain") + ": " + (ok if report.audit_ok else say("GEBROKEN", "BROKEN"))
    )
    for problem in report.audit_problems:
        click.echo(f"  {problem}")
    if report.rebuilt:
        click.echo(say("tabellen opnieuw opgebouwd uit de documenten", "projection rebuilt from documents"))
    if not report.ok:
        sys.exit(1)


def log_options(fn: F) -> F:
    """The options that choose which audit entries to show (``veld audit`` and ``veld audit log``)."""
    for option in reversed(
        (
            click.option(
                "--limit", default=50, show_default=True, type=click.IntRange(min=1), help="Most entries."
            ),
            click.option("--client", "client_id", default=None, help="Only entries about this client."),
            click.option("--user", "user_id", default=None, help="Only entries by this user."),
            click.option("--action", default=None, help="Only this action letter: C R U D E S X L."),
            click.option("--event", default=None, help="Only this event code (see 'veld audit events')."),
            click.option("--since", default=None, help="From this day on (DD-MM-YYYY or YYYY-MM-DD)."),
            click.option(
                "--until", default=None, help="Up to and including this day (DD-MM-YYYY or YYYY-MM-DD)."
            ),
            click.option("--json", "as_json", is_flag=True, help="Machine-readable output."),
            profile_option,
        )
    ):
        fn = option(fn)
    return fn


@main.group(invoke_without_command=True)
@log_options
@click.pass_context
@handles_errors
def audit(ctx: click.Context, **chosen: Any) -> None:
    """The NEN 7513 audit log; without a command, the newest entries as 'veld audit log' shows them."""
    if ctx.invoked_subcommand is None:
        show_log(ctx, **chosen)
        return
    typed = (
        n for n in chosen if n != "profile_name" and ctx.get_parameter_source(n) != ParameterSource.DEFAULT
    )
    if any(typed):
        raise VeldError(
            "Zet de filters achter 'log' (of laat de opdracht weg): 'veld audit log --client ...'.",
            "Put the filters after 'log' (or leave the command out): 'veld audit log --client ...'.",
        )


@audit.command("verify")
@profile_option
@click.pass_context
@handles_errors
def audit_verify(ctx: click.Context, profile_name: str | None) -> None:
    """Check the hash chain; names every edited or missing entry."""
    from veldclient.services import audit_service

    with profile_session(ctx, profile_name) as session:
        report = audit_service.verify(session)
    if report.ok:
        click.echo(
            language.plural(
                lang(),
                report.checked,
                say(
                    {
                        "one": "auditlog in orde: {n} regel gecontroleerd",
                        "other": "auditlog in orde: {n} regels gecontroleerd",
                    },
                    {
                        "one": "audit log ok: {n} entry verified",
                        "other": "audit log ok: {n} entries verified",
                    },
                ),
            ).format(n=report.checked)
        )
        return
    for problem in report.problems:
        click.echo(problem.message(lang()), err=True)
    sys.exit(1)


@audit.command("log")
@log_options
@click.pass_context
@handles_errors
def audit_log(ctx: click.Context, **chosen: Any) -> None:
    """Newest audit entries, filtered as asked (reading the log is itself logged)."""
    show_log(ctx, **chosen)


def show_log(
    ctx: click.Context,
    *,
    limit: int,
    client_id: str | None,
    user_id: str | None,
    action: str | None,
    event: str | None,
    since: str | None,
    until: str | None,
    as_json: bool,
    profile_name: str | None,
) -> None:
    from veldclient.domain.enums import role_label
    from veldclient.domain.formats import moment_seconds
    from veldclient.services import audit_names, audit_service, audit_view

    where = audit_view.parse_filter(
        client_id=client_id, user_id=user_id, action=action, event=event, since=since, until=until
    )
    with profile_session(ctx, profile_name) as session:
        entries = audit_service.read_log(session, limit=limit, where=where)
    language = lang()
    if as_json:
        echo_json(
            [
                {
                    **audit_service.entry_json(e),
                    "event_name": audit_names.event_name(e.event, language),
                    "action_name": audit_names.action_name(e.action, language),
                }
                for e in entries
            ]
        )
        return
    if not entries:
        click.echo("Geen auditregels gevonden." if language == "nl" else "No audit entries found.")
    for e in entries:
        client = f" {('cliënt', 'client')[language == 'en']}={e.client_id}" if e.client_id else ""
        at = moment_seconds(e.at_ms, language)
        outcome = audit_names.outcome_name(e.outcome, language)
        click.echo(
            f"{e.seq:>7} {at} {audit_names.action_name(e.action, language):<17} "
            f"{audit_names.event_name(e.event, language):<32} {outcome:<9}"
            f" {e.user_id} ({role_label(e.role, language)}){client}"
        )


@audit.command("events")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def audit_events(as_json: bool) -> None:
    """Every event code the log can hold, with its readable name (for --event)."""
    from veldclient.services import audit_names

    language = lang()
    if as_json:
        echo_json(
            {
                code: dict(zip(("nl", "en"), names, strict=True))
                for code, names in audit_names.EVENT_NAMES.items()
            }
        )
        return
    for code in audit_names.event_codes():
        click.echo(f"{code:<26} {audit_names.event_name(code, language)}")


if __name__ == "__main__":  # pragma: no cover
    main()
