"""The scorecard from a small hand-built database: every input figure worked out by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import insert

from breakthrough.metrics import periods, scorecard
from breakthrough.metrics.money import to_reporting, to_reporting_arrays
from breakthrough.settings import Settings
from breakthrough.store import rollups
from breakthrough.store.models import Activity, Opportunity, Person, Quota, Team

AS_OF = dt.date(2026, 11, 13)  # a Friday in Q4 FY2026 (Oct 1 – Dec 31)
Q4 = periods.period_containing(AS_OF, "quarter", 1)
CFG = Settings(holiday_country=None, shrinkage_k=10)
D = dt.date


def deal(i, owner, created, close, status, amount, currency="USD"):
    stage = {"won": "Closed Won", "lost": "Closed Lost", "open": "Proposal"}[status]
    return dict(
        source="t",
        external_id=f"O{i}",
        owner_id=owner,
        name=f"Deal {i}",
        created_date=created,
        close_date=close,
        stage=stage,
        status=status,
        amount=amount,
        currency=currency,
    )


def activity(i, rep, day, kind, outcome):
    return dict(
        source="t",
        external_id=f"A{i}",
        rep_id=rep,
        ts=dt.datetime.combine(day, dt.time(10)),
        day=day,
        type=kind,
        raw_type=kind,
        outcome=outcome,
    )


@pytest.fixture
def small(engine):
    """Team T: reps Ann (1) and Bob (2), manager Max (3). Chosen so each figure is easy by hand."""
    with engine.begin() as conn:
        conn.execute(insert(Team), [{"id": 1, "name": "T"}])
        conn.execute(
            insert(Person),
            [
                {"id": 3, "name": "Max", "name_key": "max", "role": "manager", "team_id": 1},
                {"id": 1, "name": "Ann", "name_key": "ann", "role": "rep", "team_id": 1, "manager_id": 3},
                {"id": 2, "name": "Bob", "name_key": "bob", "role": "rep", "team_id": 1, "manager_id": 3},
            ],
        )
        conn.execute(
            insert(Quota),
            [
                # Ann: three months of 10,000 → 30,000 for Q4
                *[
                    {"person_id": 1, "period": "month", "period_start": D(2026, m, 1), "amount": 10_000}
                    for m in (10, 11, 12)
                ],
                # Bob: months of 5,000 but a quarter row of 20,000 overrides them
                *[
                    {"person_id": 2, "period": "month", "period_start": D(2026, m, 1), "amount": 5_000}
                    for m in (10, 11, 12)
                ],
                {"person_id": 2, "period": "quarter", "period_start": D(2026, 10, 1), "amount": 20_000},
                # next quarter (Q1 FY2027) for Ann: 3 × 12,000
                *[
                    {"person_id": 1, "period": "month", "period_start": D(2027, m, 1), "amount": 12_000}
                    for m in (1, 2, 3)
                ],
            ],
        )
        conn.execute(
            insert(Opportunity),
            [
                deal(1, 1, D(2026, 9, 1), D(2026, 10, 15), "won", 8_000),  # Ann won in Q4: counts for W
                deal(2, 1, D(2026, 8, 1), D(2026, 9, 10), "won", 4_000),  # Ann won before Q4: lookback only
                deal(3, 1, D(2026, 7, 1), D(2026, 9, 20), "lost", 6_000),  # Ann lost in lookback
                deal(4, 1, D(2026, 10, 1), D(2026, 12, 1), "open", 9_000),  # open, closes in period: OP
                deal(5, 1, D(2026, 9, 1), D(2026, 11, 1), "open", 2_500),  # open, past due: not OP
                deal(6, 1, D(2026, 10, 5), D(2027, 2, 1), "open", 50_000),  # open, closes next quarter: not OP
                deal(7, 2, D(2026, 9, 1), D(2026, 11, 2), "won", 1_000, "EUR"),  # Bob won 1,000 EUR = 1,080 USD
                deal(8, 2, D(2026, 9, 1), D(2026, 11, 3), "won", 500, "XYZ"),  # no rate: flagged, not added
                deal(9, 3, D(2026, 9, 1), D(2026, 10, 20), "won", 70_000),  # the manager's: counts for no rep
                deal(10, None, D(2026, 9, 1), D(2026, 10, 21), "won", 70_000),  # nobody's
            ],
        )
        days_in_last_4_weeks = [D(2026, 11, 2), D(2026, 11, 9), D(2026, 11, 13)]
        acts = []
        for n, day in enumerate(days_in_last_4_weeks * 4):  # Ann: 12 calls in the last 28 days
            acts.append(activity(n, 1, day, "call", "connected"))
        acts += [
            activity(100, 1, D(2026, 11, 10), "meeting", "held"),
            activity(101, 1, D(2026, 11, 11), "meeting", "no show"),  # not held
            activity(102, 1, D(2026, 9, 1), "call", None),  # older than 28 days, inside lookback
            activity(103, 2, D(2026, 11, 12), "demo", "held"),
        ]
        conn.execute(insert(Activity), acts)
        rollups.refresh_activity_daily(conn)
        rollups.refresh_opportunity_rollups(conn)  # as every writer of deals does
    return engine


@pytest.fixture
def card(small):
    return scorecard.build(small, CFG, Q4, AS_OF)


@pytest.mark.parametrize(
    "rep_id, field, expected",
    [
        (1, "quota", 3 * 10_000),
        (2, "quota", 20_000),  # the quarter row overrides the months (3 × 5,000)
        (1, "won", 8_000),  # only deal 1 closed inside Q4 up to the as-of date
        (2, "won", 1_000 * 1.08),  # EUR converted; the XYZ deal is left out
        (1, "open_pipeline", 9_000),  # deal 4 only
        (1, "past_due_pipeline", 2_500),  # deal 5
        (1, "past_due_count", 1),
        (2, "open_pipeline", 0),
    ],
)
def test_money_inputs(card, rep_id, field, expected):
    assert getattr(card.reps[rep_id], field) == pytest.approx(expected)


def test_manager_and_ownerless_deals_count_for_no_rep(card):
    assert set(card.reps) == {1, 2}
    assert card.totals()["won"] == pytest.approx(8_000 + 1_080)


def test_a_currency_without_a_rate_is_flagged(card):
    assert card.reps[2].unconverted == frozenset({"XYZ"})
    assert card.reps[1].unconverted == frozenset()


def test_win_rate_is_shrunk_towards_the_team(card):
    # Lookback: the 180 days to 13 Nov 2026. Ann: won 1 and 2, lost 3 → 2 of 3. Bob: won 7 (EUR) and 8 → 2 of 2.
    # Team: 4 won of 5 closed = 0.8. Ann's shrunk rate: (2 + 10 × 0.8) / (3 + 10).
    rate = card.reps[1].rates["win_rate"]
    assert (rate.successes, rate.trials) == (2, 3)
    assert rate.value == pytest.approx((2 + 10 * 0.8) / (3 + 10))
    assert rate.low_confidence  # 3 trials < 5


def test_call_to_meeting_and_actual_pace(card):
    ann = card.reps[1]
    # Ann: 13 calls in the lookback (12 recent + 1 in September), 1 meeting held (the no-show does not count).
    # Team: 13 calls, 2 meetings held (Bob's demo) → 2/13. Shrunk: (1 + 10 × 2/13) / (13 + 10).
    rate = ann.rates["call_to_meeting"]
    assert (rate.successes, rate.trials) == (1, 13)
    assert rate.value == pytest.approx((1 + 10 * 2 / 13) / (13 + 10))
    assert ann.funnel.stages["calls"].actual_pw == pytest.approx(12 / 4)
    assert ann.funnel.stages["meetings"].actual_pw == pytest.approx(1 / 4)


def test_gap_and_required_pipeline(card):
    ann = card.reps[1]
    gap = 30_000 - 8_000
    assert ann.funnel.gap == pytest.approx(gap)
    wr = (2 + 10 * 0.8) / (3 + 10)
    assert ann.funnel.required_pipeline == pytest.approx(gap / wr)
    assert ann.funnel.coverage == pytest.approx(9_000 / gap)


def test_next_period_quota_feeds_next_period_pipeline(card):
    wr = (2 + 10 * 0.8) / (3 + 10)
    assert card.reps[1].funnel.next_period_pipeline == pytest.approx(3 * 12_000 / wr)


def test_overview_rows_follow_the_scorecard(card):
    rows = scorecard.overview_rows(card, [1, 2]).set_index("Rep")
    assert rows.loc["Ann", "Quota"] == 30_000
    assert rows.loc["Bob", "Won"] == pytest.approx(1_080)
    assert rows.loc["Ann", "Calls/wk actual"] == pytest.approx(3.0)


# --- the edges of every window: each figure is a window of close (or created) dates -----------------
# AS_OF 13 Nov 2026, Q4 = 1 Oct – 31 Dec, look-back 180 days: 17 May – 13 Nov; last 4 weeks: 17 Oct – 13 Nov.
OLD = D(2026, 1, 5)  # created before every window
EDGES = [  # (deal, created, close, status, amount)
    ("w1", OLD, D(2026, 5, 17), "won", 1_000),  # first day of the look-back
    ("w2", OLD, D(2026, 5, 16), "won", 2_000),  # the day before it
    ("w3", OLD, D(2026, 10, 1), "won", 400),  # first day of the period
    ("w4", OLD, D(2026, 9, 30), "won", 800),  # the day before it
    ("w5", OLD, D(2026, 11, 13), "won", 50),  # the as-of date
    ("w6", OLD, D(2026, 11, 14), "won", 7_000),  # the day after it
    ("o1", OLD, D(2026, 11, 13), "open", 10),  # closes on the as-of date: pipeline
    ("o2", D(2026, 10, 17), D(2026, 12, 31), "open", 20),  # last day of the period; created 4 weeks back
    ("o3", D(2026, 10, 16), D(2027, 1, 1), "open", 40),  # after the period; created a day before the 4 weeks
    ("o4", OLD, D(2026, 11, 12), "open", 80),  # a day past due
    ("o5", OLD, D(2020, 1, 1), "open", 160),  # long past due
    ("l1", OLD, D(2026, 5, 17), "lost", 5),  # lost on the first day of the look-back
    ("l2", OLD, D(2026, 11, 14), "lost", 5),  # lost after the as-of date
]


@pytest.fixture
def edges(engine):
    with engine.begin() as conn:
        conn.execute(insert(Team), [{"id": 1, "name": "T"}])
        conn.execute(insert(Person), [{"id": 1, "name": "Ann", "name_key": "ann", "role": "rep", "team_id": 1}])
        conn.execute(
            insert(Opportunity),
            [deal(i, 1, created, close, status, amount) for i, (_, created, close, status, amount) in enumerate(EDGES)],
        )
        rollups.refresh_opportunity_rollups(conn)
    return scorecard.build(engine, CFG, Q4, AS_OF).reps[1]


@pytest.mark.parametrize("figure, expected", [
    (lambda r: r.won, 400 + 50),  # w3, w5
    (lambda r: r.rates["win_rate"].successes, 4),  # w1, w3, w4, w5
    (lambda r: r.rates["win_rate"].trials, 4 + 1),  # and l1
    (lambda r: r.rates["deal_size"].successes, 1_000 + 400 + 800 + 50),
    (lambda r: r.open_pipeline, 10 + 20),  # o1, o2
    (lambda r: r.past_due_pipeline, 80 + 160),  # o4, o5
    (lambda r: r.past_due_count, 2),
    (lambda r: r.rates["meeting_to_opp"].successes, 2),  # created in the look-back: o2, o3
    (lambda r: r.funnel.stages["opportunities"].actual_pw, 1 / 4),  # created in the last 4 weeks: o2
])  # fmt: skip
def test_each_window_includes_both_of_its_edges(edges, figure, expected):
    assert figure(edges) == expected


@pytest.mark.parametrize("rates, reporting, expected_won, flagged", [
    ({"USD": 1.0, "EUR": 1.08}, "USD", 8_000, {2: {"XYZ"}}),  # Bob's XYZ deal has no rate
    ({"USD": 1.0, "EUR": 1.08, "XYZ": 0.5}, "USD", 8_000, {}),  # now it has one
    ({"USD": 1.0, "EUR": 1.25}, "EUR", 8_000 / 1.25, {2: {"XYZ"}}),  # reported in euros: 8,000 USD = 6,400 EUR
])  # fmt: skip
def test_amounts_are_converted_with_the_rates_of_the_moment(small, rates, reporting, expected_won, flagged):
    # Settings rates change without any data changing: the rollups keep currencies, the scorecard converts
    cfg = Settings(holiday_country=None, shrinkage_k=10, currency_rates=rates, reporting_currency=reporting)
    card = scorecard.build(small, cfg, Q4, AS_OF)
    assert card.reps[1].won == pytest.approx(expected_won)
    assert {i: set(r.unconverted) for i, r in card.reps.items() if r.unconverted} == flagged


def test_to_reporting_on_arrays_is_money_to_reporting():
    # keys 1..3: mixed currencies, a currency without a rate, three rows for one key (summed in row order)
    frame = pd.DataFrame({"rep_id": [1, 1, 2, 3, 3, 3, 2], "currency": ["USD", "EUR", "XYZ", "EUR", "EUR", "EUR",
                                                                        "USD"],
                          "amount": [100.0, 10.0, 5.0, 0.1, 0.2, 0.3, 7.0]})  # fmt: skip
    expected, missing = to_reporting(frame, CFG)
    totals, flagged = to_reporting_arrays(frame["rep_id"].to_numpy(), frame["currency"].to_numpy(dtype=object),
                                                 frame["amount"].to_numpy(), CFG)  # fmt: skip
    assert totals.to_dict() == expected.to_dict() == {1: 100.0 + 10.0 * 1.08, 2: 7.0, 3: expected[3]}
    assert expected[3] == pytest.approx((0.1 + 0.2 + 0.3) * 1.08)
    assert flagged == missing == {2: {"XYZ"}}


@pytest.mark.parametrize("period, expected", [
    (Q4, {1: 3 * 10_000, 2: 20_000}),  # Bob's quarter row overrides his months
    (periods.parse_period("2026-11", 1), {1: 10_000, 2: 5_000}),  # a month: no quarter row starts in it
    (periods.parse_period("2026-10", 1), {1: 10_000, 2: 20_000}),  # Bob's quarter row starts in October
    (periods.parse_period("FY2027-Q1", 1), {1: 3 * 12_000}),  # next quarter: Ann only
    (periods.parse_period("FY2026", 1), {1: 3 * 10_000, 2: 20_000}),  # the year: Q4's rows only
])  # fmt: skip
def test_period_quota(small, period, expected):
    assert scorecard.period_quota(small, CFG, period).to_dict() == expected


@pytest.mark.parametrize("rows, expected", [
    # a quarter's months in two currencies (EUR at 1.08): each month's amount converted, then added
    ([("month", D(2026, 10, 1), 1_000.10, "USD"), ("month", D(2026, 11, 1), 2_000.20, "USD"),
      ("month", D(2026, 12, 1), 500, "EUR")], 1_000.10 + 2_000.20 + 500 * 1.08),
    # a quarter row in euros overrides dollar months
    ([("month", D(2026, 10, 1), 1_000, "USD"), ("quarter", D(2026, 10, 1), 4_000, "EUR")], 4_000 * 1.08),
    # a currency without a rate is left out
    ([("month", D(2026, 10, 1), 1_000, "USD"), ("month", D(2026, 11, 1), 700, "XYZ")], 1_000),
])  # fmt: skip
def test_quota_in_several_currencies(engine, rows, expected):
    with engine.begin() as conn:
        conn.execute(insert(Person), [{"id": 9, "name": "Cy", "name_key": "cy", "role": "rep"}])
        conn.execute(insert(Quota), [{"person_id": 9, "period": p, "period_start": d, "amount": a, "currency": c}
                                     for p, d, a, c in rows])  # fmt: skip
    assert scorecard.period_quota(engine, CFG, Q4)[9] == pytest.approx(expected, rel=1e-12)
