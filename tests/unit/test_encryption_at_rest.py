"""Nothing personal is readable in the files under the data directory."""

from __future__ import annotations

from pathlib import Path

from veldclient.services import clients

NAME = "Zwaantje Oosterveld-Kwakernaak"
BSN = "249566758"


def needles() -> list[bytes]:
    out = []
    for text in (NAME, NAME.lower(), "Kwakernaak", "kwakernaak", BSN):
        out += [text.encode("utf-8"), text.encode("utf-16-le")]
    return out


def scan(root: Path) -> list[str]:
    hits = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            hits += [f"{path.name}: {n!r}" for n in needles() if n in data]
    return hits


def test_client_name_appears_in_no_file(session, isolated_env):
    client = clients.register_client(
        session,
        {
            "name": NAME,
            "birth_date": "1931-07-04",
            "postcode": "7522 NB",
            "bsn": BSN,
            "address": "Kwakernaakweg 3",
        },
    )
    clients.search_clients(session, "kwaker")
    clients.update_client(session, client.id, {"address": "Hallenweg 5"})
    files = {p.name for p in isolated_env.rglob("*") if p.is_file()}
    assert "veld.db-wal" in files, "the WAL (written at each commit) is scanned too"
    assert scan(isolated_env) == []
    session.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    session.close()
    assert scan(isolated_env) == []
    # and the test can fail: the same bytes are found when written in the clear
    (isolated_env / "plain.txt").write_text(NAME)
    assert scan(isolated_env)
