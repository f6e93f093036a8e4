"""Every rep's required-versus-actual figures for one period and as-of date.

This is the one place the Overview and Rep pages get their numbers from: it
gathers the inputs (`queries`), shrinks each rep's rates towards their team's
(`rates`) and runs the reverse funnel (`funnel`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from breakthrough import funnel, inputs, periods, queries, rates
from breakthrough.periods import Period
from breakthrough.settings import Settings

RATE_NAMES = ("win_rate", "deal_size", "meeting_to_opp", "call_to_meeting")
PACE_DAYS = inputs.PACE_DAYS  # actual pace: the last 4 weeks


@dataclass(frozen=True)
class RepFigures:
    rep_id: int
    name: str
    team: str | None
    manager: str | None
    quota: float
    won: float
    open_pipeline: float
    past_due_pipeline: float
    past_due_count: int
    rates: dict[str, rates.Rate]
    median_cycle_days: float | None
    funnel: funnel.Funnel
    unconverted: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Scorecard:
    period: Period
    as_of: dt.date
    elapsed_share: float
    weeks_left: float
    reps: dict[int, RepFigures] = field(default_factory=dict)
    won_cycles: pd.DataFrame | None = None  # rep_id, days: every won deal of the look-back, as the figures read them

    def totals(self, rep_ids=None) -> dict[str, float | None]:
        """Team totals over `rep_ids` (all reps when None)."""
        chosen = [self.reps[i] for i in (rep_ids if rep_ids is not None else self.reps)]
        quota = sum(r.quota for r in chosen)
        won = sum(r.won for r in chosen)
        attainment = won / quota if quota else None
        pace = attainment / self.elapsed_share if attainment is not None and self.elapsed_share else None
        return {
            "quota": quota,
            "won": won,
            "gap": max(quota - won, 0.0),
            "attainment": attainment,
            "elapsed_share": self.elapsed_share,
            "results_pace": pace,
        }


def build(engine: Engine, settings: Settings, period: Period, as_of: dt.date) -> Scorecard:
    """Figures for every active rep (filtering by team, manager or rep is the caller's)."""
    country = settings.holiday_country
    with engine.connect() as conn:  # one connection for every query
        reps = _Reps(queries.active_reps(conn))
        found = inputs.gather(conn, settings, period, as_of, reps.ids, reps.team_ids)
    card = Scorecard(
        period=period,
        as_of=as_of,
        elapsed_share=periods.elapsed_share(period, as_of, country),
        weeks_left=periods.weeks_left(period, as_of, country),
        won_cycles=found.cycles,
    )
    rep_rates = _rep_rates(found, settings)
    cycles = _cycles(found, settings.shrinkage_k, (period.end - as_of).days)
    funnels = funnel.compute_all(_funnel_inputs(found, rep_rates, cycles, settings, card))
    card.reps.update(_rep_figures(reps, found, rep_rates, cycles["median"], funnels))
    return card


def period_quota(engine: Engine, settings: Settings, period: Period) -> pd.Series:
    """Each person's quota for `period` in the reporting currency.

    A quarter's quota is the sum of its months unless a quarter row is given.
    """
    return inputs.quotas(engine, settings, [period])


# --- rates, cycles and the funnel for every rep at once -------------------------------------------


_RATE_PARTS = {
    "win_rate": ("won_n", ("won_n", "lost_n")),
    "deal_size": ("won_amount", ("won_n",)),
    "meeting_to_opp": ("created_lb", ("meetings_lb",)),
    "call_to_meeting": ("meetings_lb", ("calls_lb",)),
}


def _den(row, parts) -> float:
    return sum(row[p] for p in parts)


def _team_rates(found: inputs.Inputs) -> dict[str, np.ndarray]:
    """Each rep's prior: the pooled rates of their team (reps without a team pooled together),
    falling back to the whole organisation's where a team has no trials."""
    team_of_rep, teams = pd.factorize(found.team_ids, use_na_sentinel=False)
    data = found.data
    sums = {c: np.bincount(team_of_rep, weights=data[c], minlength=len(teams))
            for c in ("won_n", "lost_n", "created_lb", "meetings_lb", "calls_lb")}  # whole numbers: exact sums
    sums["won_amount"] = pd.Series(data["won_amount"]).groupby(team_of_rep).sum().to_numpy()  # as pandas adds money
    pooled = {}
    for name, (num, den) in _RATE_PARTS.items():
        trials = _den(sums, den)
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(trials > 0, sums[num] / trials, _organisation_rate(data, num, den) if (trials <= 0).any()
                            else np.nan)  # fmt: skip
        pooled[name] = rate[team_of_rep]
    return pooled


def _organisation_rate(data: dict[str, np.ndarray], num: str, den: tuple[str, ...]) -> float:
    """The whole organisation's pooled rate (NaN without trials), for teams without trials of their own."""
    rate = rates.team_rate(np.sum(data[num]), _den({p: np.sum(data[p]) for p in den}, den))
    return np.nan if rate is None else rate


def _rep_rates(found: inputs.Inputs, settings: Settings) -> dict[str, list[rates.Rate]]:
    """Every rep's shrunk rates, pulled towards their team's pooled rates."""
    data, prior = found.data, _team_rates(found)
    k, low = settings.shrinkage_k, settings.low_confidence_trials
    return {name: rates.shrunk_all(data[num], _den(data, den), prior[name], k, low)
            for name, (num, den) in _RATE_PARTS.items()}  # fmt: skip


def _cycles(found: inputs.Inputs, k: float, days_left: int) -> dict[str, np.ndarray]:
    """Each rep's shrunk median won-deal cycle and closable share `pin`, against their team's cycles."""
    team_of_rep, _ = pd.factorize(found.team_ids, use_na_sentinel=True)  # no team: −1 (no team cycles)
    n_reps, n_teams = len(team_of_rep), int(team_of_rep.max(initial=-1)) + 1
    rep = found.rep_ids.get_indexer(found.cycles["rep_id"])  # −1: not an active rep
    days = found.cycles["days"].to_numpy(dtype=float)[rep >= 0]
    rep = rep[rep >= 0]
    team, fits = team_of_rep[rep], days <= days_left
    in_team = team >= 0
    rep_n, rep_short = np.bincount(rep, minlength=n_reps), np.bincount(rep[fits], minlength=n_reps)
    team_n = _per_rep(np.bincount(team[in_team], minlength=n_teams), team_of_rep, 0)
    team_short = _per_rep(np.bincount(team[in_team & fits], minlength=n_teams), team_of_rep, 0)
    team_median = _per_rep(rates.group_medians(team[in_team], days[in_team], n_teams), team_of_rep, np.nan)
    own_median = rates.group_medians(rep, days, n_reps)
    return {
        "median": rates.shrunk_median_cycle_all(own_median, team_median, rep_n, k),
        "closable": rates.closable_share_all(rep_short, rep_n, team_short, team_n, days_left > 0, k),
    }


def _per_rep(per_team: np.ndarray, team_of_rep: np.ndarray, missing) -> np.ndarray:
    """Each rep's team's value (`missing` for a rep without a team)."""
    return np.append(per_team, missing)[np.where(team_of_rep >= 0, team_of_rep, len(per_team))]


def _funnel_inputs(found: inputs.Inputs, rep_rates: dict, cycles: dict, settings: Settings, card: Scorecard):
    """The reverse funnel's inputs for every rep, as arrays."""
    data = found.data
    value = {name: np.array([r.value or 0.0 for r in rates_], dtype=float) for name, rates_ in rep_rates.items()}
    return funnel.FunnelInputs(
        quota=data["quota"],
        won=data["won"],
        open_pipeline=data["open"],
        win_rate=value["win_rate"],
        deal_size=value["deal_size"],
        meeting_to_opp=value["meeting_to_opp"],
        call_to_meeting=value["call_to_meeting"],
        weeks_left=card.weeks_left,
        calendar_days_left=(card.period.end - card.as_of).days,
        median_cycle_days=cycles["median"],
        closable_share=cycles["closable"],
        next_quota=data["next_quota"],
        calls_pw=data["calls_pace"] / 4,
        meetings_pw=data["meetings_pace"] / 4,
        opps_pw=data["created_pace"] / 4,
        fixed_coverage=settings.fixed_coverage if settings.coverage_policy == "fixed" else None,
        standards={
            "calls": settings.calls_per_week_standard,
            "meetings": settings.meetings_per_week_standard,
            "opportunities": settings.opportunities_per_week_standard,
        },
        on_track=settings.on_track_threshold,
        at_risk=settings.at_risk_threshold,
    )


class _Reps:
    """The active reps' columns, from `queries.active_reps` rows (missing team or manager names as NaN,
    as the people table in pandas gives them)."""

    def __init__(self, rows: list) -> None:
        columns = dict(zip(queries.PEOPLE_COLUMNS, zip(*rows))) if rows else {}
        self.ids = list(columns.get("id", ()))
        self.team_ids = [np.nan if t is None else t for t in columns.get("team_id", ())]
        self.names = list(columns.get("name", ()))
        self.teams = [np.nan if t is None else t for t in columns.get("team", ())]
        self.managers = [np.nan if m is None else m for m in columns.get("manager", ())]


def _rep_figures(reps: _Reps, found: inputs.Inputs, rep_rates, median_cycle, funnels) -> dict[int, RepFigures]:
    """One `RepFigures` per rep from the arrays worked out for everyone."""
    data = [found.data[name].tolist() for name in ("quota", "won", "open", "past_due")]
    past_due_count = [int(n) for n in found.data["past_due_n"].tolist()]
    rates_ = [dict(zip(rep_rates, values)) for values in zip(*rep_rates.values())]
    medians = [None if m != m else m for m in median_cycle.tolist()]
    missing = found.unconverted
    return {i: RepFigures(i, name, team, manager, *money, due, rr, median, f,
                          frozenset(missing[i]) if i in missing else NONE)
            for i, name, team, manager, *money, due, rr, median, f in zip(
                reps.ids, reps.names, reps.teams, reps.managers, *data, past_due_count, rates_, medians, funnels)}


NONE = frozenset()


STAGE_LABELS = {"calls": "Calls", "meetings": "Meetings", "opportunities": "New opps"}


STAGE_COLUMNS = {stage: (f"{label}/wk needed", f"{label}/wk actual", f"{label} pace", f"{label} status")
                 for stage, label in STAGE_LABELS.items()}  # fmt: skip


def overview_rows(card: Scorecard, rep_ids) -> pd.DataFrame:
    """One row per rep: quota, won, weekly pace needed vs actual per stage, coverage, statuses.

    Infinite figures stay infinite (a pace with nothing needed, coverage when
    the quota is met, a need no pace can reach); the status column says what they mean.
    """
    reps = [card.reps[i] for i in rep_ids if i in card.reps]
    if not reps:
        return pd.DataFrame()
    funnels = [r.funnel for r in reps]
    columns = {
        "rep_id": [r.rep_id for r in reps],
        "Rep": [r.name for r in reps],
        "Team": [r.team for r in reps],
        "Manager": [r.manager for r in reps],
        "Quota": [r.quota for r in reps],
        "Won": [r.won for r in reps],
        "Attainment": [f.attainment for f in funnels],
        "Gap": [f.gap for f in funnels],
    }
    for stage, names in STAGE_COLUMNS.items():
        reqs = [f.stages[stage] for f in funnels]
        for name, field_ in zip(names, ("required_pw", "actual_pw", "pace_ratio", "status")):
            columns[name] = [getattr(q, field_) for q in reqs]
    columns["Coverage"] = [f.coverage for f in funnels]
    columns["Coverage needed"] = [f.coverage_ratio for f in funnels]
    columns["Coverage status"] = ["quota met" if f.gap == 0 else f.coverage_status for f in funnels]
    columns["Past-due pipeline"] = [r.past_due_pipeline for r in reps]
    return pd.DataFrame(columns)
