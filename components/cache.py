"""The Streamlit-side cache over the domain package.

The engine is a cached resource; figures are cached data keyed on small values
(period key, as-of date, data version), never on DataFrames.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from breakthrough import demo
from breakthrough import settings as settings_store
from breakthrough.access import Scope
from breakthrough.access import people as access_people
from breakthrough.diagnosis import focus
from breakthrough.metrics import periods, scorecard
from breakthrough.store import db, queries

DataKey = tuple[str, int]  # (database URL, data version): part of every cache key


def engine():
    """The engine for `BREAKTHROUGH_DATABASE_URL` (or the embedded SQLite file)."""
    return _engine(db.database_url())


@st.cache_resource(show_spinner="Opening the database (a first start may load the demo data)…")
def _engine(url: str):
    """The SQLAlchemy engine, migrated; an empty database gets the S demo unless the user chose to start
    empty (`demo.open_app_database`)."""
    return demo.open_app_database(url)


def version() -> DataKey:
    """Which data the figures are for: changes on every import, undo or settings save."""
    return db.database_url(), db.data_version(engine())


@st.cache_data(show_spinner=False, max_entries=16)
def settings(data_version: DataKey) -> settings_store.Settings:
    return settings_store.load(engine())


@st.cache_data(show_spinner=False, max_entries=4)
def frame(data_version: DataKey) -> queries.FrameFacts:
    """People, teams, the data's span and the demo flag: read together, once per data version.

    Each is cached again on its own below, so a page that needs one does not unpickle them all.
    """
    return queries.frame_facts(engine())


@st.cache_data(show_spinner=False, max_entries=16)
def people(data_version: DataKey):
    return frame(data_version).people


@st.cache_data(show_spinner=False, max_entries=16)
def teams(data_version: DataKey):
    return frame(data_version).teams


@st.cache_data(show_spinner=False, max_entries=16)
def data_span(data_version: DataKey) -> tuple[dt.date | None, dt.date | None]:
    facts = frame(data_version)
    return facts.first_day, facts.last_day


@st.cache_data(show_spinner=False, max_entries=16)
def is_demo(data_version: DataKey) -> bool:
    return frame(data_version).demo


# The scorecard and diagnosis are cached as shared resources: every session gets the same objects, not a
# copy unpickled on each run (at 1,000 reps that copy took longer than drawing the page). Both are frozen
# dataclasses that nothing changes after `build`; never change what these two return.


@st.cache_resource(show_spinner="Working out the figures…", max_entries=32)
def card(period_key: str, as_of: dt.date, data_version: DataKey) -> scorecard.Scorecard:
    cfg = settings(data_version)
    period = periods.parse_period(period_key, cfg.fiscal_year_start_month)
    return scorecard.build(engine(), cfg, period, as_of)


@st.cache_resource(show_spinner="Finding each rep's focus…", max_entries=32)
def diagnosed(period_key: str, as_of: dt.date, benchmark: str, data_version: DataKey) -> focus.Diagnosis:
    """Every rep's drivers against the benchmark."""
    cfg = settings(data_version)
    scores = card(period_key, as_of, data_version)
    return focus.build(scores, scores.won_cycles, cfg.shrinkage_k, benchmark, cfg.on_track_threshold)


@st.cache_data(show_spinner=False, max_entries=64)
def rep_activity(rep_id: int, start: dt.date, end: dt.date, data_version: DataKey, scope: Scope):
    """A rep's activity by week; none for a rep outside `scope` (the scope is part of the cache key)."""
    return access_people.rep_activity(engine(), scope, rep_id, start, end)


@st.cache_data(show_spinner=False, max_entries=64)
def rep_deals(rep_id: int, data_version: DataKey, scope: Scope):
    """A rep's deals; none for a rep outside `scope`."""
    return access_people.rep_deals(engine(), scope, rep_id)
