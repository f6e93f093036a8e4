"""The Talent page's history rollup, `month_running`: each key of a running-totals table (`activity_running`,
`opportunity_running`) through the end of every month, packed in one row per key.

A rep's figures month by month or quarter by quarter (`talent.history`) are differences of running totals at
month ends: the total through a period's last day less the total through the day before its first. Looked up in
the running tables that is one index search per key and boundary (1,000 reps × 13 month ends at L); packed, it is
one row per key holding, for every month with a table day, the totals through its last table day (the running
totals through its last calendar day: no later day of the month has a row).

Kept with `running_packed`, from the same rows, by `rollups.refresh_packed`: every writer of the running totals
keeps it in its own transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Connection, select

from breakthrough.store.models import MonthRunning
from breakthrough.store.packing import TOTALS, key_rows

MONTHS = np.dtype("<i4")  # months since January 1970; little-endian, whatever the machine


@dataclass(frozen=True)
class MonthTotals:
    """One key's totals through each month: `months` (months since January 1970, ascending), `totals[i, j]`: value j
    through the end of months[i]."""

    person_id: int
    currency: str
    months: np.ndarray
    totals: np.ndarray


def month_number(day: dt.date) -> int:
    """A date's month, counted from January 1970 (0)."""
    return (day.year - 1970) * 12 + day.month - 1


def month_rows(rollup: str, rows: Sequence[Sequence]) -> list[dict]:
    """`month_running` rows from (person, currency, day, *values) rows ordered by person, currency and day (days as
    dates or ISO text; values as numbers or decimals): per key, the values of its last row in each month."""
    if not rows:
        return []
    k = key_rows(rows)
    months = (np.datetime64("1970-01-01", "D") + k.days).astype("datetime64[M]").astype(np.int64)  # `month_number`
    people, codes, currencies, totals = k.people, k.codes, k.currencies, k.totals
    new_key = np.r_[k.new_key(), True]
    last = np.flatnonzero(new_key | np.r_[months[1:] != months[:-1], True])  # each key's last row in each month
    key_cut = np.flatnonzero(np.r_[True, new_key[last][:-1]])  # where each key's months start among `last`
    key_end = np.r_[key_cut[1:], len(last)]
    return [
        {"rollup": rollup, "person_id": int(people[last[a]]), "currency": str(currencies[codes[last[a]]]),
         "months": months[last[a:b]].astype(MONTHS).tobytes(), "totals": np.ascontiguousarray(totals[last[a:b]]).tobytes()}
        for a, b in zip(key_cut, key_end)
    ]  # fmt: skip


@dataclass(frozen=True)
class MonthKeys:
    """Every key of a rollup, by person and currency, their months and totals end to end (`lengths` each)."""

    person_ids: np.ndarray
    currencies: list[str]
    lengths: np.ndarray
    months: np.ndarray
    totals: np.ndarray

    def __len__(self) -> int:
        return len(self.person_ids)

    def __iter__(self):
        """Each key's `MonthTotals`."""
        ends = np.cumsum(self.lengths)
        for i, (a, b) in enumerate(zip(ends - self.lengths, ends)):
            yield MonthTotals(int(self.person_ids[i]), self.currencies[i], self.months[a:b], self.totals[a:b])


def read(conn: Connection, rollup: str, width: int) -> MonthKeys:
    """Every key of `rollup`, by person and currency."""
    t = MonthRunning
    stmt = select(t.person_id, t.currency, t.months, t.totals).where(t.rollup == rollup)
    result = conn.execute(stmt.order_by(t.person_id, t.currency))
    try:
        rows = result.cursor.fetchall()  # plain tuples: no SQLAlchemy row per key
    finally:
        result.close()
    months = np.frombuffer(b"".join(r[2] for r in rows), dtype=MONTHS)
    return MonthKeys(
        np.array([r[0] for r in rows], dtype=np.int64),
        [r[1] for r in rows],
        np.array([len(r[2]) // MONTHS.itemsize for r in rows], dtype=np.int64),
        months,
        np.frombuffer(b"".join(r[3] for r in rows), dtype=TOTALS).reshape(len(months), width),
    )


def through(keys: MonthKeys, months: Sequence[int], width: int) -> np.ndarray:
    """Keys × months × values (`width` of them): each key's totals through the end of each of these months (0 before
    its first), for every key and month at once."""
    n, wanted = len(keys), np.asarray(months, dtype=np.int64)
    if not n or not len(wanted):
        return np.zeros((n, len(wanted), width))
    owner = np.repeat(np.arange(n, dtype=np.int64), keys.lengths)
    place = owner << 32 | keys.months.astype(np.int64)  # ascending: keys in order, each key's months ascending
    asked = (np.arange(n, dtype=np.int64)[:, None] << 32 | wanted[None, :]).ravel()
    at = np.searchsorted(place, asked, side="right") - 1  # each key's last month on or before the month asked
    mine = (at >= 0) & (owner[np.maximum(at, 0)] == np.repeat(np.arange(n), len(wanted)))
    return np.where(mine[:, None], keys.totals[np.maximum(at, 0)], 0.0).reshape(n, len(wanted), width)
