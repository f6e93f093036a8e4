"""Each period's focus driver of the persistent shortfall from one read for all the periods
(`scorecard.columns_many`, `inputs.gather_many`, `inputs.QuotaChain`, `focus.focus_of_columns`), worked out by hand
on the company of test_talent_shortfall (2025, no public holidays, quotas 10,000 a month):

- halfway through Q3 2025 is 15 Aug (1 Jul + 91 days ÷ 2): Bo has won 12,000 (his deal closed on 12 Aug) of a
  30,000 quota; Lu (left on 30 Jun) and Di (hired Mon 18 Aug) are not in the figures so far; Di's Q3 quota is
  10,000 × 10/21 + 10,000 (the 10 of August's 21 working days, and September);
- halfway through Q4 is 15 Nov: Bo has won 21,000 and Di 9,000 (both closed on 12 Nov), of 30,000 each;
- the next quarter's quota (Q4) is 30,000 for everyone still here; after Q4 there are no quotas (2026: 0);
- Q2's quota is Lu's full 30,000 (she left on its last day).
The focus drivers are the ones the whole scorecard gives (`focus.focus_only` on `scorecard.build`), rep by rep.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from conftest import drop_database, new_database_url
from talent_data import write
from test_talent_shortfall import CALLS, CFG, DEALS, DI_Q3, PEOPLE, QUOTAS

from breakthrough.diagnosis import focus
from breakthrough.metrics import inputs, periods, scorecard
from breakthrough.store import queries
from breakthrough.store.db import make_engine
from breakthrough.talent import history

D = dt.date
Q = {q: periods.period_containing(D(2025, 3 * q - 1, 1), "quarter", 1) for q in (1, 2, 3, 4)}
HALFWAY = {q: p.start + (p.end - p.start) / 2 for q, p in Q.items()}


@pytest.fixture(scope="module")
def company(database_templates, tmp_path_factory):
    url = new_database_url(tmp_path_factory.mktemp("focus"), database_templates())
    engine = make_engine(url)
    ids = write(engine, "rows", PEOPLE, QUOTAS, DEALS, CALLS)
    yield engine, ids
    engine.dispose()
    drop_database(url)


def test_halfway_through_q3_is_15_august():
    assert HALFWAY[3] == D(2025, 8, 15)


def test_the_quota_chain_gives_each_period_its_quota_and_the_next_ones(company):
    engine, ids = company
    chain = inputs.QuotaChain(engine, CFG, [Q[2], Q[3], Q[4], periods.next_period(Q[4], 1)])
    reps = [ids[n] for n in ("Bo", "Di", "Lu")]
    places = inputs.Places(reps)
    q3 = chain.of(Q[3], places)
    assert q3["quota"].tolist() == pytest.approx([30_000, DI_Q3, 0])
    assert q3["next_quota"].tolist() == [30_000, 30_000, 0]
    assert chain.of(Q[4], places)["next_quota"].tolist() == [0, 0, 0]  # no quotas in 2026
    expected = [[30_000] * 3, [0, DI_Q3, 30_000], [30_000, 0, 0]]
    assert chain.grid(3, places).ravel().tolist() == pytest.approx(np.ravel(expected).tolist())
    assert chain.covers([Q[3], Q[4]], CFG) and not chain.covers([Q[1]], CFG)


def test_the_cards_of_several_periods_from_one_read(company):
    engine, ids = company
    q3, q4 = scorecard.columns_many(engine, CFG, [(Q[3], HALFWAY[3]), (Q[4], HALFWAY[4])])
    assert q3.rep_ids == [ids[n] for n in ("Ann", "Bo", "Cy", "Eve")]  # Lu has left, Di not started by 15 Aug
    bo = q3.rep_ids.index(ids["Bo"])
    i = q3.columns.inputs
    assert (i.quota[bo], i.won[bo], i.next_quota[bo]) == (30_000, 12_000, 30_000)
    assert q4.rep_ids == [ids[n] for n in ("Ann", "Bo", "Cy", "Di", "Eve")]  # by name
    i = q4.columns.inputs
    assert [(i.quota[k], i.won[k], i.next_quota[k]) for k in (1, 3)] == [(30_000, 21_000, 0), (30_000, 9_000, 0)]


@pytest.mark.parametrize("q", [2, 3, 4])
def test_every_array_and_focus_driver_is_the_whole_scorecards(company, q):
    engine, _ = company
    (lean,) = scorecard.columns_many(engine, CFG, [(Q[q], HALFWAY[q])])
    card = scorecard.build(engine, CFG, Q[q], HALFWAY[q])
    assert lean.rep_ids == list(card.reps)
    assert card.columns is not None
    for name in ("quota", "won", "open_pipeline", "next_quota", "calls_pw", "closable_share", "median_cycle_days"):
        assert np.array_equal(getattr(lean.columns.inputs, name), getattr(card.columns.inputs, name), equal_nan=True)
    assert np.array_equal(lean.columns.coverage, card.columns.coverage, equal_nan=True)
    expected = focus.focus_only(card, card.won_cycles, CFG.shrinkage_k, "top quartile")
    assert focus.focus_of_columns(lean, CFG.shrinkage_k, "top quartile") == expected


def test_the_history_reads_only_the_figures_asked_for(company):
    engine, ids = company
    whole = history.build(engine, CFG, "quarter", D(2025, 12, 31))
    results = history.build(engine, CFG, "quarter", D(2025, 12, 31), ("quota", "won"), next_quota=True)
    assert set(results.figures) == {"quota", "won"}
    for name in ("quota", "won"):
        assert np.array_equal(results.figures[name], whole.figures[name])
    bo = results.row(ids["Bo"])
    assert results.figures["won"][bo].tolist() == [0, 30_000, 15_000, 12_000, 21_000]  # from Q4 2024 (the first deal)
    assert results.quotas is not None and [p.key for p in results.quotas.chain][-1] == "FY2026-Q1"


def test_won_cycles_cut_from_one_read(company):
    """Bo's deals were all created on 2 Dec 2024 and closed on 12 Feb, 12 May, 12 Aug and 12 Nov 2025."""
    engine, ids = company
    every = queries.won_cycles_unpacked(engine)
    owners, days = queries.won_cycles_inside(every, D(2025, 5, 1), D(2025, 8, 31))
    mine = owners == ids["Bo"]
    assert days[mine].tolist() == [(D(2025, 5, 12) - D(2024, 12, 2)).days, (D(2025, 8, 12) - D(2024, 12, 2)).days]
    assert [a.tolist() for a in queries.won_cycle_arrays(engine, D(2025, 5, 1), D(2025, 8, 31))] == [
        owners.tolist(),
        days.tolist(),
    ]
