"""Did coaching move anything? Difference in differences per focused session (docs/coaching.md#impact-per-focus-driver).

For a session with a focus driver, on day `d`:
- the rep's driver value in the 4 weeks before (`d − 28 … d − 1`) and after (`d + 1 … d + 28`);
- the same for the rest of the rep's team (the rep's colleagues, pooled), over the same weeks;
- effect = (rep after − rep before) − (team after − team before).

Per manager and driver: the mean effect, `n`, and a 95 % interval `mean ± 1.96 · sd / √n`;
below 5 sessions the figure is "not enough data yet".

The pages read each rep's totals *through* each day from the running-total rollups
(`activity_running`: calls, meetings held; `opportunity_running`: deals created, won, lost and the
won amount) into a `Ledger` (`running_ledger`), and work out every session's four values at once
with index arithmetic (`effects_at_once`).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

from breakthrough.formatting import money, number, percent
from breakthrough.metrics.drivers import LEVERS
from breakthrough.settings import Settings
from breakthrough.store import rollups, team_running
from breakthrough.store.models import RunningPacked
from breakthrough.store.rows import fetch

WEEKS = 4
DAYS = WEEKS * 7
MIN_SESSIONS = 5
Z95 = 1.96
MEASURES = ("calls", "meetings", "opps", "won", "lost", "won_amount")
MEASURED = LEVERS  # the drivers measured per 4 weeks (coverage and cycle are not)


@dataclass(frozen=True)
class Effect:
    """Mean effect with its 95 % interval; `enough` is False below `MIN_SESSIONS` sessions."""

    n: int
    mean: float | None
    low: float | None
    high: float | None

    @property
    def enough(self) -> bool:
        return self.n >= MIN_SESSIONS


def summarise(values: Sequence[float]) -> Effect:
    """Mean, and mean ± 1.96 · sd / √n (sample sd); the interval needs at least 2 values."""
    n = len(values)
    if n == 0:
        return Effect(0, None, None, None)
    mean = statistics.fmean(values)
    if n < 2:
        return Effect(1, mean, None, None)
    half = Z95 * sample_sd(values) / math.sqrt(n)
    return Effect(n, mean, mean - half, mean + half)


SQRT_BITS = 2 * sys.float_info.mant_dig + 3  # the bits `statistics` works a square root out to


def sample_sd(values: Sequence[float]) -> float:
    """`statistics.stdev(values)` to the last bit (the correctly rounded root of the exact sample variance), in
    whole numbers instead of its fractions: every value is a whole number over one power of two, 2^shift, so the
    variance is (n·Σw² − (Σw)²) / (n·(n − 1)·4^shift) exactly. Not finite values: `statistics.stdev` itself."""
    try:
        ratios = [float(v).as_integer_ratio() for v in values]
    except (OverflowError, ValueError):  # an infinity, or not a number
        return statistics.stdev(values)
    shift = max(d for _, d in ratios).bit_length() - 1  # the denominators are powers of two
    whole = [n << (shift - d.bit_length() + 1) for n, d in ratios]
    n, total = len(whole), sum(whole)
    return root_of_fraction(n * sum(w * w for w in whole) - total * total, n * (n - 1) << 2 * shift)


def root_of_fraction(top: int, bottom: int) -> float:
    """√(top / bottom) as a float, correctly rounded (top ≥ 0, bottom > 0): the whole-number root with two
    spare bits and more, rounded to odd, then divided once (as `statistics` does)."""
    q = (top.bit_length() - bottom.bit_length() - SQRT_BITS) // 2
    if q >= 0:
        return (_root_to_odd(top, bottom << 2 * q) << q) / 1
    return _root_to_odd(top << -2 * q, bottom) / (1 << -q)


def _root_to_odd(top: int, bottom: int) -> int:
    """The whole part of √(top / bottom), its last bit set when that is not exact (round to odd)."""
    a = math.isqrt(top // bottom)
    return a | (a * a * bottom != top)


# --- the ledger ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ledger:
    """Each rep's totals through each day of [start, end]: `cum[m][i]` sums measure `m` over the days
    start … start + i − 1 (row 0 is all zeros), one column per rep (`column[rep]`), so the sum over the
    days first…last is `cum[m][last − start + 1] − cum[m][first − start]`."""

    start: dt.date
    end: dt.date
    column: dict[int, int]
    cum: dict[str, np.ndarray]


# --- per session: the windows, and the effect in words ---------------------------------------

EFFECT_COLUMNS = [
    "session_id",
    "manager_id",
    "rep_id",
    "date",
    "driver",
    "rep_before",
    "rep_after",
    "team_before",
    "team_after",
    "effect",
]


def windows(day: dt.date) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]:
    """The 4 weeks before a session (d − 28 … d − 1) and the 4 weeks after it (d + 1 … d + 28)."""
    one = dt.timedelta(days=1)
    return (day - dt.timedelta(days=DAYS), day - one), (day + one, day + dt.timedelta(days=DAYS))


def effect_text(driver: str, value: float | None, currency: str = "USD", signed: bool = True) -> str:
    """A driver's value (or change) for people: calls per week, percentage points, or money."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    sign = "+" if signed and value > 0 else ""
    if driver == "activity":
        return f"{sign}{number(value, 1)} calls/wk"
    if driver == "deal_size":
        return f"{sign}{money(value, currency)}"
    return f"{sign}{number(value * 100, 1)} pts" if signed else percent(value, 1)


def summary_text(driver: str, effect: Effect, currency: str = "USD") -> str:
    """`+3.2 calls/wk (95 % interval −1.0 to +7.4, n = 12)` or `not enough data yet (n = 3)`."""
    if not effect.enough:
        return f"not enough data yet (n = {effect.n})"
    low, high = (effect_text(driver, v, currency) for v in (effect.low, effect.high))
    return f"{effect_text(driver, effect.mean, currency)} (95 % interval {low} to {high}, n = {effect.n})"


# --- all sessions at once, from the running totals -------------------------------------------------
#
# `running_ledger` reads each rep's totals *through* each day from the rollups (`activity_running`,
# `opportunity_running`) instead of counting per day; `effects_at_once` works out every session's four
# window values with index arithmetic on the ledger.

MOST_KEYS = 2  # a rep's currencies `_keys_per_rep` adds up the same as `_currencies_per_rep` (see there)
OPPORTUNITY_MEASURES = {"opps": "created", "won": "won", "lost": "lost", "won_amount": "won_amount"}


def running_ledger(engine: Engine, settings: Settings, start: dt.date, end: dt.date, rep_ids: Sequence[int]) -> Ledger:
    """The ledger of `rep_ids` over [start, end], from the running-total rollups (no per-day counting)."""
    reps = sorted({int(r) for r in rep_ids})
    days = max((end - start).days + 1, 0)  # none when the data starts after the as-of date
    cum = _activity_through(engine, start, end, reps, days) | _deals_through(engine, settings, start, end, reps, days)
    columns = {r: i for i, r in enumerate(reps)}
    return Ledger(start, end, columns, {m: np.asarray(cum[m], dtype=float) for m in MEASURES})


def _dense(
    places: np.ndarray, columns: np.ndarray, values: Mapping[str, Sequence | np.ndarray], days: int, width: int
) -> dict[str, np.ndarray]:
    """Totals through each calendar day (rows 0…days) per column, carried over days without a row, from 0
    at day 0: `cum[i] − cum[j]` is the sum over days j+1…i, as in `Ledger`. One array per name of `values`.

    The rows of one column come in day order (as `_packed_through` gives them), so the latest row of a column on
    or before a day is the largest row number seen so far in it: worked out once for every day and column, then
    each name's values are picked by it (no value copied into a grid first)."""
    seen, row = np.unique(np.r_[0, places], return_inverse=True)  # day 0 always: the start of every total
    row = row[1:]
    at = np.full((len(seen), width), -1, dtype=np.int64)  # the row holding each column's total on each day seen
    at[row, columns] = np.arange(len(row))
    latest = np.maximum.accumulate(at, axis=0) if width else at  # −1: no row yet (a total of 0)
    day_row = np.searchsorted(seen, np.arange(days + 1), side="right") - 1  # each day's last day with rows
    picked = latest[day_row]
    found = {}
    for name, column in values.items():
        carried = np.r_[np.asarray(column, dtype=float), 0.0][picked]  # row −1 picks the 0 at the end
        found[name] = carried - carried[0]
    return found


def _packed_through(
    engine: Engine, spec: rollups.Running, values: Sequence[str], start: dt.date, end: dt.date, reps: Sequence[int]
) -> dict[str, np.ndarray]:
    """The running totals of these reps, from `running_packed` (one row per key): for each key, its days from the
    last table day before `start` (or from `start` when there is none) up to `end`, as arrays — per row "day", "key"
    (the person), "owner" (the row's place among the keys) and one array per name of `values`; per key with rows,
    in their order, "key_currency" and "key_rows" (how many rows it has)."""
    t = RunningPacked
    stmt = select(t.person_id, t.currency, t.days, t.totals).where(
        t.rollup == spec.table.__tablename__, t.person_id.in_(list(reps))
    )
    keys = rollups.unpack_running(fetch(engine, stmt.order_by(t.person_id, t.currency)), len(spec.values))
    found = _sliced(keys, start, end, len(spec.values))
    return found | {v: found["totals"][:, spec.values.index(v)] for v in values}


def _sliced(keys: Sequence, start: dt.date, end: dt.date, width: int) -> dict[str, np.ndarray]:
    """`_packed_through`'s arrays (and "totals": every value of each row) from packed keys (`person_id`, `currency`,
    `days`, `totals`)."""
    if not keys:
        return {"day": np.zeros(0, dtype=np.int64), "key": np.zeros(0, dtype=np.int64),
                "owner": np.zeros(0, dtype=np.int64), "key_currency": np.zeros(0, dtype=object),
                "key_rows": np.zeros(0, dtype=np.int64), "totals": np.zeros((0, width))}  # fmt: skip
    first, last = start.toordinal(), end.toordinal()
    # each key's rows from its last day before `start` (or its first day) up to `end`: sliced per key before
    # anything is joined, so the days outside the window are never copied
    lo = [max(int(np.searchsorted(k.days, first, side="left")) - 1, 0) for k in keys]
    hi = [int(np.searchsorted(k.days, last, side="right")) for k in keys]
    sizes = np.array([max(b - a, 0) for a, b in zip(lo, hi)], dtype=np.int64)
    day = np.concatenate([k.days[a:b] for k, a, b in zip(keys, lo, hi)])
    totals = np.concatenate([k.totals[a:b] for k, a, b in zip(keys, lo, hi)])
    owner = np.repeat(np.arange(len(keys)), sizes)
    currency = np.empty(len(keys), dtype=object)  # each key's currency (object: a key's currency as read)
    currency[:] = [k.currency for k in keys]
    return {
        "day": day,
        "key": np.array([k.person_id for k in keys], dtype=np.int64)[owner],
        "owner": owner,  # the key of each row (its place among the keys)
        "key_currency": currency[sizes > 0],  # the currency of each key with rows, in the rows' order
        "key_rows": sizes[sizes > 0],
        "totals": totals,
    }


def _places(days: np.ndarray, start: dt.date) -> np.ndarray:
    """Each row's place on the ledger's calendar from its day's ordinal (0 for the day before `start`)."""
    return np.maximum(days - start.toordinal() + 1, 0)


def _activity_through(engine: Engine, start: dt.date, end: dt.date, reps: list[int], days: int) -> dict:
    found = _packed_through(engine, rollups.ACTIVITY_RUNNING, ("calls", "meetings_held"), start, end, reps)
    places, column = _places(found["day"], start), _place_of(reps, found["key"])
    counts = _dense(places, column, {"calls": found["calls"], "meetings": found["meetings_held"]}, days, len(reps))
    return counts


def _place_of(reps: list[int], keys) -> np.ndarray:
    """Where each key sits among the sorted `reps` (every key is one of them: the query asked for those)."""
    return np.searchsorted(np.asarray(reps, dtype=np.int64), np.asarray(keys, dtype=np.int64))


def _deals_through(
    engine: Engine, settings: Settings, start: dt.date, end: dt.date, reps: list[int], days: int
) -> dict:
    """Deals created, won, lost and the won amount (reporting currency; none without a rate) per rep."""
    spec = rollups.OPPORTUNITY_RUNNING
    found = _packed_through(engine, spec, tuple(OPPORTUNITY_MEASURES.values()), start, end, reps)
    places = _places(found["day"], start)
    codes, currencies = pd.factorize(found["key_currency"])
    rate = np.array([settings.rate(c) if settings.rate(c) is not None else 0.0 for c in currencies], dtype=float)
    first = np.cumsum(found["key_rows"]) - found["key_rows"]  # each key's first row
    rep = _place_of(reps, found["key"][first])  # each key's rep column
    if len(rep) and np.bincount(rep).max() <= MOST_KEYS:
        return _keys_per_rep(found, places, rep, rate[codes], days, len(reps))
    return _currencies_per_rep(found, places, reps, codes, rate, days)


def _keys_per_rep(found: Mapping, places: np.ndarray, rep: np.ndarray, rate: np.ndarray, days: int, reps: int) -> dict:
    """`_deals_through`'s measures with one ledger column per key (rep and currency) that has rows, not one per rep
    and every currency: a rep's keys added up (the won amount each at its `rate`). Where no rep has more than two
    currencies this is the same sum to the last digit as `_currencies_per_rep`'s: the other currencies add zeros,
    and two values add up the same in either order."""
    column = np.repeat(np.arange(len(rep)), found["key_rows"])
    per_key = _dense(places, column, {m: found[v] for m, v in OPPORTUNITY_MEASURES.items()}, days, len(rep))
    second = np.r_[False, rep[1:] == rep[:-1]]  # a rep's second key (keys come by rep)
    out = {}
    for m, values in per_key.items():
        values = values * rate if m == "won_amount" else values
        total = np.zeros((days + 1, reps))
        total[:, rep[~second]] += values[:, ~second]
        total[:, rep[second]] += values[:, second]
        out[m] = total
    return out


def _currencies_per_rep(
    found: Mapping, places: np.ndarray, reps: list[int], codes: np.ndarray, rate: np.ndarray, days: int
) -> dict:
    """`_deals_through`'s measures with a ledger column per rep and currency, summed over the currencies."""
    # the rows' currencies (`codes`) numbered in the order they first come, as `pd.factorize` over the rows would:
    # worked out over the keys (one per key with rows), not over every row
    width = len(rate)
    keys = _place_of(reps, found["key"]) * width + np.repeat(codes, found["key_rows"])  # a column per rep and currency
    values = {m: found[v] for m, v in OPPORTUNITY_MEASURES.items()}
    per_key = _dense(places, keys, values, days, len(reps) * width)
    shape = (days + 1, len(reps), width)
    return {m: _per_rep(values.reshape(shape), rate if m == "won_amount" else None) for m, values in per_key.items()}


def _per_rep(values: np.ndarray, rate: np.ndarray | None) -> np.ndarray:
    """Days × reps from days × reps × currencies: the money in the reporting currency summed over the currencies;
    counts (whole numbers, so the same sum in any order) added currency by currency, quicker than a sum over a
    short last axis."""
    if rate is not None:
        return (values * rate).sum(axis=2)
    found = np.zeros(values.shape[:2])
    for c in range(values.shape[2]):
        found += values[:, :, c]
    return found


def effects_at_once(sessions: pd.DataFrame, ledger: Ledger, team_of: Mapping[int, int]) -> pd.DataFrame:
    """One row per session with a measured focus driver: the rep's and the team's values in the 4 weeks
    before and after (`windows`), and the effect — all sessions at once, with index arithmetic.

    `team_of[rep]` is the team of each active rep with one; a rep's colleagues are the other active reps
    of that team (`managers.peers`), all of them columns of the ledger. A window outside the ledger
    (before the data starts, or not over by the as-of date) leaves its values empty, and the effect too.
    """
    focused = sessions[sessions["focus_driver"].isin(MEASURED)]
    if focused.empty:
        return pd.DataFrame(columns=EFFECT_COLUMNS)
    reps = focused["rep_id"].to_numpy(dtype=np.int64)
    day = days_from(focused["date"], ledger.start)  # the session's place
    last = (ledger.end - ledger.start).days
    own, team, size, column_team = _membership(ledger, team_of, reps)
    teams = {m: _team_totals(ledger.cum[m], column_team, int(team.max(initial=-1)) + 1) for m in MEASURES}
    return _effect_rows(focused, reps, day, last, ledger.cum, own, teams, team, size)


def days_from(dates: pd.Series, start: dt.date) -> np.ndarray:
    """Each date's days since `start`, each distinct date worked out once."""
    codes, found = pd.factorize(dates.to_numpy(dtype=object))
    return np.array([(d - start).days for d in found], dtype=np.int64)[codes]


def _effect_rows(
    focused: pd.DataFrame,
    reps: np.ndarray,
    day: np.ndarray,
    last: int,
    cum: Mapping[str, np.ndarray],
    own: np.ndarray,
    teams: Mapping[str, np.ndarray],
    team: np.ndarray,
    size: np.ndarray,
) -> pd.DataFrame:
    """`effects_at_once`'s rows from each session's place `day` on a ledger of `last` + 1 days: the reps' totals
    (`cum`, the session's rep in column `own`) and their teams' (`teams`, in column `team`, of `size` colleagues)."""
    spans = {
        "before": (day - DAYS, day - 1, (day - DAYS >= 0) & (day - 1 <= last)),
        "after": (day + 1, day + DAYS, (day + 1 >= 0) & (day + DAYS <= last)),
    }
    values = {}
    for name, (first, final, covered) in spans.items():
        lo, hi = np.clip(first, 0, max(last + 1, 0)), np.clip(final + 1, 0, max(last + 1, 0))
        rep_sums = {m: _window(cum[m], own, lo, hi) for m in MEASURES}
        team_sums = {m: _window(teams[m], team, lo, hi) - rep_sums[m] * (team >= 0) for m in MEASURES}
        drivers = focused["focus_driver"].to_numpy()
        values[f"rep_{name}"] = np.where(covered, driver_values(drivers, rep_sums, np.ones(len(reps))), np.nan)
        values[f"team_{name}"] = np.where(covered & (size > 0), driver_values(drivers, team_sums, size), np.nan)
    effect = (values["rep_after"] - values["rep_before"]) - (values["team_after"] - values["team_before"])
    return pd.DataFrame(
        {
            "session_id": focused["id"].astype(int).to_numpy(),
            "manager_id": focused["manager_id"].astype(int).to_numpy(),
            "rep_id": reps,
            "date": focused["date"].to_numpy(),
            "driver": focused["focus_driver"].to_numpy(),
            **{c: values[c] for c in EFFECT_COLUMNS[5:9]},
            "effect": effect,
        }
    )


# --- the same effects, each team's totals read from `team_running` -----------------------------------


def team_effects(
    engine: Engine,
    settings: Settings,
    sessions: pd.DataFrame,
    team_of: Mapping[int, int],
    start: dt.date,
    end: dt.date,
) -> pd.DataFrame:
    """`effects_at_once` of these sessions on a ledger of [start, end], each team's totals read from the teams'
    rollup (`store.team_running`: one row per team and currency) instead of from every team-mate's own rows.

    A team's totals are its row's, less those of any rep the row lists who is not on the team in `team_of` (a
    leaver, someone moved or no longer a rep); a team whose row lacks one of its reps (or has no row) is summed rep
    by rep, as `running_ledger` does. The same effects to the last digit where amounts are whole numbers (counts
    always are): a team's won amount is its sum converted, where the ledger converts each rep's and adds them.
    """
    focused = sessions[sessions["focus_driver"].isin(MEASURED)]
    if focused.empty:
        return pd.DataFrame(columns=EFFECT_COLUMNS)
    reps = focused["rep_id"].to_numpy(dtype=np.int64)
    on_team: dict[int, list[int]] = {}
    for rep, their_team in sorted(team_of.items()):
        on_team.setdefault(int(their_team), []).append(int(rep))
    coached = sorted({int(r) for r in reps})
    teams = sorted({int(team_of[r]) for r in coached if r in team_of})
    days = max((end - start).days + 1, 0)
    cum: dict[str, np.ndarray] = {}
    team_cum: dict[str, np.ndarray] = {}
    for spec, measures in ((rollups.ACTIVITY_RUNNING, {"calls": "calls", "meetings": "meetings_held"}),
                           (rollups.OPPORTUNITY_RUNNING, OPPORTUNITY_MEASURES)):  # fmt: skip
        own, summed = _team_ledger(engine, settings, spec, measures, start, end, days, coached, teams, on_team)
        cum |= own
        team_cum |= summed
    column = {r: i for i, r in enumerate(coached)}
    own_column = np.array([column[int(r)] for r in reps], dtype=np.int64)
    number = {t: i for i, t in enumerate(teams)}
    team = np.array([number[team_of[int(r)]] if int(r) in team_of else -1 for r in reps], dtype=np.int64)
    size = np.array([len(on_team[team_of[int(r)]]) - 1 if int(r) in team_of else 0 for r in reps], dtype=float)
    day = days_from(focused["date"], start)
    return _effect_rows(focused, reps, day, (end - start).days, cum, own_column, team_cum, team, size)


def _team_ledger(
    engine: Engine,
    settings: Settings,
    spec: rollups.Running,
    measures: Mapping[str, str],
    start: dt.date,
    end: dt.date,
    days: int,
    coached: list[int],
    teams: list[int],
    on_team: Mapping[int, list[int]],
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """One running table's measures through each day of the ledger: days × coached reps, and days × teams."""
    name, width = spec.table.__tablename__, len(spec.values)
    with engine.connect() as conn:
        rows = team_running.read(conn, name, width, teams)
    parts: dict[int, list[tuple[float, object]]] = {}  # team → (+1 or −1, its row's team id or a rep id)
    for team in teams:
        mine = rows.get(team)
        listed = set(mine[0].members.tolist()) if mine else set()
        if mine and listed.issuperset(on_team[team]):
            parts[team] = [(1.0, ("team", team))] + [(-1.0, r) for r in sorted(listed.difference(on_team[team]))]
        else:
            parts[team] = [(1.0, r) for r in on_team[team]]
    others = sorted({r for found in parts.values() for _, r in found if isinstance(r, int)} - set(coached))
    people = coached + others
    t = RunningPacked
    stmt = select(t.person_id, t.currency, t.days, t.totals).where(t.rollup == name, t.person_id.in_(people))
    read = rollups.unpack_running(fetch(engine, stmt.order_by(t.person_id, t.currency)), width)
    place: dict[object, int] = {r: i for i, r in enumerate(people)}
    used = [team for team in teams if parts[team][0][1] == ("team", team)]
    place |= {("team", team): len(people) + i for i, team in enumerate(used)}
    keys = [rollups.Packed(place[k.person_id], k.currency, k.days, k.totals) for k in read]
    keys += [rollups.Packed(place[("team", r.team_id)], r.currency, r.days, r.totals)
             for team in used for r in rows[team]]  # fmt: skip
    found = _sliced(keys, start, end, width)
    places, columns = _places(found["day"], start), found["key"]
    values = {m: found["totals"][:, spec.values.index(v)] for m, v in measures.items()}
    n = len(place)
    if spec is rollups.OPPORTUNITY_RUNNING:
        codes, currencies = pd.factorize(found["key_currency"])
        rate = np.array([settings.rate(c) if settings.rate(c) is not None else 0.0 for c in currencies], dtype=float)
        columns = columns * len(currencies) + np.repeat(codes, found["key_rows"])
        per_key = _dense(places, columns, values, days, n * len(currencies))
        dense = {m: _per_rep(v.reshape(days + 1, n, len(currencies)), rate if m == "won_amount" else None)
                 for m, v in per_key.items()}  # fmt: skip
    else:
        dense = _dense(places, columns, values, days, n)
    summed = {m: np.zeros((days + 1, len(teams))) for m in measures}
    for i, team in enumerate(teams):
        for m in measures:
            for sign, key in parts[team]:
                if sign > 0:
                    summed[m][:, i] += dense[m][:, place[key]]
                else:
                    summed[m][:, i] -= dense[m][:, place[key]]
    return {m: v[:, : len(coached)] for m, v in dense.items()}, summed


def _membership(ledger: Ledger, team_of: Mapping[int, int], reps: np.ndarray):
    """Per session: the rep's ledger column (−1: no counts), team number (−1: no team) and colleague count;
    and each ledger column's team number (−1: none)."""
    numbers = {t: i for i, t in enumerate(sorted(set(team_of.values())))}
    sizes = np.bincount([numbers[t] for t in team_of.values()], minlength=len(numbers))
    team = np.array([numbers[team_of[int(r)]] if int(r) in team_of else -1 for r in reps], dtype=np.int64)
    own = np.array([ledger.column.get(int(r), -1) for r in reps], dtype=np.int64)
    size = np.where(team >= 0, sizes[np.maximum(team, 0)] - 1, 0) if len(sizes) else np.zeros(len(reps))
    column_team = np.full(len(ledger.column), -1, dtype=np.int64)
    for rep, column in ledger.column.items():
        column_team[column] = numbers[team_of[rep]] if rep in team_of else -1
    return own, team, size.astype(float), column_team


def _team_totals(cum: np.ndarray, column_team: np.ndarray, teams: int) -> np.ndarray:
    """Each team's totals through each day: the sum of its columns (teams numbered 0 … teams − 1)."""
    out = np.zeros((cum.shape[0], teams))
    chosen = np.flatnonzero((column_team >= 0) & (column_team < teams))
    if not len(chosen):
        return out
    chosen = chosen[np.argsort(column_team[chosen], kind="stable")]
    numbers = column_team[chosen]
    starts = np.flatnonzero(np.r_[True, numbers[1:] != numbers[:-1]])
    out[:, numbers[starts]] = np.add.reduceat(cum[:, chosen], starts, axis=1)
    return out


def _window(cum: np.ndarray, column: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Per session: the sum over its window of its column (0 for a column of −1)."""
    found = np.zeros(len(column))
    chosen = column >= 0
    found[chosen] = cum[hi[chosen], column[chosen]] - cum[lo[chosen], column[chosen]]
    return found


def driver_values(drivers: np.ndarray, sums: Mapping[str, np.ndarray], reps: np.ndarray) -> np.ndarray:
    """Each window's driver value from its sums: calls per rep per week, or a ratio (NaN where it divides by 0)."""
    out = np.full(len(drivers), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        parts = {
            "activity": (sums["calls"] / reps / WEEKS, reps),
            "call_to_meeting": (sums["meetings"] / sums["calls"], sums["calls"]),
            "meeting_to_opp": (sums["opps"] / sums["meetings"], sums["meetings"]),
            "win_rate": (sums["won"] / (sums["won"] + sums["lost"]), sums["won"] + sums["lost"]),
            "deal_size": (sums["won_amount"] / sums["won"], sums["won"]),
        }
    for driver, (value, denominator) in parts.items():
        chosen = (drivers == driver) & (denominator > 0)
        out[chosen] = value[chosen]
    return out
