"""Unknown owners are a question, never a new rep (issue #14, item 4).

A person cell (an owner, a session's manager or rep, a quota's person) that matches no one holds its
row: rejected with a reason naming the cell as written, the owner listed with the rows held, and a
person added only when asked (`Plan.add_people`, or `Plan.add_unknown_owners` for all of them).
The fixture `salesforce_opportunities_unknown_owners.csv` is a Salesforce opportunity report (quoted
cells, CRLF, the report footer) whose owners are, line by line:

    2  Ann Lee                         a rep of the roster              → Ann
    3  Integration User                Salesforce's system user         → held
    4  Integration User                                                 → held
    5  <b>Ann</b>                      markup                           → held
    6  =HYPERLINK("…","Bob Stone")     a formula                        → held
    7  Bob<U+200B> Stone               a zero-width look-alike of Bob   → Bob
    8  JOSE NUÑEZ                      case and accents differ          → José Núñez
    9  bob.stone@example.com           an e-mail                        → Bob
   10  0055000000ANNLE                 Ann's CRM user id (person_alias) → Ann
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from streamlit.testing.v1 import AppTest

from breakthrough.importing import upload
from breakthrough.importing.map.people import Directory, name_key, unknown_reason, visible
from breakthrough.importing.write import commit, undo
from breakthrough.store.models import Base, Opportunity, Person, PersonAlias, Quota

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
SALESFORCE = "salesforce_opportunities_unknown_owners.csv"
FORMULA = '=HYPERLINK("https://northwind.my.salesforce.com/0055000000BSTON","Bob Stone")'


def data(name: str) -> bytes:
    return (EXPORTS / name).read_bytes()


def plan_for(engine, raw: bytes, **changes):
    plan = upload.inspect(engine, raw).plan
    for key, value in changes.items():
        setattr(plan, key, value)
    return plan


def people(engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(select(Person.name, Person.role)).all())


def deals_by_owner(engine) -> dict[str | None, list[tuple[str, str, float]]]:
    """Owner name → (deal, status, amount), every deal of the database."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(Person.name, Opportunity.name, Opportunity.status, Opportunity.amount).join(
                Person, Person.id == Opportunity.owner_id, isouter=True
            )
        ).all()
    out: dict = {}
    for owner, deal, status, amount in rows:
        out.setdefault(owner, []).append((deal, status, float(amount)))
    return {k: sorted(v) for k, v in out.items()}


def dump(engine) -> dict[str, list]:
    with engine.connect() as conn:
        return {
            t.name: sorted((tuple(r) for r in conn.execute(select(t))), key=repr)
            for t in Base.metadata.sorted_tables
            if t.name not in ("import_batch", "import_change", "import_summary", "setting", "audit_log")
        }


# --- matching: one rule, cell by cell -----------------------------------------------------------------

MATCHES = [
    # the cell as an export writes it, who it is (None: an unknown owner)
    ("Ann Lee", "Ann Lee"),
    ("ANN LEE", "Ann Lee"),  # case
    ("  ann   lee ", "Ann Lee"),  # spacing
    ("Ànn Lée", "Ann Lee"),  # accents
    ("Ann\u200b Lee", "Ann Lee"),  # a zero-width space: a look-alike of Ann
    ("\ufeffAnn Lee\u200e", "Ann Lee"),  # a stray BOM and a left-to-right mark
    ("\u202eAnn Lee", "Ann Lee"),  # a right-to-left override
    ("Ann\x00 Lee", "Ann Lee"),  # a control character (NUL) inside the cell
    ("Ann\tLee", "Ann Lee"),  # a tab is a space
    ("Ann\u00a0Lee", "Ann Lee"),  # a no-break space (NFKC)
    ("Ａｎｎ Ｌｅｅ", "Ann Lee"),  # full-width letters (NFKC)
    ("jose nunez", "José Núñez"),
    ("JOSÉ NÚÑEZ", "José Núñez"),
    ("Jose\u0301 Nun\u0303ez", "José Núñez"),  # accents as combining marks
    ("RENATE STRASSE", "Renate Straße"),  # ß folds to ss
    ("ann.lee@example.com", "Ann Lee"),  # e-mail before name
    ("ANN.LEE@EXAMPLE.COM", "Ann Lee"),
    ("A. Lee <ann.lee@example.com>", "Ann Lee"),
    ("ann.lee\u200b@example.com", "Ann Lee"),  # a zero-width space inside the address
    ("0055000000ANNLE", "Ann Lee"),  # CRM user id (person_alias)
    ("0055000000annle\u200b", "Ann Lee"),
    ("Integration User", None),
    ("<b>Ann</b>", None),  # markup is not a name
    (FORMULA, None),  # a formula is not a name
    ("Аnn Lee", None),  # a Cyrillic А: another name, however alike it looks
    ("Ann\u200bLee", None),  # the zero-width space is ignored, so this is "AnnLee", not "Ann Lee"
    ("Anne Lee", None),
]


@pytest.fixture
def directory(engine):
    with engine.begin() as conn:
        ids = {
            name: conn.execute(
                insert(Person).values(name=name, name_key=name_key(name), email=email, role="rep").returning(Person.id)
            ).scalar_one()
            for name, email in (
                ("Ann Lee", "ann.lee@example.com"),
                ("José Núñez", None),
                ("Renate Straße", None),
                ("Bob Stone", None),
            )
        }
        conn.execute(insert(PersonAlias).values(person_id=ids["Ann Lee"], source="any", alias="0055000000ANNLE"))
        return Directory(conn, "salesforce"), {v: k for k, v in ids.items()}


@pytest.mark.parametrize("cell, who", MATCHES)
def test_a_cell_matches_a_person_after_nfkc_invisible_characters_case_and_accents(directory, cell, who):
    found, names = directory
    match = found.match(cell)
    assert names.get(match.person_id) == who
    assert match.unknown == (who is None)


REASONS = [
    (
        "Integration User",
        "“Integration User” is not a known person (rows held as unknown owner): add them as a "
        "person on the Data page (or import your people roster first)",
    ),
    (
        "<b>Ann</b>",
        "“<b>Ann</b>” is not a known person (rows held as unknown owner): it carries markup, not just a "
        "name. Fix the export, or add it as a person",
    ),
    (
        FORMULA,
        f"“{FORMULA}” is not a known person (rows held as unknown owner): it looks like a spreadsheet "
        "formula, not a name. Fix the export, or add it as a person",
    ),
    (
        "Ann\u200bLee",
        "“Ann⟨U+200B⟩Lee” is not a known person (rows held as unknown owner): add them as a person "
        "on the Data page (or import your people roster first)",
    ),
]


@pytest.mark.parametrize("cell, reason", REASONS)
def test_the_reason_names_the_cell_as_written_with_invisible_characters_shown(cell, reason):
    assert unknown_reason(cell) == reason


def test_invisible_characters_are_shown_not_dropped_in_what_is_listed():
    assert visible(" Ann\u200b Lee\u00ad ") == "Ann⟨U+200B⟩ Lee⟨U+00AD⟩"


# --- a Salesforce report, end to end (SQLite and PostgreSQL) -------------------------------------------

HELD = [  # line, column, value as in the file, reason
    (3, "Opportunity Owner", "Integration User", REASONS[0][1]),
    (4, "Opportunity Owner", "Integration User", REASONS[0][1]),
    (5, "Opportunity Owner", "<b>Ann</b>", REASONS[1][1]),
    (6, "Opportunity Owner", FORMULA, REASONS[2][1]),
]
MATCHED_DEALS = {
    "Ann Lee": [("Acme Corp - Platform", "won", 10_000.0), ("Acme Corp - Support upgrade", "won", 1_250.0)],  # 2, 10
    "Bob Stone": [("Fjord AS - Platform", "won", 3_000.0), ("Helix Labs - Services", "open", 2_500.0)],  # 7, 9
    "José Núñez": [("Granite Foods - Analytics suite", "lost", 5_500.5)],  # 8
}


def test_the_preview_holds_unknown_owners_and_lists_them(roster_engine):
    raw = data(SALESFORCE)
    out = commit.preview(roster_engine, raw, plan_for(roster_engine, raw))
    assert (out.rows_read, out.accepted, out.rejected, out.held, out.duplicates, out.footer_lines) == (9, 5, 4, 4, 0, 5)
    assert out.new_people == []
    assert [(r.line, r.column, r.value, r.reason) for r in out.rejects] == HELD
    assert [(o.label, o.shown, o.rows, o.column, o.role) for o in out.owners_to_add()] == [
        ("Integration User", "Integration User", 2, "Opportunity Owner", "rep"),
        ("<b>Ann</b>", "<b>Ann</b>", 1, "Opportunity Owner", "rep"),
        (FORMULA, FORMULA, 1, "Opportunity Owner", "rep"),
    ]


def test_the_import_writes_the_matched_rows_and_adds_no_one(roster_engine):
    raw = data(SALESFORCE)
    out = commit.commit(roster_engine, raw, plan_for(roster_engine, raw), SALESFORCE)
    assert (out.inserted, out.rejected, out.held) == (5, 4, 4)
    assert people(roster_engine) == {
        "Maria Keller": "manager",
        "Ann Lee": "rep",
        "Bob Stone": "rep",
        "José Núñez": "rep",
    }
    assert deals_by_owner(roster_engine) == MATCHED_DEALS


def test_adding_an_unknown_owner_accepts_their_rows_and_undo_takes_the_person_back(roster_engine):
    raw = data(SALESFORCE)
    commit.commit(roster_engine, raw, plan_for(roster_engine, raw), SALESFORCE)
    before = dump(roster_engine)
    plan = plan_for(roster_engine, raw, add_people={"Integration User": "rep"})
    seen = commit.preview(roster_engine, raw, plan)
    assert (seen.accepted, seen.rejected, seen.held, seen.inserted, seen.unchanged) == (7, 2, 2, 2, 5)
    assert seen.new_people == ["Integration User"]
    assert [o.label for o in seen.owners_to_add()] == ["<b>Ann</b>", FORMULA]
    done = commit.commit(roster_engine, raw, plan, SALESFORCE)
    assert (done.accepted, done.inserted, done.new_people) == (seen.accepted, seen.inserted, seen.new_people)
    assert people(roster_engine)["Integration User"] == "rep"
    assert deals_by_owner(roster_engine) == {
        **MATCHED_DEALS,
        "Integration User": [("Birch Ltd - Renewal", "open", 8_000.0), ("Cedar GmbH - Services", "open", 2_000.0)],
    }
    undo.undo(roster_engine, done.batch_id)
    assert dump(roster_engine) == before


def test_add_unknown_owners_adds_every_one_of_them_for_scripts(roster_engine):
    raw = data(SALESFORCE)
    out = commit.commit(roster_engine, raw, plan_for(roster_engine, raw, add_unknown_owners=True), SALESFORCE)
    assert (out.accepted, out.rejected, out.held) == (9, 0, 0)
    assert sorted(out.new_people) == sorted(["Integration User", "<b>Ann</b>", FORMULA])
    assert len(people(roster_engine)) == 4 + 3


def test_import_file_holds_unknown_owners_unless_asked(roster_engine, tmp_path):
    path = tmp_path / SALESFORCE
    path.write_bytes(data(SALESFORCE))
    held = upload.import_file(roster_engine, path)
    assert (held.accepted, held.held, sorted(held.unknown_owners)) == (
        5,
        4,
        sorted(["Integration User", "<b>Ann</b>", FORMULA]),
    )
    added = upload.import_file(roster_engine, path, add_people={"Integration User": "rep"})
    assert (added.inserted, added.unchanged, added.held, added.new_people) == (2, 5, 2, ["Integration User"])


# --- other person cells: a session's manager and rep, a quota's person ---------------------------------


def test_a_coaching_log_in_an_empty_database_holds_every_row_naming_each_unknown_person(engine):
    raw = data("google_forms_coaching_log.csv")
    out = commit.commit(engine, raw, plan_for(engine, raw), "log.csv")
    # 6 rows, each naming Maria Keller (manager) and a rep: each row held once, both people listed
    assert (out.rows_read, out.accepted, out.rejected, out.held) == (6, 0, 6, 6)
    assert [(o.label, o.rows, o.column, o.role) for o in out.owners_to_add()] == [
        ("Maria Keller", 6, "Manager", "manager"),
        ("Ann Lee", 5, "Rep", "rep"),
        ("Bob Stone", 1, "Rep", "rep"),
    ]
    assert [(r.line, r.column, r.value) for r in out.rejects if r.line == 2] == [
        (2, "Manager", "Maria Keller"),
        (2, "Rep", "Ann Lee"),
    ]
    assert people(engine) == {}


def test_a_quota_for_an_unknown_person_is_held(engine):
    raw = data("template_quotas.csv")
    out = commit.commit(engine, raw, plan_for(engine, raw), "quotas.csv")
    assert (out.accepted, out.held) == (0, 4)
    assert [(o.label, o.rows) for o in out.owners_to_add()] == [
        ("ann.lee@example.com", 2),
        ("Bob Stone", 1),
        ("José Núñez", 1),
    ]
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Quota)).scalar() == 0


def test_a_people_roster_still_creates_its_people(engine):
    raw = data("template_people.csv")
    out = commit.commit(engine, raw, plan_for(engine, raw), "people.csv")
    assert (out.inserted, out.held) == (4, 0)
    assert people(engine) == {"Maria Keller": "manager", "Ann Lee": "rep", "Bob Stone": "rep", "José Núñez": "rep"}


# --- the Data page: one click adds a person ---------------------------------------------------------------

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def served(roster_engine, db_url, monkeypatch):
    monkeypatch.setenv("BREAKTHROUGH_DATABASE_URL", db_url)
    return roster_engine


def test_the_data_page_offers_to_add_each_unknown_owner_and_then_accepts_their_rows(served):
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("pages/data.py").run()
    at.file_uploader[0].set_value([(SALESFORCE, data(SALESFORCE), "text/csv")]).run()
    assert not at.exception and not at.error
    shown = {m.label: m.value for m in at.metric}
    assert (shown["Accepted"], shown["Rejected"], shown["Unknown owner"], shown["New people"]) == ("5", "4", "4", "0")
    labels = [b.label for b in at.button if b.key.startswith("add:")]
    assert labels == [
        "Add Integration User as a person",
        "Add \\<b\\>Ann\\</b\\> as a person",  # escaped markup
        'Add =HYPERLINK\\("https\\://northwind\\.my\\.salesforce\\.com/0055000000B… as a person',
    ]
    reasons = next(d.value for d in at.dataframe if "Reason" in d.value.columns)
    assert list(reasons["Value"]) == ["Integration User", "Integration User", "<b>Ann</b>", FORMULA]  # as in the file
    next(b for b in at.button if b.label == labels[0]).click().run()
    assert not at.exception
    shown = {m.label: m.value for m in at.metric}
    assert (shown["Accepted"], shown["Rejected"], shown["Unknown owner"], shown["New people"]) == ("7", "2", "2", "1")
    assert any("Integration User will be added as a rep when you import" in m.value for m in at.markdown)
    assert people(served).get("Integration User") is None  # nothing is written before Import
    next(b for b in at.button if b.label == "Import").click().run()
    assert not at.exception
    assert people(served)["Integration User"] == "rep"
    assert len(deals_by_owner(served)["Integration User"]) == 2


def test_dont_add_takes_the_choice_back_before_the_import(served):
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("pages/data.py").run()
    at.file_uploader[0].set_value([(SALESFORCE, data(SALESFORCE), "text/csv")]).run()
    next(b for b in at.button if b.label == "Add Integration User as a person").click().run()
    next(b for b in at.button if b.label == "Don't add Integration User").click().run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Accepted"] == "5"
