"""Issue #7: the faster page paths give the same figures; the benchmark's own pieces work (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert, inspect

from bench import importer, pages
from breakthrough import settings as settings_store
from breakthrough.metrics import periods
from breakthrough.store import queries, records, rollups
from breakthrough.store.models import Activity, Opportunity, Person, Team
from tests.conftest import TODAY

AS_OF = dt.date(2026, 11, 27)


# --- won-deal cycles: days worked out by the database --------------------------------------------


@pytest.mark.parametrize("created, closed, days", [
    (dt.date(2026, 11, 1), dt.date(2026, 11, 27), 26),  # 27 − 1
    (dt.date(2026, 10, 31), dt.date(2026, 11, 1), 1),  # across a month end
    (dt.date(2024, 2, 28), dt.date(2024, 3, 1), 2),  # 28 Feb → 29 Feb → 1 Mar (leap year)
    (dt.date(2025, 12, 31), dt.date(2026, 11, 27), 331),  # 1 (to 1 Jan) + Jan–Oct 304 + 26 (1 → 27 Nov)
    (dt.date(2026, 11, 20), dt.date(2026, 11, 20), 0),  # won the day it was created
])  # fmt: skip
def test_won_cycles_are_whole_days_from_created_to_closed(engine, created, closed, days):
    # Jan–Oct 2026 = 31+28+31+30+31+30+31+31+30+31 = 304 days
    with engine.begin() as conn:
        conn.execute(insert(Person).values(id=1, name="Ann Lee", name_key="ann lee", role="rep"))
        conn.execute(insert(Opportunity).values(
            id=1, source="crm", external_id="O1", owner_id=1, name="Deal", stage="Won", status="won", amount=100,
            currency="USD", created_date=created, close_date=closed))  # fmt: skip
        rollups.refresh_opportunity_rollups(conn)
    cycles = queries.won_cycles(engine, closed - dt.timedelta(days=1), closed)
    assert cycles["rep_id"].tolist() == [1]
    assert cycles["days"].tolist() == [float(days)]
    assert cycles["days"].dtype == float


def test_won_cycles_of_no_deals_is_an_empty_frame(engine):
    cycles = queries.won_cycles(engine, AS_OF - dt.timedelta(days=30), AS_OF)
    assert cycles.empty and list(cycles.columns) == ["rep_id", "days"]


# --- hygiene: a deal's last activity, from the deal_activity rollup -------------------------------


def test_a_deals_last_activity_is_its_own_sources_latest_up_to_as_of(engine):
    with engine.begin() as conn:
        conn.execute(insert(Team).values(id=1, name="East"))
        conn.execute(insert(Person).values(id=1, name="Ann Lee", name_key="ann lee", role="rep", team_id=1))
        opp = dict(owner_id=1, name="Deal", stage="Proposal", status="open", amount=10, currency="USD",
                   created_date=dt.date(2026, 1, 5))  # fmt: skip
        conn.execute(
            insert(Opportunity),
            [dict(opp, id=1, source="crm", external_id="O1"), dict(opp, id=2, source="crm", external_id="O2")],
        )
        act = dict(rep_id=1, type="call", opportunity_ref="O1")
        conn.execute(insert(Activity), [
            dict(act, source="crm", external_id="A1", ts=dt.datetime(2026, 11, 2, 9), day=dt.date(2026, 11, 2)),
            dict(act, source="crm", external_id="A2", ts=dt.datetime(2026, 11, 9, 9), day=dt.date(2026, 11, 9)),
            dict(act, source="crm", external_id="A3", ts=dt.datetime(2026, 11, 30, 9), day=dt.date(2026, 11, 30)),
            dict(act, source="other", external_id="A4", ts=dt.datetime(2026, 11, 20, 9), day=dt.date(2026, 11, 20)),
        ])  # fmt: skip
        rollups.refresh_deal_activity(conn)  # as every writer of activities does
    deals = records.open_deals(engine, AS_OF).set_index("crm_id")
    # O1: 2 and 9 Nov count; 30 Nov is after the as-of date; the 20 Nov row is another CRM's "O1"
    assert deals.loc["O1", "last_activity"] == dt.date(2026, 11, 9)
    assert deals.loc["O2", "last_activity"] is None  # nothing logged: hygiene counts from its created date
    assert deals["id"].tolist() == [1, 2]  # in id order on every database


# --- indexes the page paths rely on ----------------------------------------------------------------


@pytest.mark.parametrize("table, name, columns", [
    ("opportunity", "ix_opportunity_status_close", ["status", "close_date", "owner_id", "currency", "amount",
                                                    "created_date"]),
    ("opportunity", "ix_opportunity_created_owner", ["created_date", "owner_id", "status", "stage", "currency",
                                                     "amount"]),
    ("opportunity", "ix_opportunity_open_cover", ["status", "created_date", "owner_id", "stage", "probability",
                                                  "close_date", "stage_since", "source", "external_id"]),
    ("activity_rep_day", "ix_activity_rep_day_cover", ["day", "rep_id", "calls", "meetings_held", "emails",
                                                       "activities"]),
    ("activity", "ix_activity_rep_day", ["rep_id", "day", "account_id"]),
    ("activity", "ix_activity_deal_day", ["opportunity_ref", "source", "day"]),
])  # fmt: skip
def test_the_migrated_schema_has_the_page_indexes(engine, table, name, columns):
    found = {ix["name"]: ix["column_names"] for ix in inspect(engine).get_indexes(table)}
    assert found.get(name) == columns


def test_the_deal_index_holds_only_activities_logged_against_a_deal(engine):
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'ix_activity_deal_day'").scalar()
        else:
            sql = conn.exec_driver_sql(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_activity_deal_day'"
            ).scalar()
    assert "WHERE" in sql.upper() and "opportunity_ref IS NOT NULL" in sql.replace("(", "").replace(")", "")


@pytest.mark.parametrize("statement", [
    lambda: rollups._deal_counts([]),  # each open deal's last activity and count, kept by every writer
    lambda: records._last_activity([1, 2], AS_OF),  # the Pipeline page on a past as-of date
])  # fmt: skip
@pytest.mark.sqlite_only  # PostgreSQL plans a table of a few rows by cost, not by the indexes it could use
def test_sqlite_reads_a_deals_activities_through_the_partial_index(engine, statement):
    sql = str(statement().compile(engine, compile_kwargs={"literal_binds": True}))
    with engine.connect() as conn:
        plan = " | ".join(row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
    assert "USING COVERING INDEX ix_activity_deal_day" in plan, plan


# --- the benchmark's pieces ------------------------------------------------------------------------------


@pytest.mark.parametrize("rows, order", [
    ([{"id": 1, "parent_id": None}, {"id": 2, "parent_id": 1}], [1, 2]),  # already parents first
    ([{"id": 3, "parent_id": 2}, {"id": 2, "parent_id": 1}, {"id": 1, "parent_id": None}], [1, 2, 3]),
    ([{"id": 5, "parent_id": 4}, {"id": 4, "parent_id": 5}], [5, 4]),  # a cycle is kept as it is
])  # fmt: skip
def test_copied_teams_come_after_their_parents(rows, order):
    assert [r["id"] for r in importer._parents_first(Team, rows)] == order


def test_the_benchmark_computes_what_the_overview_rep_and_coaching_pages_show(demo_engine):
    cfg = settings_store.load(demo_engine)
    period = periods.period_containing(TODAY, "quarter", cfg.fiscal_year_start_month)
    card, rows, totals, diag = pages.overview_figures(demo_engine, cfg, period, TODAY)
    assert len(rows) == len(card.reps) == len(diag.reps) > 0
    assert totals == card.totals()
    rep_id = next(iter(card.reps))
    figures = pages.rep_figures(demo_engine, cfg, period, TODAY, rep_id)
    assert figures[6].rep_id == rep_id  # the rep's diagnosis
    assert len(figures[3]) == 13  # 13 weeks of activity
    coaching = pages.coaching_figures(demo_engine, cfg, period, TODAY)
    assert coaching.managers
    stages, coverage, hygiene_counts, prospects = pages.pipeline_figures(demo_engine, cfg, period, TODAY)
    assert len(coverage) == len(hygiene_counts) == len(prospects) == len(card.reps)
    assert stages[0]["Deals"].iloc[0] > 0  # deals created in the look-back window
