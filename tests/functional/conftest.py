"""Pilot tests drive the real app headless; see tests/tuihelpers.py for the deterministic setup."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def no_animation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")


@pytest.fixture(autouse=True)
def dutch():
    """Every pilot test starts in Dutch (the default) and leaves the catalogue in Dutch."""
    from veldclient.screens import i18n

    i18n.set_language("nl")
    yield
    i18n.set_language("nl")
