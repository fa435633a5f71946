"""CLI read commands for coordination: capacity and the conflict inbox (scripts and checks)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import click

from veldclient.cli import (
    SaysHelp,
    VeldGroup,
    echo_json,
    handles_errors,
    lang,
    open_profile,
    profile_option,
    profile_session,
    resolve_profile,
)
from veldclient.domain import CareType
from veldclient.domain.enums import label_of
from veldclient.domain.formats import duration, moment
from veldclient.errors import FieldError, ValidationError, VeldError

if TYPE_CHECKING:
    from veldclient.session import Session


@click.group("capacity", cls=VeldGroup, invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
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
    """Every node's beds per location and care type, with age and a stale mark.

    `veld capacity set` reports the own node's beds of one care type at one location."""
    if ctx.invoked_subcommand is not None:
        return
    from veldclient.services import capacity

    with profile_session(ctx, profile_name) as session:
        rows = capacity.capacity(session, node_id=node_id, care_type=care_type, capability=capability)
    if as_json:
        echo_json([r.as_json() for r in rows])
        return
    unreported = "nog niet gemeld" if lang() == "nl" else "not yet reported"
    care = {r.care_type: label_of(CareType, r.care_type, lang()) for r in rows}
    wide = max(map(len, care.values()), default=0)
    for r in rows:
        where = f"{r.node_id:<17} {r.location_name[:28]:<28} {care[r.care_type]:<{wide}}"
        if r.age_ms is None:  # no counts until the node reports: unknown, never free
            click.echo(f"{where} {'–':>3}/{'–':<3} {unreported}")
            continue
        stale = ("  VEROUDERD" if lang() == "nl" else "  STALE") if r.stale else ""
        click.echo(
            f"{where} {r.free:>3}/{r.beds_total:<3} {duration(r.age_ms, lang()):>11} {r.reported_by}{stale}"
        )


# form field -> the option a person typed, so an error names what to correct
_OPTION_OF = {
    "beds_total": "--total",
    **{
        f"counts.{status}": f"--{status.lower()}"
        for status in ("FREE", "OCCUPIED", "CLOSED", "CLEANING", "ISOLATION")
    },
    "counts": "--total/--free/--occupied/--closed/--cleaning/--isolation",
    "capabilities": "--capability",
    "care_type": "CARE_TYPE",
    "location_id": "LOCATION_ID",
}


def _reported(session: Session, location_id: str, care_type: str) -> dict[str, Any]:
    """The counts and capabilities the own node reports now for this row, as raw form input: what
    ``capacity set`` keeps when an option is left out (the app's form starts from them too)."""
    from veldclient.domain import BedStatus
    from veldclient.services import capacity

    views = capacity.capacity(session, node_id=session.actor.node_id)
    view = next((v for v in views if v.location_id == location_id and v.care_type == care_type), None)
    if view is None or not view.reported:
        return {}
    return {
        "beds_total": view.beds_total,
        "counts": {status.value: view.count(status) for status in BedStatus},
        "capabilities": list(view.capabilities),
    }


@capacity_command.command("set")
@click.argument("location")
@click.argument("care_type")
@click.option("--total", type=str, default=None, help="Beds of this care type at the location.")
@click.option("--free", type=str, default=None, help="Free beds.")
@click.option("--occupied", type=str, default=None, help="Occupied beds.")
@click.option("--closed", type=str, default=None, help="Closed beds.")
@click.option("--cleaning", type=str, default=None, help="Beds being cleaned.")
@click.option("--isolation", type=str, default=None, help="Beds in isolation.")
@click.option(
    "--capability",
    "capabilities",
    multiple=True,
    help="What the location can do for this care type (repeat; e.g. ZUURSTOF). Omit: kept as reported.",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def capacity_set_command(
    ctx: click.Context,
    location: str,
    care_type: str,
    total: str | None,
    free: str | None,
    occupied: str | None,
    closed: str | None,
    cleaning: str | None,
    isolation: str | None,
    capabilities: tuple[str, ...],
    as_json: bool,
    profile_name: str | None,
) -> None:
    """Report the beds of CARE_TYPE at LOCATION (its name, the start of it, or its id) of the own
    node, as the app's capacity form does.

    Counts left out keep what the node reports now (0 when it never reported); the beds per status
    must add up to --total. Numbers are checked by the same rules as the form, and a refused report
    changes nothing."""
    from veldclient.services import capacity

    given = {
        "FREE": free,
        "OCCUPIED": occupied,
        "CLOSED": closed,
        "CLEANING": cleaning,
        "ISOLATION": isolation,
    }
    session = open_profile(resolve_profile(ctx, parent_profile(ctx, profile_name)))
    try:
        location_id = capacity.own_location(session, location)
        raw = _reported(session, location_id, care_type.upper())
        counts = dict(raw.get("counts") or dict.fromkeys(given, 0))
        counts.update({status: value for status, value in given.items() if value is not None})
        report = {
            "beds_total": total if total is not None else raw.get("beds_total", 0),
            "counts": counts,
            "capabilities": list(capabilities) if capabilities else raw.get("capabilities", []),
        }
        try:
            record = capacity.update_capacity(session, location_id, care_type.upper(), report)
        except ValidationError as exc:
            raise ValidationError(
                replace(e, field=_OPTION_OF.get(e.field, e.field)) for e in exc.errors
            ) from None
        names = {loc.id: loc.name for loc in capacity.locations(session, node_id=session.actor.node_id)}
    finally:
        session.close()
    if as_json:
        echo_json(record.to_dict())
        return
    what = f"{names.get(record.location_id, record.location_id)} · {record.care_type.label(lang())}"
    if lang() == "nl":
        click.echo(f"Gemeld: {what}: {record.free} van {record.beds_total} vrij")
    else:
        click.echo(f"Reported: {what}: {record.free} of {record.beds_total} free")


def parent_profile(ctx: click.Context, name: str | None) -> str | None:
    """``--profile`` given after ``set``, else before it (``veld capacity --profile P set ...``)."""
    if name:
        return name
    parent = ctx.parent.params.get("profile_name") if ctx.parent is not None else None
    return parent if isinstance(parent, str) else None


@click.command("conflicts", cls=SaysHelp)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def conflicts_command(ctx: click.Context, as_json: bool, profile_name: str | None) -> None:
    """Records with concurrent events a person must decide on (both sides shown)."""
    from veldclient.services import conflicts

    with profile_session(ctx, profile_name) as session:
        found = conflicts.inbox(session)
    if as_json:
        echo_json([c.as_json() for c in found])
        return
    if not found:
        click.echo("Geen conflicten." if lang() == "nl" else "No conflicts.")
    for c in found:
        click.echo(f"{c.id}  {c.title(lang())}")
        for side in c.sides:
            when = moment(side.get("at") or 0, lang())
            summary = side.get("summary_nl") if lang() == "nl" else side.get("summary_en")
            click.echo(
                f"    {side['event_id'][:12]}  {when}  {side.get('node')}  {side.get('by')}  {summary}"
            )
        if c.kind == conflicts.DUPLICATE:
            _duplicate_lines(c)


def _duplicate_lines(c: Any) -> None:
    """What differs between the two records, and the two ways to decide."""
    from veldclient.services import duplicates

    i = 0 if lang() == "nl" else 1
    differs = c.sides[0].get("differs") or []
    if differs:
        names = ", ".join(duplicates.FIELD_NAMES[f][i] for f in differs)
        click.echo(("    verschilt in: ", "    differs in: ")[i] + names)
    else:
        click.echo(("    verder gelijk", "    otherwise the same")[i])
    click.echo(
        (
            f"    veld resolve {c.id} --merge-into CLIËNT_ID | --keep-both",
            f"    veld resolve {c.id} --merge-into CLIENT_ID | --keep-both",
        )[i]
    )


@click.command("resolve", cls=SaysHelp)
@click.argument("conflict_id")
@click.option("--choose", "chosen", default=None, help="Event id of the side that stands (omit: neither).")
@click.option(
    "--merge-into",
    "merge_into",
    default=None,
    help="Possible duplicate: the client id of the record that stays; the other is merged into it.",
)
@click.option("--keep-both", is_flag=True, help="Possible duplicate: they are two people; keep both records.")
@click.option(
    "--note",
    default="",
    help="Why (kept with a request's decision; a double booking's decision travels without it).",
)
@profile_option
@click.pass_context
@handles_errors
def resolve_command(
    ctx: click.Context,
    conflict_id: str,
    chosen: str | None,
    merge_into: str | None,
    keep_both: bool,
    note: str,
    profile_name: str | None,
) -> None:
    """Record a decision on a conflict as a new event; both sides stay in history."""
    from veldclient.services import conflicts

    if sum(x is not None for x in (chosen, merge_into)) + keep_both > 1:
        raise VeldError(
            "Kies één beslissing: --choose, --merge-into of --keep-both.",
            "Choose one decision: --choose, --merge-into or --keep-both.",
        )
    with profile_session(ctx, profile_name) as session:
        found = conflicts.find(session, conflict_id)
        duplicate = found.kind == conflicts.DUPLICATE
        if duplicate and not (merge_into or chosen or keep_both):
            raise VeldError(
                "Een mogelijk dubbele cliënt vraagt een keuze: --merge-into CLIËNT_ID of --keep-both.",
                "A possible duplicate client needs a choice: --merge-into CLIENT_ID or --keep-both.",
            )
        if (merge_into or keep_both) and not duplicate:
            raise VeldError(
                "--merge-into en --keep-both gelden alleen voor een mogelijk dubbele cliënt;"
                " gebruik --choose.",
                "--merge-into and --keep-both are for a possible duplicate client only; use --choose.",
            )
        try:
            resolved = conflicts.resolve(session, found.id, merge_into or chosen, note)
        except ValidationError as error:  # named by the option that holds it
            option = "--merge-into" if merge_into else "--choose"
            raise ValidationError(FieldError(option, e.code, e.nl, e.en) for e in error.errors) from None
    click.echo(f"{resolved.id}: {'opgelost' if lang() == 'nl' else 'resolved'}")
