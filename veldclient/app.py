"""Wiring: the only core module that knows the Textual app exists. Imported lazily by the CLI."""

from __future__ import annotations

from veldclient.services.session import Session


def run_app(session: Session) -> None:
    from veldclient.screens.app import VeldApp

    try:
        VeldApp(session).run()
    finally:
        session.close()
