"""What the Coaching page computes (pages/coaching.py via components/sections/coaching_panel.py), for the benchmark."""

from __future__ import annotations

from bench.pages import frame_figures
from breakthrough.coaching import managers
from breakthrough.metrics import scorecard
from breakthrough.metrics.view import reps_now
from breakthrough.store import queries


def coaching_figures(engine, cfg, period, as_of):
    """The frame, the scorecard and every manager's coaching figures for all teams (no team chosen)."""
    frame_figures(engine)
    card = scorecard.build(engine, cfg, period, as_of)
    rep_ids = reps_now(queries.people(engine), None, None, as_of).index  # as the page
    return managers.build(engine, cfg, card, as_of, rep_ids)
