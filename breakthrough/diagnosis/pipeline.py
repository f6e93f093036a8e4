"""Pipeline health (docs/diagnosis.md#stage-funnel): the stage funnel, coverage by rep and right-prospects share.

**Stage funnel.** The deals created in the look-back window, counted at every stage they reached: an
open deal reached its current stage and the ones before it, a won deal reached every stage and "Won",
a lost deal the furthest stage recorded in its history (its first stage when there is none).
Stage-to-stage conversion = deals reaching the next stage ÷ deals reaching this one; drop-off = 1 − it.
A rep is shown beside the team (all its deals pooled) and the team's top quartile (75th percentile of
the reps' own conversions).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from breakthrough.metrics.scorecard import Scorecard
from breakthrough.settings import Settings

WON = "Won"


def stages(order: Sequence[str]) -> list[str]:
    """The funnel's stages: the open stages in sales order, then Won."""
    return [*order, WON]


def _reached(cohort: pd.DataFrame) -> np.ndarray:
    """Index (into `stages(order)`) of the furthest stage each row's deals reached: the cohort's `reached`
    column, which `records.stage_cohort` works out in its query."""
    return cohort["reached"].to_numpy(dtype=int)


def _deals(cohort: pd.DataFrame) -> np.ndarray:
    """How many deals each row of the cohort stands for (the database counts deals without history)."""
    return cohort["deals"].to_numpy(dtype=np.int64)


def in_reporting(cohort: pd.DataFrame, settings: Settings) -> pd.Series:
    """Each deal's amount in the reporting currency (NaN when unknown or without a rate)."""
    currencies = cohort["currency"]
    rate = currencies.map({c: settings.rate(c) for c in currencies.unique()}).astype(float)  # each currency once
    return cohort["amount"].astype(float) * rate


def counts(cohort: pd.DataFrame, order: Sequence[str]) -> list[int]:
    """Deals reaching each stage of `stages(order)`."""
    return _reaching(_reached(cohort), _deals(cohort), len(order) + 1).tolist()


def _reaching(reach: np.ndarray, deals: np.ndarray, n: int) -> np.ndarray:
    """How many deals (`deals` per row) reached at least stage 0, 1, …, n − 1."""
    per_stage = np.bincount(reach, weights=deals, minlength=n).astype(np.int64)
    return np.cumsum(per_stage[::-1])[::-1][:n]


def step_conversion(reached: Sequence[int]) -> list[float | None]:
    """Deals reaching the next stage ÷ deals reaching this one, for every stage but the last (None: none reached
    it): `_step_rates` of one row of counts."""
    (rates,) = _step_rates(np.array([reached], dtype=np.int64).reshape(1, len(reached)))
    return [None if r != r else float(r) for r in rates.tolist()]


def _step_rates(at: np.ndarray) -> np.ndarray:
    """Per row of counts (deals reaching each stage): next stage ÷ this stage, NaN where none reached this one."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(at[:, :-1] > 0, at[:, 1:] / np.where(at[:, :-1] > 0, at[:, :-1], 1), np.nan)


def funnel(cohort: pd.DataFrame, order: Sequence[str], settings: Settings) -> pd.DataFrame:
    """Per stage: deals reaching it, their value, conversion to the next stage and drop-off."""
    reach = _reached(cohort)
    value = in_reporting(cohort, settings).to_numpy(dtype=float)
    n = _reaching(reach, _deals(cohort), len(order) + 1).tolist()
    conversion = [*step_conversion(n), math.nan]  # nothing after Won
    return pd.DataFrame({
        "Stage": stages(order), "Deals": n,
        "Value": [float(np.nansum(value[reach >= i])) for i in range(len(n))],
        "Conversion to next": conversion, "Drop-off": [math.nan if c is None else 1 - c for c in conversion],
    })  # fmt: skip


def conversions(cohort: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    """Per rep (rows) and step (columns "A → B"): the rep's own stage-to-stage conversion."""
    return _conversions(cohort["rep_id"].to_numpy(), _reached(cohort), _deals(cohort), order)


def _conversions(reps: np.ndarray, reach: np.ndarray, deals: np.ndarray, order: Sequence[str]) -> pd.DataFrame:
    """Per rep and step: deals reaching the next stage ÷ deals reaching this one (NaN when none reached it)."""
    codes, ids = pd.factorize(reps, sort=True)
    n = len(order) + 1
    per_rep = (
        np.bincount(codes * n + reach, weights=deals, minlength=len(ids) * n).astype(np.int64).reshape(len(ids), n)
    )
    at = np.cumsum(per_rep[:, ::-1], axis=1)[:, ::-1]  # deals reaching each stage, per rep
    return pd.DataFrame(_step_rates(at), index=pd.Index(ids, name="rep_id"), columns=step_names(order), dtype=float)


def step_names(order: Sequence[str]) -> list[str]:
    names = stages(order)
    return [f"{names[i]} → {names[i + 1]}" for i in range(len(names) - 1)]


def comparison(
    cohort: pd.DataFrame, order: Sequence[str], scope: Sequence[int], peers: Sequence[int], level: float = 0.75
) -> pd.DataFrame:
    """Each step's conversion for the reps in `scope` (pooled), their peers pooled, and the peers' top quartile."""
    reach, deals, reps, n = _reached(cohort), _deals(cohort), cohort["rep_id"].to_numpy(), len(order) + 1
    mine, theirs = np.isin(reps, list(scope)), np.isin(reps, list(peers))
    own = step_conversion(_reaching(reach[mine], deals[mine], n).tolist())
    team = step_conversion(_reaching(reach[theirs], deals[theirs], n).tolist())
    per_rep = _conversions(reps[theirs], reach[theirs], deals[theirs], order)
    steps = step_names(order)
    top = [_quantile(per_rep[s], level) if len(per_rep) else None for s in steps]
    return pd.DataFrame({"Step": steps, "Selected": own, "Team": team, "Top quartile": top})


def _quantile(values: pd.Series, level: float) -> float | None:
    finite = values.dropna()
    return float(np.quantile(finite, level)) if len(finite) else None


def coverage_rows(card: Scorecard, rep_ids: Sequence[int]) -> pd.DataFrame:
    """Per rep: open pipeline, gap, coverage (open ÷ gap), coverage needed and status."""
    rows = []
    for rep in (card.reps[i] for i in rep_ids if i in card.reps):
        f = rep.funnel
        rows.append({
            "rep_id": rep.rep_id, "Rep": rep.name, "Open pipeline": rep.open_pipeline, "Gap": f.gap,
            "Coverage": f.coverage, "Coverage needed": f.coverage_ratio, "Pipeline needed": f.required_pipeline,
            "Coverage status": f.coverage_words,
        })  # fmt: skip
    return pd.DataFrame(rows, columns=["rep_id", "Rep", "Open pipeline", "Gap", "Coverage", "Coverage needed",
                                       "Pipeline needed", "Coverage status"])  # fmt: skip


def right_prospects(targets: pd.DataFrame, card: Scorecard, rep_ids: Sequence[int]) -> pd.DataFrame:
    """Per rep: activities on accounts, on target accounts, the share, and the rep's whole team's share."""
    everyone = list(card.reps)
    found = targets.reindex(everyone)
    own = {c: found[c].fillna(0.0).to_numpy(dtype=float) for c in ("with_account", "on_target")}
    teams, _ = pd.factorize(pd.Series([card.reps[i].team or "" for i in everyone], dtype=object))
    pooled = {c: np.bincount(teams, weights=v, minlength=teams.max(initial=-1) + 1)[teams] for c, v in own.items()}
    place = {rep: i for i, rep in enumerate(everyone)}
    shown = [i for i in rep_ids if i in card.reps]
    at = np.array([place[i] for i in shown], dtype=np.int64)
    return pd.DataFrame({
        "rep_id": shown, "Rep": [card.reps[i].name for i in shown],
        "Activities on accounts": own["with_account"][at].astype(int), "On target accounts": own["on_target"][at].astype(int),
        "Target share": _share(own, at), "Team share": _share(pooled, at),
    })  # fmt: skip


def _share(counts: dict[str, np.ndarray], at: np.ndarray) -> np.ndarray:
    """On target ÷ with an account (NaN without any activity on an account)."""
    with_account, on_target = counts["with_account"][at], counts["on_target"][at]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(with_account > 0, on_target / np.where(with_account > 0, with_account, 1), np.nan)
