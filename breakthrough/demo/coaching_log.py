"""The coaching log: sessions per manager's style, rubric scores, commitments and their reviews."""

from __future__ import annotations

import datetime as dt

import numpy as np

from breakthrough.demo import names as nm
from breakthrough.demo.days import Frame
from breakthrough.demo.org import Org
from breakthrough.demo.stories import DRIVERS, STORY_DRIVER, STYLES, Style
from breakthrough.store import models as m


def coaching(rng, org: Org, frame: Frame) -> tuple[list[dict], list[dict]]:
    """Sessions per rep by the manager's style, ids in date order, then commitments and their reviews."""
    sessions = []
    for r in range(org.n):
        style = STYLES[org.manager_style[int(org.rep_manager[r])]]
        sessions += _rep_sessions(rng, style, org, r, frame)
    sessions.sort(key=lambda s: (s["date"], s["manager_id"], s["rep_id"], s["type"]))
    for i, s in enumerate(sessions):
        s["id"] = i + 1
    commitments = []
    for rep_sessions in _by_rep(sessions):
        commitments += _commitments(rng, rep_sessions, frame.today)
    return [{k: v for k, v in s.items() if not k.startswith("_")} for s in sessions], commitments


def _pick(rng, options):
    """One of `options`, as `rng.choice(options)` draws it (the same number from the stream), six times quicker."""
    return options[int(rng.integers(len(options)))]


def _by_rep(sessions: list[dict]) -> list[list[dict]]:
    groups: dict[int, list[dict]] = {}
    for s in sessions:
        groups.setdefault(s["rep_id"], []).append(s)
    return [groups[k] for k in sorted(groups)]


def _rep_sessions(rng, style: Style, org: Org, r: int, frame: Frame) -> list[dict]:
    """This rep's sessions over the data window (from their hire date), by type, with debriefs."""
    days = frame.days[frame.days >= org.rep_hire[r]]
    rows = []
    for kind, per_4_weeks in style.rates.items():
        for d in np.nonzero(rng.random(len(days)) < per_4_weeks / 20)[0]:
            rows.append(_session(rng, style, org, r, kind, days[d]))
            if kind == "joint_call":
                rows += _debrief(rng, style, org, r, days, int(d))
    return rows


def _debrief(rng, style: Style, org: Org, r: int, days: np.ndarray, d: int) -> list[dict]:
    """A debrief 1–2 working days after a joint call (or later, or never, by style)."""
    u = rng.random()
    if u < style.debrief:
        lag = int(rng.integers(1, 3))
    elif rng.random() < style.late_debrief:
        lag = int(rng.integers(3, 7))
    else:
        return []
    return [_session(rng, style, org, r, "debrief", days[d + lag])] if d + lag < len(days) else []


def _session(rng, style: Style, org: Org, r: int, kind: str, day: np.datetime64) -> dict:
    """One session row: duration, focus driver, rubric scores and notes in the manager's style."""
    manager = int(org.rep_manager[r])
    driver = _focus_driver(rng, style, org.rep_story[r])
    scores = _scores(rng, style)
    return {
        "manager_id": manager,
        "rep_id": int(org.rep_id[r]),
        "date": day.item(),
        "type": kind,
        "duration_min": int(_pick(rng, style.minutes)),
        "focus_driver": driver,
        "focus_text": nm.FOCUS_TEXT[driver] if driver else None,
        **scores,
        "scored_by_id": (1 if rng.random() < 0.2 else manager) if any(scores.values()) else None,
        "notes": str(_pick(rng, nm.NOTES[style.notes])),
        "_style": style,
    }


def _focus_driver(rng, style: Style, story: str | None) -> str | None:
    """A named focus driver (often the rep's real weakness), or None."""
    if rng.random() >= style.focus:
        return None
    if story in STORY_DRIVER and rng.random() < 0.6:
        return STORY_DRIVER[story]
    return str(_pick(rng, DRIVERS))


def _scores(rng, style: Style) -> dict[str, int | None]:
    """Rubric scores 1–5 in the style's range, some dimensions (or the whole session) unscored."""
    unscored = rng.random() < style.unscored
    values = rng.integers(style.scores[0], style.scores[1] + 1, len(m.RUBRIC))
    blank = rng.random(len(m.RUBRIC)) < style.blank
    return {dim: None if unscored or b else int(v) for dim, v, b in zip(m.RUBRIC, values, blank)}


def _commitments(rng, sessions: list[dict], today: dt.date) -> list[dict]:
    """Commitments agreed in a rep's sessions (in date order), with status and the session that reviewed them."""
    rows = []
    for i, s in enumerate(sessions):
        style: Style = s["_style"]
        for _ in range(int(rng.integers(style.commitments[0], style.commitments[1] + 1))):
            rows.append(_commitment(rng, style, s, sessions[i + 1 :], today))
    return rows


def _commitment(rng, style: Style, s: dict, later: list[dict], today: dt.date) -> dict:
    """One commitment: due 5–14 days out (or no date), reviewed on time, late or never, done/missed/open."""
    driver = s["focus_driver"]
    due = s["date"] + dt.timedelta(days=int(rng.integers(5, 15))) if rng.random() < style.due else None
    review = _review(rng, style, s["date"], due, later)
    status = _status(rng.random() < style.done, due, review, today)
    return {
        "session_id": s["id"],
        "rep_id": s["rep_id"],
        "text": str(_pick(rng, nm.COMMITMENT_TEXT[driver])),
        "driver": driver,
        "due_date": due,
        "status": status,
        "reviewed_session_id": review["id"] if review else None,
        "reviewed_date": review["date"] if review else None,
    }


def _status(done: bool, due: dt.date | None, review: dict | None, today: dt.date) -> str:
    """done / missed once the due date has passed; done early when reviewed; otherwise open."""
    if due is not None and due <= today:
        return "done" if done else "missed"
    return "done" if done and review is not None else "open"


def _review(rng, style: Style, agreed: dt.date, due: dt.date | None, later: list[dict]) -> dict | None:
    """The later session that reviewed a commitment: the last one by its due date, or the first after."""
    if rng.random() >= style.review:
        return None
    deadline = due or agreed + dt.timedelta(days=14)
    on_time = [s for s in later if s["date"] > agreed and s["date"] <= deadline]
    late = [s for s in later if s["date"] > deadline]
    if on_time and rng.random() < style.on_time:
        return on_time[-1]
    return late[0] if late else None
