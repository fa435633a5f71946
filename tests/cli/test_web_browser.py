"""`veld web` in headless Chromium (Debian's ``chromium``, driven over DevTools: tests/cdp.py).

One walk as a coordinator at a coordination point would take it: the page loads, a wrong
passphrase is refused in the page, the right one shows the dashboard (which says the tab does not
sync by itself), F3 changes the screen; every request stays on 127.0.0.1. Around it, the processes:
one app process per open tab, started without the server's VELD_PASSPHRASE, gone when its tab
closes, and all gone when the server is stopped with SIGTERM. The audit log holds each tab's start
and end with the browser's address.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cdp import CHROMIUM, chromium, command_line, open_page
from relayhelpers import free_port
from testenv import PASSPHRASE

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install -y chromium; .ci/run does)"
)


def tab_processes(server: subprocess.Popen[str]) -> list[int]:
    """The server's child processes (each one a tab's app), from /proc (no ps needed)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # ended while we looked
        if int(fields[1]) == server.pid:
            children.append(int(stat.parent.name))
    return children


def alive(pid: int) -> bool:
    """Running (an orphan that ended may stay a zombie until init reaps it: that counts as ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def wait_until(done, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.1)


def start_server(veld, port: int) -> subprocess.Popen[str]:
    server = subprocess.Popen(
        [sys.executable, "-m", "veldclient", "--profile", "coord", "web", "--port", str(port)],
        env=veld.env,  # VELD_PASSPHRASE included: the tabs must not get it
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    line = server.stdout.readline()
    assert f"http://127.0.0.1:{port}/" in line, line + server.stderr.read()
    return server


async def unlock(page, passphrase: str) -> None:
    await page.wait_for_text("Enter this profile's passphrase.")
    await page.focus_terminal()
    mark = len(page.frames)
    await page.type_text(passphrase)
    await page.press("Enter")
    await page.wait_for_text("Browser session: this tab does not sync by itself", since=mark)


async def test_the_app_in_a_browser(veld, tmp_path_factory):
    veld("--profile", "coord", "init", "--node", "borne", "--role", "coordinator", "--no-keyring")
    port = free_port()
    shots = tmp_path_factory.getbasetemp() / "veld-web"
    shots.mkdir(exist_ok=True)
    print("chromium:", " ".join(command_line(Path("<tmp>/chromium-profile"))))
    server = start_server(veld, port)
    try:
        async with chromium(tmp_path_factory.getbasetemp()) as (http, devtools):
            async with open_page(http, devtools, f"http://127.0.0.1:{port}/") as page:
                await page.wait_for_text("Enter this profile's passphrase.")
                [tab] = tab_processes(server)
                environ = Path(f"/proc/{tab}/environ").read_bytes().split(b"\0")
                assert not [v for v in environ if v.startswith(b"VELD_PASSPHRASE=")]
                assert b"VELD_WEB_PEER=127.0.0.1" in environ

                await page.focus_terminal()
                await page.type_text("not the passphrase")
                await page.press("Enter")
                await page.wait_for_text("Wrong passphrase: the database was not opened. 4 tries left.")
                await page.screenshot(shots / "wrong-passphrase.png")

                await unlock(page, PASSPHRASE)
                await page.wait_for_text("Free beds across the network")
                shot = await page.screenshot(shots / "dashboard.png")
                print("screenshot:", shot)

                mark = len(page.frames)
                await page.press("F3")
                await page.wait_for_text("Press e to report this row's beds.", since=mark)
                await page.screenshot(shots / "capacity.png")

                requests = list(page.requests)
            assert requests, "the page made no request"
            outside = [
                u
                for u in requests
                if not u.startswith((f"http://127.0.0.1:{port}/", f"ws://127.0.0.1:{port}/"))
            ]
            assert outside == [], f"the page fetched from elsewhere: {outside}"
            wait_until(lambda: tab_processes(server) == [], "the closed tab's app process ended")
            assert not alive(tab)

            # Two tabs: two processes (one each, no background sync in either); SIGTERM ends them all
            async with (
                open_page(http, devtools, f"http://127.0.0.1:{port}/") as first,
                open_page(http, devtools, f"http://127.0.0.1:{port}/") as second,
            ):
                await unlock(first, PASSPHRASE)
                await second.wait_for_text("Enter this profile's passphrase.")
                tabs = tab_processes(server)
                assert len(tabs) == 2
                server.send_signal(signal.SIGTERM)
                assert server.wait(60) == 0
                for pid in tabs:
                    wait_until(lambda pid=pid: not alive(pid), f"tab process {pid} ended")
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    out = server.stdout.read() if server.stdout else ""
    assert out.count("browser tab opened from 127.0.0.1") == 3
    assert out.count("browser tab closed: 127.0.0.1") == 3

    from veldclient.services.session import open_session

    session = open_session("coord", passphrase=PASSPHRASE)
    try:
        entries = [(e.event, e.detail) for e in reversed(session.audit_log.entries(limit=50))]
    finally:
        session.close()
    web = [(event, detail["peer"]) for event, detail in entries if event.startswith("web.session_")]
    assert web == [
        ("web.session_start", "127.0.0.1"),
        ("web.session_end", "127.0.0.1"),
        ("web.session_start", "127.0.0.1"),
        ("web.session_end", "127.0.0.1"),
    ]
    assert os.path.getsize(shots / "dashboard.png") > 10_000


async def test_a_killed_server_leaves_no_tab_process(veld, tmp_path_factory):
    """SIGKILL gives the server no chance to end its tabs: each tab's app sees it is gone and exits,
    auditing the end of its session (veldclient/web_tab.py)."""
    veld("--profile", "coord", "init", "--node", "borne", "--role", "coordinator", "--no-keyring")
    port = free_port()
    server = start_server(veld, port)
    try:
        async with (
            chromium(tmp_path_factory.getbasetemp()) as (http, devtools),
            open_page(http, devtools, f"http://127.0.0.1:{port}/") as page,
        ):
            await unlock(page, PASSPHRASE)
            [tab] = tab_processes(server)
            server.kill()
            server.wait()
            wait_until(lambda: not alive(tab), "the orphaned tab process ended")
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    from veldclient.services.session import open_session

    session = open_session("coord", passphrase=PASSPHRASE)
    try:
        events = [e.event for e in reversed(session.audit_log.entries(limit=50))]
    finally:
        session.close()
    assert [e for e in events if e.startswith("web.session_")] == ["web.session_start", "web.session_end"]
