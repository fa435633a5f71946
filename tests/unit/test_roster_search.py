"""Roster search finds every field its placeholder names (name, postcode, task, language) by whole
word and by prefix, for tasks and languages in Dutch and in English as well as by code; a database
made before the labels were indexed gets them on its next open."""

from __future__ import annotations

import pytest
from testenv import PASSPHRASE

from veldclient.services import roster, roster_view
from veldclient.services.session import open_session
from veldclient.store import projection

BASE = {
    "pc4": "7511",
    "birth_year": 1970,
    "max_km": 10,
    "availability": ["di ochtend"],
    "vog": {"status": "VALID", "issued_on": "2025-03-02"},
}
PEOPLE = {
    "Samira": {"last_name": "Haddad", "tasks": ["BOODSCHAPPEN"], "languages": ["ar", "nl"]},
    "Oksana": {"last_name": "Melnyk", "tasks": ["KLUSSEN"], "languages": ["uk", "en"], "pc4": "7523"},
    "Henk": {"last_name": "Jansen", "tasks": ["BEGELEIDING_ZORGAFSPRAAK"], "languages": ["nl"]},
}


@pytest.fixture
def people(coordinator):
    ids = {}
    for first, fields in PEOPLE.items():
        ids[first] = roster.register_volunteer(coordinator, {**BASE, "first_name": first, **fields}).id
    return coordinator, ids


def found(session, text: str) -> set[str]:
    page = roster_view.volunteers_page(session, text, False, 0, 50)
    assert page.total == len(page.items)
    return {item.name.split()[0] for item in page.items}


@pytest.mark.parametrize(
    ("typed", "who"),
    [
        ("Arabisch", {"Samira"}),  # Dutch name of the language
        ("Arabic", {"Samira"}),  # English name
        ("arab", {"Samira"}),  # prefix of both
        ("ar", {"Samira"}),  # the code, as before
        ("Engels", {"Oksana"}),
        ("English", {"Oksana"}),
        ("Oekraïens", {"Oksana"}),
        ("oekraiens", {"Oksana"}),  # diacritics ignored
        ("Ukrainian", {"Oksana"}),
        ("Nederlands", {"Samira", "Henk"}),
        ("Dutch", {"Samira", "Henk"}),
        ("Boodschappen", {"Samira"}),  # tasks: Dutch label
        ("Shopping", {"Samira"}),  # English label
        ("shop", {"Samira"}),
        ("Klussen", {"Oksana"}),
        ("Odd jobs", {"Oksana"}),
        ("zorgafspraak", {"Henk"}),
        ("Escort", {"Henk"}),
        ("Haddad", {"Samira"}),  # name
        ("Melny", {"Oksana"}),
        ("7523", {"Oksana"}),  # postcode
        ("Arabic 7511", {"Samira"}),  # words combine
        ("Arabic 7523", set()),
        ("Perzisch", set()),
    ],
)
def test_the_roster_search_finds_tasks_and_languages_in_both_languages(people, typed, who):
    session, _ids = people
    assert found(session, typed) == who


def test_the_search_service_uses_the_same_index(people):
    session, ids = people
    assert [r["id"] for r in roster.search_volunteers(session, "Arabisch")] == [ids["Samira"]]


def test_labels_follow_an_edit(people):
    session, ids = people
    roster.update_volunteer(session, ids["Henk"], {"languages": ["nl", "tr"]})
    assert found(session, "Turks") == {"Henk"} and found(session, "Turkish") == {"Henk"}


def test_a_database_made_before_the_labels_were_indexed_gets_them_on_open(people):
    session, ids = people
    name = session.profile.name
    db = session.db
    # Put the volunteers table and its search index back as they were before migration 0012.
    db.table("volunteers").disable_fts()
    db.execute("ALTER TABLE volunteers DROP COLUMN labels")
    db.table("volunteers").enable_fts(
        ["first_name", "last_name", "pc4", "tasks", "languages"],
        fts_version="FTS5",
        create_triggers=True,
        tokenize="unicode61 remove_diacritics 2",
    )
    db.table("volunteers").rebuild_fts()
    db.execute("DELETE FROM _sqlite_migrations WHERE name = '0012_volunteer_search_labels'")
    db.conn.commit()
    assert found(session, "ar") == {"Samira"} and found(session, "Arabisch") == set()
    session.close()

    reopened = open_session(name, passphrase=PASSPHRASE)
    try:
        assert found(reopened, "Arabisch") == {"Samira"} and found(reopened, "Odd jobs") == {"Oksana"}
        assert "labels" in projection.FTS["volunteers"]
        assert reopened.db.execute("SELECT labels FROM volunteers WHERE id = ?", [ids["Samira"]]).fetchone()[
            0
        ] == projection.search_labels(["BOODSCHAPPEN"], ["ar", "nl"])
        reopened.db.execute("INSERT INTO volunteers_fts(volunteers_fts) VALUES ('integrity-check')")
    finally:
        reopened.close()
