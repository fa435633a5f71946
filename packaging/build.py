"""Build the one-folder ``veld`` program with PyInstaller: ``dist/veld/`` (docs/install.md).

    python packaging/build.py [--dist DIR] [--work DIR]

Run it with the Python that has veldclient and its dependencies installed with the build extra
(``pip install -e '.[build]'``, or ``'.[build,relay]'`` to bundle nats-server for ``veld relay
serve``). The same script and spec (packaging/veld.spec) build on Linux, macOS and Windows; a build
runs on the system and processor it was made on, so each is made on its own kind of machine.

First the package is laid out as an installed one would be (``stage/veldclient`` with its
``sync``, ``screens`` and ``fixtures`` sub-packages in place): an editable install maps those from
the repository's top-level folders with an import hook PyInstaller cannot follow.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "veld.spec"
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc")


def stage(out: Path) -> Path:
    """``out/veldclient`` as pyproject.toml's package-dir lays it out; returns ``out``."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    package_dir: dict[str, str] = config["tool"]["setuptools"]["package-dir"]
    if out.exists():
        shutil.rmtree(out)
    # the package itself first, then each mapped sub-package into its place inside it
    for name, source in sorted(package_dir.items(), key=lambda item: item[0].count(".")):
        target = out.joinpath(*name.split("."))
        shutil.copytree(ROOT / source, target, ignore=SKIP, dirs_exist_ok=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description="Build dist/veld/ with PyInstaller.")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where veld/ is made")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller", help="build files")
    args = parser.parse_args()
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        print("build.py: PyInstaller is missing: pip install -e '.[build]'", file=sys.stderr)
        return 2
    work: Path = args.work.resolve()
    staged = stage(work / "stage")
    env = {**os.environ, "VELD_BUILD_STAGE": str(staged)}
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--log-level",
        "WARN",
        "--distpath",
        str(args.dist.resolve()),
        "--workpath",
        str(work),
        str(SPEC),
    ]
    # from the work folder: `python -m` puts the current folder first on sys.path, and the
    # repository's own veldclient/ (without its mapped sub-packages) must not be found there
    done = subprocess.run(command, env=env, cwd=work, check=False)
    if done.returncode == 0:
        program = args.dist.resolve() / "veld" / ("veld.exe" if os.name == "nt" else "veld")
        print(f"built: {program}")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
