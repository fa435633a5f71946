"""One browser tab's app process, started by ``veld web`` (veldclient/web_server.py) per websocket.

Run as ``python -m veldclient.web_tab PROFILE``; the browser's address comes in ``VELD_WEB_PEER``.
The environment it gets holds no passphrase (web_server.child_environment), and the keyring is not
used: the tab opens locked and asks for the passphrase in the page (screens/passphrase.py).

The server ends a tab's process when the tab closes or the server stops; should the server itself be
killed (SIGKILL, a crash), :func:`watch_parent` ends the app here: nothing else would tell it.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import Any

PEER_ENV = "VELD_WEB_PEER"
PARENT_POLL_S = 1.0
EXIT_GRACE_S = 10.0  # after the server is gone, the app's own exit (which audits the end) gets this long


def watch_parent(app: Any) -> None:
    """Exit the app once the process that started it (``veld web``) is gone; the thread is a daemon."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_S)
        app.call_from_thread(app.exit)
        time.sleep(EXIT_GRACE_S)
        os._exit(1)  # the app did not end by itself: no server will ever read it again

    threading.Thread(target=watch, name="veld-web-parent", daemon=True).start()


def main(argv: list[str]) -> int:
    from veldclient import language
    from veldclient import profile as profmod
    from veldclient.screens.app import VeldApp
    from veldclient.screens.unlock import WebUnlocking

    language.bind(language.choose())
    if len(argv) != 1:
        print("usage: python -m veldclient.web_tab PROFILE", file=sys.stderr)
        return 2
    opening = WebUnlocking(profmod.load(argv[0]), os.environ.get(PEER_ENV) or None)
    try:
        app = VeldApp(opening)
        watch_parent(app)
        app.run()
    finally:
        opening.close()  # audits the end of an unlocked session
    code = app.return_code or 0
    return (
        2 if opening.failure is not None and not isinstance(opening.failure, ConnectionAbortedError) else code
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
