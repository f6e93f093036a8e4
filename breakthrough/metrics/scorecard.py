"""Every rep's required-versus-actual figures for one period and as-of date.

This is the one place the Overview and Rep pages get their numbers from: it
gathers the inputs (`queries`), shrinks each rep's rates towards their team's
(`rates`) and runs the reverse funnel (`funnel`). Everything is worked out for all
reps at once on arrays; the per-rep figures are named tuples made from them, and the
card keeps the arrays (`Columns`) for the diagnosis.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from breakthrough.metrics import funnel, inputs, money, periods, rates
from breakthrough.metrics.periods import Period
from breakthrough.settings import Settings
from breakthrough.store import queries

RATE_NAMES = ("win_rate", "deal_size", "meeting_to_opp", "call_to_meeting")
PACE_DAYS = inputs.PACE_DAYS  # actual pace: the last 4 weeks


class RepFigures(NamedTuple):
    """One rep's figures for the period. A named tuple, as `funnel.Funnel` and `rates.Rate` are: one per
    rep on every cold run, made several times faster than a frozen dataclass."""

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
    won_count: int = 0  # deals won in the period up to the as-of date (the deals `won` adds up)
    lost_count: int = 0  # deals lost in the same days
    calls: int = 0  # calls in the period up to the as-of date
    meetings: int = 0  # meetings held in the same days


Runs = rates.Runs  # (inside `Columns` its field `rates` hides the module)


@dataclass(frozen=True)
class Columns:
    """The arrays the figures were worked out from, one entry per rep in `Scorecard.reps` order: the
    diagnosis reads them instead of walking the per-rep objects again."""

    inputs: funnel.FunnelInputs  # the reverse funnel's inputs
    rates: dict[str, np.ndarray]  # each shrunk rate's value (NaN: none)
    coverage: np.ndarray  # each funnel's coverage
    cycles: Runs  # each rep's won-deal cycles of the look-back (`Scorecard.won_cycles`), sorted
    cycles_short: np.ndarray  # how many of each rep's cycles fit in the days left


@dataclass(frozen=True)
class Scorecard:
    period: Period
    as_of: dt.date
    elapsed_share: float
    weeks_left: float
    reps: dict[int, RepFigures] = field(default_factory=dict)
    won_cycles: pd.DataFrame | None = None  # rep_id, days: every won deal of the look-back, as the figures read them
    columns: Columns | None = field(default=None, repr=False, compare=False)  # None: a card made by hand

    def totals(self, rep_ids=None) -> dict[str, float | None]:
        """Team totals over `rep_ids` (all reps when None)."""
        chosen = [self.reps[i] for i in (rep_ids if rep_ids is not None else self.reps)]
        quota = sum(r.quota for r in chosen)
        won = sum(r.won for r in chosen)
        attainment = won / quota if quota else None
        pace = results_pace(attainment, self.elapsed_share)
        return {
            "quota": quota,
            "won": won,
            "gap": max(quota - won, 0.0),
            "attainment": attainment,
            "elapsed_share": self.elapsed_share,
            "results_pace": pace,
        }


def results_pace(attainment: float | None, elapsed_share: float) -> float | None:
    """Attainment to date ÷ share of the period elapsed (None without a quota or before the period starts)."""
    if attainment is None or elapsed_share <= 0:
        return None
    return attainment / elapsed_share


NO_QUOTA, NOT_STARTED = "no quota", "not started"
QUOTA_MET = funnel.QUOTA_MET


def rep_status(rep: RepFigures, elapsed_share: float, settings: Settings) -> str:
    """Won to date against the share of the period gone: on track / at risk / behind (the Settings
    thresholds), or `quota met`, `no quota`, `not started` (the period has not begun)."""
    if not rep.quota:
        return NO_QUOTA
    if rep.won >= rep.quota:
        return QUOTA_MET
    pace = results_pace(rep.funnel.attainment, elapsed_share)
    return funnel.status(pace, settings.on_track_threshold, settings.at_risk_threshold) or NOT_STARTED


def build(engine: Engine, settings: Settings, period: Period, as_of: dt.date) -> Scorecard:
    """Figures for every rep in the period's figures: who worked here during some part of it up to the as-of
    date (`tenure.present`), leavers with their prorated quota (filtering by team, manager or rep is the caller's)."""
    return _build(engine, settings, period, as_of)


def _build(engine: Engine, settings: Settings, period: Period, as_of: dt.date) -> Scorecard:
    with engine.connect() as conn:  # one connection for every query
        reps = _Reps(queries.period_reps(conn, period.start, max(as_of, period.start)))
        found = inputs.gather(conn, settings, period, as_of, reps.ids)
        conn.commit()  # PostgreSQL: psycopg forgets its prepared statements on a rollback, not on a commit
    weeks_left, shrunk, cycles, funnel_inputs = _arrays(found, reps, settings, period, as_of)
    funnels = funnel.compute_all(funnel_inputs)
    low = settings.low_confidence_trials
    rep_rates = {name: rates.many(v, raw, n, trials, trials < low) for name, (v, raw, n, trials) in shrunk.items()}
    columns = Columns(
        funnel_inputs,
        {name: values[0] for name, values in shrunk.items()},
        np.array([f.coverage for f in funnels], dtype=float),
        cycles["own"],
        cycles["short"],
    )
    elapsed = periods.elapsed_share(period, as_of, settings.holiday_country)
    return Scorecard(
        period=period,
        as_of=as_of,
        elapsed_share=elapsed,
        weeks_left=weeks_left,
        reps=_rep_figures(reps, found, rep_rates, cycles["median"], funnels),
        won_cycles=found.cycles,
        columns=columns,
    )


def _arrays(found: inputs.Inputs, reps: _Reps, settings: Settings, period: Period, as_of: dt.date) -> tuple:
    """(weeks left, shrunk rates, cycles, the reverse funnel's inputs): what every figure is worked out from."""
    weeks_left = periods.weeks_left(period, as_of, settings.holiday_country)
    shrunk = _shrunk_rates(found, reps, settings)
    cycles = _cycles(found, reps, settings.shrinkage_k, (period.end - as_of).days)
    funnel_inputs = _funnel_inputs(found, shrunk, cycles, settings, weeks_left, (period.end - as_of).days)
    return weeks_left, shrunk, cycles, funnel_inputs


@dataclass(frozen=True)
class CardColumns:
    """A scorecard's arrays without its per-rep figures (`columns_many`): enough for `focus.focus_of_columns`."""

    period: Period
    as_of: dt.date
    rep_ids: list[int]
    teams: list  # each rep's team name (NaN: none), as `RepFigures.team`
    columns: Columns


def columns_many(
    engine: Engine, settings: Settings, dates: list[tuple[Period, dt.date]], quotas: inputs.QuotaChain | None = None
) -> list[CardColumns]:
    """The arrays `build` would work out for each (period, as-of date), every one the same, from one read of each
    kind for all of them (`inputs.gather_many`; the quotas from `quotas` when it holds them) and without the
    per-rep figures."""
    if not dates:
        return []
    with engine.connect() as conn:  # one connection for every query
        rows = queries.rep_rows(conn)
        chosen = [_Reps(queries.present_rows(rows, p.start, max(as_of, p.start))) for p, as_of in dates]
        asks = [(p, as_of, reps.ids) for (p, as_of), reps in zip(dates, chosen)]
        found = inputs.gather_many(conn, settings, asks, quotas)
        conn.commit()  # PostgreSQL: psycopg forgets its prepared statements on a rollback, not on a commit
    return [_card_columns(settings, period, as_of, reps, mine) for (period, as_of), reps, mine in
            zip(dates, chosen, found)]  # fmt: skip


def _card_columns(settings: Settings, period: Period, as_of: dt.date, reps: _Reps, found) -> CardColumns:
    _, shrunk, cycles, funnel_inputs = _arrays(found, reps, settings, period, as_of)
    coverage = funnel.coverage_all(funnel_inputs)
    rates_ = {name: values[0] for name, values in shrunk.items()}
    return CardColumns(period, as_of, reps.ids, reps.teams,
                       Columns(funnel_inputs, rates_, coverage, cycles["own"], cycles["short"]))  # fmt: skip


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


def _den(row: Mapping[str, Any], parts: tuple[str, ...]) -> Any:  # arrays or numbers, as the row holds
    return sum(row[p] for p in parts)


def _team_rates(found: inputs.Inputs, team_of_rep: np.ndarray) -> dict[str, np.ndarray]:
    """Each rep's prior: the pooled rates of their team (`team_of_rep`: teams numbered 0, 1… in order of
    first appearance, reps without a team pooled together), falling back to the whole organisation's
    where a team has no trials."""
    data, n_teams = found.data, int(team_of_rep.max(initial=-1)) + 1
    sums = {
        c: np.bincount(team_of_rep, weights=data[c], minlength=n_teams)
        for c in ("won_n", "lost_n", "created_lb", "meetings_lb", "calls_lb")
    }  # whole numbers: exact sums
    sums["won_amount"] = money.group_sums(team_of_rep, data["won_amount"])[1]  # money: amounts without a rate left out
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


def _shrunk_rates(found: inputs.Inputs, reps: _Reps, settings: Settings) -> dict[str, tuple[np.ndarray, ...]]:
    """Every rep's rates pulled towards their team's pooled rates: (value, raw, successes, trials) arrays by
    name (NaN value or raw: none)."""
    data, prior = found.data, _team_rates(found, reps.team_codes(missing_alone=False))
    found_rates: dict[str, tuple[np.ndarray, ...]] = {}
    for name, (num, den) in _RATE_PARTS.items():
        successes, trials = data[num], _den(data, den)
        found_rates[name] = (*rates.shrunk_values(successes, trials, prior[name], settings.shrinkage_k), successes,
                             trials)  # fmt: skip
    return found_rates


def _cycles(found: inputs.Inputs, reps: _Reps, k: float, days_left: int) -> dict:
    """Each rep's shrunk median won-deal cycle and closable share `pin`, against their team's cycles; and the
    reps' own cycles (sorted `rates.Runs`) with how many of them fit in the days left."""
    team_of_rep = reps.team_codes(missing_alone=True)  # no team: −1 (no team cycles)
    n_reps, n_teams = len(team_of_rep), int(team_of_rep.max(initial=-1)) + 1
    rep = found.cycle_reps  # −1: not an active rep
    days = found.cycle_days[rep >= 0]
    rep = rep[rep >= 0]
    team, fits = team_of_rep[rep], days <= days_left
    in_team = team >= 0
    own, rep_short = rates.runs(rep, days, n_reps), np.bincount(rep[fits], minlength=n_reps)
    team_n = _per_rep(np.bincount(team[in_team], minlength=n_teams), team_of_rep, 0)
    team_short = _per_rep(np.bincount(team[in_team & fits], minlength=n_teams), team_of_rep, 0)
    team_median = _per_rep(rates.group_medians(team[in_team], days[in_team], n_teams), team_of_rep, np.nan)
    return {
        "median": rates.shrunk_median_cycle_all(own.medians(), team_median, own.counts, k),
        "closable": rates.closable_share_all(rep_short, own.counts, team_short, team_n, days_left > 0, k),
        "own": own,
        "short": rep_short,
    }


def _per_rep(per_team: np.ndarray, team_of_rep: np.ndarray, missing) -> np.ndarray:
    """Each rep's team's value (`missing` for a rep without a team)."""
    return np.append(per_team, missing)[np.where(team_of_rep >= 0, team_of_rep, len(per_team))]


def _funnel_inputs(
    found: inputs.Inputs, shrunk: dict, cycles: dict, settings: Settings, weeks_left: float, days_left: int
) -> funnel.FunnelInputs:
    """The reverse funnel's inputs for every rep, as arrays (a rate without a value counts as 0)."""
    data = found.data
    value = {name: np.where(np.isnan(v) | (v == 0), 0.0, v) for name, (v, *_) in shrunk.items()}
    return funnel.FunnelInputs(
        quota=data["quota"],
        won=data["won"],
        open_pipeline=data["open"],
        win_rate=value["win_rate"],
        deal_size=value["deal_size"],
        meeting_to_opp=value["meeting_to_opp"],
        call_to_meeting=value["call_to_meeting"],
        weeks_left=weeks_left,
        calendar_days_left=days_left,
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
    """The period's reps' columns, from `queries.period_reps` rows (missing team or manager names as NaN,
    as the people table in pandas gives them)."""

    def __init__(self, rows: list) -> None:
        columns = dict(zip(queries.PEOPLE_COLUMNS, zip(*rows))) if rows else {}
        self.ids = list(columns.get("id", ()))
        self.names = list(columns.get("name", ()))
        self.teams = [np.nan if t is None else t for t in columns.get("team", ())]
        self.managers = [np.nan if m is None else m for m in columns.get("manager", ())]
        self._team_ids = columns.get("team_id", ())

    def team_codes(self, missing_alone: bool) -> np.ndarray:
        """Each rep's team numbered 0, 1… in order of first appearance (as `pd.factorize` numbers them);
        reps without a team are −1 when `missing_alone`, else one more team of their own."""
        seen: dict = {}
        if missing_alone:
            codes = [-1 if t is None else seen.setdefault(t, len(seen)) for t in self._team_ids]
        else:
            codes = [seen.setdefault(t, len(seen)) for t in self._team_ids]
        return np.array(codes, dtype=np.intp)


def _rep_figures(reps: _Reps, found: inputs.Inputs, rep_rates, median_cycle, funnels) -> dict[int, RepFigures]:
    """One `RepFigures` per rep from the arrays worked out for everyone."""
    data = [found.data[name].tolist() for name in ("quota", "won", "open", "past_due")]
    past_due_count = [int(n) for n in found.data["past_due_n"].tolist()]
    counted = [[int(n) for n in found.data[name].tolist()] for name in ("won_count", "lost_count", "calls", "meetings")]
    rates_ = [dict(zip(rep_rates, values)) for values in zip(*rep_rates.values())]
    medians = [None if m != m else m for m in median_cycle.tolist()]
    missing = found.unconverted
    unconverted = [frozenset(missing[i]) if i in missing else NONE for i in reps.ids]
    columns = (
        reps.ids,
        reps.names,
        reps.teams,
        reps.managers,
        *data,
        past_due_count,
        rates_,
        medians,
        funnels,
        unconverted,
        *counted,
    )  # `RepFigures`' fields in order
    return dict(zip(reps.ids, rates.named_tuples(RepFigures, zip(*columns))))


NONE: frozenset[str] = frozenset()


STAGE_LABELS = {"calls": "Calls", "meetings": "Meetings", "opportunities": "New opps"}


STAGE_COLUMNS = {stage: (f"{label}/wk needed", f"{label}/wk actual", f"{label} pace", f"{label} status")
                 for stage, label in STAGE_LABELS.items()}  # fmt: skip


def overview_rows(card: Scorecard, rep_ids) -> pd.DataFrame:
    """One row per rep: quota, won, weekly pace needed vs actual per stage, coverage, statuses.

    Infinite figures stay infinite (a pace with nothing needed, coverage when
    the quota is met, a need no pace can reach); the status column says what they mean.
    The figures are named tuples, so each kind is turned into columns in one go (`_fields_of`); columns that
    are always numbers go to pandas as float arrays, text as `queries.text_column`s, the rest (attainment:
    None without a quota) are left to pandas' inference.
    """
    reps = [card.reps[i] for i in rep_ids if i in card.reps]
    if not reps:
        return pd.DataFrame()
    rep, funnels = _fields_of(reps), _fields_of([r.funnel for r in reps])
    number = lambda values: np.array(values, dtype=float)  # noqa: E731
    text = queries.text_column
    columns = {
        "rep_id": list(rep["rep_id"]),
        "Rep": text(rep["name"]),
        "Team": text(rep["team"]),
        "Manager": text(rep["manager"]),
        "Quota": number(rep["quota"]),
        "Won": number(rep["won"]),
        "Attainment": list(funnels["attainment"]),
        "Gap": number(funnels["gap"]),
    }
    for stage, names in STAGE_COLUMNS.items():
        need = _fields_of([s[stage] for s in funnels["stages"]])
        for name, field_ in zip(names, ("required_pw", "actual_pw", "pace_ratio")):
            columns[name] = number(need[field_])
        columns[names[3]] = text(need["status"])
    columns["Coverage"] = number(funnels["coverage"])
    columns["Coverage needed"] = number(funnels["coverage_ratio"])
    columns["Coverage status"] = text(
        [funnel.coverage_words(gap, status) for gap, status in zip(funnels["gap"], funnels["coverage_status"])]
    )
    columns["Past-due pipeline"] = number(rep["past_due_pipeline"])
    return pd.DataFrame(columns)


def _fields_of(figures: list) -> dict[str, tuple]:
    """Named tuples of one kind as one tuple of values per field."""
    return dict(zip(type(figures[0])._fields, zip(*figures)))
