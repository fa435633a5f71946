"""CLI read commands for coordination: capacity and the conflict inbox (scripts and checks)."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from veldclient.cli import echo_json, handles_errors, lang, open_profile, profile_option, resolve_profile


def _age(ms: int) -> str:
    minutes = ms // 60_000
    return f"{minutes} min" if minutes < 120 else f"{minutes // 60} h"


@click.command("capacity")
@click.option("--json", "as_json", is_flag=True)
@click.option("--node", "node_id", default=None, help="Only this node.")
@click.option("--care-type", default=None, help="Only this care type (e.g. ELV_HOOG).")
@click.option("--capability", default=None, help="Only locations with this capability (e.g. ZUURSTOF).")
@profile_option
@click.pass_context
@handles_errors
def capacity_command(
    ctx: click.Context,
    as_json: bool,
    node_id: str | None,
    care_type: str | None,
    capability: str | None,
    profile_name: str | None,
) -> None:
    """Every node's beds per location and care type, with age and a stale mark."""
    from veldclient.services import capacity

    session = open_profile(resolve_profile(ctx, profile_name))
    try:
        rows = capacity.capacity(session, node_id=node_id, care_type=care_type, capability=capability)
    finally:
        session.close()
    if as_json:
        echo_json([r.as_json() for r in rows])
        return
    unreported = "nog niet gemeld" if lang() == "nl" else "not yet reported"
    for r in rows:
        where = f"{r.node_id:<17} {r.location_name[:28]:<28} {r.care_type:<24}"
        if r.age_ms is None:  # no counts until the node reports: unknown, never free
            click.echo(f"{where} {'–':>3}/{'–':<3} {unreported}")
            continue
        stale = "  VEROUDERD/STALE" if r.stale else ""
        click.echo(f"{where} {r.free:>3}/{r.beds_total:<3} {_age(r.age_ms):>7} {r.reported_by}{stale}")


@click.command("conflicts")
@click.option("--json", "as_json", is_flag=True)
@profile_option
@click.pass_context
@handles_errors
def conflicts_command(ctx: click.Context, as_json: bool, profile_name: str | None) -> None:
    """Records with concurrent events a person must decide on (both sides shown)."""
    from veldclient.services import conflicts

    session = open_profile(resolve_profile(ctx, profile_name))
    try:
        found = conflicts.inbox(session)
    finally:
        session.close()
    if as_json:
        echo_json([c.as_json() for c in found])
        return
    if not found:
        click.echo("Geen conflicten / no conflicts")
    for c in found:
        click.echo(f"{c.id}  {c.title(lang())}")
        for side in c.sides:
            when = datetime.fromtimestamp((side.get("at") or 0) / 1000, UTC).strftime("%Y-%m-%d %H:%M")
            summary = side.get("summary_nl") if lang() == "nl" else side.get("summary_en")
            click.echo(
                f"    {side['event_id'][:12]}  {when}  {side.get('node')}  {side.get('by')}  {summary}"
            )


@click.command("resolve")
@click.argument("conflict_id")
@click.option("--choose", "chosen", default=None, help="Event id of the side that stands (omit: neither).")
@click.option(
    "--note",
    default="",
    help="Why (kept with a request's decision; a double booking's decision travels without it).",
)
@profile_option
@click.pass_context
@handles_errors
def resolve_command(
    ctx: click.Context, conflict_id: str, chosen: str | None, note: str, profile_name: str | None
) -> None:
    """Record a decision on a conflict as a new event; both sides stay in history."""
    from veldclient.services import conflicts

    session = open_profile(resolve_profile(ctx, profile_name))
    try:
        resolved = conflicts.resolve(session, conflict_id, chosen, note)
    finally:
        session.close()
    click.echo(f"{resolved.id}: {'opgelost' if lang() == 'nl' else 'resolved'}")
