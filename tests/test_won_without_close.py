"""A won deal without a close date (and without a won date) is rejected: it would count as won in no period.

Fixture: tests/fixtures/exports/salesforce_opportunities_won_no_close.csv — a Salesforce report with its
footer, where "Birch Ltd - Expansion" (line 3) is Closed Won with an empty Close Date. A lost or open
deal without a close date is kept (Data health lists it); only a win needs the date it counts in.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from breakthrough import settings as settings_store
from breakthrough.importing import upload
from breakthrough.importing.write import commit
from breakthrough.metrics import periods, scorecard
from breakthrough.store.models import Opportunity

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
REASON = "won deal with no close date: give its close date, or it counts in no period"


def data(name: str) -> bytes:
    return (EXPORTS / name).read_bytes()


def test_the_won_deal_without_a_close_date_is_rejected_naming_row_and_column(people):
    raw = data("salesforce_opportunities_won_no_close.csv")
    found = upload.inspect(people, raw)
    preview = commit.preview(people, raw, found.plan)
    assert (preview.rows_read, preview.accepted, preview.rejected, preview.skipped) == (5, 4, 1, 0)
    assert [(r.line, r.column, r.value, r.reason) for r in preview.rejects] == [(3, "Close Date", "", REASON)]
    out = commit.commit(people, raw, found.plan, "salesforce_opportunities_won_no_close.csv")
    assert (out.accepted, out.rejected, out.inserted) == (4, 1, 4)
    with people.connect() as conn:
        deals = conn.execute(
            select(Opportunity.external_id, Opportunity.status, Opportunity.close_date).order_by(
                Opportunity.external_id
            )
        ).all()
    assert [tuple(d) for d in deals] == [
        ("0065e00000AAA01", "won", dt.date(2026, 10, 15)),
        ("0065e00000AAA03", "lost", None),  # kept: a loss without a date counts in no period's wins anyway
        ("0065e00000AAA04", "open", None),
        ("0065e00000AAA05", "won", dt.date(2026, 11, 2)),
    ]


def test_every_won_deal_kept_counts_as_won_in_the_quarter_it_closed(people):
    raw = data("salesforce_opportunities_won_no_close.csv")
    commit.commit(people, raw, upload.inspect(people, raw).plan, "won.csv")
    with people.connect() as conn:
        assert (
            conn.execute(
                select(Opportunity.id).where(Opportunity.status == "won", Opportunity.close_date.is_(None))
            ).all()
            == []
        )
    cfg = settings_store.load(people)
    period = periods.period_containing(dt.date(2026, 11, 27), "quarter", 1)
    card = scorecard.build(people, cfg, period, dt.date(2026, 11, 27))
    reps = {r.name: r for r in card.reps.values()}
    # Q4 2026: Ann's Acme (closed 10/15, $12,345) and José's Elm (11/2, $4,000); Birch's $9,000 is nowhere
    assert reps["Ann Lee"].won == pytest.approx(12_345)
    assert reps["José Núñez"].won == pytest.approx(4_000)
    assert reps["Bob Stone"].won == 0
    assert card.totals()["won"] == pytest.approx(16_345)


PIPEDRIVE = (
    '"Deal - ID","Deal - Title","Deal - Owner","Deal - Value","Deal - Currency","Deal - Status",'
    '"Deal - Stage","Deal - Won time","Deal - Lost time","Deal - Expected close date","Deal - Deal created"\n'
)


@pytest.mark.parametrize(
    "row, kept, column",
    [
        # a won Pipedrive deal closes on its won time, else its expected close date; with neither it is rejected
        ('"1","A","Ann Lee","100","EUR","Won","Proposal","2026-10-20 15:00","","2026-10-31","2026-08-01"', True, None),
        ('"1","A","Ann Lee","100","EUR","Won","Proposal","","","2026-10-31","2026-08-01"', True, None),
        ('"1","A","Ann Lee","100","EUR","Won","Proposal","","","","2026-08-01"', False, "Deal - Won time"),
        ('"1","A","Ann Lee","100","EUR","Lost","Proposal","","","","2026-08-01"', True, None),
        ('"1","A","Ann Lee","100","EUR","Open","Proposal","","","","2026-08-01"', True, None),
    ],
)
def test_a_won_pipedrive_deal_needs_its_won_time_or_close_date(people, row, kept, column):
    raw = (PIPEDRIVE + row + "\n").encode()
    out = commit.preview(people, raw, upload.inspect(people, raw).plan)
    assert out.accepted == (1 if kept else 0)
    assert [(r.column, r.reason) for r in out.rejects] == ([] if kept else [(column, REASON)])


def test_a_file_with_no_close_date_column_at_all_rejects_its_wins_only(people):
    raw = (
        b"Opportunity Owner,Opportunity Name,Stage,Amount,Created Date\n"
        b"Ann Lee,Acme,Closed Won,100,2026-08-01\n"
        b"Ann Lee,Birch,Prospecting,200,2026-08-02\n"
    )
    out = commit.preview(people, raw, upload.inspect(people, raw).plan)
    assert (out.accepted, out.rejected) == (1, 1)
    assert [(r.line, r.column, r.reason) for r in out.rejects] == [(2, "Close date", REASON)]
