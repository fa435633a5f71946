"""`veld relay add|remove|push|pull|status|config|serve`: bundles through a NATS JetStream relay
(services/relay.py does the work; docs/relay.md).

Optional and off by default: without ``veld relay add`` nothing here reaches the network. With a
relay that does not answer, push and pull end within seconds with one line and exit code 2; the
status says when the relay was last reached.
"""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import click

from veldclient.cli import (
    VeldGroup,
    _when,
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
from veldclient.services import relay as relay_service

PUSHED = {
    "sent": ("verstuurd", "sent"),
    "unchanged": ("al bij de relay, niets nieuws", "already at the relay, nothing new"),
    "nothing": ("heeft alles al", "holds everything already"),
}


def _say(nl: str, en: str) -> None:
    click.echo(nl if lang() == "nl" else en)


@click.group("relay", cls=VeldGroup)
def relay() -> None:
    """Exchange bundles through a regional relay (NATS JetStream), even between sites that are never
    online at the same time."""


@relay.command("add")
@click.argument("url")
@click.option(
    "--server-cert",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The relay's certificate (hub-cert.pem, or leaf-cert.pem of a leaf), from veld relay config.",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def add_command(
    ctx: click.Context, url: str, server_cert: Path, as_json: bool, profile_name: str | None
) -> None:
    """Use the relay at URL (tls://host:port); its certificate is pinned."""
    with profile_session(ctx, profile_name) as session:
        settings = relay_service.add(session, url, server_cert)
    if as_json:
        echo_json({"url": settings.url})
        return
    _say(f"Relay ingesteld: {settings.url}", f"Relay configured: {settings.url}")


@relay.command("remove")
@profile_option
@click.pass_context
@handles_errors
def remove_command(ctx: click.Context, profile_name: str | None) -> None:
    """Stop using the relay (nothing is sent to or fetched from it any more)."""
    with profile_session(ctx, profile_name) as session:
        relay_service.remove(session)
    _say("Relay verwijderd.", "Relay removed.")


@relay.command("push")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def push_command(ctx: click.Context, as_json: bool, profile_name: str | None) -> None:
    """Leave a bundle for every node with paired devices at the relay (only what changed)."""
    with (
        profile_session(ctx, profile_name) as session,
        Bar(bundles.EXPORT_STEPS, enabled=on_terminal(as_json)) as bar,
    ):
        result = relay_service.push(session, progress=bar)
    if as_json:
        echo_json(result.as_json())
        return
    if not result.nodes:
        _say("Geen gekoppelde apparaten: niets te versturen.", "No paired devices: nothing to send.")
    for n in result.nodes:
        nl, en = PUSHED[n.status]
        if n.status == "sent":
            _say(
                f"{n.node_id}: {nl}, {counted('nl', n.documents, 'document', 'documenten')},"
                f" {n.bytes} bytes (volgnummer {n.seq})",
                f"{n.node_id}: {en}, {counted('en', n.documents, 'document', 'documents')},"
                f" {n.bytes} bytes (sequence {n.seq})",
            )
        else:
            _say(f"{n.node_id}: {nl}", f"{n.node_id}: {en}")


@relay.command("pull")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def pull_command(ctx: click.Context, as_json: bool, profile_name: str | None) -> None:
    """Fetch and import every bundle waiting for this device; acknowledge them to their senders.
    Exit code 2 if a bundle was refused (it is quarantined, as one from a stick)."""
    with (
        profile_session(ctx, profile_name) as session,
        Bar(bundles.IMPORT_STEPS, enabled=on_terminal(as_json)) as bar,
    ):
        result = relay_service.pull(session, progress=bar)
    if as_json:
        echo_json(result.as_json())
    else:
        for r in result.imported:
            if r.status == "duplicate":
                _say(
                    f"{r.sender_name} ({r.sender_node}) volgnummer {r.seq}: al eerder ingelezen.",
                    f"{r.sender_name} ({r.sender_node}) sequence {r.seq}: already imported.",
                )
            elif r.kind == "ack":
                _say(
                    f"{r.sender_name} ({r.sender_node}): ontvangstbevestiging voor"
                    f" {counted('nl', r.acks, 'document', 'documenten')}.",
                    f"{r.sender_name} ({r.sender_node}): acknowledgement for"
                    f" {counted('en', r.acks, 'document', 'documents')}.",
                )
            else:
                kinds = ", ".join(f"{k} {n}" for k, n in r.changed.items()) or "-"
                _say(
                    f"{r.sender_name} ({r.sender_node}) volgnummer {r.seq}:"
                    f" {counted('nl', r.documents, 'document', 'documenten')}, gewijzigd: {kinds}.",
                    f"{r.sender_name} ({r.sender_node}) sequence {r.seq}:"
                    f" {counted('en', r.documents, 'document', 'documents')}, changed: {kinds}.",
                )
        if result.acks_sent:
            names = ", ".join(result.acks_sent)
            _say(f"Ontvangst bevestigd aan: {names}", f"Receipt acknowledged to: {names}")
        if result.waiting_parts:
            _say(
                f"{result.waiting_parts} delen van een bundel wachten nog op de rest.",
                f"{result.waiting_parts} parts of a bundle are still waiting for the rest.",
            )
        if not result.imported and not result.refused:
            _say("Niets nieuws bij de relay.", "Nothing new at the relay.")
    if result.refused:
        for name, nl, en in result.refused[1:]:
            click.echo(f"veld: {name}: {nl if lang() == 'nl' else en}", err=True)
        name, nl, en = result.refused[0]
        fail(VeldError(f"{name}: {nl}", f"{name}: {en}"))


@relay.command("status")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def status_command(ctx: click.Context, as_json: bool, profile_name: str | None) -> None:
    """When the relay was last reached, and per paired device: delivered (its acknowledgement came
    back), left at the relay, or still to send. Asks nothing of the relay."""
    with profile_session(ctx, profile_name) as session:
        info = relay_service.status(session)
    if as_json:
        echo_json(info)
        return
    if not info["configured"]:
        _say("Geen relay ingesteld (veld relay add URL).", "No relay configured (veld relay add URL).")
        return
    _say(f"Relay: {info['url']}", f"Relay: {info['url']}")
    _say(f"Laatst bereikt: {_when(info['last_reached'])}", f"Last reached: {_when(info['last_reached'])}")
    if info["last_error"]:
        error = info["last_error"]
        _say(
            f"Laatste fout ({_when(info['last_error_at'])}): {error['nl']}",
            f"Last error ({_when(info['last_error_at'])}): {error['en']}",
        )
    for p in info["peers"]:
        nl, en = relay_service.STATE_NAMES[p["state"]]
        _say(
            f"  {p['name']} ({p['node']}): {nl}; {p['waiting']} van {p['documents']} documenten wachten",
            f"  {p['name']} ({p['node']}): {en}; {p['waiting']} of {p['documents']} documents waiting",
        )


@relay.command("config")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the configuration into.",
)
@click.option(
    "--leaf", "leaves", multiple=True, help="A node that runs a leaf node (repeatable; default: this node)."
)
@click.option("--no-leaf", is_flag=True, help="Only the hub.")
@click.option("--listen", default="0.0.0.0:4222", show_default=True, help="The hub's address for devices.")
@click.option(
    "--leaf-listen", default="0.0.0.0:7422", show_default=True, help="The hub's address for leaf nodes."
)
@click.option(
    "--hub-host", default="localhost", show_default=True, help="The hub's name or IP as leaf nodes reach it."
)
@click.option(
    "--leaf-client-listen",
    default="0.0.0.0:4222",
    show_default=True,
    help="A leaf's address for its devices.",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def config_command(
    ctx: click.Context,
    out_dir: Path,
    leaves: tuple[str, ...],
    no_leaf: bool,
    listen: str,
    leaf_listen: str,
    hub_host: str,
    leaf_client_listen: str,
    as_json: bool,
    profile_name: str | None,
) -> None:
    """Write the hub's configuration (and a leaf's) into DIR from the paired devices; revoked
    devices are left out. Write it again after pairing or revoking, and restart the server."""
    with profile_session(ctx, profile_name) as session:
        written = relay_service.write_config(
            session,
            out_dir,
            leaves=[] if no_leaf else (list(leaves) or None),
            listen=listen,
            leaf_listen=leaf_listen,
            hub_host=hub_host,
            leaf_client_listen=leaf_client_listen,
        )
    if as_json:
        echo_json(
            {
                "folder": str(written.folder),
                "hub": str(written.hub_conf),
                "leaves": [str(p) for p in written.leaf_confs],
                "devices": written.devices,
                "nodes": list(written.nodes),
            }
        )
        return
    nodes = ", ".join(written.nodes)
    _say(
        f"Hub-configuratie: {written.hub_conf} ({written.devices} apparaten, knooppunten: {nodes})",
        f"Hub configuration: {written.hub_conf} ({written.devices} devices, nodes: {nodes})",
    )
    for leaf in written.leaf_confs:
        _say(f"Leaf-configuratie: {leaf}", f"Leaf configuration: {leaf}")
    _say(
        f"Start met: veld relay serve --config {written.folder}",
        f"Start with: veld relay serve --config {written.folder}",
    )


@relay.command("serve")
@click.option(
    "--config",
    "folder",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A folder written by veld relay config (the hub's, or a leaf-<node> folder in it).",
)
@handles_errors
def serve_command(folder: Path) -> None:
    """Run nats-server on a relay configuration until Ctrl-C or SIGTERM (for a site without a
    service manager; packaging/veld-relay.service does the same under systemd)."""
    stop = threading.Event()
    hangup = getattr(signal, "SIGHUP", None)  # its terminal closed (not on Windows)
    for sig in (signal.SIGINT, signal.SIGTERM, *([hangup] if hangup else [])):
        signal.signal(sig, lambda *_: stop.set())

    def ready(s: relay_service.Serving) -> None:
        _say(
            f"Relay ({s.role}) luistert op {s.listen}; postvakken: {', '.join(s.streams)}. Stoppen: Ctrl-C.",
            f"Relay ({s.role}) listening on {s.listen}; mailboxes: {', '.join(s.streams)}. Stop: Ctrl-C.",
        )
        if s.removed:
            _say(
                f"Verwijderd (niet meer in de configuratie): {', '.join(s.removed)}",
                f"Removed (no longer in the configuration): {', '.join(s.removed)}",
            )

    code = relay_service.serve(folder, stop, ready)
    if not stop.is_set():
        fail(
            VeldError(
                f"nats-server stopte onverwacht (code {code}); zie {folder / 'nats-server.log'}.",
                f"nats-server stopped unexpectedly (code {code}); see {folder / 'nats-server.log'}.",
            )
        )
    _say("Relay gestopt.", "Relay stopped.")
