"""Importing exports end to end into a fresh database: figures, idempotency, history, undo, atomicity.

Fixture exports (tests/fixtures/exports/) are written in each source's real shape.
Every expected figure below is worked out by hand from those files.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, insert, select, text

from breakthrough import settings as settings_store
from breakthrough.importing import upload
from breakthrough.importing.map.people import name_key
from breakthrough.importing.map.plan import Plan
from breakthrough.importing.map.profiles import PROFILES
from breakthrough.importing.read.reading import FileError
from breakthrough.importing.write import commit, tables, undo
from breakthrough.metrics import periods, scorecard
from breakthrough.store import db
from breakthrough.store.models import (
    Activity,
    ActivityDaily,
    Base,
    ImportBatch,
    Opportunity,
    OpportunityHistory,
    Person,
    PersonAlias,
)
from breakthrough.store.rollups import refresh_activity_daily

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
NOW = dt.datetime(2026, 11, 27, 9, 0)
BOOKKEEPING = {"import_batch", "import_change", "import_summary", "setting", "audit_log"}


def data(name: str) -> bytes:
    return (EXPORTS / name).read_bytes()


def plan_for(engine, raw: bytes, orders: dict | None = None, **changes) -> Plan:
    """The detected plan. These tests load exports into an empty database, so its owners are added on
    purpose (`add_unknown_owners`, what a `--add-unknown-owners` flag does); tests/test_unknown_owners.py
    tests the default, which holds them."""
    found = upload.inspect(engine, raw)
    found.plan.date_orders.update(orders or {})
    found.plan.add_unknown_owners = True
    for key, value in changes.items():
        setattr(found.plan, key, value)
    return found.plan


def load(engine, name: str, orders: dict | None = None, raw: bytes | None = None, **changes) -> commit.Outcome:
    raw = raw if raw is not None else data(name)
    return commit.commit(engine, raw, plan_for(engine, raw, orders, **changes), name, now=NOW)


def dump(engine, skip=BOOKKEEPING) -> dict[str, list]:
    """Every row of every table (but the bookkeeping ones), in a stable order."""
    out = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name not in skip:
                out[table.name] = sorted((tuple(r) for r in conn.execute(select(table))), key=repr)
    return out


def deals_by_status(engine) -> dict[tuple[str, str], tuple[int, float]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                Opportunity.status, Opportunity.currency, func.count(), func.coalesce(func.sum(Opportunity.amount), 0)
            ).group_by(Opportunity.status, Opportunity.currency)
        ).all()
    return {(s, c): (n, round(float(a), 2)) for s, c, n, a in rows}


def activities_by_type(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return dict(conn.execute(select(Activity.type, func.count()).group_by(Activity.type)).all())


def add_people(engine, *people: tuple[str, str | None, str]) -> dict[str, int]:
    with engine.begin() as conn:
        return {
            name: conn.execute(
                insert(Person).values(name=name, name_key=name_key(name), email=email, role=role).returning(Person.id)
            ).scalar_one()
            for name, email, role in people
        }


# --- each source, end to end -----------------------------------------------------------------------

DEAL_FILES = [
    # file, rows read, accepted, skipped, {(status, currency): (deals, amount)} worked out from the file
    (
        "salesforce_opportunities.csv",
        6,
        6,
        0,
        {
            ("won", "USD"): (2, 32_345.00),  # 12,345.00 + 20,000.00
            ("lost", "USD"): (1, 5_500.50),
            ("open", "USD"): (3, 11_250.00),  # 8,000.00 + 3,250.00 + (no amount)
        },
    ),
    (
        "hubspot_deals.csv",
        5,
        5,
        0,
        {
            ("won", "USD"): (2, 15_815.00),  # 11,015.0 + 4,800 ("Renewed" counts as won)
            ("lost", "USD"): (1, 15_000.00),
            ("open", "USD"): (2, 7_250.50),  # 7,250.5 + (no amount)
        },
    ),
    (
        "pipedrive_deals.csv",
        5,
        4,
        1,
        {  # the deleted deal is skipped
            ("won", "EUR"): (1, 12_500.00),
            ("won", "GBP"): (1, 9_900.00),
            ("lost", "EUR"): (1, 2_000.00),
            ("open", "EUR"): (1, 4_300.50),
        },
    ),
    (
        "template_opportunities_cp1252.csv",
        3,
        3,
        0,
        {  # ; delimited, cp1252, dd.mm.yyyy, 12.345,00
            ("won", "EUR"): (1, 12_345.00),
            ("open", "EUR"): (1, 1_250.50),
            ("lost", "EUR"): (1, 8_000.00),
        },
    ),
]


@pytest.mark.parametrize("name, read, accepted, skipped, expected", DEAL_FILES)
def test_each_crms_deal_export_imports_with_the_totals_of_the_file(engine, name, read, accepted, skipped, expected):
    out = load(engine, name)
    assert (out.rows_read, out.accepted, out.rejected, out.skipped) == (read, accepted, 0, skipped)
    assert out.inserted == accepted and out.rejects == []
    assert deals_by_status(engine) == expected


ACTIVITY_FILES = [
    # file, date orders answered, read, accepted, skipped, activities per type, total duration (s)
    ("salesforce_activities.csv", {}, 9, 8, 1, {"call": 4, "meeting": 2, "email": 1, "other": 1}, 0),
    ("hubspot_calls.csv", {}, 4, 4, 0, {"call": 4}, 323 + 15 + 45 + 0),  # milliseconds ÷ 1,000
    ("hubspot_meetings.csv", {}, 3, 3, 0, {"meeting": 3}, 0),
    (
        "pipedrive_activities.csv",
        {},
        5,
        4,
        1,
        {"call": 1, "meeting": 1, "email": 1, "other": 1},
        15 * 60 + 60 * 60 + 90 * 60,
    ),  # h:mm: 00:15 + 01:00 + 01:30
    (
        "template_activities_bom_tab.csv",
        {"date": "dmy"},
        4,
        4,
        0,
        {"call": 1, "meeting": 1, "demo": 1, "other": 1},
        323 + 2700 + 3600 + 1800,
    ),  # 0:05:23 + 0:45:00 + 1:00:00 + 0:30:00
]


@pytest.mark.parametrize("name, orders, read, accepted, skipped, types, seconds", ACTIVITY_FILES)
def test_each_crms_activity_export_imports_with_the_counts_of_the_file(
    engine, name, orders, read, accepted, skipped, types, seconds
):
    out = load(engine, name, orders)
    assert (out.rows_read, out.accepted, out.rejected, out.skipped) == (read, accepted, 0, skipped)
    assert activities_by_type(engine) == types
    with engine.connect() as conn:
        assert (conn.execute(select(func.coalesce(func.sum(Activity.duration_s), 0))).scalar()) == seconds
        rollup = conn.execute(select(func.sum(ActivityDaily.n))).scalar()
    assert rollup == accepted  # every activity has an owner, so every one is in the rollup


def test_salesforce_rows_keep_their_stage_words_raw_labels_and_footers_out(engine):
    load(engine, "salesforce_activities.csv")
    with engine.connect() as conn:
        lunch = conn.execute(
            select(Activity.type, Activity.raw_type).where(Activity.subject == "Lunch with the CFO")
        ).one()
        ann_calls = conn.execute(
            select(Activity.outcome, func.count())
            .join(Person, Person.id == Activity.rep_id)
            .where(Person.name == "Ann Lee", Activity.type == "call")
            .group_by(Activity.outcome)
        ).all()
    assert tuple(lunch) == ("other", "Other")  # unknown type kept as other with the raw label
    assert dict(ann_calls) == {"connected": 1, "no answer": 2}  # two identical rows are two calls


def test_pipedrive_won_deals_keep_their_last_stage_and_close_on_the_won_date(engine):
    load(engine, "pipedrive_deals.csv")
    with engine.connect() as conn:
        won = conn.execute(
            select(Opportunity.stage, Opportunity.status, Opportunity.close_date).where(
                Opportunity.external_id == "101"
            )
        ).one()
    assert tuple(won) == ("Negotiations Started", "won", dt.date(2026, 10, 20))


def test_an_ambiguous_date_column_is_asked_never_guessed(engine):
    raw = data("template_activities_bom_tab.csv")
    found = upload.inspect(engine, raw)
    assert [q.field for q in found.questions] == ["date"]
    assert "reads either way" in found.questions[0].why
    unanswered = commit.preview(engine, raw, found.plan)
    assert unanswered.accepted == 0 and unanswered.rejected == 4
    assert all("day-first or month-first" in r.reason for r in unanswered.rejects)
    found.plan.date_orders["date"] = "mdy"
    found.plan.add_unknown_owners = True  # an empty database: its owners are added on purpose
    commit.commit(engine, raw, found.plan, "x.csv")
    with engine.connect() as conn:
        days = sorted(conn.execute(select(Activity.day)).scalars())
    assert days == [dt.date(2026, 2, 11), dt.date(2026, 3, 11), dt.date(2026, 4, 11), dt.date(2026, 5, 11)]


# --- the dashboard's figures ----------------------------------------------------------------------


def test_the_dashboard_shows_the_totals_worked_out_from_the_files(engine):
    for name in (
        "template_people.csv",
        "template_quotas.csv",
        "salesforce_opportunities.csv",
        "salesforce_activities.csv",
    ):
        assert load(engine, name).rejected == 0, name
    cfg = settings_store.load(engine)
    period = periods.period_containing(dt.date(2026, 11, 27), "quarter", cfg.fiscal_year_start_month)
    card = scorecard.build(engine, cfg, period, dt.date(2026, 11, 27))
    reps = {r.name: r for r in card.reps.values()}
    assert set(reps) == {"Ann Lee", "Bob Stone", "José Núñez"}  # Maria is a manager: no rep figures
    assert reps["Ann Lee"].quota == pytest.approx(80_000)  # Oct 40,000 + Nov 40,000
    assert reps["Ann Lee"].won == pytest.approx(12_345)  # Acme Corp - Platform, closed 10/15/2026
    assert reps["Bob Stone"].quota == pytest.approx(30_000) and reps["Bob Stone"].won == 0  # his deal was lost
    assert reps["José Núñez"].quota == pytest.approx(25_000 * 1.08)  # EUR 25,000 at 1.08 = 27,000 USD
    assert reps["José Núñez"].won == pytest.approx(20_000)  # Evergreen Health, closed 11/18/2026
    assert card.totals()["won"] == pytest.approx(32_345)  # 12,345 + 20,000


def test_deals_owned_by_a_manager_or_nobody_are_kept_but_count_for_no_rep(engine):
    load(engine, "template_people.csv")
    raw = (
        b"crm_id,owner,name,stage,amount,close_date,created_date\n"
        b"M-1,Maria Keller,Manager's own deal,Closed Won,9000,2026-11-10,2026-10-01\n"
        b"M-2,,Nobody's deal,Closed Won,7000,2026-11-11,2026-10-01\n"
        b"M-3,Ann Lee,Ann's deal,Closed Won,1000,2026-11-12,2026-10-01\n"
    )
    out = load(engine, "own.csv", raw=raw)
    assert (out.accepted, out.rejected, out.new_people) == (3, 0, [])
    cfg = settings_store.load(engine)
    period = periods.period_containing(dt.date(2026, 11, 27), "quarter", 1)
    card = scorecard.build(engine, cfg, period, dt.date(2026, 11, 27))
    assert card.totals()["won"] == pytest.approx(1000)  # only Ann's
    assert deals_by_status(engine) == {("won", "USD"): (3, 17_000.0)}  # all three kept: 9,000 + 7,000 + 1,000


# --- owners ------------------------------------------------------------------------------------------

OWNER_CELLS = [
    "Ann Lee",
    "ANN LEE",
    "  ann   lee ",
    "Ànn Lée",
    "\u200bAnn Lee\u00ad",
    "Ann\u00a0Lee",  # name, any spelling
    "ann.lee@example.com",
    "Ann Lee (ann.lee@example.com)",
    "Someone <ANN.LEE@example.com>",  # email first
    "0055000000ANNLE",  # CRM user id (person_alias)
]


@pytest.mark.parametrize("cell", OWNER_CELLS)
def test_owners_match_by_email_then_crm_user_id_then_name(engine, cell):
    ids = add_people(engine, ("Ann Lee", "ann.lee@example.com", "rep"), ("Bob Stone", None, "rep"))
    with engine.begin() as conn:
        conn.execute(insert(PersonAlias).values(person_id=ids["Ann Lee"], source="salesforce", alias="0055000000ANNLE"))
    raw = (
        f'"Opportunity Owner","Opportunity Name","Stage","Created Date"\n"{cell}","Deal","Prospecting","11/20/2026"\n'
    ).encode()
    out = load(engine, "x.csv", raw=raw)
    assert (out.accepted, out.new_people) == (1, [])
    with engine.connect() as conn:
        assert conn.execute(select(Opportunity.owner_id)).scalar() == ids["Ann Lee"]


def test_unknown_owners_are_held_and_only_the_ones_asked_for_are_added(engine):
    raw = data("hubspot_calls.csv")
    found = upload.inspect(engine, raw)
    assert [(p.label, p.status, p.rows) for p in found.people] == [
        ("Ann Lee", "new", 2),
        ("Bob Stone", "new", 1),
        ("José Núñez", "new", 1),
    ]
    found.plan.add_people = {"José Núñez": "manager", "Ann Lee": "rep"}
    out = commit.commit(engine, raw, found.plan, "calls.csv")
    assert (out.accepted, out.rejected, out.held) == (3, 1, 1)
    assert out.rejects[0].line == 4 and "“Bob Stone” is not a known person" in out.rejects[0].reason
    with engine.connect() as conn:
        assert dict(conn.execute(select(Person.name, Person.role)).all()) == {"Ann Lee": "rep", "José Núñez": "manager"}


def test_a_file_without_an_owner_column_is_refused_naming_it(engine):
    raw = data("hubspot_deals.csv").replace(b"Deal owner", b"Sales person")
    plan = plan_for(engine, raw)
    assert plan.mapping["owner"] is None  # never guessed from another column
    before = dump(engine, skip=set())
    with pytest.raises(FileError, match=r"no column for \*\*Owner\*\*"):
        commit.preview(engine, raw, plan)
    with pytest.raises(FileError, match="Owner"):
        commit.commit(engine, raw, plan, "x.csv")
    assert dump(engine, skip=set()) == before
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ImportBatch)).scalar() == 0


# --- rejected rows ------------------------------------------------------------------------------------

BROKEN = """crm_id,owner,name,stage,amount,close_date,created_date
O-1,Ann Lee,Good deal,Proposal,100,2026-12-01,2026-11-01
O-2,Ann Lee,Bad date,Proposal,100,2026-13-45,2026-11-01
O-3,Ann Lee,Negative,Proposal,-100,2026-12-01,2026-11-01
O-4,Ann Lee,Garbled,Proposal,"12,34,5",2026-12-01,2026-11-01
O-5,Ann Lee,Backwards,Proposal,100,2026-10-01,2026-11-01
O-6,Ghost Person,Unknown owner,Proposal,100,2026-12-01,2026-11-01
O-1,Ann Lee,Good deal again,Proposal,100,2026-12-01,2026-11-01
O-8,Ann Lee,,Proposal,100,2026-12-01,2026-11-01
O-9,0055000000XYZAB,Id owner,Proposal,100,2026-12-01,2026-11-01
O-10,Ann Lee,Fine too,Closed Won,"$1,000.00",2026-11-20,2026-11-01
"""

REJECTED = [
    # file line, column, value, reason (part of it)
    (3, "close_date", "2026-13-45", "not a real date"),
    (4, "amount", "-100", "negative"),
    (5, "amount", "12,34,5", "not an amount"),
    (6, "close_date", "2026-10-01", "before it was created"),
    (7, "owner", "Ghost Person", "“Ghost Person” is not a known person"),
    (8, "crm_id", "O-1", "duplicate of line 2"),
    (9, "name", "", "Deal name is empty"),
    (10, "owner", "0055000000XYZAB", "CRM user id that no person has"),
]


def test_every_rejected_row_is_listed_with_line_column_value_and_reason(engine):
    add_people(engine, ("Ann Lee", None, "rep"))
    out = load(engine, "broken.csv", raw=BROKEN.encode(), add_unknown_owners=False)
    assert (out.rows_read, out.accepted, out.rejected, out.duplicates) == (10, 2, 8, 1)
    got = sorted((r.line, r.column, r.value, r.reason) for r in out.rejects)
    assert len(got) == len(REJECTED)
    for (line, column, value, reason), expected in zip(got, REJECTED):
        assert (line, column, value) == expected[:3]
        assert expected[3] in reason, reason
    assert deals_by_status(engine) == {("open", "USD"): (1, 100.0), ("won", "USD"): (1, 1000.0)}


def test_a_line_in_another_encoding_is_a_rejected_row(engine):
    raw = data("hubspot_calls.csv") + "7005,2026-11-05 10:00,Zoë Ærø,Connected,1000,,\n".encode("cp1252")
    out = load(engine, "mixed.csv", raw=raw)
    assert (out.accepted, out.rejected) == (4, 1)
    assert out.rejects[0].line == 6 and "Windows-1252" in out.rejects[0].reason


# --- writing: idempotent, updates with history, one transaction -----------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "salesforce_opportunities.csv",
        "salesforce_activities.csv",
        "hubspot_deals.csv",
        "pipedrive_activities.csv",
        "template_people.csv",
        "template_accounts.csv",
    ],
)
def test_importing_the_same_export_twice_changes_nothing(engine, name):
    first = load(engine, name)
    before = dump(engine)
    again = load(engine, name)
    assert dump(engine) == before
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, first.accepted)
    assert again.new_people == [] and again.new_accounts == 0


NEWER_HUBSPOT = (
    data("hubspot_deals.csv")
    .replace(b"Contract sent,Sales Pipeline,7250.5", b"Closed won,Sales Pipeline,7300")
    .replace(
        b"9005,Fjord AS \xe2\x80\x93 Platform,Appointment scheduled,Sales Pipeline,,2027-01-31",
        b"9005,Fjord AS \xe2\x80\x93 Platform,Appointment scheduled,Sales Pipeline,,2027-02-26",
    )
    + "9006,Zeta AS – Platform,Qualified to buy,Sales Pipeline,5000,2027-03-31 00:00,2026-11-26 12:00,"
    "Ann Lee,Zeta AS\n".encode()
)


def test_a_newer_export_updates_records_and_keeps_their_previous_values_in_history(engine):
    load(engine, "hubspot_deals.csv")
    out = load(engine, "newer.csv", raw=NEWER_HUBSPOT)
    assert (out.inserted, out.updated, out.unchanged) == (1, 2, 3)  # 9006 new; 9003 and 9005 changed
    with engine.connect() as conn:
        history = conn.execute(
            select(
                Opportunity.external_id,
                OpportunityHistory.stage,
                OpportunityHistory.amount,
                OpportunityHistory.close_date,
                OpportunityHistory.changed_at,
            )
            .join(Opportunity, Opportunity.id == OpportunityHistory.opportunity_id)
            .order_by(Opportunity.external_id)
        ).all()
        closed = conn.execute(
            select(Opportunity.stage, Opportunity.status, Opportunity.amount, Opportunity.stage_since).where(
                Opportunity.external_id == "9003"
            )
        ).one()
    assert [tuple(h) for h in history] == [
        ("9003", "Contract sent", 7250.5, dt.date(2026, 12, 15), NOW),
        ("9005", "Appointment scheduled", None, dt.date(2027, 1, 31), NOW),
    ]
    assert tuple(closed) == ("Closed won", "won", 7300.0, NOW.date())
    assert deals_by_status(engine)[("won", "USD")] == (3, 23_115.0)  # 11,015 + 4,800 + 7,300


def test_a_column_missing_from_a_newer_export_keeps_its_stored_values(engine):
    load(engine, "hubspot_deals.csv")
    trimmed = b"\n".join(
        b",".join(line.split(b",")[:4] + line.split(b",")[5:]) for line in data("hubspot_deals.csv").splitlines()
    )  # without the Amount column
    out = load(engine, "no_amount.csv", raw=trimmed)
    assert (out.updated, out.unchanged) == (0, 5)
    assert deals_by_status(engine)[("won", "USD")] == (2, 15_815.0)


def test_preview_writes_nothing_and_counts_what_commit_then_does(engine):
    load(engine, "hubspot_deals.csv")
    before = dump(engine, skip=set())
    plan = plan_for(engine, NEWER_HUBSPOT)
    preview = commit.preview(engine, NEWER_HUBSPOT, plan)
    assert dump(engine, skip=set()) == before
    done = commit.commit(engine, NEWER_HUBSPOT, plan, "newer.csv")
    fields = ("rows_read", "accepted", "rejected", "inserted", "updated", "unchanged", "new_people", "new_accounts")
    assert [getattr(preview, f) for f in fields] == [getattr(done, f) for f in fields]


def test_the_activity_rollup_is_refreshed_in_the_same_transaction(engine):
    load(engine, "salesforce_activities.csv")
    load(engine, "hubspot_calls.csv")
    with engine.connect() as conn:
        kept = sorted(tuple(r) for r in conn.execute(select(ActivityDaily)))
    with engine.begin() as conn:
        refresh_activity_daily(conn)  # a full recount from the raw rows
        recount = sorted(tuple(r) for r in conn.execute(select(ActivityDaily)))
    assert kept == recount and len(kept) > 0


MOVED_BEFORE = (
    b"owner,type,crm_id,date,outcome,account,subject\n"
    b"Ann Lee,Call,A-1,2026-10-01 09:00:00,connected,Acme Corp,one\n"
    b"Ann Lee,Meeting,A-2,2026-10-01 10:00:00,held,Acme Corp,two\n"
    b"Bob Stone,Email,A-3,2026-10-02 09:00:00,,,three\n"
)
MOVED_AFTER = (  # A-1 as it was; A-2 did not take place; A-3 is Ann's call a day later; A-4 is new
    b"owner,type,crm_id,date,outcome,account,subject\n"
    b"Ann Lee,Call,A-1,2026-10-01 09:00:00,connected,Acme Corp,one\n"
    b"Ann Lee,Meeting,A-2,2026-10-01 10:00:00,no show,Acme Corp,two\n"
    b"Ann Lee,Call,A-3,2026-10-03 09:00:00,connected,,three\n"
    b"Bob Stone,Call,A-4,2026-10-02 11:00:00,connected,Acme Corp,four\n"
)


@pytest.mark.parametrize("fast", [True, False], ids=["column-wise", "row by row"])
def test_a_re_import_that_moves_activities_moves_their_counts(paths, fresh, fast):
    engine = fresh("moved")
    paths.load(engine, MOVED_BEFORE, fast)
    out = paths.load(engine, MOVED_AFTER, fast)[1]
    assert (out.inserted, out.updated, out.unchanged) == (1, 2, 1)
    with engine.connect() as conn:
        names = dict(conn.execute(select(Person.id, Person.name)).all())
        daily = sorted(
            (names[r], str(d), t, o, n)
            for r, d, t, o, n in conn.execute(
                select(
                    ActivityDaily.rep_id, ActivityDaily.day, ActivityDaily.type, ActivityDaily.outcome, ActivityDaily.n
                )
            )
        )
        rep_day = sorted(
            (names[r], str(d), *counts)
            for r, d, *counts in conn.execute(
                text("SELECT rep_id, day, calls, meetings_held, emails, activities FROM activity_rep_day")
            )
        )
        on_accounts = sorted(
            (names[r], str(d), w, t)
            for r, d, w, t in conn.execute(text("SELECT rep_id, day, with_account, on_target FROM target_activity_day"))
        )
    assert daily == [  # Bob's e-mail is gone (no row of 0), Ann's meeting counts under its new outcome
        ("Ann Lee", "2026-10-01", "call", "connected", 1),
        ("Ann Lee", "2026-10-01", "meeting", "no show", 1),
        ("Ann Lee", "2026-10-03", "call", "connected", 1),
        ("Bob Stone", "2026-10-02", "call", "connected", 1),
    ]
    assert rep_day == [  # (calls, meetings held, e-mails, activities)
        ("Ann Lee", "2026-10-01", 1, 0, 0, 2),
        ("Ann Lee", "2026-10-03", 1, 0, 0, 1),
        ("Bob Stone", "2026-10-02", 1, 0, 0, 1),
    ]
    assert on_accounts == [("Ann Lee", "2026-10-01", 2, 0), ("Bob Stone", "2026-10-02", 1, 0)]  # A-3 lost Acme


def test_each_import_and_undo_moves_the_data_version_on(engine):
    start = db.data_version(engine)
    out = load(engine, "hubspot_calls.csv")
    assert db.data_version(engine) == start + 1
    undo.undo(engine, out.batch_id)
    assert db.data_version(engine) == start + 2


def test_the_batch_records_file_digest_entity_profile_and_counts(engine):
    raw = data("pipedrive_deals.csv")
    out = load(engine, "pipedrive_deals.csv")
    with engine.connect() as conn:
        batch = conn.execute(select(ImportBatch)).one()
        stamped = conn.execute(select(func.count()).where(Opportunity.batch_id == batch.id)).scalar()
    import hashlib

    assert batch.sha256 == hashlib.sha256(raw).hexdigest() == out.sha256
    assert (batch.file_name, batch.entity, batch.source_profile) == (
        "pipedrive_deals.csv",
        "opportunities",
        PROFILES["pipedrive_deals"].label,
    )
    assert (batch.rows_read, batch.rows_accepted, batch.rows_rejected, batch.status) == (5, 4, 0, "committed")
    assert stamped == 4  # every imported row points at its batch


def test_an_error_in_the_last_chunk_leaves_the_database_unchanged(engine, monkeypatch):
    load(engine, "template_people.csv")
    before = dump(engine, skip=set())
    calls = []
    original = tables.ActivityWriter.write

    def failing(self, records):
        calls.append(len(records))
        if len(calls) == 3:
            raise RuntimeError("disk full")
        original(self, records)

    monkeypatch.setattr(tables.ActivityWriter, "write", failing)
    raw = data("salesforce_activities.csv")  # 9 rows: chunks of 3, 3 and 3 (the last has one skipped)
    with pytest.raises(RuntimeError, match="disk full"):
        commit.commit(engine, raw, plan_for(engine, raw), "x.csv", chunk_rows=3)
    assert calls == [3, 3, 2]
    assert dump(engine, skip=set()) == before


# --- undo -------------------------------------------------------------------------------------------


def test_undo_restores_exactly_what_a_batch_updated_and_removes_what_it_inserted(engine):
    load(engine, "hubspot_deals.csv")
    load(engine, "hubspot_calls.csv")
    before = dump(engine)
    newer = load(engine, "newer.csv", raw=NEWER_HUBSPOT)
    assert dump(engine) != before
    message = undo.undo(engine, newer.batch_id)
    assert "undone" in message
    assert dump(engine) == before
    with engine.connect() as conn:
        assert conn.execute(select(ImportBatch.status).where(ImportBatch.id == newer.batch_id)).scalar() == "undone"


def test_undoing_every_batch_newest_first_empties_the_database(engine):
    empty = dump(engine)
    batches = [
        load(engine, n, orders).batch_id
        for n, orders in (
            ("template_people.csv", {}),
            ("template_accounts.csv", {}),
            ("template_quotas.csv", {}),
            ("template_coaching_sessions.csv", {}),
            ("salesforce_opportunities.csv", {}),
            ("salesforce_activities.csv", {}),
            ("template_activities_bom_tab.csv", {"date": "dmy"}),
        )
    ]
    for batch_id in reversed(batches):
        undo.undo(engine, batch_id)
    assert dump(engine) == empty


def test_undo_refuses_while_a_later_batch_of_the_same_records_is_in_place(engine):
    first = load(engine, "hubspot_deals.csv")
    newer = load(engine, "newer.csv", raw=NEWER_HUBSPOT)
    with pytest.raises(undo.UndoError, match=f"undo #{newer.batch_id} first"):
        undo.undo(engine, first.batch_id)
    undo.undo(engine, newer.batch_id)
    undo.undo(engine, first.batch_id)
    with pytest.raises(undo.UndoError, match="already undone"):
        undo.undo(engine, first.batch_id)
    assert deals_by_status(engine) == {}


def test_undo_restores_people_the_import_updated(engine):
    load(engine, "template_people.csv")
    before = dump(engine)
    moved = data("template_people.csv").replace(
        b"Bob Stone,bob.stone@example.com,rep,Enterprise", b"Bob Stone,bob.stone@example.com,manager,Mid-Market"
    )
    out = load(engine, "moved.csv", raw=moved)
    assert (out.updated, out.unchanged) == (1, 3)
    undo.undo(engine, out.batch_id)
    assert dump(engine) == before


# --- never a crash, never half-written ------------------------------------------------------------

CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "Ann Lee",
            "Bob Stone",
            "",
            "call",
            "Meeting",
            "2026-11-02",
            "11/2/2026",
            "13/2/2026",
            "02.11.2026",
            "$1,000.00",
            "-5",
            "12,34,5",
            '"',
            "\n",
            ";",
            "\t",
            "=cmd()",
            "0:05:23",
        ]
    ),
)
HEADERS = ["crm_id", "owner", "date", "type", "outcome", "duration", "account", "subject"]


def _csv(rows: list[list[str]], delimiter: str) -> str:
    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if any(ch in value for ch in f'"\n\r{delimiter}') else value

    return "\n".join(delimiter.join(cell(v) for v in row) for row in [HEADERS, *rows]) + "\n"


def _check_all_or_nothing(engine, raw: bytes) -> None:
    before = dump(engine, skip=set())
    try:
        plan = plan_for(engine, raw)
        out = commit.commit(engine, raw, plan, "random.csv", chunk_rows=4)
    except FileError:
        assert dump(engine, skip=set()) == before
        return
    with engine.connect() as conn:
        stamped = conn.execute(select(func.count()).where(Activity.batch_id == out.batch_id)).scalar()
    assert stamped == out.inserted + out.updated
    assert out.accepted + out.rejected + out.skipped == out.rows_read


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=400))
def test_random_bytes_never_crash_and_never_write_partially(engine, raw):
    _check_all_or_nothing(engine, raw)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.lists(CELL, min_size=len(HEADERS), max_size=len(HEADERS) + 1), max_size=12),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_random_csvs_never_crash_and_never_write_partially(engine, rows, delimiter, encoding):
    raw = _csv(rows, delimiter).encode(encoding, errors="replace")
    _check_all_or_nothing(engine, raw)


def test_text_is_stored_as_text(engine):
    load(engine, "template_people.csv")
    load(engine, "template_coaching_sessions.csv")
    with engine.connect() as conn:
        notes = conn.execute(text("SELECT notes FROM coaching_session WHERE notes LIKE '%SUM%'")).scalar()
    assert notes == "Reviewed the top deals; =SUM(A1) stays text"


SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
SAMPLE_ORDER = [
    "template_people.csv",
    "template_accounts.csv",
    "template_quotas.csv",
    "salesforce_opportunities.csv",
    "salesforce_activities.csv",
    "hubspot_deals.csv",
    "hubspot_calls.csv",
    "hubspot_meetings.csv",
    "pipedrive_deals.csv",
    "pipedrive_activities.csv",
    "template_coaching_sessions.csv",
]


def test_the_sample_exports_load_in_the_documented_order_with_nothing_rejected(engine):
    assert sorted(SAMPLE_ORDER) == sorted(p.name for p in SAMPLES.glob("*.csv"))
    for name in SAMPLE_ORDER:
        raw = (SAMPLES / name).read_bytes()
        out = commit.commit(engine, raw, plan_for(engine, raw), name)
        assert (out.rejected, out.new_people) == (0, []), name  # every owner is in the people file
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Person)).scalar() == 4


def test_import_file_reads_a_path_and_refuses_to_guess_dates(engine, tmp_path):
    path = tmp_path / "activities.csv"
    path.write_bytes(data("template_activities_bom_tab.csv"))
    with pytest.raises(ValueError, match="day-first or month-first: date"):
        upload.import_file(engine, path)
    held = upload.import_file(engine, path, date_orders={"date": "dmy"})
    assert (held.accepted, held.rejected, held.held, held.batch_id) == (0, 4, 4, 1)  # an empty database: no owner known
    assert sorted(held.unknown_owners) == ["Ann Lee", "Bob Stone"]
    out = upload.import_file(engine, path, date_orders={"date": "dmy"}, add_unknown_owners=True)
    assert (out.accepted, out.rejected) == (4, 0)
    with engine.connect() as conn:
        assert set(conn.execute(select(ImportBatch.file_name)).scalars()) == {"activities.csv"}


def test_demo_people_are_stored_with_the_key_the_importer_matches_on(demo_engine):
    with demo_engine.connect() as conn:
        stored = conn.execute(select(Person.name, Person.name_key)).all()
    assert stored and all(key == name_key(name) for name, key in stored)
    assert name_key("\u200bJosé  NÚÑEZ\u00ad") == "jose nunez"  # invisible characters are ignored
