"""Page compute times measured on the domain package (what each page computes), cold and warm."""

from __future__ import annotations

import datetime as dt
import os
import time

from breakthrough import periods, queries, rep_detail, scorecard
from breakthrough import settings as settings_store
from breakthrough.db import make_engine


def overview_figures(engine, cfg, period, as_of):
    """Everything the Overview shows: the scorecard, the rep rows and the totals."""
    card = scorecard.build(engine, cfg, period, as_of)
    rows = scorecard.overview_rows(card, list(card.reps))
    return card, rows, card.totals()


def rep_figures(engine, cfg, period, as_of, rep_id):
    card = scorecard.build(engine, cfg, period, as_of)
    rep = card.reps[rep_id]
    daily = queries.weekly_activity(engine, rep_id, as_of - dt.timedelta(weeks=13), as_of)
    return rep_detail.funnel_rows(rep), rep_detail.rate_rows(rep), rep_detail.weekly(daily, as_of), \
        queries.opportunity_records(engine, rep_id)


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - start) * 1000


def measure_pages(url: str, as_of: dt.date) -> dict:
    engine = make_engine(url)
    cfg = settings_store.load(engine)
    period = periods.period_containing(as_of, "quarter", cfg.fiscal_year_start_month)
    timed(overview_figures, engine, cfg, period, as_of)  # open files, warm SQLite's page cache
    cold = min(timed(overview_figures, engine, cfg, period, as_of) for _ in range(3))
    os.environ["BREAKTHROUGH_DATABASE_URL"] = url
    _warm_overview(period.key, as_of)  # fills the cache
    warm = min(timed(_warm_overview, period.key, as_of) for _ in range(3))
    rep_id = next(iter(scorecard.build(engine, cfg, period, as_of).reps))
    rep = min(timed(rep_figures, engine, cfg, period, as_of, rep_id) for _ in range(3))
    result = {"overview_cold_ms": round(cold, 1), "overview_warm_ms": round(warm, 2), "rep_page_cold_ms": round(rep, 1)}
    result["coaching_page_cold_ms"] = _coaching_ms(engine, cfg, period, as_of)
    return result


def _warm_overview(period_key: str, as_of: dt.date):
    """The Overview's cached path (components.store) after its first call."""
    from components import store

    version = store.version()
    card = store.card(period_key, as_of, version)
    return scorecard.overview_rows(card, list(card.reps))


def _coaching_ms(engine, cfg, period, as_of) -> float | None:
    try:
        from bench.coaching import coaching_figures
    except ImportError:
        return None
    return round(min(timed(coaching_figures, engine, cfg, period, as_of) for _ in range(3)), 1)
