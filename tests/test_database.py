"""The schema, its keys, money, the activity rollup and the data version, on a real database.

Every test runs on the database `BREAKTHROUGH_TEST_DATABASE` selects (SQLite by
default, a fresh PostgreSQL database when it names a server), through the
`engine` fixture: a migrated, empty database per test.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import delete, func, insert, inspect, select, text, update
from sqlalchemy.exc import IntegrityError

from breakthrough.store import rollups
from breakthrough.store.db import DEFAULT_URL, bump_data_version, data_version, migrate
from breakthrough.store.models import (
    Account,
    Activity,
    ActivityDaily,
    Base,
    Opportunity,
    OpportunityHistory,
    Person,
    PersonAlias,
    Quota,
    StageMap,
    Team,
)

D1, D2, D3 = dt.date(2026, 11, 2), dt.date(2026, 11, 3), dt.date(2026, 11, 4)


def count(engine, model) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def add_person(engine, name: str, email: str | None = None) -> int:
    with engine.begin() as conn:
        return conn.execute(
            insert(Person).values(name=name, name_key=name.lower(), email=email).returning(Person.id)
        ).scalar_one()


# --- migrations -------------------------------------------------------------------------------


def test_the_embedded_database_is_data_breakthrough_db_in_the_project_folder():
    # README and .gitignore say data/breakthrough.db; the house move once put it in breakthrough/data/
    project = Path(__file__).resolve().parent.parent
    assert f"sqlite:///{project / 'data' / 'breakthrough.db'}" == DEFAULT_URL
    assert (project / "data" / "samples").is_dir()


def test_migrate_twice_is_harmless_and_creates_every_table(engine):
    add_person(engine, "Ann Lee", "ann@example.com")  # the fixture has migrated once already

    migrate(engine)  # again: nothing to do, nothing lost

    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [_head()]
        assert conn.execute(select(Person.email)).scalars().all() == ["ann@example.com"]


def _head() -> str:
    """The newest migration's revision id (one head: migrations form a single chain)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from breakthrough.store.db import MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    (head,) = ScriptDirectory.from_config(cfg).get_heads()
    return head


def test_migrations_match_the_models(engine):
    """A model changed without a migration shows up here (what `alembic revision --autogenerate` would add)."""
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


RUNNING_TABLES = (
    "activity_running",
    "opportunity_running",
    "won_deal_cycles",
    "running_packed",
    "stage_cohort",
    "open_deal_pack",
    "open_stage",
    "team_running",
    "month_running",
    "target_running",
)


@pytest.mark.parametrize(
    "back_to, gone",
    [
        ("0004_page_indexes", set(RUNNING_TABLES)),  # 0005 creates the running totals, 0014 adds created_amount,
        # 0013 packs them per key, 0015 packs the stage cohort
        (
            "0010_audit_log",
            {"running_packed", "stage_cohort", "open_deal_pack", "open_stage", "team_running", "month_running",
             "target_running"},
        ),  # 0014 adds opportunity_running.created_amount,
        # 0013 packs them
        ("0013_speed", {"stage_cohort", "open_deal_pack", "open_stage", "team_running", "month_running",
                        "target_running"}),
        ("0015_stage_cohort", {"open_stage", "team_running", "month_running", "target_running"}),  # 0016: open stages
        ("0016_pages", {"team_running", "month_running", "target_running"}),  # 0016_talent: per team, by month
        ("0016_talent", {"target_running"}),  # 0017_pipe5: right prospects' running totals
    ],
)  # fmt: skip
def test_upgrading_a_database_with_data_fills_the_running_totals_as_a_refresh_would(engine, reps, back_to, gone):
    """The migrations fill the running totals from the rows already there, as a refresh writes them."""
    with engine.begin() as conn:  # Ann and Bob on a team: its running totals (0016) are theirs added up
        team = conn.execute(insert(Team).values(name="North").returning(Team.id)).scalar_one()
        conn.execute(update(Person).where(Person.id.in_([reps["A"], reps["B"]])).values(team_id=team, role="rep"))
    add_activities(engine, reps, ACTIVITIES)
    with engine.begin() as conn:  # Ann's calls on a target account (right prospects' running totals, 0017)
        target = conn.execute(insert(Account).values(name="Acme", is_target=True).returning(Account.id)).scalar_one()
        conn.execute(update(Activity).where(Activity.rep_id == reps["A"]).values(account_id=target))
    deals = [dict(OPPORTUNITY, external_id=f"o{i}", owner_id=reps[owner], status=status, close_date=close,
                  amount=amount, currency=currency)
             for i, (owner, status, close, amount, currency) in enumerate([
                 ("A", "won", D2, 100.5, "USD"), ("A", "won", D3, 200.0, "EUR"), ("B", "lost", D3, None, "USD"),
                 ("B", "open", None, 70.0, "USD"), ("A", "open", D3, 30.25, "USD")])]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(Opportunity), deals)
        lost = conn.execute(select(Opportunity.id).where(Opportunity.external_id == "o2")).scalar_one()
        conn.execute(insert(OpportunityHistory).values(opportunity_id=lost, stage="Proposal",
                                                       changed_at=dt.datetime(2026, 11, 1)))  # fmt: skip
        rollups.refresh_activity_daily(conn)
        rollups.refresh_opportunity_rollups(conn)
    refreshed = _tables(engine, RUNNING_TABLES)
    _alembic(engine, "downgrade", back_to)
    assert set(RUNNING_TABLES) - set(inspect(engine).get_table_names()) == gone
    if "opportunity_running" not in gone and "running_packed" in gone:  # back before 0014
        assert "created_amount" not in {c["name"] for c in inspect(engine).get_columns("opportunity_running")}
    migrate(engine)
    assert _tables(engine, RUNNING_TABLES) == refreshed
    assert all(refreshed.values())  # every table had rows to compare


def test_the_talent_pages_covering_indexes_go_with_a_downgrade_and_come_back(engine):
    """0017_talent5 adds two indexes (a rep's sessions by date, a rep's commitments); a downgrade drops them."""
    wanted = {("coaching_session", "ix_session_rep_date"), ("commitment", "ix_commitment_rep_session")}

    def present() -> set:
        found = inspect(engine)
        return {(t, i["name"]) for t in ("coaching_session", "commitment") for i in found.get_indexes(t)} & wanted

    assert present() == wanted
    _alembic(engine, "downgrade", "0016_talent")
    assert present() == set()
    migrate(engine)
    assert present() == wanted


def _tables(engine, names) -> dict[str, list]:
    with engine.connect() as conn:
        return {n: sorted(tuple(r) for r in conn.execute(select(Base.metadata.tables[n]))) for n in names}


def _alembic(engine, action: str, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    from breakthrough.store.db import MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, action)(cfg, revision)


# --- unique keys (docs/importing.md#importing-again-and-history) -------------------------------

PERSON_ID = "person_id"  # stands for the id of a person the test inserts first (person_alias needs one)

ACTIVITY = dict(source="salesforce", external_id="00T1", ts=dt.datetime(2026, 11, 2, 9, 30), day=D1, type="call")
OPPORTUNITY = dict(
    source="salesforce",
    external_id="0061",
    name="Acme renewal",
    created_date=D1,
    stage="Proposal",
    status="open",
    amount=5000.0,
    currency="USD",
)

# (model, a row, a second row with the same key but other values elsewhere, the key's columns)
UNIQUE_KEYS = [
    pytest.param(
        Person,
        dict(name="Ann Lee", name_key="ann lee", email="ann@example.com"),
        dict(name="Anne Leigh", name_key="anne leigh", email="ann@example.com", role="manager"),
        ("email",),
        id="person.email",
    ),
    pytest.param(Team, dict(name="EMEA"), dict(name="EMEA"), ("name",), id="team.name"),
    pytest.param(
        Activity,
        ACTIVITY,
        dict(ACTIVITY, ts=dt.datetime(2026, 11, 3, 14, 0), day=D2, type="email", outcome="sent"),
        ("source", "external_id"),
        id="activity.source+external_id",
    ),
    pytest.param(
        Opportunity,
        OPPORTUNITY,
        dict(OPPORTUNITY, name="Acme renewal (copy)", stage="Closed Won", status="won", amount=7000.0),
        ("source", "external_id"),
        id="opportunity.source+external_id",
    ),
    pytest.param(
        PersonAlias,
        dict(person_id=PERSON_ID, source="salesforce", alias="005A1"),
        dict(person_id=PERSON_ID, source="salesforce", alias="005A1"),
        ("source", "alias"),
        id="person_alias.source+alias",
    ),
    pytest.param(
        StageMap,
        dict(source="hubspot", stage="Closed Won", status="won"),
        dict(source="hubspot", stage="Closed Won", status="lost"),
        ("source", "stage"),
        id="stage_map.source+stage",
    ),
]


def _resolve(engine, row: dict) -> dict:
    if row.get("person_id") == PERSON_ID:
        row = dict(row, person_id=add_person(engine, "Alias Owner"))
    return row


@pytest.mark.parametrize(("model", "row", "duplicate", "key"), UNIQUE_KEYS)
def test_duplicate_key_is_rejected_and_leaves_nothing_behind(engine, model, row, duplicate, key):
    row = _resolve(engine, row)
    duplicate = dict(duplicate, person_id=row["person_id"]) if "person_id" in duplicate else duplicate

    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(model).values(**row))
        conn.execute(insert(model).values(**duplicate))

    assert count(engine, model) == 0  # the first row went with the failed transaction
    with engine.begin() as conn:  # and the database is still usable: the row alone goes in
        conn.execute(insert(model).values(**row))
    assert count(engine, model) == 1


@pytest.mark.parametrize(("model", "row", "duplicate", "key"), UNIQUE_KEYS)
def test_rows_differing_in_any_key_column_are_accepted(engine, model, row, duplicate, key):
    row = _resolve(engine, row)
    with engine.begin() as conn:
        conn.execute(insert(model).values(**row))
        for column in key:  # e.g. same source, other external id; other source, same external id
            conn.execute(insert(model).values(**dict(row, **{column: f"{row[column]}-other"})))
    assert count(engine, model) == 1 + len(key)


def test_person_email_may_be_missing_more_than_once(engine):
    add_person(engine, "Ann Lee", None)
    add_person(engine, "Bob Ray", None)
    add_person(engine, "Cy Oh", "cy@example.com")
    with engine.connect() as conn:
        emails = conn.execute(select(Person.email).order_by(Person.name)).scalars().all()
    assert emails == [None, None, "cy@example.com"]


# --- money ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency"),
    [
        (12345.67, "EUR"),
        (0.1, "GBP"),
        (1234567890.99, "USD"),
        (-250.5, "EUR"),  # a credit
        (None, "EUR"),  # amount unknown, currency still kept
    ],
)
def test_opportunity_amount_keeps_its_currency(engine, amount, currency):
    with engine.begin() as conn:
        conn.execute(insert(Opportunity).values(dict(OPPORTUNITY, amount=amount, currency=currency)))
    with engine.connect() as conn:
        got = conn.execute(select(Opportunity.amount, Opportunity.currency)).one()
    assert got == (amount, currency)
    assert got.amount is None or type(got.amount) is float  # Money is Numeric(asdecimal=False)


def test_quota_amount_keeps_its_currency(engine):
    rep = add_person(engine, "Ann Lee")
    with engine.begin() as conn:
        conn.execute(
            insert(Quota).values(person_id=rep, period_start=dt.date(2026, 11, 1), amount=80000.5, currency="GBP")
        )
    with engine.connect() as conn:
        got = conn.execute(select(Quota.amount, Quota.currency, Quota.period)).one()
    assert got == (80000.5, "GBP", "month")


def test_opportunity_currency_defaults_to_usd(engine):
    row = {k: v for k, v in OPPORTUNITY.items() if k != "currency"}
    with engine.begin() as conn:
        conn.execute(insert(Opportunity).values(row))
    with engine.connect() as conn:
        assert conn.execute(select(Opportunity.currency)).scalar_one() == "USD"


# --- the activity_daily rollup ----------------------------------------------------------------

# (rep, day, type, outcome): activities entered by hand; "A"/"B" are two reps, None nobody.
ACTIVITIES = [
    ("A", D1, "call", "connected"),
    ("A", D1, "call", "connected"),
    ("A", D1, "call", None),
    ("A", D1, "email", None),
    ("A", D2, "meeting", "held"),
    ("A", D2, "call", "no_answer"),
    ("A", D2, "call", "connected"),
    ("A", D3, "call", "connected"),
    ("B", D1, "call", None),
    ("B", D1, "call", None),
    ("B", D2, "demo", "held"),
    ("B", D2, "demo", "held"),
    ("B", D2, "email", None),
    ("B", D3, "meeting", "held"),
    (None, D1, "call", "connected"),  # unassigned: kept, but counts for no rep
]

# Worked out by hand from ACTIVITIES: (rep, day, type, outcome) -> n; no outcome counts under "".
EXPECTED_ROLLUP = {
    ("A", D1, "call", "connected"): 2,
    ("A", D1, "call", ""): 1,
    ("A", D1, "email", ""): 1,
    ("A", D2, "meeting", "held"): 1,
    ("A", D2, "call", "no_answer"): 1,
    ("A", D2, "call", "connected"): 1,
    ("A", D3, "call", "connected"): 1,
    ("B", D1, "call", ""): 2,
    ("B", D2, "demo", "held"): 2,
    ("B", D2, "email", ""): 1,
    ("B", D3, "meeting", "held"): 1,
}


def add_activities(engine, reps, rows, start: int = 0) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(Activity),
            [
                dict(
                    source="test",
                    external_id=f"act-{start + i}",
                    rep_id=reps[rep],
                    ts=dt.datetime.combine(day, dt.time(9 + i % 8)),
                    day=day,
                    type=type_,
                    outcome=outcome,
                )
                for i, (rep, day, type_, outcome) in enumerate(rows)
            ],
        )


def rollup(engine, reps) -> dict:
    names = {v: k for k, v in reps.items()}
    with engine.connect() as conn:
        rows = conn.execute(
            select(ActivityDaily.rep_id, ActivityDaily.day, ActivityDaily.type, ActivityDaily.outcome, ActivityDaily.n)
        ).all()
    return {(names[rep], day, type_, outcome): n for rep, day, type_, outcome, n in rows}


def test_refresh_counts_activities_per_rep_day_type_and_outcome(engine, reps):
    add_activities(engine, reps, ACTIVITIES)
    with engine.begin() as conn:
        rollups.refresh_activity_daily(conn)
    assert rollup(engine, reps) == EXPECTED_ROLLUP


def test_refresh_is_repeatable(engine, reps):
    add_activities(engine, reps, ACTIVITIES)
    for _ in range(2):
        with engine.begin() as conn:
            rollups.refresh_activity_daily(conn)
    assert rollup(engine, reps) == EXPECTED_ROLLUP


def test_partial_refresh_updates_only_its_slice(engine, reps):
    add_activities(engine, reps, ACTIVITIES)
    with engine.begin() as conn:
        rollups.refresh_activity_daily(conn)
        # Changes in and out of the slice (rep A, day D2):
        conn.execute(delete(Activity).where(Activity.rep_id == reps["A"], Activity.outcome == "no_answer"))  # in
        conn.execute(delete(Activity).where(Activity.rep_id == reps["B"], Activity.type == "demo"))  # out: rep B
    add_activities(engine, reps, [("A", D2, "email", None), ("A", D3, "demo", "held")], start=100)  # in, out

    with engine.begin() as conn:
        rollups.refresh_activity_daily(conn, rep_ids=[reps["A"]], day_from=D2, day_to=D2)

    expected = dict(EXPECTED_ROLLUP)
    del expected[("A", D2, "call", "no_answer")]  # its only activity is gone
    expected[("A", D2, "email", "")] = 1  # new in the slice
    # Outside the slice nothing moved: B's deleted demos still count, A's new demo on D3 does not yet.
    assert rollup(engine, reps) == expected


@pytest.mark.parametrize(
    ("rep_ids", "day_from", "day_to", "recounted"),
    [
        (["B"], None, None, {("B", D2, "demo", "held"): None}),  # every day of B
        (None, D2, None, {("B", D2, "demo", "held"): None, ("A", D3, "call", "connected"): None}),
        (None, None, D1, {("A", D1, "call", "connected"): 1}),  # every rep up to D1
        ([], None, None, {}),  # no reps: nothing
    ],
    ids=["one-rep-all-days", "all-reps-from-D2", "all-reps-to-D1", "no-reps"],
)
def test_partial_refresh_by_rep_or_by_days(engine, reps, rep_ids, day_from, day_to, recounted):
    """After these deletions, only the refreshed slice changes (None in `recounted`: the row goes)."""
    add_activities(engine, reps, ACTIVITIES)
    with engine.begin() as conn:
        rollups.refresh_activity_daily(conn)
        conn.execute(delete(Activity).where(Activity.type == "demo"))  # B, D2
        conn.execute(delete(Activity).where(Activity.day == D3, Activity.rep_id == reps["A"]))  # A, D3
        first = (
            conn.execute(
                select(Activity.id).where(
                    Activity.day == D1, Activity.outcome == "connected", Activity.rep_id == reps["A"]
                )
            )
            .scalars()
            .first()
        )
        conn.execute(delete(Activity).where(Activity.id == first))  # A, D1: 2 -> 1

    with engine.begin() as conn:
        ids = None if rep_ids is None else [reps[r] for r in rep_ids]
        rollups.refresh_activity_daily(conn, rep_ids=ids, day_from=day_from, day_to=day_to)

    expected = dict(EXPECTED_ROLLUP)
    for key, n in recounted.items():
        if n is None:
            del expected[key]
        else:
            expected[key] = n
    assert rollup(engine, reps) == expected


def test_refresh_rolls_back_with_its_transaction(engine, reps):
    add_activities(engine, reps, ACTIVITIES)
    with pytest.raises(RuntimeError), engine.begin() as conn:
        rollups.refresh_activity_daily(conn)
        raise RuntimeError("the import failed after the refresh")
    assert rollup(engine, reps) == {}


# --- the data version -------------------------------------------------------------------------


def test_data_version_starts_at_zero_and_bumps_inside_a_transaction(engine):
    assert data_version(engine) == 0
    with engine.begin() as conn:
        assert bump_data_version(conn) == 1
    assert data_version(engine) == 1
    with engine.begin() as conn:
        assert bump_data_version(conn) == 2
        assert bump_data_version(conn) == 3  # sees its own transaction's bump
    assert data_version(engine) == 3


@pytest.mark.parametrize("bumps_before", [0, 2], ids=["first-bump-inserts", "later-bump-updates"])
def test_rolled_back_bump_leaves_the_data_version(engine, bumps_before):
    for _ in range(bumps_before):
        with engine.begin() as conn:
            bump_data_version(conn)

    with engine.connect() as conn:
        tx = conn.begin()
        assert bump_data_version(conn) == bumps_before + 1
        tx.rollback()
    assert data_version(engine) == bumps_before

    with pytest.raises(ZeroDivisionError), engine.begin() as conn:
        bump_data_version(conn)
        _ = 1 / 0
    assert data_version(engine) == bumps_before


# --- PostgreSQL itself ------------------------------------------------------------------------


def test_postgresql_stores_money_as_exact_numeric(engine, postgres_only):
    assert engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        conn.execute(insert(Opportunity).values(dict(OPPORTUNITY, amount=12345.67, currency="EUR")))
    with engine.connect() as conn:
        column_type = conn.execute(
            text(
                "SELECT data_type, numeric_precision, numeric_scale FROM information_schema.columns"
                " WHERE table_name = 'opportunity' AND column_name = 'amount'"
            )
        ).one()
        stored = conn.execute(text("SELECT amount::text, currency FROM opportunity")).one()
        got = conn.execute(select(Opportunity.amount, Opportunity.currency)).one()
    assert tuple(column_type) == ("numeric", 16, 2)
    assert tuple(stored) == ("12345.67", "EUR")  # exact decimal in the database
    assert got == (12345.67, "EUR")
