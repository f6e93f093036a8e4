"""The stage funnel's rollup, `stage_cohort`: each owner's deals by created day, packed in one row per owner.

How far a deal got (`pipeline`'s stage funnel) follows from its status, its current stage and the stages its
history records, once the stage order is known — and the order is worked out from the open deals when the page
is drawn. So the rollup keeps, per owner, one *key* per (currency, status, stage, history stages) and, per key
and created day, the deals, those with an amount and their amounts in cents; the page turns each key into the
furthest stage it reached and sums the days of its window (`read`). A won deal keeps no stage nor history (it
reached Won whatever they were); a lost one no stage (its current stage counts as the first).

Every writer of opportunities calls `rollups.refresh_opportunity_rollups`, which rewrites these owners' rows
(`refresh`) in the same transaction, after the deals and their history are written.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, delete, insert, select

from breakthrough.store.models import Opportunity, OpportunityHistory, StageCohort
from breakthrough.store.packing import DAYS, EPOCH, day_number

COUNTS, CENTS = np.dtype("<i4"), np.dtype("<i8")  # little-endian, whatever the machine (days: `packing`)
SEP = "\n"  # between keys: each key is JSON text, which never holds a raw newline
COLUMNS = ["rep_id", "currency", "reached", "deals", "amount"]


def refresh(conn: Connection, owner_ids: Iterable[int] | None = None) -> None:
    """Rewrite `stage_cohort` for these owners (everyone if None) from their deals and the deals' history."""
    ids = None if owner_ids is None else sorted({int(i) for i in owner_ids})
    conn.execute(delete(StageCohort).where(*([] if ids is None else [StageCohort.owner_id.in_(ids)])))
    o, h = Opportunity, OpportunityHistory
    owned = [o.owner_id.is_not(None), o.created_date.is_not(None), *([] if ids is None else [o.owner_id.in_(ids)])]
    deals = _rows(conn, select(o.id, o.owner_id, o.currency, o.status, o.stage, o.created_date, o.amount)
                  .where(*owned))  # fmt: skip
    stages = _rows(conn, select(h.opportunity_id, h.stage).distinct().join(o, o.id == h.opportunity_id)
                   .where(*owned, h.stage.is_not(None)))  # fmt: skip
    rows = cohort_rows(deals, stages)
    if rows:
        conn.execute(insert(StageCohort), rows)


def _rows(conn: Connection, stmt) -> list[tuple]:
    """The driver's rows as they come (dates may be ISO text, amounts decimals): a full rewrite reads every deal."""
    result = conn.execute(stmt)
    try:
        return result.cursor.fetchall()  # type: ignore[return-value]
    finally:
        result.close()


def cohort_rows(deals: Sequence[Sequence], stages: Sequence[Sequence]) -> list[dict]:
    """`stage_cohort` rows from (id, owner, currency, status, stage, created date, amount) deals and the
    (deal id, stage) pairs their history records (dates as dates or ISO text, amounts as numbers or decimals).

    A deal's key: a won deal reached Won (no stage nor history kept); a lost one its history's furthest stage
    (no stage); an open one its stage or its history's furthest, whichever is further (`reached`)."""
    if not deals:
        return []
    recorded: dict[int, set] = {}
    for deal, stage in stages:
        recorded.setdefault(deal, set()).add(stage)
    history = {deal: tuple(sorted(found)) for deal, found in recorded.items()}
    ids, owner, currency, status, stage, created, amount = (list(c) for c in zip(*deals))
    index: dict[tuple, int] = {}
    codes = np.array([index.setdefault((c, st, sg if st == "open" else None, () if st == "won" else history.get(i, ())),
                                       len(index)) for i, c, st, sg in zip(ids, currency, status, stage)])  # fmt: skip
    texts = [json.dumps([c, st, sg, list(h)]) for c, st, sg, h in index]
    rank = np.empty(len(texts), dtype=np.int64)
    rank[np.argsort(np.array(texts, dtype=object), kind="stable")] = np.arange(len(texts))
    by_rank = sorted(texts)
    day_codes, day_values = pd.factorize(pd.Series(created, dtype=object))
    days = np.array([day_number(d) for d in day_values], dtype=np.int64)[day_codes]
    values = np.array([np.nan if v is None else float(v) for v in amount], dtype=float)
    priced = ~np.isnan(values)
    cents = np.where(priced, np.round(np.where(priced, values, 0) * 100), 0).astype(np.int64)
    owners, keys = np.array(owner, dtype=np.int64), rank[codes]
    order = np.lexsort((days, keys, owners))
    owners, keys, days, priced, cents = owners[order], keys[order], days[order], priced[order], cents[order]
    starts = np.flatnonzero(
        np.r_[True, (owners[1:] != owners[:-1]) | (keys[1:] != keys[:-1]) | (days[1:] != days[:-1])]
    )
    deals_n = np.diff(np.r_[starts, len(order)])
    priced_n, cents_n = np.add.reduceat(priced.astype(np.int64), starts), np.add.reduceat(cents, starts)
    owners, keys, days = owners[starts], keys[starts], days[starts]
    cut = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
    rows = []
    for a, b in zip(cut, np.r_[cut[1:], len(owners)]):
        mine, local = np.unique(keys[a:b], return_inverse=True)
        rows.append({
            "owner_id": int(owners[a]), "keys": SEP.join(by_rank[k] for k in mine.tolist()),
            "key": local.astype(DAYS).tobytes(), "days": days[a:b].astype(DAYS).tobytes(),
            "deals": deals_n[a:b].astype(COUNTS).tobytes(), "priced": priced_n[a:b].astype(COUNTS).tobytes(),
            "cents": cents_n[a:b].astype(CENTS).tobytes(),
        })  # fmt: skip
    return rows


def reached(key_text: str, order: Sequence[str]) -> tuple[str, int]:
    """(currency, index into `pipeline.stages(order)` of the furthest stage) of one key: Won for a won deal; else
    the furthest of its open stage and its history's stages (a stage not in the order counts as the first)."""
    currency, status, stage, history = json.loads(key_text)
    if status == "won":
        return currency, len(order)
    position = {name: i for i, name in enumerate(order)}
    current = position.get(stage, 0) if status == "open" and stage is not None else 0
    return currency, max([current, *(position.get(s, 0) for s in history)])


def read(engine: Engine, start: dt.date, end: dt.date, order: Sequence[str]) -> pd.DataFrame:
    """Deals created in [start, end] with an owner, per owner, currency and furthest stage reached (`COLUMNS`):
    how many (`deals`) and their amounts summed (NaN when none has one), from one row per owner."""
    s = StageCohort
    with engine.connect() as conn:  # the driver's rows as they come (as `rows.fetch`, which imports `rollups`)
        result = conn.execute(select(s.owner_id, s.keys, s.key, s.days, s.deals, s.priced, s.cents))
        try:
            rows = result.cursor.fetchall()
        finally:
            result.close()
    if not rows:
        return _frame([], [], [], [], [])
    pairs: dict[str, int] = {}  # key text → code of its (currency, reached) in `found`
    found: list[tuple[str, int]] = []
    owner_ids, keys, key, day, n, p, c = zip(*rows)
    texts = [k.split(SEP) for k in keys]
    lookup = np.array([pairs[k] if k in pairs else _code(k, order, pairs, found) for ks in texts for k in ks])
    days = np.frombuffer(b"".join(day), dtype=DAYS)
    rows_in = np.flatnonzero((days >= start.toordinal() - EPOCH) & (days <= end.toordinal() - EPOCH))
    owner_at = np.searchsorted(np.cumsum([len(b) // DAYS.itemsize for b in key]), rows_in, side="right")
    first = np.cumsum([0, *(len(ks) for ks in texts)])[:-1]  # each owner's first key in `lookup`
    codes = lookup[np.frombuffer(b"".join(key), dtype=DAYS)[rows_in] + first[owner_at]]
    # pairs in (currency, reached) order, so that each owner's rows come out in that order
    rank = np.empty(len(found), dtype=np.int64)
    rank[sorted(range(len(found)), key=lambda i: (str(found[i][0]), found[i][1]))] = np.arange(len(found))
    group = np.array(owner_ids, dtype=np.int64)[owner_at] * len(found) + rank[codes]
    groups, total = _grouped(group, [np.frombuffer(b"".join(parts), dtype=kind)[rows_in]
                                     for parts, kind in ((n, COUNTS), (p, COUNTS), (c, CENTS))])  # fmt: skip
    by_rank = sorted(found, key=lambda f: (str(f[0]), f[1]))
    chosen = [by_rank[g] for g in (groups % len(found)).tolist()]
    with_amount = total[1] > 0
    return _frame(groups // len(found), [c for c, _ in chosen], [r for _, r in chosen], total[0],
                  np.where(with_amount, total[2] / 100, np.nan))  # fmt: skip


def _grouped(group: np.ndarray, values: list[np.ndarray]) -> tuple[np.ndarray, list[np.ndarray]]:
    """The distinct group codes (ascending) and each of `values` summed per group (as floats, row by row in order,
    as `np.bincount` adds them): counted straight into a slot per code when the codes are few enough."""
    top = int(group.max()) + 1 if len(group) else 0
    if top > max(4 * len(group), 1 << 20):
        groups, where = np.unique(group, return_inverse=True)
        return groups, [np.bincount(where, weights=v, minlength=len(groups)) for v in values]
    groups = np.flatnonzero(np.bincount(group, minlength=top))
    return groups, [np.bincount(group, weights=v, minlength=top)[groups] for v in values]


def _code(key_text: str, order: Sequence[str], pairs: dict[str, int], found: list) -> int:
    pair = reached(key_text, order)
    if pair not in found:
        found.append(pair)
    pairs[key_text] = found.index(pair)
    return pairs[key_text]


def _frame(reps, currency, reach, deals, amount) -> pd.DataFrame:
    return pd.DataFrame({"rep_id": np.asarray(reps, dtype=np.int64), "currency": list(currency),
                         "reached": np.asarray(reach, dtype=np.int64), "deals": np.asarray(deals, dtype=np.int64),
                         "amount": np.asarray(amount, dtype=float)}, columns=COLUMNS)  # fmt: skip
