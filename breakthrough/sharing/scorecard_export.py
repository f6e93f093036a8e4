"""The scorecard per rep as plain records: what `python -m breakthrough figures` prints.

Scripts depend on these records, so `FIELDS` is a stable interface (docs/importing.md lists it):
fields are only ever added, never renamed, removed or re-ordered. Every figure is the Overview's own:
the records are made from the same `scorecard.build` card and the same `scorecard.overview_rows`
table the page draws, for the same reps (`view.reps_in_scope`) and as-of date (`view.effective_as_of`).
Nothing is worked out again here but the coaching sessions per rep, which the card does not hold.

Money is in the reporting currency, rounded to cents; percentages are in percent (`85.3`); a figure
that is infinite (a need no pace can reach, coverage with nothing left to win) or unknown is `None`,
and the status next to it says why.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections import Counter
from collections.abc import Sequence

import pandas as pd
from sqlalchemy import Engine

from breakthrough.coaching import sessions
from breakthrough.metrics import scorecard
from breakthrough.metrics.periods import Period
from breakthrough.metrics.view import effective_as_of, reps_in_scope
from breakthrough.settings import Settings
from breakthrough.sharing.exports import neutralise
from breakthrough.store import queries
from breakthrough.talent import hidden

FIELDS = (
    "rep",
    "email",
    "team",
    "manager",
    "period",
    "period_start",
    "period_end",
    "as_of",
    "currency",
    "quota",
    "won",
    "won_count",
    "lost_count",
    "attainment_pct",
    "gap",
    "elapsed_pct",
    "status",
    "calls",
    "meetings",
    "calls_per_week_needed",
    "calls_per_week_actual",
    "calls_status",
    "meetings_per_week_needed",
    "meetings_per_week_actual",
    "meetings_status",
    "new_opps_per_week_needed",
    "new_opps_per_week_actual",
    "new_opps_status",
    "open_pipeline",
    "coverage",
    "coverage_needed",
    "coverage_status",
    "past_due_pipeline",
    "coaching_sessions",
    "unconverted_currencies",
    "team_pace_pct",
    "hidden_by_total",
)
STAGE_FIELDS = {"calls": "calls", "meetings": "meetings", "opportunities": "new_opps"}
NO_QUOTA, QUOTA_MET, NOT_STARTED = scorecard.NO_QUOTA, scorecard.QUOTA_MET, scorecard.NOT_STARTED


class UnknownScope(ValueError):
    """A team or manager with no active reps (the message names the parameter and the choices)."""


def records(
    engine: Engine,
    settings: Settings,
    period: Period,
    as_of: dt.date,
    team: str | None = None,
    manager: str | None = None,
) -> list[dict]:
    """One record per active rep of `team` and `manager` (None: all), in the Overview's order."""
    people = queries.people(engine)
    _check_scope(people, team, manager)
    as_of = effective_as_of(as_of, period)
    card = scorecard.build(engine, settings, period, as_of)
    scope = reps_in_scope(people, team, manager)
    rows = scorecard.overview_rows(card, [int(i) for i in scope.index])
    if rows.empty:
        return []
    coached = coaching_sessions(engine, period.start, as_of, rows["rep_id"].tolist())
    email = people["email"]
    teams = team_paces(card, settings)
    return [
        _record(card, settings, row, card.reps[row["rep_id"]], email.get(row["rep_id"]), coached[row["rep_id"]])
        | teams.get(row["rep_id"], {"team_pace_pct": None, "hidden_by_total": False})
        for row in rows.to_dict("records")
    ]


def team_paces(card: scorecard.Scorecard, settings: Settings) -> dict[int, dict]:
    """Per rep: their whole team's results pace (every rep of the team in the card, as the Overview's team
    total) and whether they are behind while that team is on track (`talent.hidden`)."""
    found: dict[int, dict] = {}
    by_team: dict[str, list[int]] = {}
    for i, rep in card.reps.items():
        if isinstance(rep.team, str):
            by_team.setdefault(rep.team, []).append(i)
    for ids in by_team.values():
        pace = card.totals(ids)["results_pace"]
        call_out = hidden.hidden(card, settings, ids)
        behind = {i for i, _, _ in call_out.behind} if call_out else set()
        for i in ids:
            found[i] = {"team_pace_pct": _percent(pace), "hidden_by_total": i in behind}
    return found


def coaching_sessions(engine: Engine, start: dt.date, end: dt.date, rep_ids: Sequence[int]) -> Counter:
    """Coaching sessions per rep dated in [start, end] (0 for a rep with none)."""
    found = sessions.sessions(engine, start, end, rep_ids)
    return Counter(int(i) for i in found["rep_id"])


def _check_scope(people: pd.DataFrame, team: str | None, manager: str | None) -> None:
    reps = reps_in_scope(people, None, None)
    teams = sorted(reps["team"].dropna().unique())
    if team and team not in teams:
        raise UnknownScope(f"--team: no active reps in a team named “{team}”. Teams: {_listed(teams)}.")
    managers = sorted(reps_in_scope(people, team, None)["manager"].dropna().unique())
    if manager and manager not in managers:
        where = f" in team “{team}”" if team else ""
        raise UnknownScope(
            f"--manager: no active reps of a manager named “{manager}”{where}. Managers: {_listed(managers)}."
        )


def _listed(names: list[str]) -> str:
    return ", ".join(names) if names else "none yet"


def _record(
    card: scorecard.Scorecard, settings: Settings, row: dict, rep: scorecard.RepFigures, email, coached: int
) -> dict:
    """One rep's record: the Overview's row, and the counts the card holds beside it."""
    out = {
        "rep": row["Rep"],
        "email": _text(email),
        "team": _text(row["Team"]),
        "manager": _text(row["Manager"]),
        "period": card.period.key,
        "period_start": card.period.start.isoformat(),
        "period_end": card.period.end.isoformat(),
        "as_of": card.as_of.isoformat(),
        "currency": settings.reporting_currency,
        "quota": _money(row["Quota"]),
        "won": _money(row["Won"]),
        "won_count": rep.won_count,
        "lost_count": rep.lost_count,
        "attainment_pct": _percent(row["Attainment"]),
        "gap": _money(row["Gap"]),
        "elapsed_pct": _percent(card.elapsed_share),
        "status": status(rep, card.elapsed_share, settings),
        "calls": rep.calls,
        "meetings": rep.meetings,
    }
    for stage, name in STAGE_FIELDS.items():
        needed, actual, _, shown = scorecard.STAGE_COLUMNS[stage]
        out[f"{name}_per_week_needed"] = _number(row[needed])
        out[f"{name}_per_week_actual"] = _number(row[actual])
        out[f"{name}_status"] = _text(row[shown])
    out |= {
        "open_pipeline": _money(rep.open_pipeline),
        "coverage": _number(row["Coverage"]),
        "coverage_needed": _number(row["Coverage needed"]),
        "coverage_status": _text(row["Coverage status"]),
        "past_due_pipeline": _money(row["Past-due pipeline"]),
        "coaching_sessions": coached,
        "unconverted_currencies": " ".join(sorted(rep.unconverted)),
    }
    return {name: out[name] for name in FIELDS if name in out}


def status(rep: scorecard.RepFigures, elapsed_share: float, settings: Settings) -> str:
    """Won to date against the share of the period gone (`scorecard.rep_status`: one rule for every page)."""
    return scorecard.rep_status(rep, elapsed_share, settings)


def _finite(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _money(value) -> float | None:
    found = _finite(value)
    return None if found is None else round(found, 2)


def _percent(value) -> float | None:
    found = _finite(value)
    return None if found is None else round(found * 100, 1)


def _number(value) -> float | None:
    found = _finite(value)
    return None if found is None else round(found, 2)


def _text(value) -> str | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def csv_text(found: list[dict]) -> str:
    """The records as CSV with a header row of `FIELDS`; text cells that a spreadsheet would run as a
    formula get a leading `'` (`exports.neutralise`); a missing value is an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FIELDS)
    for record in found:
        writer.writerow(["" if record[f] is None else neutralise(record[f]) for f in FIELDS])
    return buffer.getvalue()
