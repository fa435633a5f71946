"""The volunteer CSV carries only the allowed fields: proven by parsing it and by searching its bytes."""

from __future__ import annotations

import csv
import io
import os

import pytest

from veldclient.domain import Client
from veldclient.errors import AccessDenied, NotFound
from veldclient.services import matching, roster, volunteer_export
from veldclient.services.volunteer_export import (
    COLUMNS,
    HEADERS,
    STREET_MISSING,
    cell,
    export_for_volunteer,
    street_of,
)

CLIENT = {
    "name": "Fatma Yilmaz-Oosterveld",
    "birth_date": "1941-02-03",
    "postcode": "7511 JM",
    "bsn": "111222333",
    "address": "Kerkstraat 12a",
}
CARER = {
    "first_name": "Gerrit",
    "last_name": "Brinkhuis",
    "pc4": "7512",
    "phone": "0612345678",
    "relationship": "PARTNER",
    "hours_per_week": 40,
    "burden": {"instrument": "EDIZ_PLUS", "score": 11, "measured_on": "2026-10-01"},
}
VOLUNTEER = {
    "first_name": "Ayşe",
    "last_name": "Demirtaş",
    "pc4": "7511",
    "phone": "0687654321",
    "email": "ayse@example.org",
    "birth_year": 1980,
    "max_km": 10,
    "tasks": ["VERVOER"],
    "languages": ["nl", "tr"],
    "availability": ["di ochtend", "do middag"],
    "vog": {"status": "VALID", "issued_on": "2024-03-02"},
}
REQUEST = {
    "task": "VERVOER",
    "summary": "Rit naar de markt en weer terug",
    "pc4": "7511",
    "window": {"start": "2026-11-16", "end": "2026-12-31", "availability": ["di ochtend", "do middag"]},
    "requires_vog": True,
}


def add_client(session) -> Client:
    client = Client.parse({**CLIENT, "node_id": session.actor.node_id}, today=session.today())
    session.repo.create("case", client.id, client.node_id, {"client": client.to_dict(), "visits": {}})
    return client


@pytest.fixture
def setup(coordinator):
    client = add_client(coordinator)
    volunteer = roster.register_volunteer(coordinator, VOLUNTEER)

    def request(**changes):
        raw = {**REQUEST, "on_behalf_of": "CLIENT", "subject_id": client.id, **changes}
        return roster.file_help_request(coordinator, raw).request

    return coordinator, client, volunteer, request


def read(path, lang="nl"):
    """The file's bytes, and its rows with the header checked against the language's and then
    replaced by the column keys, so a test names a column the same way in either language."""
    data = path.read_bytes()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert tuple(rows[0]) == HEADERS[lang]
    return data, [list(COLUMNS), *rows[1:]]


def test_header_is_exactly_the_allowed_columns_and_nothing_else_leaks(setup, tmp_path):
    session, client, volunteer, request = setup
    req = request()
    out = tmp_path / "v.csv"
    result = export_for_volunteer(session, req.id, out)
    data, rows = read(out)
    assert data.decode().startswith(
        "taak,vanaf,tot en met,dagdelen,postcode (4 cijfers),voornaam,toelichting,straat\r\n"
    )
    assert COLUMNS == (
        "task",
        "window_start",
        "window_end",
        "availability",
        "pc4",
        "first_name",
        "notes",
        "street",
    )
    row = dict(zip(rows[0], rows[1], strict=True))
    assert len(rows) == 2
    assert row == {
        "task": "Vervoer",
        "window_start": "16-11-2026",
        "window_end": "31-12-2026",
        "availability": "di-ochtend, do-middag",
        "pc4": "7511",
        "first_name": "Fatma",
        "notes": "Rit naar de markt en weer terug",
        "street": "volgt zodra de koppeling is bevestigd",
    }
    assert result.held_back is None and not result.street_included and result.rows == 1
    text = data.decode("utf-8")
    for secret in (
        "111222333",
        "1941",
        "02-03",
        "Yilmaz",
        "Oosterveld",
        "Kerkstraat",
        "12a",
        "7511 JM",
        client.id,
        req.id,
        volunteer.id,
        "Demirta",
        "0687654321",
        "example.org",
        "Ayşe",
    ):
        assert secret not in text, secret
    entry = session.audit_log.entries(limit=1)[0]
    assert (entry.event, entry.action, entry.data_part, entry.client_id) == (
        "helprequest.export",
        "E",
        "help_request",
        client.id,
    )


def test_carer_request_uses_carer_first_name_and_never_phone_or_burden(setup, tmp_path):
    session, _client, _volunteer, _request = setup
    carer = roster.register_mantelzorger(session, CARER)
    req = roster.file_help_request(
        session, {**REQUEST, "on_behalf_of": "MANTELZORGER", "subject_id": carer.id, "pc4": "7512"}
    ).request
    out = tmp_path / "carer.csv"
    export_for_volunteer(session, req.id, out)
    data, rows = read(out)
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["first_name"] == "Gerrit"
    assert row["street"] == "adres niet bekend: hulp aan mantelzorger"  # no carer's address on record
    text = data.decode()
    for secret in ("Brinkhuis", "0612345678", "11", "EDIZ", "HEAVY", "PARTNER", carer.id):
        assert secret not in text.replace("16-11-2026", "").replace("31-12-2026", ""), secret


def test_health_terms_in_the_summary_are_held_back_with_a_message(setup, tmp_path):
    session, _client, _volunteer, request = setup
    req = request(summary="Mevrouw is slechthorend en heeft Parkinson; graag rustig rijden")
    out = tmp_path / "h.csv"
    result = export_for_volunteer(session, req.id, out)
    data, rows = read(out)
    assert dict(zip(rows[0], rows[1], strict=True))["notes"] == ""
    assert b"slechthorend" not in data.lower() and b"parkinson" not in data.lower()
    assert result.terms == ("slechthorend", "parkinson")
    nl, en = result.held_back
    assert "'slechthorend'" in nl and "'parkinson'" in nl and "health" in en and "'parkinson'" in en
    assert session.audit_log.entries(limit=1)[0].detail["held_back"] is True


def test_street_only_after_the_match_is_confirmed(setup, tmp_path):
    session, _client, volunteer, request = setup
    req = request()
    mid = matching.propose(session, req.id, volunteer.id)
    matching.accept(session, req.id, mid)
    out = tmp_path / "s.csv"
    assert not export_for_volunteer(session, req.id, out).street_included
    assert dict(zip(*read(out)[1], strict=True))["street"] == STREET_MISSING["unconfirmed"][0]
    matching.confirm(session, req.id, mid)
    result = export_for_volunteer(session, req.id, out)
    data, rows = read(out)
    assert result.street_included and dict(zip(*rows, strict=True))["street"] == "Kerkstraat"
    assert b"12a" not in data  # the street, not the house number


@pytest.mark.parametrize(
    ("address", "street"),
    [
        ("Kerkstraat 12a", "Kerkstraat"),
        ("Kerkstraat 12 A", "Kerkstraat"),
        ("Laan 1940-1945 19", "Laan 1940-1945"),
        ("Hengelosestraat 7-2", "Hengelosestraat"),
        ("Markt", "Markt"),
        (None, ""),
    ],
)
def test_street_of(address, street):
    assert street_of(address) == street


def test_cells_are_never_formulas():
    assert cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert cell("@SUM(A1)") == "'@SUM(A1)" and cell("-1") == "'-1" and cell("Gewoon") == "Gewoon"
    assert cell("regel\neen\r\ntwee") == "regel een twee"


def test_unknown_request_and_unwritable_path_write_nothing(setup, tmp_path):
    session, _client, _volunteer, request = setup
    before = session.audit_log.head()[0]
    with pytest.raises(NotFound):
        export_for_volunteer(session, "nope", tmp_path / "x.csv")
    req = request()
    with pytest.raises(volunteer_export.ExportFailed) as caught:
        export_for_volunteer(session, req.id, tmp_path / "missing" / "x.csv")
    assert caught.value.nl and caught.value.en
    assert session.audit_log.head()[0] == before + 1  # only the help request's own creation
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "missing").exists()


def test_atomic_replace_leaves_no_temp_files(setup, tmp_path):
    session, _client, _volunteer, request = setup
    req = request()
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "v.csv"
    out.write_text("old")
    export_for_volunteer(session, req.id, out)
    assert os.listdir(folder) == ["v.csv"] and out.read_text().startswith("taak,")


def test_admin_may_not_export_and_is_audited(clock, tmp_path):
    from testenv import make_session

    admin = make_session("adm", role="admin", clock=clock)
    try:
        with pytest.raises(AccessDenied):
            export_for_volunteer(admin, "x", tmp_path / "a.csv")
        assert admin.audit_log.entries(limit=1)[0].outcome == "denied"
        assert not (tmp_path / "a.csv").exists()
    finally:
        admin.close()


@pytest.mark.parametrize(
    ("summary", "secret", "kind_nl", "kind_en"),
    [
        ("Boodschappen doen; BSN 111222333 bij de kassa", "111222333", "een BSN", "a BSN"),
        ("Boodschappen doen; BSN 1112.22.333 bij de kassa", "1112.22.333", "een BSN", "a BSN"),
        ("Mevrouw (geboren 05-04-1938) wil naar de markt", "1938", "een geboortedatum", "a date of birth"),
        ("Mevrouw, geboren 5 april 1938, wil naar de markt", "1938", "een geboortedatum", "a date of birth"),
        ("Afspraken via dochter: anne.smit@example.nl", "anne.smit", "een e-mailadres", "an e-mail address"),
    ],
)
def test_identifying_details_in_the_summary_are_held_back_by_kind(
    setup, tmp_path, summary, secret, kind_nl, kind_en
):
    session, _client, _volunteer, request = setup
    req = request(summary=summary)
    out = tmp_path / "id.csv"
    result = export_for_volunteer(session, req.id, out)
    data, rows = read(out)
    assert dict(zip(rows[0], rows[1], strict=True))["notes"] == ""
    assert secret.encode() not in data
    nl, en = result.held_back
    assert kind_nl in nl and kind_en in en
    assert secret not in nl and secret not in en  # the kind is named, never the value
    assert session.audit_log.entries(limit=1)[0].detail["held_back"] is True


def test_an_appointment_date_and_phone_number_are_not_held_back(setup, tmp_path):
    session, _client, _volunteer, request = setup
    summary = "Rit op 2026-11-24 om 10 uur; bel bij aankomst 06 12345678"
    req = request(summary=summary)
    result = export_for_volunteer(session, req.id, tmp_path / "ok.csv")
    assert result.held_back is None
    assert dict(zip(*read(tmp_path / "ok.csv")[1], strict=True))["notes"] == summary


def test_english_export_has_english_headers_dates_and_reasons(setup, tmp_path):
    session, _client, _volunteer, _request = setup
    carer = roster.register_mantelzorger(session, CARER)
    req = roster.file_help_request(
        session, {**REQUEST, "on_behalf_of": "MANTELZORGER", "subject_id": carer.id, "pc4": "7512"}
    ).request
    out = tmp_path / "en.csv"
    result = export_for_volunteer(session, req.id, out, lang="en")
    data, rows = read(out, "en")
    assert data.decode().startswith(
        "task,from,until,parts of the week,postcode (4 digits),first name,notes,street\r\n"
    )
    row = dict(zip(*rows, strict=True))
    assert (row["task"], row["window_start"], row["window_end"]) == ("Transport", "16/11/2026", "31/12/2026")
    assert row["availability"] == "Tue morning, Thu afternoon"
    assert row["street"] == "address not known: help for a carer"
    assert not result.street_included and result.columns == COLUMNS


def test_a_confirmed_client_without_an_address_says_so(coordinator, tmp_path):
    client = Client.parse(
        {**CLIENT, "address": None, "node_id": coordinator.actor.node_id}, today=coordinator.today()
    )
    coordinator.repo.create("case", client.id, client.node_id, {"client": client.to_dict(), "visits": {}})
    volunteer = roster.register_volunteer(coordinator, VOLUNTEER)
    req = roster.file_help_request(
        coordinator, {**REQUEST, "on_behalf_of": "CLIENT", "subject_id": client.id}
    ).request
    mid = matching.propose(coordinator, req.id, volunteer.id)
    matching.accept(coordinator, req.id, mid)
    matching.confirm(coordinator, req.id, mid)
    out = tmp_path / "none.csv"
    result = export_for_volunteer(coordinator, req.id, out)
    assert dict(zip(*read(out)[1], strict=True))["street"] == "adres niet bekend"
    assert not result.street_included
    assert coordinator.audit_log.entries(limit=1)[0].detail["street"] is False
