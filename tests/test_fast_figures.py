"""Issue #7: the Overview's figures worked out with less work — money added up to the cent, quantiles
as numpy takes them, rows straight from the driver — give the same numbers. Expected values by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import text

from breakthrough import settings as settings_store
from breakthrough.diagnosis import focus
from breakthrough.metrics import inputs, periods, rates, scorecard
from breakthrough.metrics.money import group_sums, to_reporting_codes
from breakthrough.settings import Settings
from breakthrough.store import queries
from tests.conftest import TODAY

NAN = float("nan")


# --- money: each key's amounts added up, to the cent -------------------------------------------------


CENT = 0.005  # money is compared to the cent: half a cent either way


@pytest.mark.parametrize("keys, values, expected_keys, expected", [
    ([3, 3, 3], [1200.10, 0.45, 99.45], [3], [1300.00]),
    ([1, 2, 2], [0.5, 0.25, 0.125], [1, 2], [0.5, 0.375]),
    # keys out of order: each key's own amounts, whatever the row order
    ([3, 1, 3, 3], [1_000_000.01, 5.0, 0.02, 0.03], [1, 3], [5.0, 1_000_000.06]),
    # ten amounts of 0.10 make 1.00 (binary floats: 0.1 is not exact, the total is within the cent)
    ([7] * 10, [0.10] * 10, [7], [1.00]),
    # a NaN (an amount without a rate) is left out; a key with nothing but NaN has no total
    ([2, 2, 4], [NAN, 4.0, NAN], [2, 4], [4.0, NAN]),
    # an infinite amount: the total is infinite
    ([5, 1, 5], [np.inf, 1.0, 2.0], [1, 5], [1.0, np.inf]),
    # a refund: negative amounts reduce the total
    ([8, 8], [250.00, -75.25], [8], [174.75]),
    ([], [], [], []),
])  # fmt: skip
def test_group_sums_add_each_keys_amounts(keys, values, expected_keys, expected):
    found_keys, totals = group_sums(np.array(keys, dtype=np.int64), np.array(values, dtype=float))
    assert found_keys.tolist() == expected_keys
    np.testing.assert_allclose(totals, np.array(expected, dtype=float), rtol=0, atol=CENT)  # NaN equals NaN here


def test_reporting_totals_convert_then_add():
    keys, amounts = np.array([7, 3, 7, 3]), np.array([100.0, 10.0, 0.1, 0.2])
    rate = np.array([1.08, 1.0, np.nan, 1.0])  # key 7's second amount has no rate
    found = to_reporting_codes(keys, amounts, rate)
    assert found.index.tolist() == [3, 7]
    assert found[3] == pytest.approx(10.20, abs=CENT)  # 10 + 0.2
    assert found[7] == pytest.approx(108.00, abs=CENT)  # 100 × 1.08; the unrated 0.1 left out
    only_unrated = to_reporting_codes(np.array([4]), np.array([50.0]), np.array([np.nan]))
    assert only_unrated.to_dict() == {4: 0.0}  # a key with only unrated amounts gets 0


# --- quantiles of sorted runs: numpy's, value for value ---------------------------------------------


@pytest.mark.parametrize("run, q, expected", [
    ([1.0, 2.0, 3.0, 4.0], 0.75, 3.25),  # place 3 × 0.75 = 2.25: 3 + 0.25 × (4 − 3)
    ([1.0, 2.0, 3.0, 4.0], 0.25, 1.75),  # place 0.75 (weight ≥ 0.5): 2 − 0.25 × (2 − 1)
    ([0.0, 10.0], 0.5, 5.0),  # halfway
    ([6.0, 8.0, 20.0], 1.0, 20.0),  # the top: the last value
    ([6.0, 8.0, 20.0], 0.0, 6.0),  # the bottom: the first
    ([5.0], 0.75, 5.0),  # one value
    ([], 0.75, NAN),  # no value: no quantile
])  # fmt: skip
def test_run_quantiles(run, q, expected):
    # the run between two others, each its own run of the sorted array
    ordered = np.array([-3.0, -1.0, *run, 50.0])
    starts, counts = np.array([0, 2, 2 + len(run)]), np.array([2, len(run), 1])
    found = rates.run_quantiles(ordered, starts, counts, q)
    np.testing.assert_array_equal(found[1], expected)
    assert found[0] == np.quantile([-3.0, -1.0], q) and found[2] == 50.0
    if run:
        assert found[1] == np.quantile(run, q)  # numpy's own, to the last bit


def test_run_quantiles_are_numpys_for_many_runs_and_levels():
    rng = np.random.default_rng(7)
    runs = [np.sort(rng.normal(0, 1000, n)) for n in (1, 2, 3, 6, 10, 37)]
    counts = np.array([len(r) for r in runs])
    for q in (0.75, 0.25, 0.5, 0.9, 1 / 3):
        found = rates.run_quantiles(np.concatenate(runs), np.cumsum(counts) - counts, counts, q)
        assert found.tolist() == [float(np.quantile(r, q)) for r in runs]


# --- cycles × a scale that fit in the days left ----------------------------------------------------


@pytest.mark.parametrize("scale, expected", [
    (0.5, 4),  # 5, 10, 15, 20: all at most 25 days
    (1.0, 2),  # 10, 20 fit; 30, 40 do not
    (2.0, 1),  # 20 fits; 40, 60, 80 do not
    (0.625, 4),  # 40 × 0.625 = 25: at most 25 counts
    (0.0, 4),  # a zero-day cycle fits
    (3.0, 0),  # 30 already too long
])  # fmt: skip
def test_scaled_within_counts_the_scaled_cycles_that_fit(scale, expected):
    ordered = np.array([7.0, 10.0, 20.0, 30.0, 40.0, 3.0])  # runs: [7], [10, 20, 30, 40], [3]
    first, end = np.array([0, 1, 5]), np.array([1, 5, 6])
    found = rates.scaled_within(ordered, first, end, np.array([1.0, scale, 9.0]), 25)
    assert found.tolist() == [1, expected, 0]  # 7 fits; 3 × 9 = 27 does not
    assert found[1] == np.count_nonzero(ordered[1:5] * scale <= 25)


# --- who is a rep: positions by id --------------------------------------------------------------


@pytest.mark.parametrize("rep_ids", [[5, 2, 9], [5 + 2**40, 2, 9]])  # ids in a table, and one too big for it
def test_places_are_positions_among_the_reps(rep_ids):
    places = inputs.Places(rep_ids)
    asked = [9, 3, 2, -1, rep_ids[0], 10**7]
    assert places.of(asked).tolist() == [2, -1, 1, -1, 0, -1]
    assert inputs.Places([]).of(asked).tolist() == [-1] * 6


# --- text columns: the dtype pandas infers, made from Arrow --------------------------------------


@pytest.mark.parametrize("values", [["Ann", "Bob"], ["Ann", None, "Cy"], ["Ann", NAN], ["É", "ü", ""]])
def test_text_column_is_what_pandas_infers(values):
    pd.testing.assert_series_equal(pd.Series(queries.text_column(values)), pd.Series(values), check_exact=True)


@pytest.mark.parametrize("values", [[None, None], [], ["Ann", 3]])  # no text at all, or not only text
def test_text_column_leaves_the_rest_to_pandas(values):
    assert queries.text_column(values) is values


# --- rows straight from the driver: bound as SQLAlchemy binds them -------------------------------


def test_driver_rows_are_sqlalchemys_rows(demo_engine):
    cfg = settings_store.load(demo_engine)
    period = periods.period_containing(TODAY, "quarter", cfg.fiscal_year_start_month)
    deals, _ = inputs.windows(cfg, period, TODAY)  # six boundary days bound as dates
    stmt, _, params = queries._window_totals(queries.OpportunityRunning, ("owner_id", "currency"), deals)
    with demo_engine.connect() as conn:
        found = queries.driver_rows(conn, stmt, params)
        expected = [tuple(row) for row in conn.execute(stmt, params)]
    assert found == expected
    assert sum(row[2] for row in found) > 0  # deals won in the look-back: the dates were bound, not empty


# --- the scorecard's arrays, and the diagnosis read from them -------------------------------------


@pytest.fixture(scope="module")
def card(demo_engine):
    cfg = settings_store.load(demo_engine)
    return scorecard.build(demo_engine, cfg, periods.period_containing(TODAY, "quarter", 1), TODAY)


def test_the_cards_arrays_are_its_reps_figures(card):
    columns = card.columns
    for n, rep in enumerate(card.reps.values()):
        assert (columns.inputs.quota[n], columns.inputs.won[n], columns.inputs.open_pipeline[n]) == (
            rep.quota,
            rep.won,
            rep.open_pipeline,
        )
        assert columns.inputs.calls_pw[n] == rep.funnel.stages["calls"].actual_pw
        assert columns.coverage[n] == rep.funnel.coverage
        for name, rate in rep.rates.items():
            assert (None if np.isnan(columns.rates[name][n]) else columns.rates[name][n]) == rate.value
            assert getattr(columns.inputs, name)[n] == (rate.value or 0.0)


@pytest.mark.parametrize("benchmark", ["top quartile", "median"])
def test_the_diagnosis_of_the_cards_own_cycles_is_that_of_cycles_read_again(demo_engine, card, benchmark):
    cfg = settings_store.load(demo_engine)
    again = queries.won_cycles(demo_engine, TODAY - dt.timedelta(days=cfg.lookback_days), TODAY)
    assert again is not card.won_cycles  # the scorecard's sorted cycles are used for its own only
    assert focus.build(card, card.won_cycles, cfg.shrinkage_k, benchmark) == focus.build(
        card, again, cfg.shrinkage_k, benchmark
    )


def test_a_card_made_by_hand_cannot_be_diagnosed():
    hand_made = scorecard.Scorecard(periods.period_containing(TODAY, "quarter", 1), TODAY, 0.5, 4.0,
                                    {1: object()}, pd.DataFrame({"rep_id": [], "days": []}))  # fmt: skip
    with pytest.raises(ValueError, match="scorecard.build"):
        focus.build(hand_made, hand_made.won_cycles, 10)


# --- PostgreSQL: the figures' statements stay prepared between page views -------------------------


def test_postgresql_keeps_the_scorecards_prepared_statements(demo_url, postgres_only):
    from breakthrough.store.db import make_engine

    engine = make_engine(demo_url)
    cfg = Settings(holiday_country=None)
    period = periods.period_containing(TODAY, "quarter", 1)
    for _ in range(6):  # psycopg prepares a statement the sixth time it runs on a connection
        scorecard.build(engine, cfg, period, TODAY)
    with engine.connect() as conn:
        prepared = conn.execute(text("SELECT statement FROM pg_prepared_statements")).scalars().all()
    engine.dispose()
    assert any("won_deal_cycles" in s for s in prepared)  # a rollback would have dropped them all
