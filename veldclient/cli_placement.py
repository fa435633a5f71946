"""`veld cases [--json] [--breaching]`: the node's clients with their placement requests and timers.

A read command for scripts and checks (issue #3 item 9). It only calls the service
(services/placements.py ``caseload``), which enforces roles and writes the audit entry; the
coordinator's output has no triage or clinical fields. Names are printed as plain text, never markup.
"""

from __future__ import annotations

from typing import Any

import click

from veldclient.cli import (
    SaysHelp,
    echo_json,
    handles_errors,
    lang,
    profile_option,
    profile_session,
)
from veldclient.domain import CareType, PlacementStatus, Urgency
from veldclient.domain.enums import label_of
from veldclient.domain.formats import duration, moment
from veldclient.errors import VeldError

_STATE = {
    "nl": {"ok": "op tijd", "soon": "bijna", "breached": "OVERSCHREDEN", None: "—"},
    "en": {"ok": "on time", "soon": "soon", "breached": "BREACHED", None: "—"},
}


_LEFT = {"nl": ("nog {d}", "{d} te laat"), "en": ("{d} left", "{d} late")}


def _left(ms: int | None, language: str) -> str:
    if ms is None:
        return ""
    left, late = _LEFT[language]
    return f" ({(late if ms < 0 else left).format(d=duration(ms, language))})"


def _line(request: dict[str, Any], language: str) -> str:
    states = _STATE[language]
    status = PlacementStatus(request["status"]).label(language)
    care = CareType(request["care_type"]).label(language)
    reply = states[request["reply_state"]] + _left(request["reply_left_ms"], language)
    placed = states[request["placed_state"]] + _left(request["placed_left_ms"], language)
    words = ("antwoord", "plaatsing") if language == "nl" else ("reply", "placed")
    urgency = label_of(Urgency, request["urgency"], language)
    return (
        f"  {request['request_id'][:8]}  {urgency:<22} {status:<22} {care:<36} "
        f"{moment(request['received_at'], language, missing='—')}  {words[0]}: {reply}  {words[1]}: {placed}"
    )


@click.command("cases", cls=SaysHelp)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--breaching", is_flag=True, help="Only open requests breaching or about to breach a target.")
@profile_option
@click.pass_context
@handles_errors
def cases(ctx: click.Context, as_json: bool, breaching: bool, profile_name: str | None) -> None:
    """Clients with placement requests: status, care type, urgency and the 2 h / 24 h timers."""
    from veldclient.services import placements

    with profile_session(ctx, profile_name) as session:
        found = placements.caseload(session, breaching_only=breaching)
        node_id, role, now = session.actor.node_id, session.actor.role, session.now()
    if as_json:
        echo_json({"node_id": node_id, "role": role, "now": now, "breaching_only": breaching, "cases": found})
        return
    language = lang()
    if not found:
        click.echo("Geen aanvragen." if language == "nl" else "No requests.")
        return
    for case in found:
        click.echo(f"{case['name'] or '—'}  [{case['client_id'][:8]}]")
        for request in case["requests"]:
            click.echo(_line(request, language))


@click.command("requests", cls=SaysHelp)
@click.option("--incoming", is_flag=True, help="Requests other nodes sent to this node.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def requests(ctx: click.Context, incoming: bool, as_json: bool, profile_name: str | None) -> None:
    """Requests other nodes sent here, newest first: no names (the case stays on its node)."""
    from veldclient.services import caseload_view

    if not incoming:  # the own node's requests, with their clients, are `veld cases`
        raise VeldError(
            "Gebruik --incoming; de eigen aanvragen staan in 'veld cases'.",
            "Use --incoming; your node's own requests are in 'veld cases'.",
        )
    with profile_session(ctx, profile_name) as session:
        page = caseload_view.incoming(session, 0, 1_000_000)
        node_id, role = session.actor.node_id, session.actor.role
    if as_json:
        echo_json({"node_id": node_id, "role": role, "incoming": page.rows})
        return
    language = lang()
    if not page.rows:
        click.echo("Geen binnengekomen aanvragen." if language == "nl" else "No incoming requests.")
        return
    for row in page.rows:
        click.echo(f"{row['node_name']}:")
        click.echo(_line(row, language))
