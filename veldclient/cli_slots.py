"""`veld slots list|publish|book|release`: micro-capacity slots from the command line.

Registered on ``veldclient.cli.main`` as ``slots``. Every command only calls services/slots.py,
which checks the role, validates and writes the audit entry, as the app's slots screen does. A
booking is written in this node's own document; who it is for stays in the client's case.
Errors follow cli.py: one line on stderr in the chosen language, exit 2.
"""

from __future__ import annotations

from typing import Any

import click

from veldclient.cli import (
    VeldGroup,
    counted,
    echo_json,
    handles_errors,
    lang,
    profile_option,
    profile_session,
)
from veldclient.cli_matching import plain
from veldclient.domain import formats
from veldclient.domain.enums import service_label


@click.group("slots", cls=VeldGroup)
def slots_group() -> None:
    """Micro-capacity slots: list, publish, book, release."""


def _row(slot: dict[str, Any]) -> dict[str, Any]:
    from veldclient.services import slots

    return {**slot, "when": slots.when(slot["start_at"])}


@slots_group.command("list")
@click.option("--node", "node_id", default=None, help="Only this node's slots (default: every node).")
@click.option("--mine", is_flag=True, help="Only this node's own slots.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def list_command(
    ctx: click.Context, node_id: str | None, mine: bool, as_json: bool, profile_name: str | None
) -> None:
    """Every slot known here, earliest first, with its state: free, booked or double booked."""
    from veldclient.services import slots

    with profile_session(ctx, profile_name) as session:
        rows = [_row(r) for r in slots.slot_table(session, session.actor.node_id if mine else node_id)]
    if as_json:
        echo_json(rows)
        return
    i = 0 if lang() == "nl" else 1
    if not rows:
        click.echo(("Geen tijdsloten.", "No slots.")[i])
    service = {r["service"]: plain(service_label(r["service"], lang())) for r in rows}
    wide = max(map(len, service.values()), default=0)
    for r in rows:
        state = slots.STATE_NAMES[r["state"]][i]
        by = f"  ({', '.join(r['booked_by_nodes'])})" if r["booked_by_nodes"] else ""
        own = ("  ← door dit knooppunt", "  ← by this node")[i] if r["own_booking"] else ""
        at = formats.moment(r["start_at"], lang())
        click.echo(
            f"{r['id']}  {at}  {r['minutes']:>3} min  {service[r['service']]:<{wide}}  "
            f"{plain(r['node_id']):<18} {state}{plain(by)}{own}"
        )


@slots_group.command("publish")
@click.option("--service", required=True, help="Service code, e.g. GP_CONSULT or WOUND_CARE.")
@click.option(
    "--start",
    "start_at",
    required=True,
    help="First slot's start, 'DD-MM-YYYY HH:MM' or 'YYYY-MM-DD HH:MM' (Dutch time).",
)
@click.option("--minutes", default="10", show_default=True, help="Length of each slot.")
@click.option("--count", default="1", show_default=True, help="How many consecutive slots (1–200).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def publish_command(
    ctx: click.Context,
    service: str,
    start_at: str,
    minutes: str,
    count: str,
    as_json: bool,
    profile_name: str | None,
) -> None:
    """Publish consecutive slots of this node (nurse or admin)."""
    from veldclient.services import slots

    with profile_session(ctx, profile_name) as session:
        made = slots.publish(session, service=service, start_at=start_at, minutes=minutes, count=count)
    if as_json:
        echo_json([{**s.to_dict(), "when": slots.when(s.start_at)} for s in made])
        return
    said = counted(lang(), len(made), *(("tijdslot", "tijdsloten"), ("slot", "slots"))[lang() != "nl"])
    click.echo(f"{said} {('gepubliceerd', 'published')[lang() != 'nl']}:")
    for s in made:
        at = formats.moment(s.start_at, lang())
        click.echo(f"{s.id}  {at}  {s.minutes} min  {service_label(s.service, lang())}")


@slots_group.command("book")
@click.argument("slot_id")
@click.option("--client", "client_id", required=True, help="The client of this node the slot is for.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def book_command(
    ctx: click.Context, slot_id: str, client_id: str, as_json: bool, profile_name: str | None
) -> None:
    """Book a free slot (of any node) for a client of this node (nurse or coordinator)."""
    from veldclient.services import slots

    with profile_session(ctx, profile_name) as session:
        booking_id = slots.book(session, slot_id, client_id)
    if as_json:
        echo_json({"booking_id": booking_id, "slot_id": slot_id})
        return
    click.echo(("Geboekt: ", "Booked: ")[0 if lang() == "nl" else 1] + booking_id)


@slots_group.command("release")
@click.argument("slot_id")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def release_command(ctx: click.Context, slot_id: str, as_json: bool, profile_name: str | None) -> None:
    """Release this node's booking of a slot, so it is free again."""
    from veldclient.services import slots

    with profile_session(ctx, profile_name) as session:
        booking_id = slots.release_slot(session, slot_id)
    if as_json:
        echo_json({"released": booking_id, "slot_id": slot_id})
        return
    click.echo(("Vrijgegeven: ", "Released: ")[0 if lang() == "nl" else 1] + booking_id)
