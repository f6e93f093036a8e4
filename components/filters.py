"""The shared filter bar: period, as-of, team, manager, rep — all in the URL.

Each widget is bound to a query parameter (`bind="query-params"`), so a copied
link opens the same view. A URL value that does not exist is named in a notice
and replaced by the default, never a traceback.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from breakthrough.access import OPEN, Scope, narrow
from breakthrough.metrics import drivers, periods
from breakthrough.metrics.view import (
    ALL_MANAGERS,
    ALL_REPS,
    ALL_TEAMS,
    View,
    effective_as_of,
    managers_in_scope,
    reps_in_scope,
    reps_now,
)
from breakthrough.sharing import anonymise
from components import cache
from components.widgets.text import plain

KINDS = {"Month": "month", "Quarter": "quarter", "Year": "year"}
BENCHMARKS = {"Top quartile": "top quartile", "Median": "median"}
ALL_DRIVERS = "All drivers"
PRIVATE_REP_LIST = (
    "Privacy mode keeps the rep list closed: it would name everyone. Choose a rep before "
    "switching privacy mode on (they keep their name), or switch it off to choose another."
)


def filter_bar(viewer: Scope = OPEN) -> View:
    """Draw the filters in the sidebar; return the resolved view (also kept for the page).

    The team, manager and rep pickers offer only what `viewer` sees (`access.people.visible_people`), and a
    link's `team`, `manager` or `rep` outside it opens the viewer's own scope with a notice (`access.narrow`).
    """
    version = cache.version()
    cfg = cache.settings(version)
    people = cache.people(version, viewer)  # `access.people.visible_people`
    first, last = cache.data_span(version)
    default_as_of = periods.as_of_date(last, dt.date.today())
    notices: list[str] = []
    asked = {k: st.query_params.get(k) for k in ("team", "manager", "rep")}
    applied, outside = narrow(viewer, **asked)
    quiet = {k for k in asked if asked[k] is not None and applied[k] is None}  # said once, by `outside`
    if outside:
        notices.append(outside)
    team_names = sorted(people.loc[people["role"] == "rep", "team"].dropna().unique())
    with st.sidebar:
        st.header("View")
        as_of = _as_of_input(default_as_of, first, notices)
        period = _period_input(first or as_of, max(last or as_of, as_of), as_of, cfg.fiscal_year_start_month, notices)
        seen = effective_as_of(as_of, period)
        team = _choice("team", "Team", ALL_TEAMS, team_names, "a team", notices, quiet="team" in quiet)
        manager = _choice(
            "manager",
            "Manager",
            ALL_MANAGERS,
            managers_in_scope(people, team, period.start, seen),
            "a manager in this team",
            notices,
            quiet="manager" in quiet,
        )
        scope = reps_in_scope(people, team, manager, period.start, seen)  # the period's figures: leavers too
        rep_slot = st.container()  # drawn here, filled once privacy mode is known
        driver = _choice("driver", "Driver", ALL_DRIVERS, [d.label for d in drivers.TABLE], "a driver", notices)
        benchmark = _benchmark_input(notices)
        present, anon = _share_modes()
        with rep_slot:
            rep = _choice(
                "rep",
                "Rep",
                ALL_REPS,
                _rep_names(scope, reps_now(people, team, manager, seen), anon),
                "a rep in this view",
                notices,
                locked=PRIVATE_REP_LIST if anon else None,
                quiet="rep" in quiet,
            )
    for text in notices:
        st.warning(text, icon=":material/link:")
    rep_ids = scope[scope["name"] == rep].index if rep else []
    view = View(
        period=period,
        as_of=seen,
        team=team,
        manager=manager,
        rep=rep,
        rep_ids=tuple(int(i) for i in scope.index),
        rep_id=int(rep_ids[0]) if len(rep_ids) else None,
        benchmark=benchmark,
        driver=drivers.key_of(driver),
        present=present,
        anon=anon,
        everyone=viewer.teams_in_words(),
    )
    return view


def _rep_names(scope, now, anon: bool = False) -> list[str]:
    """The rep picker's names: the reps still here on the as-of date, and a leaver of the period only once
    chosen (from their row on the Overview, or a link), so their page opens for the periods they worked.
    In privacy mode only the chosen rep (`anonymise.picker_names`): the options travel to the browser."""
    names = sorted(now["name"])
    chosen = st.session_state.get("rep") or st.query_params.get("rep")
    if chosen not in names and chosen in set(scope["name"]):
        names.append(chosen)
    return anonymise.picker_names(names, chosen) if anon else names


def _share_modes() -> tuple[bool, bool]:
    """Presentation and privacy modes, bound to `present` and `anon` (`=1` works too: components.sharing)."""
    st.subheader("Share")
    present = st.toggle(
        "Presentation mode",
        key="present",
        bind="query-params",
        help="No sidebar, large type: for a projector. Leave it with the button at the top.",
    )
    anon = st.toggle(
        "Privacy mode",
        key="anon",
        bind="query-params",
        help="Other reps shown as Rep A, Rep B…; the selected rep keeps their name; no coaching notes or commitment texts.",
    )
    return present, anon


def _notice(key: str, raw: str, what: str, fallback: str) -> str:
    return f"The link's `{key}` parameter “{plain(raw)}” is not {what}; showing {fallback} instead."


def _choice(
    key: str,
    label: str,
    everyone: str,
    names: list[str],
    what: str,
    notices: list[str],
    locked: str | None = None,
    quiet: bool = False,
) -> str | None:
    """A bound selectbox of `everyone` and `names`; `locked`: shown but not opened, with that reason as help;
    `quiet`: a URL value outside the options was already said (outside the viewer's scope)."""
    options = [everyone, *names]
    raw = st.query_params.get(key)
    if raw is not None and raw not in options and not quiet:
        notices.append(_notice(key, raw, what, everyone.lower()))
    value = st.selectbox(label, options, key=key, bind="query-params", disabled=locked is not None, help=locked)
    return None if value == everyone else value


def _benchmark_input(notices: list[str]) -> str:
    """What great looks like: the team's top quartile (default) or median, bound to `bench`."""
    raw = st.query_params.get("bench")
    if raw is not None and raw not in BENCHMARKS:
        notices.append(_notice("bench", raw, "Top quartile or Median", "Top quartile"))
    choice = st.radio(
        "Benchmark",
        list(BENCHMARKS),
        key="bench",
        bind="query-params",
        horizontal=True,
        help="What each rep's drivers are compared with: the team's top quartile or its median.",
    )
    return BENCHMARKS.get(choice, "top quartile")


def _as_of_input(default: dt.date, first: dt.date | None, notices: list[str]) -> dt.date:
    """The day figures are worked out for: from the data's first day (or ten years back) to ten years on, as
    Streamlit's own default range; a link's date outside it is replaced with the latest data, and says so."""
    low, high = first or _years_on(default, -10), _years_on(default, 10)
    raw = st.query_params.get("asof")
    fallback = f"the latest data, {default.isoformat()}"
    if raw is not None and not _is_date(raw):
        notices.append(_notice("asof", raw, "a date (write it as YYYY-MM-DD)", fallback))
    elif raw is not None and not low <= dt.date.fromisoformat(raw) <= high:
        notices.append(_notice("asof", raw, f"a day from {low.isoformat()} to {high.isoformat()}", fallback))
    return st.date_input(
        "As of",
        value=default,
        min_value=low,
        max_value=high,
        key="asof",
        bind="query-params",
        format="YYYY-MM-DD",
        help="Figures are worked out as if today were this day.",
    )


def _years_on(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (28 February for 29 February in a year without one)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _is_date(raw: str) -> bool:
    try:
        dt.date.fromisoformat(raw)
    except ValueError:
        return False
    return True


def _period_input(first: dt.date, last: dt.date, as_of: dt.date, fy_start: int, notices: list[str]) -> periods.Period:
    raw_kind = st.query_params.get("kind")
    if raw_kind is not None and raw_kind not in KINDS:
        notices.append(_notice("kind", raw_kind, "Month, Quarter or Year", "Quarter"))
    kind_label = st.segmented_control("Period", list(KINDS), default="Quarter", key="kind", bind="query-params")
    kind = KINDS.get(kind_label or "Quarter", "quarter")
    options = periods.list_periods(first, last, kind, fy_start)
    current_key = periods.period_containing(as_of, kind, fy_start).key
    keys = [p.key for p in options]
    index = keys.index(current_key) if current_key in keys else len(options) - 1
    raw = st.query_params.get("period")
    if raw is not None and raw not in [p.label for p in options]:
        notices.append(_notice("period", raw, "a period with data", options[index].label))
    return st.selectbox(
        "Which",
        options,
        index=index,
        key="period",
        bind="query-params",
        format_func=lambda p: p.label,
        label_visibility="collapsed",
    )
