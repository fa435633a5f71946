"""The layers of docs/architecture.md hold: import-linter checks the contracts in pyproject.toml
(``[tool.importlinter]``) on every run, and a broken one fails with lint-imports' own report.

import-linter finds a package's modules by walking the package's one folder, but sync, screens and
fixtures are subpackages of veldclient kept in folders of their own ([tool.setuptools.package-dir]).
So the package is first laid out as it is installed, a copy of each folder at its package's place,
and lint-imports runs on that copy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = ROOT / "pyproject.toml"


def installed_layout(into: Path) -> Path:
    """The veldclient package under ``into`` as pip installs it; returns ``into`` for PYTHONPATH."""
    folders = tomllib.loads(PYPROJECT.read_text())["tool"]["setuptools"]["package-dir"]
    for package, folder in sorted(folders.items()):  # the top package before its subpackages
        shutil.copytree(
            ROOT / folder,
            into.joinpath(*package.split(".")),
            ignore=shutil.ignore_patterns("__pycache__"),
            dirs_exist_ok=True,
        )
    return into


def lint_imports(path: Path) -> subprocess.CompletedProcess[str]:
    command = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(command), "--no-cache", "--no-logo", str(PYPROJECT)],
        cwd=path,
        env={**os.environ, "PYTHONPATH": str(path)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_every_import_keeps_to_the_layers(tmp_path: Path) -> None:
    # A layer that lint-imports cannot find is an error of its own ("Missing layer"), so passing
    # also says that every layer of the contract was seen.
    result = lint_imports(installed_layout(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_import_up_the_layers_is_caught(tmp_path: Path) -> None:
    """The check above can fail: sync importing services breaks the layers contract."""
    path = installed_layout(tmp_path)
    wire = path / "veldclient" / "sync" / "wire.py"
    wire.write_text(wire.read_text() + "\nfrom veldclient.services import sync_service  # noqa\n")
    result = lint_imports(path)
    assert result.returncode != 0
    assert "veldclient.sync is not allowed to import veldclient.services" in result.stdout


def _contract(contract_id: str) -> dict[str, object]:
    contracts = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["contracts"]
    return next(c for c in contracts if c["id"] == contract_id)


def test_every_module_of_the_package_has_a_layer() -> None:
    """A module no layer names is checked by no contract: each new one must be placed."""
    named = {
        name.strip()
        for layer in _contract("layers")["layers"]  # type: ignore[attr-defined]
        for name in layer.replace("|", ":").split(":")
    }
    modules = {p.stem for p in (ROOT / "veldclient").glob("*.py") if p.stem != "__init__"}
    packages = {p.parent.name for p in (ROOT / "veldclient").glob("*/__init__.py")}
    subpackages = {
        package.split(".")[1]
        for package in tomllib.loads(PYPROJECT.read_text())["tool"]["setuptools"]["package-dir"]
        if "." in package
    }
    assert modules | packages | subpackages <= named, sorted((modules | packages | subpackages) - named)


def test_everything_below_the_screens_is_held_headless() -> None:
    """The headless contract names every layer below the screens."""
    layers = _contract("layers")["layers"]  # type: ignore[index]
    below = {
        f"veldclient.{name.strip()}"
        for layer in layers[2:]  # type: ignore[index]
        for name in layer.replace("|", ":").split(":")
    }
    assert below <= set(_contract("headless")["source_modules"])  # type: ignore[arg-type]
