"""`veld match` and `veld export volunteers`: matching from the command line, for scripts and checks.

Registered on ``veldclient.cli.main`` as ``match`` and ``export``. Errors follow cli.py: one line on
stderr, exit 2. Names and summaries are printed as plain text with control characters replaced, so
data can never drive the terminal.
"""

from __future__ import annotations

import click

from veldclient.cli import (
    SaysHelp,
    VeldGroup,
    echo_json,
    handles_errors,
    lang,
    profile_option,
    profile_session,
)
from veldclient.domain import formats


def plain(text: object) -> str:
    """User data for a terminal line: control characters (escape sequences, newlines) replaced."""
    return "".join(ch if ch.isprintable() else "?" for ch in str(text))


@click.command("match", cls=SaysHelp)
@click.argument("request_id")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 500), help="Most candidates.")
@click.option("--all", "show_all", is_flag=True, help="Also list every volunteer filtered out, with why.")
@profile_option
@click.pass_context
@handles_errors
def match(
    ctx: click.Context, request_id: str, as_json: bool, limit: int, show_all: bool, profile_name: str | None
) -> None:
    """Rank volunteers for a help request by score (0-100), best first, each with the reasons its
    score adds up from."""
    from veldclient.services import matching

    with profile_session(ctx, profile_name) as session:
        candidates = matching.rank(session, request_id, limit=limit, explain=show_all)
    if as_json:
        echo_json({"help_request_id": request_id, "candidates": [c.to_json() for c in candidates]})
        return
    i = 0 if lang() == "nl" else 1
    eligible = [c for c in candidates if c.eligible]
    if not eligible:
        click.echo(("Geen geschikte vrijwilligers gevonden.", "No suitable volunteers found.")[i])
    for n, c in enumerate(eligible, start=1):
        distance = "?" if c.distance_km is None else formats.km(c.distance_km, lang())
        click.echo(f"{n:>3}. {c.score:>3}  {plain(c.name)}  ({distance})  [{c.volunteer_id}]")
        for reason in c.reasons:
            click.echo(f"      {plain(reason.line(lang()))}")
    excluded = [c for c in candidates if not c.eligible]
    if excluded:
        click.echo(("Niet geschikt:", "Filtered out:")[i])
        for c in excluded:
            assert c.excluded is not None
            click.echo(f"     {plain(c.name)} [{c.volunteer_id}]: {plain(c.excluded[i])}")


@click.group("export", cls=VeldGroup)
def export() -> None:
    """Exports for people outside the care team (only the fields DOMAIN.md allows)."""


@export.command("volunteers")
@click.argument("request_id")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="CSV file to write.")
@click.option(
    "--lang",
    "file_lang",
    type=click.Choice(["nl", "en"]),
    default=None,
    help="The volunteer's language for the file (headers, dates, words); default: veld's own (Dutch).",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report.")
@profile_option
@click.pass_context
@handles_errors
def export_volunteers(
    ctx: click.Context,
    request_id: str,
    out_path: str,
    file_lang: str | None,
    as_json: bool,
    profile_name: str | None,
) -> None:
    """Write the volunteer-facing CSV for a help request (task, window, PC4, first name, notes)."""
    from veldclient.services import volunteer_export

    with profile_session(ctx, profile_name) as session:
        result = volunteer_export.export_for_volunteer(
            session, request_id, out_path, lang=file_lang or lang()
        )
    if as_json:
        echo_json(result.as_json())
        return
    i = 0 if lang() == "nl" else 1
    click.echo(
        (f"Geëxporteerd naar {plain(result.path)}", f"Exported to {plain(result.path)}")[i]
        + (" (met straat)" if i == 0 else " (with street)") * result.street_included
    )
    if result.held_back is not None:
        click.echo(plain(result.held_back[i]), err=True)


COMMANDS = (match, export)
