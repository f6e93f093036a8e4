"""What each recipient's weekly digest says (docs/coaching.md#the-weekly-digest), with a link per figure.

A **manager** gets, over their reps (their scope):
- status changes: each rep whose status (`scorecard.rep_status`) differs from a week earlier;
- their team: every rep's status in words (the prep sheet's), behind first;
- commitments due: open or overdue, due by the week's Sunday (the prep sheet's commitments to review);
- longest without coaching: the three reps with the most days since their last session of any kind;
- wins to recognise: reps whose focus driver improved since their last session (`prep.Block.focus_change`).
A **leader** gets every team (reps on track to quota, attainment), every manager's cadence and coverage
(`coaching.managers`), and the reps hidden by the total (`talent.hidden`).

Every line carries the address of the dashboard view it was read from (`sharing.links`, from
`Settings.app_base_url`): the same period and as-of date, and the team, manager or rep it is about.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Engine

from breakthrough.access import OPEN, Scope
from breakthrough.access import people as access_people
from breakthrough.access.roles import LEADER, MANAGER, role_of
from breakthrough.coaching import impact, managers, prep
from breakthrough.formatting import day, percent
from breakthrough.metrics import drivers, scorecard
from breakthrough.metrics.periods import Period
from breakthrough.metrics.view import reps_now
from breakthrough.settings import Settings
from breakthrough.sharing import links
from breakthrough.store import queries
from breakthrough.talent import hidden as talent_hidden

LONGEST_SHOWN = 3


@dataclass(frozen=True)
class Line:
    """One figure in words and the view it opens (`link`: None for a line that is no figure)."""

    text: str
    link: str | None = None


@dataclass(frozen=True)
class Section:
    title: str
    lines: tuple[Line, ...]
    empty: str = ""  # said when there are no lines


@dataclass(frozen=True)
class Digest:
    """One recipient's e-mail for one week."""

    person_id: int
    name: str
    email: str
    kind: str  # "manager" | "leader"
    week: str
    as_of: dt.date
    subject: str
    intro: Line
    sections: tuple[Section, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Week:
    """What every digest of the week reads, once (`gather`)."""

    src: prep.Sources
    before: scorecard.Scorecard  # a week earlier, for the status changes
    teams: pd.DataFrame
    base_url: str

    @property
    def settings(self) -> Settings:
        return self.src.settings


def gather(engine: Engine, settings: Settings, week: str, latest: dt.date, base_url: str | None = None) -> Week:
    """The week's figures for every digest: the prep sheets' sources and the scorecard a week earlier."""
    src = prep.gather(engine, settings, week, latest)
    earlier = src.as_of - dt.timedelta(days=7)
    period = src.card.period if earlier >= src.card.period.start else _period_of(earlier, settings)
    before = scorecard.build(engine, settings, period, earlier)
    return Week(src, before, queries.teams(engine), base_url or settings.app_base_url)


def _period_of(day_: dt.date, settings: Settings) -> Period:
    from breakthrough.metrics import periods

    return periods.period_containing(day_, "quarter", settings.fiscal_year_start_month)


# --- who gets one ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    person_id: int
    name: str
    email: str | None
    kind: str  # "manager" | "leader"


def recipients(people: pd.DataFrame, as_of: dt.date, email: str | None = None) -> list[Recipient]:
    """Every leader, and every manager with reps on the as-of date (by name); only the one `email` names when
    given (ValueError naming the e-mail when it is nobody's, or not a manager's or leader's)."""
    here = reps_now(people, None, None, as_of)
    with_reps = {int(m) for m in here["manager_id"].dropna()}
    found = []
    for pid, row in people.sort_values("name").iterrows():
        role = role_of(row["role"])
        gone = row.get("active") is not None and not bool(row["active"])
        active = not gone and (row.get("end_date") is None or row["end_date"] >= as_of)
        if not active:
            continue
        if role == LEADER or (role == MANAGER and int(pid) in with_reps):
            found.append(Recipient(int(pid), str(row["name"]), _email(row.get("email")), role))
    if email is None:
        return found
    wanted = access_people.clean_email(email)
    chosen = [r for r in found if r.email and r.email.lower() == wanted]
    if not chosen:
        raise ValueError(
            f"--manager: {email} is not the e-mail of a manager with reps or of a leader. "
            "Check the people list on the Data page, or use --all."
        )
    return chosen


def _email(value) -> str | None:
    return str(value).strip() if isinstance(value, str) and value.strip() else None


# --- the digests -------------------------------------------------------------------------------


def for_recipient(w: Week, r: Recipient) -> Digest:
    """The recipient's digest, kept to their scope."""
    person = w.src.people.loc[r.person_id]
    scope = access_people.scope_from(w.src.people, w.teams, _Person(r.person_id, person))
    if r.kind == LEADER:
        return for_leader(w, r, scope)
    return for_manager(w, r, scope)


class _Person:
    """What `scope_from` reads of a person, from a row of `queries.people`."""

    def __init__(self, person_id: int, row: pd.Series) -> None:
        self.id, self.role, self.email, self.name = person_id, row["role"], row.get("email"), row["name"]
        team = row.get("team_id")
        self.team_id = None if team is None or pd.isna(team) else int(team)


def _link(w: Week, page: str, **filters) -> str:
    return links.view_link(w.base_url, page, period=w.src.card.period, as_of=w.src.as_of, **filters)


def for_manager(w: Week, r: Recipient, scope: Scope = OPEN) -> Digest:
    sheet = prep.compose(w.src, r.person_id, scope)
    blocks = sheet.blocks
    on, known = sum(b.status in ("on track", scorecard.QUOTA_MET) for b in blocks), len(blocks)
    intro = Line(
        f"{on} of {known} reps on track to quota (or quota met), {sheet.period.label} as of {day(sheet.as_of)}.",
        _link(w, "overview", manager=r.name),
    )
    sections = (
        Section("Status changes since last week", tuple(_changes(w, blocks)), "No rep changed status this week."),
        Section(
            "Your reps",
            tuple(Line(f"{b.name}: {b.status_text}", _link(w, "rep", rep=b.name)) for b in blocks),
            "No reps.",
        ),
        Section("Commitments due", tuple(_due(w, blocks)), "No commitment due or overdue this week."),
        Section("Longest without coaching", tuple(_longest(w, r, blocks)), "No reps."),
        Section("Wins to recognise", tuple(_wins(w, blocks)), "No focus driver improved since the last session yet."),
        Section(
            "Prepare your one-on-ones",
            (
                Line(
                    f"The prep sheet for {sheet.week}",
                    links.view_link(w.base_url, "prep", prep_manager=r.name, week=sheet.week),
                ),
            ),  # fmt: skip
        ),
    )
    return Digest(
        r.person_id, r.name, r.email or "", "manager", w.src.week, w.src.as_of,
        f"Your week, {sheet.week}: {on} of {known} reps on track", intro, sections,
    )  # fmt: skip


def _changes(w: Week, blocks) -> list[Line]:
    found = []
    for b in blocks:
        then = w.before.reps.get(b.rep_id)
        if then is None:
            continue
        was = scorecard.rep_status(then, w.before.elapsed_share, w.settings)
        if was != b.status:
            found.append(Line(f"{b.name}: {was} → {b.status}", _link(w, "rep", rep=b.name)))
    return found


def _due(w: Week, blocks) -> list[Line]:
    _, sunday = prep.parse_week(w.src.week)
    return [
        Line(
            f"{b.name}: “{c.text}” ({drivers.label(c.driver)}), due {day(c.due_date)} — {c.status}",
            _link(w, "rep", rep=b.name),
        )  # fmt: skip
        for b in blocks
        for c in b.commitments
        if c.status in ("open", "overdue") and c.due_date is not None and c.due_date <= sunday
    ]


def _longest(w: Week, r: Recipient, blocks) -> list[Line]:
    def since(b) -> int:
        return (w.src.as_of - b.last_session).days if b.last_session else 10**6

    ranked = sorted(blocks, key=lambda b: (-since(b), b.name))[:LONGEST_SHOWN]
    return [
        Line(
            f"{b.name}: {since(b)} days since the last session ({day(b.last_session)})"
            if b.last_session
            else f"{b.name}: no session in the look-back window",
            _link(w, "coaching", manager=r.name),
        )
        for b in ranked
    ]


def _wins(w: Week, blocks) -> list[Line]:
    currency = w.settings.reporting_currency
    return [
        Line(
            f"{b.name}: {drivers.label(b.focus)} {impact.effect_text(b.focus, b.focus_change, currency)} since the "
            f"session of {day(b.last_session)}",
            _link(w, "rep", rep=b.name, driver=b.focus),
        )  # fmt: skip
        for b in blocks
        if b.focus and b.focus_change is not None and b.focus_change > 0
    ]


def for_leader(w: Week, r: Recipient, scope: Scope = OPEN) -> Digest:
    card = access_people.figures(w.src.card, scope)
    here = reps_now(access_people.visible_people(w.src.people, scope), None, None, w.src.as_of)
    ids = [i for i in scope.keep(here.index) if i in card.reps]
    teams: dict[str, list[int]] = {}
    for i in ids:
        teams.setdefault(card.reps[i].team or "No team", []).append(i)
    team_lines = []
    hidden_lines = []
    for team, members in sorted(teams.items()):
        on, with_quota = managers.on_track(card, members, w.settings.on_track_threshold)
        total = card.totals(members)
        team_lines.append(
            Line(
                f"{team}: {on} of {with_quota} reps on track, {percent(total['attainment'])} of quota won",
                _link(w, "overview", team=None if team == "No team" else team),
            )  # fmt: skip
        )
        found = talent_hidden.hidden(card, w.settings, members, f"Team {team}")
        if found is not None:
            hidden_lines.append(Line(found.text(), _link(w, "overview", team=None if team == "No team" else team)))
    figures = managers.every_manager(
        w.src.people, w.src.people.loc[ids, ["name", "team", "team_id", "manager_id", "hire_date"]],
        w.src.sessions, w.src.commitments, pd.DataFrame(columns=impact.EFFECT_COLUMNS), card, w.settings,
        w.src.as_of,
    )  # fmt: skip
    cadence_lines = tuple(
        Line(
            f"{m.name}: {percent(m.frequency['all'].ratio)} of the cadence target, coverage {percent(m.coverage)} "
            f"(14 days), no one-on-one in 21 days: {len(m.without_one_on_one)} of {len(m.rep_ids)} reps",
            _link(w, "coaching", manager=m.name),
        )  # fmt: skip
        for m in figures.values()
    )
    sections = [
        Section("Teams", tuple(team_lines), "No teams."),
        Section("Managers' cadence (last 4 weeks)", cadence_lines, "No managers."),
    ]
    sections.append(Section("Reps hidden by the total", tuple(hidden_lines), "No team hides a rep behind."))
    on_all, with_all = managers.on_track(card, ids, w.settings.on_track_threshold)
    intro = Line(
        f"{on_all} of {with_all} reps on track to quota, {card.period.label} as of {day(w.src.as_of)}.",
        _link(w, "overview"),
    )
    return Digest(
        r.person_id, r.name, r.email or "", "leader", w.src.week, w.src.as_of,
        f"The week, {w.src.week}: {on_all} of {with_all} reps on track", intro, tuple(sections),
    )  # fmt: skip
