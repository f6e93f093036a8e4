"""What the scorecard reads from the database for one period and as-of date, as arrays in rep order.

Every window of dates (the look-back, the last four weeks, the period so far, the rest of the
period, everything past due) comes from the running totals in two queries (`queries.deal_totals`,
`queries.activity_totals`); quotas of this period and the next in one; won-deal cycles in one.
Amounts are converted to the reporting currency here, with the Settings rates of the moment.
Everything is numpy arrays in the reps' order: no pandas object is made on the way but the won-deal
cycles frame the scorecard hands on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from breakthrough.metrics import periods, tenure
from breakthrough.metrics.money import rates_of, reporting_totals
from breakthrough.metrics.periods import Period
from breakthrough.settings import Settings
from breakthrough.store import queries

PACE_DAYS = 28  # actual pace: the last 4 weeks
MONEY = {  # figure: (count telling which rows have deals, their amount) among `deal_totals`' columns
    "won_amount": ("lb_won", "lb_won_amount"),  # won in the look-back
    "won": ("period_won", "period_won_amount"),  # won in the period up to the as-of date
    "open": ("open_open", "open_open_amount"),  # open, closing between the as-of date and period end
    "past_due": ("past_due_open", "past_due_open_amount"),  # open, closing before the as-of date
}
COUNTS = {"won_n": "lb_won", "lost_n": "lb_lost", "past_due_n": "past_due_open", "created_lb": "lb_created",
          "created_pace": "pace_created", "won_count": "period_won", "lost_count": "period_lost"}  # fmt: skip
# won_count, lost_count, calls, meetings: in the period up to the as-of date (what `won` counts)
ACTIVITY = {"calls_lb": "lb_calls", "meetings_lb": "lb_meetings_held", "calls_pace": "pace_calls",
            "meetings_pace": "pace_meetings_held", "calls": "period_calls",
            "meetings": "period_meetings_held"}  # fmt: skip


DENSE_IDS = 1 << 20  # person ids below this are looked up in a table indexed by id (8 bytes an id at most)


class Places:
    """Where person ids sit among the reps (−1 for someone who is not one of them).

    Person ids are the database's own small whole numbers, so a table indexed by id answers with one
    array look-up per id (a binary search, three times slower, only for ids beyond `DENSE_IDS`).
    """

    def __init__(self, rep_ids) -> None:
        ids = np.asarray(rep_ids, dtype=np.int64)
        self.count = len(ids)
        self.dense = ids.min(initial=0) >= 0 and ids.max(initial=-1) < DENSE_IDS
        if self.dense:
            self.table = np.full(int(ids.max(initial=-1)) + 1, -1, dtype=np.int64)
            self.table[ids] = np.arange(len(ids))
        else:
            self.order = np.argsort(ids, kind="stable")
            self.sorted = ids[self.order]

    def of(self, person_ids) -> np.ndarray:
        """Each id's position among the reps (−1: not a rep)."""
        ids = np.asarray(person_ids, dtype=np.int64)
        if not self.count:
            return np.full(len(ids), -1, dtype=np.int64)
        if self.dense:
            inside = (ids >= 0) & (ids < len(self.table))
            return np.where(inside, self.table[np.where(inside, ids, 0)], -1)
        at = np.minimum(np.searchsorted(self.sorted, ids), self.count - 1)
        return np.where(self.sorted[at] == ids, self.order[at], -1)


@dataclass(frozen=True)
class Inputs:
    """Per-rep figures (`data[name][position]`, 0 where a rep has none), won-deal cycles, unconverted currencies."""

    rep_ids: np.ndarray  # int64, the reps in order
    data: dict[str, np.ndarray]
    cycles: pd.DataFrame  # rep_id, days: every won deal of the look-back (all owners)
    cycle_reps: np.ndarray  # each of those deals' owner's position among the reps (−1: not a rep)
    cycle_days: np.ndarray  # and its cycle in days
    unconverted: dict[int, set[str]]


def gather(engine: queries.Bind, settings: Settings, period: Period, as_of: dt.date, rep_ids) -> Inputs:
    """Everything the scorecard needs for these reps (in this order)."""
    places = Places(rep_ids)
    deal_windows, activity_windows = windows(settings, period, as_of)
    deals = queries.deal_totals(engine, deal_windows)
    data, unconverted = money(deals, settings, places)
    data |= counts(deals, queries.activity_totals(engine, activity_windows), places)
    nxt = periods.next_period(period, settings.fiscal_year_start_month)
    data |= dict(zip(("quota", "next_quota"), _by_rep(*quota_totals(engine, settings, [period, nxt]), 2, places)))
    owners, days = queries.won_cycle_arrays(engine, deal_windows["lb"][0], as_of)
    cycles = queries.cycles_frame(owners, days)
    return Inputs(np.asarray(rep_ids, dtype=np.int64), data, cycles, places.of(owners), days, unconverted)


Ask = tuple[Period, dt.date, list]  # a period, an as-of date, the reps (in order) for `gather_many`


def gather_many(
    engine: queries.Bind, settings: Settings, asks: list[Ask], quotas: QuotaChain | None = None
) -> list[Inputs]:
    """`gather` for several periods and as-of dates at once, each figure the same: every card's windows in one
    deal query and one activity query, the quotas of all their periods (each one's and the next, back to back)
    in one (or from `quotas`, read already, when it holds them), the won-deal cycles read once and each card's
    look-back cut from them."""
    deal_windows, activity_windows = _many_windows(settings, asks)
    deals, acts = queries.deal_totals(engine, deal_windows), queries.activity_totals(engine, activity_windows)
    chosen = [period for period, _, _ in asks]
    if quotas is None or not quotas.covers(chosen, settings):
        quotas = QuotaChain.covering(engine, settings, chosen)
    cycles = queries.won_cycles_unpacked(engine)
    found = []
    for n, (period, as_of, rep_ids) in enumerate(asks):
        places, mine = Places(rep_ids), (_card_columns(deals, f"c{n}_"), _card_columns(acts, f"c{n}_"))
        data, unconverted = money(mine[0], settings, places)
        data |= counts(*mine, places) | quotas.of(period, places)
        owners, days = queries.won_cycles_inside(cycles, deal_windows[f"c{n}_lb"][0], as_of)
        cards = queries.cycles_frame(owners, days)
        found.append(Inputs(np.asarray(rep_ids, dtype=np.int64), data, cards, places.of(owners), days, unconverted))
    return found


def _many_windows(settings: Settings, asks: list[Ask]) -> tuple[dict, dict]:
    """Every card's deal and activity windows (`windows`), named `c<card>_<window>`."""
    deal_windows: dict = {}
    activity_windows: dict = {}
    for n, (period, as_of, _) in enumerate(asks):
        deal, activity = windows(settings, period, as_of)
        deal_windows |= {f"c{n}_{name}": w for name, w in deal.items()}
        activity_windows |= {f"c{n}_{name}": w for name, w in activity.items()}
    return deal_windows, activity_windows


def _card_columns(columns: dict[str, np.ndarray], prefix: str) -> dict[str, np.ndarray]:
    """One card's windows among `gather_many`'s columns, named as `gather`'s (the keys kept)."""
    return {(name[len(prefix) :] if name.startswith(prefix) else name): values for name, values in columns.items()
            if name.startswith(prefix) or name in ("rep_id", "currency")}  # fmt: skip


class QuotaChain:
    """The quotas of periods of one kind back to back (`chain`), read at once (`quota_totals`), to take each
    period's, or a period's and the next one's, from."""

    def __init__(self, engine: queries.Bind, settings: Settings, chain: list[Period]) -> None:
        self.chain = chain
        self.at = {p.start: j for j, p in enumerate(chain)}
        self.keys, self.totals = quota_totals(engine, settings, chain)

    @classmethod
    def covering(cls, engine: queries.Bind, settings: Settings, chosen: list[Period]) -> QuotaChain:
        """The chain from the earliest of `chosen` to the period after the last one (each one's next quota)."""
        fy = settings.fiscal_year_start_month
        last = max(periods.next_period(p, fy).end for p in chosen)
        return cls(engine, settings, periods.list_periods(min(p.start for p in chosen), last, chosen[0].kind, fy))

    def covers(self, chosen: list[Period], settings: Settings) -> bool:
        """Whether every one of `chosen` and the period after it are in the chain."""
        fy = settings.fiscal_year_start_month
        return all(p.start in self.at and periods.next_period(p, fy).start in self.at for p in chosen)

    def of(self, period: Period, places: Places) -> dict[str, np.ndarray]:
        """`quota` and `next_quota` of `period` per rep, in `places`' order."""
        m, j = len(self.chain), self.at[period.start]
        pick = (self.keys % m == j) | (self.keys % m == j + 1)
        keys = (self.keys[pick] // m) * 2 + (self.keys[pick] % m - j)
        return dict(zip(("quota", "next_quota"), _by_rep(keys, self.totals[pick], 2, places)))

    def grid(self, count: int, places: Places) -> np.ndarray:
        """Reps × the first `count` periods of the chain: each rep's quota (0 where none)."""
        m = len(self.chain)
        inside = self.keys % m < count
        found = np.zeros((places.count, count))
        where = places.of(self.keys[inside] // m)
        found[where[where >= 0], (self.keys[inside] % m)[where >= 0]] = self.totals[inside][where >= 0]
        return found


def windows(settings: Settings, period: Period, as_of: dt.date) -> tuple[dict, dict]:
    """The deal and activity windows: (first day or None, last day, totals) by name."""
    lookback = as_of - dt.timedelta(days=settings.lookback_days)
    pace = as_of - dt.timedelta(days=PACE_DAYS - 1)
    deals = {
        "lb": (lookback, as_of, ("won", "won_amount", "lost", "created")),
        "period": (period.start, as_of, ("won", "won_amount", "lost")),
        "open": (as_of, period.end, ("open", "open_amount")),
        "past_due": (None, as_of - dt.timedelta(days=1), ("open", "open_amount")),
        "pace": (pace, as_of, ("created",)),
    }
    activity = {
        "lb": (lookback, as_of, ("calls", "meetings_held")),
        "pace": (pace, as_of, ("calls", "meetings_held")),
        "period": (period.start, as_of, ("calls", "meetings_held")),
    }
    return deals, activity


def money(deals: dict[str, np.ndarray], settings: Settings, places: Places) -> tuple[dict[str, np.ndarray], dict]:
    """Each money figure per rep in the reporting currency, and the currencies left out for want of a rate.

    Only (rep, currency) rows with deals in a window count for it, as a grouped query would give them,
    so a currency is flagged only where it has deals. One conversion for the four figures.
    """
    key, currency, amount = [], [], []
    for code, (count, value) in enumerate(MONEY.values()):
        chosen = deals[count] > 0
        key.append(deals["rep_id"][chosen].astype(np.int64) * len(MONEY) + code)
        currency.append(deals["currency"][chosen].astype(object))
        amount.append(deals[value][chosen].astype(float))
    keys = np.concatenate(key)
    rate, missing = rates_of(keys, np.concatenate(currency), settings)
    unconverted: dict[int, set[str]] = {}
    for k, currencies in missing.items():
        unconverted.setdefault(k // len(MONEY), set()).update(currencies)
    found = reporting_totals(keys, np.concatenate(amount), rate)
    return dict(zip(MONEY, _by_rep(*found, len(MONEY), places))), unconverted


def _by_rep(keys: np.ndarray, totals: np.ndarray, parts: int, places: Places) -> list[np.ndarray]:
    """Totals of composite keys `person × parts + part` as one array per part, in rep order (0 where none)."""
    where = places.of(keys // parts)
    found = np.zeros((parts, places.count))
    found[(keys % parts)[where >= 0], where[where >= 0]] = totals[where >= 0]
    return list(found)


def counts(deals: dict[str, np.ndarray], acts: dict[str, np.ndarray], places: Places) -> dict[str, np.ndarray]:
    """Deal counts (won, lost, past due, created) and activity counts per rep."""
    n = places.count
    where = places.of(deals["rep_id"])
    mine = where >= 0
    found: dict[str, np.ndarray] = {name: np.bincount(where[mine], weights=deals[col][mine].astype(float), minlength=n)
             for name, col in COUNTS.items()}  # fmt: skip
    where = places.of(acts["rep_id"])
    for name, col in ACTIVITY.items():
        found[name] = np.zeros(n)
        found[name][where[where >= 0]] = acts[col][where >= 0].astype(float)
    return found


def quotas(engine: queries.Bind, settings: Settings, chosen: list[Period]) -> pd.Series:
    """Each person's quota for each of these back-to-back periods, in the reporting currency, indexed by
    `person id × len(chosen) + the period's position` (by person id for one period).

    A quarter's quota is the sum of its months unless a quarter row is given (for the same period).
    """
    keys, totals = quota_totals(engine, settings, chosen)
    return pd.Series(totals, index=keys) if len(keys) else pd.Series(dtype=float)


def quota_totals(engine: queries.Bind, settings: Settings, chosen: list[Period]) -> tuple[np.ndarray, np.ndarray]:
    """`quotas` as two arrays: the keys (ascending) and their totals.

    A row of someone employed for only part of it (a leaver, a new hire) counts for its employed share
    (`tenure.employed_share`)."""
    currencies = sorted({settings.reporting_currency, *settings.currency_rates})
    starts = _quarter_starts(chosen, settings)
    through = periods.period_containing(starts[-1], "quarter", settings.fiscal_year_start_month).end
    rows = queries.quota_parts(engine, [p.end for p in chosen], starts, chosen[0].start, currencies, through)
    key = rows["key"].astype(np.int64)
    is_quarter, slot = key % 2 == 1, key // 2  # slot: person, period and quarter
    keep = is_quarter | ~np.isin(slot, slot[is_quarter])  # a month row gives way to its quarter's row
    rate = np.array([np.nan if settings.rate(c) is None else settings.rate(c) for c in currencies] + [np.nan])
    amount = _prorated(rows, is_quarter, settings.holiday_country)
    return reporting_totals((slot // len(starts))[keep], amount[keep],
                            rate[rows["currency"].astype(np.int64)[keep]])  # fmt: skip


def _prorated(rows: dict[str, np.ndarray], is_quarter: np.ndarray, country: str | None) -> np.ndarray:
    """Each quota row's amount times the share of its span the person was employed (rows with a first day
    are the ones of people employed for part of the window: see `queries.quota_parts`)."""
    amount = rows["amount"].astype(float)
    cut = np.array([d is not None for d in rows["start"].tolist()], dtype=bool)
    if cut.any():
        first = tenure.days(rows["start"][cut])
        months = np.where(is_quarter[cut], 3, 1)
        last = (first.astype("datetime64[M]") + months).astype("datetime64[D]") - tenure.ONE_DAY
        share = tenure.employed_share(tenure.days(rows["hire"][cut]), tenure.days(rows["end"][cut]), first, last,
                                      country)  # fmt: skip
        amount[cut] *= share
    return amount


def _quarter_starts(chosen: list[Period], settings: Settings) -> list[dt.date]:
    """The first day of every fiscal quarter from the first period's start to the last one's end."""
    fy = settings.fiscal_year_start_month
    quarter, starts = periods.period_containing(chosen[0].start, "quarter", fy), []
    while quarter.start <= chosen[-1].end:
        starts.append(quarter.start)
        quarter = periods.next_period(quarter, fy)
    return starts
