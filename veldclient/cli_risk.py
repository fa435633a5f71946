"""`veld risk [--json]`: the node's own clients who may need an acute admission soon, with the reasons.

The same use case as the app's crisis-risk screen (services/risk.py): computed on this device from
its own store, never written anywhere; the service checks the role (nurse, coordinator) and audits
the read. Every reason is a sentence with its facts, in the command line's language; ``--json`` has
both languages and the times the order is built from. Names are printed as plain text.
"""

from __future__ import annotations

import click

from veldclient.cli import (
    SaysHelp,
    echo_json,
    handles_errors,
    lang,
    profile_option,
    profile_session,
)


@click.command("risk", cls=SaysHelp)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def risk(ctx: click.Context, as_json: bool, profile_name: str | None) -> None:
    """Crisis risk: own clients whose situation points to an acute admission soon, with the reasons."""
    from veldclient.services import risk as risk_service

    with profile_session(ctx, profile_name) as session:
        entries = risk_service.risk_list(session)
        node_id, role, now = session.actor.node_id, session.actor.role, session.now()
    if as_json:
        echo_json({"node_id": node_id, "role": role, "now": now, "clients": [e.to_json() for e in entries]})
        return
    language = lang()
    if not entries:
        click.echo(
            "Geen cliënten met tekenen van crisisrisico."
            if language == "nl"
            else "No clients with signs of crisis risk."
        )
        return
    hidden = "(naam niet zichtbaar voor uw rol)" if language == "nl" else "(name not shown to your role)"
    for entry in entries:
        click.echo(f"{entry.name or hidden}  [{entry.client_id[:8]}]")
        for reason in entry.reasons:
            click.echo(f"  - {reason.text(language)}")
