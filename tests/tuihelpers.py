"""Deterministic apps for pilot and snapshot tests: a small demo profile on a frozen clock, a fixed
device id, Dutch, the default theme, no cursor blink, no animation."""

from __future__ import annotations

import atexit
import dataclasses
import shutil
import tempfile
from pathlib import Path

from testenv import FROZEN_NOW_MS, FakeClock

FIXED_DEVICE_ID = "ab" * 32
SIZE = (130, 40)

# Built demo profiles of this test process, by (role, node, size, mesh): a build takes seconds (a year
# of bed history), a copy of its folder milliseconds, and the copy holds the same bytes.
_BUILT: dict[tuple[str, str, str, bool], Path] = {}
_CACHE = Path(tempfile.mkdtemp(prefix="veld-demo-cache-"))
atexit.register(shutil.rmtree, _CACHE, True)


def demo_session(
    role: str = "nurse", node: str = "enschede-centrum", size: str = "small", mesh: bool = False
):
    """The demo profile (fixed seed, frozen clock) as a session; its device id made constant.
    ``mesh``: with what other nodes did (the referral, the double-booked slot), as `veld demo`.
    Every call starts from a fresh copy of the demo as it was built, whatever earlier tests did."""
    from veldclient import locations
    from veldclient.services import demo
    from veldclient.services.session import open_session

    demo.remove_demo()
    key = (role, node, size, mesh)
    folder = locations.profile_dir(locations.DEMO_PROFILE)
    if key in _BUILT:
        folder.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(_BUILT[key], folder)
    else:
        demo.build_demo(size=size, node_id=node, role=role, clock=FakeClock(FROZEN_NOW_MS), mesh=mesh).close()
        _BUILT[key] = shutil.copytree(folder, _CACHE / "-".join(map(str, key)))
    session = open_session(
        locations.DEMO_PROFILE, passphrase=demo.demo_passphrase(), clock=FakeClock(FROZEN_NOW_MS)
    )
    session.profile = dataclasses.replace(session.profile, device_id=FIXED_DEVICE_ID)
    return session


def make_app(session, start: str = "dashboard", lang: str = "nl"):
    from veldclient.screens.app import VeldApp

    app = VeldApp(session, start=start, lang=lang)
    app.animation_level = "none"
    return app


def screen_text(app) -> str:
    """What the terminal shows, as plain text lines."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def settle(app, pilot) -> None:
    """Wait until every worker is done and the screen has caught up with their messages."""
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


def double_booked_slot(clock=None):
    """A GP slot of Enschede-Zuid booked by Hengelo and by Borne while apart, both merged at the
    publishing node: returns that node's session (the one that sees the conflict)."""
    from testenv import make_session, pair, push

    from veldclient.services import clients, slots

    clock = clock or FakeClock(FROZEN_NOW_MS)
    gp = make_session("gp", node="enschede-zuid", clock=clock)
    hengelo = make_session("a", node="hengelo", clock=clock)
    borne = make_session("b", node="borne", clock=clock)
    pair(gp, hengelo, borne)
    slot = slots.publish(gp, service="GP_CONSULT", start_at=1_795_020_000_000)[0]
    push(gp, hengelo, ["node:enschede-zuid"])
    push(gp, borne, ["node:enschede-zuid"])
    person = {"name": "Gerda Nijhuis", "birth_date": "1936-04-02", "postcode": "7555 DL"}
    slots.book(hengelo, slot.id, clients.register_client(hengelo, person).id)
    clock.advance(60_000)
    slots.book(borne, slot.id, clients.register_client(borne, {**person, "postcode": "7622 CM"}).id)
    push(hengelo, gp, ["node:hengelo"])
    push(borne, gp, ["node:borne"])
    gp.profile = dataclasses.replace(gp.profile, device_id=FIXED_DEVICE_ID)
    return gp
