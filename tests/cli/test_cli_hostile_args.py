"""Every command refuses bad arguments and a broken profile in one line: exit code 2, one line on
stderr starting with ``veld:`` (or click's own usage error), no traceback, in Dutch and English,
and nothing written. The table covers every command `veld --help` lists (checked below)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import click
import pytest
from synchelpers import pair_peers
from testenv import FROZEN_NOW_MS, PASSPHRASE, make_session

from veldclient import keys
from veldclient.cli import main
from veldclient.db import open_database

TIMEOUT_S = 30  # a command that waits on a named pipe would hang: bounded, and then a failure


@dataclass(frozen=True)
class Case:
    id: str
    args: tuple[str, ...]
    says: str = ""  # part of the English message
    env: dict[str, str] = field(default_factory=dict)
    usage: bool = False  # click's usage error (exit 2, in VELD_LANG: tests/cli/test_cli_usage_language.py)


def case(id: str, *args: str, says: str = "", usage: bool = False, **env: str) -> Case:
    return Case(id, args, says, env, usage)


# {work}: a folder next to the data root; {fifo}: a named pipe in it; {file}: a plain file in it
CASES = [
    case("app-unknown-profile", "--profile", "nobody", says="does not exist"),
    case("init-home-is-a-file", "init", "--node", "hengelo", "--role", "nurse", "--no-keyring",
         says="profile folder", VELD_HOME="{file}"),
    case("init-unknown-node", "--profile", "new", "init", "--node", "nowhere", "--role", "nurse",
         says="Unknown node"),
    case("status-clock-garbage", "status", says="VELD_NOW", VELD_NOW="garbage"),
    case("status-profile-json-is-a-folder", "--profile", "dirjson", "status", says="is damaged"),
    case("status-profile-bad-device-id", "--profile", "baddevice", "status", says="device_id"),
    case("status-database-is-a-folder", "--profile", "dirdb", "status", says="not a file"),
    case("docs-database-damaged", "--profile", "damageddb", "docs", says="database"),
    case("status-database-damaged-at-its-start", "--profile", "damagedhead", "status", says="damaged file"),
    case("locate-bad-profile-name", "locate", "--profile", "../etc", says="Invalid profile name"),
    case("doctor-database-is-a-folder", "--profile", "dirdb", "doctor", says="not a file"),
    case("audit-log-negative-limit", "audit", "log", "--limit", "-5", usage=True),
    case("audit-verify-unknown-profile", "audit", "verify", "--profile", "nobody", says="does not exist"),
    case("demo-unknown-node", "demo", "--no-tui", "--node", "nowhere", says="Unknown node"),
    case("capacity-unknown-care-type", "capacity", "--care-type", "BOGUS", says="BOGUS"),
    case("capacity-unknown-node", "capacity", "--node", "nowhere", says="Unknown node"),
    case("capacity-unknown-capability", "capacity", "--capability", "WARP", says="WARP"),
    case("capacity-set-unknown-location", "--profile", "nurse", "capacity", "set", "nowhere", "GRZ",
         "--total", "1", "--free", "1", says="does not exist"),
    case("cases-clock-not-a-date", "--profile", "nurse", "cases", says="VELD_NOW", VELD_NOW="2026-13-45"),
    case("conflicts-profile-json-is-a-folder", "conflicts", "--profile", "dirjson", says="is damaged"),
    case("resolve-unknown-conflict", "resolve", "nothing", says="does not exist"),
    case("match-unknown-request", "--profile", "nurse", "match", "nothing", says="does not exist"),
    case("export-volunteers-unknown-request", "--profile", "nurse", "export", "volunteers", "nothing",
         "--out", "{work}/missing/x.csv", says="does not exist"),
    case("identity-export-into-missing-folder", "identity", "--export", "{work}/missing/id.json",
         says="missing"),
    case("peers-add-named-pipe", "peers", "add", "{fifo}", "--name", "x", says="not a regular file"),
    case("peers-add-junk-file", "peers", "add", "{file}", "--name", "x", says="not a veldclient"),
    case("peers-list-database-damaged", "--profile", "damageddb", "peers", "list", says="database"),
    case("peers-remove-unknown", "peers", "remove", "nobody", says="does not exist"),
    case("peers-address-invalid", "peers", "address", "bee", "no-port-here", says="expected host:port"),
    case("peers-revoke-unknown", "peers", "revoke", "nobody", says="Peer 'nobody' does not exist"),
    case("peers-invite-bad-expiry", "peers", "invite", "--role", "nurse", "--expires", "forever",
         "--out", "{work}/invitation.json", says="Expiry 'forever' is invalid"),
    case("peers-invite-into-missing-folder", "peers", "invite", "--role", "nurse",
         "--out", "{work}/missing/invitation.json", says="cannot be written"),
    case("peers-invitations-cancel-unknown", "peers", "invitations", "--cancel", "nothing",
         says="Unknown invitation"),
    case("join-named-pipe", "--profile", "newlaptop", "join", "{fifo}", says="not a regular file"),
    case("join-junk-file", "--profile", "newlaptop", "join", "{file}", says="not a veldclient invitation"),
    case("peers-discover-negative-timeout", "peers", "discover", "--timeout", "-1", usage=True),
    case("serve-port-too-large", "serve", "--port", "99999", usage=True),
    case("serve-port-negative", "serve", "--port", "-1", usage=True),
    case("sync-unknown-peer", "sync", "nobody", says="does not exist"),
    case("bundle-export-into-a-pipe", "bundle", "export", "--to", "bee", "--out", "{fifo}",
         says="is not a folder"),
    case("bundle-import-named-pipe", "bundle", "import", "{fifo}", says="not a regular file"),
    case("fhir-export-into-a-pipe", "fhir", "export", "--out", "{fifo}", says="is not a folder"),
    case("fhir-export-unknown-node", "fhir", "export", "--out", "{work}", "--node", "nowhere",
         says="Unknown node"),
    case("relay-add-not-a-relay-address", "relay", "add", "http://x", "--server-cert", "{file}",
         says="is invalid"),
    case("relay-config-out-is-a-file", "relay", "config", "--out", "{file}", usage=True),
    case("relay-push-without-a-relay", "relay", "push", says="No relay is configured"),
    case("relay-pull-without-a-relay", "relay", "pull", says="No relay is configured"),
    case("relay-status-unknown-profile", "--profile", "nobody", "relay", "status", says="does not exist"),
    case("relay-remove-unknown-profile", "--profile", "nobody", "relay", "remove", says="does not exist"),
    case("relay-serve-not-a-configuration", "relay", "serve", "--config", "{work}",
         says="not a relay configuration"),
    case("helprequest-edit-unknown", "--profile", "nurse", "helprequest", "edit", "nothing", "--summary", "x",
         says="does not exist"),
    case("helprequest-list-unknown-status", "--profile", "nurse", "helprequest", "list", "--status", "BOGUS",
         usage=True),
    case("request-new-unknown-client", "--profile", "nurse", "request", "new", "nothing", "--urgency", "U3",
         "--referrer-name", "x", "--referrer-role", "HUISARTS", "--desired-start", "2026-11-19",
         says="does not exist"),
    case("request-show-unknown", "--profile", "nurse", "request", "show", "nothing", says="does not exist"),
    case(
        "request-candidates-unknown",
        "--profile",
        "nurse",
        "request",
        "candidates",
        "nothing",
        says="does not exist",
    ),
    case("request-send-unknown", "--profile", "nurse", "request", "send", "nothing", "almelo", "--yes",
         says="does not exist"),
    case("request-withdraw-unknown", "--profile", "nurse", "request", "withdraw", "nothing",
         says="does not exist"),
    case("request-offer-unknown", "--profile", "nurse", "request", "offer", "nothing", "loc",
         says="does not exist"),
    case("request-accept-unknown", "--profile", "nurse", "request", "accept", "nothing", "offer", "--yes",
         says="does not exist"),
    case("request-decline-unknown", "--profile", "nurse", "request", "decline", "nothing",
         says="does not exist"),
    case("request-admit-unknown", "--profile", "nurse", "request", "admit", "nothing", says="does not exist"),
    case("request-discharge-unknown", "--profile", "nurse", "request", "discharge", "nothing", "HOME",
         says="does not exist"),
    case("requests-without-incoming", "--profile", "nurse", "requests", says="--incoming"),
    case("risk-as-admin", "risk", says="may not"),
    case("risk-clock-garbage", "--profile", "nurse", "risk", "--json", says="VELD_NOW", VELD_NOW="garbage"),
    case("audit-log-since-not-a-date", "audit", "log", "--since", "31-02-2026", says="is not a date"),
    case("audit-events-unknown-option", "audit", "events", "--bogus", usage=True),
    case("node-found-bad-id", "node", "found", "--id", "Bad!", "--name", "X", "--postcodes", "8011",
         "--location", "Isala; 8025 AB; Weg 1", says="is invalid"),
    case("node-retire-unknown-node", "node", "retire", "nowhere", "--yes", says="Unknown node"),
    case("nodes-unknown-profile", "--profile", "nobody", "nodes", says="does not exist"),
    case("forecast-unknown-care-type", "--profile", "nurse", "forecast", "--care-type", "BOGUS",
         says="is not a valid choice"),
    case("web-network-address-unconfirmed", "--profile", "nurse", "web", "--host", "0.0.0.0",
         says="--allow-network"),
    case("slots-list-unknown-profile", "--profile", "nobody", "slots", "list", says="does not exist"),
    case("slots-publish-start-garbage", "--profile", "nurse", "slots", "publish", "--service", "GP",
         "--start", "garbage", says="Enter date and time"),
    case("slots-book-unknown-slot", "--profile", "nurse", "slots", "book", "nothing", "--client", "x",
         says="does not exist"),
    case("slots-release-unknown-slot", "--profile", "nurse", "slots", "release", "nothing",
         says="nothing to release"),
    case("client-add-bad-birth-date", "--profile", "nurse", "client", "add", "--name", "X", "--birth-date",
         "31-02-1940", "--postcode", "7511 JM", says="--birth-date: Enter a real date"),
    case("client-edit-unknown", "--profile", "nurse", "client", "edit", "nothing", "--name", "X",
         says="does not exist"),
    case("client-archive-unknown", "--profile", "nurse", "client", "archive", "nothing",
         says="does not exist"),
    case("client-erase-unknown", "--profile", "nurse", "client", "erase", "nothing", "--yes",
         says="does not exist"),
    case("client-visit-unknown", "--profile", "nurse", "client", "visit", "nothing", "--at",
         "2026-11-18 09:30", says="does not exist"),
    case("search-zero-limit", "--profile", "nurse", "search", "jan", "--limit", "0", usage=True),
    case("helprequest-add-bad-input", "--profile", "nurse", "helprequest", "add", "--pc4", "12",
         "--end", "31-12-2026", says="pc4"),
    case("helprequest-close-unknown", "--profile", "nurse", "helprequest", "close", "nothing", "--yes",
         says="does not exist"),
    case("helprequest-matches-unknown", "--profile", "nurse", "helprequest", "matches", "nothing",
         says="does not exist"),
    case("helprequest-propose-unknown", "--profile", "nurse", "helprequest", "propose", "nothing", "nobody",
         says="does not exist"),
    *(case(f"helprequest-{step}-unknown", "--profile", "nurse", "helprequest", step, "nothing", "m", "--yes",
           says="does not exist") for step in ("confirm",)),
    *(case(f"helprequest-{step}-unknown", "--profile", "nurse", "helprequest", step, "nothing", "m",
           says="does not exist") for step in ("accept", "complete", "decline", "withdraw")),
    case("volunteer-add-too-young", "volunteer", "add", "--first-name", "A", "--last-name", "B", "--pc4",
         "7551", "--birth-year", "2015", "--max-km", "10", says="at least 16"),
    case("volunteer-edit-unknown", "volunteer", "edit", "nothing", "--pc4", "7551", says="does not exist"),
    case("volunteer-list-unknown-profile", "--profile", "nobody", "volunteer", "list", says="does not exist"),
    case("carer-add-unknown-client", "carer", "add", "--first-name", "A", "--last-name", "B", "--pc4", "7551",
         "--relationship", "PARTNER", "--hours", "5", "--for", "nobody", says="does not exist"),
    case("carer-edit-unknown", "carer", "edit", "nothing", "--hours", "5", says="does not exist"),
    case("carer-link-unknown", "carer", "link", "nothing", "x", says="does not exist"),
    case("carer-burden-bad-score", "--profile", "nurse", "carer", "burden", "nothing", "--score", "x",
         says="score"),
]  # fmt: skip


def leaf_commands(group: click.Group, ctx: click.Context, prefix: tuple[str, ...] = ()) -> set[str]:
    """Every runnable command, as `veld --help` and its groups' `--help` list them."""
    out = set()
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        if isinstance(command, click.Group):
            out |= leaf_commands(command, ctx, (*prefix, name))
        else:
            out.add(" ".join((*prefix, name)))
    return out


def groups() -> set[str]:
    ctx = click.Context(main)
    return {n for n in main.list_commands(ctx) if isinstance(main.get_command(ctx, n), click.Group)}


def command_of(args: tuple[str, ...]) -> str:
    group_names = groups()
    words = []
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg == "--profile":
            skip = True
        elif arg.startswith("-") or words and words[-1] not in group_names:
            break
        else:
            words.append(arg)
    return " ".join(words) or "(app)"


def test_the_table_covers_every_command():
    commands = leaf_commands(main, click.Context(main))
    covered = {command_of(c.args) for c in CASES}
    assert commands | {"(app)"} <= covered, sorted(commands - covered)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Profiles to break: an admin of hengelo paired with 'bee' of almelo, a nurse, and copies of
    the nurse with a folder for profile.json, a bad device id, a folder for veld.db, and
    databases with damaged pages (found when read, or at once when opened)."""
    root = tmp_path_factory.mktemp("hostile-args")
    home, work = root / "home", root / "work"
    work.mkdir()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("VELD_HOME", str(home))
        env.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
        env.setenv("VELD_KDF_MEMORY_KIB", "8192")
        admin = make_session("default", node="hengelo", role="admin")
        bee = make_session("bee", node="almelo", role="nurse")
        nurse = make_session("nurse", node="hengelo", role="nurse")
        pair_peers(admin, bee)
        for s in (admin, bee, nurse):
            s.close()
    profiles = home / "profiles"
    for name in ("dirjson", "baddevice", "dirdb", "damageddb", "damagedhead"):
        shutil.copytree(profiles / "nurse", profiles / name)
        text = (profiles / name / "profile.json").read_text()
        (profiles / name / "profile.json").write_text(text.replace('"name": "nurse"', f'"name": "{name}"'))
    (profiles / "dirjson" / "profile.json").unlink()
    (profiles / "dirjson" / "profile.json").mkdir()
    bad = (profiles / "baddevice" / "profile.json").read_text()
    device = bad.split('"device_id": "')[1][:64]
    (profiles / "baddevice" / "profile.json").write_text(bad.replace(device, "zz" + device[2:]))
    (profiles / "dirdb" / "veld.db").unlink()
    (profiles / "dirdb" / "veld.db").mkdir()
    with (profiles / "damageddb" / "veld.db").open("r+b") as f:
        f.seek(2 * 4096)
        f.write(bytes(3 * 4096))
    with (profiles / "damagedhead" / "veld.db").open("r+b") as f:
        f.seek(100)
        f.write(bytes(1000))
    os.mkfifo(work / "fifo")
    (work / "file").write_text("not what you think\n")
    return home, work


READABLE = ("default", "bee", "nurse")  # the profiles that open: compared by content


def content(profile_dir: Path) -> str:
    """Every table of a profile's database but the audit log: reading client data, and refusing a
    bundle, is audited by design (NEN 7513); anything else a refused command wrote shows here."""
    key = keys.load_master_key(profile_dir, passphrase=PASSPHRASE)
    db = open_database(profile_dir / "veld.db", key)
    try:
        digest = hashlib.sha256()
        tables = db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'audit%'"
            " AND name NOT LIKE 'sqlite%' ORDER BY name"
        ).fetchall()
        for (table,) in tables:
            rows = sorted(repr(r) for r in db.execute(f'SELECT * FROM "{table}"'))
            digest.update(f"{table}:{rows}".encode())
        return digest.hexdigest()
    finally:
        db.conn.close()


def snapshot(home: Path, work: Path) -> dict[str, str]:
    """Every file and folder with its content hash; the databases that open, by content. SQLite's
    -wal/-shm files come and go with a connection."""
    out = {}
    databases = {home / "profiles" / name / "veld.db" for name in READABLE}
    for root in (home, work):
        for path in sorted(root.rglob("*")):
            if path.name.endswith(("-wal", "-shm")):
                continue
            if path in databases:
                out[str(path)] = content(path.parent)
            elif path.is_fifo() or path.is_dir():
                out[str(path)] = "fifo" if path.is_fifo() else "dir"
            else:
                out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def run(world, c: Case, lang: str) -> subprocess.CompletedProcess[str]:
    home, work = world
    fill = {"{work}": str(work), "{fifo}": str(work / "fifo"), "{file}": str(work / "file")}

    def filled(text: str) -> str:
        for key, value in fill.items():
            text = text.replace(key, value)
        return text

    env = {
        **os.environ,
        "VELD_HOME": str(home),
        "VELD_PASSPHRASE": PASSPHRASE,
        "VELD_KDF_MEMORY_KIB": "8192",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "VELD_NOW": str(FROZEN_NOW_MS),
        "VELD_LANG": lang,
    }
    env.update({k: filled(v) for k, v in c.env.items()})
    return subprocess.run(
        [sys.executable, "-m", "veldclient", *(filled(a) for a in c.args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=TIMEOUT_S,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_a_hostile_argument_is_refused_in_one_line(world, c):
    home, work = world
    before = snapshot(home, work)
    said = {}
    for lang in ("en", "nl"):
        result = run(world, c, lang)
        assert result.returncode == 2, (lang, result.returncode, result.stderr)
        assert "Traceback" not in result.stderr, result.stderr
        if c.usage:
            usage, error = ("Gebruik: ", "\nFout: ") if lang == "nl" else ("Usage: ", "\nError: ")
            assert result.stderr.startswith(usage) and error in result.stderr, result.stderr
        else:
            lines = result.stderr.splitlines()
            assert len(lines) == 1 and lines[0].startswith("veld: "), result.stderr
            said[lang] = lines[0]
        assert snapshot(home, work) == before, "something was written"
    if not c.usage:
        assert c.says in said["en"], said["en"]
        assert said["nl"] != said["en"], "the Dutch message is the English one"
