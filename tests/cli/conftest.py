"""Run `veld` as a user would: a subprocess with its own environment (data root, passphrase, clock)."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from testenv import FROZEN_NOW_MS, PASSPHRASE

# `veld demo --no-tui` runs of this test process, by options: a build takes seconds (a year of bed
# history), a copy of the demo's folder milliseconds. Tests of `veld demo` itself call it directly.
_DEMOS: dict[tuple[str, ...], Path] = {}
_CACHE = Path(tempfile.mkdtemp(prefix="veld-cli-demo-cache-"))
atexit.register(shutil.rmtree, _CACHE, True)


class Veld:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.env = {
            **os.environ,
            "VELD_HOME": str(home),
            "VELD_PASSPHRASE": PASSPHRASE,
            "VELD_KDF_MEMORY_KIB": "8192",
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            "VELD_NOW": str(FROZEN_NOW_MS),
            "VELD_LANG": "en",
        }

    def __call__(self, *args: str, check: bool = True, **env: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "veldclient", *args],
            capture_output=True,
            text=True,
            env={**self.env, **env},
            timeout=120,
            stdin=subprocess.DEVNULL,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"veld {' '.join(args)} failed ({result.returncode}): {result.stderr}")
        return result

    def demo(self, *options: str, **env: str) -> None:
        """The demo profile as `veld demo --no-tui OPTIONS` leaves it, for a test that starts from it:
        built by that command once in this test process, then copied into this test's data root."""
        key = (*options, *sorted(f"{k}={v}" for k, v in env.items()))
        folder = self.home / "profiles" / "demo"
        if key in _DEMOS:
            shutil.copytree(_DEMOS[key], folder)
            return
        self("demo", "--no-tui", *options, **env)
        _DEMOS[key] = shutil.copytree(folder, _CACHE / str(len(_DEMOS)))


@pytest.fixture
def veld(isolated_env: Path) -> Veld:
    return Veld(isolated_env)
