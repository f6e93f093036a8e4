"""Is each new hire ramping like the good ones did? (docs/metrics.md#ramp)

- **Tenure month**: month 1 is the calendar month of the hire date, month 2 the next, and so on; only
  months that are over by the as-of date count, and only while the rep was here.
- **Figures per tenure month** (from `history`, kind "month"): attainment = won ÷ the month's quota
  (prorated to the working days employed, so a part month is judged on its own share); won, calls, meetings
  held, new opportunities and the pipeline created (the amount of the deals created that month, in the
  reporting currency) *per full month*: the month's count ÷ the share of its working days employed (a rep
  hired on the 16th with 8 calls in the 11 of 22 working days left counts 16).
- **The cohort**: reps hired in or after the data's first month (only they have a month 1 in the data).
  At each tenure month: how many of them have a figure (`n`), their median, and their top quartile (the 75th
  percentile, numpy's linear rule as the benchmarks use) — what great looked like. A point made by fewer than
  3 reps is hidden (NaN), its `n` still said.
- **Status of a new hire** (hired no more than 12 months before the as-of month): at their latest tenure
  month where the cohort's point is shown, attainment (won where they have no quota) is *ahead of the
  cohort* at or above the top quartile, *behind the cohort* below the at-risk threshold (Settings, 80 %) of
  the median, and *with the cohort* between; beside it, the activity (calls, meetings, new opportunities)
  furthest behind the top quartile's level at that month, as a share of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from breakthrough.access import Scope
from breakthrough.formatting import money, number, percent
from breakthrough.settings import Settings
from breakthrough.store import queries
from breakthrough.talent import history

NEW_HIRE_MONTHS = 12
MIN_REPS = 3  # a cohort point made by fewer reps is hidden
TOP_QUARTILE = 0.75
ACTIVITIES = {"calls": "calls", "meetings": "meetings", "opportunities": "new opportunities"}
CURVE_FIGURES = ("attainment", "won", "calls", "meetings", "opportunities", "pipeline")
MONTH_COLUMNS = ["rep_id", "name", "team", "tenure_month", "month", "cohort", "quota", "won", "attainment", "calls",
                 "meetings", "opportunities", "pipeline", "share"]  # fmt: skip
CURVE_COLUMNS = ["figure", "tenure_month", "n", "median", "top_quartile"]
STATUS_WORDS = {"ahead": "ahead of the cohort", "with": "with the cohort", "behind": "behind the cohort"}


@dataclass(frozen=True)
class RepRamp:
    """A new hire's place against the cohort."""

    rep_id: int
    name: str
    tenure_month: int | None  # the month compared (None: no month with a cohort point yet)
    status: str | None  # "ahead" | "with" | "behind" | None
    figure: str | None  # "attainment" or "won"
    value: float | None
    median: float | None
    top_quartile: float | None
    lagging: str | None  # the activity furthest behind the top quartile (None: none behind, or unknown)
    lagging_share: float | None  # its value ÷ the top quartile's
    text: str


@dataclass(frozen=True)
class Ramp:
    as_of: dt.date
    months: pd.DataFrame  # MONTH_COLUMNS: one row per rep and tenure month
    curve: pd.DataFrame  # CURVE_COLUMNS: the cohort at each tenure month, per figure
    new_hires: dict[int, RepRamp] = field(default_factory=dict)
    cohort: int = 0  # reps hired inside the data

    def curve_of(self, figure: str) -> pd.DataFrame:
        return self.curve[self.curve["figure"] == figure]

    def rep_months(self, rep_id: int) -> pd.DataFrame:
        return self.months[self.months["rep_id"] == rep_id]


def build(engine: queries.Bind, settings: Settings, as_of: dt.date) -> Ramp:
    """Everyone's ramp (the cohort needs every hire): keep it to a viewer with `for_scope`."""
    return from_history(history.build(engine, settings, "month", as_of), settings)


def from_history(found: history.History, settings: Settings) -> Ramp:
    months = _months(found)
    curve = _curve(months)
    points = _points(curve)
    as_of_month = _month_index(found.as_of)
    new = {
        rep_id: name
        for rep_id, name, hire, end in zip(found.rep_ids, found.names, found.hire, found.end)
        if hire is not None
        and not (end is not None and end < found.as_of)  # left
        and as_of_month - _month_index(hire) + 1 <= NEW_HIRE_MONTHS
        and hire <= found.as_of
    }
    theirs = months[months["rep_id"].isin(list(new))].sort_values("tenure_month", ascending=False, kind="stable")
    by_rep: dict[int, list[dict]] = {}
    for row in theirs.to_dict("records"):  # the new hires' rows only, latest month first, in one pass
        by_rep.setdefault(int(row["rep_id"]), []).append(row)
    hires = {r: _status(r, name, by_rep.get(r, []), points, settings) for r, name in new.items()}
    return Ramp(found.as_of, months, curve, hires, int(months.loc[months["cohort"], "rep_id"].nunique()))


def for_scope(ramp: Ramp, scope: Scope) -> Ramp:
    """The rows and statuses of the reps inside `scope`; the cohort curve stays everyone's (pooled, no names,
    no point of fewer than 3 reps)."""
    if scope.sees_everyone:
        return ramp
    months = ramp.months[ramp.months["rep_id"].isin(list(scope.rep_ids or ()))]
    hires = {i: r for i, r in ramp.new_hires.items() if scope.sees_rep(i)}
    return Ramp(ramp.as_of, months, ramp.curve, hires, ramp.cohort)


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _months(found: history.History) -> pd.DataFrame:
    """One row per rep and tenure month, every rep and month at once (numpy)."""
    if not found.periods or not found.rep_ids:
        return pd.DataFrame([], columns=MONTH_COLUMNS)
    hired = np.array([-(10**6) if h is None else _month_index(h) for h in found.hire])
    month = np.array([_month_index(p.start) for p in found.periods])
    tenure_month = month[None, :] - hired[:, None] + 1
    over = np.array([p.end <= found.as_of for p in found.periods])
    known = np.array([h is not None for h in found.hire])
    keep = known[:, None] & over[None, :] & found.present & (found.share > 0) & (tenure_month >= 1)
    rep, col = np.nonzero(keep)
    share = found.share[rep, col]
    first = _month_index(found.periods[0].start)
    cohort = hired >= first
    columns = {
        "rep_id": np.array(found.rep_ids, dtype=np.int64)[rep],
        "name": np.array(found.names, dtype=object)[rep],
        "team": np.array(found.teams, dtype=object)[rep],
        "tenure_month": tenure_month[rep, col],
        "month": np.array([p.label for p in found.periods], dtype=object)[col],
        "cohort": cohort[rep],
        "quota": found.figures["quota"][rep, col],
        **{
            name: found.figures[name][rep, col] / share
            for name in ("won", "calls", "meetings", "opportunities", "pipeline")
        },
        "attainment": found.attainment[rep, col],
        "share": share,
    }
    return pd.DataFrame(columns, columns=MONTH_COLUMNS)


def _curve(months: pd.DataFrame) -> pd.DataFrame:
    """Each figure's cohort median and top quartile at each tenure month (hidden below `MIN_REPS` reps)."""
    cohort = months["cohort"].to_numpy(dtype=bool)
    if not cohort.any():
        return pd.DataFrame([], columns=CURVE_COLUMNS)
    tenure = months["tenure_month"].to_numpy()[cohort]
    order = np.argsort(tenure, kind="stable")
    every, starts = np.unique(tenure[order], return_index=True)
    ends = np.r_[starts[1:], len(order)]
    rows = []
    for figure in CURVE_FIGURES:
        values = months[figure].to_numpy(dtype=float)[cohort][order]
        for t, a, b in zip(every.tolist(), starts.tolist(), ends.tolist()):
            found = values[a:b][np.isfinite(values[a:b])]
            shown = len(found) >= MIN_REPS
            rows.append((figure, t, len(found), float(np.median(found)) if shown else np.nan,
                         float(np.quantile(found, TOP_QUARTILE)) if shown else np.nan))  # fmt: skip
    return pd.DataFrame(rows, columns=CURVE_COLUMNS)


def _points(curve: pd.DataFrame) -> dict[tuple[str, int], tuple[int, float, float]]:
    """(figure, tenure month) → (n, median, top quartile), for looking points up one by one."""
    columns = (curve[c].tolist() for c in CURVE_COLUMNS)
    return {(f, int(t)): (int(k), float(md), float(tq)) for f, t, k, md, tq in zip(*columns)}


def _status(rep_id: int, name: str, mine: list[dict], points: dict, settings: Settings) -> RepRamp:
    """`mine`: the rep's rows, latest tenure month first."""
    if not mine:
        return RepRamp(rep_id, name, None, None, None, None, None, None, None, None,
                       "no full month here yet")  # fmt: skip
    latest = int(mine[0]["tenure_month"])
    for row in mine:
        t = int(row["tenure_month"])
        figure = "attainment" if np.isfinite(row["attainment"]) else "won"
        n, median, top = points.get((figure, t), (0, np.nan, np.nan))
        if n < MIN_REPS:
            continue
        value = float(row[figure])
        if value >= top:
            status = "ahead"
        elif value < settings.at_risk_threshold * median:
            status = "behind"
        else:
            status = "with"
        lagging, share, words = _lagging(row, points, t)
        shown = percent(value) if figure == "attainment" else money(value, settings.reporting_currency)
        text = f"month {t}: {STATUS_WORDS[status]} ({figure} {shown}; cohort median " + (
            f"{percent(median)}, top quartile {percent(top)}" if figure == "attainment"
            else f"{money(median, settings.reporting_currency)}, top quartile {money(top, settings.reporting_currency)}"
        ) + f", {n} reps)" + (f"; {words}" if words else "")  # fmt: skip
        return RepRamp(rep_id, name, t, status, figure, value, median, top, lagging, share, text)
    return RepRamp(rep_id, name, None, None, None, None, None, None, None, None,
                   f"month {latest}: too few reps hired inside the data reached month {latest} to compare "
                   f"(fewer than {MIN_REPS})")  # fmt: skip


def _lagging(row, points: dict, t: int) -> tuple[str | None, float | None, str]:
    """The activity furthest behind the top quartile's level at tenure month `t`, as a share of it."""
    found = []
    for figure in ACTIVITIES:
        n, _, top = points.get((figure, t), (0, np.nan, np.nan))
        if n >= MIN_REPS and top > 0:
            found.append((float(row[figure]) / top, figure, float(row[figure]), top))
    if not found:
        return None, None, ""
    share, figure, value, top = min(found)
    if share >= 1:
        return None, None, f"every activity at or above the top quartile's month-{t} level"
    return figure, share, (f"{ACTIVITIES[figure]} furthest behind: {number(value)} against the top quartile's "
                           f"{number(top)} in month {t} ({percent(share)} of it)")  # fmt: skip
