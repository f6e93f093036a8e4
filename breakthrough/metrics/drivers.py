"""The seven drivers (docs/diagnosis.md#the-drivers): the one table every page, figure and import reads.

A driver is what a rep does that makes revenue: how much activity, how well calls become meetings,
meetings opportunities and opportunities wins, how big the deals are, how much pipeline and how long
deals take. Each has a key (in the database, the URL and imports), a label for people (the same on every
page and in the docs), a unit, the direction that is better, and the funnel input a better value moves
(its 10 % lever on the Rep page; None where the driver is no input of the funnel).

Imports nothing: every part may read this table (each part's `__init__` says so).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Driver:
    """One driver: its key, its name for people, its unit, which direction is better and the funnel input it moves."""

    key: str
    label: str
    unit: str  # "per week" | "rate" | "money" | "ratio" | "days"
    higher_is_better: bool = True
    moves: str | None = None  # the `FunnelInputs` field a better value changes; None: no lever of the funnel
    has_impact: bool = True  # False: benchmarked and shown, but closed through the drivers that build it


TABLE = (
    Driver("activity", "Activity volume", "per week", moves="calls_pw"),
    Driver("call_to_meeting", "Call → meeting", "rate", moves="call_to_meeting"),
    Driver("meeting_to_opp", "Meeting → opportunity", "rate", moves="meeting_to_opp"),
    Driver("win_rate", "Win rate", "rate", moves="win_rate"),
    Driver("deal_size", "Deal size", "money", moves="deal_size"),
    Driver("coverage", "Pipeline coverage", "ratio", has_impact=False),
    Driver("cycle", "Sales cycle", "days", higher_is_better=False),
)
DRIVERS: dict[str, Driver] = {d.key: d for d in TABLE}
KEYS = tuple(DRIVERS)
LEVERS = tuple(d.key for d in TABLE if d.moves is not None)  # the drivers a 10 % lever improves
NO_IMPACT = frozenset(d.key for d in TABLE if not d.has_impact)


def label(key: str | None) -> str:
    """A driver's name for people ("–" for none)."""
    return DRIVERS[key].label if key in DRIVERS else "–"


def key_of(text: str | None) -> str | None:
    """The driver key for a label or key (as found in a URL); None when it names no driver."""
    for key, driver in DRIVERS.items():
        if text in (key, driver.label):
            return key
    return None
