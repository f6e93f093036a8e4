"""An imported coaching session's identity (issue #14, item 3).

A session is recognised by the file's own row id where there is one (`Session ID`, `ID`, `Response ID`,
`Submission ID`), else by a digest of every imported field; both are stored in `coaching_session.source` /
`external_id`. Only rows identical in every imported field are duplicates, so two same-day debriefs between
the same manager and rep stay two. Fixtures:

- `google_forms_coaching_log.csv`, a Google Forms response sheet (`Timestamp`, `Email Address`, then the
  questions), no row id. Lines 3 and 4 are two debriefs of Ann Lee by Maria Keller on 3/4/2025; line 5
  repeats line 4 exactly (the row pasted twice).
- `microsoft_forms_coaching_log.csv`, a Microsoft Forms export (UTF-8 with BOM, `ID`, `Start time`,
  `Completion time`…): IDs 1 and 2 are two same-day debriefs; line 5 repeats ID 2.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from breakthrough.coaching import sessions
from breakthrough.importing import upload
from breakthrough.importing.write import commit as writing
from breakthrough.importing.write import undo
from breakthrough.store.models import Base, CoachingSession, ImportBatch, Person

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
GOOGLE, MICROSOFT = "google_forms_coaching_log.csv", "microsoft_forms_coaching_log.csv"
BOOKKEEPING = ("import_batch", "import_change", "import_summary", "setting", "audit_log")


def data(name: str) -> bytes:
    return (EXPORTS / name).read_bytes()


def commit(engine, raw: bytes, name: str = "log.csv") -> writing.Outcome:
    return writing.commit(engine, raw, upload.inspect(engine, raw).plan, name)


def stored(engine) -> list[tuple]:
    """(rep, manager, date, type, minutes, notes, source, identity kind) of every session, in order."""
    rep, manager = Person.__table__.alias("rep"), Person.__table__.alias("manager")
    s = CoachingSession
    with engine.connect() as conn:
        rows = conn.execute(
            select(rep.c.name, manager.c.name, s.date, s.type, s.duration_min, s.notes, s.source, s.external_id)
            .join(rep, rep.c.id == s.rep_id)
            .join(manager, manager.c.id == s.manager_id)
        ).all()
    kind = lambda key: None if key is None else ("digest" if key.startswith("k:") else key)  # noqa: E731
    return ordered((*r[:7], kind(r[7])) for r in rows)


def ordered(rows) -> list[tuple]:
    return sorted(rows, key=lambda r: tuple("" if v is None else v for v in r))


def dump(engine) -> dict[str, list]:
    with engine.connect() as conn:
        return {
            t.name: sorted((tuple(r) for r in conn.execute(select(t))), key=repr)
            for t in Base.metadata.sorted_tables
            if t.name not in BOOKKEEPING
        }


MARCH_4, MARCH_18 = dt.date(2025, 3, 4), dt.date(2025, 3, 18)
GOOGLE_SESSIONS = [
    ("Ann Lee", "Maria Keller", MARCH_4, "debrief", 15, "Debrief of the Acme call", "template", "digest"),
    (
        "Ann Lee",
        "Maria Keller",
        MARCH_4,
        "debrief",
        20,
        "Debrief of the Birch call, agreed next steps",
        "template",
        "digest",
    ),
    ("Ann Lee", "Maria Keller", MARCH_4, "joint_call", 60, "Joint call at Acme with the CFO", "template", "digest"),
    ("Ann Lee", "Maria Keller", MARCH_18, "one_on_one", 30, "Pipeline for Q2", "template", "digest"),
    ("Bob Stone", "Maria Keller", MARCH_18, "one_on_one", 45, "First one-on-one, ramp plan", "template", "digest"),
]


# --- no row id: the whole row ----------------------------------------------------------------------------


def test_two_same_day_debriefs_stay_two_and_only_the_identical_row_is_a_duplicate(roster_engine):
    raw = data(GOOGLE)
    plan = upload.inspect(roster_engine, raw).plan
    assert plan.mapping["submitted"] == "Timestamp" and plan.mapping["session_id"] is None
    seen = writing.preview(roster_engine, raw, plan)
    assert (seen.rows_read, seen.accepted, seen.rejected, seen.duplicates, seen.inserted) == (6, 5, 1, 1, 5)
    assert [(r.line, r.column, r.value, r.reason) for r in seen.rejects] == [
        (
            5,
            "every column",
            "Maria Keller · Ann Lee · 2025-03-04 · debrief",
            "the same session as line 4: Ann Lee coached by Maria Keller on 2025-03-04, debrief",
        )
    ]
    done = commit(roster_engine, raw)
    assert (done.inserted, done.duplicates) == (5, 1)
    assert stored(roster_engine) == GOOGLE_SESSIONS


def test_reimporting_the_same_log_changes_nothing(roster_engine):
    commit(roster_engine, data(GOOGLE))
    before = dump(roster_engine)
    again = commit(roster_engine, data(GOOGLE))
    assert (again.inserted, again.updated, again.unchanged, again.duplicates) == (0, 0, 5, 1)
    assert dump(roster_engine) == before


HEADER = "Timestamp,Manager,Rep,Date,Type,Minutes,Notes\n"
FIRST = "3/4/2025 16:05:10,Maria Keller,Ann Lee,3/4/2025,Debrief,20,Birch call\n"
SECOND = [
    # the second row, whether it is the same session as the first (a duplicate)
    ("3/4/2025 16:05:10,Maria Keller,Ann Lee,3/4/2025,Debrief,20,Birch call\n", True),  # identical
    ("3/4/2025 16:05:10,MARIA KELLER,ann lee,3/4/2025,debrief,20,Birch call\n", True),  # the same people and type
    (" 3/4/2025 16:05:10 ,Maria Keller,Ann Lee,03/04/2025,Debrief,20,Birch call \n", True),  # the same values
    ("3/4/2025 16:05:10,Maria Keller,Ann Lee,3/4/2025,Debrief,20,Cedar call\n", False),  # other notes
    ("3/4/2025 16:05:10,Maria Keller,Ann Lee,3/4/2025,Debrief,25,Birch call\n", False),  # other length
    ("3/4/2025 17:40:00,Maria Keller,Ann Lee,3/4/2025,Debrief,20,Birch call\n", False),  # filled in later
    ("3/4/2025 16:05:10,Maria Keller,Ann Lee,3/4/2025,Joint call,20,Birch call\n", False),  # another type
    ("3/4/2025 16:05:10,Maria Keller,Bob Stone,3/4/2025,Debrief,20,Birch call\n", False),  # another rep
    ("3/4/2025 16:05:10,Maria Keller,Ann Lee,3/5/2025,Debrief,20,Birch call\n", False),  # another day
]


@pytest.mark.parametrize("second, duplicate", SECOND)
def test_only_rows_identical_in_every_imported_field_are_one_session(roster_engine, second, duplicate):
    raw = (HEADER + FIRST + second + "3/18/2025 9:00:00,Maria Keller,Ann Lee,3/18/2025,Debrief,20,\n").encode()
    out = commit(roster_engine, raw)
    assert (out.duplicates, out.inserted) == ((1, 2) if duplicate else (0, 3))


# --- a row id: the form's own -----------------------------------------------------------------------------

MICROSOFT_SESSIONS = [
    ("Ann Lee", "Maria Keller", MARCH_4, "debrief", 15, "Debrief of the Acme call", "template", "1"),
    ("Ann Lee", "Maria Keller", MARCH_4, "debrief", 15, "Debrief of the Birch call", "template", "2"),
    ("Bob Stone", "Maria Keller", MARCH_18, "one_on_one", 30, "Ramp plan", "template", "3"),
]


def test_a_row_id_identifies_the_session_and_a_repeated_id_is_named_by_people_and_date(roster_engine):
    raw = data(MICROSOFT)
    plan = upload.inspect(roster_engine, raw).plan
    assert plan.mapping["session_id"] == "ID"
    out = commit(roster_engine, raw)
    assert (out.rows_read, out.accepted, out.rejected, out.duplicates) == (4, 3, 1, 1)
    assert [(r.line, r.column, r.value, r.reason) for r in out.rejects] == [
        (5, "ID", "2", "the same Session ID as line 3: Ann Lee coached by Maria Keller on 2025-03-04, debrief")
    ]
    assert stored(roster_engine) == sorted(MICROSOFT_SESSIONS)


@pytest.mark.parametrize("header", ["Session ID", "ID", "Response ID", "Submission ID"])
def test_each_row_id_header_is_read_as_the_sessions_identity(roster_engine, header):
    raw = (
        f"{header},Manager,Rep,Date,Type\n"
        "A-1,Maria Keller,Ann Lee,2025-03-04,Debrief\nA-2,Maria Keller,Ann Lee,2025-03-04,Debrief\n"
    ).encode()
    out = commit(roster_engine, raw)
    assert (out.inserted, out.duplicates) == (2, 0)  # identical but for their ids: two sessions
    assert [r[-1] for r in stored(roster_engine)] == ["A-1", "A-2"]


def test_a_newer_export_with_the_same_row_id_updates_the_session_and_undo_restores_it(roster_engine):
    commit(roster_engine, data(MICROSOFT))
    before = dump(roster_engine)
    newer = data(MICROSOFT).replace(
        b"Debrief,15,Debrief of the Birch call", b"Debrief,25,Debrief of the Birch call; pricing agreed"
    )
    out = commit(roster_engine, newer, "newer.csv")
    assert (out.inserted, out.updated, out.unchanged) == (0, 1, 2)
    assert stored(roster_engine) == sorted(
        [
            MICROSOFT_SESSIONS[0],
            (
                "Ann Lee",
                "Maria Keller",
                MARCH_4,
                "debrief",
                25,
                "Debrief of the Birch call; pricing agreed",
                "template",
                "2",
            ),
            MICROSOFT_SESSIONS[2],
        ]
    )
    undo.undo(roster_engine, out.batch_id)
    assert dump(roster_engine) == before


def test_undo_of_a_log_takes_every_session_back(roster_engine):
    before = dump(roster_engine)
    out = commit(roster_engine, data(GOOGLE))
    undo.undo(roster_engine, out.batch_id)
    assert dump(roster_engine) == before


# --- sessions logged in the app, and sessions imported before they had an identity ----------------------


def _ids(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return dict(conn.execute(select(Person.name, Person.id)).all())


def test_sessions_logged_in_the_app_have_no_identity_and_an_import_leaves_them_alone(roster_engine):
    ids = _ids(roster_engine)
    logged = sessions.SessionInput(
        manager_id=ids["Maria Keller"],
        rep_id=ids["Ann Lee"],
        date=MARCH_18,
        type="one_on_one",
        duration_min=30,
        notes="Pipeline for Q2",
    )
    sessions.log(roster_engine, logged, dt.date(2025, 3, 31))
    out = commit(roster_engine, data(GOOGLE))
    assert (out.inserted, out.updated) == (5, 0)  # the same-day one-on-one in the log is another session
    assert stored(roster_engine) == ordered(
        [*GOOGLE_SESSIONS, ("Ann Lee", "Maria Keller", MARCH_18, "one_on_one", 30, "Pipeline for Q2", None, None)]
    )


def test_a_session_imported_before_identities_is_adopted_not_imported_twice(roster_engine):
    ids = _ids(roster_engine)
    with roster_engine.begin() as conn:  # what an import before migration 0008 left: no source, no external id
        batch = conn.execute(
            insert(ImportBatch)
            .values(
                file_name="old_log.csv",
                sha256="",
                entity="coaching sessions",
                source_profile="template",
                created_at=dt.datetime(2025, 3, 5, 9, 0),
                status="committed",
            )
            .returning(ImportBatch.id)
        ).scalar_one()
        conn.execute(
            insert(CoachingSession).values(
                manager_id=ids["Maria Keller"],
                rep_id=ids["Ann Lee"],
                date=MARCH_4,
                type="debrief",
                duration_min=15,
                notes="Debrief of the Acme call",
                batch_id=batch,
            )
        )
    before = dump(roster_engine)
    out = commit(roster_engine, data(GOOGLE))
    assert (out.inserted, out.updated, out.unchanged) == (4, 1, 0)  # the old one gets its identity
    assert stored(roster_engine) == GOOGLE_SESSIONS
    again = commit(roster_engine, data(GOOGLE))
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 5)
    undo.undo(roster_engine, again.batch_id)
    undo.undo(roster_engine, out.batch_id)
    assert dump(roster_engine) == before
