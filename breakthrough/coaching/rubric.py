"""The coaching rubric (docs/coaching.md#the-rubric): six dimensions scored 1–5, and a session's quality on 0–100.

A session's quality is the weighted mean of the dimensions that were scored, mapped from
the 1–5 scale to 0–100 with `(s − 1) / 4 × 100`. Unscored dimensions are left out, not
counted as zero; a session with nothing scored has no quality (None).
"""

from __future__ import annotations

from typing import NamedTuple, TypeVar

import numpy as np
from numpy.typing import NDArray

from breakthrough.store.models import RUBRIC

LOWEST, HIGHEST = 1, 5
Score = TypeVar("Score", float, NDArray[np.float64])  # one score, or many as an array


class Dimension(NamedTuple):
    """One rubric dimension: its name for people, and what a 1, a 3 and a 5 look like."""

    label: str
    one: str
    three: str
    five: str


DIMENSIONS: dict[str, Dimension] = {
    "preparation": Dimension(
        "Preparation",
        "came in cold: no numbers, no agenda",
        "looked at the rep's numbers beforehand",
        "brought the rep's funnel, key deals and last commitments, with an agenda",
    ),
    "diagnosis": Dimension(
        "Diagnosis",
        "talked about results only",
        "found where in the funnel the rep loses deals",
        "found, with the rep and from evidence, the behaviour behind the gap",
    ),
    "focus": Dimension(
        "Focus",
        "many topics, no priority",
        "two or three priorities",
        "one behaviour to change, named and agreed",
    ),
    "accountability": Dimension(
        "Accountability",
        "no actions agreed",
        "actions agreed, but no dates",
        "specific actions with due dates and a measure of done",
    ),
    "follow_through": Dimension(
        "Follow-through",
        "last session's commitments not mentioned",
        "asked about them in passing",
        "reviewed every past commitment; re-planned what slipped",
    ),
    "development": Dimension(
        "Development",
        "told the rep what to do",
        "gave advice with examples",
        "practised the skill (role-play, call review) and planned the next practice",
    ),
}
assert tuple(DIMENSIONS) == RUBRIC


def anchors(dimension: str) -> str:
    """`1 = …  ·  3 = …  ·  5 = …` for one dimension (one line, for the form)."""
    d = DIMENSIONS[dimension]
    return f"1 = {d.one} · 3 = {d.three} · 5 = {d.five}"


def to_percent(score: Score) -> Score:
    """A 1–5 score on the 0–100 scale: `(s − 1) / 4 × 100`."""
    return (score - LOWEST) / (HIGHEST - LOWEST) * 100
