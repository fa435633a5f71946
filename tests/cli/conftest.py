"""Run `veld` as a user would: a subprocess with its own environment (data root, passphrase, clock)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from testenv import FROZEN_NOW_MS, PASSPHRASE


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


@pytest.fixture
def veld(isolated_env: Path) -> Veld:
    return Veld(isolated_env)
