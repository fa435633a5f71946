"""Headless Chromium (Debian's ``chromium``) driven over the DevTools protocol with aiohttp's
websocket client: no Playwright, no Selenium. Used by the ``veld web`` browser tests.

The page's terminal is drawn by xterm.js on a canvas, so there is no text in the DOM to read. What
the app wrote is read where it travels: the websocket frames the page receives (Network domain),
decoded and stripped of escape sequences (:meth:`Page.screen_text`). Every request the page makes is
kept (:attr:`Page.requests`) so a test can check that nothing left this machine.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp

CHROMIUM = shutil.which("chromium")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-port=0",
    "--window-size=1280,800",
)
# CSI and OSC sequences, and the other ESC-introduced ones, as Textual's web driver writes them
ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
KEYS = {
    "Enter": {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13, "text": "\r"},
    "F3": {"key": "F3", "code": "F3", "windowsVirtualKeyCode": 114},
    "F10": {"key": "F10", "code": "F10", "windowsVirtualKeyCode": 121},
}


def command_line(profile_dir: Path) -> list[str]:
    assert CHROMIUM is not None
    return [CHROMIUM, *FLAGS, f"--user-data-dir={profile_dir}", "about:blank"]


class Page:
    """One page target over its own DevTools websocket."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future[Any]] = {}
        self.requests: list[str] = []
        self.frames = bytearray()  # every binary websocket frame the page received, in order
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for message in self.ws:
            data = json.loads(message.data)
            if "id" in data:
                future = self._waiting.pop(data["id"], None)
                if future is not None and not future.done():
                    if "error" in data:
                        future.set_exception(RuntimeError(f"CDP error: {data['error']}"))
                    else:
                        future.set_result(data.get("result", {}))
                continue
            method, params = data.get("method"), data.get("params", {})
            if method == "Network.requestWillBeSent":
                self.requests.append(params["request"]["url"])
            elif method == "Network.webSocketCreated":
                self.requests.append(params["url"])
            elif method == "Network.webSocketFrameReceived":
                frame = params["response"]
                if frame.get("opcode") == 2:
                    self.frames += base64.b64decode(frame["payloadData"])

    async def send(self, method: str, **params: Any) -> Any:
        call_id = next(self._ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiting[call_id] = future
        await self.ws.send_str(json.dumps({"id": call_id, "method": method, "params": params}))
        return await asyncio.wait_for(future, 30)

    def screen_text(self, since: int = 0) -> str:
        """What the app wrote since byte ``since`` of :attr:`frames`, escape sequences removed."""
        return ESCAPES.sub(b"", bytes(self.frames[since:])).decode("utf-8", "replace")

    async def wait_for_text(self, text: str, since: int = 0, timeout: float = 30) -> str:
        """Wait until the app has written ``text`` (after byte ``since``); the screen text so far."""
        deadline = time.monotonic() + timeout
        while True:
            seen = self.screen_text(since)
            if text in seen:
                return seen
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared; the page showed:\n{seen[-3000:]}")
            await asyncio.sleep(0.2)

    async def focus_terminal(self) -> None:
        await self.send(
            "Runtime.evaluate", expression="document.querySelector('.xterm-helper-textarea').focus()"
        )

    async def type_text(self, text: str) -> None:
        await self.send("Input.insertText", text=text)

    async def press(self, name: str) -> None:
        key = KEYS[name]
        await self.send("Input.dispatchKeyEvent", type="keyDown", **key)
        await self.send(
            "Input.dispatchKeyEvent", type="keyUp", **{k: v for k, v in key.items() if k != "text"}
        )

    async def screenshot(self, path: Path) -> Path:
        shot = await self.send("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    async def close(self) -> None:
        self._reader.cancel()
        with contextlib.suppress(BaseException):
            await self._reader
        await self.ws.close()


@contextlib.asynccontextmanager
async def chromium(workdir: Path | None = None) -> AsyncIterator[tuple[aiohttp.ClientSession, int]]:
    """A headless Chromium for the block; yields an HTTP session and its DevTools port."""
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        profile = Path(tmp) / "chromium-profile"
        process = subprocess.Popen(
            command_line(profile),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            active = profile / "DevToolsActivePort"
            deadline = time.monotonic() + 30
            while not active.exists() or not active.read_text().strip():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("chromium did not start (no DevToolsActivePort)")
                await asyncio.sleep(0.1)
            port = int(active.read_text().split()[0])
            async with aiohttp.ClientSession() as http:
                yield http, port
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextlib.asynccontextmanager
async def open_page(http: aiohttp.ClientSession, port: int, url: str) -> AsyncIterator[Page]:
    """A new tab on ``url``, with network events on from before the first request."""
    async with http.put(f"http://127.0.0.1:{port}/json/new?about:blank") as response:
        target = await response.json()
    ws = await http.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0)
    page = Page(ws)
    try:
        await page.send("Network.enable")
        await page.send("Page.enable")
        await page.send("Page.navigate", url=url)
        yield page
    finally:
        with contextlib.suppress(Exception):
            await page.send("Page.close")
        await page.close()
