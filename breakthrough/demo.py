"""Deterministic demo data: a fictional sales organisation with planted stories.

`generate(engine, scale, seed, today)` writes teams, people, accounts, activities,
opportunities, quotas and coaching into an empty, migrated database in one
transaction. The same seed and `today` always give the same rows; every figure is
drawn with numpy from one `default_rng(seed)`, reps in a fixed order.

The company ("Northwind") runs on team norms (`Norms`); each rep gets modest noise
around them, and the reps and managers named in `STORIES` deviate strongly so the
app has something real to find (see `STORY_FACTORS` and `STYLES`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields

import holidays
import numpy as np
from sqlalchemy import Connection, Engine, Table, func, select, text
from typing import Any

from breakthrough import models as m
from breakthrough import names as nm
from breakthrough.db import bump_data_version
from breakthrough.importing.people import name_key  # one normaliser for the demo and for imports
from breakthrough.rollups import refresh_activity_daily, refresh_deal_activity, refresh_opportunity_rollups
from breakthrough.settings import FIELDS, Settings

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
LEADER = "Catherine Vance"
DOMAIN = "northwind.example"
SOURCE = "demo"
CHUNK = 50_000
LEAD_IN_DAYS = 120  # opportunities (no activities) before the data start, so early quarters close deals
EUR_PER_USD = 1 / 1.08
REGION_CURRENCY = {"Europe": "EUR", "DACH": "EUR", "Nordics": "EUR", "Benelux": "EUR", "UK & Ireland": "GBP"}
GBP_PER_USD = 1 / 1.27
STAGES = ("Prospecting", "Qualification", "Proposal", "Negotiation")
STAGE_PROBABILITY = (0.1, 0.2, 0.5, 0.75)
DRIVERS = ("activity", "call_to_meeting", "meeting_to_opp", "win_rate", "deal_size", "coverage", "cycle")
STORY_DRIVER = {
    "low_activity": "activity",
    "poor_call_to_meeting": "call_to_meeting",
    "low_win_rate": "win_rate",
    "small_deals": "deal_size",
    "new_hire": "activity",
}


@dataclass(frozen=True)
class Norms:
    """What an ordinary rep does: per week volumes, conversion rates, deal size (USD), cycle."""

    calls_week: float = 50.0
    emails_week: float = 25.0
    c2m: float = 0.12
    m2o: float = 0.5
    win_rate: float = 0.30
    deal_size: float = 25_000.0
    cycle_days: float = 45.0
    target_share: float = 0.4

    def monthly_won(self) -> float:
        """Closed-won amount an ordinary rep produces per month in steady state."""
        opps_week = self.calls_week * self.c2m * self.m2o
        return opps_week * self.win_rate * self.deal_size * 52 / 12


@dataclass(frozen=True)
class Scale:
    """Size of the organisation: regions with their teams, reps per team, accounts, norms."""

    regions: tuple[tuple[str, tuple[str, ...]], ...]
    reps_per_team: int
    accounts: int
    norms: Norms = field(default_factory=Norms)


def _grid(n_regions: int, n_teams: int) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Regions named from `REGIONS`, each with `n_teams` segment teams."""
    return tuple((r, tuple(f"{r} {s}" for s in SEGMENTS[:n_teams])) for r in REGIONS[:n_regions])


REGIONS = ("Americas", "Europe", "APAC", "LATAM", "Middle East & Africa", "Nordics", "DACH",
           "UK & Ireland", "Benelux", "ANZ")
SEGMENTS = ("Enterprise", "Mid-Market", "Commercial", "SMB", "Strategic", "Public Sector", "Healthcare",
            "Financial Services", "Retail", "Manufacturing")
BIG = Norms(calls_week=80.0, emails_week=20.0, c2m=0.25)  # M and L: busier reps, for benchmarks
SCALES: dict[str, Scale] = {
    "S": Scale((("Americas", ("Enterprise East", "Enterprise West", "Mid-Market")), ("Europe", ("EMEA",))),
               6, 300),
    "M": Scale(_grid(5, 4), 10, 2_500, BIG),
    "L": Scale(_grid(10, 10), 10, 10_000, BIG),
}

# Where the stories live: (team index) -> rep stories, and manager styles by team index.
REP_SLOTS = {0: ("low_activity", "low_win_rate"), 1: ("ahead",), 2: ("poor_call_to_meeting", "new_hire"),
             3: ("small_deals",)}
MANAGER_SLOTS = {0: "coaches_often_shallow", 1: "coaches_well", 3: "coaches_rarely"}
STORY_FACTORS: dict[str, dict[str, float]] = {
    "low_activity": {"calls_week": 0.3, "emails_week": 0.4},
    "poor_call_to_meeting": {"calls_week": 1.4, "c2m": 0.2},  # 0.25 left her focus on win rate at seed 7
    "low_win_rate": {"m2o": 1.6, "win_rate": 0.27},
    "small_deals": {"deal_size": 0.24},
    "ahead": {"calls_week": 1.2, "c2m": 1.1, "m2o": 1.05, "win_rate": 1.1, "deal_size": 1.05},
    "new_hire": {},
}
NOISE = {"calls_week": 0.12, "emails_week": 0.15, "c2m": 0.12, "m2o": 0.10, "win_rate": 0.12,
         "deal_size": 0.15, "cycle_days": 0.15, "target_share": 0.25}


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
    "ordinary": Style({"one_on_one": 2.5, "joint_call": 1.0, "pipeline_review": 1.0, "deal_review": 0.5,
                       "other": 0.2}, 0.5, 0.5, (2, 4), 0.1, 0.15, (30, 30, 45, 60), 0.6, (0, 2), 0.7, 0.7,
                      0.6, 0.5, "ordinary"),
    "coaches_well": Style({"one_on_one": 4.0, "joint_call": 2.0, "pipeline_review": 2.0, "deal_review": 0.5},
                          0.95, 1.0, (4, 5), 0.0, 0.05, (30, 45, 60), 0.95, (1, 3), 0.95, 0.85, 0.95, 0.9,
                          "good"),
    "coaches_often_shallow": Style({"one_on_one": 9.0, "joint_call": 1.5, "pipeline_review": 3.0,
                                    "deal_review": 1.0, "other": 1.0}, 0.2, 0.3, (1, 2), 0.05, 0.3,
                                   (15, 15, 20), 0.15, (0, 1), 0.2, 0.5, 0.2, 0.3, "shallow"),
    "coaches_rarely": Style({"one_on_one": 0.6, "joint_call": 0.1, "pipeline_review": 0.1}, 0.3, 0.3, (2, 4),
                            0.2, 0.2, (30, 45, 60), 0.5, (0, 2), 0.6, 0.6, 0.4, 0.3, "ordinary"),
}

# Activity codes: kinds and outcomes are small ints while generating, strings when written.
KINDS = ("call", "email", "meeting", "demo")
RAW_KINDS = ("Call", "Email", "Meeting", "Demo")
OUTCOMES = (None, "connected", "no answer", "left voicemail", "held", "no show", "sent")
CALL, EMAIL, MEETING, DEMO = range(4)
NONE, CONNECTED, NO_ANSWER, VOICEMAIL, HELD, NO_SHOW, SENT = range(7)


# ----------------------------------------------------------------------------- entry points


def generate(engine: Engine, scale: str = "S", seed: int = 7, today: dt.date | None = None) -> dict[str, int]:
    """Write the demo into an empty, migrated database in one transaction; return row counts per table."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: choose one of {', '.join(SCALES)}")
    with engine.begin() as conn:
        return write_demo(conn, scale, seed, today or dt.date.today())


def write_demo(conn: Connection, scale: str, seed: int, today: dt.date) -> dict[str, int]:
    """Generate and insert everything inside the caller's transaction (under its stored settings)."""
    if conn.execute(select(func.count()).select_from(m.Person)).scalar():
        raise ValueError("the database already holds people: the demo needs an empty database")
    rng = np.random.default_rng(seed)
    tables = build(rng, SCALES[scale], today, _settings(conn))
    counts = {name: _insert(conn, m.Base.metadata.tables[name], rows) for name, rows in tables.items()}
    refresh_activity_daily(conn)  # and target_activity_day
    refresh_deal_activity(conn)
    refresh_opportunity_rollups(conn)
    counts["activity_daily"] = conn.execute(select(func.count()).select_from(m.ActivityDaily)).scalar_one()
    _mark_demo(conn)
    _advance_sequences(conn, list(tables))
    bump_data_version(conn)
    return counts


def _settings(conn: Connection) -> Settings:
    """The settings stored in the database (defaults for the rest), read on this connection."""
    rows = conn.execute(select(m.Setting.key, m.Setting.value).where(m.Setting.key.in_(FIELDS))).all()
    return Settings(**dict(rows))


def clear(conn: Connection) -> None:
    """Delete every row of every table (children before parents), keeping the data version counting up."""
    for table in reversed(m.Base.metadata.sorted_tables):
        where = table.c.key != "data_version" if table.name == "setting" else None
        conn.execute(table.delete() if where is None else table.delete().where(where))


def build(rng: np.random.Generator, scale: Scale, today: dt.date, settings: Settings) -> dict[str, Iterable[dict]]:
    """All demo rows, by table name, in insert order (rows of the big tables are produced lazily)."""
    frame = Frame.make(today, settings)
    org = Org.make(rng, scale, frame)
    accounts = Accounts.make(rng, scale.accounts, org)
    opps, acts = _pipeline(rng, org, accounts, frame)
    sessions, commitments = _coaching(rng, org, frame)
    return {
        "team": org.teams, "person": org.people, "account": accounts.rows(),
        "opportunity": opps.rows(org, accounts), "opportunity_history": opps.history(rng, frame),
        "activity": acts.rows(_child(rng), org, accounts, opps, frame), "quota": _quotas(org, frame),
        "coaching_session": sessions, "commitment": commitments,
    }


def _child(rng: np.random.Generator) -> np.random.Generator:
    """An independent stream for rows produced lazily (while inserting), drawn now so order cannot matter."""
    return np.random.default_rng(int(rng.integers(2**62)))


# ----------------------------------------------------------------------------- time


@dataclass(frozen=True)
class Frame:
    """The calendar: three fiscal quarters ending today, the lead-in before it, the quota months."""

    today: dt.date
    start: dt.date
    days: np.ndarray  # working days start..today (datetime64[D])
    lead_days: np.ndarray  # working days in the lead-in before start
    months: tuple[dt.date, ...]  # first days of the quota months (3 quarters + the next one)
    holidays: np.ndarray

    @staticmethod
    def make(today: dt.date, settings: Settings) -> Frame:
        """The frame for `today` under the fiscal year start and holiday country in `settings`."""
        q0 = _quarter_index(today, settings.fiscal_year_start_month)
        months = tuple(_month(q0 + k) for k in range(-6, 6))
        start = months[0]
        hols = _holidays(settings.holiday_country, start.year - 1, today.year + 1)
        days = _working_days(start, today, hols)
        lead = _working_days(start - dt.timedelta(days=LEAD_IN_DAYS), start - dt.timedelta(days=1), hols)
        return Frame(today, start, days, lead, months, hols)

    @property
    def today64(self) -> np.datetime64:
        return np.datetime64(self.today, "D")


def _quarter_index(day: dt.date, fy_start_month: int) -> int:
    """Month index (year*12 + month-1) of the first month of the fiscal quarter holding `day`."""
    idx = day.year * 12 + day.month - 1
    return idx - (idx - (fy_start_month - 1)) % 3


def _month(idx: int) -> dt.date:
    return dt.date(idx // 12, idx % 12 + 1, 1)


def _holidays(country: str | None, first_year: int, last_year: int) -> np.ndarray:
    """Public holidays of `country` (none when unset or unknown) as datetime64[D]."""
    try:
        found = holidays.country_holidays(country, years=range(first_year, last_year + 1)) if country else {}
    except NotImplementedError:
        found = {}
    return np.array(sorted(found), dtype="datetime64[D]")


def _working_days(first: dt.date, last: dt.date, hols: np.ndarray) -> np.ndarray:
    days = np.arange(np.datetime64(first, "D"), np.datetime64(last, "D") + 1)
    return days[np.is_busday(days, holidays=hols)]


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


# ----------------------------------------------------------------------------- people


@dataclass
class Org:
    """Teams and people, with one entry per rep in the rep arrays (the fixed processing order)."""

    teams: list[dict]
    people: list[dict]
    rep_id: np.ndarray
    rep_team: np.ndarray  # index into team_currency
    rep_manager: np.ndarray  # person id
    rep_hire: np.ndarray  # datetime64[D]
    rep_story: list[str | None]
    team_currency: list[str]
    manager_style: dict[int, str]  # manager person id -> STYLES key
    params: dict[str, np.ndarray]  # per rep behaviour, see Norms
    norms: Norms

    @staticmethod
    def make(rng: np.random.Generator, scale: Scale, frame: Frame) -> Org:
        """Teams, a head of sales, a manager per team and its reps, with behaviour parameters."""
        teams, child_ids, currencies = _teams(scale)
        pool = _name_pool(rng)
        leader = _person(1, LEADER, "leader", None, None, _years_ago(rng, frame.today, 7, 10))
        managers = _managers(rng, child_ids, pool, frame.today)
        reps, stories, rep_team = _reps(rng, scale, child_ids, managers, pool, frame.today)
        org = Org(teams, [leader, *managers, *reps], np.array([r["id"] for r in reps]), np.array(rep_team),
                  np.array([r["manager_id"] for r in reps]), np.array([r["hire_date"] for r in reps],
                  dtype="datetime64[D]"), stories, currencies, _styles(managers), {}, scale.norms)
        org.params = _rep_params(rng, scale.norms, stories, [currencies[t] for t in rep_team])
        return org

    @property
    def n(self) -> int:
        return len(self.rep_id)

    def currency(self) -> np.ndarray:
        return np.array(self.team_currency, dtype=object)[self.rep_team]


def _teams(scale: Scale) -> tuple[list[dict], list[int], list[str]]:
    """Team rows (regions first), the ids of the child teams, and each child team's currency."""
    regions = [{"id": i + 1, "name": name, "parent_id": None} for i, (name, _) in enumerate(scale.regions)]
    children: list[dict[str, Any]] = []
    currencies: list[str] = []
    for region, (region_name, team_names) in zip(regions, scale.regions):
        for name in team_names:
            children.append({"id": len(regions) + len(children) + 1, "name": name, "parent_id": region["id"]})
            currencies.append(REGION_CURRENCY.get(region_name, "USD"))
    return regions + children, [t["id"] for t in children], currencies


def _name_pool(rng: np.random.Generator) -> Iterator[str]:
    """Distinct, shuffled "First Last" names that clash with no story name once accents are stripped."""
    taken = {name_key(n) for n in [*STORIES.values(), LEADER]}
    combos = [f"{f} {last}" for f in nm.FIRST_NAMES for last in nm.LAST_NAMES]
    return (combos[i] for i in rng.permutation(len(combos)) if name_key(combos[i]) not in taken)


def _managers(rng: np.random.Generator, team_ids: list[int], pool: Iterator[str], today: dt.date) -> list[dict]:
    """One manager per child team, reporting to the head of sales; story managers in their slots."""
    rows = []
    for i, team_id in enumerate(team_ids):
        name = STORIES[MANAGER_SLOTS[i]] if i in MANAGER_SLOTS else next(pool)
        row = _person(2 + i, name, "manager", team_id, 1, _years_ago(rng, today, 3, 10))
        rows.append(row | {"_style": MANAGER_SLOTS.get(i, "ordinary")})
    return rows


def _styles(managers: list[dict]) -> dict[int, str]:
    """Manager id -> style, dropping the helper key from the rows."""
    return {row["id"]: row.pop("_style") for row in managers}


def _reps(rng, scale: Scale, team_ids: list[int], managers: list[dict], pool: Iterator[str], today: dt.date):
    """Rep rows team by team (story reps first in their team), their stories and team indexes."""
    rows, stories, team_index = [], [], []
    next_id = 2 + len(managers)
    for t, team_id in enumerate(team_ids):
        planted = REP_SLOTS.get(t, ())
        for k in range(scale.reps_per_team):
            story = planted[k] if k < len(planted) else None
            rows.append(_rep_row(rng, next_id, story, pool, team_id, managers[t]["id"], today))
            stories.append(story)
            team_index.append(t)
            next_id += 1
    return rows, stories, team_index


def _rep_row(rng, pid: int, story: str | None, pool: Iterator[str], team_id: int, manager_id: int, today):
    """One rep; the new hire started on the Monday about six weeks before today."""
    name = STORIES[story] if story else next(pool)
    hired = _monday(today - dt.timedelta(days=42)) if story == "new_hire" else _years_ago(rng, today, 1, 6)
    return _person(pid, name, "rep", team_id, manager_id, hired)


def _person(pid: int, name: str, role: str, team_id, manager_id, hired: dt.date) -> dict:
    email = ".".join("".join(c for c in part if c.isalpha()) for part in name_key(name).split())
    return {"id": pid, "name": name, "name_key": name_key(name), "email": f"{email}@{DOMAIN}", "role": role,
            "team_id": team_id, "manager_id": manager_id, "hire_date": hired, "active": True}


def _years_ago(rng: np.random.Generator, today: dt.date, low: float, high: float) -> dt.date:
    """A Monday between `low` and `high` years before today."""
    return _monday(today - dt.timedelta(days=int(rng.uniform(low, high) * 365.25)))


def _rep_params(rng, norms: Norms, stories: list[str | None], currencies: list[str]) -> dict[str, np.ndarray]:
    """Per rep behaviour: the norm with lognormal noise, or the story's exact deviation from it."""
    n = len(stories)
    params = {}
    for f in fields(Norms):
        sd = NOISE[f.name]
        base = getattr(norms, f.name) * np.exp(np.clip(rng.normal(0.0, sd, n), -2 * sd, 2 * sd))
        exact = [getattr(norms, f.name) * STORY_FACTORS[s].get(f.name, 1.0) if s else 0.0 for s in stories]
        params[f.name] = np.where([s is not None for s in stories], exact, base)
    params["deal_size"] = params["deal_size"] * [_fx(c) for c in currencies]
    params["win_rate"] = np.clip(params["win_rate"], 0.01, 0.95)
    params["m2o"] = np.clip(params["m2o"], 0.01, 0.95)
    params["target_share"] = np.clip(params["target_share"], 0.05, 0.9)
    return params


def _fx(currency: str) -> float:
    """Units of `currency` per USD (amounts are set in USD and shown in the team's currency)."""
    return {"EUR": EUR_PER_USD, "GBP": GBP_PER_USD}.get(currency, 1.0)


# ----------------------------------------------------------------------------- accounts


@dataclass
class Accounts:
    """Account names and tiers, and each rep's territory split into target and other accounts."""

    names: np.ndarray
    target: np.ndarray
    tier: np.ndarray
    territory: tuple[np.ndarray, np.ndarray]  # (targets, others): (reps, width) padded account indexes
    sizes: tuple[np.ndarray, np.ndarray]  # how many of each a rep has

    @staticmethod
    def make(rng: np.random.Generator, n: int, org: Org) -> Accounts:
        """`n` distinct accounts, a third tier "A" targets, dealt out to the reps as territories."""
        words = [(a, b, c) for a in nm.ACCOUNT_WORDS for b in nm.ACCOUNT_TRADES for c in nm.ACCOUNT_FORMS]
        picked = rng.permutation(len(words))[:n]
        names = np.array([" ".join(words[i]) for i in picked], dtype=object)
        target = np.arange(n) % 3 == 0
        tier = np.where(target, "A", np.where(rng.random(n) < 0.5, "B", "C")).astype(object)
        pools = [np.nonzero(target)[0], np.nonzero(~target)[0]]
        dealt = [_deal(rng, pool, org.n) for pool in pools]
        return Accounts(names, target, tier, (dealt[0][0], dealt[1][0]), (dealt[0][1], dealt[1][1]))

    def pick(self, rng: np.random.Generator, reps: np.ndarray, share_target: np.ndarray) -> np.ndarray:
        """An account from each rep's territory, a target one with the rep's target share."""
        use_target = (rng.random(len(reps)) < share_target[reps]) & (self.sizes[0][reps] > 0)
        which = use_target.astype(int)
        u = rng.random(len(reps))
        t_idx = (u * self.sizes[0][reps]).astype(int)
        o_idx = (u * self.sizes[1][reps]).astype(int)
        picked_t = self.territory[0][reps, np.minimum(t_idx, self.territory[0].shape[1] - 1)]
        picked_o = self.territory[1][reps, np.minimum(o_idx, self.territory[1].shape[1] - 1)]
        return np.where(which == 1, picked_t, picked_o)

    def rows(self) -> list[dict]:
        return [{"id": i + 1, "name": name, "tier": tier, "is_target": bool(t)}
                for i, (name, tier, t) in enumerate(zip(self.names, self.tier, self.target))]


def _deal(rng: np.random.Generator, pool: np.ndarray, n_reps: int) -> tuple[np.ndarray, np.ndarray]:
    """Deal `pool` round-robin to the reps: a padded (reps, width) index array and each rep's count."""
    shuffled = rng.permutation(pool)
    width = max(1, -(-len(shuffled) // n_reps))
    grid = np.full((n_reps, width), -1, dtype=int)
    owner = np.arange(len(shuffled)) % n_reps
    grid[owner, np.arange(len(shuffled)) // n_reps] = shuffled
    return grid, np.bincount(owner, minlength=n_reps)


# ----------------------------------------------------------------------------- activities and pipeline


@dataclass
class Acts:
    """Activity rows as columns: rep index, working-day index, kind, outcome, account, opportunity."""

    rep: np.ndarray
    day: np.ndarray
    kind: np.ndarray
    outcome: np.ndarray
    account: np.ndarray
    opp: np.ndarray

    @staticmethod
    def block(rep, day, kind, outcome, account=None, opp=None) -> Acts:
        """A block of `len(rep)` activities; scalars are broadcast, a missing account/opportunity is -1."""
        n = len(rep)
        return Acts(*(_column(v, n) for v in (rep, day, kind, outcome, account, opp)))

    @staticmethod
    def concat(blocks: list[Acts]) -> Acts:
        return Acts(*(np.concatenate([getattr(b, f.name) for b in blocks]) for f in fields(Acts)))

    def rows(self, rng, org: Org, accounts: Accounts, opps: Opps, frame: Frame) -> Iterator[dict]:
        """Activity rows in time order, with timestamps, durations and CRM-like labels."""
        yield from _activity_rows(rng, self, org, accounts, opps, frame)


def _column(values, n: int) -> np.ndarray:
    """An int column of length `n` from an array, a scalar, or None (all -1)."""
    values = -1 if values is None else values
    return np.broadcast_to(np.asarray(values, dtype=int), (n,)).copy()


def _pipeline(rng, org: Org, accounts: Accounts, frame: Frame) -> tuple[Opps, Acts]:
    """Daily activity per rep, opportunities from held meetings (plus a lead-in), follow-up emails."""
    intensity = _intensity(rng, org, frame.days)
    calls, meetings, no_shows, emails = _daily_counts(rng, org.params, intensity)
    meet = _meetings(rng, meetings, accounts, org)
    opps = Opps.make(rng, org, accounts, frame, meet)
    _calibrate_ahead(rng, opps, org, frame)
    blocks = [_calls(rng, calls, accounts, org), meet, _no_shows(rng, no_shows, accounts, org),
              _emails(rng, emails, accounts, org), _follow_ups(rng, opps, frame)]
    return opps, Acts.concat(blocks)


def _intensity(rng, org: Org, days: np.ndarray) -> np.ndarray:
    """(reps, days) activity multiplier: day-to-day noise, weekday rhythm, 0 before hire, ramp after."""
    tenure = (days[None, :] - org.rep_hire[:, None]).astype(int)
    ramp = np.where(tenure < 0, 0.0, np.clip(0.35 + 0.65 * tenure / 56, 0.0, 1.0))
    weekday = np.array([1.05, 1.05, 1.0, 1.0, 0.9])[(days.astype(int) - 4) % 7]  # 1970-01-05 was a Monday
    return ramp * weekday[None, :] * rng.gamma(8.0, 1 / 8, ramp.shape)


def _daily_counts(rng, params: dict[str, np.ndarray], intensity: np.ndarray):
    """Calls, meetings held, no-shows and plain emails per rep and working day."""
    calls = rng.poisson(params["calls_week"][:, None] / 5 * intensity)
    held = rng.binomial(calls, params["c2m"][:, None])
    no_shows = rng.binomial(held, 0.08)
    emails = rng.poisson(params["emails_week"][:, None] * 0.6 / 5 * intensity)
    return calls, held, no_shows, emails


def _expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rep, day) index pairs repeated by their counts."""
    r, d = np.nonzero(counts)
    n = counts[r, d]
    return np.repeat(r, n), np.repeat(d, n)


def _calls(rng, counts: np.ndarray, accounts: Accounts, org: Org) -> Acts:
    rep, day = _expand(counts)
    outcome = rng.choice([CONNECTED, NO_ANSWER, VOICEMAIL], size=len(rep), p=[0.35, 0.45, 0.20])
    account = np.where(rng.random(len(rep)) < 0.7, accounts.pick(rng, rep, org.params["target_share"]), -1)
    return Acts.block(rep, day, CALL, outcome, account)


def _meetings(rng, counts: np.ndarray, accounts: Accounts, org: Org) -> Acts:
    """Held meetings (a quarter of them demos), each with an account."""
    rep, day = _expand(counts)
    kind = np.where(rng.random(len(rep)) < 0.25, DEMO, MEETING)
    return Acts.block(rep, day, kind, HELD, accounts.pick(rng, rep, org.params["target_share"]))


def _no_shows(rng, counts: np.ndarray, accounts: Accounts, org: Org) -> Acts:
    rep, day = _expand(counts)
    return Acts.block(rep, day, MEETING, NO_SHOW, accounts.pick(rng, rep, org.params["target_share"]))


def _emails(rng, counts: np.ndarray, accounts: Accounts, org: Org) -> Acts:
    rep, day = _expand(counts)
    account = np.where(rng.random(len(rep)) < 0.8, accounts.pick(rng, rep, org.params["target_share"]), -1)
    return Acts.block(rep, day, EMAIL, SENT, account)


def _follow_ups(rng, opps: Opps, frame: Frame) -> Acts:
    """Emails about open deals, about one every 10 working days; some deals go quiet for 30+ days."""
    end = np.where(opps.status == "open", frame.today64, np.minimum(opps.close, frame.today64))
    quiet = (opps.status == "open") & (rng.random(opps.n) < 0.15)
    end = np.where(quiet, end - np.timedelta64(35, "D"), end)
    lo = np.searchsorted(frame.days, opps.created + np.timedelta64(1, "D"))
    span = np.maximum(np.searchsorted(frame.days, end, side="right") - lo, 0)
    n = rng.poisson(span / 10)
    which = np.repeat(np.arange(opps.n), n)
    day = lo[which] + (rng.random(len(which)) * span[which]).astype(int)
    return Acts.block(opps.rep[which], day, EMAIL, SENT, opps.account[which], which)


@dataclass
class Opps:
    """Opportunities as columns, sorted by created date (their order gives ids and external ids)."""

    rep: np.ndarray
    created: np.ndarray  # datetime64[D]
    close: np.ndarray  # datetime64[D]
    account: np.ndarray
    amount: np.ndarray  # NaN when unknown
    status: np.ndarray  # object: open / won / lost
    stage: np.ndarray  # index into STAGES, 4 won, 5 lost
    stage_since: np.ndarray  # datetime64[D]
    product: np.ndarray
    lead_source: np.ndarray

    @property
    def n(self) -> int:
        return len(self.rep)

    @staticmethod
    def make(rng, org: Org, accounts: Accounts, frame: Frame, meet: Acts) -> Opps:
        """Opportunities from held meetings (linked back to them) and from the lead-in, then closed out."""
        from_meeting = rng.random(len(meet.rep)) < org.params["m2o"][meet.rep]
        lead_rep, lead_day, lead_account = _lead_in(rng, org, accounts, frame)
        rep = np.concatenate([meet.rep[from_meeting], lead_rep])
        created = np.concatenate([frame.days[meet.day[from_meeting]], lead_day])
        account = np.concatenate([meet.account[from_meeting], lead_account])
        order = np.lexsort((rep, created))
        link = np.full(len(meet.rep), -1)
        link[np.nonzero(from_meeting)[0]] = np.argsort(order)[: from_meeting.sum()]
        meet.opp = link
        return _close_out(rng, org, frame, rep[order], created[order], account[order])

    def rows(self, org: Org, accounts: Accounts) -> Iterator[dict]:
        yield from _opportunity_rows(self, org, accounts)

    def history(self, rng, frame: Frame) -> list[dict]:
        return _history(rng, self, frame)

    def external_ids(self) -> np.ndarray:
        return np.array([f"O{i + 1:06d}" for i in range(self.n)], dtype=object)


AHEAD_PACE = 1.4  # the "ahead" rep's attainment to date, as a multiple of the elapsed share


def _calibrate_ahead(rng, opps: Opps, org: Org, frame: Frame) -> None:
    """Settle the "ahead" rep's deals closed this quarter so attainment is about 1.4 x the elapsed share.

    Left to chance, two months of a dozen deals vary too much for the story to hold at every seed;
    flipping a few won/lost outcomes (in random order) pins it without touching anything else.
    """
    if "ahead" not in org.rep_story:
        return
    r = org.rep_story.index("ahead")
    q_start, q_end = frame.months[6], frame.months[9]
    elapsed = _busdays(q_start, frame.today + dt.timedelta(days=1), frame) / _busdays(q_start, q_end, frame)
    target = AHEAD_PACE * elapsed * 3 * _full_quota(org, org.currency()[r])
    closed = (opps.rep == r) & (opps.status != "open") & (opps.close >= np.datetime64(q_start, "D"))
    _flip_to(opps, rng.permutation(np.nonzero(closed)[0]), target)


def _busdays(first: dt.date, end: dt.date, frame: Frame) -> int:
    return int(np.busday_count(first, end, holidays=frame.holidays))


def _flip_to(opps: Opps, candidates: np.ndarray, target: float) -> None:
    """Turn lost deals won (or won deals lost) from `candidates` until their won total is near `target`."""
    won = opps.status[candidates] == "won"
    total = float(opps.amount[candidates][won].sum())
    for i in candidates:
        gain = opps.amount[i] if opps.status[i] == "lost" else -opps.amount[i]
        if abs(total + gain - target) < abs(total - target):
            total += gain
            opps.status[i] = "won" if gain > 0 else "lost"
            opps.stage[i] = 4 if gain > 0 else 5


def _lead_in(rng, org: Org, accounts: Accounts, frame: Frame):
    """Opportunities created before the data start (no activities), at each rep's usual pace."""
    p = org.params
    per_day = p["calls_week"] / 5 * p["c2m"] * p["m2o"]
    hired = frame.lead_days[None, :] >= org.rep_hire[:, None]
    rep, day = _expand(rng.poisson(per_day[:, None] * hired))
    return rep, frame.lead_days[day], accounts.pick(rng, rep, p["target_share"])


def _close_out(rng, org: Org, frame: Frame, rep, created, account) -> Opps:
    """Close dates from the rep's cycle; won/lost when due (6% stay open past due), else a stage by progress."""
    p, n = org.params, len(rep)
    cycle = np.maximum(np.round(p["cycle_days"][rep] * rng.lognormal(0.0, 0.5, n)), 5).astype(int)
    close = np.busday_offset(created + cycle, 0, roll="forward")
    due = close <= frame.today64
    won = rng.random(n) < p["win_rate"][rep]
    past_due = due & (rng.random(n) < 0.06)
    status = np.where(due & ~past_due, np.where(won, "won", "lost"), "open").astype(object)
    stage, since = _stages(rng, created, close, status, past_due, frame.today64)
    amount = _amounts(rng, p["deal_size"][rep], stage)
    product = rng.integers(0, len(nm.PRODUCTS), n)
    source = rng.choice(len(nm.LEAD_SOURCES), size=n, p=nm.LEAD_SOURCE_SHARES)
    return Opps(rep, created, close, account, amount, status, stage, since, product, source)


def _stages(rng, created, close, status, past_due, today) -> tuple[np.ndarray, np.ndarray]:
    """Stage index and the date it was entered: by progress through the cycle for open deals."""
    length = (close - created).astype(int)
    progress = (today - created).astype(int) / np.maximum(length, 1)
    stage = np.minimum((progress * 4).astype(int), 3)
    stage = np.where(past_due, rng.integers(2, 4, len(stage)), stage)
    since = created + np.ceil(stage / 4 * length).astype(int)
    stage = np.where(status == "won", 4, np.where(status == "lost", 5, stage))
    since = np.where(status == "open", np.minimum(since, today), close)
    return stage, since


def _amounts(rng, deal_size: np.ndarray, stage: np.ndarray) -> np.ndarray:
    """Lognormal amounts with mean `deal_size`, rounded to 100; a tenth of prospecting deals have none yet."""
    sigma = 0.6
    raw = rng.lognormal(np.log(deal_size) - sigma**2 / 2, sigma)
    amount = np.maximum(np.round(raw / 100) * 100, 500.0)
    unknown = (stage == 0) & (rng.random(len(stage)) < 0.1)
    return np.where(unknown, np.nan, amount)


def _opportunity_rows(opps: Opps, org: Org, accounts: Accounts) -> Iterator[dict]:
    """Opportunity rows: names "<Account> – <Product>", the team's currency, probability by stage."""
    stages = np.array([*STAGES, "Closed Won", "Closed Lost"], dtype=object)
    probability = np.array([*STAGE_PROBABILITY, 1.0, 0.0])
    currency = org.currency()[opps.rep]
    cols = zip(opps.external_ids(), org.rep_id[opps.rep].tolist(), opps.account.tolist(), opps.product.tolist(),
               opps.created.tolist(), opps.close.tolist(), stages[opps.stage], opps.status,
               opps.amount.tolist(), currency, probability[opps.stage].tolist(), opps.lead_source.tolist(),
               opps.stage_since.tolist())
    for i, (ext, owner, acc, prod, created, close, stage, status, amount, cur, prob, src, since) in enumerate(cols):
        yield {"id": i + 1, "source": SOURCE, "external_id": ext, "owner_id": owner, "account_id": acc + 1,
               "name": f"{accounts.names[acc]} – {nm.PRODUCTS[prod]}", "created_date": created,
               "close_date": close, "stage": stage, "status": status,
               "amount": None if amount != amount else amount, "currency": cur, "probability": prob,
               "lead_source": nm.LEAD_SOURCES[src], "stage_since": since}


def _history(rng, opps: Opps, frame: Frame) -> list[dict]:
    """Earlier close dates of pushed deals: most past-due deals, some others (one or two pushes)."""
    past_due = (opps.status == "open") & (opps.close <= frame.today64)
    p_push = np.where(past_due, 0.6, np.where(opps.status == "open", 0.2, 0.1))
    pushes = np.where(rng.random(opps.n) < p_push, rng.integers(1, 3, opps.n), 0)
    rows = []
    for i in np.nonzero(pushes)[0]:
        rows += _pushes(rng, opps, int(i), int(pushes[i]), frame.today64)
    return rows


def _pushes(rng, opps: Opps, i: int, k: int, today: np.datetime64) -> list[dict]:
    """`k` history rows for opportunity `i`, each an earlier close date, recorded before today."""
    stages = (*STAGES, "Closed Won", "Closed Lost")
    span = max(int((min(opps.close[i], today) - opps.created[i]).astype(int)), 1)
    rows, close = [], opps.close[i]
    for j in range(k):
        close = close - np.timedelta64(int(rng.integers(14, 31)), "D")
        changed = opps.created[i] + np.timedelta64(int(span * (k - j) / (k + 1)), "D")
        stage = stages[min(int(opps.stage[i]), 3)]
        amount = None if np.isnan(opps.amount[i]) else float(opps.amount[i])
        rows.append({"opportunity_id": i + 1, "stage": stage, "amount": amount, "close_date": close.item(),
                     "changed_at": dt.datetime.combine(changed.item(), dt.time(18, 0))})
    return rows


def _activity_rows(rng, acts: Acts, org: Org, accounts: Accounts, opps: Opps, frame: Frame) -> Iterator[dict]:
    """Activity rows sorted by time, external ids "A000001"...; 2% carry no outcome (data health)."""
    seconds, duration = _times(rng, acts)
    outcome = np.where(rng.random(len(acts.rep)) < 0.02, NONE, acts.outcome)
    ts = frame.days[acts.day].astype("datetime64[s]") + seconds.astype("timedelta64[s]")
    order = np.lexsort((acts.rep, ts))
    refs = opps.external_ids()
    for lo in range(0, len(order), CHUNK):
        idx = order[lo: lo + CHUNK]
        yield from _activity_chunk(idx, lo, acts, outcome, ts, duration, org, accounts, refs)


def _activity_chunk(idx, lo, acts: Acts, outcome, ts, duration, org: Org, accounts: Accounts, refs) -> Iterator[dict]:
    cols = zip(org.rep_id[acts.rep[idx]].tolist(), ts[idx].tolist(), acts.kind[idx].tolist(),
               outcome[idx].tolist(), duration[idx].tolist(), acts.account[idx].tolist(), acts.opp[idx].tolist())
    for k, (rep, when, kind, out, dur, acc, opp) in enumerate(cols, start=lo + 1):
        yield {"source": SOURCE, "external_id": f"A{k:06d}", "rep_id": rep, "ts": when, "day": when.date(),
               "type": KINDS[kind], "raw_type": RAW_KINDS[kind], "outcome": OUTCOMES[out],
               "duration_s": None if dur < 0 else dur, "account_id": None if acc < 0 else acc + 1,
               "opportunity_ref": None if opp < 0 else refs[opp],
               "subject": _subject(kind, accounts.names[acc] if acc >= 0 else None, opp >= 0)}


def _subject(kind: int, account: str | None, follow_up: bool) -> str:
    label = ("Call", "Follow-up email" if follow_up else "Email", "Meeting", "Product demo")[kind]
    return f"{label} – {account}" if account else label


def _times(rng, acts: Acts) -> tuple[np.ndarray, np.ndarray]:
    """Seconds after midnight (meetings on half hours 9:00–16:00, the rest 8:00–18:00) and durations (-1: none)."""
    n = len(acts.rep)
    meeting = (acts.kind == MEETING) | (acts.kind == DEMO)
    seconds = np.where(meeting, (18 + rng.integers(0, 15, n)) * 1800, 8 * 3600 + rng.integers(0, 10 * 3600, n))
    talk = np.round(rng.lognormal(np.log(300), 0.6, n)).astype(int)
    minutes = np.where(acts.kind == DEMO, rng.choice([45, 60], n), rng.choice([30, 30, 45, 60], n))
    duration = np.select(
        [acts.outcome == CONNECTED, acts.outcome == NO_ANSWER, acts.outcome == VOICEMAIL, acts.outcome == HELD],
        [talk, rng.integers(15, 40, n), rng.integers(30, 90, n), minutes * 60], -1)
    return seconds, duration


# ----------------------------------------------------------------------------- quotas


def _quotas(org: Org, frame: Frame) -> list[dict]:
    """A monthly quota per rep for the 3 quarters and the next one; new hires ramp 25/50/75%."""
    currency = org.currency()
    rows = []
    for r in range(org.n):
        hired = org.rep_hire[r].item()
        for month in frame.months:
            share = _ramp_share(hired, month)
            if share > 0:
                rows.append({"person_id": int(org.rep_id[r]), "team_id": None, "period": "month",
                             "period_start": month, "amount": _full_quota(org, currency[r]) * share,
                             "currency": currency[r]})
    return rows


def _full_quota(org: Org, currency: str) -> float:
    """A fully ramped rep's monthly quota: what the norms produce, in `currency`, rounded to 1,000."""
    return round(org.norms.monthly_won() * _fx(currency), -3)


def _ramp_share(hired: dt.date, month: dt.date) -> float:
    """Share of the full quota in `month` of tenure: 25%, 50%, 75% in the first three months; 0 before hire."""
    tenure = (month.year - hired.year) * 12 + month.month - hired.month
    return 0.0 if tenure < 0 else (0.25, 0.5, 0.75, 1.0)[min(tenure, 3)]


# ----------------------------------------------------------------------------- coaching


def _coaching(rng, org: Org, frame: Frame) -> tuple[list[dict], list[dict]]:
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
    return {"manager_id": manager, "rep_id": int(org.rep_id[r]), "date": day.item(), "type": kind,
            "duration_min": int(rng.choice(style.minutes)), "focus_driver": driver,
            "focus_text": nm.FOCUS_TEXT[driver] if driver else None, **scores,
            "scored_by_id": (1 if rng.random() < 0.2 else manager) if any(scores.values()) else None,
            "notes": str(rng.choice(nm.NOTES[style.notes])), "_style": style}


def _focus_driver(rng, style: Style, story: str | None) -> str | None:
    """A named focus driver (often the rep's real weakness), or None."""
    if rng.random() >= style.focus:
        return None
    if story in STORY_DRIVER and rng.random() < 0.6:
        return STORY_DRIVER[story]
    return str(rng.choice(DRIVERS))


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
            rows.append(_commitment(rng, style, s, sessions[i + 1:], today))
    return rows


def _commitment(rng, style: Style, s: dict, later: list[dict], today: dt.date) -> dict:
    """One commitment: due 5–14 days out (or no date), reviewed on time, late or never, done/missed/open."""
    driver = s["focus_driver"]
    due = s["date"] + dt.timedelta(days=int(rng.integers(5, 15))) if rng.random() < style.due else None
    review = _review(rng, style, s["date"], due, later)
    status = _status(rng.random() < style.done, due, review, today)
    return {"session_id": s["id"], "rep_id": s["rep_id"], "text": str(rng.choice(nm.COMMITMENT_TEXT[driver])),
            "driver": driver, "due_date": due, "status": status,
            "reviewed_session_id": review["id"] if review else None,
            "reviewed_date": review["date"] if review else None}


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


# ----------------------------------------------------------------------------- writing


def _insert(conn: Connection, table: Table, rows: Iterable[dict]) -> int:
    """Insert rows with Core executemany in chunks; return how many."""
    count, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            conn.execute(table.insert(), chunk)
            count, chunk = count + len(chunk), []
    if chunk:
        conn.execute(table.insert(), chunk)
    return count + len(chunk)


def _mark_demo(conn: Connection) -> None:
    """Setting "demo" = True, so the app says it shows demo data."""
    table = m.Setting.__table__
    conn.execute(table.delete().where(table.c.key == "demo"))
    conn.execute(table.insert().values(key="demo", value=True))


def _advance_sequences(conn: Connection, names: list[str]) -> None:
    """On PostgreSQL, move id sequences past the explicit ids written here."""
    if conn.dialect.name != "postgresql":
        return
    for name in names:
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                          f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"))
