"""The fast path for activity exports: Arrow batches → checked rows → one executemany per batch;
and `ActivityRows`, the one way activity rows are written, whichever path read them.

The fast path gives exactly what the row-by-row path (`commit.Run.chunk`) gives — rows with a
cell that cannot be read, or an empty date, are handed to that path for their
reasons; owners are matched (or created) once per distinct owner, in file order;
duplicates are found with the same `Occurrences` — but each step works on whole
columns. Rows whose key is already stored go through the entity writer (compare,
update, log for undo); new rows go to the writer's `ActivityRows`, as the row path's do.

Rollups (`ActivityRows`, for both paths): the counts of the inserted rows — and of an updated
row, its stored values taken away and its new ones added — are added to `activity_daily` (and
`activity_rep_day` recounted for those reps and days) and `target_activity_day`
instead of recounting a million raw rows; `deal_activity` is recounted for the
deals the rows name (all the source's open deals when they name more than one statement
holds), one index range each (its cost follows the open deals).
On SQLite a big first load drops the activity table's secondary
indexes and builds them again at the end, inside the same transaction, which is
faster than keeping them up to date row by row; a rollback puts them back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from sqlalchemy import Connection, Engine, delete, func, select

from breakthrough.importing.map.profiles import field_map
from breakthrough.importing.map.validation import LIMITS, PARSED_KINDS, Reject, RowError, activity_type, content_key
from breakthrough.importing.read import columnar
from breakthrough.store import db, indexes, rollups
from breakthrough.store import models as m

TABLE = m.Activity.__table__
EPOCH = dt.date(1970, 1, 1).toordinal()
BIG_LOAD_ROWS = 100_000  # a first load at least this big (and bigger than the table) rebuilds indexes once


@contextmanager
def connection(engine: Engine, fast: bool) -> Iterator[Connection]:
    """A connection for one import; on SQLite's fast path, with foreign keys not checked row by row
    and the write-ahead log copied into the database file after the import, not during its commit.

    The fast path only writes ids it has just read or made in the same transaction (the people
    directory, the accounts it looked up or created, its own batch), so the per-row look-ups
    the check costs prove nothing. Both settings are put back before the connection goes back
    to the pool, whatever happened, and the log is then checkpointed on a helper thread
    (`db.checkpoint_later`).
    """
    with engine.connect() as conn:
        relaxed = fast and conn.dialect.name == "sqlite"
        if relaxed:
            _pragmas(conn, foreign_keys="OFF", wal_autocheckpoint=0)
        try:
            yield conn
        finally:
            if relaxed:
                conn.rollback()
                _pragmas(conn, foreign_keys="ON", wal_autocheckpoint=db.WAL_PAGES)
                db.checkpoint_later(engine)


def _pragmas(conn: Connection, **settings) -> None:
    """Set SQLite connection settings (the foreign-key switch only takes effect outside a transaction)."""
    for name, value in settings.items():
        conn.exec_driver_sql(f"PRAGMA {name}={value}")
    conn.commit()


class Bulk:
    """One activities upload on the fast path; `chunk` per Arrow batch, then `finish`."""

    def __init__(self, run, headers: list[str], estimated_rows: int) -> None:
        self.run, self.conn, self.headers = run, run.conn, headers
        fields = field_map("activities")
        self.parsers = [(key, header, fields[key].kind, parse) for key, _, header, parse in run.builder.columns.parsers]
        stored = select(TABLE.c.id).where(TABLE.c.source == run.plan.source).limit(1)
        self.known = run.conn.execute(stored).first() is not None  # else no key can be stored yet: no look-ups
        self.dropped = self._drop_indexes(estimated_rows)

    # --- per batch ------------------------------------------------------------------------

    def chunk(self, batch: columnar.Batch) -> None:
        parsed = {
            key: columnar.parse_column(batch.columns[header], _kind(kind), parse, LIMITS.get(key))
            for key, header, kind, parse in self.parsers
        }
        values = {key: p.values for key, p in parsed.items()}
        bad = np.zeros(len(batch), dtype=bool)
        for p in parsed.values():
            bad |= p.bad
        skip = ~bad & _is_false(values.get("done"), len(batch))
        slow = bad | (~skip & pd.isna(values["date"]))
        if slow.any():
            index = np.flatnonzero(slow)
            self.run.chunk(batch.cells(index, self.headers), batch.lines[index].tolist(), [])
        self.run.outcome.skipped += int(skip.sum())
        rows = np.flatnonzero(~slow & ~skip)
        if len(rows):
            self._rows(batch, parsed, values, rows)

    def _rows(self, batch: columnar.Batch, parsed: dict, values: dict, rows: np.ndarray) -> None:
        picked = _take(values, rows, len(batch))
        lines = batch.lines[rows]
        reps, refused = self._reps(picked, lines)
        keep = np.flatnonzero(~refused)
        picked = _take(picked, keep, len(rows))
        rows, lines, reps = rows[keep], lines[keep], reps[keep]
        keys = self._keys(picked)
        kept = self._unique(keys, lines)
        out = self.run.outcome
        out.rejected += int(refused.sum()) + int((~kept).sum())
        out.accepted += int(kept.sum())
        chosen = np.flatnonzero(kept)
        record = Records(
            self, batch, parsed, _take(picked, chosen, len(keys)), rows[chosen], reps[chosen], keys[chosen]
        )
        record.write()

    def _reps(self, picked: dict, lines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The rep id of every row (owners matched once each, in file order) and the rows refused for their owner."""
        owner, address = picked.get("owner"), picked.get("owner_email")
        n = len(lines)
        codes = [pd.factorize(v, use_na_sentinel=True) for v in (owner, address) if v is not None]
        if not codes:
            return np.full(n, None, dtype=object), np.zeros(n, dtype=bool)
        pair = np.zeros(n, dtype=np.int64)
        for found, distinct in codes:
            pair = pair * (len(distinct) + 1) + found + 1
        _, first, inverse = np.unique(pair, return_index=True, return_inverse=True)
        ids = np.empty(len(first), dtype=object)
        for j in np.argsort(first, kind="stable"):
            at = first[j]
            cell = {
                k: v[at] for k, v in (("owner", owner), ("owner_email", address)) if v is not None and v[at] is not None
            }
            try:
                ids[j] = self.run.builder._person(cell, "owner", "owner_email")
            except RowError as err:
                ids[j] = err
        reps = ids[inverse]
        refused = np.array([r.__class__ is RowError for r in ids], dtype=bool)[inverse]
        if refused.any():
            self.run.outcome.reject([r.reject(int(line)) for line, r in zip(lines[refused], reps[refused])])
        return reps, refused

    def _keys(self, picked: dict) -> np.ndarray:
        """The CRM id, or for rows without one the content key the row path would make."""
        ids = picked.get("crm_id")
        keys = ids.copy() if ids is not None else np.full(len(picked["date"]), None, dtype=object)
        missing = np.flatnonzero(pd.isna(keys))
        if len(missing):
            stamps, raw = _stamps(picked), _raw_types(picked, self.run.plan)
            get = lambda k, i: picked[k][i] if k in picked else None  # noqa: E731
            keys[missing] = [
                content_key(
                    get("owner", i), get("owner_email", i), stamps[i], raw[i], get("subject", i), get("account", i)
                )
                for i in missing
            ]
        return keys

    def _unique(self, keys: np.ndarray, lines: np.ndarray) -> np.ndarray:
        """Rows kept: a repeated content key is numbered (#2, #3…), a repeated CRM id is rejected."""
        hashes = pd.util.hash_array(keys.astype(object), categorize=False).view(np.int64)  # within this run only
        occurrence, first = self.run.seen.number(hashes, lines)
        occurrence = np.asarray(occurrence)
        kept = np.ones(len(keys), dtype=bool)
        header = self.run.builder.columns.header.get("crm_id", "CRM id")
        for i in np.flatnonzero(occurrence > 1):
            if keys[i].startswith("k:"):
                keys[i] = f"{keys[i]}#{occurrence[i]}"
                continue
            kept[i] = False
            self.run.outcome.duplicates += 1
            self.run.outcome.reject(
                [
                    Reject(
                        int(lines[i]),
                        header,
                        keys[i],
                        f"duplicate of line {first[i]} (the same record twice in the file)",
                    )
                ]
            )
        return kept

    # --- indexes and rollups ---------------------------------------------------------------

    def _drop_indexes(self, estimated_rows: int) -> bool:
        if self.run.batch is None or self.conn.dialect.name != "sqlite" or estimated_rows < BIG_LOAD_ROWS:
            return False
        stored = self.conn.execute(select(func.max(TABLE.c.id))).scalar() or 0
        if stored > estimated_rows:
            return False
        indexes.drop(self.conn, _rebuilt())
        return True

    def finish(self) -> None:
        """The dropped indexes built again (before the writer's `finish` counts the rollups, which read them)."""
        if self.dropped:
            indexes.build(self.conn, _rebuilt())


class Records:
    """The accepted rows of one batch: existing keys through the writer, new ones inserted as tuples."""

    def __init__(
        self,
        bulk: Bulk,
        batch: columnar.Batch,
        parsed: dict,
        picked: dict,
        rows: np.ndarray,
        reps: np.ndarray,
        keys: np.ndarray,
    ) -> None:
        self.bulk, self.run, self.batch, self.parsed = bulk, bulk.run, batch, parsed
        self.picked, self.rows, self.reps, self.keys = picked, rows, reps, keys

    def write(self) -> None:
        new = np.ones(len(self.keys), dtype=bool)
        if self.bulk.known and len(self.keys):
            stored = self.run.writer.existing([{"external_id": k} for k in self.keys])
            new = np.array([k not in stored for k in self.keys], dtype=bool)
            if (~new).any():
                self.run.writer.write(self._dicts(np.flatnonzero(~new)))
        chosen = np.flatnonzero(new)
        self.run.outcome.inserted += len(chosen)
        if len(chosen) and self.run.batch is not None:
            self._insert(chosen)
        elif len(chosen):
            self._accounts(chosen)  # a preview counts the accounts an import would create

    def _columns(self, chosen: np.ndarray) -> dict[str, np.ndarray]:
        picked, plan = self.picked, self.run.plan
        raw = _raw_types(picked, plan)[chosen]
        columns = {
            "source": np.full(len(chosen), plan.source, dtype=object),
            "external_id": self.keys[chosen],
            "rep_id": self.reps[chosen],
            "type": _mapped(raw, activity_type, "other"),
            "raw_type": raw,
        }
        for key, column in (
            ("outcome", "outcome"),
            ("duration", "duration_s"),
            ("opportunity", "opportunity_ref"),
            ("subject", "subject"),
        ):
            columns[column] = picked[key][chosen] if key in picked else np.full(len(chosen), None, dtype=object)
        columns["account_id"] = self._accounts(chosen)
        return columns

    def _accounts(self, chosen: np.ndarray) -> np.ndarray:
        """The account id of each row (accounts new to the database are created, or counted in a preview)."""
        account = self.picked.get("account")
        if account is None:
            return np.full(len(chosen), None, dtype=object)
        names = account[chosen]
        ids = self.run.lookups.account_ids({n for n in names if n is not None})
        return _mapped(names, ids.get, None)

    def _dicts(self, chosen: np.ndarray) -> list[dict]:
        """Rows as the row path's records (for the writer's compare and update)."""
        columns = self._columns(chosen)
        stamps = _stamps(self.picked)[chosen]
        account = self.picked.get("account")
        columns.pop("account_id")
        out = []
        for j, i in enumerate(chosen):
            record = {k: v[j] for k, v in columns.items()}
            named = account[i] if account is not None else None
            record |= {"ts": stamps[i], "day": stamps[i].date(), "_account": named}
            out.append(record)
        return out

    def _insert(self, chosen: np.ndarray) -> None:
        columns: dict[str, Any] = self._columns(chosen)  # arrays, and the lists added here
        ts, day = self._stamp_columns(chosen)
        columns["ts"], columns["day"] = ts, day
        self.run.writer.rows.insert(columns)

    def _stamp_columns(self, chosen: np.ndarray) -> tuple[list, list]:
        """`ts` and `day` as the database takes them (SQLite: its text form, made column-wise)."""
        date = self.parsed.get("date")
        combined = "time" in self.picked
        if self.run.conn.dialect.name == "sqlite" and date is not None and date.stamps is not None and not combined:
            column = self.batch.columns[self.run.builder.columns.header["date"]]
            stamps, rows = date.stamps, self.rows[chosen]
            if len(rows) < len(column):
                where = pa.array(rows, pa.int64())
                column, stamps = column.take(where), stamps.take(where)
            text = columnar.sqlite_stamps(stamps, date.canonical, column)
            return text, [t[:10] for t in text]
        return driver_stamps(self.run.conn, _stamps(self.picked)[chosen])


# ----------------------------------------------------------------------------- the one activity inserter


INSERTED = (
    "source",
    "external_id",
    "rep_id",
    "type",
    "raw_type",
    "outcome",
    "duration_s",
    "opportunity_ref",
    "subject",
    "account_id",
)  # an activity's columns besides ts, day and batch_id
COUNTED = ("rep_id", "day", "type", "outcome", "account_id", "opportunity_ref")  # what the rollups count by


class ActivityRows:
    """The one way activity rows are written, whichever path read them (`tables.ActivityWriter` owns one).

    `insert` puts new rows in with one executemany of plain tuples; `count` notes what each written row
    adds to the rollups (an updated row: its stored values taken away, its new ones added); `finish`
    adds those counts to `activity_daily` (recounting what follows from it for those reps and days) and
    `target_activity_day`, and recounts `deal_activity` for the deals the rows named.
    """

    def __init__(self, conn: Connection, source: str, batch_id: int | None) -> None:
        self.conn, self.source, self.batch_id = conn, source, batch_id
        self.tally = Tally()
        self.targets = TargetTally(conn.execute(select(m.Account.id).where(rollups.is_target_account())).scalars())
        self.refs: set[str] = set()  # deal references of the rows written (before and after an update)

    def insert(self, columns: dict[str, Any]) -> None:
        """New rows, column-wise (arrays or lists; `ts` and `day` as `driver_stamps` gives them), and count them."""
        n = len(columns["day"])
        values = {c: _listed(columns[c]) if c in columns else [None] * n for c in (*INSERTED, "ts", "day")}
        values["batch_id"] = [self.batch_id] * n
        _insert_columns(self.conn, values)
        self.count(columns)

    def count(self, columns: dict[str, Any], sign: int = 1) -> None:
        """Add (sign 1) or take away (−1) these rows' counts; `day` as a date or its ISO text."""
        n = len(columns["day"])
        get = {
            c: np.asarray(columns[c], dtype=object) if c in columns else np.full(n, None, dtype=object) for c in COUNTED
        }
        if not n:
            return
        days = _mapped(get["day"], _day_number, None).astype(np.int64)  # since 1970
        self.tally.add(get["rep_id"], days, get["type"], get["outcome"], sign)
        self.targets.add(get["rep_id"], days, get["account_id"], sign)
        self.refs.update(r for r in pd.unique(get["opportunity_ref"]) if r is not None)

    def finish(self) -> None:
        if self.tally.parts:
            add_activity_counts(self.conn, self.tally)
        if self.refs:  # the deals named, when one statement holds them; else all the source's open deals
            few = len(self.refs) <= rollups.CHUNK
            rollups.refresh_deal_activity(self.conn, self.refs if few else None, source=self.source)
        targets = self.targets.rows()
        if targets:
            _upsert(
                self.conn,
                "target_activity_day",
                ["rep_id", "day"],
                ["with_account", "on_target"],
                _dated(self.conn, targets),
            )
            reps = sorted({r[0] for r in targets})
            if self.tally.taken:
                table = m.TargetActivityDay
                self.conn.execute(delete(table).where(table.with_account == 0, table.rep_id.in_(reps)))
            rollups.refresh_running(self.conn, rollups.TARGET_RUNNING, reps)  # their running totals


_PROCESSORS: dict = {}  # (column type, dialect) -> its bind processor or None


def bind_processor(type_, dialect):
    """The function that turns a Python value into what `dialect`'s driver takes for `type_` (None: as is).

    SQLAlchemy's public `TypeEngine.bind_processor` of the type as the dialect implements it
    (`dialect_impl`), kept per type and dialect so a big import asks once.
    """
    key = (type_, dialect)
    if key not in _PROCESSORS:
        _PROCESSORS[key] = type_.dialect_impl(dialect).bind_processor(dialect)
    return _PROCESSORS[key]


def _listed(values) -> list:
    return values if isinstance(values, list) else values.tolist()


def driver_stamps(conn: Connection, stamps: np.ndarray) -> tuple[list, list]:
    """`ts` and `day` of these date-times (Python datetimes, or numpy datetime64 made column-wise) as the driver
    takes them (SQLite: its text form, `2026-04-01 08:00:02.000000`)."""
    if stamps.dtype.kind == "M":
        if conn.dialect.name == "sqlite":
            # Arrow's text of a microsecond time stamp is that form, made ten times quicker than by its strftime
            text = pa.array(stamps.astype("datetime64[us]")).cast(pa.string()).to_pylist()
            return text, [t[:10] for t in text]
        stamps = stamps.astype("datetime64[us]").astype(object)
    if conn.dialect.name == "sqlite":
        process = bind_processor(TABLE.c.ts.type, conn.dialect)
        return [process(s) for s in stamps], [s.date().isoformat() for s in stamps]
    return stamps.tolist(), [s.date() for s in stamps]


# ----------------------------------------------------------------------------- helpers


def _day_number(day) -> int:
    """Days since 1970 of an ISO day text or a date."""
    return (dt.date.fromisoformat(day) if isinstance(day, str) else day).toordinal() - EPOCH


def _rebuilt() -> list:
    """The indexes a big first load builds at the end: those whose entries land all over the index
    (the batch id index only grows at its end, so keeping it up to date costs next to nothing)."""
    return indexes.scattered(TABLE, keep=frozenset({"ix_activity_batch_id"}))


def _kind(kind: str) -> str:
    """Kinds the row path reads as trimmed text (`validation._text`) are plain text here too."""
    return kind if kind in PARSED_KINDS else "text"


def _take(values: dict[str, np.ndarray], index: np.ndarray, n: int) -> dict[str, np.ndarray]:
    """Rows `index` of every column (the columns themselves when that is all of them)."""
    return values if len(index) == n else {k: v[index] for k, v in values.items()}


def _mapped(values: np.ndarray, function, missing) -> np.ndarray:
    """`function` of each value, called once per distinct value; `missing` for None."""
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    results = np.empty(len(distinct) + 1, dtype=object)
    results[:-1] = [function(v) for v in distinct]
    results[-1] = missing
    return results[codes]


def _is_false(done: np.ndarray | None, n: int) -> np.ndarray:
    if done is None:
        return np.zeros(n, dtype=bool)
    return np.fromiter((v is False for v in done), dtype=bool, count=len(done))


def _stamps(picked: dict) -> np.ndarray:
    """Each row's date-time: the date column, with the time column's time when the date has none."""
    stamps = columnar.objects(picked["date"])
    if "time" not in picked:
        return stamps
    out = stamps.copy()
    for i, (when, time) in enumerate(zip(stamps, picked["time"])):
        if time is not None and when.time() == dt.time():
            out[i] = dt.datetime.combine(when.date(), time)
    return out


def _raw_types(picked: dict, plan) -> np.ndarray:
    """Type, else subtype, else the profile's constant (HubSpot calls) — the row path's `raw`."""
    n = len(picked["date"])
    raw = np.full(n, None, dtype=object)
    for key in ("subtype", "type"):
        if key in picked:
            raw = np.where(pd.isna(picked[key]), raw, picked[key])
    constant = plan.constants.get("type")
    if constant:
        raw = np.where(pd.isna(raw), constant, raw)
    return np.where(raw == "", None, raw) if n else raw  # type: ignore[call-overload]  # numpy's stubs: no None


def _insert_columns(conn: Connection, columns: dict[str, list]) -> None:
    """One executemany straight through the driver's cursor, rows zipped from the columns as it goes.

    Values are already in the driver's form (SQLite date-times as its text; PostgreSQL takes
    Python datetimes), and the statement names only our own table and columns.
    """
    quote = conn.dialect.identifier_preparer.quote
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {quote(TABLE.name)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join([mark] * len(columns))})"
    )
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None  # None only once the connection is closed or invalidated
    cursor = dbapi.cursor()
    try:
        cursor.executemany(sql, zip(*columns.values()))  # type: ignore[arg-type]  # drivers take an iterator
    finally:
        cursor.close()


class Tally:
    """Inserted rows counted per rep, day, type and outcome: small integer frames, one per batch."""

    def __init__(self) -> None:
        self.parts: list[pd.DataFrame] = []
        self.words: dict[str, int] = {}  # type and outcome text → code
        self.taken = False  # whether counts were taken away (rollup rows may have come down to nothing)

    def add(self, reps: np.ndarray, days: np.ndarray, types: np.ndarray, outcomes: np.ndarray, sign: int = 1) -> None:
        """Count rows per rep, day (days since 1970), type and outcome (taken away when `sign` is −1)."""
        known = np.flatnonzero(pd.notna(reps))
        self.taken = self.taken or (sign < 0 and len(known) > 0)
        if len(known):
            key = {
                "rep": reps[known].astype(np.int64),
                "day": days[known],
                "type": self._codes(types[known]),
                "outcome": self._codes(outcomes[known]),
            }
            counts = _packed_counts(key) if _packable(key) else _grouped_counts(key)
            self.parts.append(counts if sign == 1 else counts.assign(n=counts["n"] * sign))

    def _codes(self, values: np.ndarray) -> np.ndarray:
        return _mapped(
            values, lambda v: self.words.setdefault(v, len(self.words)), self.words.setdefault("", len(self.words))
        ).astype(np.int64)

    def rows(self, slice_rows: int = 20_000):
        """(rep, day as ISO text, type, outcome, n) in key order, a slice at a time."""
        total = pd.concat(self.parts).groupby(["rep", "day", "type", "outcome"], sort=True)["n"].sum().reset_index()
        total = total[total["n"] != 0]  # an update that left a row's counted values as they were
        words = np.array(sorted(self.words, key=self.words.__getitem__), dtype=object)
        for start in range(0, len(total), slice_rows):
            part = total.iloc[start : start + slice_rows]
            day = {d: dt.date.fromordinal(d + EPOCH).isoformat() for d in part["day"].unique().tolist()}
            days = [day[d] for d in part["day"].tolist()]
            yield list(
                zip(
                    part["rep"].tolist(),
                    days,
                    words[part["type"].to_numpy()].tolist(),
                    words[part["outcome"].to_numpy()].tolist(),
                    part["n"].tolist(),
                )
            )


PACKING = {"rep": 24, "day": 17, "type": 10, "outcome": 12}  # bits per key part: 63 in all


def _packable(key: dict[str, np.ndarray]) -> bool:
    """Every part of the key fits its bits (days from 1970 to 2328, up to 16 million people)."""
    return all(len(v) == 0 or (v.min() >= 0 and v.max() < 1 << PACKING[k]) for k, v in key.items())


def _packed_counts(key: dict[str, np.ndarray]) -> pd.DataFrame:
    """Rows per distinct key, the key packed into one 64-bit number so one sort counts them."""
    packed = np.zeros(len(key["rep"]), dtype=np.int64)
    for name, bits in PACKING.items():
        packed = (packed << bits) | key[name]
    distinct, n = np.unique(packed, return_counts=True)
    parts = {}
    for name, bits in reversed(PACKING.items()):
        parts[name], distinct = distinct & ((1 << bits) - 1), distinct >> bits
    return pd.DataFrame({name: parts[name] for name in PACKING} | {"n": n})


def _grouped_counts(key: dict[str, np.ndarray]) -> pd.DataFrame:
    """The same counts by a pandas group-by (for keys too big to pack)."""
    frame = pd.DataFrame(key)
    return frame.groupby(list(frame.columns), sort=False).size().rename("n").reset_index()


def add_activity_counts(conn: Connection, tally: Tally) -> None:
    """Add the tally to `activity_daily` (dropping the rows it brought to nothing when it took counts away),
    then recount what follows from it for those reps and days."""
    reps: set[int] = set()
    days: list[str] = []
    for rows in tally.rows():
        _upsert(conn, "activity_daily", ["rep_id", "day", "type", "outcome"], ["n"], _dated(conn, rows))
        reps.update(r[0] for r in rows)
        days += [min(r[1] for r in rows), max(r[1] for r in rows)]
    if not reps:
        return
    if tally.taken:
        daily = m.ActivityDaily
        conn.execute(delete(daily).where(daily.n == 0, daily.rep_id.in_(sorted(reps))))
    rollups.refresh_from_daily(conn, sorted(reps), dt.date.fromisoformat(min(days)), dt.date.fromisoformat(max(days)))


def _dated(conn: Connection, rows: list[tuple]) -> list[tuple]:
    """Rows whose second value is an ISO day, as the driver takes days (SQLite: the text itself)."""
    return rows if conn.dialect.name == "sqlite" else [(r[0], dt.date.fromisoformat(r[1]), *r[2:]) for r in rows]


def _iso(days: np.ndarray) -> list[str]:
    """Days since 1970 as ISO text (each distinct day converted once)."""
    text = {d: dt.date.fromordinal(d + EPOCH).isoformat() for d in np.unique(days).tolist()}
    return [text[d] for d in days.tolist()]


class TargetTally:
    """Inserted rows with a rep and an account: per rep and day, how many, and how many on target accounts."""

    def __init__(self, target_ids) -> None:
        self.targets = np.fromiter(target_ids, dtype=np.int64)
        self.parts: list[pd.DataFrame] = []

    def add(self, reps: np.ndarray, days: np.ndarray, accounts: np.ndarray, sign: int = 1) -> None:
        known = np.flatnonzero(pd.notna(reps) & pd.notna(accounts))
        if len(known):
            target = np.isin(accounts[known].astype(np.int64), self.targets).astype(np.int64) * sign
            frame = pd.DataFrame({"rep": reps[known].astype(np.int64), "day": days[known], "n": sign, "target": target})
            self.parts.append(frame.groupby(["rep", "day"], sort=False)[["n", "target"]].sum())

    def rows(self) -> list[tuple]:
        """(rep, day as ISO text, activities with an account, on a target account) per rep and day."""
        if not self.parts:
            return []
        total = pd.concat(self.parts).groupby(level=["rep", "day"], sort=True).sum()
        total = total[(total["n"] != 0) | (total["target"] != 0)]
        reps, days = (total.index.get_level_values(k).to_numpy() for k in ("rep", "day"))
        return list(zip(reps.tolist(), _iso(days), total["n"].tolist(), total["target"].tolist()))


def _upsert(conn: Connection, table: str, keys: list[str], added: list[str], rows: list[tuple]) -> None:
    """Insert rows, adding `added` to the stored values where the key is already there (names are our own)."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    columns = [*keys, *added]
    conn.exec_driver_sql(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))}) "
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET "
        + ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in added),
        rows,
    )
