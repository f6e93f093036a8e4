"""The Talent stories (docs/demo.md#the-talent-stories): hires inside the data, and a team on track that hides
four reps behind.

Planted *after* every random draw of the demo, so the rest of the company is the same as without them:
- **Hires** (`HIRES`: team index, place in the team → months after the data's first day): five reps who were
  hired inside the data instead of years before. Their activities, deals, coaching and quotas from before the
  hire date are left out (quotas ramp 25/50/75 % from the hire, as every new hire's do), so the cohort has
  three or more reps at each early month of tenure. The first (`TOP_HIRE`) wins more after hiring (its won
  deals' amounts × `TOP_FACTOR`): ramping like the top quartile. `SLOW_HIRE`, hired in the second week of the month three
  months before today's, keeps a third of its calls and one won deal in ten from its second month on (the rest
  still open):
  behind the cohort in month 3, calls furthest behind.
- **Hidden by the total** (`HIDING_TEAM`): in the current quarter four of its reps are held below 70 % of pace
  (their latest wins still open), and one carries the team past 100 % (its won amounts scaled up), beside the
  "ahead" rep.
Amounts stay rounded to hundreds. The persistent shortfalls need no planting: the driver stories (small deals
under the manager who coaches rarely; low activity under the one who coaches often but shallowly) are behind
quarter after quarter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

import numpy as np

from breakthrough.demo.days import Frame, monday
from breakthrough.demo.deals import CALL, Chunk, Opps
from breakthrough.demo.org import Org
from breakthrough.demo.quotas import full_quota, quotas

HIRES = {(0, 2): 0.0, (3, 1): 0.5, (2, 2): 1.0, (0, 3): 1.5}  # (team, place) → months after the data's start
SLOW_HIRE = (3, 2)  # hired in the month three months before this one: its last full month is month 3
TOP_HIRE = (0, 2)
TOP_FACTOR = 1.8
SLOW_CALLS, SLOW_KEEP = 3, 10  # keep one call in 3 and one won deal in 10 from the second month on
HIDING_TEAM, BEHIND_PACE, TEAM_PACE = 1, 0.65, 1.06


def plant(tables: dict, org: Org, opps: Opps, frame: Frame) -> dict:
    """The demo's tables (as `generate.build` makes them) with the Talent stories planted."""
    sizes = np.bincount(org.rep_team)
    if len(sizes) <= max(t for t, _ in [*HIRES, SLOW_HIRE, (HIDING_TEAM, 0)]) or sizes.min() < 6:
        return tables  # a scale too small for the stories
    hired = _hire(org, frame)
    _hiding_team(org, opps, frame)
    slow = _rep(org, SLOW_HIRE)
    top = _rep(org, TOP_HIRE)
    _scale_won(opps, (opps.rep == top) & (opps.created >= org.rep_hire[top]), TOP_FACTOR)
    second_month = np.datetime64(_months_after(org.rep_hire[slow].item(), 1), "D")
    _hold_back(opps, (opps.rep == slow) & (opps.close >= second_month), keep=SLOW_KEEP, frame=frame)
    kept_opps = ~np.isin(opps.rep, list(hired)) | (opps.created >= org.rep_hire[opps.rep])
    dropped_ids = set((np.nonzero(~kept_opps)[0] + 1).tolist())
    start = {int(org.rep_id[r]): org.rep_hire[r].item() for r in hired}
    sessions, commitments = _coaching(tables["coaching_session"], tables["commitment"], start)
    return tables | {
        "person": [p | {"hire_date": start[p["id"]]} if p["id"] in start else p for p in tables["person"]],
        "opportunity": (row for row in tables["opportunity"] if row["id"] not in dropped_ids),
        "opportunity_history": [h for h in tables["opportunity_history"] if h["opportunity_id"] not in dropped_ids],
        "activity": _activities(tables["activity"], start, ~kept_opps, int(org.rep_id[slow]), second_month.item()),
        "quota": quotas(org, frame),
        "coaching_session": sessions,
        "commitment": commitments,
    }


def _coaching(sessions: list[dict], commitments: list[dict], start: dict[int, dt.date]):
    """Sessions and commitments less those before a hire, the sessions numbered 1, 2… again (as the demo numbers
    them, so the app's next session gets the next id)."""
    kept = [s for s in sessions if s["rep_id"] not in start or s["date"] >= start[s["rep_id"]]]
    ids = {s["id"]: i + 1 for i, s in enumerate(kept)}
    kept = [s | {"id": ids[s["id"]]} for s in kept]
    renumbered = [
        c | {"session_id": ids[c["session_id"]], "reviewed_session_id": ids.get(c["reviewed_session_id"])}
        for c in commitments
        if c["session_id"] in ids
    ]
    return kept, renumbered


def _rep(org: Org, slot: tuple[int, int]) -> int:
    """The position of the rep at `slot` (team index, place in the team) in the rep arrays."""
    return int(np.nonzero(org.rep_team == slot[0])[0][slot[1]])


def _months_after(day: dt.date, months: float) -> dt.date:
    whole = int(months)
    index = day.year * 12 + day.month - 1 + whole
    first = dt.date(index // 12, index % 12 + 1, min(day.day, 28))
    return first + dt.timedelta(days=int((months - whole) * 30))


def _hire(org: Org, frame: Frame) -> set[int]:
    """Move the hires' hire dates inside the data (Mondays); the positions of the reps moved."""
    moved = set()
    for slot, months in HIRES.items():
        r = _rep(org, slot)
        org.rep_hire[r] = np.datetime64(monday(_months_after(frame.start, months) + dt.timedelta(days=6)), "D")
        moved.add(r)
    r = _rep(org, SLOW_HIRE)
    index = frame.today.year * 12 + frame.today.month - 1 - 3  # three months before this one: month 3 is the last over
    org.rep_hire[r] = np.datetime64(monday(dt.date(index // 12, index % 12 + 1, 1) + dt.timedelta(days=13)), "D")
    moved.add(r)
    return moved


def _activities(chunks: Iterable[Chunk], start: dict[int, dt.date], dropped: np.ndarray, slow: int,
                thin_from: dt.date) -> Iterator[Chunk]:  # fmt: skip
    """Activity rows less those before a hire (and their links to the `dropped` deals left out), and two in
    three of the slow hire's calls after its first month."""
    calls = 0
    for chunk in chunks:
        day = chunk.day
        keep = np.ones(len(chunk), dtype=bool)
        for rep, hired in start.items():
            keep &= ~((chunk.rep_id == rep) & (day < np.datetime64(hired, "D")))
        chunk.opp = np.where((chunk.opp >= 0) & dropped[np.maximum(chunk.opp, 0)], -1, chunk.opp)
        thin = keep & (chunk.rep_id == slow) & (chunk.kind == CALL) & (day >= np.datetime64(thin_from, "D"))
        count = calls + np.cumsum(thin)  # each of those calls' place among them
        keep &= ~thin | (count % SLOW_CALLS == 0)
        calls += int(thin.sum())
        yield chunk.where(keep)


def _scale_won(opps: Opps, chosen: np.ndarray, factor: float) -> None:
    """Multiply the won amounts of the chosen deals by `factor`, rounded to hundreds (at least 100)."""
    won = chosen & (opps.status == "won") & ~np.isnan(opps.amount)
    opps.amount[won] = np.maximum(np.round(opps.amount[won] * factor, -2), 100.0)


def _hold_back(opps: Opps, chosen: np.ndarray, keep: int, frame: Frame, limit: float | None = None) -> None:
    """Turn won deals of `chosen` back into open deals closing next month (one in `keep` kept won), or, with
    `limit`, the latest won deals until no more than `limit` stays won: won amounts go down, win rates and deal
    sizes of what is won hardly move."""
    won = np.nonzero(chosen & (opps.status == "won"))[0]
    won = won[np.argsort(opps.close[won])[::-1]]  # latest first
    later = np.datetime64(frame.today, "D") + np.timedelta64(30, "D")
    total = float(np.nansum(opps.amount[won]))
    for k, i in enumerate(won):
        if limit is None and k % keep == 0:
            continue
        if limit is not None and total <= limit:
            break
        total -= 0.0 if np.isnan(opps.amount[i]) else float(opps.amount[i])
        opps.status[i], opps.stage[i], opps.close[i] = "open", 3, later


def _hiding_team(org: Org, opps: Opps, frame: Frame) -> None:
    """Four reps of the team below 70 % of pace this quarter, one carrying the team past 100 %."""
    q_start = frame.months[6]
    busdays = lambda a, b: int(np.busday_count(a, b, holidays=frame.holidays))  # noqa: E731
    elapsed = busdays(q_start, frame.today + dt.timedelta(days=1)) / busdays(q_start, frame.months[9])
    in_quarter = (opps.status == "won") & (opps.close >= np.datetime64(q_start, "D")) & (
        opps.close <= frame.today64) & ~np.isnan(opps.amount)  # fmt: skip
    team = [int(r) for r in np.nonzero(org.rep_team == HIDING_TEAM)[0]]
    target = {r: elapsed * 3 * full_quota(org, org.currency()[r]) for r in team}
    won = {r: float(opps.amount[in_quarter & (opps.rep == r)].sum()) for r in team}
    others = [r for r in team if org.rep_story[r] is None]
    carriers = sorted(others, key=lambda r: -won[r])
    carrier, behind = carriers[0], carriers[1:5]
    for r in behind:
        if won[r] > BEHIND_PACE * target[r]:
            _hold_back(opps, in_quarter & (opps.rep == r), 1, frame, limit=BEHIND_PACE * target[r])
            still = (opps.status == "won") & in_quarter & (opps.rep == r)
            won[r] = float(opps.amount[still].sum())
    needed = TEAM_PACE * sum(target.values()) - sum(w for r, w in won.items() if r != carrier)
    if won[carrier] > 0 and needed > won[carrier]:
        _scale_won(opps, in_quarter & (opps.rep == carrier), needed / won[carrier])
