"""The questions to ask in a one-on-one (docs/coaching.md#one-on-one-prep): per focus driver and per rubric dimension.

The tables below are the defaults; Settings keeps a manager's own wording (`Settings.prep_questions`: a key
of the driver or dimension → its questions, stored like every other setting), which replaces the default
for that key only. The prep sheet asks three questions per rep: the first two of the rep's focus driver
(`NO_FOCUS` when there is none) and the first of the rubric dimension to work on (`for_rep`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from breakthrough.coaching.rubric import DIMENSIONS
from breakthrough.metrics.drivers import DRIVERS
from breakthrough.settings import Settings

NO_FOCUS = "none"  # the key of the questions for a rep without a focus driver
MAX_QUESTIONS = 5  # per key, on the Settings page
MAX_LENGTH = 300  # characters per question

BY_DRIVER: dict[str, tuple[str, ...]] = {
    "activity": (
        "Walk me through last week's calendar: where did the calling time go?",
        "What would it take to block two protected calling hours every day this week?",
        "Which accounts are you calling next, and why those?",
    ),
    "call_to_meeting": (
        "Play me the opening of a call that did not turn into a meeting: what did you ask for?",
        "On connected calls, how often did you ask for the meeting outright?",
        "Which objection stops you most, and what will you say next time?",
    ),
    "meeting_to_opp": (
        "In your last three first meetings, what pain did the buyer name in their own words?",
        "What next step did you agree at the end of each meeting, with a date?",
        "Who else should have been in the room, and how will you get them there?",
    ),
    "win_rate": (
        "Pick a deal you lost this quarter: at which stage could you have seen it coming?",
        "For your biggest open deal: who signs, and have you met them?",
        "Which deal should you stop working on so that the others get the time?",
    ),
    "deal_size": (
        "On your open deals, what else could the buyer's team use that you have not shown them?",
        "Where did you discount last, and what did you get in return?",
        "Which account could take the next size up, and who decides there?",
    ),
    "coverage": (
        "Your pipeline does not cover the gap: where will the rest of this period's deals come from?",
        "Which open deals are real, and which would you drop from the forecast today?",
        "What will you do this week to create new opportunities for next period?",
    ),
    "cycle": (
        "Which of your deals is waiting on someone, and what is the next dated step?",
        "What would make the buyer decide a month earlier?",
        "Where do your deals sit longest, and why there?",
    ),
    NO_FOCUS: (
        "What went well last week that you want to repeat?",
        "Where are you stuck, and what help do you need from me?",
        "What is the one thing you will do differently this week?",
    ),
}
BY_DIMENSION: dict[str, tuple[str, ...]] = {
    "preparation": ("Before we start: what did you look at in your numbers this week?",),
    "diagnosis": ("Looking at your funnel, where exactly do your deals get lost?",),
    "focus": ("If you changed one behaviour this week, which would move your number most?",),
    "accountability": ("What will you do by Friday, and how will we both know it is done?",),
    "follow_through": ("Last time you committed to something: how did it go, and what got in the way?",),
    "development": ("Shall we practise that conversation now, you as the rep and me as the buyer?",),
}
assert set(BY_DRIVER) == {*DRIVERS, NO_FOCUS} and set(BY_DIMENSION) == set(DIMENSIONS)
KEYS = (*BY_DRIVER, *BY_DIMENSION)


def label(key: str) -> str:
    """What a key of the table is called for people: the driver's or dimension's name."""
    if key == NO_FOCUS:
        return "No focus driver"
    if key in DRIVERS:
        return DRIVERS[key].label
    return f"Rubric: {DIMENSIONS[key].label}" if key in DIMENSIONS else key


def table(settings: Settings) -> dict[str, tuple[str, ...]]:
    """Every key's questions: the manager's own from Settings where given, else the default."""
    own = settings.prep_questions or {}
    defaults = {**BY_DRIVER, **BY_DIMENSION}
    return {k: tuple(q for q in own.get(k, ()) if q.strip()) or defaults[k] for k in KEYS}


def for_rep(driver: str | None, dimension: str | None, settings: Settings) -> tuple[str, ...]:
    """Three questions: the first two of the focus driver's (the no-focus ones without a driver) and the first
    of the rubric dimension's; without a dimension (or when it repeats), the driver's third."""
    found = table(settings)
    mine = list(found[driver if driver in BY_DRIVER else NO_FOCUS])
    asked = mine[:2]
    extra = found[dimension][0] if dimension in BY_DIMENSION else None
    if extra is not None and extra not in asked:
        asked.append(extra)
    for q in mine[2:] + list(found[NO_FOCUS]):
        if len(asked) >= 3:
            break
        if q not in asked:
            asked.append(q)
    return tuple(asked[:3])


def problems(edited: Mapping[str, Sequence[str]]) -> list[str]:
    """What is wrong with an edited table, in words (empty: it can be saved)."""
    found = []
    for key, questions in edited.items():
        if key not in KEYS:
            found.append(f"Questions: “{key}” is neither a driver nor a rubric dimension; use one of the listed rows.")
            continue
        kept = [q for q in questions if q.strip()]
        if len(kept) > MAX_QUESTIONS:
            found.append(f"Questions for {label(key)}: {len(kept)} given; keep at most {MAX_QUESTIONS}.")
        for q in kept:
            if len(q) > MAX_LENGTH:
                found.append(f"Questions for {label(key)}: one is {len(q)} characters; keep each under {MAX_LENGTH}.")
    return found


def own_questions(edited: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """What Settings stores of an edited table: only the keys that differ from the default."""
    defaults = {**BY_DRIVER, **BY_DIMENSION}
    out = {}
    for key, questions in edited.items():
        kept = [q.strip() for q in questions if q.strip()]
        if key in defaults and kept and tuple(kept) != defaults[key]:
            out[key] = kept
    return out
