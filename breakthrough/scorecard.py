"""Every rep's required-versus-actual figures for one period and as-of date.

This is the one place the Overview and Rep pages get their numbers from: it
gathers the inputs (`queries`), shrinks each rep's rates towards their team's
(`rates`) and runs the reverse funnel (`funnel`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Engine

from breakthrough import funnel, periods, queries, rates
from breakthrough.money import to_reporting
from breakthrough.periods import Period
from breakthrough.settings import Settings

RATE_NAMES = ("win_rate", "deal_size", "meeting_to_opp", "call_to_meeting")
PACE_DAYS = 28  # actual pace: the last 4 weeks


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
    reps = _active_reps(engine)
    inputs = _gather(engine, settings, period, as_of, reps)
    card = Scorecard(
        period=period,
        as_of=as_of,
        elapsed_share=periods.elapsed_share(period, as_of, country),
        weeks_left=periods.weeks_left(period, as_of, country),
    )
    people = reps[["name", "team", "manager"]].to_dict("index")
    for rep_id, row in _rows(inputs["frame"]):
        card.reps[rep_id] = _rep_figures(rep_id, people[rep_id], row, inputs, settings, card, period, as_of)
    return card


def _rows(frame: pd.DataFrame):
    """(rep id, {column: value}) per row, values as `frame.loc[rep_id]` gives them, without pandas per row."""
    columns = {c: frame[c].to_numpy() for c in frame.columns}
    for pos, rep_id in enumerate(frame.index):
        yield rep_id, {c: values[pos] for c, values in columns.items()}


def _active_reps(engine: Engine) -> pd.DataFrame:
    everyone = queries.people(engine)
    return everyone[(everyone["role"] == "rep") & everyone["active"].astype(bool)]


def _gather(engine, settings, period, as_of, reps) -> dict:
    """All per-rep inputs as Series indexed by rep id (missing reps mean zero)."""
    lb_start = as_of - dt.timedelta(days=settings.lookback_days)
    pace_start = as_of - dt.timedelta(days=PACE_DAYS - 1)
    nxt = periods.next_period(period, settings.fiscal_year_start_month)
    won_lb = queries.amounts_by_owner(engine, "won", lb_start, as_of)
    lost_lb = queries.amounts_by_owner(engine, "lost", lb_start, as_of)
    open_now = queries.amounts_by_owner(engine, "open", as_of, period.end)
    past_due = queries.amounts_by_owner(engine, "open", None, as_of - dt.timedelta(days=1))
    won_period = queries.amounts_by_owner(engine, "won", period.start, as_of)
    converted = {name: to_reporting(frame, settings) for name, frame in
                 (("won_amount", won_lb), ("won", won_period), ("open", open_now), ("past_due", past_due))}
    unconverted: dict = {}
    for _, missing in converted.values():
        for rep_id, currencies in missing.items():
            unconverted.setdefault(rep_id, set()).update(currencies)
    data = {
        "team_id": reps["team_id"],
        "quota": period_quota(engine, settings, period),
        "next_quota": period_quota(engine, settings, nxt),
        "won": converted["won"][0],
        "open": converted["open"][0],
        "past_due": converted["past_due"][0],
        "past_due_n": past_due.groupby("rep_id")["n"].sum(),
        "won_n": won_lb.groupby("rep_id")["n"].sum(),
        "lost_n": lost_lb.groupby("rep_id")["n"].sum(),
        "won_amount": converted["won_amount"][0],
        "created_lb": queries.opportunities_created(engine, lb_start, as_of),
        "created_pace": queries.opportunities_created(engine, pace_start, as_of),
    }
    acts_lb = queries.activity_counts(engine, lb_start, as_of)
    acts_pace = queries.activity_counts(engine, pace_start, as_of)
    data |= {"calls_lb": acts_lb["calls"], "meetings_lb": acts_lb["meetings"]}
    data |= {"calls_pace": acts_pace["calls"], "meetings_pace": acts_pace["meetings"]}
    frame = pd.DataFrame(data).reindex(reps.index)
    numeric = frame.columns.drop("team_id")
    frame[numeric] = frame[numeric].astype(float).fillna(0.0)
    cycles = queries.won_cycles(engine, lb_start, as_of)
    team_rates = _team_rates(frame)
    return {
        "frame": frame,
        "cycles": cycles,
        "unconverted": unconverted,
        "team_rates": team_rates,
        "by_rep": cycles.groupby("rep_id", sort=False)["days"].agg(list).to_dict(),
        "teams": _Teams(frame, cycles, team_rates),
    }


class _Teams:
    """Per team, computed once for all its reps: member ids, pooled-rate prior and won-deal cycles."""

    def __init__(self, frame: pd.DataFrame, cycles: pd.DataFrame, team_rates: pd.DataFrame) -> None:
        self.frame, self.cycles, self.team_rates = frame, cycles, team_rates
        self._found: dict = {}

    def get(self, team_id) -> tuple[list[int], pd.Series, list[float]]:
        """(team member ids, the team's prior rates, the team's won-deal cycles) as the per-rep code found them."""
        if team_id not in self._found:
            members = self.frame.index[self.frame["team_id"] == team_id].tolist()
            rates_ = self.team_rates
            prior = rates_.loc[team_id] if team_id in rates_.index else rates_.iloc[0]
            days = self.cycles.loc[self.cycles["rep_id"].isin(members), "days"].tolist()
            self._found[team_id] = (members, prior, days)
        return self._found[team_id]


def period_quota(engine: Engine, settings: Settings, period: Period) -> pd.Series:
    """Each person's quota for `period` in the reporting currency.

    A quarter's quota is the sum of its months unless a quarter row is given.
    """
    rows = queries.quota_rows(engine, period.start, period.end)
    if rows.empty:
        return pd.Series(dtype=float)
    fy = settings.fiscal_year_start_month
    quarters = {d: periods.period_containing(d, "quarter", fy).key for d in set(rows["period_start"])}
    rows["quarter"] = rows["period_start"].map(quarters)  # each distinct start worked out once
    is_quarter = rows["period"] == "quarter"
    quarter_rows = set(zip(rows.loc[is_quarter, "person_id"], rows.loc[is_quarter, "quarter"]))
    overridden = [key in quarter_rows for key in zip(rows["person_id"], rows["quarter"])]
    keep = rows[is_quarter | ~pd.Series(overridden, index=rows.index, dtype=bool)]
    return to_reporting(keep, settings, key="person_id")[0]


def _team_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Pooled rates per team, falling back to the whole organisation's."""
    cols = ["won_n", "lost_n", "won_amount", "created_lb", "meetings_lb", "calls_lb"]
    org = frame[cols].sum()
    teams = frame.groupby("team_id", dropna=False)[cols].sum()
    pooled = pd.DataFrame(index=teams.index)
    for name, (num, den) in _RATE_PARTS.items():
        fallback = rates.team_rate(org[num], _den(org, den))
        pooled[name] = [rates.team_rate(t[num], _den(t, den), fallback) for _, t in teams.iterrows()]
    return pooled


_RATE_PARTS = {
    "win_rate": ("won_n", ("won_n", "lost_n")),
    "deal_size": ("won_amount", ("won_n",)),
    "meeting_to_opp": ("created_lb", ("meetings_lb",)),
    "call_to_meeting": ("meetings_lb", ("calls_lb",)),
}


def _den(row, parts) -> float:
    return float(sum(row[p] for p in parts))


def _rep_rates(row, prior, settings) -> dict[str, rates.Rate]:
    """The rep's shrunk rates, pulled towards `prior` (the team's pooled rates)."""
    k, low = settings.shrinkage_k, settings.low_confidence_trials
    return {
        name: rates.shrunk(row[num], _den(row, den), prior[name], k, low)
        for name, (num, den) in _RATE_PARTS.items()
    }


def _rep_figures(rep_id, person, row, inputs, settings, card, period, as_of) -> RepFigures:
    _, prior, team_cycles = inputs["teams"].get(row["team_id"])
    rep_rates = _rep_rates(row, prior, settings)
    rep_cycles = inputs["by_rep"].get(rep_id, [])
    days_left = (period.end - as_of).days
    k = settings.shrinkage_k
    median_cycle = rates.shrunk_median_cycle(rep_cycles, team_cycles, k)
    fin = funnel.FunnelInputs(
        quota=row["quota"],
        won=row["won"],
        open_pipeline=row["open"],
        win_rate=rep_rates["win_rate"].value or 0.0,
        deal_size=rep_rates["deal_size"].value or 0.0,
        meeting_to_opp=rep_rates["meeting_to_opp"].value or 0.0,
        call_to_meeting=rep_rates["call_to_meeting"].value or 0.0,
        weeks_left=card.weeks_left,
        calendar_days_left=days_left,
        median_cycle_days=median_cycle,
        closable_share=rates.closable_share(rep_cycles, team_cycles, days_left, k),
        next_quota=row["next_quota"],
        calls_pw=row["calls_pace"] / 4,
        meetings_pw=row["meetings_pace"] / 4,
        opps_pw=row["created_pace"] / 4,
        fixed_coverage=settings.fixed_coverage if settings.coverage_policy == "fixed" else None,
        standards={
            "calls": settings.calls_per_week_standard,
            "meetings": settings.meetings_per_week_standard,
            "opportunities": settings.opportunities_per_week_standard,
        },
        on_track=settings.on_track_threshold,
        at_risk=settings.at_risk_threshold,
    )
    return RepFigures(
        rep_id=int(rep_id),
        name=person["name"],
        team=person["team"],
        manager=person["manager"],
        quota=row["quota"],
        won=row["won"],
        open_pipeline=row["open"],
        past_due_pipeline=row["past_due"],
        past_due_count=int(row["past_due_n"]),
        rates=rep_rates,
        median_cycle_days=median_cycle,
        funnel=funnel.compute(fin),
        unconverted=frozenset(inputs["unconverted"].get(rep_id, set())),
    )


STAGE_LABELS = {"calls": "Calls", "meetings": "Meetings", "opportunities": "New opps"}


def overview_rows(card: Scorecard, rep_ids) -> pd.DataFrame:
    """One row per rep: quota, won, weekly pace needed vs actual per stage, coverage, statuses.

    Infinite figures stay infinite (a pace with nothing needed, coverage when
    the quota is met, a need no pace can reach); the status column says what they mean.
    """
    return pd.DataFrame([_overview_row(card.reps[i]) for i in rep_ids if i in card.reps])


def _overview_row(rep: RepFigures) -> dict:
    f = rep.funnel
    row = {
        "rep_id": rep.rep_id,
        "Rep": rep.name,
        "Team": rep.team,
        "Manager": rep.manager,
        "Quota": rep.quota,
        "Won": rep.won,
        "Attainment": f.attainment,
        "Gap": f.gap,
    }
    for stage, label in STAGE_LABELS.items():
        req = f.stages[stage]
        row[f"{label}/wk needed"] = req.required_pw
        row[f"{label}/wk actual"] = req.actual_pw
        row[f"{label} pace"] = req.pace_ratio
        row[f"{label} status"] = req.status
    row["Coverage"] = f.coverage
    row["Coverage needed"] = f.coverage_ratio
    row["Coverage status"] = "quota met" if f.gap == 0 else f.coverage_status
    row["Past-due pipeline"] = rep.past_due_pipeline
    return row
