"""Encodings as Excel and CRMs write them, decided by charset-normalizer; files that are not text refused.

Fixtures: tests/fixtures/exports/salesforce_opportunities_excel_bom_cp1252.csv (a UTF-8 byte-order
mark in front of Windows-1252 text: Excel re-saving a German Salesforce report), people_roster_de_ja_nein.csv
(Windows-1252), accounts_excel_unicode_text.txt (Excel's "Unicode text": UTF-16 with a BOM, tabs), and
not_csv_*.csv (a PNG, a zip, an .xlsx, a PDF and random bytes, each renamed .csv).
"""

from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from breakthrough.importing import upload
from breakthrough.importing.read.reading import ENCODING_NAMES, NotText, Reader, sniff_encoding
from breakthrough.importing.write import commit
from breakthrough.store.models import Account, Opportunity, Person

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
APP = str(Path(__file__).resolve().parent.parent / "app.py")
TEXT = "Name;City;Note\nJürgen Müller;Köln;€ 5\nSociété Générale;Paris;naïve – “quoted”\n"


def data(name: str) -> bytes:
    return (EXPORTS / name).read_bytes()


def read_all(raw: bytes) -> tuple[Reader, list[list[str]], list]:
    reader = Reader(raw)
    rows, problems = [], []
    for chunk in reader.chunks():
        rows += chunk.rows
        problems += chunk.problems
    return reader, rows, problems


ENCODED = [
    # how the text is written, the encoding reported
    (TEXT.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
    (TEXT.encode("cp1252"), "cp1252"),
    (codecs.BOM_UTF8 + TEXT.encode("cp1252"), "cp1252-bom"),  # Excel re-saving: the mark says UTF-8, the text is not
    (TEXT.encode("utf-16"), "utf-16"),  # Excel's "Unicode text"
    (TEXT.replace("\n", "\r\n").encode("utf-16"), "utf-16"),
    (TEXT.encode("utf-16-le"), "utf-16-le"),  # no byte-order mark
    (TEXT.encode("utf-16-be"), "utf-16-be"),
    (TEXT.replace("\n", "\r\n").encode("cp1252"), "cp1252"),
]


@pytest.mark.parametrize("raw, encoding", ENCODED)
def test_each_encoding_reads_the_same_text_and_is_reported(raw, encoding):
    reader, rows, problems = read_all(raw)
    assert reader.headers == ["Name", "City", "Note"]
    assert rows == [["Jürgen Müller", "Köln", "€ 5"], ["Société Générale", "Paris", "naïve – “quoted”"]]
    assert problems == []
    assert reader.stats.encoding == encoding
    assert encoding in ENCODING_NAMES


def test_an_ascii_start_is_decided_by_the_first_line_with_accents():
    head = b"Name,City\n" + b"Ann,Oslo\n" * 40_000  # more than the first block is ASCII
    _, rows, problems = read_all(head + "Jürgen,Köln\n".encode("cp1252"))
    assert rows[-1] == ["Jürgen", "Köln"] and problems == []
    assert sniff_encoding(head) is None


@pytest.mark.parametrize(
    "body, rows, bad_lines",
    [
        # a file mixing encodings: its first line with accents decides, the other lines are rejected, not mangled
        ("Renée,Paris\n".encode() + "Zoë,Köln\n".encode("cp1252"), [["Renée", "Paris"]], [3]),
        ("Renée,Paris\n".encode("cp1252") + "Zoë,Köln\n".encode(), [["Renée", "Paris"]], [3]),
        (codecs.BOM_UTF8 + "Renée,Paris\n".encode("cp1252") + "Zoë,Köln\n".encode(), [["Renée", "Paris"]], [3]),
    ],
)
def test_a_mixed_file_keeps_its_first_encoding_and_reports_the_other_lines(body, rows, bad_lines):
    _, got, problems = read_all(
        b"Name,City\n" + body if not body.startswith(codecs.BOM_UTF8) else codecs.BOM_UTF8 + b"Name,City\n" + body[3:]
    )
    assert got == rows
    assert [p.line for p in problems] == bad_lines


def test_the_excel_resaved_salesforce_report_imports_with_its_accents(engine):
    roster = data("people_roster_de_ja_nein.csv")
    commit.commit(engine, roster, upload.inspect(engine, roster).plan, "people_roster_de_ja_nein.csv")
    raw = data("salesforce_opportunities_excel_bom_cp1252.csv")
    assert raw.startswith(codecs.BOM_UTF8)
    found = upload.inspect(engine, raw)
    assert (found.profile.key, found.delimiter, found.survey.encoding) == (
        "salesforce_opportunities",
        ";",
        "cp1252-bom",
    )
    out = commit.commit(engine, raw, found.plan, "salesforce_opportunities_excel_bom_cp1252.csv")
    assert (out.encoding, out.rows_read, out.accepted, out.rejected) == ("cp1252-bom", 3, 3, 0)
    with engine.connect() as conn:
        names = dict(conn.execute(select(Person.id, Person.name)).all())
        deals = conn.execute(
            select(
                Opportunity.owner_id, Opportunity.name, Opportunity.amount, Opportunity.currency, Opportunity.close_date
            ).order_by(Opportunity.created_date)
        ).all()
        accounts = sorted(conn.execute(select(Account.name)).scalars())
    assert [(names[o], n, a, cur, d) for o, n, a, cur, d in deals] == [
        ("Søren Åberg", "Ørsted – Pilot", 5500.5, "EUR", dt.date(2026, 11, 2)),
        ("Jürgen Müller", "Société Générale – Rahmenvertrag", 12345.0, "EUR", dt.date(2026, 10, 15)),
        ("Jürgen Müller", "Müller & Söhne – Wartung", 8000.0, "EUR", dt.date(2026, 12, 10)),
    ]
    assert accounts == ["Müller & Söhne", "Société Générale", "Ørsted"]


def test_excel_unicode_text_imports(engine):
    raw = data("accounts_excel_unicode_text.txt")
    found = upload.inspect(engine, raw)
    assert (found.profile.key, found.delimiter) == ("template_accounts", "\t")
    out = commit.commit(engine, raw, found.plan, "accounts_excel_unicode_text.txt")
    assert (out.encoding, out.accepted) == ("utf-16", 4)
    with engine.connect() as conn:
        assert sorted(conn.execute(select(Account.name)).scalars()) == [
            "Müller & Söhne",
            "Société Générale",
            "Ørsted",
            "Żabka Polska",
        ]


NOT_TEXT = [
    # fixture (renamed .csv), what the message says it is
    ("not_csv_image.csv", "it is a PNG image"),
    ("not_csv_archive.csv", "it is a zip archive"),
    ("not_csv_workbook.csv", "it is an Excel workbook (.xlsx) saved under another name"),
    ("not_csv_document.csv", "it is a PDF document"),
    ("not_csv_random.csv", "NUL bytes"),
]


@pytest.mark.parametrize("name, what", NOT_TEXT)
def test_bytes_that_are_not_text_are_refused_as_a_whole(engine, name, what):
    with pytest.raises(NotText) as caught:
        upload.inspect(engine, EXPORTS / name)
    message = str(caught.value)
    assert message.startswith(f"{name} is not a CSV or Excel file: ") and what in message
    assert "CSV UTF-8" in message  # what to do
    assert "column" not in message.lower()


@pytest.mark.parametrize(
    "raw, what",
    [
        (bytes(range(128, 256)) * 40, "not text"),  # binary without a NUL byte
        (b"\x00\x01\x02\x03" * 500, "NUL bytes"),
        (b"Name,City\n" + b"Ann,Oslo\n" * 300 + b"Bob,\x00Rome\n", "NUL bytes"),  # a stray NUL is not UTF-16
        (b"GIF89a\x01\x00\x01\x00", "GIF image"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel workbook (.xls)"),
        (b"\x1f\x8b\x08\x00" + b"\x00" * 20, "gzip archive"),
    ],
)
def test_other_binary_bytes_are_not_a_csv(raw, what):
    with pytest.raises(NotText, match="This file is not a CSV or Excel file") as caught:
        Reader(raw)
    assert what in str(caught.value)
    assert caught.value.for_file("deals.csv").startswith("deals.csv is not a CSV or Excel file")


@pytest.mark.parametrize(
    "raw",
    [
        ("a;b;c\n€€€;£¥;§±µ¶\n" * 3).encode("cp1252"),  # symbols only: text all the same
        "Name,Notes\nMüller,line\x0bbreak\n".encode("cp1252"),  # a stray control character
        b"Name,Amount\n" + "Ånäs,5\n".encode() * 3,
    ],
)
def test_odd_but_real_text_is_not_called_binary(raw):
    _, rows, _ = read_all(raw)
    assert rows


def test_the_data_page_shows_the_chosen_encoding_and_names_a_file_that_is_not_text(engine, db_url, monkeypatch):
    roster = data("people_roster_de_ja_nein.csv")
    commit.commit(engine, roster, upload.inspect(engine, roster).plan, "people_roster_de_ja_nein.csv")
    monkeypatch.setenv("BREAKTHROUGH_DATABASE_URL", db_url)
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("pages/data.py").run()
    at.file_uploader[0].set_value(
        [
            ("opportunities.csv", data("salesforce_opportunities_excel_bom_cp1252.csv"), "text/csv"),
            ("pipeline.csv", data("not_csv_image.csv"), "text/csv"),
        ]
    ).run()
    assert not at.exception
    assert any("Read as Windows-1252 (behind a UTF-8 byte-order mark" in c.value for c in at.caption)
    errors = [e.value for e in at.error]
    # the file name is shown as text (markdown escaped)
    assert any(e.startswith("pipeline\\.csv is not a CSV or Excel file: it is a PNG image.") for e in errors), errors
    assert len(errors) == 1  # the Salesforce report is fine
    assert {m.label: m.value for m in at.metric}["Accepted"] == "3"
