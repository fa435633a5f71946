"""``veld web``: the app in a browser through textual-serve, one app process per browser tab.

textual-serve (its ``Server`` and ``AppService``) speaks the browser's websocket and the web driver's
packet protocol; this module decides what it may not decide for us (docs/web.md):

* the page is our own template (webpage/index.html): every asset, the font included, comes from
  this server, and the words are Dutch or English;
* a tab's process gets a scrubbed environment (:func:`child_environment`): no VELD_PASSPHRASE nor
  anything else the server's environment holds beyond what the app needs, so the tab asks for the
  passphrase in the page; its command is exec'd (no shell) in its own process group;
* a websocket from another site's page is refused (its ``Origin`` must be this server), so a page
  elsewhere in the same browser cannot drive a tab;
* a tab that closes ends its process (asked to quit, then terminated, then killed), and so does
  every tab's when the server stops (:meth:`VeldWebServer.on_shutdown`).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import os
import signal
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from veldclient.web_tab import PEER_ENV

log = logging.getLogger("veld.web")

PAGE_DIR = Path(__file__).parent / "webpage"
# What a tab's app needs from the server's environment; everything else (VELD_PASSPHRASE, tokens,
# keyring settings) stays out. LC_* and XDG_* (where platformdirs finds the profiles) pass too.
KEPT = ("PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "VELD_HOME", "VELD_LANG")
KEPT_PREFIXES = ("LC_", "XDG_")
# Kept only for tests and demos, which freeze the clock and shorten waits (never secrets).
KEPT_FOR_TESTS = ("VELD_NOW", "VELD_LOCK_WAIT_S", "NO_COLOR")
QUIT_WAIT_S = 5.0  # a tab's app, asked to quit, has this long before it is terminated
TERM_WAIT_S = 3.0  # then this long before it is killed

PAGE_WORDS = {
    "nl": {
        "opening": "veldclient wordt geopend…",
        "closed": "De sessie is gesloten.",
        "again": "Opnieuw openen",
    },
    "en": {"opening": "Opening veldclient…", "closed": "The session has ended.", "again": "Open again"},
}


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable only from this machine (``localhost`` or a loopback address)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def child_environment(base: Mapping[str, str], width: int, height: int, peer: str | None) -> dict[str, str]:
    """The environment of one tab's app: the few variables it needs, textual's web driver, the
    browser's address, and nothing secret."""
    env = {k: v for k, v in base.items() if k in KEPT or k in KEPT_FOR_TESTS or k.startswith(KEPT_PREFIXES)}
    env.update(
        TEXTUAL_DRIVER="textual.drivers.web_driver:WebDriver",
        TEXTUAL_FPS="60",
        TEXTUAL_COLOR_SYSTEM="truecolor",
        TERM_PROGRAM="textual",
        COLUMNS=str(width),
        ROWS=str(height),
        PYTHONUNBUFFERED="1",
    )
    if peer:
        env[PEER_ENV] = peer
    return env


class TabProcess(AppService):
    """textual-serve's AppService for one tab, with our environment, an exec'd command in its own
    process group, and a stop that always ends the process."""

    def __init__(self, argv: list[str], peer: str | None, **kwargs: Any) -> None:
        super().__init__(" ".join(argv), **kwargs)
        self.argv = argv
        self.peer = peer

    async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=child_environment(os.environ, width, height, self.peer),
            start_new_session=True,  # its own process group: ended whole, never by the terminal's ^C
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def stop(self) -> None:
        """Ask the app to quit (it audits the session's end), then terminate, then kill it."""
        process = self._process
        if process is None:
            return
        if process.returncode is None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(super().stop(), QUIT_WAIT_S)
        for sig, wait in ((signal.SIGTERM, TERM_WAIT_S), (signal.SIGKILL, None)):
            if process.returncode is not None:
                break
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(process.wait(), wait)
        task: asyncio.Task[None] | None = self._task  # type: ignore[has-type]
        if task is not None:
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
            self._task = None


class VeldWebServer(Server):
    """Serve ``veld`` for ``profile`` on ``host:port``; ``say`` prints a line for the person who
    started it: ``say("opened" | "closed", browser address, process id)``."""

    def __init__(
        self,
        profile: str,
        host: str,
        port: int,
        lang: str,
        say: Callable[[str, str | None, int | None], None],
    ) -> None:
        super().__init__(
            command=f"{sys.executable} -m veldclient.web_tab {profile}",
            host=host,
            port=port,
            title=f"veldclient · {profile}",
            templates_path=PAGE_DIR,
        )
        self.profile = profile
        self.lang = lang
        self.say = say
        self.tabs: set[TabProcess] = set()

    def initialize_logging(self) -> None:
        """textual-serve's logo and rich log are not for a coordinator: ``say`` tells what happens."""
        logging.basicConfig(level=logging.WARNING)

    async def on_startup(self, app: web.Application) -> None:
        """Nothing to print here: the CLI says where the page is before serving."""

    async def on_shutdown(self, app: web.Application) -> None:
        """Every tab's process ends with the server (Ctrl+C, SIGTERM)."""
        await asyncio.gather(*(tab.stop() for tab in list(self.tabs)), return_exceptions=True)

    async def handle_index(self, request: web.Request) -> web.Response:
        """The page, its URLs built from the address the browser used (works for any --host)."""
        scheme = "wss" if request.secure else "ws"
        words = PAGE_WORDS[self.lang]
        context = {
            "lang": self.lang,
            "title": self.title,
            "static_url": "/static/",
            "websocket_url": f"{scheme}://{request.host}/ws",
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            **words,
        }
        response = aiohttp_jinja2.render_template("index.html", request, context)
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; connect-src 'self'; script-src 'self' 'unsafe-inline';"
            " style-src 'self' 'unsafe-inline'; font-src 'self'; img-src 'self' data:"
        )
        response.headers["Cache-Control"] = "no-store"
        return response

    def _same_origin(self, request: web.Request) -> bool:
        origin = request.headers.get("Origin")
        if origin is None:
            return True  # not a browser page (a browser always sends one with a websocket)
        return urlsplit(origin).netloc == request.host

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One tab: its own app process for as long as its websocket is open."""
        if not self._same_origin(request):
            raise web.HTTPForbidden(text="origin")
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        peer = request.remote
        tab = TabProcess(
            [sys.executable, "-m", "veldclient.web_tab", self.profile],
            peer,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
        )
        await websocket.prepare(request)
        self.tabs.add(tab)
        try:
            await tab.start(width, height)
            self.say("opened", peer, tab.pid)
            await self._process_messages(websocket, tab)
        except asyncio.CancelledError:
            await websocket.close()
            raise
        finally:
            try:
                await tab.stop()
            finally:
                self.tabs.discard(tab)
                self.say("closed", peer, tab.pid)
        return websocket
