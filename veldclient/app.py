"""Wiring: the only core module that knows the Textual app exists. Imported lazily by the CLI."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from veldclient.screens.unlock import Unlocking
    from veldclient.session import Session


def run_app(session: Session | Unlocking) -> int:
    """Run the app until it closes and return its return code.

    Textual does not raise an error that escaped the app: it prints the traceback on exit and sets
    the return code to 1. The code is returned so that the CLI exits with it.
    """
    from veldclient.screens.app import VeldApp

    try:
        app = VeldApp(session)
        app.run()
    finally:
        session.close()
    return app.return_code or 0
