"""Hidden by the total (docs/metrics.md#hidden-by-the-total): a team on track as a whole while some of its
reps are behind, said by name.

The team's results pace is `Scorecard.totals`' (the team's won ÷ its quota ÷ the elapsed share); a rep is
behind when their own results pace (`focus.results_pace`) is below the at-risk threshold of the Settings
(80 %), the Overview's *behind*. A call-out is made only when the team is on track (pace at or above the
on-track threshold, 100 %) and at least one rep is behind; "of N reps" counts the reps with a quota.
"""

from __future__ import annotations

from dataclasses import dataclass

from breakthrough.diagnosis import focus
from breakthrough.formatting import percent
from breakthrough.metrics.scorecard import Scorecard
from breakthrough.settings import Settings


@dataclass(frozen=True)
class Hidden:
    who: str  # "Team" or the team's name
    pace: float
    reps: int  # reps with a quota
    behind: tuple[tuple[int, str, float], ...]  # (rep id, name, pace), furthest behind first

    def text(self, names: bool = True) -> str:
        """ "Team at 104 % of pace, but 5 of 24 reps are behind: Ann (62 %), …"."""
        said = f"{self.who} at {percent(self.pace)} of pace, but {len(self.behind)} of {self.reps} reps "
        said += "is behind" if len(self.behind) == 1 else "are behind"
        if names:
            said += ": " + ", ".join(f"{name} ({percent(pace)})" for _, name, pace in self.behind)
        return said


def hidden(card: Scorecard, settings: Settings, rep_ids=None, who: str = "Team") -> Hidden | None:
    """The call-out for these reps of `card` (all of them when None), or None when there is nothing hidden."""
    ids = [i for i in (card.reps if rep_ids is None else rep_ids) if i in card.reps]
    if not ids:
        return None
    pace = card.totals(ids)["results_pace"]
    if pace is None or pace < settings.on_track_threshold:
        return None
    paces = {i: focus.results_pace(card.reps[i], card.elapsed_share) for i in ids}
    known = {i: p for i, p in paces.items() if p is not None}
    behind = sorted(((i, card.reps[i].name, p) for i, p in known.items() if p < settings.at_risk_threshold),
                    key=lambda r: (r[2], r[1]))  # fmt: skip
    if not behind:
        return None
    return Hidden(who, float(pace), len(known), tuple(behind))


def by_team(card: Scorecard, settings: Settings) -> list[Hidden]:
    """One call-out per team of `card` with reps hidden by its total, by team name."""
    teams: dict[str, list[int]] = {}
    for i, rep in card.reps.items():
        if isinstance(rep.team, str):
            teams.setdefault(rep.team, []).append(i)
    found = [hidden(card, settings, ids, f"Team {name}") for name, ids in sorted(teams.items())]
    return [h for h in found if h is not None]
