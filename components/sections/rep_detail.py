"""Tables behind the Rep page, built from one rep's `RepFigures`."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from breakthrough.formatting import number
from breakthrough.metrics import drivers, scorecard
from breakthrough.metrics.scorecard import RepFigures

STAGES = {"opportunities": "New opportunities", "meetings": "Meetings held", "calls": "Calls"}
RATES = {key: drivers.label(key) for key in drivers.KEYS if key in scorecard.RATE_NAMES}  # the funnel's rates
LEVERS = {key: drivers.label(key) for key in drivers.LEVERS}


def funnel_rows(rep: RepFigures) -> pd.DataFrame:
    """The reverse funnel, top to bottom of the sales process (calls first)."""
    rows = []
    for key in ("calls", "meetings", "opportunities"):
        req = rep.funnel.stages[key]
        rows.append(
            {
                "Stage": STAGES[key],
                "Needed for rest of period": req.required_total,
                "Needed per week (from your rates)": req.derived_pw,
                "Standard per week": req.standard_pw,
                "Needed per week": req.required_pw,
                "Actual per week": req.actual_pw,
                "Pace": req.pace_ratio,
                "Status": req.status,
            }
        )
    frame = pd.DataFrame(rows)
    frame["Needed text"] = frame["Needed per week"].map(lambda v: number(v, 1))
    frame["Actual text"] = frame["Actual per week"].map(lambda v: number(v, 1))
    return frame


def rate_rows(rep: RepFigures) -> pd.DataFrame:
    """Each conversion rate: the rep's own, the shrunk value used, its sample size and confidence."""
    rows = []
    for key, label in RATES.items():
        rate = rep.rates[key]
        rows.append(
            {
                "Rate": label,
                "Used in the funnel": rate.value,
                "Rep's own": rate.raw,
                "Sample size": int(rate.trials),
                "Confidence": "low (fewer than 5)" if rate.low_confidence else "ok",
            }
        )
    return pd.DataFrame(rows)


def lever_rows(rep: RepFigures) -> pd.DataFrame:
    """What a 10 % improvement in each driver would cut from the projected gap, biggest first."""
    rows = [{"Driver (10 % better)": LEVERS[k], "Cuts projected gap by": v} for k, v in rep.funnel.levers.items()]
    return pd.DataFrame(rows).sort_values("Cuts projected gap by", ascending=False, ignore_index=True)


def weekly(daily: pd.DataFrame, as_of: dt.date, weeks: int = 13) -> pd.DataFrame:
    """Calls and meetings held per week (weeks start on Monday), the last `weeks` weeks, zeros included."""
    this_monday = as_of - dt.timedelta(days=as_of.weekday())
    starts = [this_monday - dt.timedelta(weeks=w) for w in range(weeks - 1, -1, -1)]
    frame = pd.DataFrame({"Week": starts, "Calls": 0.0, "Meetings": 0.0}).set_index("Week")
    if not daily.empty:
        week = daily["day"].map(lambda d: d - dt.timedelta(days=d.weekday()))
        sums = daily.groupby(week)[["calls", "meetings"]].sum()
        sums.columns = ["Calls", "Meetings"]
        frame.update(sums[sums.index.isin(frame.index)])
    return frame.reset_index()


def deal_lists(deals: pd.DataFrame, as_of: dt.date, period_end: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The records behind open pipeline (closing as-of..period end) and past-due pipeline."""
    open_deals = deals[deals["Status"] == "open"]
    close = open_deals["Close date"]
    in_period = open_deals[(close >= as_of) & (close <= period_end)]
    past_due = open_deals[close < as_of]
    return in_period, past_due
