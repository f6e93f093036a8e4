"""Historical rates (SPEC §4), shrunk towards the team so a rep with few deals is not judged on noise.

Beta-binomial shrinkage with prior strength `k`: the rep's record counts as `trials` observations,
the team's rate as `k` more. A rep with no history gets the team's rate; a rep with a long record
gets close to their own.

- win rate: `shrunk(won_count, closed_count, team_win_rate, k)`
- meeting → opportunity: `shrunk(opportunities_created, meetings_held, team_m2o, k)`
- call → meeting: `shrunk(meetings_held, calls_made, team_c2m, k)`
- average won deal size is shrunk the same way on amounts:
  `shrunk(won_amount, won_count, team_average_deal_size, k)` — the won amount plays "successes",
  the number of won deals plays "trials", so `value` is the shrunk average in money.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    """A rate for display: the shrunk value, the rep's own ratio, and the sample size behind it."""

    value: float | None  # the shrunk rate; None when neither rep nor prior has data
    raw: float | None  # successes / trials (None when trials == 0)
    successes: float
    trials: float  # the sample size shown beside the rate
    low_confidence: bool  # trials < min_trials


def shrunk(successes: float, trials: float, prior: float | None, k: float, min_trials: int = 5) -> Rate:
    """`(successes + k·prior) / (trials + k)`: the rep's ratio pulled towards the team's `prior`.

    Without a prior (None or NaN) the rep's own ratio is used; with neither, the value is None.
    """
    raw = successes / trials if trials > 0 else None
    if prior is None or math.isnan(prior):
        value = raw
    elif trials + k > 0:
        value = (successes + k * prior) / (trials + k)
    else:
        value = prior
    return Rate(value, raw, successes, trials, trials < min_trials)


def team_rate(successes: float, trials: float, fallback: float | None = None) -> float | None:
    """The team's pooled ratio (all reps' successes ÷ all reps' trials); `fallback` when there are no trials."""
    return successes / trials if trials > 0 else fallback


def median(values: Sequence[float]) -> float | None:
    """The middle value (mean of the two middle ones for an even count); None for no values."""
    return statistics.median(values) if len(values) else None


def shrunk_median_cycle(rep_cycles: Sequence[float], team_cycles: Sequence[float], k: float) -> float | None:
    """The rep's median won-deal cycle in days, pulled towards the team's: `(n·rep + k·team) / (n + k)`.

    Only team data: the team median. Only rep data: the rep median. Neither: None.
    """
    rep, team, n = median(rep_cycles), median(team_cycles), len(rep_cycles)
    if team is None or rep is None:
        return rep if team is None else team
    return (n * rep + k * team) / (n + k) if n + k > 0 else team


def _share_within(cycles: Sequence[float], days_left: float) -> float:
    """Share of `cycles` no longer than `days_left` (cycles must not be empty)."""
    return sum(1 for c in cycles if c <= days_left) / len(cycles)


def closable_share(
    rep_cycles: Sequence[float], team_cycles: Sequence[float], days_left: float, k: float
) -> float:
    """`pin`: the share of won deals whose cycle (created → won, days) fits in the days left.

    Shrunk like a win rate: `(rep deals short enough + k·team share) / (rep deals + k)`.
    Only team data: the team's share; only rep data: the rep's share;
    no data at all: 1.0 while days remain, else 0.0.
    """
    if not team_cycles:
        if not rep_cycles:
            return 1.0 if days_left > 0 else 0.0
        return _share_within(rep_cycles, days_left)
    team_share = _share_within(team_cycles, days_left)
    short = sum(1 for c in rep_cycles if c <= days_left)
    return shrunk(short, len(rep_cycles), team_share, k).value
