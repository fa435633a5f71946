"""`veld web`: the app in a browser on the node's own network (docs/web.md, veldclient/web_server.py).

Registered on ``veldclient.cli.main`` as ``web``. It checks what it can before serving: the profile
exists and has a passphrase (a tab is never opened by the keyring), the address is loopback unless
``--allow-network`` says otherwise (then it says what is exposed), the port is free. The server
itself never opens the profile: each tab's process asks for the passphrase in the page.
"""

from __future__ import annotations

import errno
import os
import socket

import click

from veldclient import keys
from veldclient import profile as profmod
from veldclient.cli import SaysHelp, handles_errors, lang, profile_option, resolve_profile, say
from veldclient.errors import ConfigError, VeldError
from veldclient.passphrase import CREDENTIALS_DIR_ENV, PASSPHRASE_ENV, PASSPHRASE_FILE_ENV


def exposed(host: str, port: int, profile: str) -> VeldError:
    """What a non-loopback address exposes, as a refusal or (with --allow-network) a warning."""
    return VeldError(
        f"Op {host}:{port} kan elk apparaat dat dit adres bereikt de app van profiel {profile} openen, met"
        " alle cliëntgegevens van dit knooppunt; alleen het wachtwoord beschermt ze en het verkeer is"
        " niet versleuteld (http).",
        f"On {host}:{port} every device that reaches this address can open the app of profile {profile},"
        " with all of this node's client data; only the passphrase protects it and the traffic is not"
        " encrypted (http).",
    )


def check_port(host: str, port: int) -> None:
    """Refuse a port that is taken (or an address this machine does not have) before serving."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise port_error(host, port, exc) from None


def port_error(host: str, port: int, exc: OSError) -> ConfigError:
    if exc.errno == errno.EADDRINUSE:
        return ConfigError(
            f"Poort {port} op {host} is al in gebruik (door een ander programma of een andere 'veld web');"
            " kies een andere met --port.",
            f"Port {port} on {host} is already in use (by another program or another 'veld web');"
            " choose another with --port.",
        )
    return ConfigError(
        f"Kan niet luisteren op {host}:{port}: {exc.strerror or exc}.",
        f"Cannot listen on {host}:{port}: {exc.strerror or exc}.",
    )


def tab_line(event: str, peer: str | None, pid: int | None) -> None:
    where = peer or "?"
    if event == "opened":
        click.echo(
            say(
                f"browsertab geopend vanaf {where} (proces {pid})",
                f"browser tab opened from {where} (process {pid})",
            )
        )
    else:
        click.echo(
            say(
                f"browsertab gesloten: {where} (proces {pid})", f"browser tab closed: {where} (process {pid})"
            )
        )


@click.command("web", cls=SaysHelp)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on."
)
@click.option(
    "--allow-network",
    is_flag=True,
    help="Allow an address other machines can reach (such as 0.0.0.0); says what that exposes.",
)
@profile_option
@click.pass_context
@handles_errors
def web_command(
    ctx: click.Context, host: str, port: int, allow_network: bool, profile_name: str | None
) -> None:
    """Serve the app in a browser: every tab asks for the passphrase and opens its own session.

    Listens on this machine only (127.0.0.1) unless told otherwise. A browser session may read every
    screen and do the everyday steps; pairing, the relay, bundles, file exports, erasure and device
    settings are refused (docs/web.md). Background sync is not started per tab: run 'veld serve'
    once on the node. Ctrl+C stops the server and every tab's process."""
    from veldclient.web_server import VeldWebServer, is_loopback

    name = resolve_profile(ctx, profile_name)
    prof = profmod.load(name)
    keys.web_unlockable(prof.dir)
    if not is_loopback(host):
        warning = exposed(host, port, prof.name)
        if not allow_network:
            raise VeldError(
                f"{warning.message('nl')} Bevestig met --allow-network als dat de bedoeling is.",
                f"{warning.message('en')} Confirm with --allow-network if that is what you want.",
            )
        click.echo(say("Let op: ", "Warning: ") + warning.message(lang()), err=True)
    if any(os.environ.get(v) for v in (PASSPHRASE_ENV, PASSPHRASE_FILE_ENV, CREDENTIALS_DIR_ENV)):
        click.echo(
            say(
                "Het wachtwoord van de server gaat niet naar browsersessies: elke tab vraagt het.",
                "The server's passphrase is not passed to browser sessions: every tab asks for it.",
            ),
            err=True,
        )
    check_port(host, port)
    shown = f"[{host}]" if ":" in host else host
    click.echo(
        say(
            f"veld web: profiel {prof.name} op http://{shown}:{port}/ (elke tab vraagt het wachtwoord;"
            " Ctrl+C stopt)",
            f"veld web: profile {prof.name} on http://{shown}:{port}/ (every tab asks for the passphrase;"
            " Ctrl+C stops)",
        )
    )
    server = VeldWebServer(prof.name, host, port, lang(), tab_line)
    try:
        server.serve()
    except OSError as exc:
        raise port_error(host, port, exc) from None
    click.echo(
        say(
            "veld web: gestopt, alle browsersessies zijn gesloten.",
            "veld web: stopped, every browser session is closed.",
        )
    )
