"""The stories the demo plants on purpose, and who carries them.

`STORIES` names the reps and managers who deviate strongly from the team norms so the app has
something real to find: the factors on a rep's norms (`STORY_FACTORS`), the driver a rep's story
is about (`STORY_DRIVER`), where in the organisation each story sits (`REP_SLOTS`, `MANAGER_SLOTS`)
and each manager's coaching habits (`STYLES`). docs/demo.md lists them.
"""

from __future__ import annotations

from dataclasses import dataclass

from breakthrough.metrics.drivers import KEYS

STORIES: dict[str, str] = {
    "low_activity": "Liam Foster",
    "poor_call_to_meeting": "Priya Raman",
    "low_win_rate": "Marcus Oyelaran",
    "small_deals": "Sofía Álvarez",
    "ahead": "Grace Okafor",
    "new_hire": "Noah Brennan",
    "coaches_often_shallow": "Derek Hollis",
    "coaches_rarely": "Ingrid Solberg",
    "coaches_well": "Helen Marsh",
}

DRIVERS = KEYS  # the drivers of breakthrough.metrics.drivers
STORY_DRIVER = {
    "low_activity": "activity",
    "poor_call_to_meeting": "call_to_meeting",
    "low_win_rate": "win_rate",
    "small_deals": "deal_size",
    "new_hire": "activity",
}

# Where the stories live: (team index) -> rep stories, and manager styles by team index.
REP_SLOTS = {
    0: ("low_activity", "low_win_rate"),
    1: ("ahead",),
    2: ("poor_call_to_meeting", "new_hire"),
    3: ("small_deals",),
}
MANAGER_SLOTS = {0: "coaches_often_shallow", 1: "coaches_well", 3: "coaches_rarely"}
STORY_FACTORS: dict[str, dict[str, float]] = {
    "low_activity": {"calls_week": 0.3, "emails_week": 0.4},
    "poor_call_to_meeting": {"calls_week": 1.4, "c2m": 0.2},  # 0.25 left her focus on win rate at seed 7
    "low_win_rate": {"m2o": 1.6, "win_rate": 0.27},
    "small_deals": {"deal_size": 0.24},
    "ahead": {"calls_week": 1.2, "c2m": 1.1, "m2o": 1.05, "win_rate": 1.1, "deal_size": 1.05},
    "new_hire": {},
}


@dataclass(frozen=True)
class Style:
    """A manager's coaching habits (rates are sessions per rep per 4 weeks = 20 working days)."""

    rates: dict[str, float]
    debrief: float  # share of joint calls debriefed within 2 working days
    late_debrief: float  # share of the rest debriefed later
    scores: tuple[int, int]  # rubric scores drawn from this inclusive range
    unscored: float  # share of sessions with no rubric at all
    blank: float  # share of dimensions left unscored
    minutes: tuple[int, ...]
    focus: float  # share of sessions naming a focus driver
    commitments: tuple[int, int]  # per session, inclusive range
    due: float  # share of commitments with a due date
    done: float  # share of due commitments done
    review: float  # share of commitments reviewed in a later session
    on_time: float  # share of reviews held by the due date
    notes: str


STYLES: dict[str, Style] = {
    "ordinary": Style(
        {"one_on_one": 2.5, "joint_call": 1.0, "pipeline_review": 1.0, "deal_review": 0.5, "other": 0.2},
        0.5,
        0.5,
        (2, 4),
        0.1,
        0.15,
        (30, 30, 45, 60),
        0.6,
        (0, 2),
        0.7,
        0.7,
        0.6,
        0.5,
        "ordinary",
    ),
    "coaches_well": Style(
        {"one_on_one": 4.0, "joint_call": 2.0, "pipeline_review": 2.0, "deal_review": 0.5},
        0.95,
        1.0,
        (4, 5),
        0.0,
        0.05,
        (30, 45, 60),
        0.95,
        (1, 3),
        0.95,
        0.85,
        0.95,
        0.9,
        "good",
    ),
    "coaches_often_shallow": Style(
        {"one_on_one": 9.0, "joint_call": 1.5, "pipeline_review": 3.0, "deal_review": 1.0, "other": 1.0},
        0.2,
        0.3,
        (1, 2),
        0.05,
        0.3,
        (15, 15, 20),
        0.15,
        (0, 1),
        0.2,
        0.5,
        0.2,
        0.3,
        "shallow",
    ),
    "coaches_rarely": Style(
        {"one_on_one": 0.6, "joint_call": 0.1, "pipeline_review": 0.1},
        0.3,
        0.3,
        (2, 4),
        0.2,
        0.2,
        (30, 45, 60),
        0.5,
        (0, 2),
        0.6,
        0.6,
        0.4,
        0.3,
        "ordinary",
    ),
}
