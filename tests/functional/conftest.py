"""Pilot tests drive the real app headless; see tests/tuihelpers.py for the deterministic setup."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def no_animation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
