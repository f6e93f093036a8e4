"""Stage funnel, coverage by rep, right prospects and drill-down records (docs/diagnosis.md#stage-funnel), worked by hand."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from sqlalchemy import insert

from breakthrough.diagnosis import pipeline
from breakthrough.settings import Settings
from breakthrough.store import records, rollups
from breakthrough.store.models import Account, Activity, Opportunity, OpportunityHistory, Person, Team

ORDER = ["Prospecting", "Qualification", "Proposal"]
CFG = Settings()  # USD reporting, EUR at 1.08
AS_OF = dt.date(2026, 11, 27)


def cohort(*rows) -> pd.DataFrame:
    """(rep, stage, status, amount, currency, furthest stage reached) rows, one deal each, as `records.stage_cohort`
    gives a deal of its own (the furthest stage is worked out by the query: tests/test_pipeline_rollups.py)."""
    frame = pd.DataFrame(rows, columns=["rep_id", "stage", "status", "amount", "currency", "reached"])
    frame.insert(0, "crm_id", [f"O{i + 1}" for i in range(len(frame))])
    frame["deals"] = 1
    return frame


# the furthest stage, an index into Prospecting 0, Qualification 1, Proposal 2, Won 3: an open deal's own stage;
# a won deal Won; a lost deal the furthest stage in its history, else the first
DEALS = cohort(
    (1, "Prospecting", "open", 1000.0, "USD", 0),
    (1, "Proposal", "open", 2000.0, "USD", 2),
    (1, "Closed Won", "won", 3000.0, "USD", 3),
    (1, "Closed Lost", "lost", 4000.0, "USD", 1),  # Prospecting, then Qualification in its history
    (1, "Closed Lost", "lost", 5000.0, "USD", 0),  # no history
    (2, "Closed Won", "won", 1000.0, "EUR", 3),
    (2, "Qualification", "open", None, "USD", 1),
)


def test_stage_funnel_counts_values_and_conversion():
    stages = pipeline.funnel(DEALS, ORDER, CFG)
    assert stages["Stage"].tolist() == ["Prospecting", "Qualification", "Proposal", "Won"]
    # reached ≥ 0: all 7; ≥ 1: O2, O3, O4, O6, O7 = 5; ≥ 2: O2, O3, O6 = 3; Won: O3, O6 = 2
    assert stages["Deals"].tolist() == [7, 5, 3, 2]
    # values in USD, the EUR deal × 1.08, the deal without an amount adds nothing:
    # all: 1000 + 2000 + 3000 + 4000 + 5000 + 1080 = 16,080; ≥1: 2000 + 3000 + 4000 + 1080 = 10,080;
    # ≥2: 2000 + 3000 + 1080 = 6,080; Won: 3000 + 1080 = 4,080
    assert stages["Value"].tolist() == pytest.approx([16_080, 10_080, 6_080, 4_080])
    conversion = stages["Conversion to next"].tolist()
    assert conversion[:3] == pytest.approx([5 / 7, 3 / 5, 2 / 3]) and math.isnan(conversion[3])
    assert stages["Drop-off"].tolist()[:3] == pytest.approx([2 / 7, 2 / 5, 1 / 3])


def test_rep_beside_team_and_top_quartile():
    table = pipeline.comparison(DEALS, ORDER, scope=[1], peers=[1, 2])
    assert table["Step"].tolist() == ["Prospecting → Qualification", "Qualification → Proposal", "Proposal → Won"]
    # rep 1 reaches 5, 3, 2, 1: 3/5, 2/3, 1/2
    assert table["Selected"].tolist() == pytest.approx([3 / 5, 2 / 3, 1 / 2])
    # team pooled = the funnel above: 5/7, 3/5, 2/3
    assert table["Team"].tolist() == pytest.approx([5 / 7, 3 / 5, 2 / 3])
    # rep 2 reaches 2, 2, 1, 1: 1, 1/2, 1. Top quartile of two reps = a + 0.75 × (b − a):
    # step 1: 0.6 + 0.75 × 0.4 = 0.9; step 2: 0.5 + 0.75 × (2/3 − 0.5) = 0.625; step 3: 0.5 + 0.75 × 0.5 = 0.875
    assert table["Top quartile"].tolist() == pytest.approx([0.9, 0.625, 0.875])


def test_a_rep_without_deals_has_no_conversion():
    table = pipeline.comparison(DEALS, ORDER, scope=[9], peers=[1, 2])
    assert table["Selected"].tolist() == [None, None, None]


def test_right_prospects_share_beside_the_whole_team():
    class Rep:
        def __init__(self, name, team):
            self.name, self.team = name, team

    class Card:
        reps = {1: Rep("Ann", "East"), 2: Rep("Bob", "East"), 3: Rep("Cy", "West")}

    targets = pd.DataFrame({"with_account": [100.0, 50.0], "on_target": [40.0, 5.0]}, index=[1, 2])
    rows = pipeline.right_prospects(targets, Card(), [1, 3]).set_index("Rep")
    assert rows.loc["Ann", "Target share"] == pytest.approx(0.4)  # 40 / 100
    assert rows.loc["Ann", "Team share"] == pytest.approx(45 / 150)  # East pooled, Bob included: 0.3
    assert math.isnan(rows.loc["Cy", "Target share"])  # no activity on accounts: unknown, not 0 %
    assert list(rows.index) == ["Ann", "Cy"]  # Bob is not in view


def test_coverage_rows_follow_the_scorecard(demo_engine):
    from breakthrough import settings as settings_store
    from breakthrough.metrics import periods, scorecard

    cfg = settings_store.load(demo_engine)
    card = scorecard.build(demo_engine, cfg, periods.period_containing(AS_OF, "quarter", 1), AS_OF)
    rows = pipeline.coverage_rows(card, list(card.reps)).set_index("rep_id")
    for rep_id, rep in card.reps.items():
        assert rows.loc[rep_id, "Coverage"] == rep.funnel.coverage
        assert rows.loc[rep_id, "Coverage needed"] == rep.funnel.coverage_ratio
        expected = "quota met" if rep.funnel.gap == 0 else rep.funnel.coverage_status
        assert rows.loc[rep_id, "Coverage status"] == expected


# --- queries, on SQLite and PostgreSQL ---------------------------------------------------------------


def _seed(engine):
    d = dt.date(2026, 10, 1)
    with engine.begin() as conn:
        conn.execute(insert(Team).values(id=1, name="East"))
        conn.execute(insert(Person), [
            dict(id=1, name="Ann Lee", name_key="ann lee", role="rep", team_id=1),
            dict(id=2, name="Bob Roe", name_key="bob roe", role="rep", team_id=1),
        ])  # fmt: skip
        conn.execute(insert(Account), [
            dict(id=1, name="Target Co", tier=None, is_target=True), dict(id=2, name="Tier A Co", tier="A", is_target=False),
            dict(id=3, name="Other Co", tier="C", is_target=False),
        ])  # fmt: skip
        opp = dict(source="crm", owner_id=1, amount=1000, currency="USD", created_date=d, close_date=d)
        conn.execute(insert(Opportunity), [
            dict(opp, id=1, external_id="O1", name="=cmd()", stage="Proposal", status="open", probability=0.5),
            dict(opp, id=2, external_id="O2", name="B", stage="Prospecting", status="open", probability=0.1),
            dict(opp, id=3, external_id="O3", name="C", stage="Closed Lost", status="lost", probability=0.0),
            dict(opp, id=4, external_id="O4", name="Old", stage="Prospecting", status="open", probability=0.1,
                 created_date=dt.date(2025, 1, 1)),
        ])  # fmt: skip
        conn.execute(insert(OpportunityHistory), [
            dict(opportunity_id=3, stage="Proposal", close_date=d, changed_at=dt.datetime(2026, 10, 5)),
            dict(opportunity_id=3, stage="Prospecting", close_date=d, changed_at=dt.datetime(2026, 10, 2)),
        ])  # fmt: skip
        act = dict(source="crm", rep_id=1, day=d, ts=dt.datetime(2026, 10, 1, 10))
        conn.execute(insert(Activity), [
            dict(act, external_id="C1", type="call", outcome="connected", account_id=1),
            dict(act, external_id="C2", type="call", outcome="no answer", account_id=3),
            dict(act, external_id="C3", type="call", outcome=None, account_id=None),
            dict(act, external_id="M1", type="meeting", outcome="held", account_id=2),
            dict(act, external_id="M2", type="meeting", outcome="No Show", account_id=2),
            dict(act, external_id="M3", type="demo", outcome=None, account_id=3),
            dict(act, external_id="C4", type="call", outcome="connected", account_id=1, day=dt.date(2026, 12, 1),
                 ts=dt.datetime(2026, 12, 1, 9)),
        ])  # fmt: skip
        rollups.refresh_activity_daily(conn)  # as every writer of activities does
        rollups.refresh_deal_activity(conn)
        rollups.refresh_opportunity_rollups(conn)  # as every writer of opportunities does


def test_stage_order_and_cohort(engine):
    _seed(engine)
    assert records.stage_order(engine) == ["Prospecting", "Proposal"]  # by probability 0.1, 0.5
    frame = records.stage_cohort(engine, dt.date(2026, 6, 1), AS_OF)
    # O1 open in Proposal (1), O2 open in Prospecting (0), O3 lost after Proposal in its history (1);
    # O4 was created before the window; counted per rep, currency and furthest stage
    assert sorted(zip(frame["reached"], frame["deals"], frame["amount"])) == [(0, 1, 1000.0), (1, 2, 2000.0)]
    order = records.stage_order(engine)
    assert [records.deals_reaching(engine, dt.date(2026, 6, 1), AS_OF, order, [1], i) for i in range(3)] == [
        ["O1", "O2", "O3"],
        ["O1", "O3"],
        [],
    ]


@pytest.mark.parametrize(
    "kind, expected",
    [("call", ["C1", "C2", "C3"]), ("meeting", ["M1", "M3"])],  # a no-show is not a meeting held
)
def test_activity_records_with_crm_ids(engine, kind, expected):
    _seed(engine)
    frame = records.activity_records(engine, [1], dt.date(2026, 9, 1), AS_OF, kind)
    assert sorted(frame["CRM id"]) == expected
    assert list(frame.columns) == records.ACTIVITY_COLUMNS
    assert set(frame["Rep"]) == {"Ann Lee"}


def test_deal_records_filters(engine):
    _seed(engine)
    d = dt.date(2026, 10, 1)
    assert sorted(records.deal_records(engine, [1], status="open")["CRM id"]) == ["O1", "O2", "O4"]
    assert sorted(records.deal_records(engine, [1], status="won+lost")["CRM id"]) == ["O3"]
    assert sorted(records.deal_records(engine, [1], closed=(d, d), created=(d, d))["CRM id"]) == ["O1", "O2", "O3"]
    assert records.deal_records(engine, [1], ids=["O2"])["Deal"].tolist() == ["B"]
    assert records.deal_records(engine, [2]).empty


def test_target_activity_counts_flagged_and_tier_a_accounts(engine):
    _seed(engine)
    assert records.has_targets(engine)
    frame = records.target_activity(engine, dt.date(2026, 9, 1), AS_OF)
    # with an account: C1 (target), C2 (C), M1 (A), M2 (A), M3 (C) = 5; on target: C1, M1, M2 = 3
    assert frame.loc[1].tolist() == [5.0, 3.0]


def test_downloads_neutralise_formulas(engine):
    from breakthrough.sharing import exports

    _seed(engine)
    frame = records.deal_records(engine, [1], ids=["O1"])
    text = exports.csv_bytes(frame).decode("utf-8-sig")
    assert "'=cmd()" in text and ",=cmd()" not in text


def test_many_crm_ids_are_looked_up_in_chunks(engine, monkeypatch):
    _seed(engine)
    monkeypatch.setattr(records, "CHUNK", 2)  # O1..O4 plus two unknown ids: three queries of two
    frame = records.deal_records(engine, [1], ids=["O4", "O3", "O2", "O1", "X1", "X2"])
    assert sorted(frame["CRM id"]) == ["O1", "O2", "O3", "O4"]
    assert frame["Close date"].is_monotonic_decreasing
    limited = records.deal_records(engine, [1], ids=["O4", "O3", "O2", "O1"], limit=3)
    assert sorted(limited["CRM id"]) == ["O2", "O3", "O4"]  # at most `limit` ids, in the order given
