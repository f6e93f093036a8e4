"""The one format of the packed rollups (`running_packed`, `team_running`, `month_running`, `stage_cohort`,
`open_deal_pack`, a deal's close and cycle days): days as whole numbers counted from 1 January 1970, arrays
stored as bytes, little-endian whatever the machine."""

from __future__ import annotations

import datetime as dt

import numpy as np

EPOCH = dt.date(1970, 1, 1).toordinal()  # day 0
DAYS, IDS, TOTALS = np.dtype("<i4"), np.dtype("<i8"), np.dtype("<f8")  # days; ids; running totals


def as_date(value) -> dt.date:
    """A date, also from the ISO text (date or time stamp) a driver may return for one (SQLite's)."""
    return dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value


def day_number(value) -> int:
    """A date (or its ISO text) as a packed day: days since 1 January 1970."""
    return as_date(value).toordinal() - EPOCH
