"""The Overview's Plotly figures, built once per view and data version.

Plotly checks every value it is given, so building the pace chart, the driver heatmap
(1,400 cells at 200 reps) and the quadrant costs tens of milliseconds each (heatmap 58 ms
at scale M); unpickling a figure costs as much again (62 ms: `st.cache_data` would not
help) and a figure passed as a dict is checked again by `st.plotly_chart` (85 ms). Drawing
a ready `Figure` costs its copy and JSON (~20 ms for the heatmap). They are therefore kept
with `st.cache_resource` — one shared `Figure` per key, which nobody may change:
`st.plotly_chart` and the meeting pack work on copies. Keys are small values (period,
as-of date, benchmark, the reps in view, the privacy aliases, the data version), as in
components/cache.py; in privacy mode the figure is cached with names already hidden.
"""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import streamlit as st

from breakthrough.access import Scope
from breakthrough.diagnosis.focus import Diagnosis, RepDiagnosis
from breakthrough.metrics import scorecard
from breakthrough.metrics.view import View
from breakthrough.sharing import anonymise
from components import cache, sharing
from components.signin import current_scope
from components.widgets import charts, diagnosis_charts

Aliases = tuple[tuple[str, str], ...]  # (real name, "Rep X") pairs, empty unless privacy mode
HEATMAP_REPS = 30  # rows of the driver heatmap at most (docs/diagnosis.md#the-heatmap)
PACE_REPS = 30  # reps of the pace chart at most, those furthest behind (docs/pages.md#overview)


def pace_by_rep(view: View) -> go.Figure:
    """Each rep's weekly pace against what quota needs (the Overview's bar chart)."""
    return _pace_by_rep(view.period.key, view.as_of, view.rep_ids, _aliases(), cache.version(), current_scope())


def heatmap(view: View) -> go.Figure:
    """Reps × drivers against the view's benchmark, most at stake first."""
    return _heatmap(
        view.period.key, view.as_of, view.benchmark, view.rep_ids, _aliases(), cache.version(), current_scope()
    )


def quadrant(view: View) -> go.Figure:
    """Reps by activity pace against results pace."""
    return _quadrant(
        view.period.key,
        view.as_of,
        view.benchmark,
        view.rep_ids,
        _aliases(),
        cache.version(),
        current_scope(),
        view.rep_id,
    )


def ranked(diag: Diagnosis, rep_ids) -> list[RepDiagnosis]:
    """The diagnoses of the reps in `rep_ids`, the most money at stake first."""
    return sorted((diag.reps[i] for i in rep_ids if i in diag.reps), key=lambda r: -r.focus_impact)


def heatmap_reps(reps: list[RepDiagnosis]) -> list[RepDiagnosis]:
    """The reps the heatmap draws, of `reps` ranked: the `HEATMAP_REPS` with the most at stake. A row per rep
    is 30 px: 1,000 reps would be a chart 30,000 px tall, megabytes for the browser to draw; the focus table
    lists every rep."""
    return reps[:HEATMAP_REPS]


@st.cache_resource(show_spinner=False, max_entries=32)
def _pace_by_rep(
    period_key: str, as_of: dt.date, rep_ids: tuple[int, ...], aliases: Aliases, data_version, scope: Scope
) -> go.Figure:
    card = cache.card(period_key, as_of, data_version, scope)
    return _hidden(charts.pace_by_rep(scorecard.overview_rows(card, rep_ids), most=PACE_REPS), aliases)


@st.cache_resource(show_spinner=False, max_entries=32)
def _heatmap(
    period_key: str,
    as_of: dt.date,
    benchmark: str,
    rep_ids: tuple[int, ...],
    aliases: Aliases,
    data_version,
    scope: Scope,
) -> go.Figure:
    diag = cache.diagnosed(period_key, as_of, benchmark, data_version, scope)
    currency = cache.settings(data_version).reporting_currency
    reps = ranked(diag, rep_ids)
    return _hidden(diagnosis_charts.heatmap(heatmap_reps(reps), currency, diag.benchmark, of=len(reps)), aliases)


@st.cache_resource(show_spinner=False, max_entries=32)
def _quadrant(
    period_key: str,
    as_of: dt.date,
    benchmark: str,
    rep_ids: tuple[int, ...],
    aliases: Aliases,
    data_version,
    scope: Scope,
    selected: int | None = None,
) -> go.Figure:
    diag = cache.diagnosed(period_key, as_of, benchmark, data_version, scope)
    return _hidden(diagnosis_charts.quadrant(ranked(diag, rep_ids), selected), aliases)


def _aliases() -> Aliases:
    """This run's privacy aliases as a small, hashable key."""
    share = sharing.current()
    return tuple(sorted(share.names.items())) if share and share.names else ()


def _hidden(fig: go.Figure, aliases: Aliases) -> go.Figure:
    return anonymise.figure(fig, dict(aliases)) if aliases else fig
