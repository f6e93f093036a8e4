"""Yes/no in each CRM's and each language's words (one table: `cells.YES_NO`), and what "not done" means.

An activity that is not done (Undone, Not Started, To do…) is not an error and not a completed
activity: it is *skipped* — counted in the preview, not imported, not rejected. Fixtures:
tests/fixtures/exports/hubspot_tasks.csv (Completed / Not started / NOT_STARTED / COMPLETED),
people_roster_de_ja_nein.csv (a German roster, Windows-1252, `;`, Ja / Nein / JA and one `vielleicht`),
accounts_excel_unicode_text.txt (a column of `x` marks, empty meaning no).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from breakthrough.importing import upload
from breakthrough.importing.read import cells as c
from breakthrough.importing.write import commit
from breakthrough.store.models import Account, Activity, Person

EXPORTS = Path(__file__).parent / "fixtures" / "exports"


def data(name: str) -> bytes:
    return (EXPORTS / name).read_bytes()


WORDS = [
    # (cell, yes or no)
    ("Done", True),
    ("Undone", False),
    ("undone", False),
    ("Not done", False),
    ("Completed", True),
    ("Not Started", False),
    ("NOT_STARTED", False),
    ("COMPLETED", True),
    ("Complete", True),
    ("Yes", True),
    ("No", False),
    ("YES", True),
    ("no", False),
    ("Y", True),
    ("N", False),
    ("y", True),
    ("n", False),
    ("TRUE", True),
    ("FALSE", False),
    ("True", True),
    ("False", False),
    ("true", True),
    ("false", False),
    ("1", True),
    ("0", False),
    ("Ja", True),
    ("Nein", False),
    ("JA", True),
    ("nein", False),
    ("J", True),
    ("WAHR", True),
    ("FALSCH", False),
    ("Erledigt", True),
    ("Offen", False),
    ("Oui", True),
    ("Non", False),
    ("VRAI", True),
    ("FAUX", False),
    ("Sí", True),
    ("Si", True),
    ("SÍ", True),
    ("VERDADERO", True),
    ("FALSO", False),
    ("x", True),
    ("X", True),
    ("✓", True),
    ("✔", True),
    ("☑", True),
    ("☐", False),
    ("checked", True),
    ("unchecked", False),
    ("Checked", True),
    ("To do", False),
    ("To-do", False),
    ("In Progress", False),
    ("Waiting on someone else", False),
    ("Deferred", False),
    ("Open", False),
    ("  yes  ", True),
    ("Not   Started", False),
    ("\u00a0Done\u00a0", True),
]


@pytest.mark.parametrize("cell, value", WORDS)
def test_each_crms_and_languages_yes_no_words_are_read(cell, value):
    assert c.parse_flag(cell) is value


@pytest.mark.parametrize("cell", ["maybe", "vielleicht", "peut-être", "2", "-1", "yes please", "✗?"])
def test_a_word_that_is_not_yes_or_no_is_refused_saying_what_is(cell):
    with pytest.raises(c.CellError, match="is not yes or no"):
        c.parse_flag(cell)


def test_the_table_has_no_word_both_ways():
    assert {w for w, v in c.YES_NO.items() if v} & {w for w, v in c.YES_NO.items() if not v} == set()


@pytest.mark.parametrize(
    "cells, empty_is_no",
    [
        (["x", "", "X", ""], True),
        (["✓", ""], True),
        (["x", "yes", ""], False),
        (["", ""], False),
        (["Ja", "Nein"], False),
        (["checked", ""], False),
    ],
)
def test_only_a_column_of_check_marks_reads_empty_as_no(cells, empty_is_no):
    evidence = c.FlagEvidence()
    for cell in cells:
        evidence.add(cell)
    assert evidence.empty_is_no is empty_is_no


# ----------------------------------------------------------------------------- through an import


def test_hubspot_tasks_not_started_are_skipped_not_rejected(people):
    raw = data("hubspot_tasks.csv")
    found = upload.inspect(people, raw)
    assert found.profile.key == "hubspot_tasks"
    preview = commit.preview(people, raw, found.plan)
    # 5 tasks: 90001, 90002, 90005 completed; 90003 "Not started" and 90004 "NOT_STARTED" skipped
    assert (preview.rows_read, preview.accepted, preview.rejected, preview.skipped) == (5, 3, 0, 2)
    out = commit.commit(people, raw, found.plan, "hubspot_tasks.csv")
    assert (out.accepted, out.rejected, out.skipped, out.inserted) == (3, 0, 2, 3)
    with people.connect() as conn:
        names = dict(conn.execute(select(Person.id, Person.name)).all())
        rows = conn.execute(
            select(Activity.external_id, Activity.rep_id, Activity.type, Activity.ts).order_by(Activity.external_id)
        ).all()
    assert [(e, names[r], t, ts) for e, r, t, ts in rows] == [
        ("90001", "Ann Lee", "call", dt.datetime(2026, 11, 2, 10, 0)),
        ("90002", "Ann Lee", "email", dt.datetime(2026, 11, 3, 14, 30)),
        ("90005", "Bob Stone", "call", dt.datetime(2026, 11, 5, 16, 0)),
    ]


UNDONE = (
    "Activity - ID,Activity - Subject,Activity - Type,Activity - Done,Activity - Due date,"
    "Activity - Assigned to user\n"
    "1,Intro call,Call,Done,2026-11-02,Ann Lee\n"
    "2,Follow-up call,Call,Undone,2026-11-03,Ann Lee\n"
    "3,Demo,Meeting,Not done,2026-11-04,Bob Stone\n"
    "4,Check-in,Call,done,2026-11-05,Bob Stone\n"
    "5,Pricing call,Call,perhaps,2026-11-06,Bob Stone\n"
)


def test_an_undone_pipedrive_activity_is_skipped_and_an_unknown_word_is_a_reason(people):
    raw = UNDONE.encode()
    found = upload.inspect(people, raw)
    assert found.profile.key == "pipedrive_activities"
    out = commit.commit(people, raw, found.plan, "activities.csv")
    assert (out.rows_read, out.accepted, out.rejected, out.skipped) == (5, 2, 1, 2)
    assert [(r.line, r.column, r.value) for r in out.rejects] == [(6, "Activity - Done", "perhaps")]
    with people.connect() as conn:
        assert conn.execute(select(Activity.external_id).order_by(Activity.external_id)).scalars().all() == ["1", "4"]


def test_a_german_roster_says_ja_and_nein(engine):
    raw = data("people_roster_de_ja_nein.csv")
    found = upload.inspect(engine, raw)
    assert found.profile.key == "template_people"
    out = commit.commit(engine, raw, found.plan, "people_roster_de_ja_nein.csv")
    assert (out.encoding, out.rows_read, out.accepted, out.rejected) == ("cp1252", 5, 4, 1)
    assert [(r.line, r.column, r.value) for r in out.rejects] == [(6, "Active", "vielleicht")]
    with engine.connect() as conn:
        people = dict(conn.execute(select(Person.name, Person.active)).all())
    assert people == {"Maria Keller": True, "Jürgen Müller": True, "Zoë Lefèvre": False, "Søren Åberg": True}


def test_a_column_of_x_marks_reads_empty_as_no(engine):
    raw = data("accounts_excel_unicode_text.txt")
    found = upload.inspect(engine, raw)
    assert found.plan.empty_is_no == ["is_target"]
    commit.commit(engine, raw, found.plan, "accounts.txt")
    with engine.connect() as conn:
        targets = dict(conn.execute(select(Account.name, Account.is_target)).all())
    assert targets == {"Société Générale": True, "Müller & Söhne": False, "Ørsted": True, "Żabka Polska": False}


@pytest.mark.parametrize(
    "active, expected",
    [
        (["x", "", "x"], [True, False, True]),  # check marks: empty is no
        (["yes", "", "no"], [True, True, False]),  # words: empty keeps the default (active)
    ],
)
def test_an_active_column_of_marks_makes_the_unmarked_inactive(engine, active, expected):
    rows = "".join(f"{n},{a}\n" for n, a in zip(("Ann Lee", "Bob Stone", "José Núñez"), active))
    raw = ("Full Name,Active\n" + rows).encode()
    commit.commit(engine, raw, upload.inspect(engine, raw).plan, "roster.csv")
    with engine.connect() as conn:
        got = dict(conn.execute(select(Person.name, Person.active)).all())
    assert [got[n] for n in ("Ann Lee", "Bob Stone", "José Núñez")] == expected
