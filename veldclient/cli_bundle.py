"""`veld bundle export|import`: USB bundles from the command line (services/bundles.py does the work).

Quiet when not on a terminal; on one, the steps and how far they are on stderr (cli_progress.py). A
refused bundle is one line on stderr and exit code 2, with the database as it was; an interrupted
export leaves no file, an interrupted import stores nothing of the bundle it was reading.
"""

from __future__ import annotations

from pathlib import Path

import click

from veldclient.cli import (
    VeldGroup,
    counted,
    echo_json,
    fail,
    handles_errors,
    lang,
    profile_option,
    profile_session,
)
from veldclient.cli_progress import Bar, on_terminal
from veldclient.errors import VeldError
from veldclient.services import bundles


def _say(nl: str, en: str) -> None:
    click.echo(nl if lang() == "nl" else en)


@click.group("bundle", cls=VeldGroup)
def bundle() -> None:
    """USB bundles: signed, encrypted transfer between sites by stick."""


@bundle.command("export")
@click.option("--to", "to", multiple=True, required=True, help="Node id or paired device (repeatable).")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write to.",
)
@click.option("--full", is_flag=True, help="Whole documents, even where a delta would do.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def export_command(
    ctx: click.Context,
    to: tuple[str, ...],
    out_dir: Path,
    full: bool,
    as_json: bool,
    profile_name: str | None,
) -> None:
    """Write one bundle for the given nodes or devices into DIR (e.g. a mounted stick)."""
    with (
        profile_session(ctx, profile_name) as session,
        Bar(bundles.EXPORT_STEPS, enabled=on_terminal(as_json)) as bar,
    ):
        result = bundles.export_bundle(session, list(to), out_dir, full=full, progress=bar)
    if as_json:
        echo_json(result.as_json())
        return
    kinds_nl, kinds_en = (bundles.kinds_said(result.by_kind, lang) for lang in ("nl", "en"))
    to_text = ", ".join(result.recipients)
    _say(f"Bundel geschreven: {result.path}", f"Bundle written: {result.path}")
    _say(
        f"  volgnummer {result.seq}, {counted('nl', result.documents, 'document', 'documenten')}"
        f" ({result.full} volledig, {result.delta}"
        f" delta: {kinds_nl}), {result.size} bytes, voor {to_text} ({', '.join(result.recipient_nodes)})",
        f"  sequence {result.seq}, {counted('en', result.documents, 'document', 'documents')}"
        f" ({result.full} full, {result.delta}"
        f" delta: {kinds_en}), {result.size} bytes, for {to_text} ({', '.join(result.recipient_nodes)})",
    )
    for doc_id, reason in result.skipped:
        _say(f"  overgeslagen (beschadigd): {doc_id}: {reason}", f"  skipped (damaged): {doc_id}: {reason}")


def _show(result: bundles.ImportResult) -> None:
    name = Path(result.file).name
    if result.status == "duplicate":
        _say(
            f"{name}: al eerder ingelezen, niets gewijzigd.",
            f"{name}: already imported, nothing changed.",
        )
        return
    if result.kind == "ack":
        _say(
            f"{name}: ontvangstbevestiging van {result.sender_name} ({result.sender_node}) voor"
            f" {counted('nl', result.acks, 'document', 'documenten')}.",
            f"{name}: acknowledgement from {result.sender_name} ({result.sender_node}) for"
            f" {counted('en', result.acks, 'document', 'documents')}.",
        )
    else:
        kinds_nl, kinds_en = (bundles.kinds_said(result.changed, lang) for lang in ("nl", "en"))
        _say(
            f"{name}: van {result.sender_name} ({result.sender_node}), volgnummer {result.seq}:"
            f" {counted('nl', result.documents, 'document', 'documenten')}, gewijzigd: {kinds_nl};"
            f" {counted('nl', result.conflicts_raised, 'nieuw conflict', 'nieuwe conflicten')};"
            f" {len(result.refused)} geweigerd.",
            f"{name}: from {result.sender_name} ({result.sender_node}), sequence {result.seq}:"
            f" {counted('en', result.documents, 'document', 'documents')}, changed: {kinds_en};"
            f" {counted('en', result.conflicts_raised, 'new conflict', 'new conflicts')};"
            f" {len(result.refused)} refused.",
        )
    for doc_id, reason in result.refused:
        _say(f"  geweigerd: {doc_id}: {reason}", f"  refused: {doc_id}: {reason}")
    if result.flag == "older":
        _say(
            "  Let op: ouder dan een eerder ingelezen bundel van deze afzender (toch samengevoegd; er gaat"
            " niets verloren).",
            "  Note: older than a bundle already imported from this sender (merged anyway; nothing is lost).",
        )
    elif result.flag == "seq_reused":
        _say(
            "  Let op: deze afzender gebruikte dit volgnummer al voor een andere bundel (toch samengevoegd).",
            "  Note: this sender used this sequence number before for another bundle (merged anyway).",
        )
    if result.ack_file:
        _say(f"  ontvangstbevestiging: {result.ack_file}", f"  acknowledgement: {result.ack_file}")


@bundle.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--ack-out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the acknowledgement bundle that tells the sender what arrived.",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def import_command(
    ctx: click.Context, path: Path, ack_out: Path | None, as_json: bool, profile_name: str | None
) -> None:
    """Import a bundle file, or every bundle for this device in a folder (a mounted stick)."""
    with profile_session(ctx, profile_name) as session:
        if not path.is_dir():
            with Bar(bundles.IMPORT_STEPS, enabled=on_terminal(as_json)) as bar:
                result = bundles.import_bundle(session, path, ack_out=ack_out, progress=bar)
            echo_json(result.as_json()) if as_json else _show(result)
            return
        with Bar(("bundle.files",), enabled=on_terminal(as_json)) as bar:
            folder = bundles.import_folder(session, path, ack_out=ack_out, progress=bar)
    if as_json:
        echo_json(folder.as_json())
    else:
        for result in folder.imported:
            _show(result)
        for name, code in folder.ignored:
            _say(f"{name}: genegeerd ({code})", f"{name}: ignored ({code})")
    if folder.failed:
        name, nl, en = folder.failed[0]
        for other, o_nl, o_en in folder.failed[1:]:
            click.echo(f"veld: {other}: {o_nl if lang() == 'nl' else o_en}", err=True)
        fail(VeldError(f"{name}: {nl}", f"{name}: {en}"))
