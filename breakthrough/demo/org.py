"""The people: teams, managers and reps (with their norms and stories), their names and hire dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from breakthrough.demo import names as nm
from breakthrough.demo.company import DOMAIN, EUR_PER_USD, GBP_PER_USD, LEADER, NOISE, REGION_CURRENCY, Norms, Scale
from breakthrough.demo.days import Frame, monday
from breakthrough.demo.stories import MANAGER_SLOTS, REP_SLOTS, STORIES, STORY_FACTORS
from breakthrough.importing.map.people import name_key  # one normaliser for the demo and for imports


@dataclass
class Org:
    """Teams and people, with one entry per rep in the rep arrays (the fixed processing order)."""

    teams: list[dict]
    people: list[dict]
    rep_id: np.ndarray
    rep_team: np.ndarray  # index into team_currency
    rep_manager: np.ndarray  # person id
    rep_hire: np.ndarray  # datetime64[D]
    rep_story: list[str | None]
    team_currency: list[str]
    manager_style: dict[int, str]  # manager person id -> STYLES key
    params: dict[str, np.ndarray]  # per rep behaviour, see Norms
    norms: Norms

    @staticmethod
    def make(rng: np.random.Generator, scale: Scale, frame: Frame) -> Org:
        """Teams, a head of sales, a manager per team and its reps, with behaviour parameters."""
        teams, child_ids, currencies = _teams(scale)
        pool = _name_pool(rng)
        leader = _person(1, LEADER, "leader", None, None, _years_ago(rng, frame.today, 7, 10))
        managers = _managers(rng, child_ids, pool, frame.today)
        reps, stories, rep_team = _reps(rng, scale, child_ids, managers, pool, frame.today)
        org = Org(
            teams,
            [leader, *managers, *reps],
            np.array([r["id"] for r in reps]),
            np.array(rep_team),
            np.array([r["manager_id"] for r in reps]),
            np.array([r["hire_date"] for r in reps], dtype="datetime64[D]"),
            stories,
            currencies,
            _styles(managers),
            {},
            scale.norms,
        )
        org.params = _rep_params(rng, scale.norms, stories, [currencies[t] for t in rep_team])
        return org

    @property
    def n(self) -> int:
        return len(self.rep_id)

    def currency(self) -> np.ndarray:
        return np.array(self.team_currency, dtype=object)[self.rep_team]


def _teams(scale: Scale) -> tuple[list[dict], list[int], list[str]]:
    """Team rows (regions first), the ids of the child teams, and each child team's currency."""
    regions = [{"id": i + 1, "name": name, "parent_id": None} for i, (name, _) in enumerate(scale.regions)]
    children: list[dict[str, Any]] = []
    currencies: list[str] = []
    for region, (region_name, team_names) in zip(regions, scale.regions):
        for name in team_names:
            children.append({"id": len(regions) + len(children) + 1, "name": name, "parent_id": region["id"]})
            currencies.append(REGION_CURRENCY.get(region_name, "USD"))
    return regions + children, [t["id"] for t in children], currencies


def _name_pool(rng: np.random.Generator) -> Iterator[str]:
    """Distinct, shuffled "First Last" names that clash with no story name once accents are stripped."""
    taken = {name_key(n) for n in [*STORIES.values(), LEADER]}
    combos = [f"{f} {last}" for f in nm.FIRST_NAMES for last in nm.LAST_NAMES]
    return (combos[i] for i in rng.permutation(len(combos)) if name_key(combos[i]) not in taken)


def _managers(rng: np.random.Generator, team_ids: list[int], pool: Iterator[str], today: dt.date) -> list[dict]:
    """One manager per child team, reporting to the head of sales; story managers in their slots."""
    rows = []
    for i, team_id in enumerate(team_ids):
        name = STORIES[MANAGER_SLOTS[i]] if i in MANAGER_SLOTS else next(pool)
        row = _person(2 + i, name, "manager", team_id, 1, _years_ago(rng, today, 3, 10))
        rows.append(row | {"_style": MANAGER_SLOTS.get(i, "ordinary")})
    return rows


def _styles(managers: list[dict]) -> dict[int, str]:
    """Manager id -> style, dropping the helper key from the rows."""
    return {row["id"]: row.pop("_style") for row in managers}


def _reps(rng, scale: Scale, team_ids: list[int], managers: list[dict], pool: Iterator[str], today: dt.date):
    """Rep rows team by team (story reps first in their team), their stories and team indexes."""
    rows, stories, team_index = [], [], []
    next_id = 2 + len(managers)
    for t, team_id in enumerate(team_ids):
        planted = REP_SLOTS.get(t, ())
        for k in range(scale.reps_per_team):
            story = planted[k] if k < len(planted) else None
            rows.append(_rep_row(rng, next_id, story, pool, team_id, managers[t]["id"], today))
            stories.append(story)
            team_index.append(t)
            next_id += 1
    return rows, stories, team_index


def _rep_row(rng, pid: int, story: str | None, pool: Iterator[str], team_id: int, manager_id: int, today):
    """One rep; the new hire started on the Monday about six weeks before today."""
    name = STORIES[story] if story else next(pool)
    hired = monday(today - dt.timedelta(days=42)) if story == "new_hire" else _years_ago(rng, today, 1, 6)
    return _person(pid, name, "rep", team_id, manager_id, hired)


def _person(pid: int, name: str, role: str, team_id, manager_id, hired: dt.date) -> dict:
    email = ".".join("".join(c for c in part if c.isalpha()) for part in name_key(name).split())
    return {
        "id": pid,
        "name": name,
        "name_key": name_key(name),
        "email": f"{email}@{DOMAIN}",
        "role": role,
        "team_id": team_id,
        "manager_id": manager_id,
        "hire_date": hired,
        "active": True,
    }


def _years_ago(rng: np.random.Generator, today: dt.date, low: float, high: float) -> dt.date:
    """A Monday between `low` and `high` years before today."""
    return monday(today - dt.timedelta(days=int(rng.uniform(low, high) * 365.25)))


def _rep_params(rng, norms: Norms, stories: list[str | None], currencies: list[str]) -> dict[str, np.ndarray]:
    """Per rep behaviour: the norm with lognormal noise, or the story's exact deviation from it."""
    n = len(stories)
    params = {}
    for f in fields(Norms):
        sd = NOISE[f.name]
        base = getattr(norms, f.name) * np.exp(np.clip(rng.normal(0.0, sd, n), -2 * sd, 2 * sd))
        exact = [getattr(norms, f.name) * STORY_FACTORS[s].get(f.name, 1.0) if s else 0.0 for s in stories]
        params[f.name] = np.where([s is not None for s in stories], exact, base)
    params["deal_size"] = params["deal_size"] * [fx(c) for c in currencies]
    params["win_rate"] = np.clip(params["win_rate"], 0.01, 0.95)
    params["m2o"] = np.clip(params["m2o"], 0.01, 0.95)
    params["target_share"] = np.clip(params["target_share"], 0.05, 0.9)
    return params


def fx(currency: str) -> float:
    """Units of `currency` per USD (amounts are set in USD and shown in the team's currency)."""
    return {"EUR": EUR_PER_USD, "GBP": GBP_PER_USD}.get(currency, 1.0)
