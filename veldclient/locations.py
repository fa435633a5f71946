"""Where veldclient keeps its files: one place, so `veld locate` and tests agree.

`VELD_HOME` overrides the data root (tests, portable installs on a USB stick); otherwise the platform's
user data directory (platformdirs). Each profile is one folder below ``profiles/``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import platformdirs

from veldclient.errors import ProfileError

APP_NAME = "veldclient"
DEFAULT_PROFILE = "default"
DEMO_PROFILE = "demo"
_PROFILE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def data_root() -> Path:
    home = os.environ.get("VELD_HOME")
    if home:
        return Path(home).expanduser().resolve()
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def profiles_root() -> Path:
    return data_root() / "profiles"


def check_profile_name(name: str) -> str:
    if not _PROFILE_NAME.match(name):
        raise ProfileError(
            f"Ongeldige profielnaam '{name}': gebruik kleine letters, cijfers, - en _.",
            f"Invalid profile name '{name}': use lower-case letters, digits, - and _.",
        )
    return name


def profile_dir(name: str) -> Path:
    return profiles_root() / check_profile_name(name)


def database_path(name: str) -> Path:
    return profile_dir(name) / "veld.db"


def quarantine_dir(name: str) -> Path:
    """Bundles and files that failed verification are kept here with their reason, never deleted."""
    return profile_dir(name) / "quarantine"
