"""`veld demo`: open the demo profile, building it the first time; `--reset` builds it anew.

A demo profile is where people try things, so what they did in it stays: running `veld demo` again
opens it as it is, and says so. Options that would need a new profile (another size, node, role or
seed) are pointed out, not applied. `--reset` first says what it removes. A demo whose build never
finished (interrupted, killed) is not kept: it is built anew, and the command says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from veldclient import profile as profmod
from veldclient.cli import (
    SaysHelp,
    exit_with_app,
    handles_errors,
    say,
)
from veldclient.domain.enums import role_label

if TYPE_CHECKING:
    from veldclient.services.demo import DemoFacts
    from veldclient.session import Session


def _say(nl: str, en: str) -> None:
    click.echo(say(nl, en))


def say_removing(facts: DemoFacts) -> None:
    where = f"'{facts.name}' in {facts.folder}"
    where_en = f"'{facts.name}' at {facts.folder}"
    if facts.unreadable is not None:
        _say(
            f"demo: --reset verwijdert het demoprofiel {where} (apparaat-id {facts.device_id}); "
            f"wat erin staat kon niet worden gelezen: {facts.unreadable.message('nl')}",
            f"demo: --reset removes the demo profile {where_en} (device id {facts.device_id}); "
            f"what it holds could not be read: {facts.unreadable.message('en')}",
        )
        return
    _say(
        f"demo: --reset verwijdert het demoprofiel {where}: {facts.documents} documenten, "
        f"{facts.clients} cliënten, apparaat-id {facts.device_id}.",
        f"demo: --reset removes the demo profile {where_en}: {facts.documents} documents, "
        f"{facts.clients} clients, device id {facts.device_id}.",
    )


def say_unfinished(facts: DemoFacts) -> None:
    _say(
        f"demo: het demoprofiel '{facts.name}' is nooit af gekomen (het bouwen werd onderbroken); "
        "het wordt opnieuw gebouwd.",
        f"demo: the demo profile '{facts.name}' was never finished (building it was interrupted); "
        "it is built anew.",
    )


def say_building(size: str, node_id: str) -> None:
    _say(
        f"demo: het demoprofiel wordt gebouwd ({'klein' if size == 'small' else 'groot'}, voor {node_id})…",
        f"demo: building the demo profile ({size}, for {node_id})…",
    )


def say_kept(facts: DemoFacts, asked_otherwise: list[tuple[str, object, object]]) -> None:
    kind = f"{facts.size}-demo" if facts.size else "demo"
    kind_en = f"{facts.size} demo" if facts.size else "demo"
    _say(
        f"demo: het bestaande demoprofiel '{facts.name}' is bewaard zoals het is ({kind} voor "
        f"{facts.node_id}, rol {role_label(facts.role, 'nl')}, {facts.clients} cliënten); "
        "'veld demo --reset' bouwt het opnieuw.",
        f"demo: kept the existing demo profile '{facts.name}' as it is ({kind_en} for {facts.node_id}, "
        f"role {role_label(facts.role, 'en')}, {facts.clients} clients); 'veld demo --reset' builds it anew.",
    )
    for option, asked, kept in asked_otherwise:
        given = f"--{option} {asked}"
        _say(
            f"demo: {given} wordt niet toegepast: dit demoprofiel is gebouwd met "
            f"--{option} {kept if kept is not None else '(onbekend)'}. 'veld demo --reset {given}' "
            "bouwt het opnieuw (wat erin is gedaan, gaat dan verloren).",
            f"demo: {given} is not applied: this demo profile was built with "
            f"--{option} {kept if kept is not None else '(unknown)'}. 'veld demo --reset {given}' "
            "builds it anew (what was done in it is then lost).",
        )


def _build(*, size: str, node_id: str, role: str, seed: int) -> Session:
    """A new demo profile, its steps drawn on a terminal (a large one takes half a minute)."""
    from veldclient.cli_progress import Bar, on_terminal
    from veldclient.services import demo

    say_building(size, node_id)
    with Bar(demo.steps(), enabled=on_terminal()) as bar:
        return demo.build_demo(size=size, node_id=node_id, role=role, seed=seed, progress=bar)


@click.command("demo", cls=SaysHelp)
@click.option("--no-tui", is_flag=True, help="Only prepare the demo profile and print where it is.")
@click.option(
    "--reset", is_flag=True, help="Remove the demo profile (saying what it holds) and build it anew."
)
@click.option("--size", type=click.Choice(["small", "large"]), help="Size of a new demo (small).")
@click.option("--node", "node_id", help="Node of a new demo (enschede-centrum).")
@click.option("--role", type=click.Choice(profmod.ROLES), help="Role of a new demo (nurse).")
@click.option("--seed", type=int, help="Seed of a new demo's data (7).")
@handles_errors
def demo_command(
    no_tui: bool, reset: bool, size: str | None, node_id: str | None, role: str | None, seed: int | None
) -> None:
    """Open the demo profile with Twente demo data, building it the first time; --reset builds it anew."""
    from veldclient.services import demo

    profmod.check_node_and_role(node_id or demo.DEFAULT_NODE, role or demo.DEFAULT_ROLE)
    if reset and demo.exists():
        say_removing(demo.describe())
        demo.remove_demo()
    session = None
    if demo.exists():
        session, kept = demo.open_demo()
        if kept.finished:
            say_kept(kept, kept.asked_otherwise(size=size, node=node_id, role=role, seed=seed))
        else:
            session.close()
            session = None
            say_unfinished(kept)
            demo.remove_demo()
    if session is None:
        session = _build(
            size=size or demo.DEFAULT_SIZE,
            node_id=node_id or demo.DEFAULT_NODE,
            role=role or demo.DEFAULT_ROLE,
            seed=demo.DEFAULT_SEED if seed is None else seed,
        )
    if no_tui:
        try:
            st = demo.facts(session)
        finally:
            session.close()
        _say(
            f"Demoprofiel '{st.name}' staat klaar in {st.folder}",
            f"Demo profile '{st.name}' ready at {st.folder}",
        )
        _say(
            f"  knooppunt {st.node_id}, rol {role_label(st.role, 'nl')}, {st.clients} cliënten,"
            f" {st.volunteers} vrijwilligers",
            f"  node {st.node_id}, role {role_label(st.role, 'en')}, {st.clients} clients,"
            f" {st.volunteers} volunteers",
        )
        _say(
            f"  openen met: veld --profile {st.name}   (wachtwoord: {demo.demo_passphrase()})",
            f"  open it with: veld --profile {st.name}   (passphrase: {demo.demo_passphrase()})",
        )
        return
    from veldclient.app import run_app

    exit_with_app(run_app(session))
