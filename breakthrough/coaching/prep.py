"""One-on-one prep (docs/coaching.md#one-on-one-prep): for a manager and an ISO week, one block per rep.

Each block holds, from figures worked out elsewhere (never again here):
- status and pace in words (`scorecard.rep_status`, the reverse funnel's weekly paces);
- the focus driver and its money value (`diagnosis.focus`), and its change since the last session: the
  rep's driver value over the 4 weeks up to the as-of date minus the 4 weeks before their last session
  (`impact.driver_values` on the running totals, as the impact figures measure it; activity volume and the
  three conversion rates and deal size only — coverage and cycle are not measured per 4 weeks);
- the commitments to review: due after the last one-on-one up to the end of the week (any status), and
  every one still open past its due date (`managers.status_as_of`);
- days since the last one-on-one, joint call and debrief against the cadence (`cadence.targets`: every
  28 ÷ target days; a debrief is late when the last joint call has none after it within the debrief window,
  in working days);
- at most five deals to inspect, those breaking the past-due, stalled or pushed rule (`diagnosis.hygiene`),
  most rules broken first, then the largest;
- three questions (`questions.for_rep`) from the focus driver and the rubric dimension to work on: the rep's
  lowest-scored dimension over the look-back's scored sessions; none scored: follow-through when there are
  commitments to review.

The week's figures are as of its last day (Sunday), or the latest data when the week is not over. Blocks
are ordered the way a manager should spend time: behind first, then at risk, on track, quota met, no quota;
within each, the largest focus money value first.

`gather` reads everything once for every rep (the digest reuses it for every manager); `compose` lays out
one manager's sheet, kept to the viewer's `scope`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from breakthrough.access.scope import OPEN, Scope
from breakthrough.coaching import cadence, impact, managers, questions
from breakthrough.coaching import sessions as session_store
from breakthrough.diagnosis import focus, hygiene
from breakthrough.formatting import day, money, number, percent
from breakthrough.metrics import drivers, periods, scorecard
from breakthrough.metrics.periods import Period
from breakthrough.metrics.view import reps_now
from breakthrough.settings import Settings
from breakthrough.store import queries, records
from breakthrough.store.models import RUBRIC

MAX_DEALS = 5
DEAL_RULES = ("past_due", "stalled", "pushed")  # the hygiene rules a one-on-one inspects
REASONS = {
    "past_due": "past due",
    "stalled": "stalled in stage",
    "pushed": "pushed twice or more",
}  # `hygiene.RULES`, short
STATUS_ORDER = ("behind", "at risk", "on track", scorecard.QUOTA_MET, scorecard.NOT_STARTED, scorecard.NO_QUOTA)
KINDS = {"one_on_one": "One-on-one", "joint_call": "Joint call", "debrief": "Debrief"}
WEEK = re.compile(r"(\d{4})-W(\d{1,2})")


# --- the week ----------------------------------------------------------------------------------


def parse_week(text: str) -> tuple[dt.date, dt.date]:
    """An ISO week `YYYY-Www` as its Monday and Sunday; ValueError saying what to write otherwise."""
    found = WEEK.fullmatch((text or "").strip().upper())
    if not found:
        raise ValueError(f"“{text}” is not a week: write it as YYYY-Www, for example 2026-W48.")
    try:
        monday = dt.date.fromisocalendar(int(found[1]), int(found[2]), 1)
    except ValueError:
        raise ValueError(f"“{text}” is not a week of {found[1]}: weeks run from W01 to W52 or W53.") from None
    return monday, monday + dt.timedelta(days=6)


def week_of(value: dt.date) -> str:
    """The ISO week holding a day: `2026-W48`."""
    year, week, _ = value.isocalendar()
    return f"{year}-W{week:02d}"


def week_as_of(week: str, latest: dt.date) -> dt.date:
    """The day a week's figures are as of: its Sunday, or `latest` (the data's last day) when that is earlier;
    never before the week's Monday."""
    monday, sunday = parse_week(week)
    return max(min(sunday, latest), monday)


# --- what a sheet is made of -------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """A commitment to review: what, its driver, when it was due and its status on the as-of date."""

    id: int
    text: str
    driver: str | None
    due_date: dt.date | None
    status: str  # open | overdue | done | missed
    agreed: dt.date


@dataclass(frozen=True)
class Cadence:
    """One kind of session: the last one, days since, the days the cadence allows, and whether it is late."""

    kind: str
    last: dt.date | None
    days_since: int | None
    every_days: float | None  # None: the cadence asks for none (a debrief: after each joint call)
    late: bool

    @property
    def label(self) -> str:
        return KINDS[self.kind]

    def in_words(self) -> str:
        since = "never in the look-back" if self.last is None else f"{self.days_since} days ago ({day(self.last)})"
        if self.kind == "debrief":
            target = "after each joint call"
        elif self.every_days is None:
            target = "not in the cadence"
        else:
            target = f"every {number(self.every_days, 0)} days"
        return f"{since}; {target}" + (" · late" if self.late else "")


@dataclass(frozen=True)
class Deal:
    id: int
    crm_id: str | None
    name: str | None
    amount: float | None
    currency: str | None
    close_date: dt.date | None
    reasons: tuple[str, ...]  # the hygiene rules it breaks, in words


@dataclass(frozen=True)
class Block:
    """One rep's part of the sheet."""

    rep_id: int
    name: str
    team: str | None
    status: str
    status_text: str
    pace_text: str
    focus: str | None
    focus_value: float
    focus_change: float | None  # the driver's value now minus before the last session (None: not measured)
    last_session: dt.date | None
    commitments: tuple[Due, ...]
    cadence: tuple[Cadence, ...]
    deals: tuple[Deal, ...]
    dimension: str | None
    questions: tuple[str, ...]

    @property
    def focus_label(self) -> str:
        return drivers.label(self.focus) if self.focus else "none: no driver is short of the benchmark"

    def change_text(self, currency: str = "USD") -> str:
        if self.focus is None:
            return ""
        if self.focus not in impact.MEASURED:
            return "change not measured for this driver"
        if self.last_session is None:
            return "no session yet to compare with"
        if self.focus_change is None:
            return f"not enough activity to compare with before the session of {day(self.last_session)}"
        return f"{impact.effect_text(self.focus, self.focus_change, currency)} since the session of {day(self.last_session)}"


@dataclass(frozen=True)
class Prep:
    manager_id: int
    manager: str
    week: str
    as_of: dt.date
    period: Period
    currency: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Sources:
    """What every sheet reads, for every rep at once (`gather`)."""

    settings: Settings
    as_of: dt.date
    week: str
    card: scorecard.Scorecard
    diagnosis: focus.Diagnosis
    people: pd.DataFrame
    sessions: pd.DataFrame  # the look-back up to as-of, with quality
    commitments: pd.DataFrame
    flags: pd.DataFrame  # open deals breaking a rule of `DEAL_RULES`, with name, amount and currency
    ledger: impact.Ledger | None


# --- reading -----------------------------------------------------------------------------------


def gather(
    engine: Engine,
    settings: Settings,
    week: str,
    latest: dt.date,
    period: Period | None = None,
    benchmark: str = "top quartile",
    card: scorecard.Scorecard | None = None,
) -> Sources:
    """Everything the week's sheets need (`latest`: the data's last day, see `week_as_of`); the period is the
    fiscal quarter holding the as-of date unless given; `card`: the period's scorecard when already built."""
    as_of = week_as_of(week, latest)
    period = period or periods.period_containing(as_of, "quarter", settings.fiscal_year_start_month)
    as_of = min(max(as_of, period.start), period.end)
    card = card or scorecard.build(engine, settings, period, as_of)
    diagnosis = focus.build(card, card.won_cycles, settings.shrinkage_k, benchmark, settings.on_track_threshold)
    start = as_of - dt.timedelta(days=settings.lookback_days)
    found = managers.with_quality(session_store.sessions(engine, start, as_of), settings.rubric_weights)
    agreed = session_store.commitments(engine, start, as_of)
    flags = hygiene.read(engine, as_of)
    flags = flags[flags[list(DEAL_RULES)].any(axis=1)] if len(flags) else flags
    flags = flags.merge(records.deal_details(engine, flags["id"].tolist()), on="id", how="left")
    return Sources(
        settings, as_of, week, card, diagnosis, queries.people(engine), found, agreed, flags,
        _ledger(engine, settings, found, as_of),
    )  # fmt: skip


def _ledger(engine: Engine, settings: Settings, found: pd.DataFrame, as_of: dt.date) -> impact.Ledger | None:
    """The running totals from 4 weeks before the earliest last session up to the as-of date, of the reps
    with a session."""
    if found.empty:
        return None
    last = found.groupby("rep_id")["date"].max()
    first = min(min(last) - dt.timedelta(days=impact.DAYS), as_of - dt.timedelta(days=impact.DAYS - 1))
    return impact.running_ledger(engine, settings, first, as_of, [int(r) for r in last.index])


def build(
    engine: Engine,
    settings: Settings,
    manager_id: int,
    week: str,
    latest: dt.date,
    scope: Scope = OPEN,
    period: Period | None = None,
) -> Prep:
    """One manager's sheet for a week (see `gather` and `compose`)."""
    return compose(gather(engine, settings, week, latest, period), manager_id, scope)


# --- one manager's sheet -------------------------------------------------------------------------


def manager_reps(people: pd.DataFrame, manager_id: int, as_of: dt.date, scope: Scope = OPEN) -> list[int]:
    """The manager's reps still here on the as-of date, inside `scope`, by name."""
    here = reps_now(people, None, None, as_of)
    mine = here[here["manager_id"] == manager_id].sort_values("name")
    return scope.keep(mine.index)


def compose(src: Sources, manager_id: int, scope: Scope = OPEN) -> Prep:
    """The manager's sheet: a block per rep of theirs inside `scope`, in the order to spend time."""
    ids = [r for r in manager_reps(src.people, manager_id, src.as_of, scope) if r in src.card.reps]
    blocks = [_block(src, r) for r in ids]
    blocks.sort(
        key=lambda b: (STATUS_ORDER.index(b.status) if b.status in STATUS_ORDER else 99, -b.focus_value, b.name)
    )
    name = src.people["name"].get(manager_id)
    return Prep(
        manager_id, str(name) if name is not None else f"#{manager_id}", src.week, src.as_of, src.card.period,
        src.settings.reporting_currency, tuple(blocks),
    )  # fmt: skip


def _block(src: Sources, rep_id: int) -> Block:
    rep = src.card.reps[rep_id]
    diag = src.diagnosis.reps.get(rep_id)
    mine = src.sessions[src.sessions["rep_id"] == rep_id]
    last = cadence.last_session(mine, [rep_id], src.as_of)[rep_id]
    last_one = cadence.last_session(mine, [rep_id], src.as_of, "one_on_one")[rep_id]
    due = commitments_to_review(src.commitments[src.commitments["rep_id"] == rep_id], last_one, src)
    focus_key = diag.focus if diag else None
    dimension = weakest_dimension(mine) or ("follow_through" if due else None)
    status = scorecard.rep_status(rep, src.card.elapsed_share, src.settings)
    return Block(
        rep_id=rep_id,
        name=rep.name,
        team=rep.team,
        status=status,
        status_text=status_text(rep, status, src.card, src.settings.reporting_currency),
        pace_text=pace_text(rep),
        focus=focus_key,
        focus_value=float(diag.focus_impact) if diag else 0.0,
        focus_change=focus_change(src.ledger, rep_id, focus_key, last, src.as_of),
        last_session=last,
        commitments=due,
        cadence=cadence_rows(mine, src.as_of, src.settings),
        deals=deals_to_inspect(src.flags[src.flags["rep_id"] == rep_id]),
        dimension=dimension,
        questions=questions.for_rep(focus_key, dimension, src.settings),
    )


def status_text(rep: scorecard.RepFigures, status: str, card: scorecard.Scorecard, currency: str) -> str:
    """`behind: 42 % of quota won with 61 % of the period gone (gap $120,000)`."""
    if status == scorecard.NO_QUOTA:
        return f"no quota for {card.period.label}: {money(rep.won, currency)} won"
    return (
        f"{status}: {percent(rep.funnel.attainment)} of quota won with {percent(card.elapsed_share)} of "
        f"{card.period.label} gone (gap {money(rep.funnel.gap, currency)})"
    )


def pace_text(rep: scorecard.RepFigures) -> str:
    """`calls 12.0 a week against 18.5 needed (65 %, behind) · meetings … · new opps …`."""
    parts = []
    for stage, word in (("calls", "calls"), ("meetings", "meetings"), ("opportunities", "new opps")):
        s = rep.funnel.stages[stage]
        if s.required_pw == 0:
            parts.append(f"{word} {number(s.actual_pw, 1)} a week (none needed)")
        elif not math.isfinite(s.required_pw):
            parts.append(f"{word} {number(s.actual_pw, 1)} a week (no pace can close the gap)")
        else:
            ratio = s.pace_ratio
            parts.append(
                f"{word} {number(s.actual_pw, 1)} a week against {number(s.required_pw, 1)} needed "
                f"({percent(ratio)}, {s.status or '–'})"
            )
    return " · ".join(parts)


def focus_change(
    ledger: impact.Ledger | None, rep_id: int, driver: str | None, last: dt.date | None, as_of: dt.date
) -> float | None:
    """The driver's value over the 4 weeks up to `as_of` minus the 4 weeks before the last session (`impact`'s
    measure); None when the driver is not measured per 4 weeks, there is no session, or a window has nothing
    to divide by."""
    if ledger is None or driver not in impact.MEASURED or last is None or rep_id not in ledger.column:
        return None
    column = ledger.column[rep_id]
    spans = {"then": (last - dt.timedelta(days=impact.DAYS), last - dt.timedelta(days=1)),
             "now": (as_of - dt.timedelta(days=impact.DAYS - 1), as_of)}  # fmt: skip
    values = {}
    for name, (first, final) in spans.items():
        if first < ledger.start or final > ledger.end:
            return None
        lo, hi = (first - ledger.start).days, (final - ledger.start).days + 1
        sums = {m: np.array([ledger.cum[m][hi, column] - ledger.cum[m][lo, column]]) for m in impact.MEASURES}
        values[name] = float(impact.driver_values(np.array([driver]), sums, np.ones(1))[0])
    change = values["now"] - values["then"]
    return None if math.isnan(change) else change


def commitments_to_review(agreed: pd.DataFrame, last_one_on_one: dt.date | None, src: Sources) -> tuple[Due, ...]:
    """Due after the last one-on-one up to the week's end (any status), and every one still open past its due
    date; by due date."""
    _, sunday = parse_week(src.week)
    found = []
    for c in agreed.itertuples():
        status = managers.status_as_of(c.status, c.due_date, c.reviewed_date, src.as_of)
        due = c.due_date
        since = due is not None and (last_one_on_one is None or due > last_one_on_one) and due <= sunday
        if since or status == "overdue":
            found.append(Due(int(c.id), str(c.text), _text(c.driver), due, status, c.session_date))
    return tuple(sorted(found, key=lambda d: (d.due_date or dt.date.max, d.id)))


def weakest_dimension(scored: pd.DataFrame) -> str | None:
    """The rubric dimension with the lowest mean score over these sessions (the first in the rubric's order on
    a tie); None when nothing was scored."""
    if scored.empty:
        return None
    means = scored[list(RUBRIC)].apply(pd.to_numeric, errors="coerce").mean()
    means = means.dropna()
    if means.empty:
        return None
    low = means.min()
    return next(d for d in RUBRIC if d in means and means[d] == low)


def cadence_rows(mine: pd.DataFrame, as_of: dt.date, settings: Settings) -> tuple[Cadence, ...]:
    """Days since the last one-on-one, joint call and debrief against the cadence."""
    targets = cadence.targets(settings)
    rows = []
    for kind in KINDS:
        last = _latest(mine, kind, as_of)
        since = (as_of - last).days if last is not None else None
        if kind == "debrief":
            rows.append(Cadence(kind, last, since, None, _debrief_late(mine, as_of, settings)))
            continue
        target = targets.get(kind, 0)
        every = cadence.TARGET_DAYS / target if target else None
        late = every is not None and (since is None or since > every)
        rows.append(Cadence(kind, last, since, every, late))
    return tuple(rows)


def _latest(mine: pd.DataFrame, kind: str, as_of: dt.date) -> dt.date | None:
    """One rep's latest session of `kind` on or before `as_of` (`cadence.last_session`)."""
    found = cadence.last_session(mine, mine["rep_id"].unique(), as_of, kind)
    return next(iter(found.values()), None)


def _debrief_late(mine: pd.DataFrame, as_of: dt.date, settings: Settings) -> bool:
    """The last joint call has no debrief on or after it, and the debrief window (working days) has passed."""
    call = _latest(mine, "joint_call", as_of)
    if call is None:
        return False
    debriefed = any(t == "debrief" and call <= d <= as_of for d, t in zip(mine["date"], mine["type"]))
    if debriefed:
        return False
    calendar = managers.working_calendar(call, as_of, settings.holiday_country)
    return calendar.after(call.toordinal(), as_of.toordinal()) > settings.debrief_window_days


def deals_to_inspect(flags: pd.DataFrame) -> tuple[Deal, ...]:
    """At most five deals breaking past-due, stalled or pushed: most rules broken first, then the largest."""
    if flags.empty:
        return ()
    chosen = flags.assign(_rules=flags[list(DEAL_RULES)].sum(axis=1), _amount=flags["amount"].fillna(0.0))
    chosen = chosen.sort_values(["_rules", "_amount", "id"], ascending=[False, False, True]).head(MAX_DEALS)
    return tuple(
        Deal(
            int(r.id),
            _text(r.crm_id),
            _text(r.deal),
            _amount(r.amount),
            _text(r.currency),
            r.close_date,
            tuple(REASONS[k] for k in DEAL_RULES if bool(getattr(r, k))),
        )  # fmt: skip
        for r in chosen.itertuples()
    )


def _text(value) -> str | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _amount(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)
