"""`veld node found|retire` and `veld nodes`: the mesh's nodes from the command line.

Registered on ``veldclient.cli.main`` as ``node`` and ``nodes``. Every command only calls
services/nodes.py, which checks the role (admin), validates and writes the audit entry, as the
app's admin area does. Errors follow cli.py: one line on stderr in the chosen language, exit 2.
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
    say,
)
from veldclient.cli_matching import plain
from veldclient.domain import formats


@click.group("node", cls=VeldGroup)
def node_group() -> None:
    """Found or retire this profile's node (admin)."""


def _ranges(ranges: tuple[tuple[int, int], ...]) -> str:
    return ", ".join(f"{lo}-{hi}" if lo != hi else str(lo) for lo, hi in ranges)


@node_group.command("found")
@click.option("--id", "node_id", required=True, help="The new node's id, e.g. zwolle (this profile's node).")
@click.option("--name", required=True, help="The node's name as people know it.")
@click.option("--postcodes", required=True, help="Its PC4 areas, e.g. '8011-8017, 8021'.")
@click.option(
    "--location",
    "locations",
    multiple=True,
    help="A site as 'name; postcode; address' (repeat for more sites).",
)
@click.option(
    "--care-type",
    "care_types",
    multiple=True,
    help="A kind of bed its sites offer, e.g. GRZ (repeat; each starts as not yet reported).",
)
@click.option("--focus", default="", help="What the node is for, in a few words.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def found_command(
    ctx: click.Context,
    node_id: str,
    name: str,
    postcodes: str,
    locations: tuple[str, ...],
    care_types: tuple[str, ...],
    focus: str,
    as_json: bool,
    profile_name: str | None,
) -> None:
    """Found this admin profile's new node: its name, PC4 areas and sites, signed by this device.

    Make the profile first with veld init --node ID --role admin. The other nodes learn of it at
    their next sync with a node that paired this device."""
    from veldclient.services import nodes

    with profile_session(ctx, profile_name) as session:
        node = nodes.found_node(
            session,
            node_id=node_id,
            name=name,
            postcodes=postcodes,
            locations=list(locations),
            focus=focus,
            care_types=list(care_types),
        )
    if as_json:
        echo_json(node.as_json())
        return
    click.echo(
        say(
            f"Knooppunt '{plain(node.name)}' ({node.id}) opgericht: postcodes {_ranges(node.pc4_ranges)},"
            f" {node.locations} locatie(s). Meld de bedden met veld capacity set.",
            f"Node '{plain(node.name)}' ({node.id}) founded: postcodes {_ranges(node.pc4_ranges)},"
            f" {node.locations} location(s). Report its beds with veld capacity set.",
        )
    )


@node_group.command("retire")
@click.argument("node_id")
@click.option("--yes", is_flag=True, help="Do not ask to confirm (for scripts).")
@profile_option
@click.pass_context
@handles_errors
def retire_command(ctx: click.Context, node_id: str, yes: bool, profile_name: str | None) -> None:
    """Retire this profile's node: no more referrals to it and its beds stop counting (signed)."""
    from veldclient.services import nodes

    with profile_session(ctx, profile_name) as session:
        known = nodes.check_known(session, node_id)
        if not yes:
            click.confirm(
                say(
                    f"Knooppunt '{plain(known.name)}' opheffen voor het hele netwerk?",
                    f"Retire node '{plain(known.name)}' for the whole network?",
                ),
                abort=True,
            )
        node = nodes.retire_node(session, node_id)
    click.echo(
        say(
            f"Knooppunt '{plain(node.name)}' is opgeheven; de andere knooppunten zien dat na hun"
            " volgende sync.",
            f"Node '{plain(node.name)}' has been retired; the other nodes see this after their next sync.",
        )
    )


@click.command("nodes", cls=SaysHelp)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def nodes_command(ctx: click.Context, as_json: bool, profile_name: str | None) -> None:
    """Every node this device knows: the Twente demo nodes and those founded by their admins."""
    from veldclient.services import nodes

    with profile_session(ctx, profile_name) as session:
        rows = nodes.known_nodes(session)
    if as_json:
        echo_json([n.as_json() for n in rows])
        return
    wide = max((len(n.id) for n in rows), default=0)
    for n in rows:
        if n.retired:
            state = say("opgeheven ", "retired ") + formats.moment(n.retired_at, lang())
        elif n.source == "reference":
            state = say("demo (Twente)", "demo (Twente)")
        else:
            state = say("opgericht ", "founded ") + formats.moment(n.founded_at, lang())
        click.echo(f"{n.id:<{wide}}  {plain(n.name):<28} {state}  PC4 {_ranges(n.pc4_ranges)}")
