"""The Coaching page's and the Rep page's tables, built from `breakthrough.coaching.managers` figures.

Numbers stay numbers (so columns sort); the page formats them. Statuses and readings are
written in words with an icon, never colour alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import pandas as pd

from breakthrough.coaching import cadence, impact
from breakthrough.coaching import sessions as store
from breakthrough.coaching.managers import (
    STATUS_ICONS,
    WINDOW_DAYS,
    Coaching,
    ManagerFigures,
    reading,
    status_as_of,
    tiers,
)
from breakthrough.coaching.rubric import DIMENSIONS
from breakthrough.formatting import day
from breakthrough.metrics import drivers
from breakthrough.metrics.funnel import status
from breakthrough.metrics.scorecard import Scorecard
from breakthrough.settings import Settings
from breakthrough.store.models import RUBRIC


def verdict(effect: impact.Effect) -> str:
    """What the interval says: better or worse than the team, no clear difference, or not enough data yet."""
    if not effect.enough:
        return "not enough data yet"
    if effect.low is not None and effect.low > 0:
        return "better than the team"
    if effect.high is not None and effect.high < 0:
        return "worse than the team"
    return "no clear difference"


def impact_text(m: ManagerFigures, currency: str = "USD") -> str:
    """Short: the drivers that measurably moved after focused sessions, or why nothing is claimed."""
    n = sum(e.n for e in m.impact.values())
    if not any(e.enough for e in m.impact.values()):
        return f"not enough data yet (n = {n})"
    moved = [
        f"{verdict(e).split()[0]}: {drivers.label(d)} {impact.effect_text(d, e.mean, currency)}"
        for d, e in m.impact.items()
        if verdict(e) in ("better than the team", "worse than the team")
    ]
    return "; ".join(moved) if moved else f"no clear difference (n = {n})"


def impact_rows(m: ManagerFigures, currency: str = "USD") -> pd.DataFrame:
    """Per focus driver: sessions measured, mean change against the team, its 95 % interval, the verdict."""
    rows = []
    for d in impact.MEASURED:
        e = m.impact.get(d, impact.Effect(0, None, None, None))
        interval = (
            "–"
            if e.low is None or not e.enough
            else f"{impact.effect_text(d, e.low, currency)} to {impact.effect_text(d, e.high, currency)}"
        )
        rows.append(
            {
                "Focus driver": drivers.label(d),
                "Sessions measured": e.n,
                "Change beyond the team": impact.effect_text(d, e.mean, currency) if e.enough else "–",
                "95 % interval": interval,
                "Verdict": verdict(e),
            }
        )
    return pd.DataFrame(rows)


def scorecard_rows(managers: Mapping[int, ManagerFigures], settings: Settings) -> pd.DataFrame:
    """All managers side by side (numbers stay numbers; the page formats them)."""
    rows = []
    target, currency = settings.coaching_hours_target, settings.reporting_currency
    for m in managers.values():
        f = m.frequency
        hours_ratio = m.hours_per_rep / target if m.hours_per_rep is not None and target > 0 else None
        rows.append(
            {
                "Manager": m.name,
                "Reading": reading(m).kind,  # in words: a table cell cannot show an icon font
                "Team": m.teams,
                "Reps": len(m.rep_ids),
                "Reps on track to quota": m.on_track_share,
                "Performing": {True: "yes", False: "no", None: "–"}[m.performing],
                "Cadence (all)": f["all"].ratio,
                "Cadence status": status(f["all"].ratio, settings.on_track_threshold, settings.at_risk_threshold),
                "Hours per rep (4 wks)": m.hours_per_rep,
                "Hours status": status(hours_ratio, settings.on_track_threshold, settings.at_risk_threshold),
                "Coverage (14 days)": m.coverage,
                "Debrief rate": m.debriefs.rate,
                "Quality (0–100)": m.quality,
                "Quality n": m.quality_n,
                "Focus named": m.focus_share,
                "Follow-through": m.follow_through.rate,
                "Impact": impact_text(m, currency),
                "One-on-ones": f["one_on_one"].ratio,
                "Joint calls": f["joint_call"].ratio,
                "Pipeline reviews": f["pipeline_review"].ratio,
            }
        )
    return pd.DataFrame(rows)


def cadence_rows(m: ManagerFigures, settings: Settings) -> pd.DataFrame:
    """Per cadence type: target per rep per 4 weeks, expected, held, attainment and its status."""
    goal = cadence.targets(settings)
    rows = []
    for kind in (*cadence.CADENCE_TYPES, "all"):
        a = m.frequency[kind]
        rows.append(
            {
                "Session type": store.TYPE_LABELS.get(kind, "All three"),
                "Target per rep per 4 weeks": goal.get(kind, sum(goal.values())),
                "Expected": a.expected,
                "Held": a.held,
                "Attainment": a.ratio,
                "Status": status(a.ratio, settings.on_track_threshold, settings.at_risk_threshold),
            }
        )
    return pd.DataFrame(rows)


def rep_rows(c: Coaching, m: ManagerFigures, card: Scorecard) -> pd.DataFrame:
    """The manager's reps: tier, attainment, sessions and hours in 4 weeks, last session and one-on-one."""
    mine = c.sessions[(c.sessions["manager_id"] == m.manager_id)]
    window = cadence.in_window(mine, c.as_of, WINDOW_DAYS)
    attainment = {r: card.reps[r].funnel.attainment if r in card.reps else None for r in m.rep_ids}
    rep_tiers = tiers(attainment)
    last_any = cadence.last_session(mine, m.rep_ids, c.as_of)
    last_1on1 = cadence.last_session(mine, m.rep_ids, c.as_of, "one_on_one")
    open_ = c.commitments[c.commitments["rep_id"].isin(m.rep_ids)]
    still_open = [
        status_as_of(s, d, r, c.as_of) in ("open", "overdue")
        for s, d, r in zip(open_["status"], open_["due_date"], open_["reviewed_date"])
    ]
    open_ = open_[np.array(still_open, dtype=bool)]  # a mask, never a list: `[[]]` would select no columns
    rows = []
    for r in m.rep_ids:
        own = window[window["rep_id"] == r]
        rows.append(
            {
                "Rep": c.reps.loc[r, "name"],
                "Tier": rep_tiers[r],
                "Attainment": attainment[r],
                "Sessions (4 wks)": len(own),
                "Hours (4 wks)": own["duration_min"].sum() / 60,
                "Last session": day(last_any[r]) if last_any[r] else "none",
                "Last one-on-one": day(last_1on1[r]) if last_1on1[r] else "none",
                "Open commitments": int((open_["rep_id"] == r).sum()),
            }
        )
    return pd.DataFrame(rows)


def commitment_rows(commitments: pd.DataFrame, names: Mapping[int, str], as_of: dt.date) -> pd.DataFrame:
    """Commitments for people: rep, agreed, text, due, status in words (as of), reviewed."""
    rows = [
        {
            "Rep": names.get(int(c.rep_id), "–"),
            "Agreed": day(c.session_date),
            "Commitment": c.text if isinstance(c.text, str) else "",
            "Due": day(c.due_date) if c.due_date else "no due date",
            "Status": STATUS_ICONS[status_as_of(c.status, c.due_date, c.reviewed_date, as_of)],
            "Reviewed": day(c.reviewed_date) if c.reviewed_date and c.reviewed_date <= as_of else "–",
        }
        for c in commitments.sort_values(["session_date", "id"], ascending=False).itertuples()
    ]
    return pd.DataFrame(rows, columns=["Rep", "Agreed", "Commitment", "Due", "Status", "Reviewed"])


def rubric_rows(sessions: pd.DataFrame) -> pd.DataFrame:
    """Per rubric dimension: the mean score (1–5) over the sessions that scored it, and how many did."""
    rows = []
    for dim in RUBRIC:
        scored = pd.to_numeric(sessions[dim], errors="coerce").dropna()
        rows.append(
            {
                "Dimension": DIMENSIONS[dim].label,
                "Mean score (1–5)": float(scored.mean()) if len(scored) else None,
                "Sessions scored": int(len(scored)),
            }
        )
    return pd.DataFrame(rows)


def session_rows(sessions: pd.DataFrame, commitments: pd.DataFrame, names: Mapping[int, str]) -> pd.DataFrame:
    """Sessions newest first, for people: who, type, minutes, focus, quality, commitments agreed, notes."""
    said = commitments[commitments["text"].map(lambda t: isinstance(t, str))]  # texts taken out: None
    texts: dict[int, list[str]] = {}  # a session's texts in their order (a groupby's lambda: 0.2 s a run at M)
    pairs = zip(said["session_id"], said["text"], strict=True) if len(said) else ()  # none: maybe no columns
    for session_id, said_text in pairs:
        texts.setdefault(session_id, []).append(said_text)
    agreed = {session_id: " · ".join(each) for session_id, each in texts.items()}
    rows = [
        {
            "id": int(s.id),
            "Date": day(s.date),
            "Manager": names.get(int(s.manager_id), "–"),
            "Rep": names.get(int(s.rep_id), "–"),
            "Type": store.TYPE_LABELS.get(s.type, s.type),
            "Minutes": int(s.duration_min),
            "Focus": drivers.label(s.focus_driver) if isinstance(s.focus_driver, str) else "–",
            "Quality (0–100)": float("nan") if s.quality is None or pd.isna(s.quality) else float(s.quality),
            "Commitments": agreed.get(s.id, "") if len(agreed) else "",
            "Notes": s.notes if isinstance(s.notes, str) else "",
        }
        for s in sessions.sort_values(["date", "id"], ascending=False).itertuples()
    ]
    columns = ["id", "Date", "Manager", "Rep", "Type", "Minutes", "Focus", "Quality (0–100)", "Commitments", "Notes"]
    return pd.DataFrame(rows, columns=columns)


def effect_rows(effects: pd.DataFrame, as_of: dt.date, currency: str = "USD") -> pd.DataFrame:
    """Each focused session: the driver's value for the rep 4 weeks before and after, the team's change, the effect."""
    rows = []
    for e in effects.sort_values("date", ascending=False).itertuples():
        ends = impact.windows(e.date)[1][1]

        def text(v, signed=False, driver=e.driver):
            return impact.effect_text(driver, v, currency, signed)

        team_change = None if pd.isna(e.team_after) or pd.isna(e.team_before) else e.team_after - e.team_before
        rows.append(
            {
                "Date": day(e.date),
                "Focus driver": drivers.label(e.driver),
                "Rep, 4 weeks before": text(e.rep_before),
                "Rep, 4 weeks after": text(e.rep_after) if ends <= as_of else f"not over until {day(ends)}",
                "Team's change": text(team_change, True),
                "Effect (rep's change − team's)": text(e.effect, True),
            }
        )
    columns = [
        "Date",
        "Focus driver",
        "Rep, 4 weeks before",
        "Rep, 4 weeks after",
        "Team's change",
        "Effect (rep's change − team's)",
    ]
    return pd.DataFrame(rows, columns=columns)
