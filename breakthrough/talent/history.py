"""Every rep's figures period by period (docs/metrics.md#talent), from the rollups.

For a list of back-to-back periods (months or quarters) from the data's first day to the as-of date, per
rep and period: the quota (`inputs.quota_totals`: prorated to the working days employed, as every page
does), won (closed-won amount in the reporting currency), calls, meetings held, new opportunities and the
pipeline created (the amount of the deals created, in the reporting currency) — the
running totals of `activity_running` and `opportunity_running`, two look-ups per rep and period boundary, in
one query each. The last period counts up to the as-of date. Results pace is `scorecard.results_pace`'s rule:
attainment ÷ the share of the period's working days elapsed (1 for a period that is over).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from breakthrough.metrics import inputs, money, periods, tenure
from breakthrough.metrics.periods import Period
from breakthrough.settings import Settings
from breakthrough.store import month_running, queries, rollups

FIGURES = ("quota", "won", "calls", "meetings", "opportunities", "pipeline")


@dataclass(frozen=True)
class History:
    """Reps × periods arrays (row `i` is `rep_ids[i]`, column `j` is `periods[j]`)."""

    as_of: dt.date
    periods: tuple[Period, ...]
    elapsed: np.ndarray  # each period's elapsed share on the as-of date
    rep_ids: tuple[int, ...]
    names: tuple[str, ...]
    teams: tuple[str | None, ...]
    managers: tuple[str | None, ...]
    hire: tuple[dt.date | None, ...]
    end: tuple[dt.date | None, ...]
    present: np.ndarray  # bool: in the period's figures (`tenure.present`)
    share: np.ndarray  # the share of the period's working days employed (`tenure.employed_share`)
    figures: dict[str, np.ndarray]  # FIGURES (those asked for) → reps × periods
    quotas: inputs.QuotaChain | None = field(default=None, repr=False, compare=False)  # read with the next period

    @property
    def attainment(self) -> np.ndarray:
        """Won ÷ quota (NaN without a quota or outside the period)."""
        quota = self.figures["quota"]
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.present & (quota > 0), self.figures["won"] / quota, np.nan)

    @property
    def pace(self) -> np.ndarray:
        """Results pace per rep and period (`scorecard.results_pace`, for every rep and period at once: attainment ÷
        the elapsed share; NaN without an attainment or before the period starts)."""
        attainment, elapsed = self.attainment, np.broadcast_to(self.elapsed, self.attainment.shape)
        known = np.isfinite(attainment) & (elapsed > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(known, attainment / np.where(known, elapsed, 1.0), np.nan)

    def row(self, rep_id: int) -> int:
        return self.rep_ids.index(rep_id)


def empty(as_of: dt.date) -> History:
    none = np.zeros((0, 0))
    return History(as_of, (), np.zeros(0), (), (), (), (), (), (), none.astype(bool), none,
                   {f: none for f in FIGURES})  # fmt: skip


def build(
    engine: queries.Bind,
    settings: Settings,
    kind: str,
    as_of: dt.date,
    wanted: tuple[str, ...] = FIGURES,
    next_quota: bool = False,
) -> History:
    """Every rep's figures in every `kind` period ("month" or "quarter") from the data's first day to `as_of`
    (only the `wanted` ones among FIGURES: the quota and won are all results pace needs, without the activity).
    `next_quota`: the quotas are read with the period after the last one, and kept (`History.quotas`) for the
    scorecards of these periods (`scorecard.columns_many`) to take theirs from."""
    first = queries.first_data_day(engine)
    if first is None or first > as_of:
        return empty(as_of)
    chosen = tuple(periods.list_periods(first, as_of, kind, settings.fiscal_year_start_month))
    rows = queries.period_reps(engine, chosen[0].start, as_of)
    col = {
        c: queries.PEOPLE_COLUMNS.index(c) for c in ("id", "name", "team", "manager", "hire_date", "end_date", "active")
    }
    ids = [int(r[col["id"]]) for r in rows]
    hire = [queries.as_date(r[col["hire_date"]]) for r in rows]
    end = [queries.as_date(r[col["end_date"]]) for r in rows]
    active = [r[col["active"]] for r in rows]
    present = _present(hire, end, active, chosen, as_of)
    share = _employed_share(hire, end, chosen, settings.holiday_country)
    places = inputs.Places(ids)
    figures = _figures(engine, settings, chosen, as_of, places, wanted)
    quotas = None
    if "quota" in wanted and next_quota:
        quotas = inputs.QuotaChain(engine, settings, [*chosen, periods.next_period(chosen[-1],
                                                                                settings.fiscal_year_start_month)])  # fmt: skip
        figures["quota"] = quotas.grid(len(chosen), places)
    elif "quota" in wanted:
        figures["quota"] = _quotas(engine, settings, chosen, places)
    for name in figures:
        figures[name] = np.where(present, figures[name], 0.0)
    elapsed = np.array([periods.elapsed_share(p, as_of, settings.holiday_country) for p in chosen])
    return History(
        as_of, chosen, elapsed, tuple(ids), tuple(str(r[col["name"]]) for r in rows),
        tuple(r[col["team"]] for r in rows), tuple(r[col["manager"]] for r in rows), tuple(hire), tuple(end),
        present, share, figures, quotas,
    )  # fmt: skip


def _present(hire, end, active, chosen, as_of: dt.date) -> np.ndarray:
    """Reps × periods: `tenure.present` over [period start, min(period end, as-of date)], for every period at once
    (the dates read once, not once per period)."""
    hires, ends = tenure.days(hire), tenure.days(end)
    known = np.array([bool(a) and a == a for a in active], dtype=bool) | ~np.isnat(ends)
    firsts = np.array([p.start for p in chosen], dtype="datetime64[D]")
    lasts = np.array([min(p.end, as_of) for p in chosen], dtype="datetime64[D]")
    started = np.isnat(hires)[:, None] | (hires[:, None] <= lasts[None, :])
    stayed = np.isnat(ends)[:, None] | (ends[:, None] >= firsts[None, :])
    return known[:, None] & started & stayed


def _employed_share(hire, end, chosen, country) -> np.ndarray:
    """Reps × periods: the share of each period's working days between the rep's hire and end dates."""
    n, m = len(hire), len(chosen)
    if not n:
        return np.zeros((0, m))
    starts = np.tile(np.array([p.start for p in chosen], dtype="datetime64[D]"), n)
    ends = np.tile(np.array([p.end for p in chosen], dtype="datetime64[D]"), n)
    hires, leaves = np.repeat(tenure.days(hire), m), np.repeat(tenure.days(end), m)
    return tenure.employed_share(hires, leaves, starts, ends, country).reshape(n, m)


def _windows(chosen, as_of, totals) -> dict:
    return {f"p{j}": (p.start, min(p.end, as_of), totals) for j, p in enumerate(chosen)}


def _whole_months(period: Period, as_of: dt.date) -> bool:
    """Whether a period is over by the as-of date and runs from a month's first day to a month's last."""
    return period.end <= as_of and period.start.day == 1 and (period.end + dt.timedelta(days=1)).day == 1


def _period_totals(engine, spec: rollups.Running, chosen, as_of: dt.date, totals: tuple[str, ...]) -> dict:
    """`queries.deal_totals`' (or `activity_totals`') columns for these periods (`p<j>_<total>`), one row per key of
    the running table: the periods over by the as-of date from `month_running` (the totals through the end of
    their last month less those through the end of the month before), any other from the running table."""
    with queries.connected(engine) as conn:
        keys = month_running.read(conn, spec.table.__tablename__, len(spec.values))
    whole = [j for j, p in enumerate(chosen) if _whole_months(p, as_of)]
    months = sorted({month_running.month_number(chosen[j].start) - 1 for j in whole} |
                    {month_running.month_number(chosen[j].end) for j in whole})  # fmt: skip
    at = {month: i for i, month in enumerate(months)}
    through = month_running.through(keys, months, len(spec.values))
    found: dict[str, np.ndarray] = {"rep_id": keys.person_ids}
    if len(spec.keys) > 1:
        found["currency"] = np.array(keys.currencies, dtype=object)
    for j in whole:
        lower, upper = (
            at[month_running.month_number(chosen[j].start) - 1],
            at[month_running.month_number(chosen[j].end)],
        )
        for total in totals:
            v = spec.values.index(total)
            found[f"p{j}_{total}"] = through[:, upper, v] - through[:, lower, v]
    rest = {f"p{j}": (p.start, min(p.end, as_of), totals) for j, p in enumerate(chosen) if j not in set(whole)}
    if rest:
        read = (queries.deal_totals if len(spec.keys) > 1 else queries.activity_totals)(engine, rest)
        row = {key: i for i, key in enumerate(zip(found["rep_id"].tolist(), found.get("currency", [""] * len(keys))))}
        pairs = zip(
            read["rep_id"].tolist(), read["currency"].tolist() if "currency" in read else [""] * len(read["rep_id"])
        )
        where = np.array([row.get((int(r), c), -1) for r, c in pairs], dtype=np.int64)
        for name in rest:
            for total in totals:
                column = np.zeros(len(keys))
                column[where[where >= 0]] = read[f"{name}_{total}"][where >= 0]
                found[f"{name}_{total}"] = column
    return found


DEAL_TOTALS = {"won": ("won", "won_amount"), "pipeline": ("created", "created_amount"), "opportunities": ("created",)}
ACTIVITY_TOTALS = {"calls": "calls", "meetings": "meetings_held"}


def _figures(engine, settings: Settings, chosen, as_of, places: inputs.Places, wanted) -> dict[str, np.ndarray]:
    """Won and the pipeline created (reporting currency), new opportunities, calls and meetings held: reps × periods
    (those `wanted`; the running tables behind the others not read)."""
    n, m = places.count, len(chosen)
    found = {name: np.zeros((n, m)) for name in FIGURES if name in wanted and name != "quota"}
    totals = tuple(dict.fromkeys(t for name, parts in DEAL_TOTALS.items() if name in wanted for t in parts))
    if totals:
        deals = _period_totals(engine, rollups.OPPORTUNITY_RUNNING, chosen, as_of, totals)
        where = places.of(deals["rep_id"]) if len(deals["rep_id"]) else np.zeros(0, dtype=np.int64)
        for name, (count, amount) in (("won", DEAL_TOTALS["won"]), ("pipeline", DEAL_TOTALS["pipeline"])):
            if name in found:
                _to_reporting(found[name], where, deals, count, amount, m, settings)
        mine = where >= 0
        for j in range(m if "opportunities" in found else 0):
            found["opportunities"][:, j] = np.bincount(where[mine], minlength=n,
                                                       weights=deals[f"p{j}_created"][mine].astype(float))  # fmt: skip
    columns = {name: column for name, column in ACTIVITY_TOTALS.items() if name in found}
    if columns:
        acts = _period_totals(engine, rollups.ACTIVITY_RUNNING, chosen, as_of, tuple(columns.values()))
        at = places.of(acts["rep_id"]) if len(acts["rep_id"]) else np.zeros(0, dtype=np.int64)
        for j in range(m):
            for name, column in columns.items():
                found[name][at[at >= 0], j] = acts[f"p{j}_{column}"][at >= 0].astype(float)
    return found


def _to_reporting(into: np.ndarray, where, deals, count: str, amount: str, m: int, settings: Settings) -> None:
    """Each rep's and period's `amount` (of the rows with a `count`) in the reporting currency, written into `into`
    (an amount without a rate left out, as every money figure does)."""
    keys, currencies, amounts = [], [], []
    for j in range(m):
        chosen_rows = (where >= 0) & (deals[f"p{j}_{count}"] > 0)
        keys.append(where[chosen_rows].astype(np.int64) * m + j)
        currencies.append(deals["currency"][chosen_rows].astype(object))
        amounts.append(deals[f"p{j}_{amount}"][chosen_rows].astype(float))
    if keys:
        all_keys = np.concatenate(keys)
        rate, _ = money.rates_of(all_keys, np.concatenate(currencies), settings)
        slots, totals = money.reporting_totals(all_keys, np.concatenate(amounts), rate)
        into[slots // m, slots % m] = totals


def _quotas(engine, settings: Settings, chosen, places: inputs.Places) -> np.ndarray:
    """Each rep's quota for each period (`inputs.quota_totals`: prorated, a quarter row over its months)."""
    m = len(chosen)
    keys, totals = inputs.quota_totals(engine, settings, list(chosen))
    found = np.zeros((places.count, m))
    where = places.of(keys // m)
    found[where[where >= 0], (keys % m)[where >= 0]] = totals[where >= 0]
    return found
