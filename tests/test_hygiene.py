"""Pipeline hygiene rules on crafted deals (docs/diagnosis.md#pipeline-hygiene), worked by hand; the queries behind them on a real database."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import insert

from breakthrough.diagnosis import hygiene
from breakthrough.store import records, rollups
from breakthrough.store.models import Activity, Opportunity, OpportunityHistory, Person, Team

AS_OF = dt.date(2026, 11, 27)


def day(n: int) -> dt.date:
    """`n` days before the as-of date."""
    return AS_OF - dt.timedelta(days=n)


def deal(i, rep=1, team=1, stage="Proposal", close=5, since=10, created=60, last=3):
    """An open deal: close date `close` days after as-of (negative = past), the rest in days before as-of."""
    return {"id": i, "crm_id": f"O{i}", "rep_id": rep, "team_id": team, "deal": f"Deal {i}", "stage": stage,
            "amount": 1000.0, "currency": "USD", "created": day(created), "close_date": AS_OF + dt.timedelta(days=close),
            "stage_since": None if since is None else day(since), "last_activity": None if last is None else day(last)}  # fmt: skip


def deals(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


NO_HISTORY = pd.DataFrame(columns=["id", "changed_at", "close_date"])


@pytest.mark.parametrize(
    "close, expected",
    [(-1, True), (-40, True), (0, False), (1, False)],  # closing today is not past due
)
def test_past_due(close, expected):
    assert hygiene.past_due(deals(deal(1, close=close)), AS_OF).tolist() == [expected]


@pytest.mark.parametrize(
    "last, created, expected",
    [
        (3, 60, False),
        (29, 60, False),  # 29 days ago: inside the 30 days
        (30, 60, True),  # 30 days without anything
        (45, 60, True),
        (None, 60, True),  # never touched, created 60 days ago
        (None, 10, False),  # never touched, but only 10 days old
        (None, 30, True),
    ],
)
def test_no_activity_in_30_days(last, created, expected):
    assert hygiene.no_activity(deals(deal(1, last=last, created=created)), AS_OF).tolist() == [expected]


def test_stalled_is_beyond_the_teams_75th_percentile_for_the_stage():
    # team 1, Proposal: 10, 20, 30, 40, 100 days in stage → 75th percentile at position 0.75 × 4 = 3 → 40 days:
    # only the 100-day deal is beyond it. Team 1, Negotiation: one deal, its own percentile: not stalled.
    # Team 2, Proposal: 50 and 60 → 75th percentile 50 + 0.75 × 10 = 57.5: the 60-day deal is stalled,
    # although 50 days would be stalled in team 1.
    frame = deals(
        deal(1, since=10),
        deal(2, since=20),
        deal(3, since=30),
        deal(4, since=40),
        deal(5, since=100),
        deal(6, stage="Negotiation", since=300),
        deal(7, team=2, since=50),
        deal(8, team=2, since=60),
    )
    assert hygiene.stall_limits(frame, AS_OF).tolist() == [40, 40, 40, 40, 40, 300, 57.5, 57.5]
    assert hygiene.stalled(frame, AS_OF).tolist() == [False, False, False, False, True, False, False, True]


def test_days_in_stage_falls_back_to_created():
    frame = deals(deal(1, since=None, created=12))
    assert hygiene.days_in_stage(frame, AS_OF).tolist() == [12]


@pytest.mark.parametrize(
    "dates, expected",
    [
        ([day(0)], 0),
        ([day(30), day(0)], 1),  # pushed once
        ([day(60), day(30), day(0)], 2),  # pushed twice
        ([day(30), day(60), day(0)], 1),  # pulled in, then pushed: one push
        ([day(30), day(30), day(0)], 1),  # an unchanged date is no push
        ([None, day(30), day(0)], 1),  # unknown dates are skipped
        ([], 0),
    ],
)
def test_pushes_count_later_close_dates(dates, expected):
    # the deal's earlier close dates (its history, oldest first), then its current one (the last date)
    frame = deals(deal(1), deal(2))  # deal 2 has no history: never pushed
    frame["close_date"] = [dates[-1] if dates else None, AS_OF]
    history = pd.DataFrame({"id": [1] * len(dates[:-1]), "changed_at": [dt.datetime(2026, 1, 1 + n) for n in
                            range(len(dates[:-1]))], "close_date": dates[:-1]})  # fmt: skip
    assert hygiene.push_counts(frame, history).tolist() == [expected, 0]


def test_flag_applies_every_rule_and_counts_per_rep():
    frame = deals(
        deal(1, close=-3, last=2),  # past due only
        deal(2, last=None, created=90),  # no activity only
        deal(3, since=100),  # stalled: team 1 Proposal has 10, 10, 100, 10, 10 days → 75th percentile 10
        deal(4, rep=2),  # pushed twice (history below)
        deal(5, rep=2, close=-1, last=40),  # past due and quiet: counted once in "any"
    )
    frame.loc[[0, 1, 3, 4], "stage_since"] = day(10)
    history = pd.DataFrame({"id": [4, 4, 5], "changed_at": [dt.datetime(2026, 9, 1), dt.datetime(2026, 10, 1),
                                                             dt.datetime(2026, 10, 1)],
                            "close_date": [day(60), day(30), day(90)]})  # fmt: skip
    flagged = hygiene.flag(frame, history, AS_OF)
    assert flagged["past_due"].tolist() == [True, False, False, False, True]
    assert flagged["no_activity"].tolist() == [False, True, False, False, True]
    assert flagged["stalled"].tolist() == [False, False, True, False, False]
    assert flagged["pushes"].tolist() == [0, 0, 0, 2, 1]  # deal 4: day 60 → 30 → +5; deal 5: day 90 → day 1
    assert flagged["pushed"].tolist() == [False, False, False, True, False]
    counts = hygiene.per_rep(flagged, [1, 2, 3])
    assert counts.loc[1].tolist() == [3, 1, 1, 1, 0, 3]  # open, past due, quiet, stalled, pushed, any
    assert counts.loc[2].tolist() == [2, 1, 1, 0, 1, 2]
    assert counts.loc[3].tolist() == [0, 0, 0, 0, 0, 0]  # a rep without open deals


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_each_stall_limit_is_numpys_quantile_of_its_group_to_the_bit(seed):
    """All groups at once give what `np.quantile` gives group by group: groups of 1 to ~100 deals, fractional
    values, a missing value (its group's limit is NaN)."""
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 40, 2_000) ** 2 % 37  # uneven group sizes
    values = rng.integers(0, 400, 2_000) / rng.choice([1.0, 3.0, 7.0], 2_000)
    values[rng.integers(0, 2_000)] = np.nan
    found = hygiene._group_quantiles(codes, values, hygiene.STALL_QUANTILE)
    for code in np.unique(codes):
        mine = codes == code
        expected = np.quantile(values[mine], hygiene.STALL_QUANTILE)
        assert np.array_equal(found[mine], np.full(mine.sum(), expected), equal_nan=True)


def test_no_open_deals_flags_nothing():
    empty = pd.DataFrame(columns=list(deal(1)))
    flagged = hygiene.flag(empty, NO_HISTORY, AS_OF)
    assert flagged.empty
    assert hygiene.per_rep(flagged, [1]).loc[1].sum() == 0


# --- the queries, on SQLite and PostgreSQL ---------------------------------------------------------


def _seed(engine):
    with engine.begin() as conn:
        conn.execute(insert(Team).values(id=1, name="East"))
        conn.execute(insert(Person).values(id=1, name="Ann Lee", name_key="ann lee", role="rep", team_id=1))
        opp = dict(source="crm", owner_id=1, stage="Proposal", amount=1000, currency="USD", stage_since=day(5))
        conn.execute(insert(Opportunity), [
            dict(opp, id=1, external_id="O1", name="Quiet", created_date=day(90), close_date=day(-10), status="open"),
            dict(opp, id=2, external_id="O2", name="Busy", created_date=day(90), close_date=day(3), status="open"),
            dict(opp, id=3, external_id="O3", name="Won", created_date=day(90), close_date=day(3), status="won"),
            dict(opp, id=4, external_id="O4", name="Future", created_date=AS_OF + dt.timedelta(days=1),
                 close_date=day(-20), status="open"),
        ])  # fmt: skip
        act = dict(source="crm", rep_id=1, type="email", outcome="sent")
        conn.execute(insert(Activity), [
            dict(act, external_id="A1", ts=dt.datetime(2026, 9, 1, 9), day=dt.date(2026, 9, 1), opportunity_ref="O1"),
            dict(act, external_id="A2", ts=dt.datetime(2026, 11, 20, 9), day=dt.date(2026, 11, 20), opportunity_ref="O2"),
            dict(act, external_id="A3", ts=dt.datetime(2026, 11, 28, 9), day=dt.date(2026, 11, 28), opportunity_ref="O1"),
            dict(act, source="other", external_id="A4", ts=dt.datetime(2026, 11, 25, 9), day=dt.date(2026, 11, 25),
                 opportunity_ref="O1"),  # another source's O1 is another deal
        ])  # fmt: skip
        hist = [(1, day(80), "2026-09-01"), (1, day(40), "2026-10-01"), (1, day(20), "2026-12-01")]
        conn.execute(insert(OpportunityHistory), [
            dict(opportunity_id=i, stage="Proposal", amount=1000, close_date=c, changed_at=dt.datetime.fromisoformat(w))
            for i, c, w in hist
        ])  # fmt: skip
        rollups.refresh_activity_daily(conn)  # as every writer of activities does
        rollups.refresh_deal_activity(conn)


def test_open_deals_carry_their_last_activity_up_to_as_of(engine):
    _seed(engine)
    frame = records.open_deals(engine, AS_OF).set_index("crm_id")
    assert sorted(frame.index) == ["O1", "O2"]  # won and not-yet-created deals left out
    assert frame.loc["O1", "last_activity"] == dt.date(2026, 9, 1)  # the 28 Nov email is after as-of
    assert frame.loc["O2", "last_activity"] == dt.date(2026, 11, 20)
    assert frame.loc["O1", "team_id"] == 1


def test_close_date_history_is_recorded_up_to_as_of(engine):
    _seed(engine)
    history = records.close_date_history(engine, AS_OF)
    assert history["close_date"].tolist() == [day(80), day(40)]  # the change on 1 Dec is after as-of
    flagged = hygiene.flag(records.open_deals(engine, AS_OF), history, AS_OF).set_index("crm_id")
    # O1: closes day(80) → day(40) → day(-10) = 10 days from now: pushed twice, and quiet since 1 Sep
    assert flagged.loc["O1", "pushes"] == 2 and flagged.loc["O1", "pushed"]
    assert flagged.loc["O1", "no_activity"] and not flagged.loc["O2", "no_activity"]


def test_the_pages_rules_and_a_listings_texts_on_a_real_database(engine):
    """`read_rules`: the figures and flags of `read` without texts or dates; `open_deal_texts`: what a listing of
    one rep's deals adds (a rep without open deals: none, typed so that it merges)."""
    _seed(engine)
    rules = hygiene.read_rules(engine, AS_OF)
    assert list(rules.columns) == hygiene.FLAG_COLUMNS
    assert rules["id"].tolist() == [1, 2]  # the won and the not-yet-created deal left out
    # O1: quiet since 1 Sep (87 days), in stage 5 days, closes day(80) → day(40) → day(-10): pushed twice
    assert rules.loc[0, ["days_quiet", "days_in_stage", "pushes"]].tolist() == [87.0, 5.0, 2]
    assert rules.loc[0, list(hygiene.RULES)].tolist() == [False, True, False, True]
    assert rules.loc[1, ["days_quiet", "pushes", "past_due", "any"]].tolist() == [
        7.0,
        0,
        True,
        True,
    ]  # O2: due 3 days ago
    full = hygiene.read(engine, AS_OF)
    pd.testing.assert_frame_equal(rules, full[hygiene.FLAG_COLUMNS])
    texts = records.open_deal_texts(engine, AS_OF, [1])
    assert texts.values.tolist() == [[1, "O1", "Proposal", day(-10)], [2, "O2", "Proposal", day(3)]]
    none = records.open_deal_texts(engine, AS_OF, [2])  # no such rep's deals
    assert none.empty and rules[rules["rep_id"] == 2].merge(none, on="id", how="left").empty


@pytest.mark.parametrize(
    "places, closes, expected",
    [
        ([0, 0, 1], [day(80), day(40), day(90)], [2, 1]),  # deal 0: 80 → 40 → its close (5 days on); 1: 90 → 1
        ([1, 0, 0], [day(90), day(80), day(40)], [2, 1]),  # the same history, not deal by deal (a frame's)
        ([0, -1, 0], [day(80), day(1), None], [1, 0]),  # another deal's row left out, a missing date skipped
        ([], [], [0, 0]),  # no history: the current dates alone
    ],
)
def test_pushes_lay_each_deals_history_before_its_close_date(places, closes, expected):
    close = np.array([AS_OF.toordinal() + 5.0, AS_OF.toordinal() - 1.0])  # deal 1 closes yesterday
    earlier = np.array([np.nan if c is None else float(c.toordinal()) for c in closes])
    assert hygiene._pushes(close, np.array(places, dtype=np.int64), earlier).tolist() == expected


@pytest.mark.parametrize("seed", [0, 1])
def test_whole_days_sort_as_lexsort_does(seed):
    """The stall limits' sort on one whole-number key per row is `np.lexsort`'s order, ties in place order; other
    values take `np.lexsort` itself."""
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 30, 3_000)
    whole = rng.integers(-5, 400, 3_000).astype(float)
    assert np.array_equal(hygiene._by_group_and_value(codes, whole), np.lexsort((whole, codes)))
    found = hygiene._group_quantiles(codes, whole, hygiene.STALL_QUANTILE)
    for code in np.unique(codes):
        mine = codes == code
        assert (found[mine] == np.quantile(whole[mine], hygiene.STALL_QUANTILE)).all()
    whole[7] = np.nan
    assert np.array_equal(hygiene._by_group_and_value(codes, whole), np.lexsort((whole, codes)))
