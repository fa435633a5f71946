"""CLI for pairing and network sync: identity, peers, serve, sync (DESIGN §4, §7)."""

from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from veldclient.cli import echo_json, handles_errors, lang, open_profile, profile_option, resolve_profile

T = TypeVar("T")


def _finite(value: float) -> float:
    """click's FloatRange lets NaN through (every comparison with it is false)."""
    if value != value:
        raise click.BadParameter("not a number")
    return value


def _say(pair: tuple[str, str]) -> str:
    return pair[0] if lang() == "nl" else pair[1]


def _with_session(ctx: click.Context, profile_name: str | None, use: Callable[[Any], T]) -> T:
    """Open the profile, run one use case, close it whatever happens."""
    session = open_profile(resolve_profile(ctx, profile_name))
    try:
        return use(session)
    finally:
        session.close()


@click.command("identity")
@click.option(
    "--export",
    "export_to",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write this device's identity file (certificate, no secret) for pairing.",
)
@click.option("--json", "as_json", is_flag=True)
@profile_option
@click.pass_context
@handles_errors
def identity_command(
    ctx: click.Context, export_to: Path | None, as_json: bool, profile_name: str | None
) -> None:
    """Show this device's id (compare it when pairing) or export its identity file."""
    from veldclient.services import peers as peer_service

    session = open_profile(resolve_profile(ctx, profile_name))
    try:
        info = (
            peer_service.export_identity(session, export_to)
            if export_to
            else peer_service.own_identity(session)
        )
    finally:
        session.close()
    if as_json:
        echo_json(info)
        return
    click.echo(f"Device id : {info['display_id']}")
    click.echo(f"Node      : {info['node_id']} ({info['role']}, {info['label']})")
    if export_to:
        click.echo(
            _say((f"Identiteitsbestand geschreven: {export_to}", f"Identity file written: {export_to}"))
        )


@click.group("peers")
def peers_group() -> None:
    """Paired devices: add, list, remove, set an address, revoke a device of this node."""


@peers_group.command("add")
@click.argument("identity_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", required=True, help="A name for this peer, e.g. 'almelo-server'.")
@click.option("--address", default=None, help="host:port where the peer serves (veld serve).")
@profile_option
@click.pass_context
@handles_errors
def peers_add(
    ctx: click.Context, identity_file: Path, name: str, address: str | None, profile_name: str | None
) -> None:
    """Pair with the device in IDENTITY_FILE (its node comes from its certificate)."""
    from veldclient.services import peers as peer_service

    session = open_profile(resolve_profile(ctx, profile_name))
    try:
        peer = peer_service.add_peer(session, identity_file, name=name, address=address)
    finally:
        session.close()
    click.echo(
        _say(
            (
                f"Gekoppeld: {peer.name} ({peer.node_id}), apparaat-id {peer.display_id}."
                " Vergelijk dit id met het scherm van dat apparaat.",
                f"Paired: {peer.name} ({peer.node_id}), device id {peer.display_id}."
                " Compare this id with that device's screen.",
            )
        )
    )


@peers_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@profile_option
@click.pass_context
@handles_errors
def peers_list(ctx: click.Context, as_json: bool, profile_name: str | None) -> None:
    """Paired peers with last contact and documents waiting to be delivered."""
    from veldclient.services import peers as peer_service

    rows = _with_session(ctx, profile_name, peer_service.status)
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo(_say(("Nog geen peers gekoppeld.", "No peers paired yet.")))
    for r in rows:
        flag = " INGETROKKEN/REVOKED" if r["revoked"] else ""
        click.echo(
            f"{r['name']:<20} {r['node_id']:<17} {r['address'] or '-':<22} {r['waiting']:>6} "
            + _say(("wachtend", "waiting"))
            + f"  {r['display_id']}{flag}"
        )


@peers_group.command("remove")
@click.argument("peer")
@profile_option
@click.pass_context
@handles_errors
def peers_remove(ctx: click.Context, peer: str, profile_name: str | None) -> None:
    """Unpair PEER (name or device id)."""
    from veldclient.services import peers as peer_service

    session = open_profile(resolve_profile(ctx, profile_name))
    try:
        gone = peer_service.remove_peer(session, peer)
    finally:
        session.close()
    click.echo(_say((f"Ontkoppeld: {gone.name}.", f"Unpaired: {gone.name}.")))


@peers_group.command("address")
@click.argument("peer")
@click.argument("address")
@profile_option
@click.pass_context
@handles_errors
def peers_address(ctx: click.Context, peer: str, address: str, profile_name: str | None) -> None:
    """Set where PEER serves (host:port)."""
    from veldclient.services import peers as peer_service

    session = open_profile(resolve_profile(ctx, profile_name))
    try:
        found = peer_service.set_address(session, peer, address)
    finally:
        session.close()
    click.echo(f"{found.name}: {found.address}")


@peers_group.command("revoke")
@click.argument("device")
@profile_option
@click.pass_context
@handles_errors
def peers_revoke(ctx: click.Context, device: str, profile_name: str | None) -> None:
    """Revoke DEVICE of this node (peer name or device id): a signed change in the node document."""
    from veldclient.identity import format_device_id
    from veldclient.services import peers as peer_service

    session = open_profile(resolve_profile(ctx, profile_name))
    try:
        device_id = peer_service.revoke_device(session, device)
    finally:
        session.close()
    click.echo(
        _say(
            (
                f"Ingetrokken: {format_device_id(device_id)}. Elk apparaat van dit knooppunt weigert het"
                " na de volgende synchronisatie.",
                f"Revoked: {format_device_id(device_id)}. Every device of this node refuses it"
                " after the next sync.",
            )
        )
    )


_INTERFACE = click.option(
    "--interface",
    "interfaces",
    multiple=True,
    help="Only this network interface's address for LAN discovery (repeatable; default: all).",
)


@peers_group.command("discover")
@click.option(
    "--timeout",
    default=3.0,
    show_default=True,
    type=click.FloatRange(0.1, 300),
    callback=lambda _ctx, _param, value: _finite(value),
    help="Seconds to listen.",
)
@click.option("--update", is_flag=True, help="Store the addresses found for these peers (admin).")
@_INTERFACE
@click.option("--json", "as_json", is_flag=True)
@profile_option
@click.pass_context
@handles_errors
def peers_discover(
    ctx: click.Context,
    timeout: float,
    update: bool,
    interfaces: tuple[str, ...],
    as_json: bool,
    profile_name: str | None,
) -> None:
    """Find paired peers on the local network that serve with --announce."""
    from veldclient.services import peers as peer_service

    rows = _with_session(
        ctx,
        profile_name,
        lambda s: peer_service.discover(s, timeout=timeout, update=update, interfaces=list(interfaces)),
    )
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo(
            _say(
                (
                    "Geen gekoppelde peers gevonden op het lokale netwerk.",
                    "No paired peers found on the local network.",
                )
            )
        )
    for r in rows:
        if r["updated"]:
            note = _say(("adres opgeslagen", "address stored"))
        elif r["address"] == r["stored_address"]:
            note = _say(("zelfde adres", "same address"))
        else:
            stored = r["stored_address"] or "-"
            note = _say((f"opgeslagen: {stored}", f"stored: {stored}"))
        click.echo(f"{r['name']:<20} {r['node_id']:<17} {r['address']:<22} {note}")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--port", default=8765, show_default=True, type=click.IntRange(0, 65535), help="0 picks a free port."
)
@click.option(
    "--announce",
    is_flag=True,
    help="Announce on the local network (mDNS) where this device serves; only its device id is sent.",
)
@_INTERFACE
@profile_option
@click.pass_context
@handles_errors
def serve_command(
    ctx: click.Context,
    host: str,
    port: int,
    announce: bool,
    interfaces: tuple[str, ...],
    profile_name: str | None,
) -> None:
    """Serve paired peers over mutual TLS until interrupted."""
    import asyncio
    import logging

    from veldclient.services import sync_service

    logging.basicConfig(level=logging.WARNING, format="veld serve: %(message)s")
    session = open_profile(resolve_profile(ctx, profile_name))
    stop = asyncio.Event()

    who = f"{session.profile.node_id} ({session.device.display_id})"

    def ready(bound: int) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        click.echo(
            _say(
                (
                    f"Luistert op {host}:{bound} als {who}.",
                    f"Listening on {host}:{bound} as {who}.",
                )
            )
        )

    clean = True
    try:
        clean = sync_service.serve(
            session, host, port, ready, stop, announce=announce, interfaces=list(interfaces)
        )
    except OSError as exc:
        from veldclient.errors import VeldError

        raise VeldError(
            f"Kan niet luisteren op {host}:{port}: {exc.strerror}.",
            f"Cannot listen on {host}:{port}: {exc.strerror}.",
        ) from None
    finally:
        if clean:  # else a stuck call still holds it; its transaction ends with the process
            session.close()


@click.command("sync")
@click.argument("peer")
@click.option("--address", default=None, help="host:port, when the peer's address is not stored.")
@click.option("--json", "as_json", is_flag=True)
@profile_option
@click.pass_context
@handles_errors
def sync_command(
    ctx: click.Context, peer: str, address: str | None, as_json: bool, profile_name: str | None
) -> None:
    """Sync now with PEER (name or device id)."""
    from veldclient.services import sync_service

    session = open_profile(resolve_profile(ctx, profile_name))
    try:
        report = sync_service.sync_peer(session, peer, address=address)
    finally:
        session.close()
    if as_json:
        echo_json(report.as_json())
        return
    for line in sync_service.report_lines(report):
        click.echo(_say(line))


__all__: list[Any] = ["identity_command", "peers_group", "serve_command", "sync_command"]
