"""One browser tab's app process, started by ``veld web`` (veldclient/web_server.py) per websocket.

Run as ``python -m veldclient.web_tab PROFILE``; the browser's address comes in ``VELD_WEB_PEER``.
The environment it gets holds no passphrase (web_server.child_environment), and the keyring is not
used: the tab opens locked and asks for the passphrase in the page (screens/passphrase.py).
"""

from __future__ import annotations

import os
import sys

PEER_ENV = "VELD_WEB_PEER"


def main(argv: list[str]) -> int:
    from veldclient import language
    from veldclient import profile as profmod
    from veldclient.app import run_app
    from veldclient.screens.unlock import WebUnlocking

    language.bind(language.choose())
    if len(argv) != 1:
        print("usage: python -m veldclient.web_tab PROFILE", file=sys.stderr)
        return 2
    opening = WebUnlocking(profmod.load(argv[0]), os.environ.get(PEER_ENV) or None)
    code = run_app(opening)
    return (
        2 if opening.failure is not None and not isinstance(opening.failure, ConnectionAbortedError) else code
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
