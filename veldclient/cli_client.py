"""`veld client add|edit|archive|erase|visit` and `veld search TEXT`: a nurse's client work, scripted.

Registered on ``veldclient.cli.main`` as ``client`` and ``search``. Each command only calls the
service the app calls (services/clients.py, services/erasure.py), so the role check, the validation
and the audit entry are the same as in the app; a field error names the option that holds it. Erasing
prints what goes on which nodes and asks first, unless ``--yes``; without a terminal to ask on it
refuses. Errors follow cli.py: one line on stderr, exit 2.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import click

from veldclient.cli import (
    SaysHelp,
    VeldGroup,
    ask_first,
    echo_json,
    handles_errors,
    lang,
    open_profile,
    profile_option,
    profile_session,
    resolve_profile,
)
from veldclient.cli_matching import plain
from veldclient.domain import Client, Visit, VisitStatus, formats
from veldclient.errors import FieldError, ValidationError, VeldError

if TYPE_CHECKING:
    from veldclient.session import Session

# Domain field -> the option that fills it: a field error points at what the person typed.
OPTIONS = {
    "name": "--name",
    "birth_date": "--birth-date",
    "postcode": "--postcode",
    "bsn": "--bsn",
    "address": "--address",
    "gp_agb": "--gp-agb",
    "wlz_indicatie": "--wlz/--no-wlz",
    "planned_start_at": "--at",
    "planned_minutes": "--minutes",
    "status": "--status",
    "note": "--note",
}


def as_options(error: ValidationError) -> ValidationError:
    """The same problems, each named by its option (``--birth-date``) instead of its field."""
    return ValidationError(
        FieldError(OPTIONS.get(e.field, e.field), e.code, e.nl, e.en) for e in error.errors
    )


def _say(nl: str, en: str) -> None:
    click.echo(plain(nl if lang() == "nl" else en))


def _client_json(client: Client) -> dict[str, Any]:
    return client.to_dict()


def _details(
    name: str | None,
    birth_date: str | None,
    postcode: str | None,
    bsn: str | None,
    address: str | None,
    gp_agb: str | None,
    wlz: bool | None,
) -> dict[str, object]:
    """The options given, by field name (an option left out is no change)."""
    given = {
        "name": name,
        "birth_date": birth_date,
        "postcode": postcode,
        "bsn": bsn,
        "address": address,
        "gp_agb": gp_agb,
        "wlz_indicatie": wlz,
    }
    return {k: v for k, v in given.items() if v is not None}


def detail_options(fn: Any) -> Any:
    """The client's details as options, shared by ``add`` and ``edit``."""
    for option in reversed(
        (
            click.option("--name", default=None, help="Full name."),
            click.option("--birth-date", default=None, help="Birth date, DD-MM-YYYY or YYYY-MM-DD."),
            click.option("--postcode", default=None, help="Postcode, e.g. 7511 JM."),
            click.option("--bsn", default=None, help="BSN (nine digits, elfproef)."),
            click.option("--address", default=None, help="Street and number."),
            click.option("--gp-agb", default=None, help="The GP's AGB code."),
            click.option("--wlz/--no-wlz", "wlz", default=None, help="Has a Wlz indication."),
            click.option("--json", "as_json", is_flag=True, help="Machine-readable output."),
            profile_option,
            click.pass_context,
        )
    ):
        fn = option(fn)
    return fn


def _run(ctx: click.Context, profile_name: str | None, fn: Any, *args: Any) -> Any:
    """Call one service on the profile's session; a field error is reported by its option."""
    session = open_profile(resolve_profile(ctx, profile_name))
    try:
        return fn(session, *args)
    except ValidationError as error:
        raise as_options(error) from None
    finally:
        session.close()


@click.group("client", cls=VeldGroup)
def client() -> None:
    """Clients of this node: register, change, archive, erase (AVG), record a visit."""


@client.command("add")
@click.option("--yes", is_flag=True, help="Save even when it may be a client already registered.")
@detail_options
@handles_errors
def add_command(
    ctx: click.Context, yes: bool, as_json: bool, profile_name: str | None, **details: Any
) -> None:
    """Register a client (nurse only).

    A client who may already be registered (same BSN, or same name, birth date and postcode) is
    named first; on a terminal you are asked whether to save anyway, a script says --yes."""
    from veldclient.services import clients, duplicates

    fields = _details(**details)

    def register(session: Session) -> tuple[Client, list[dict[str, Any]]]:
        found = duplicates.possible(session, fields)
        if found:
            click.echo(duplicates.warning(found, lang()), err=True)
            ask_first(
                yes,
                ("Toch opslaan als nieuwe cliënt?", "Save as a new client anyway?"),
                ("Niet opgeslagen.", "Not saved."),
            )
        return clients.register_client(session, fields), found

    saved, found = _run(ctx, profile_name, register)
    if as_json:
        echo_json({**_client_json(saved), "possible_duplicates": [row["id"] for row in found]})
    else:
        _say(f"Cliënt opgeslagen: {saved.id}", f"Client saved: {saved.id}")


@client.command("edit")
@click.argument("client_id")
@detail_options
@handles_errors
def edit_command(
    ctx: click.Context, client_id: str, as_json: bool, profile_name: str | None, **details: Any
) -> None:
    """Change a client's details or address: only the options given change."""
    from veldclient.services import clients

    changes = _details(**details)
    if not changes:
        raise VeldError(
            "Geef aan wat er verandert, bijvoorbeeld --address of --postcode.",
            "Say what changes, for example --address or --postcode.",
        )
    saved = _run(ctx, profile_name, clients.update_client, client_id, changes)
    if as_json:
        echo_json(_client_json(saved))
    else:
        _say(f"Cliënt gewijzigd: {saved.id}", f"Client changed: {saved.id}")


@client.command("archive")
@click.argument("client_id")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def archive_command(ctx: click.Context, client_id: str, as_json: bool, profile_name: str | None) -> None:
    """Archive a client: the case stays, out of the caseload and the search."""
    from veldclient.services import clients

    _run(ctx, profile_name, clients.archive_client, client_id)
    if as_json:
        echo_json({"id": client_id, "archived": True})
    else:
        _say(f"Cliënt gearchiveerd: {client_id}", f"Client archived: {client_id}")


@client.command("erase")
@click.argument("client_id")
@click.option("--yes", is_flag=True, help="Do not ask: erase at once.")
@click.option(
    "--reason",
    type=click.Choice(("request", "retention", "error")),
    default="request",
    show_default=True,
    help="Why (kept in the local audit log only).",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def erase_command(
    ctx: click.Context, client_id: str, yes: bool, reason: str, as_json: bool, profile_name: str | None
) -> None:
    """Erase a client (AVG art. 17) on every node that holds their documents: prints what goes first."""
    from veldclient.services import erasure

    with profile_session(ctx, profile_name) as session:
        items = erasure.preview(session, client_id)
        language = lang()
        if not as_json or not yes:
            click.echo(
                "Dit wordt gewist, op elk knooppunt dat het heeft:"
                if language == "nl"
                else "This is erased, on every node that holds it:",
                err=as_json,
            )
            for item in items:
                nodes = ", ".join(item.nodes)
                click.echo(plain(f"  {item.text(language)} — {nodes}"), err=as_json)
        ask_first(yes, ("Definitief wissen?", "Erase for good?"), ("Niets gewist.", "Nothing erased."))
        erased = erasure.erase_client(session, client_id, reason=reason)
    if as_json:
        echo_json({"id": client_id, "erased": erased, "items": [_item_json(i) for i in items]})
    else:
        _say(f"Gewist (documenten: {len(erased)}).", f"Erased (documents: {len(erased)}).")


def _item_json(item: Any) -> dict[str, Any]:
    return {"doc_id": item.doc_id, "kind": item.kind, "nodes": list(item.nodes)}


@client.command("visit")
@click.argument("client_id")
@click.option(
    "--at",
    "planned_start_at",
    required=True,
    help="Date and time, DD-MM-YYYY HH:MM or YYYY-MM-DD HH:MM (Dutch time).",
)
@click.option("--minutes", "planned_minutes", default="30", show_default=True, help="How long, 1 to 720.")
@click.option(
    "--status",
    type=click.Choice([s.value for s in VisitStatus], case_sensitive=False),
    default="PLANNED",
    show_default=True,
    help="Where the visit stands: planned, on the way, done, done and worse, missed or cancelled.",
)
@click.option("--note", default=None, help="A note on the visit (stays in the case, on this node).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def visit_command(
    ctx: click.Context,
    client_id: str,
    planned_start_at: str,
    planned_minutes: str,
    status: str,
    note: str | None,
    as_json: bool,
    profile_name: str | None,
) -> None:
    """Record a visit, with a note if given."""
    from veldclient.services import clients

    raw: Mapping[str, object] = {
        "planned_start_at": planned_start_at,
        "planned_minutes": planned_minutes,
        "status": status.upper(),
        "note": note,
    }
    saved: Visit = _run(ctx, profile_name, clients.record_visit, client_id, raw)
    if as_json:
        echo_json(saved.to_dict())
    else:
        _say(f"Bezoek opgeslagen: {saved.id}", f"Visit saved: {saved.id}")


@click.command("search", cls=SaysHelp)
@click.argument("text")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 500), help="Most clients.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def search(ctx: click.Context, text: str, limit: int, as_json: bool, profile_name: str | None) -> None:
    """Clients of this node you may see, by name, postcode or address (the start of each word).

    The audit log records that you searched and how many clients were found, never what you typed."""
    from veldclient.services import clients

    found = _run(ctx, profile_name, lambda s: clients.search_clients(s, text, limit=limit))
    if as_json:
        echo_json({"results": found})
        return
    if not found:
        _say("Geen cliënten gevonden.", "No clients found.")
    for row in found:
        born = formats.day_text(row["birth_date"], lang(), missing="")
        click.echo(plain(f"{row['id']}  {row['name']}  {born}  {row['postcode'] or ''}"))
