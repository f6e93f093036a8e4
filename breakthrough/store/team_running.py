"""The coaching effects' team rollup, `team_running`: each team's running totals, packed in one row per team and
currency (per rollup: `activity_running`, `opportunity_running`).

A coaching effect compares a rep with the rest of their team over the same weeks (`coaching.impact`), so it
needs every team-mate's totals through every day: read rep by rep, that is every rep's `running_packed` rows.
Summed per team when written, it is one row per team: the sum, through each day, of the `running_packed` keys
of the reps in `members` (the team's reps when the row was written, ascending, added in that order).

Kept by every writer of the running totals in its own transaction: `rollups.refresh_packed` rewrites, with the
packed rows of some people, the rows of their teams *and* of every team listing one of them among its members
(someone who moved team leaves the old team's sum at the next refresh). So a row's totals are always the sum of
its members' current totals; who is on a team on a given day is for the reader to check (`members`): a rep
listed but not on the team then is subtracted, a team whose row lacks one of its reps is summed rep by rep.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Connection, delete, insert, select

from breakthrough.store.models import Person, RunningPacked, TeamRunning
from breakthrough.store.packing import DAYS, EPOCH, IDS, TOTALS

CHUNK = 900  # ids bound per statement


@dataclass(frozen=True)
class TeamTotals:
    """One team's running totals in one currency: `days` (ordinals, ascending), `totals[i, j]`: value j through
    days[i], summed over `members` (person ids)."""

    team_id: int
    currency: str
    members: np.ndarray
    days: np.ndarray
    totals: np.ndarray


def refresh(conn: Connection, rollup: str, width: int, person_ids: Iterable[int] | None = None) -> None:
    """Rewrite the `rollup` rows of the teams of these people and of the teams listing any of them (every team if
    None), from `running_packed` (`width` values a day)."""
    teams = None if person_ids is None else _teams_of(conn, rollup, sorted({int(i) for i in person_ids}))
    if teams is not None and not teams:
        return
    t, p, r = TeamRunning, Person, RunningPacked
    for part in [None] if teams is None else [teams[i : i + CHUNK] for i in range(0, len(teams), CHUNK)]:
        chosen = [] if part is None else [t.team_id.in_(part)]
        conn.execute(delete(t).where(t.rollup == rollup, *chosen))
        on_team = [p.role == "rep", p.team_id.is_not(None), *([] if part is None else [p.team_id.in_(part)])]
        members = conn.execute(select(p.team_id, p.id).where(*on_team).order_by(p.team_id, p.id)).all()
        packs = conn.execute(
            select(p.team_id, r.currency, r.person_id, r.days, r.totals)
            .join(p, p.id == r.person_id)
            .where(r.rollup == rollup, *on_team)
            .order_by(p.team_id, r.currency, r.person_id)
        ).all()
        rows = team_rows(rollup, width, members, packs)
        if rows:
            conn.execute(insert(t), rows)


def _teams_of(conn: Connection, rollup: str, ids: list[int]) -> list[int]:
    """The teams of these people now, and the teams whose rows list one of them."""
    found: set[int] = set()
    for part in (ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)):
        found |= {int(t) for t in conn.execute(select(Person.team_id).where(Person.id.in_(part))).scalars() if t}
    wanted = np.asarray(ids, dtype=np.int64)
    listed = conn.execute(select(TeamRunning.team_id, TeamRunning.members).where(TeamRunning.rollup == rollup))
    found |= {int(team) for team, members in listed if np.isin(np.frombuffer(members, dtype=IDS), wanted).any()}
    return sorted(found)


def team_rows(rollup: str, width: int, members: Sequence[Sequence], packs: Sequence[Sequence]) -> list[dict]:
    """`team_running` rows from (team, person) rows of the teams' reps and (team, currency, person, days, totals)
    rows of their `running_packed` keys, ordered by team, currency and person: per team and currency, every day any
    member has a row, and the members' totals through each day added in person order."""
    on_team: dict[int, list[int]] = {}
    for team, person in members:
        on_team.setdefault(int(team), []).append(int(person))
    groups: dict[tuple[int, str], list[tuple[np.ndarray, np.ndarray]]] = {}
    for team, currency, _, days, totals in packs:
        groups.setdefault((int(team), currency), []).append(
            (np.frombuffer(days, dtype=DAYS), np.frombuffer(totals, dtype=TOTALS).reshape(-1, width))
        )
    rows = []
    for (team, currency), keys in groups.items():
        days = np.unique(np.concatenate([d for d, _ in keys]))
        summed = np.zeros((len(days), width))
        for own_days, own in keys:  # person order: the same sums whoever writes them
            at = np.searchsorted(own_days, days, side="right") - 1  # each day's latest row of this member
            summed += np.where((at >= 0)[:, None], own[np.maximum(at, 0)], 0.0)
        rows.append({"rollup": rollup, "team_id": team, "currency": currency,
                     "members": np.array(on_team.get(team, []), dtype=IDS).tobytes(),
                     "days": days.astype(DAYS).tobytes(), "totals": np.ascontiguousarray(summed).tobytes()})  # fmt: skip
    return rows


def read(conn: Connection, rollup: str, width: int, team_ids: Iterable[int]) -> dict[int, list[TeamTotals]]:
    """These teams' rows of `rollup`, by team (a team without rows left out)."""
    ids, t = sorted({int(i) for i in team_ids}), TeamRunning
    found: dict[int, list[TeamTotals]] = {}
    for part in (ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)):
        stmt = (
            select(t.team_id, t.currency, t.members, t.days, t.totals)
            .where(t.rollup == rollup, t.team_id.in_(part))
            .order_by(t.team_id, t.currency)
        )
        for team, currency, members, days, totals in conn.execute(stmt):
            found.setdefault(int(team), []).append(TeamTotals(
                int(team), currency, np.frombuffer(members, dtype=IDS),
                np.frombuffer(days, dtype=DAYS).astype(np.int64) + EPOCH,
                np.frombuffer(totals, dtype=TOTALS).reshape(-1, width),
            ))  # fmt: skip
    return found
