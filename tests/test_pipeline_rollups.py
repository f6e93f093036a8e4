"""The Pipeline page on rollups: `deal_activity`, `target_activity_day` and its running totals `target_running`
worked out by hand and kept equal to a recount from the raw rows by every writer (demo, both import paths, re-import with changes, an accounts
import that moves a target flag, undo); the Pipeline reads (open deals, the stage cohort, right prospects)
on hand-built deals worked out here, and on the demo where the funnel, the drill-down and the recount agree."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from conftest import TODAY
from sqlalchemy import func, insert, select
from test_bulk_import import HEADER, assert_same, both, csv_bytes
from test_import import data, load

from breakthrough import settings as settings_store
from breakthrough.diagnosis import hygiene, pipeline
from breakthrough.importing.write import undo
from breakthrough.metrics import periods
from breakthrough.store import cohort, open_pack, records, rollups
from breakthrough.store.models import (
    Account,
    Activity,
    DealActivity,
    OpenDealPack,
    OpenStage,
    Opportunity,
    OpportunityHistory,
    Person,
    StageCohort,
    TargetActivityDay,
    TargetRunning,
    Team,
)
from breakthrough.store.queries import as_date

D1, D2, D3 = dt.date(2026, 10, 1), dt.date(2026, 10, 2), dt.date(2026, 10, 20)


# --- recount from the raw rows, in plain Python (independent of `rollups`) -----------------------------


def recount(engine) -> tuple[dict, dict]:
    """({(rep, day): (with account, on target)}, {(open deal's CRM id, source): (last day, activities)})."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(Activity.rep_id, Activity.day, Activity.account_id, Activity.source, Activity.opportunity_ref)
        ).all()
        accounts = {
            i: bool(flag) or (tier or "").lower() in rollups.TARGET_TIERS
            for i, flag, tier in conn.execute(select(Account.id, Account.is_target, Account.tier))
        }
        open_deals = set(
            conn.execute(select(Opportunity.external_id, Opportunity.source).where(Opportunity.status == "open")).all()
        )
    targets: dict = {}
    deals: dict = {}
    for rep, day, account, source, ref in rows:
        day = as_date(day)
        if rep is not None and account is not None:
            with_account, on_target = targets.get((rep, day), (0, 0))
            targets[(rep, day)] = (with_account + 1, on_target + accounts[account])
        if (ref, source) in open_deals:
            last, n = deals.get((ref, source), (day, 0))
            deals[(ref, source)] = (max(last, day), n + 1)
    return targets, deals


def stored(engine) -> tuple[dict, dict]:
    t, d = TargetActivityDay, DealActivity
    with engine.connect() as conn:
        targets = {
            (r, as_date(day)): (w, o)
            for r, day, w, o in conn.execute(select(t.rep_id, t.day, t.with_account, t.on_target))
        }
        deals = {
            (ref, src): (as_date(last), n)
            for ref, src, last, n in conn.execute(select(d.opportunity_ref, d.source, d.last_day, d.activities))
        }
    return targets, deals


def target_running(engine) -> dict:
    """`target_running` as stored: {(rep, day): (with account, on target) through that day}."""
    t = TargetRunning
    with engine.connect() as conn:
        rows = conn.execute(select(t.rep_id, t.day, t.with_account, t.on_target)).all()
    return {(r, as_date(day)): (w, o) for r, day, w, o in rows}


def running_recount(targets: dict) -> dict:
    """The running totals of {(rep, day): (with account, on target)} in plain Python: every rep with a day on every
    day any rep has one, its counts through that day."""
    days = sorted({d for _, d in targets})
    found = {}
    for rep in {r for r, _ in targets}:
        total = (0, 0)
        for day in days:
            w, o = targets.get((rep, day), (0, 0))
            total = (total[0] + w, total[1] + o)
            found[(rep, day)] = total
    return found


def assert_in_step(engine) -> None:
    assert stored(engine) == recount(engine)
    assert target_running(engine) == running_recount(recount(engine)[0])
    assert_cohort_in_step(engine)
    assert_open_deals_in_step(engine)
    assert_open_stages_in_step(engine)


def open_stages(engine) -> dict[str, tuple[int, float]]:
    """`open_stage` as stored: stage → (open deals, probabilities summed)."""
    with engine.connect() as conn:
        return {s: (n, p) for s, n, p in conn.execute(select(OpenStage.stage, OpenStage.deals, OpenStage.probability))}


def assert_open_stages_in_step(engine) -> None:
    """`open_stage` is what a full rewrite gives, and the open deals counted per stage in plain Python."""
    with engine.connect() as conn:
        deals = conn.execute(select(Opportunity.stage, Opportunity.probability).where(Opportunity.status == "open"))
        full = {s: (n, p) for s, n, p in conn.execute(rollups.open_stages())}
        counted: dict[str, tuple[int, float]] = {}
        for stage, p in deals:
            n, total = counted.get(stage, (0, 0.0))
            counted[stage] = (n + 1, total + (p or 0.0))
    kept = open_stages(engine)
    assert kept == full
    assert {s: n for s, (n, _) in kept.items()} == {s: n for s, (n, _) in counted.items()}
    assert all(kept[s][1] == pytest.approx(p) for s, (_, p) in counted.items())


EVER = dt.date(1900, 1, 1), dt.date(2100, 1, 1)


def cohort_recount(engine, order) -> dict:
    """{(owner, currency, furthest stage): (deals, amount summed or None)} over every owned deal, in plain Python
    from the deals and their history (`pipeline`'s definition)."""
    o, h = Opportunity, OpportunityHistory
    with engine.connect() as conn:
        deals = conn.execute(select(o.id, o.owner_id, o.currency, o.status, o.stage, o.amount)
                             .where(o.owner_id.is_not(None))).all()  # fmt: skip
        history = conn.execute(select(h.opportunity_id, h.stage)).all()
    position = {s: i for i, s in enumerate(order)}
    furthest: dict = {}
    for deal, stage in history:
        furthest[deal] = max(furthest.get(deal, 0), position.get(stage, 0))
    found: dict = {}
    for deal, owner, currency, status, stage, amount in deals:
        current = len(order) if status == "won" else position.get(stage, 0) if status == "open" else 0
        key = (owner, currency, max(current, furthest.get(deal, 0)))
        n, total = found.get(key, (0, None))
        found[key] = (n + 1, total if amount is None else (total or 0) + amount)
    return found


def cohort_stored(engine) -> list[tuple]:
    with engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(select(StageCohort.__table__)))


def cohort_full(engine) -> list[tuple]:
    """`stage_cohort` as a full rewrite from the raw rows would write it."""
    o, h = Opportunity, OpportunityHistory
    with engine.connect() as conn:
        deals = conn.execute(select(o.id, o.owner_id, o.currency, o.status, o.stage, o.created_date, o.amount)
                             .where(o.owner_id.is_not(None))).all()  # fmt: skip
        stages = conn.execute(select(h.opportunity_id, h.stage).distinct().where(h.stage.is_not(None))).all()
    columns = [c.name for c in StageCohort.__table__.columns]
    return sorted(tuple(r[c] for c in columns) for r in cohort.cohort_rows(deals, stages))


def assert_cohort_in_step(engine) -> None:
    """The stage cohort rollup is what a full rewrite gives, and read over all time it is the plain recount."""
    assert cohort_stored(engine) == cohort_full(engine)
    order = records.stage_order(engine)
    frame = records.stage_cohort(engine, *EVER, order)
    read = {(r, c, s): (n, None if a != a else a) for r, c, s, n, a in frame.itertuples(index=False)}
    assert read == cohort_recount(engine, order)


def assert_open_deals_in_step(engine) -> None:
    """The open deals' pack is what a full rewrite gives, and hygiene's reads are the raw rows joined."""
    o, d, h = Opportunity, DealActivity, OpportunityHistory
    mine = [o.status == "open", o.owner_id.is_not(None)]
    same = (d.opportunity_ref == o.external_id) & (d.source == o.source)
    with engine.connect() as conn:
        deals = conn.execute(select(o.owner_id, o.id, o.external_id, o.stage, o.created_date, o.close_date,
                                    o.stage_since, d.last_day).outerjoin(d, same).where(*mine)).all()  # fmt: skip
        history = conn.execute(select(o.owner_id, h.opportunity_id, h.changed_at, h.close_date)
                               .join(o, o.id == h.opportunity_id).where(*mine)
                               .order_by(h.opportunity_id, h.changed_at, h.id)).all()  # fmt: skip
        packed = sorted(tuple(r) for r in conn.execute(select(OpenDealPack.__table__)))
        teams = dict(conn.execute(select(Person.id, Person.team_id)).all())
    columns = [c.name for c in OpenDealPack.__table__.columns]
    assert packed == sorted(tuple(r[c] for c in columns) for r in open_pack.pack_rows(deals, history))
    frame = records.open_deals(engine, EVER[1])
    assert [tuple(r) for r in frame.itertuples(index=False)] == sorted(
        (i, ref, owner, teams[owner], stage, *(as_date(x) if x else None for x in days))
        for owner, i, ref, stage, *days in deals
    )
    found = records.close_date_history(engine, EVER[1])
    assert list(zip(found["id"], found["close_date"])) == [(i, as_date(c) if c else None) for _, i, _, c in history]


# --- by hand ---------------------------------------------------------------------------------------------


def seed(engine) -> None:
    """Ann (1) and Bob (2); accounts: 1 flagged target, 2 tier "Tier A", 3 tier C; deals O1 and O2 open,
    O9 won; activities below."""
    with engine.begin() as conn:
        conn.execute(insert(Team).values(id=1, name="East"))
        conn.execute(
            insert(Person),
            [
                dict(id=1, name="Ann Lee", name_key="ann lee", role="rep", team_id=1),
                dict(id=2, name="Bob Roe", name_key="bob roe", role="rep", team_id=1),
            ],
        )
        conn.execute(
            insert(Account),
            [
                dict(id=1, name="Target Co", tier=None, is_target=True),
                dict(id=2, name="Tier A Co", tier="Tier A", is_target=False),
                dict(id=3, name="Other Co", tier="C", is_target=False),
            ],
        )
        rows = [  # (id, rep, day, account, source, deal)
            ("A1", 1, D1, 1, "crm", "O1"),
            ("A2", 1, D1, 2, "crm", "O1"),
            ("A3", 1, D1, 3, "crm", None),
            ("A4", 1, D1, None, "crm", "O2"),
            ("A5", 1, D2, 3, "crm", "O1"),
            ("A6", 2, D2, 2, "crm", None),
            ("A7", None, D3, 1, "crm", "O2"),
            ("A8", 2, D3, None, "other", "O1"),
        ]
        conn.execute(insert(Activity), [
            dict(external_id=i, rep_id=r, day=d, ts=dt.datetime.combine(d, dt.time(9)), type="call", account_id=a,
                 source=s, opportunity_ref=o) for i, r, d, a, s, o in rows])  # fmt: skip
        conn.execute(insert(Opportunity), [
            dict(id=100 + i, source="crm", external_id=f"O{i}", owner_id=1, name=f"Deal {i}", created_date=D1,
                 stage="Proposal", status=status, currency="USD") for i, status in ((1, "open"), (2, "open"), (9, "won"))
        ])  # fmt: skip
        rollups.refresh_activity_daily(conn)
        rollups.refresh_deal_activity(conn)
        rollups.refresh_opportunity_rollups(conn)


def test_target_activity_per_rep_and_day_by_hand(engine):
    seed(engine)
    targets, _ = stored(engine)
    # Ann D1: A1 (flagged), A2 (Tier A), A3 (C) have an account = 3, on target A1 + A2 = 2; A4 has none
    # Ann D2: A5 (C) = 1, 0 on target; Bob D2: A6 (Tier A) = 1, 1; Bob D3: A8 has no account; A7 has no rep
    assert targets == {(1, D1): (3, 2), (1, D2): (1, 0), (2, D2): (1, 1)}
    # through each day with any: Ann (3, 2), then + (1, 0); Bob nothing on D1, then (1, 1)
    assert target_running(engine) == {(1, D1): (3, 2), (1, D2): (4, 2), (2, D1): (0, 0), (2, D2): (1, 1)}
    assert_in_step(engine)


def test_deal_activity_keeps_each_references_last_day_and_count_by_hand(engine):
    seed(engine)
    _, deals = stored(engine)
    # crm O1: A1, A2 (D1), A5 (D2) → last D2, 3; crm O2: A4 (D1), A7 (D3, no rep but on the deal) → D3, 2;
    # A8 names O1 of source "other": no such deal (another source's O1 is another deal)
    assert deals == {("O1", "crm"): (D2, 3), ("O2", "crm"): (D3, 2)}
    assert_in_step(engine)


@pytest.mark.parametrize("o1, o2, expected, order", [
    ((0.25, "Proposal"), (0.5, "Negotiation"), {"Proposal": (1, 0.25), "Negotiation": (1, 0.5)}, ["Proposal", "Negotiation"]),
    ((0.75, "Proposal"), (0.5, "Negotiation"), {"Proposal": (1, 0.75), "Negotiation": (1, 0.5)}, ["Negotiation", "Proposal"]),
    ((None, "Proposal"), (0.5, "Proposal"), {"Proposal": (2, 0.5)}, ["Proposal"]),  # a missing probability: 0
    ((0.4, "Won"), (0.2, "Proposal"), {"Proposal": (1, 0.2)}, ["Proposal"]),  # O1 won: not an open stage
])  # fmt: skip
def test_the_open_stages_and_the_stage_order_by_hand(engine, o1, o2, expected, order):
    """`open_stage` per stage of the open deals (O1, O2; O9 is won), and the order by mean probability."""
    seed(engine)
    with engine.begin() as conn:  # as every writer of opportunities does
        for ref, (p, stage) in (("O1", o1), ("O2", o2)):
            status = "won" if stage == "Won" else "open"
            conn.execute(Opportunity.__table__.update().where(Opportunity.external_id == ref)
                         .values(probability=p, stage=stage, status=status))  # fmt: skip
        rollups.refresh_opportunity_rollups(conn, [1])
    assert open_stages(engine) == expected
    assert records.stage_order(engine) == order


def test_a_deal_that_closes_leaves_the_rollup_and_one_that_opens_joins_it(engine):
    seed(engine)
    with engine.begin() as conn:  # as the opportunity writer does for the deals it wrote
        conn.execute(Opportunity.__table__.update().where(Opportunity.external_id == "O1").values(status="lost"))
        conn.execute(Activity.__table__.update().where(Activity.external_id == "A3").values(opportunity_ref="O9"))
        conn.execute(Opportunity.__table__.update().where(Opportunity.external_id == "O9").values(status="open"))
        rollups.refresh_deal_activity(conn, ["O1", "O9"])
        rollups.refresh_opportunity_rollups(conn, [1])  # their owner
    assert stored(engine)[1] == {("O2", "crm"): (D3, 2), ("O9", "crm"): (D1, 1)}
    assert_in_step(engine)


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (D1, D1, {1: [3.0, 2.0]}),  # only Ann's D1
        (D1, D2, {1: [4.0, 2.0], 2: [1.0, 1.0]}),  # Ann 3 + 1 with an account, 2 + 0 on target
        (D3, D3, {}),  # nothing with a rep and an account on D3
        (D2, D2, {1: [1.0, 0.0], 2: [1.0, 1.0]}),  # through D2 less through D1: Ann (4, 2) − (3, 2)
        (D2, D3, {1: [1.0, 0.0], 2: [1.0, 1.0]}),  # through D3 is through D2, the last day with any
        (D1 - dt.timedelta(days=9), D1, {1: [3.0, 2.0]}),  # from before the first day: nothing to take away
        (D1 - dt.timedelta(days=9), D1 - dt.timedelta(days=1), {}),  # all before the first day
    ],
)
def test_target_activity_over_a_window_sums_the_days(engine, start, end, expected):
    seed(engine)
    frame = records.target_activity(engine, start, end)
    assert {i: row.tolist() for i, row in frame.iterrows()} == expected


def test_refreshing_some_references_leaves_what_a_full_recount_gives(engine):
    seed(engine)
    with engine.begin() as conn:
        conn.execute(Activity.__table__.update().where(Activity.external_id == "A5").values(opportunity_ref="O9"))
        rollups.refresh_deal_activity(conn, ["O1", "O9"])
    _, deals = stored(engine)
    assert deals[("O1", "crm")] == (D1, 2) and ("O9", "crm") not in deals  # A5 moved from O1 to the won O9
    assert_in_step(engine)


def test_an_accounts_flag_change_recounts_its_reps(engine):
    seed(engine)
    with engine.begin() as conn:
        conn.execute(Account.__table__.update().where(Account.id == 3).values(is_target=True))
        rollups.refresh_target_accounts(conn, [3])
    targets, _ = stored(engine)
    assert targets[(1, D1)] == (3, 3) and targets[(1, D2)] == (1, 1)  # A3 and A5 are now on a target
    assert target_running(engine)[(1, D2)] == (4, 4)  # Ann's running totals follow
    assert_in_step(engine)


# --- every writer keeps them in step ------------------------------------------------------------------------


def test_the_demo_writes_what_a_recount_gives(demo_engine):
    targets, deals = stored(demo_engine)
    assert targets and deals
    assert (targets, deals) == recount(demo_engine)
    assert target_running(demo_engine) == running_recount(targets)
    assert_cohort_in_step(demo_engine)
    assert_open_stages_in_step(demo_engine)


ACCOUNTS = data("template_accounts.csv")  # Acme A yes, Birch B no, Cedar A yes
DEALS = (
    b"crm_id,owner,name,stage,amount,close_date,created_date\n"
    b"D-1,Ann Lee,One,Proposal,1000,2026-12-01,2026-09-01\n"
    b"D-2,Bob Stone,Two,Negotiation,2000,2026-12-15,2026-09-02\n"
    b"D-3,Ann Lee,Three,Closed Won,500,2026-10-10,2026-09-03\n"
    b"D-9,Bob Stone,Nine,Proposal,900,2026-12-20,2026-09-04\n"
)  # D-1, D-2, D-9 open; D-3 won
WITH_DEALS = [*HEADER, "opportunity"]


def activity_file(rows: int, shift: int = 0, deals: tuple = ("D-1", "D-2", "", "D-3")) -> bytes:
    """Ann's and Bob's calls over a month, on Acme, Birch, Cedar or no account, on a few deals."""
    start = dt.datetime(2026, 10, 1, 9)
    accounts = ["Acme Corp", "Birch Ltd", "", "Cedar GmbH", "Delta Inc"]
    lines = [[("Ann Lee", "Bob Stone")[i % 2], "Call", f"C-{i:04d}",
              (start + dt.timedelta(hours=7 * i + shift)).strftime("%Y-%m-%d %H:%M:%S"), "connected", "",
              accounts[i % 5], f"Call {i}", deals[i % len(deals)]] for i in range(rows)]  # fmt: skip
    return csv_bytes(lines, WITH_DEALS)


def test_both_import_paths_give_the_same_rollups(paths, fresh, small_blocks):
    results = both(paths, fresh, activity_file(3000), before=DEALS)
    assert_same(results)
    assert {ref for ref, *_ in results[1]["deal_activity"]} == {"D-1", "D-2"}  # D-3 is won, D-4 not a deal
    assert results[1]["target_activity_day"]


def test_a_changed_re_import_gives_the_same_rollups_on_both_paths(paths, fresh, small_blocks):
    changed = activity_file(3000, shift=30, deals=("D-2", "D-4", "D-1"))  # later days, other deals
    assert_same(both(paths, fresh, changed, before=activity_file(3000)))


def test_a_first_import_counts_the_open_deals_on_both_paths(paths, fresh, small_blocks):
    for fast in (True, False):
        engine = fresh("fast" if fast else "slow")
        paths.load(engine, DEALS, fast)
        paths.load(engine, ACCOUNTS, fast)
        paths.load(engine, activity_file(3000, deals=("D-1", "D-2", "", "D-3", "D-9")), fast)
        assert_in_step(engine)
        assert {ref for ref, _ in stored(engine)[1]} == {"D-1", "D-2", "D-9"}


@pytest.mark.parametrize("fast", [True, False])
def test_imports_re_imports_and_undo_keep_them_in_step(paths, fresh, small_blocks, fast):
    engine = fresh("steps")
    load(engine, "template_people.csv")
    deals = paths.load(engine, DEALS, fast)[1]
    assert open_stages(engine) == {"Proposal": (2, 0.0), "Negotiation": (1, 0.0)}  # D-1 and D-9; D-2
    paths.load(engine, ACCOUNTS, fast)
    first = paths.load(engine, activity_file(3000), fast)[1]
    assert_in_step(engine)
    second = paths.load(engine, activity_file(3000, shift=30, deals=("D-2", "", "D-9")), fast)[1]
    assert second.updated > 0
    assert_in_step(engine)
    assert "D-2" in {ref for ref, _ in stored(engine)[1]}
    closed = paths.load(
        engine, DEALS.replace(b"D-2,Bob Stone,Two,Negotiation", b"D-2,Bob Stone,Two,Closed Lost"), fast
    )[1]  # D-2 is lost: it leaves the rollup
    assert "D-2" not in {ref for ref, _ in stored(engine)[1]}
    assert open_stages(engine) == {"Proposal": (2, 0.0)}
    assert_in_step(engine)
    for batch in (closed, second, first, deals):
        undo.undo(engine, batch.batch_id)
        assert_in_step(engine)
    assert stored(engine)[1] == {}
    assert open_stages(engine) == {}


def test_an_accounts_import_and_its_undo_move_the_target_counts(engine):
    load(engine, "template_people.csv")
    load(engine, "template_accounts.csv")
    load(engine, "activities.csv", raw=activity_file(200))
    before = stored(engine)[0]
    flipped = load(engine, "accounts.csv", raw=b"name,tier,is_target\nBirch Ltd,A,yes\n")
    after = stored(engine)[0]
    assert sum(o for _, o in after.values()) > sum(o for _, o in before.values())  # Birch's calls now count
    assert_in_step(engine)
    undo.undo(engine, flipped.batch_id)
    assert stored(engine)[0] == before
    assert_in_step(engine)


# --- the Pipeline figures equal the computation they replaced ---------------------------------------------


@pytest.fixture(params=[TODAY, TODAY - dt.timedelta(days=40)], ids=["today", "40 days ago"])
def as_of(request):
    return request.param


def test_stage_funnel_counts_the_cohort_and_lists_what_it_counts_on_the_demo(demo_engine, as_of):
    """Every deal created in the window with an owner counted once; a click on a stage lists the deals counted."""
    cfg = settings_store.load(demo_engine)
    order = records.stage_order(demo_engine)
    start = as_of - dt.timedelta(days=cfg.lookback_days)
    cohort = records.stage_cohort(demo_engine, start, as_of, order)
    with demo_engine.connect() as conn:
        created = conn.execute(
            select(func.count()).where(
                Opportunity.owner_id.is_not(None), Opportunity.created_date.between(start, as_of)
            )
        ).scalar_one()
    assert cohort["deals"].sum() == created and len(cohort) < created  # counted by the database
    funnel = pipeline.funnel(cohort, order, cfg)
    assert funnel["Deals"].tolist() == sorted(funnel["Deals"], reverse=True) and funnel["Deals"].iloc[-1] > 0
    reps = sorted(set(cohort["rep_id"]))
    for level in range(len(pipeline.stages(order))):
        listed = records.deals_reaching(demo_engine, start, as_of, order, reps, level)
        assert len(listed) == len(set(listed)) == funnel["Deals"].iloc[level]
        mine = records.deals_reaching(demo_engine, start, as_of, order, reps[:2], level)
        assert len(mine) == pipeline.counts(cohort[cohort["rep_id"].isin(reps[:2])], order)[level]


def test_hygiene_reads_every_open_deal_on_the_demo(demo_engine, as_of):
    new = records.open_deals(demo_engine, as_of)
    with demo_engine.connect() as conn:
        open_owned = conn.execute(
            select(Opportunity.id).where(Opportunity.status == "open", Opportunity.owner_id.is_not(None),
                                         Opportunity.created_date <= as_of).order_by(Opportunity.id)
        ).scalars().all()  # fmt: skip
    assert new["id"].tolist() == open_owned
    details = records.deal_details(demo_engine, new["id"].tolist()).set_index("id").loc[new["id"]].reset_index()
    assert details["id"].tolist() == open_owned
    flags = hygiene.flag(new, records.close_date_history(demo_engine, as_of), as_of)
    pd.testing.assert_frame_equal(hygiene.read(demo_engine, as_of), flags)  # the digest's path: the pack's days
    assert_rules_are_the_flags(hygiene.read_rules(demo_engine, as_of), flags)  # the page's: no texts, no dates
    listed = flags[flags["any"]].groupby("rep_id").head(3)  # a listing's rows: their texts read for their reps
    texts = records.open_deal_texts(demo_engine, as_of, sorted(set(listed["rep_id"])))
    pd.testing.assert_frame_equal(listed[["id", "crm_id", "stage", "close_date"]].reset_index(drop=True),
                                  listed[["id"]].merge(texts, on="id", how="left"))  # fmt: skip
    assert flags["no_activity"].any() and not flags["no_activity"].all()
    quiet = flags["last_activity"].isna() | (flags["days_quiet"] >= hygiene.QUIET_DAYS)
    assert (flags["no_activity"] == quiet).all()


def test_right_prospects_are_the_recount_on_the_demo(demo_engine, as_of):
    cfg = settings_store.load(demo_engine)
    start = periods.period_containing(as_of, "quarter", cfg.fiscal_year_start_month).start
    targets, _ = recount(demo_engine)
    expected: dict = {}
    for (rep, day), counts in targets.items():
        if start <= day <= as_of:
            expected[rep] = [a + b for a, b in zip(expected.get(rep, [0, 0]), counts)]
    found = records.target_activity(demo_engine, start, as_of)
    assert {int(i): row.tolist() for i, row in found.iterrows()} == {r: [float(a), float(b)] for r, (a, b) in
                                                                    expected.items() if a}  # fmt: skip
    assert (found["on_target"] > 0).any()


def test_a_past_as_of_reads_the_last_activity_before_it(engine):
    seed(engine)
    # O1's activity: D1, D1, D2 (rollup: last D2); O2's: D1, D3 (rollup: last D3)
    for as_of, expected in [(D3, [D2, D3]), (D2, [D2, D1]), (D1, [D1, D1])]:
        frame = records.open_deals(engine, as_of)
        assert frame["last_activity"].tolist() == expected


@pytest.mark.parametrize(
    "as_of, quiet, in_stage", [(D3, [18, 0], [19, 19]), (D2, [0, 1], [1, 1]), (D1, [0, 0], [0, 0])]
)
def test_hygiene_on_the_packs_days_is_the_flags_of_the_frames(engine, as_of, quiet, in_stage):
    """`hygiene.read` (the pack's day numbers) by hand: both deals created D1; O1's last activity D2 (D1 before
    it), O2's D3 (its last before D3: D1) — and the very frame `hygiene.flag` makes of `records`' frames."""
    seed(engine)
    found = hygiene.read(engine, as_of)
    assert found["crm_id"].tolist() == ["O1", "O2"]
    assert found["days_quiet"].tolist() == quiet and found["days_in_stage"].tolist() == in_stage
    frames = records.open_deals(engine, as_of), records.close_date_history(engine, as_of)
    pd.testing.assert_frame_equal(found, hygiene.flag(*frames, as_of))
    rules = hygiene.read_rules(engine, as_of)
    assert rules["days_quiet"].tolist() == quiet and rules["days_in_stage"].tolist() == in_stage
    assert_rules_are_the_flags(rules, found)


def assert_rules_are_the_flags(rules: pd.DataFrame, flags: pd.DataFrame) -> None:
    """`hygiene.read_rules` holds `read`'s columns of `FLAG_COLUMNS`, value for value and dtype for dtype, for the
    same deals (its rows in the pack's order: each rep's together, by id)."""
    assert list(rules.columns) == hygiene.FLAG_COLUMNS
    assert rules.groupby("rep_id", sort=False)["id"].agg(lambda ids: ids.is_monotonic_increasing).all()
    assert (rules["rep_id"] != rules["rep_id"].shift()).sum() == rules["rep_id"].nunique()  # each rep's together
    by_id = rules.sort_values("id", kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(by_id, flags[hygiene.FLAG_COLUMNS].reset_index(drop=True))


def test_furthest_stage_in_the_query_is_the_definition_on_hand_built_deals(engine):
    seed(engine)
    order = ["Prospecting", "Qualification", "Proposal"]
    deals = [  # (id, stage, status, history) → furthest by hand
        (1, "Prospecting", "open", []),  # 0
        (2, "Proposal", "open", ["Prospecting"]),  # 2
        (3, "Closed Won", "won", []),  # 3 (Won)
        (4, "Closed Lost", "lost", ["Prospecting", "Qualification"]),  # 1
        (5, "Closed Lost", "lost", []),  # 0
        (6, "Qualification", "open", ["Proposal"]),  # 2: moved back, but it reached Proposal
        (7, "Renewal", "open", ["Other"]),  # 0: stages outside the order count as the first
    ]
    with engine.begin() as conn:
        conn.execute(Opportunity.__table__.delete())  # the seed's deals are not part of this cohort
        conn.execute(insert(Opportunity), [
            dict(id=i, source="crm", external_id=f"O{i}", owner_id=1, name=f"D{i}", created_date=D1, stage=s,
                 status=st, currency="USD") for i, s, st, _ in deals])  # fmt: skip
        conn.execute(insert(OpportunityHistory), [
            dict(opportunity_id=i, stage=h, changed_at=dt.datetime(2026, 10, 1, 12)) for i, _, _, hs in deals
            for h in hs])  # fmt: skip
        rollups.refresh_opportunity_rollups(conn)
    # reaching at least each stage: all 7; O2, O3, O4, O6; O2, O3, O6; O3
    listed = [records.deals_reaching(engine, D1, D1, order, [1], level) for level in range(4)]
    assert listed == [[f"O{i}" for i in range(1, 8)], ["O2", "O3", "O4", "O6"], ["O2", "O3", "O6"], ["O3"]]
    frame = records.stage_cohort(engine, D1, D1, order)
    # counted per furthest stage: O1, O5, O7; O4; O2, O6; O3
    assert sorted(zip(frame["reached"], frame["deals"])) == [(0, 3), (1, 1), (2, 2), (3, 1)]
    assert records.stage_cohort(engine, D2, D3, order).empty  # created before the window
    assert_cohort_in_step(engine)
    assert pipeline.counts(frame, order) == [7, 4, 3, 1]  # at least each stage: 7; O2, O3, O4, O6; O2, O3, O6; O3


@pytest.mark.parametrize("spread", [1, 10**9])  # codes few enough for a slot each, or too far apart
def test_the_cohorts_groups_are_summed_row_by_row_in_code_order(spread):
    group = np.array([3, 1, 3, 0, 1]) * spread
    groups, (deals, cents) = cohort._grouped(group, [np.array([1, 2, 3, 4, 5]), np.array([10, 0, 5, 7, 1])])
    assert groups.tolist() == [0, spread, 3 * spread]  # ascending, each code once
    assert deals.tolist() == [4.0, 7.0, 4.0] and cents.tolist() == [7.0, 1.0, 15.0]  # 2 + 5; 1 + 3; 10 + 5
    assert cohort._grouped(np.array([], dtype=np.int64), [np.array([])])[0].tolist() == []
