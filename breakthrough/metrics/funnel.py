"""Required levels — the reverse funnel (docs/metrics.md#required-pipeline) — and projected period revenue (docs/metrics.md#projected-period-revenue).

From the gap to quota, work backwards: the pipeline needed, the new opportunities, meetings and
calls needed for the rest of the period, and the weekly pace that takes. Pure arithmetic:
the caller gathers the inputs (already shrunk rates) from the database.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Generic, NamedTuple, TypeVar

import numpy as np
from numpy.typing import NDArray

from breakthrough.metrics import rates
from breakthrough.metrics.drivers import DRIVERS, LEVERS

ON_TRACK, AT_RISK, BEHIND = "on track", "at risk", "behind"
STAGES = ("opportunities", "meetings", "calls")
LEVER_STEP = 0.10  # a lever is a 10 % improvement of one driver
V = TypeVar("V", float, NDArray[np.float64])  # a rep's figure, or every rep's as an array (`compute_all`)


def status(ratio: float | None, on_track: float = 1.0, at_risk: float = 0.8) -> str | None:
    """Word for actual ÷ required: on track at or above `on_track`, at risk at or above `at_risk`, else behind.

    One ratio through `statuses` (the rule, for every rep at once); None for no ratio."""
    found = statuses(np.array([math.nan if ratio is None else ratio], dtype=float), on_track, at_risk)[0]
    return None if found is None else str(found)


def statuses(ratio: np.ndarray, on_track: float = 1.0, at_risk: float = 0.8) -> np.ndarray:
    """`status` of each ratio (an object array: the word, None for NaN)."""
    found = np.where(ratio >= on_track, ON_TRACK, np.where(ratio >= at_risk, AT_RISK, BEHIND))
    return _none_where(~np.isnan(ratio), found)


@dataclass(frozen=True)
class FunnelInputs(Generic[V]):
    """Everything the reverse funnel needs for one rep and one period (or, of arrays, for every rep)."""

    quota: V  # Q
    won: V  # W (won in period up to as-of)
    open_pipeline: V  # OP: open, close date within [as_of, period end]
    win_rate: V  # shrunk wr, 0..1
    deal_size: V  # shrunk ads
    meeting_to_opp: V  # shrunk m2o
    call_to_meeting: V  # shrunk c2m
    weeks_left: float  # wl
    calendar_days_left: int  # period end - as_of, in days
    median_cycle_days: V | None  # arrays: NaN where a rep has none
    closable_share: V  # pin
    next_quota: V  # Q of the next period
    calls_pw: V  # actual pace: avg per working week over the last 4 weeks
    meetings_pw: V
    opps_pw: V
    fixed_coverage: float | None = None  # None -> derived C = 1/wr
    standards: Mapping[str, float | None] = field(default_factory=dict)  # stage -> fixed weekly standard
    on_track: float = 1.0
    at_risk: float = 0.8


class Requirement(NamedTuple):
    """One stage of the reverse funnel: what is needed for the rest of the period, and the pace.

    Named tuples rather than frozen dataclasses (here and `Funnel`): the scorecard makes three
    requirements and one funnel per rep on every cold run, and a tuple is made several times faster.
    """

    stage: str  # "opportunities" | "meetings" | "calls"
    required_total: float  # for the rest of the period (math.inf when unreachable)
    derived_pw: float  # required_total / wl
    standard_pw: float | None
    required_pw: float  # the bar: max(derived_pw, standard_pw)
    actual_pw: float
    pace_ratio: float | None  # actual / required (inf when required_pw == 0)
    status: str | None


class Funnel(NamedTuple):
    """The reverse funnel of one rep for one period (see docs/metrics.md for each figure)."""

    gap: float
    attainment: float | None
    coverage_ratio: float
    required_pipeline: float
    coverage: float
    coverage_status: str | None
    pipeline_shortfall: float
    stages: dict[str, Requirement]
    projected: float
    projected_gap: float
    levers: dict[str, float]
    cycle_warning: bool
    next_period_pipeline: float

    @property
    def coverage_words(self) -> str | None:
        """This rep's coverage in words, as every page and export shows it (`coverage_words`)."""
        return coverage_words(self.gap, self.coverage_status)


QUOTA_MET = "quota met"


def coverage_words(gap: float, coverage_status: str | None) -> str | None:
    """Coverage in words: `QUOTA_MET` once no gap is left to cover, else its status (on track / at risk / behind)."""
    return QUOTA_MET if gap == 0 else coverage_status


# --- the pieces of the funnel, for every rep at once (arrays: one entry per rep) ------------------


def projected_revenue(inputs: FunnelInputs[V]) -> V:
    """P = W + OP·wr + calls/week · wl · c2m · m2o · wr · ads · pin.

    What the rep will likely have won by period end: won so far, the open pipeline at the win rate,
    and the deals that this pace of calls creates and can still close in time.
    """
    i = inputs
    new_business = i.calls_pw * i.weeks_left * i.call_to_meeting * i.meeting_to_opp
    new_business *= i.win_rate * i.deal_size * i.closable_share
    return i.won + i.open_pipeline * i.win_rate + new_business


def compute_all(inputs: FunnelInputs[NDArray[np.float64]]) -> list[Funnel]:
    """The whole reverse funnel of every rep for one period: the per-rep fields of `inputs` are arrays (NaN for
    a missing median cycle), one `Funnel` per rep comes back. One rep's funnel is this on one-element arrays."""
    i = inputs
    gap = _max0(i.quota - i.won)
    c = _coverage_ratio_all(i)
    required = _times_all(gap, c)
    shortfall = _max0(required - i.open_pipeline)
    projected = projected_revenue(i)
    projected_gap = _max0(i.quota - projected)
    assert i.median_cycle_days is not None, "arrays: NaN for a rep without a median cycle, never None"
    columns = {
        "gap": gap,
        "attainment": _none_where(i.quota > 0, _divide(i.won, i.quota)),
        "coverage_ratio": c,
        "required_pipeline": required,
        "coverage": _ratio_all(i.open_pipeline, gap),
        "coverage_status": _status_all(_ratio_all(i.open_pipeline, required), i),
        "pipeline_shortfall": shortfall,
        "projected": projected,
        "projected_gap": projected_gap,
        "cycle_warning": ~np.isnan(i.median_cycle_days) & (i.calendar_days_left < i.median_cycle_days),
        "next_period_pipeline": _times_all(i.next_quota, c),
    }
    return _funnels(columns, _stages_all(shortfall, i), _levers_all(i, projected_gap))


def coverage_all(inputs: FunnelInputs[NDArray[np.float64]]) -> np.ndarray:
    """Each rep's `Funnel.coverage` (the open pipeline ÷ the gap to quota; ∞ with no gap), without the rest."""
    return _ratio_all(inputs.open_pipeline, _max0(inputs.quota - inputs.won))


def _funnels(columns: dict, stages_: dict[str, dict], levers_: dict[str, np.ndarray]) -> list[Funnel]:
    """One `Funnel` per rep from the columns worked out for everyone."""
    n = len(columns["gap"])
    reqs = {stage: rates.named_tuples(Requirement, zip([stage] * n, *(_per_rep(cols[f], n) for f in REQUIREMENT)))
            for stage, cols in stages_.items()}  # fmt: skip
    rep_levers = [dict(zip(levers_, values)) for values in zip(*(_per_rep(col, n) for col in levers_.values()))]
    rep_stages = [dict(zip(reqs, values)) for values in zip(*reqs.values())]
    columns |= {"stages": rep_stages, "levers": rep_levers}
    return rates.named_tuples(Funnel, zip(*(_per_rep(columns[f], n) for f in Funnel._fields)))


REQUIREMENT = Requirement._fields[1:]  # the per-rep columns of a stage (its name is the stage's)


def _per_rep(column, n: int) -> list:
    """A column as a list of Python values, one per rep (a value shared by everyone repeated)."""
    if isinstance(column, np.ndarray):
        return column.tolist()
    return column if isinstance(column, list) else [column] * n


def _max0(x: np.ndarray) -> np.ndarray:
    """`max(x, 0.0)` per entry, as Python's `max` gives it (x unless 0.0 is larger)."""
    return np.where(x < 0.0, 0.0, x)


def _divide(numerator: np.ndarray, divisor: np.ndarray) -> np.ndarray:
    """numerator ÷ divisor where the divisor is above 0 (other entries are not used by the callers)."""
    safe = np.where(divisor > 0, divisor, 1.0)
    return np.where(divisor > 0, numerator / safe, np.inf)


def _none_where(valid: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The values, None where not `valid` (an object array)."""
    out = values.astype(object)
    out[~valid] = None
    return out


def _div_all(numerator: np.ndarray, divisor: np.ndarray) -> np.ndarray:
    """numerator ÷ divisor per entry: nothing needed (0) when the numerator is 0, ∞ when the divisor is not above 0."""
    return np.where(numerator == 0, 0.0, _divide(numerator, divisor))


def _times_all(amount: np.ndarray, factor) -> np.ndarray:
    """amount × factor per entry: 0 where the amount is 0, even if the factor is infinite (0 × ∞ is no need)."""
    with np.errstate(invalid="ignore"):
        return np.where(amount == 0, 0.0, amount * factor)


def _ratio_all(actual: np.ndarray, required: np.ndarray) -> np.ndarray:
    """actual ÷ required per entry; ∞ where nothing is required."""
    with np.errstate(invalid="ignore"):
        return _divide(actual, required)


def _coverage_ratio_all(inputs: FunnelInputs[NDArray[np.float64]]) -> np.ndarray:
    """C per rep: the fixed policy value, or 1 ÷ win rate (∞ at a 0 % win rate)."""
    if inputs.fixed_coverage is not None:
        return np.full(len(inputs.win_rate), float(inputs.fixed_coverage))
    return _divide(np.ones(len(inputs.win_rate)), inputs.win_rate)


def _status_all(ratio: np.ndarray, inputs: FunnelInputs[Any]) -> np.ndarray:
    """`statuses` with the thresholds of `inputs`."""
    return statuses(ratio, inputs.on_track, inputs.at_risk)


def _stages_all(shortfall: np.ndarray, inputs: FunnelInputs[NDArray[np.float64]]) -> dict[str, dict]:
    """RO, RM and RC per rep with their weekly pace: the columns of each stage's `Requirement`."""
    i = inputs
    opps = _div_all(shortfall, i.deal_size)
    meetings = _div_all(opps, i.meeting_to_opp)
    calls = _div_all(meetings, i.call_to_meeting)
    totals = {"opportunities": (opps, i.opps_pw), "meetings": (meetings, i.meetings_pw), "calls": (calls, i.calls_pw)}
    return {stage: _requirement_all(stage, *totals[stage], i) for stage in STAGES}


def _requirement_all(
    stage: str, total: np.ndarray, actual_pw: np.ndarray, inputs: FunnelInputs[NDArray[np.float64]]
) -> dict:
    derived = _div_all(total, np.full(len(total), inputs.weeks_left))
    standard = inputs.standards.get(stage)
    bar = derived if standard is None else np.where(standard > derived, standard, derived)
    ratio = _ratio_all(actual_pw, bar)
    return {"required_total": total, "derived_pw": derived, "standard_pw": standard, "required_pw": bar,
            "actual_pw": actual_pw, "pace_ratio": ratio, "status": _status_all(ratio, inputs)}  # fmt: skip


def _improved_all(inputs: FunnelInputs[NDArray[np.float64]], lever: str) -> FunnelInputs[NDArray[np.float64]]:
    """The inputs with one driver 10 % better for every rep (win rate capped at 100 %; a bigger deal size
    applies to new deals only: the open pipeline keeps its amounts)."""
    up = 1 + LEVER_STEP
    if lever == "win_rate":
        better = inputs.win_rate * up
        return replace(inputs, win_rate=np.where(better > 1.0, 1.0, better))
    name = DRIVERS[lever].moves
    assert name is not None  # a lever moves a funnel input
    return replace(inputs, **{name: getattr(inputs, name) * up})


def _levers_all(inputs: FunnelInputs[NDArray[np.float64]], projected_gap: np.ndarray) -> dict[str, np.ndarray]:
    """For each lever and rep: how much a 10 % better driver cuts the projected gap (never negative)."""
    cuts = {}
    for lever in LEVERS:
        new_gap = _max0(inputs.quota - projected_revenue(_improved_all(inputs, lever)))
        cuts[lever] = _max0(projected_gap - new_gap)
    return cuts
