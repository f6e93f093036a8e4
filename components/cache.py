"""The Streamlit-side cache over the domain package.

The engine is a cached resource; figures are cached data keyed on small values
(period key, as-of date, data version), never on DataFrames.

Every function here that returns rows about people takes the viewer's `Scope` (frozen, so part of the cache
key; `components.signin.current_scope()`) and returns only the rows inside it, through the domain's scoped
reads (`breakthrough.access.people`): a page cannot ask for anyone else. Figures that need everyone to be
right (the benchmarks' team quartiles, shrinkage towards the team, the peers' anonymised distribution) are
worked out on everyone in the private functions below, and only what they return is kept to the scope.
tests/test_architecture.py holds the rule and its few exceptions.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from breakthrough import demo
from breakthrough import settings as settings_store
from breakthrough.access import OPEN, Scope
from breakthrough.access import people as access_people
from breakthrough.diagnosis import focus, pipeline
from breakthrough.metrics import periods, scorecard
from breakthrough.store import db, queries, records
from breakthrough.talent import ramp as talent_ramp
from breakthrough.talent import shortfall as talent_shortfall

DataKey = tuple[str, int]  # (database URL, data version): part of every cache key


def engine():
    """The engine for `BREAKTHROUGH_DATABASE_URL` (or the embedded SQLite file)."""
    return _engine(db.database_url())


@st.cache_resource(show_spinner="Opening the database (a first start may load the demo data)…")
def _engine(url: str):
    """The SQLAlchemy engine, migrated; an empty database gets the S demo unless the user chose to start
    empty (`demo.app_engine`: the server's start may be opening it already, then this waits for it)."""
    return demo.app_engine(url)


def version() -> DataKey:
    """Which data the figures are for: changes on every import, undo or settings save."""
    return db.database_url(), db.data_version(engine())


@st.cache_data(show_spinner=False, max_entries=16)
def settings(data_version: DataKey) -> settings_store.Settings:
    return settings_store.load(engine())


@st.cache_data(show_spinner=False, max_entries=4)
def _frame(data_version: DataKey) -> queries.FrameFacts:
    """People, teams, the data's span and the demo flag: read together, once per data version.

    Each is cached again on its own below, so a page that needs one does not unpickle them all.
    """
    return queries.frame_facts(engine())


@st.cache_data(show_spinner=False, max_entries=64)
def people(data_version: DataKey, scope: Scope):
    """The people `scope` shows (`access.people.visible_people`: every non-rep, only the reps inside it)."""
    return access_people.visible_people(_frame(data_version).people, scope)


@st.cache_data(show_spinner=False, max_entries=16)
def teams(data_version: DataKey):
    return _frame(data_version).teams


@st.cache_data(show_spinner=False, max_entries=16)
def data_span(data_version: DataKey) -> tuple[dt.date | None, dt.date | None]:
    facts = _frame(data_version)
    return facts.first_day, facts.last_day


@st.cache_data(show_spinner=False, max_entries=16)
def is_demo(data_version: DataKey) -> bool:
    return _frame(data_version).demo


# The scorecard and diagnosis are cached as shared resources: every session gets the same objects, not a
# copy unpickled on each run (at 1,000 reps that copy took longer than drawing the page). Both are frozen
# dataclasses that nothing changes after `build`; never change what these two return. They hold every rep
# (the team's rates and quartiles need everyone): only the scoped functions after them leave this module.


@st.cache_resource(show_spinner="Working out the figures…", max_entries=32)
def _card(period_key: str, as_of: dt.date, data_version: DataKey) -> scorecard.Scorecard:
    cfg = settings(data_version)
    period = periods.parse_period(period_key, cfg.fiscal_year_start_month)
    return scorecard.build(engine(), cfg, period, as_of)


@st.cache_resource(show_spinner="Finding each rep's focus…", max_entries=32)
def _diagnosed(period_key: str, as_of: dt.date, benchmark: str, data_version: DataKey) -> focus.Diagnosis:
    """Every rep's drivers against the benchmark (the team quartiles are everyone's)."""
    cfg = settings(data_version)
    scores = _card(period_key, as_of, data_version)
    return focus.build(scores, scores.won_cycles, cfg.shrinkage_k, benchmark, cfg.on_track_threshold)


# Kept to the scope on each call, not cached again: `access.people.figures` only picks the scope's reps out
# of the shared objects above (the same object for a scope that sees everyone), cheaper than hashing a scope.


def card(period_key: str, as_of: dt.date, data_version: DataKey, scope: Scope) -> scorecard.Scorecard:
    """The scorecard of the reps inside `scope`: their figures worked out among everyone; its totals are the
    scope's (a manager's card totals their own teams)."""
    return access_people.figures(_card(period_key, as_of, data_version), scope)


def diagnosed(period_key: str, as_of: dt.date, benchmark: str, data_version: DataKey, scope: Scope) -> focus.Diagnosis:
    """The drivers of the reps inside `scope`, against benchmarks of everyone."""
    return access_people.figures(_diagnosed(period_key, as_of, benchmark, data_version), scope)


def peer_distribution(period_key: str, as_of: dt.date, data_version: DataKey, scope: Scope) -> tuple[float, ...]:
    """The attainment of the reps `scope` sees only anonymised (`access.people.peer_distribution`): values only."""
    return access_people.peer_distribution(_card(period_key, as_of, data_version), scope)


def peer_group(period_key: str, as_of: dt.date, rep_id: int, data_version: DataKey, scope: Scope) -> list[int]:
    """Whom a rep inside `scope` is benchmarked against (their team, among everyone: `focus.peer_group`), for
    pooled figures only; nobody for a rep outside it."""
    full = _card(period_key, as_of, data_version)
    return focus.peer_group(full, rep_id) if scope.sees_rep(rep_id) and rep_id in full.reps else []


@st.cache_data(show_spinner=False, max_entries=32)
def right_prospects(
    period_key: str, as_of: dt.date, start: dt.date, rep_ids: tuple[int, ...], data_version: DataKey, scope: Scope
) -> pd.DataFrame:
    """Each rep's share of activity on target accounts beside their whole team's (pooled among everyone), for
    the reps of `rep_ids` inside `scope` (`pipeline.right_prospects`)."""
    found = records.target_activity(engine(), start, as_of)
    return pipeline.right_prospects(found, _card(period_key, as_of, data_version), scope.keep(rep_ids))


@st.cache_data(show_spinner=False, max_entries=64)
def rep_activity(rep_id: int, start: dt.date, end: dt.date, data_version: DataKey, scope: Scope):
    """A rep's activity by week; none for a rep outside `scope` (the scope is part of the cache key)."""
    return access_people.rep_activity(engine(), scope, rep_id, start, end)


@st.cache_data(show_spinner=False, max_entries=64)
def rep_deals(rep_id: int, data_version: DataKey, scope: Scope):
    """A rep's deals; none for a rep outside `scope`."""
    return access_people.rep_deals(engine(), scope, rep_id)


# --- talent (breakthrough.talent): worked out on everyone (the cohort needs every hire), kept to the scope ----


@st.cache_resource(show_spinner="Working out the ramp…", max_entries=16)
def _ramp(as_of: dt.date, data_version: DataKey):
    return talent_ramp.build(engine(), settings(data_version), as_of)


def ramp(as_of: dt.date, data_version: DataKey, scope: Scope):
    """The ramp of the reps inside `scope`, against the cohort of every hire (`talent.ramp.for_scope`)."""
    return talent_ramp.for_scope(_ramp(as_of, data_version), scope)


@st.cache_resource(show_spinner="Finding persistent shortfalls…", max_entries=16)
def _shortfall(as_of: dt.date, data_version: DataKey):
    return talent_shortfall.build(engine(), settings(data_version), as_of, OPEN)


def shortfall(as_of: dt.date, data_version: DataKey, scope: Scope) -> list:
    """The persistent shortfalls of the reps inside `scope` (`talent.shortfall.build`), most persistent first."""
    return [row for row in _shortfall(as_of, data_version) if scope.sees_rep(row.rep_id)]


def evidence(as_of: dt.date, rep_id: int, data_version: DataKey, scope: Scope):
    """The evidence pack's contents for a listed rep inside `scope` (None otherwise)."""
    row = next((r for r in shortfall(as_of, data_version, scope) if r.rep_id == rep_id), None)
    return None if row is None else talent_shortfall.evidence(engine(), row, as_of, scope)
