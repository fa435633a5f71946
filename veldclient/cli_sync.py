"""CLI for pairing and network sync: identity, peers, serve, sync (DESIGN §4, §7)."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import click

from veldclient import profile as profmod
from veldclient.cli import (
    SaysHelp,
    VeldGroup,
    _when,
    echo_json,
    handles_errors,
    lang,
    open_profile,
    profile_option,
    profile_session,
    resolve_profile,
    say,
    say_created,
    with_session,
)
from veldclient.domain.enums import role_label


def _finite(value: float) -> float:
    """click's FloatRange lets NaN through (every comparison with it is false)."""
    if value != value:
        raise click.BadParameter(say("geen getal", "not a number"))
    return value


@click.command("identity", cls=SaysHelp)
@click.option(
    "--export",
    "export_to",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write this device's identity file (certificate, no secret) for pairing.",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def identity_command(
    ctx: click.Context, export_to: Path | None, as_json: bool, profile_name: str | None
) -> None:
    """Show this device's id (compare it when pairing) or export its identity file."""
    from veldclient.services import peers as peer_service

    with profile_session(ctx, profile_name) as session:
        info = (
            peer_service.export_identity(session, export_to)
            if export_to
            else peer_service.own_identity(session)
        )
    if as_json:
        echo_json(info)
        return
    role = role_label(info["role"], lang())
    click.echo(say("Apparaat-id", "Device id") + f" : {info['display_id']}")
    click.echo(say("Knooppunt  ", "Node       ") + f" : {info['node_id']} ({role}, {info['label']})")
    if export_to:
        click.echo(say(f"Identiteitsbestand geschreven: {export_to}", f"Identity file written: {export_to}"))


@click.group("peers", cls=VeldGroup)
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

    with profile_session(ctx, profile_name) as session:
        peer = peer_service.add_peer(session, identity_file, name=name, address=address)
    click.echo(
        say(
            f"Gekoppeld: {peer.name} ({peer.node_id}), apparaat-id {peer.display_id}."
            " Vergelijk dit id met het scherm van dat apparaat.",
            f"Paired: {peer.name} ({peer.node_id}), device id {peer.display_id}."
            " Compare this id with that device's screen.",
        )
    )


@peers_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def peers_list(ctx: click.Context, as_json: bool, profile_name: str | None) -> None:
    """Paired peers with last contact and documents waiting to be delivered."""
    from veldclient.services import peers as peer_service

    rows = with_session(ctx, profile_name, peer_service.status)
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo(say("Nog geen apparaten gekoppeld.", "No peers paired yet."))
    for r in rows:
        flag = say(" INGETROKKEN", " REVOKED") if r["revoked"] else ""
        click.echo(
            f"{r['name']:<20} {r['node_id']:<17} {r['address'] or '-':<22} {r['waiting']:>6} "
            + say("wachtend", "waiting")
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

    with profile_session(ctx, profile_name) as session:
        gone = peer_service.remove_peer(session, peer)
    click.echo(say(f"Ontkoppeld: {gone.name}.", f"Unpaired: {gone.name}."))


@peers_group.command("address")
@click.argument("peer")
@click.argument("address")
@profile_option
@click.pass_context
@handles_errors
def peers_address(ctx: click.Context, peer: str, address: str, profile_name: str | None) -> None:
    """Set where PEER serves (host:port)."""
    from veldclient.services import peers as peer_service

    with profile_session(ctx, profile_name) as session:
        found = peer_service.set_address(session, peer, address)
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

    with profile_session(ctx, profile_name) as session:
        device_id = peer_service.revoke_device(session, device)
    click.echo(
        say(
            f"Ingetrokken: {format_device_id(device_id)}. Elk apparaat van dit knooppunt weigert het"
            " na de volgende synchronisatie.",
            f"Revoked: {format_device_id(device_id)}. Every device of this node refuses it"
            " after the next sync.",
        )
    )


@peers_group.command("invite")
@click.option(
    "--role",
    type=click.Choice(profmod.ROLES),
    required=True,
    help="Role of the new device.",
)
@click.option(
    "--expires", default="24h", show_default=True, help="How long it works: 30m, 24h, 7d (at most 30d)."
)
@click.option(
    "--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="File to write."
)
@click.option(
    "--address",
    default=None,
    help="host:port where this device serves (default: where veld serve or the app last served the network).",
)
@click.option(
    "--name", default=None, help="Name for the new device in the peer list (default: its own label)."
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def peers_invite(
    ctx: click.Context,
    role: str,
    expires: str,
    out: Path,
    address: str | None,
    name: str | None,
    as_json: bool,
    profile_name: str | None,
) -> None:
    """Write a one-time invitation for a new device of this node (admin): `veld join FILE` on it."""
    from veldclient.services import enrolment, serving

    def invite(session: Any) -> dict[str, Any]:
        at = address if address is not None else serving.address(session)
        return enrolment.issue_invitation(session, out, role=role, expires=expires, address=at, name=name)

    info = with_session(ctx, profile_name, invite)
    if as_json:
        echo_json(info)
        return
    until = _when(info["expires_at"])
    role = role_label(role, lang())
    click.echo(
        say(
            f"Uitnodiging {info['invitation_id']} geschreven naar {out}: rol {role}, geldig tot {until},"
            " één keer te gebruiken. Geef het bestand alleen aan wie het apparaat instelt.",
            f"Invitation {info['invitation_id']} written to {out}: role {role}, valid until {until},"
            " usable once. Hand the file only to whoever sets up the device.",
        )
    )
    click.echo(
        say(
            f"Dit apparaat: {info['node_machine_display_id']} (de laptop toont dit id na veld join).",
            f"This device: {info['node_machine_display_id']} (the laptop shows this id after veld join).",
        )
    )
    if info["address"]:
        at = info["address"]
        click.echo(say(f"Adres in de uitnodiging: {at}.", f"Address in the invitation: {at}."))
    else:
        click.echo(
            say(
                "Dit apparaat heeft nog niet op het netwerk gediend (veld serve --host 0.0.0.0) en er"
                " is geen --address gegeven: de laptop moet het adres zelf opgeven"
                " (veld sync ... --address).",
                "This device has not served the network yet (veld serve --host 0.0.0.0) and no --address"
                " was given: the laptop must give the address itself (veld sync ... --address).",
            )
        )


@peers_group.command("invitations")
@click.option("--cancel", "cancel", default=None, help="Cancel this unused invitation (its id).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def peers_invitations(
    ctx: click.Context, cancel: str | None, as_json: bool, profile_name: str | None
) -> None:
    """Invitations this device issued: open, used (by which device), expired or cancelled (admin)."""
    from veldclient.services import enrolment

    def use(session: Any) -> list[dict[str, Any]]:
        if cancel:
            enrolment.cancel_invitation(session, cancel)
        return enrolment.list_invitations(session)

    rows = with_session(ctx, profile_name, use)
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo(say("Nog geen uitnodigingen.", "No invitations yet."))
    for r in rows:
        used = r["used_by_display_id"] or "-"
        role, state = (
            role_label(r["role"], lang()),
            say(*enrolment.STATE_NAMES.get(r["state"], (r["state"],) * 2)),
        )
        click.echo(f"{r['invitation_id']}  {role:<20} {state:<12} {_when(r['expires_at'])}  {used}")


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
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
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

    rows = with_session(
        ctx,
        profile_name,
        lambda s: peer_service.discover(s, timeout=timeout, update=update, interfaces=list(interfaces)),
    )
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo(
            say(
                "Geen gekoppelde apparaten gevonden op het lokale netwerk.",
                "No paired peers found on the local network.",
            )
        )
    for r in rows:
        if r["updated"]:
            note = say("adres opgeslagen", "address stored")
        elif r["address"] == r["stored_address"]:
            note = say("zelfde adres", "same address")
        else:
            stored = r["stored_address"] or "-"
            note = say(f"opgeslagen: {stored}", f"stored: {stored}")
        click.echo(f"{r['name']:<20} {r['node_id']:<17} {r['address']:<22} {note}")


@click.command("serve", cls=SaysHelp)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
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
            say(
                f"Luistert op {host}:{bound} als {who}.",
                f"Listening on {host}:{bound} as {who}.",
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


@click.command("sync", cls=SaysHelp)
@click.argument("peer")
@click.option("--address", default=None, help="host:port, when the peer's address is not stored.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def sync_command(
    ctx: click.Context, peer: str, address: str | None, as_json: bool, profile_name: str | None
) -> None:
    """Sync now with PEER (name or device id)."""
    from veldclient.cli_progress import Bar, on_terminal
    from veldclient.services import sync_service

    with (
        profile_session(ctx, profile_name) as session,
        Bar(sync_service.STEPS, enabled=on_terminal(as_json)) as bar,
    ):
        report = sync_service.sync_peer(session, peer, address=address, progress=bar)
    if as_json:
        echo_json(report.as_json())
        return
    for line in sync_service.report_lines(report):
        click.echo(say(*line))


@click.command("join", cls=SaysHelp)
@click.argument("invitation", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--user", default=None, help="Your name or login (for the audit log).")
@click.option("--no-keyring", is_flag=True, help="Do not store the key in the OS keyring.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@profile_option
@click.pass_context
@handles_errors
def join_command(
    ctx: click.Context,
    invitation: Path,
    user: str | None,
    no_keyring: bool,
    as_json: bool,
    profile_name: str | None,
) -> None:
    """Set this laptop up for its node with the admin's INVITATION file (a new profile)."""
    import getpass

    from veldclient import locations
    from veldclient.cli import ask_passphrase
    from veldclient.services import enrolment

    name = locations.check_profile_name(
        profile_name or (ctx.obj or {}).get("profile") or locations.DEFAULT_PROFILE
    )
    session, introduced, unreachable = enrolment.join_and_introduce(
        name,
        invitation,
        user=user or getpass.getuser(),
        passphrase=ask_passphrase(confirm=True),
        use_keyring=not no_keyring,
    )
    try:
        info = enrolment.joined(session)
    finally:
        session.close()
    info["introduced"] = introduced is not None
    info["waiting_because"] = unreachable.message(lang()) if unreachable else None
    node = info["node_machine"]
    if as_json:
        echo_json(info)
        return
    say_created(name, info["node_id"], info["role"])
    click.echo(say(f"Dit apparaat      : {info['display_id']}", f"This device       : {info['display_id']}"))
    click.echo(
        say(
            f"Knooppuntmachine  : {node} {info['node_machine_display_id']}",
            f"Node machine      : {node} {info['node_machine_display_id']}",
        )
    )
    click.echo(
        say(
            "Vergelijk beide id's met het scherm van de beheerder.",
            "Compare both ids with the admin's screen.",
        )
    )
    if introduced is not None:
        click.echo(
            say(
                f"Aangemeld bij {node}; synchroniseer met: veld sync {node}",
                f"Introduced to {node}; sync with: veld sync {node}",
            )
        )
    else:
        why = info["waiting_because"]
        click.echo(
            say(
                f"{node} nog niet bereikt ({why}). Deze laptop meldt zich aan bij de eerste"
                f" synchronisatie: veld sync {node}",
                f"{node} not reached yet ({why}). This laptop introduces itself at its first"
                f" sync: veld sync {node}",
            )
        )


__all__: list[Any] = ["identity_command", "join_command", "peers_group", "serve_command", "sync_command"]
