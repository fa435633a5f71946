"""`veld fhir export`: the mesh's capacity and slots as a FHIR R4B Bundle (services/fhir_export.py).

Registered on ``veldclient.cli.main`` as ``fhir``. The service reads, maps, validates and writes;
this module only says what was written. Errors follow cli.py: one line on stderr in the chosen
language, exit 2, and no file (the file is written atomically or not at all). On a terminal the
steps show on stderr (cli_progress.py).
"""

from __future__ import annotations

from pathlib import Path

import click

from veldclient.cli import (
    VeldGroup,
    counted,
    echo_json,
    handles_errors,
    lang,
    profile_option,
    profile_session,
    say,
)
from veldclient.cli_progress import Bar, on_terminal


@click.group("fhir", cls=VeldGroup)
def fhir_group() -> None:
    """FHIR R4B: capacity and slots for other systems (read-only export)."""


@fhir_group.command("export")
@click.option(
    "--out", "out_dir", required=True, type=click.Path(path_type=Path), help="Existing folder to write into."
)
@click.option("--node", "node_id", default=None, help="Only this node (default: every node known here).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def export_command(
    ctx: click.Context, out_dir: Path, node_id: str | None, as_json: bool, profile_name: str | None
) -> None:
    """Write the capacity (locations, beds per care type, slots) as one FHIR Bundle into DIR.

    The file holds no personal data: sites, bed counts, slot times and the reporting device's id."""
    from veldclient.services import fhir_export

    with (
        profile_session(ctx, profile_name) as session,
        Bar(fhir_export.STEPS, enabled=on_terminal(as_json)) as bar,
    ):
        result = fhir_export.export_capacity(session, out_dir, node_id=node_id, progress=bar)
    if as_json:
        echo_json(
            {
                "path": str(result.path),
                "node_id": result.node_id,
                "counts": result.counts,
                "total": result.total,
            }
        )
        return
    said = counted(lang(), result.total, "resource", "resources")
    click.echo(
        say(
            f"FHIR-bundel met {said} geschreven: {result.path}",
            f"FHIR bundle of {said} written: {result.path}",
        )
    )
    for kind, n in result.counts.items():
        click.echo(f"  {kind:<18}{n:>6}")
