"""Core and sync run headless: importing them must never pull in textual (checked in a clean process)."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEADLESS = [
    "veldclient",
    "veldclient.sync",
    "veldclient.cli",
    "veldclient.session",
    "veldclient.services.session",
    "veldclient.services.status",
    "veldclient.services.clients",
    "veldclient.services.roster",
    "veldclient.services.demo",
    "veldclient.fixtures.generator",
    "veldclient.store.repo",
    "veldclient.domain",
    "veldclient.services.roster_view",
    "veldclient.services.caseload_view",
    "veldclient.services.dashboard_view",
    "veldclient.services.audit_view",
    "veldclient.services.conflicts",
]


@pytest.mark.parametrize("module", HEADLESS)
def test_module_does_not_import_textual(module: str) -> None:
    code = f"import sys, {module}; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", f"{module} imports textual"


def test_screens_do_import_textual() -> None:
    """The check above can fail: the screens package really does pull textual in."""
    code = "import sys, veldclient.screens.app; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"


@pytest.mark.parametrize(
    "module",
    [
        "veldclient.cli",
        "veldclient.cli_fhir",
        "veldclient.services.fhir_export",
        "veldclient.screens.app",
        "veldclient.screens.capacity_board",
    ],
)
def test_fhir_library_loads_only_when_exporting(module: str) -> None:
    """``fhir.resources`` (and pydantic under it) is loaded by the export itself, so neither `veld`
    nor the app pays for it at start."""
    code = f"import sys, {module}; print(any(m.split('.')[0] in ('fhir', 'pydantic') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", f"{module} imports fhir.resources or pydantic"
