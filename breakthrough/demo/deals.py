"""The pipeline: opportunities (with their stage history) and the activities that made them.

Activity kinds and outcomes are small ints while generating (`KINDS`, `OUTCOMES`), strings when written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, fields

import numpy as np

from breakthrough.demo import names as nm
from breakthrough.demo.accounts import Accounts
from breakthrough.demo.company import CHUNK, SOURCE, STAGE_PROBABILITY, STAGES
from breakthrough.demo.days import Frame
from breakthrough.demo.org import Org
from breakthrough.demo.quotas import full_quota

# Activity codes: kinds and outcomes are small ints while generating, strings when written.
KINDS = ("call", "email", "meeting", "demo")
RAW_KINDS = ("Call", "Email", "Meeting", "Demo")
OUTCOMES = (None, "connected", "no answer", "left voicemail", "held", "no show", "sent")
CALL, EMAIL, MEETING, DEMO = range(4)
NONE, CONNECTED, NO_ANSWER, VOICEMAIL, HELD, NO_SHOW, SENT = range(7)


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

    def rows(self, rng, org: Org, accounts: Accounts, opps: Opps, frame: Frame) -> Iterator[Chunk]:
        """Activity rows in time order, with timestamps, durations and CRM-like labels, in chunks of columns."""
        yield from _activity_rows(rng, self, org, accounts, opps, frame)


def _column(values, n: int) -> np.ndarray:
    """An int column of length `n` from an array, a scalar, or None (all -1)."""
    values = -1 if values is None else values
    return np.broadcast_to(np.asarray(values, dtype=int), (n,)).copy()


def pipeline(rng, org: Org, accounts: Accounts, frame: Frame) -> tuple[Opps, Acts]:
    """Daily activity per rep, opportunities from held meetings (plus a lead-in), follow-up emails."""
    intensity = _intensity(rng, org, frame.days)
    calls, meetings, no_shows, emails = _daily_counts(rng, org.params, intensity)
    meet = _meetings(rng, meetings, accounts, org)
    opps = Opps.make(rng, org, accounts, frame, meet)
    _calibrate_ahead(rng, opps, org, frame)
    blocks = [
        _calls(rng, calls, accounts, org),
        meet,
        _no_shows(rng, no_shows, accounts, org),
        _emails(rng, emails, accounts, org),
        _follow_ups(rng, opps, frame),
    ]
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
    target = AHEAD_PACE * elapsed * 3 * full_quota(org, org.currency()[r])
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
    cols = zip(
        opps.external_ids(),
        org.rep_id[opps.rep].tolist(),
        opps.account.tolist(),
        opps.product.tolist(),
        opps.created.tolist(),
        opps.close.tolist(),
        stages[opps.stage],
        opps.status,
        opps.amount.tolist(),
        currency,
        probability[opps.stage].tolist(),
        opps.lead_source.tolist(),
        opps.stage_since.tolist(),
    )
    for i, (ext, owner, acc, prod, created, close, stage, status, amount, cur, prob, src, since) in enumerate(cols):
        yield {
            "id": i + 1,
            "source": SOURCE,
            "external_id": ext,
            "owner_id": owner,
            "account_id": acc + 1,
            "name": f"{accounts.names[acc]} – {nm.PRODUCTS[prod]}",
            "created_date": created,
            "close_date": close,
            "stage": stage,
            "status": status,
            "amount": None if amount != amount else amount,
            "currency": cur,
            "probability": prob,
            "lead_source": nm.LEAD_SOURCES[src],
            "stage_since": since,
        }


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
        rows.append(
            {
                "opportunity_id": i + 1,
                "stage": stage,
                "amount": amount,
                "close_date": close.item(),
                "changed_at": dt.datetime.combine(changed.item(), dt.time(18, 0)),
            }
        )
    return rows


def _activity_rows(rng, acts: Acts, org: Org, accounts: Accounts, opps: Opps, frame: Frame) -> Iterator[Chunk]:
    """Activity rows sorted by time, external ids "A000001"..., in chunks; 2% carry no outcome (data health)."""
    seconds, duration = _times(rng, acts)
    outcome = np.where(rng.random(len(acts.rep)) < 0.02, NONE, acts.outcome)
    ts = frame.days[acts.day].astype("datetime64[s]") + seconds.astype("timedelta64[s]")
    order = np.lexsort((acts.rep, ts))
    labels = Labels(opps.external_ids(), _subjects(accounts.names))
    for lo in range(0, len(order), CHUNK):
        idx = order[lo : lo + CHUNK]
        number = np.arange(lo + 1, lo + 1 + len(idx))
        opp = acts.opp[idx]
        yield Chunk(number, org.rep_id[acts.rep[idx]], ts[idx], acts.kind[idx], outcome[idx], duration[idx],
                    acts.account[idx], opp, opp >= 0, labels)  # fmt: skip


@dataclass(frozen=True)
class Labels:
    refs: np.ndarray  # each opportunity's external id, by opportunity index
    subjects: np.ndarray  # every subject an activity can have, by `LABELS` index, then account index + 1 (0: none)


LABELS = ("Call", "Email", "Meeting", "Product demo", "Follow-up email")  # the subject's label: by kind, then
FOLLOW_UP = len(LABELS) - 1  # an email made for a deal


def _subjects(accounts: np.ndarray) -> np.ndarray:
    """Each label alone, then with each account's name: "Call", "Call – Acme", … (by label, account + 1)."""
    names = np.array(["", *(f" – {name}" for name in accounts)], dtype=object)
    return (np.array(LABELS, dtype=object)[:, None] + names[None, :]).ravel()


@dataclass
class Chunk:
    """Activity rows as columns (numpy), until they are written: kinds and outcomes as codes, -1 for none."""

    number: np.ndarray  # the external id's number
    rep_id: np.ndarray
    ts: np.ndarray  # datetime64[s]
    kind: np.ndarray
    outcome: np.ndarray
    duration: np.ndarray
    account: np.ndarray
    opp: np.ndarray  # the deal it is linked to
    follow_up: np.ndarray  # made for a deal (its subject says so, even if the link is taken out later)
    labels: Labels

    def __len__(self) -> int:
        return len(self.number)

    @property
    def day(self) -> np.ndarray:
        return self.ts.astype("datetime64[D]")

    def where(self, keep: np.ndarray) -> Chunk:
        arrays = {f.name: getattr(self, f.name)[keep] for f in fields(Chunk) if f.name != "labels"}
        return Chunk(**arrays, labels=self.labels)

    def columns(self) -> dict[str, list]:
        """The activity table's columns but the time stamps (`ts`, `day`: the writer's), as the app stores them.

        Column-wise: numpy picks each text from a table of them (`Labels`); Python makes only the external ids.
        """
        label = np.where(self.follow_up & (self.kind == KINDS.index("email")), FOLLOW_UP, self.kind)
        accounts = len(self.labels.subjects) // len(LABELS)  # the accounts, and "none"
        return {
            "source": [SOURCE] * len(self),
            "external_id": list(map("A%06d".__mod__, self.number.tolist())),
            "rep_id": self.rep_id.tolist(),
            "type": np.array(KINDS, dtype=object)[self.kind].tolist(),
            "raw_type": np.array(RAW_KINDS, dtype=object)[self.kind].tolist(),
            "outcome": np.array(OUTCOMES, dtype=object)[self.outcome].tolist(),
            "duration_s": _or_none(self.duration, self.duration >= 0),
            "account_id": _or_none(self.account + 1, self.account >= 0),
            "opportunity_ref": _or_none(self.labels.refs[np.maximum(self.opp, 0)], self.opp >= 0),
            "subject": self.labels.subjects[label * accounts + self.account + 1].tolist(),  # account −1: none
        }


def _or_none(values: np.ndarray, keep: np.ndarray) -> list:
    """`values` as Python objects (ints, texts), None where not `keep`."""
    out = np.full(len(values), None, dtype=object)
    out[keep] = values[keep]
    return out.tolist()


def _times(rng, acts: Acts) -> tuple[np.ndarray, np.ndarray]:
    """Seconds after midnight (meetings on half hours 9:00–16:00, the rest 8:00–18:00) and durations (-1: none)."""
    n = len(acts.rep)
    meeting = (acts.kind == MEETING) | (acts.kind == DEMO)
    seconds = np.where(meeting, (18 + rng.integers(0, 15, n)) * 1800, 8 * 3600 + rng.integers(0, 10 * 3600, n))
    talk = np.round(rng.lognormal(np.log(300), 0.6, n)).astype(int)
    minutes = np.where(acts.kind == DEMO, rng.choice([45, 60], n), rng.choice([30, 30, 45, 60], n))
    duration = np.select(
        [acts.outcome == CONNECTED, acts.outcome == NO_ANSWER, acts.outcome == VOICEMAIL, acts.outcome == HELD],
        [talk, rng.integers(15, 40, n), rng.integers(30, 90, n), minutes * 60],
        -1,
    )
    return seconds, duration
