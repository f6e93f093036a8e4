"""Pipeline hygiene's rollup, `open_deal_pack`: each owner's open deals, packed in one row per owner.

Hygiene (`diagnosis.hygiene`) needs every open deal — its stage, created and close dates, how long it has been in
its stage, its last activity and its earlier close dates — because the stalled rule compares each deal with its
team's 75th percentile. Read deal by deal that is ~20 k rows at M; packed, it is one row per owner.

Kept by every writer in its own transaction: `rollups.refresh_opportunity_rollups` rewrites the owners whose
deals it wrote (a deal that closes leaves the pack, one that opens joins it, a new close date adds history), and
`rollups.refresh_deal_activity` the owners of the deals whose activity it recounted (their last activity day).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, and_, delete, insert, select

from breakthrough.store.models import DealActivity, OpenDealPack, Opportunity, OpportunityHistory, Person
from breakthrough.store.packing import DAYS, EPOCH, IDS, day_number
from breakthrough.store.text import text_column

START = dt.datetime(1970, 1, 1)
MICROS = np.dtype("<i8")  # little-endian, whatever the machine (days and ids: `packing`)
MISSING = np.iinfo(DAYS).min  # a day that is not known
SPAN = 40_000  # days (about a century) up to which `as_dates` makes every day of the span
DEAL_COLUMNS = ["id", "crm_id", "rep_id", "team_id", "stage", "created", "close_date", "stage_since", "last_activity"]
HISTORY_COLUMNS = ["id", "changed_at", "close_date"]


def refresh(conn: Connection, owner_ids: Iterable[int] | None = None) -> None:
    """Rewrite `open_deal_pack` for these owners (everyone if None) from their open deals, `deal_activity` and
    the deals' history."""
    ids = None if owner_ids is None else sorted({int(i) for i in owner_ids})
    conn.execute(delete(OpenDealPack).where(*([] if ids is None else [OpenDealPack.owner_id.in_(ids)])))
    o, d, h = Opportunity, DealActivity, OpportunityHistory
    chosen = [o.status == "open", o.owner_id.is_not(None), *([] if ids is None else [o.owner_id.in_(ids)])]
    deals = conn.execute(
        select(o.owner_id, o.id, o.external_id, o.stage, o.created_date, o.close_date, o.stage_since, d.last_day)
        .outerjoin(d, and_(d.opportunity_ref == o.external_id, d.source == o.source))
        .where(*chosen)
    ).all()
    history = conn.execute(
        select(o.owner_id, h.opportunity_id, h.changed_at, h.close_date)
        .join(o, o.id == h.opportunity_id)
        .where(*chosen)
        .order_by(h.opportunity_id, h.changed_at, h.id)
    ).all()
    rows = pack_rows(deals, history)
    if rows:
        conn.execute(insert(OpenDealPack), rows)


def owners_of(conn: Connection, refs: Sequence[str] | None, source: str | None) -> list[int] | None:
    """The owners of the open deals with these CRM ids (of `source` when given); None (everyone) for no list."""
    if refs is None:
        return None
    o, found = Opportunity, set[int | None]()
    same = [] if source is None else [o.source == source]
    for i in range(0, len(refs), 900):
        stmt = select(o.owner_id).distinct().where(o.external_id.in_(refs[i : i + 900]), o.status == "open", *same)
        found |= set(conn.execute(stmt).scalars())
    return sorted(i for i in found if i is not None)


def _day(value) -> int:
    return int(MISSING) if value is None else day_number(value)


def _micros(value) -> int:
    when = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return (when - START) // dt.timedelta(microseconds=1)


def pack_rows(deals: Sequence[Sequence], history: Sequence[Sequence]) -> list[dict]:
    """`open_deal_pack` rows from (owner, id, CRM id, stage, created, close date, in stage since, last activity)
    open deals and (owner, deal id, changed at, close date) history rows (dates as dates or ISO text)."""
    per_owner: dict[int, list] = {}
    for owner, *deal in sorted(deals, key=lambda r: (r[0], r[1])):
        per_owner.setdefault(int(owner), []).append(deal)
    changes: dict[int, list] = {}
    for owner, deal, at, close in history:
        changes.setdefault(int(owner), []).append((int(deal), _micros(at), _day(close)))
    return [_packed(owner, found, sorted(changes.get(owner, []), key=lambda h: h[:2]))
            for owner, found in sorted(per_owner.items())]  # fmt: skip


def _packed(owner: int, deals: list, history: list) -> dict:
    """One owner's row; history ordered by deal and time of change (as given for equal times)."""
    stages = sorted({d[2] for d in deals})
    at = {d[0]: i for i, d in enumerate(deals)}
    days = lambda j: np.array([_day(d[j]) for d in deals], dtype=DAYS).tobytes()  # noqa: E731
    return {
        "owner_id": owner, "ids": np.array([d[0] for d in deals], dtype=IDS).tobytes(),
        "refs": json.dumps([d[1] for d in deals]), "stages": json.dumps(stages),
        "stage": np.array([stages.index(d[2]) for d in deals], dtype=DAYS).tobytes(),
        "created": days(3), "close": days(4), "since": days(5), "last": days(6),
        "history_deal": np.array([at[h[0]] for h in history], dtype=DAYS).tobytes(),
        "history_at": np.array([h[1] for h in history], dtype=MICROS).tobytes(),
        "history_close": np.array([h[2] for h in history], dtype=DAYS).tobytes(),
    }  # fmt: skip


def _fetch(engine: Engine, stmt) -> list[tuple]:
    with engine.connect() as conn:  # the driver's rows as they come (as `rows.fetch`, which imports `rollups`)
        result = conn.execute(stmt)
        try:
            return result.cursor.fetchall()  # type: ignore[return-value]
        finally:
            result.close()


def as_dates(days: np.ndarray) -> np.ndarray:
    """`datetime.date` objects (None where missing) from packed days; each day of their span made once."""
    known = days != MISSING
    if not known.any():
        return np.full(len(days), None, dtype=object)
    first, last = int(days[known].min()), int(days[known].max())
    if last - first <= SPAN:  # a table of the span's days, looked up by position
        table = np.empty(last - first + 2, dtype=object)
        table[:-1] = [dt.date.fromordinal(d + EPOCH) for d in range(first, last + 1)]  # the last stays None
        return table[np.where(known, days.astype(np.int64) - first, last - first + 1)]
    unique, where = np.unique(days, return_inverse=True)
    made = [None if u == MISSING else dt.date.fromordinal(int(u) + EPOCH) for u in unique.tolist()]
    found = np.empty(len(made), dtype=object)
    found[:] = made
    return found[where]


def deals(engine: Engine, as_of: dt.date) -> pd.DataFrame:
    """Every open deal with an owner created up to `as_of`, by id (`DEAL_COLUMNS`; last activity from the
    rollup, whatever its day: `records.open_deals` looks up the ones after a past as-of date)."""
    return deal_days(engine, as_of)[0]


def ordinals(days: np.ndarray) -> np.ndarray:
    """Packed days as date ordinals (floats; NaN where missing), as `diagnosis.hygiene` counts days."""
    return np.where(days == MISSING, np.nan, days.astype(np.float64) + EPOCH)


def deal_days(
    engine: Engine, as_of: dt.date, owner_ids: Sequence[int] | None = None
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """`deals` (of these owners' packs only, when given), and its dates (created, close date, in stage since, last
    activity) as `ordinals` in its order."""
    p = OpenDealPack
    owned = [] if owner_ids is None else [p.owner_id.in_([int(i) for i in owner_ids])]
    stmt = select(p.owner_id, p.ids, p.refs, p.stages, p.stage, p.created, p.close, p.since, p.last).where(*owned)
    rows = _fetch(engine, stmt)
    teams = dict(_fetch(engine, select(Person.id, Person.team_id)))
    if not rows:
        empty = np.array([], dtype=np.float64)
        return pd.DataFrame({c: [] for c in DEAL_COLUMNS}, columns=DEAL_COLUMNS), {c: empty for c in DEAL_COLUMNS[5:]}
    owner, ids, refs, stages, stage, *days = zip(*rows)
    counts = [len(r) // IDS.itemsize for r in ids]
    lists = [json.loads(s) for s in stages]
    first = np.cumsum([0, *(len(n) for n in lists)])[:-1]  # each owner's first stage name in `every`
    every = np.array([n for names in lists for n in names], dtype=object)
    names = every[unpack(stage, DAYS) + np.repeat(first, counts)]
    columns = [unpack(d, DAYS) for d in days]
    made = columns[0]
    keep = (made != MISSING) & (made <= as_of.toordinal() - EPOCH)
    order = np.argsort(unpack(ids, IDS), kind="stable")
    order = order[keep[order]]
    reps = np.repeat(np.array(owner, dtype=np.int64), counts)[order]
    crm = np.array(_joined(refs), dtype=object)[order]
    owners, at = np.unique(reps, return_inverse=True)
    chosen = [c[order] for c in columns]
    frame = pd.DataFrame(
        {"id": unpack(ids, IDS)[order], "crm_id": text_column(crm), "rep_id": reps,
         "team_id": _teams([teams.get(r) for r in owners.tolist()], at),
         "stage": text_column(names[order]), **{name: as_dates(c) for name, c in zip(DEAL_COLUMNS[5:], chosen)}},
        columns=DEAL_COLUMNS,
    )  # fmt: skip
    return frame, {name: ordinals(c) for name, c in zip(DEAL_COLUMNS[5:], chosen)}


@dataclass(frozen=True)
class OpenDeals:
    """The open deals of `deals` as arrays in the pack's order (by owner, then by id), without texts or dates: what
    hygiene's rules read (`days`: `DEAL_COLUMNS[5:]` as `ordinals`; `groups`: a code per team and stage), with their
    close-date history up to the as-of date (`history_at`: each change's deal, as its place among them, deal by
    deal and oldest first; `history_close`: its earlier close date, as an ordinal)."""

    ids: np.ndarray
    reps: np.ndarray
    groups: np.ndarray
    days: dict[str, np.ndarray]
    history_at: np.ndarray
    history_close: np.ndarray


def deal_arrays(engine: Engine, as_of: dt.date) -> OpenDeals:
    """`deals`' ids, owners, team-and-stage codes and dates as `ordinals`, and `history`'s close dates, in the pack's
    order (one read of the pack for both): no frame, no text."""
    p = OpenDealPack
    rows = _fetch(engine, select(p.owner_id, p.ids, p.stages, p.stage, p.created, p.close, p.since, p.last,
                                 p.history_deal, p.history_at, p.history_close))  # fmt: skip
    if not rows:
        empty = np.array([], dtype=np.int64)
        return OpenDeals(empty, empty, empty, {c: empty.astype(np.float64) for c in DEAL_COLUMNS[5:]}, empty,
                         empty.astype(np.float64))  # fmt: skip
    owner, ids, stages, stage, *days, h_deal, h_at, h_close = zip(*rows)
    counts = [len(r) // IDS.itemsize for r in ids]
    teams = dict(_fetch(engine, select(Person.id, Person.team_id)))
    team = np.repeat(np.array([-1 if teams.get(o) is None else teams[o] for o in owner], dtype=np.int64), counts)
    stage_codes, n_stages = _stage_codes(stages, unpack(stage, DAYS), counts)
    columns = [unpack(d, DAYS) for d in days]
    keep = (columns[0] != MISSING) & (columns[0] <= as_of.toordinal() - EPOCH)
    first = np.cumsum([0, *counts])[:-1]  # each owner's first deal
    at = unpack(h_deal, DAYS) + np.repeat(first, [len(d) // DAYS.itemsize for d in h_deal])
    changed = (unpack(h_at, MICROS) < _micros_before(as_of)) & keep[at] if len(at) else np.zeros(0, dtype=bool)
    return OpenDeals(
        unpack(ids, IDS)[keep].astype(np.int64), np.repeat(np.array(owner, dtype=np.int64), counts)[keep],
        (team * n_stages + stage_codes)[keep], {n: ordinals(c[keep]) for n, c in zip(DEAL_COLUMNS[5:], columns)},
        (np.cumsum(keep) - 1)[at[changed]], ordinals(unpack(h_close, DAYS)[changed]),
    )  # fmt: skip


def _stage_codes(stages: Sequence[str], local: np.ndarray, counts: Sequence[int]) -> tuple[np.ndarray, int]:
    """Each deal's stage as one code across owners (from each owner's stage names and its deals' places among
    them), and how many stages there are."""
    lists = [json.loads(s) for s in stages]
    first = np.cumsum([0, *(len(n) for n in lists)])[:-1]  # each owner's first stage name in `every`
    codes, names = pd.factorize(np.array([n for names in lists for n in names], dtype=object))
    return codes.astype(np.int64)[local + np.repeat(first, counts)], max(len(names), 1)


def unpack(parts: Sequence[bytes], kind: np.dtype) -> np.ndarray:
    """Packed arrays of rows, one after the other, as one array (their bytes joined once)."""
    return np.frombuffer(b"".join(parts), dtype=kind)


def _teams(owners: list, at: np.ndarray) -> np.ndarray:
    """Team ids (of each owner, picked by `at`) as pandas would make them of a list: integers, NaN for none among
    them, or all None."""
    if None not in owners:
        return np.array(owners, dtype=np.int64)[at]
    values = np.empty(len(owners), dtype=object)
    values[:] = owners
    return np.array(values[at].tolist(), dtype=float if set(owners) - {None} else object)


def _joined(lists: Sequence[str]) -> list:
    """The items of JSON lists, in order, read in one go."""
    return json.loads("[" + ",".join(text[1:-1] for text in lists if text != "[]") + "]")


def history(engine: Engine, as_of: dt.date) -> pd.DataFrame:
    """Earlier close dates of open deals with an owner, changed up to `as_of`, oldest change first per deal
    (`HISTORY_COLUMNS`, by deal id)."""
    return history_days(engine, as_of)[0]


def history_days(engine: Engine, as_of: dt.date) -> tuple[pd.DataFrame, np.ndarray]:
    """`history`, and its close dates as `ordinals` in its order."""
    ids, at, close = _changes(engine)
    if not len(at):
        empty = pd.DataFrame({"id": np.array([], dtype=np.int64), "changed_at": [], "close_date": []})
        return empty, np.array([], dtype=np.float64)
    order = np.argsort(ids, kind="stable")
    order = order[at[order] < _micros_before(as_of)]
    kept = close[order]
    return pd.DataFrame({"id": ids[order], "changed_at": pd.to_datetime(at[order], unit="us"),
                         "close_date": as_dates(kept)}), ordinals(kept)  # fmt: skip


def _micros_before(as_of: dt.date) -> int:
    """The first moment after `as_of`, in microseconds since 1970 (as the pack's times of change)."""
    return (dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time()) - START) // dt.timedelta(microseconds=1)


def _changes(engine: Engine) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every change's deal id, time (microseconds since 1970) and packed close date, in the pack's order."""
    p = OpenDealPack
    rows = _fetch(engine, select(p.ids, p.history_deal, p.history_at, p.history_close))
    ids, deal, at, close = zip(*rows) if rows else ((), (), (), ())
    at_all = unpack(at, MICROS)
    if not len(at_all):
        return np.array([], dtype=IDS), at_all, np.array([], dtype=DAYS)
    first = np.cumsum([0, *(len(i) // IDS.itemsize for i in ids)])[:-1]  # each owner's first deal in `ids`
    changes = [len(d) // DAYS.itemsize for d in deal]
    return unpack(ids, IDS)[unpack(deal, DAYS) + np.repeat(first, changes)], at_all, unpack(close, DAYS)
