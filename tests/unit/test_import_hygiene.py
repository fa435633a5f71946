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


@pytest.mark.parametrize(
    "module",
    [
        "veldclient.cli",
        "veldclient.screens.app",
        "veldclient.screens.dashboard",
        "veldclient.screens.capacity_board",
    ],
)
def test_the_forecast_loads_only_when_it_is_computed(module: str) -> None:
    """The forecast's model is imported by the worker or the command that computes it, not at start."""
    code = f"import sys, {module}; print('veldclient.services.forecast_model' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", f"{module} imports the forecast model"


def test_the_forecast_needs_no_numpy_statsmodels_or_pandas() -> None:
    """Computing forecasts and a backtest works with those libraries made unimportable: installing
    them would slow every `veld` command (sqlite-utils imports them whenever they are there)."""
    code = (
        "import sys\n"
        "for name in ('numpy', 'pandas', 'scipy', 'statsmodels'): sys.modules[name] = None\n"
        "from datetime import date, timedelta\n"
        "from veldclient.services import forecast, forecast_backtest\n"
        "rows = [{'node_id': 'borne', 'day': (date(2026, 1, 1) + timedelta(d)).isoformat(),"
        " 'care_type': 'GRZ',"
        " 'beds_total': 10, 'free': 3 + d % 7 // 3, 'occupied': 0, 'admissions': 1, 'discharges': 1}"
        " for d in range(70)]\n"
        "found = forecast.compute(rows, date(2026, 3, 11), 0)\n"
        "print(found.find('borne', 'GRZ').available, forecast_backtest.run(rows, weeks=2).points)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # the node and the region, each 14 days held out: 14 + 13 + 12 forecasts within the data
    assert out.stdout.split() == ["True", str(2 * (14 + 13 + 12))], out.stdout + out.stderr
