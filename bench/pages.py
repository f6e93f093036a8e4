"""Page compute times measured on the domain package (what each page computes), cold and warm.

`overview_figures`, `rep_figures`, `coaching_figures`, `pipeline_figures` and `talent_figures` call the same domain
functions, with the same arguments, as the pages and their components do — the frame's filter
bar included — so "cold" is what a first page view after a data change costs.
"""

from __future__ import annotations

import datetime as dt
import os
import time

from breakthrough import settings as settings_store
from breakthrough.coaching import managers
from breakthrough.diagnosis import focus, hygiene, pipeline
from breakthrough.metrics import periods, scorecard
from breakthrough.metrics.view import reps_now
from breakthrough.store import queries, records
from breakthrough.store.db import make_engine
from components.sections import rep_detail

PACE_DAYS = 28
REPEATS = 7  # the cold Overview and Pipeline are timed this many times and the best kept, as the DuckDB yardstick is


def frame_figures(engine):
    """The filter bar and demo notice: people, teams, the data's first and last day, the demo flag."""
    return queries.frame_facts(engine)


def overview_figures(engine, cfg, period, as_of):
    """Everything the Overview shows: the frame, scorecard, rep rows, totals, and the diagnosis section."""
    frame_figures(engine)
    card = scorecard.build(engine, cfg, period, as_of)
    rows = scorecard.overview_rows(card, list(card.reps))
    diag = focus.build(card, card.won_cycles, cfg.shrinkage_k, "top quartile", cfg.on_track_threshold)
    return card, rows, card.totals(), diag


def rep_figures(engine, cfg, period, as_of, rep_id):
    """Everything the Rep page shows for one rep: scorecard, diagnosis, the focus records, funnel, deals, coaching."""
    card, _, _, diag = overview_figures(engine, cfg, period, as_of)
    rep = card.reps[rep_id]
    daily = queries.weekly_activity(engine, rep_id, as_of - dt.timedelta(weeks=13), as_of)
    deals = queries.opportunity_records(engine, rep_id)
    pace = as_of - dt.timedelta(days=PACE_DAYS - 1)
    calls = records.activity_records(engine, [rep_id], pace, as_of, "call")  # the default driver's records
    return (
        rep_detail.funnel_rows(rep),
        rep_detail.rate_rows(rep),
        rep_detail.lever_rows(rep),
        rep_detail.weekly(daily, as_of),
        rep_detail.deal_lists(deals, as_of, period.end),
        calls,
        diag.reps[rep_id],
        managers.for_rep(engine, cfg, rep_id, as_of),
    )


def pipeline_figures(engine, cfg, period, as_of):
    """Everything the Pipeline page shows for all reps: stage funnel, coverage, hygiene, right prospects."""
    frame_figures(engine)
    card = scorecard.build(engine, cfg, period, as_of)  # the page shows no diagnosis: the scorecard alone
    ids = list(card.reps)
    order = records.stage_order(engine)
    cohort = records.stage_cohort(engine, as_of - dt.timedelta(days=cfg.lookback_days), as_of, order)
    stages = pipeline.funnel(cohort, order, cfg), pipeline.comparison(cohort, order, ids, ids)
    flags = hygiene.read_rules(engine, as_of)
    targets = records.has_targets(engine), records.target_activity(engine, period.start, as_of)
    return (
        stages,
        pipeline.coverage_rows(card, ids),
        hygiene.per_rep(flags, ids),
        pipeline.right_prospects(targets[1], card, ids),
    )


def talent_figures(engine, cfg, period, as_of):
    """Everything the Talent page computes for all reps (components.cache's `_ramp` and `_shortfall`, cold): the
    frame and scorecard (the hidden-by-the-total call-outs), the ramp against the cohort, the persistent
    shortfalls with each period's focus driver and the coaching over them."""
    from breakthrough.access import OPEN
    from breakthrough.talent import hidden, ramp, shortfall

    frame_figures(engine)
    card = scorecard.build(engine, cfg, period, as_of)
    callouts = hidden.hidden(card, cfg), hidden.by_team(card, cfg)
    return callouts, ramp.build(engine, cfg, as_of), shortfall.build(engine, cfg, as_of, OPEN)


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - start) * 1000


def measure_pages(url: str, as_of: dt.date) -> dict:
    engine = make_engine(url)
    cfg = settings_store.load(engine)
    period = periods.period_containing(as_of, "quarter", cfg.fiscal_year_start_month)
    timed(overview_figures, engine, cfg, period, as_of)  # open files, warm the database's page cache
    cold = min(timed(overview_figures, engine, cfg, period, as_of) for _ in range(REPEATS))
    os.environ["BREAKTHROUGH_DATABASE_URL"] = url
    _warm_overview(period.key, as_of)  # fills the cache
    warm = min(timed(_warm_overview, period.key, as_of) for _ in range(3))
    rep_id = next(iter(scorecard.build(engine, cfg, period, as_of).reps))
    rep = min(timed(rep_figures, engine, cfg, period, as_of, rep_id) for _ in range(3))
    result = {"overview_cold_ms": round(cold, 1), "overview_warm_ms": round(warm, 2), "rep_page_cold_ms": round(rep, 1)}
    result["coaching_page_cold_ms"] = _coaching_ms(engine, cfg, period, as_of)
    result["pipeline_page_cold_ms"] = round(  # the best of as many as DuckDB's yardstick (was of 2)
        min(timed(pipeline_figures, engine, cfg, period, as_of) for _ in range(REPEATS)), 1
    )
    result["talent_page_cold_ms"] = round(min(timed(talent_figures, engine, cfg, period, as_of) for _ in range(3)), 1)
    return result


def _warm_overview(period_key: str, as_of: dt.date):
    """The Overview's cached path (components.cache, components.sections.diagnosis_panel) after its first call."""
    from breakthrough.access import OPEN
    from components import cache
    from components.sections import diagnosis_panel

    version = cache.version()
    cache.settings(version), cache.people(version, OPEN), cache.teams(version), cache.data_span(version)
    cache.is_demo(version)
    card = cache.card(period_key, as_of, version, OPEN)
    diag = diagnosis_panel.diagnosed(period_key, as_of, "top quartile", version, OPEN)
    return scorecard.overview_rows(card, list(card.reps)), card.totals(), diag


def coaching_figures(engine, cfg, period, as_of):
    """What the Coaching page computes: the frame, the scorecard and every manager's coaching figures for
    all teams (no team chosen), and the rows it lists for the manager it shows first (the first by name:
    `coaching_panel.manager_rows`, their sessions' notes and commitments' texts)."""
    frame_figures(engine)
    card = scorecard.build(engine, cfg, period, as_of)
    rep_ids = reps_now(queries.people(engine), None, None, as_of).index  # as the page
    data = managers.build(engine, cfg, card, as_of, rep_ids)
    if data.managers:
        managers.manager_rows(engine, data, next(iter(data.managers)))
    return data


def _coaching_ms(engine, cfg, period, as_of) -> float | None:
    return round(min(timed(coaching_figures, engine, cfg, period, as_of) for _ in range(3)), 1)
