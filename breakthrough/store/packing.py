"""The one format of the packed rollups (`running_packed`, `team_running`, `month_running`, `stage_cohort`,
`open_deal_pack`, a deal's close and cycle days): days as whole numbers counted from 1 January 1970, arrays
stored as bytes, little-endian whatever the machine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

EPOCH = dt.date(1970, 1, 1).toordinal()  # day 0
DAYS, IDS, TOTALS = np.dtype("<i4"), np.dtype("<i8"), np.dtype("<f8")  # days; ids; running totals


def as_date(value) -> dt.date:
    """A date, also from the ISO text (date or time stamp) a driver may return for one (SQLite's)."""
    return dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value


def day_number(value) -> int:
    """A date (or its ISO text) as a packed day: days since 1 January 1970."""
    return as_date(value).toordinal() - EPOCH


@dataclass(frozen=True)
class KeyRows:
    """Rows of (person, currency, day, *values), ordered by person, currency and day, as columns: `codes` index
    `currencies`; `days` are packed days; `totals[i, j]` is value j of row i."""

    people: np.ndarray
    codes: np.ndarray
    currencies: np.ndarray
    days: np.ndarray
    totals: np.ndarray

    def new_key(self) -> np.ndarray:
        """For each row but the first, whether it starts another key (person, currency)."""
        return (self.people[1:] != self.people[:-1]) | (self.codes[1:] != self.codes[:-1])


def key_rows(rows: Sequence[Sequence]) -> KeyRows:
    """`rows` (days as dates or ISO text, values as numbers or decimals; not empty) as columns."""
    person, currency, day, *values = (list(c) for c in zip(*rows))
    codes, currencies = pd.factorize(np.array(currency, dtype=object))
    day_codes, days = pd.factorize(np.array(day, dtype=object))
    return KeyRows(
        people=np.array(person, dtype=np.int64),
        codes=codes,
        currencies=np.asarray(currencies),
        days=np.array([day_number(d) for d in days], dtype=np.int64)[day_codes],
        totals=np.column_stack([np.array(v, dtype=TOTALS) for v in values]),
    )
