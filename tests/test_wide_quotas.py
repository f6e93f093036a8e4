"""Wide quota sheets (one column per month or quarter) and the money formats they are written in.

The fixtures under tests/fixtures/quotas/ are shaped like the sheets sales ops keep:
- quota_sheet_quarters_excel.csv: Excel "CSV UTF-8" (BOM, CRLF), quarters across, accounting-format
  dollars (` $195,000.00 `), a `FY2025 Total` column, empty trailing columns, a `Total` row, a blank
  row, blank cells and one `TBD`;
- quota_sheet_months_de.csv: German Excel (Windows-1252, `;`), months across with German names
  (`Mär 2025`, `Mai 2025`), amounts `40.000,00 €` and `€100.000,00`;
- quota_sheet_fy_quarters_k.csv: `FY25 Q1 Quota` headers, `195k` / `1.2M`, a currency column, a rep
  named by e-mail.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from breakthrough import settings as settings_store
from breakthrough.importing import upload
from breakthrough.importing.map import headings, profiles, wide
from breakthrough.importing.read import cells as c
from breakthrough.importing.write import commit as writing
from breakthrough.metrics import periods, scorecard
from breakthrough.store.models import Person, Quota

FIXTURES = Path(__file__).parent / "fixtures"
QUARTERS, MONTHS, FY_K = "quota_sheet_quarters_excel.csv", "quota_sheet_months_de.csv", "quota_sheet_fy_quarters_k.csv"
EUR = 1.08  # the default example rate: 1 EUR = 1.08 USD
APP = str(Path(__file__).resolve().parent.parent / "app.py")


def sheet(name: str) -> bytes:
    return (FIXTURES / "quotas" / name).read_bytes()


def fiscal_start(engine, month: int) -> None:
    settings_store.save(engine, settings_store.Settings(fiscal_year_start_month=month))


def commit(engine, raw: bytes, name: str = "quotas.csv") -> writing.Outcome:
    return writing.commit(engine, raw, upload.inspect(engine, raw).plan, name)


def preview(engine, raw: bytes) -> writing.Outcome:
    return writing.preview(engine, raw, upload.inspect(engine, raw).plan)


def quota_of(engine, name: str, key: str) -> float:
    """A rep's quota for the period `key` exactly as the Overview computes it (`scorecard.build`)."""
    cfg = settings_store.load(engine)
    period = periods.parse_period(key, cfg.fiscal_year_start_month)
    card = scorecard.build(engine, cfg, period, period.end)
    return next((r.quota for r in card.reps.values() if r.name == name), None)  # None: not in the period


def stored(engine) -> list[tuple]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(Person.name, Quota.period, Quota.period_start, Quota.amount, Quota.currency)
            .join(Person, Person.id == Quota.person_id)
            .order_by(Person.name, Quota.period_start)
        ).all()
    return [(n, p, s, float(a), cur) for n, p, s, a, cur in rows]


def count(engine, model) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar()


# ----------------------------------------------------------------------------- headers


@pytest.mark.parametrize(
    "header, fy_start, kind, start",
    [
        # quarters: fiscal Q of the fiscal year named by the calendar year it ends in
        ("Q1 2025", 1, "quarter", dt.date(2025, 1, 1)),
        ("Q2 2025", 1, "quarter", dt.date(2025, 4, 1)),
        ("2025-Q2", 1, "quarter", dt.date(2025, 4, 1)),
        ("2025 Q3", 1, "quarter", dt.date(2025, 7, 1)),
        ("Q3-2025", 1, "quarter", dt.date(2025, 7, 1)),
        ("Q4/2025", 1, "quarter", dt.date(2025, 10, 1)),
        ("q4 2025", 1, "quarter", dt.date(2025, 10, 1)),
        ("Q1'25", 1, "quarter", dt.date(2025, 1, 1)),
        ("1Q25", 1, "quarter", dt.date(2025, 1, 1)),
        ("Quarter 2 2025", 1, "quarter", dt.date(2025, 4, 1)),
        ("FY25 Q1", 1, "quarter", dt.date(2025, 1, 1)),
        ("FY25 Q1 Quota", 1, "quarter", dt.date(2025, 1, 1)),
        ("FY2025 Q1", 1, "quarter", dt.date(2025, 1, 1)),
        ("FY2025-Q4", 1, "quarter", dt.date(2025, 10, 1)),
        ("Quota Q1 2025", 1, "quarter", dt.date(2025, 1, 1)),
        ("Q1 2025 Target", 1, "quarter", dt.date(2025, 1, 1)),
        ("Q1 2025 (USD)", 1, "quarter", dt.date(2025, 1, 1)),
        ("  q2   2025  ", 1, "quarter", dt.date(2025, 4, 1)),
        # the same headers when the fiscal year starts in April: FY2025 = Apr 2024 – Mar 2025
        ("Q1 2025", 4, "quarter", dt.date(2024, 4, 1)),
        ("2025-Q2", 4, "quarter", dt.date(2024, 7, 1)),
        ("Q3-2025", 4, "quarter", dt.date(2024, 10, 1)),
        ("Q4 2025", 4, "quarter", dt.date(2025, 1, 1)),
        ("FY25 Q1 Quota", 4, "quarter", dt.date(2024, 4, 1)),
        ("FY2025 Q1", 4, "quarter", dt.date(2024, 4, 1)),
        ("Q1 FY24/25", 4, "quarter", dt.date(2024, 4, 1)),  # the UK way of naming the same fiscal year
        ("FY 2024-25 Q3", 4, "quarter", dt.date(2024, 10, 1)),
        ("Quota Q1 2025", 4, "quarter", dt.date(2024, 4, 1)),
        # ... and in October (US federal style): FY2025 = Oct 2024 – Sep 2025
        ("Q1 2025", 10, "quarter", dt.date(2024, 10, 1)),
        ("FY25 Q2", 10, "quarter", dt.date(2025, 1, 1)),
        # months are calendar months, whatever the fiscal year
        ("Jan 2025", 1, "month", dt.date(2025, 1, 1)),
        ("Jan 2025", 4, "month", dt.date(2025, 1, 1)),
        ("January 2025", 1, "month", dt.date(2025, 1, 1)),
        ("Sept. 2025", 1, "month", dt.date(2025, 9, 1)),
        ("Jan-25", 1, "month", dt.date(2025, 1, 1)),  # what Excel writes for a date header formatted mmm-yy
        ("2025-01", 4, "month", dt.date(2025, 1, 1)),
        ("2025/11", 1, "month", dt.date(2025, 11, 1)),
        ("01/2025", 1, "month", dt.date(2025, 1, 1)),
        ("12.2025", 1, "month", dt.date(2025, 12, 1)),
        ("Dec 2025 Quota", 1, "month", dt.date(2025, 12, 1)),
        ("Quota Jun 2025", 1, "month", dt.date(2025, 6, 1)),
        ("Mär 2025", 1, "month", dt.date(2025, 3, 1)),  # German
        ("Mai 2025", 1, "month", dt.date(2025, 5, 1)),
        ("Okt 2025", 1, "month", dt.date(2025, 10, 1)),
        ("Dezember 2025", 1, "month", dt.date(2025, 12, 1)),
        ("juillet 2025", 1, "month", dt.date(2025, 7, 1)),  # French
        ("févr 2025", 1, "month", dt.date(2025, 2, 1)),
    ],
)
def test_a_period_header_names_its_month_or_fiscal_quarter(header, fy_start, kind, start):
    assert headings.period_columns([header], fy_start)[header][:2] == [kind, start.isoformat()]


@pytest.mark.parametrize(
    "header",
    [
        "Rep",
        "Sales Rep",
        "Name",
        "Email",
        "Team",
        "Currency",
        "Owner",
        "FY2025 Total",
        "Total",
        "FY2025",
        "2025",
        "Q5 2025",
        "Q0 2025",
        "2025-13",
        "Q1",
        "Jan",
        "Quota",
        "Close Date",
        "Created Date",
        "Amount",
        "Period",
        "Notes",
        "",
        "Q1 FY24/26",
        "Stage",
        "Deal - Value",
        "Activity date",
    ],
)
def test_other_headers_are_not_periods(header):
    assert headings.read_header(header) is None


@pytest.mark.parametrize(
    "header, currency, scale",
    [
        ("Q1 2025 (EUR)", "EUR", None),
        ("Quota Q2 2025 €", "EUR", None),
        ("Jan 2025 [GBP]", "GBP", None),
        ("Q1 2025 (USD)", "USD", None),
        ("Q1 2025 USD", "USD", None),
        ("Q1 2025", None, None),
        ("Q1 2025 (net)", None, None),
        ("Q1 2025 ($k)", "USD", "k"),
        ("Q1 2025 (k€)", "EUR", "k"),
        ("Q1 2025 (in thousands)", None, "k"),
        ("Q1 2025 ('000)", None, "k"),
        ("Q1 2025 (000s)", None, "k"),
        ("Q1 2025 (TEUR)", "EUR", "k"),
        ("Q1 2025 TEUR", "EUR", "k"),
        ("Q1 2025 kUSD", "USD", "k"),
        ("Jan 2025 (Tsd. €)", "EUR", "k"),
        ("Jan 2025 (Mio €)", "EUR", "M"),
        ("Q1 2025 (USD m)", "USD", "M"),
        ("Q1 2025 (in millions)", None, "M"),
        ("mars 2025 (k€)", "EUR", "k"),  # French March is not a scaled Argentine peso
    ],
)
def test_a_currency_and_a_unit_in_a_header_are_kept(header, currency, scale):
    heading = headings.read_header(header)
    assert (heading.currency, heading.scale) == (currency, scale)


@pytest.mark.parametrize(
    "text, scale, amount, currency",
    [
        ("195", "k", 195_000.0, None),
        ("$195", "k", 195_000.0, "USD"),
        ("195 €", "k", 195_000.0, "EUR"),
        ("1,5", "k", 1_500.0, None),
        ("1.2", "M", 1_200_000.0, None),
        ("195k", "k", 195_000.0, None),  # its own k wins
        ("0,25 Mio €", "k", 250_000.0, "EUR"),
    ],
)
def test_a_header_unit_scales_the_columns_plain_numbers(text, scale, amount, currency):
    assert c.parse_amount(c.with_scale(text, scale)) == (amount, currency)


# ----------------------------------------------------------------------------- money


@pytest.mark.parametrize(
    "text, amount, currency",
    [
        ("$195,000.00", 195_000.0, "USD"),
        (" $195,000.00 ", 195_000.0, "USD"),  # Excel's accounting format pads with spaces
        ("€100.000,00", 100_000.0, "EUR"),
        ("100.000,00 €", 100_000.0, "EUR"),
        ("195k", 195_000.0, None),
        ("195K", 195_000.0, None),
        ("$195k", 195_000.0, "USD"),
        ("195k €", 195_000.0, "EUR"),
        ("195k€", 195_000.0, "EUR"),
        ("1.2M", 1_200_000.0, None),
        ("1,2M", 1_200_000.0, None),  # a European decimal comma
        ("1.2M USD", 1_200_000.0, "USD"),
        ("$1.5MM", 1_500_000.0, "USD"),
        ("2 Mio €", 2_000_000.0, "EUR"),
        ("1,2 Mio. €", 1_200_000.0, "EUR"),
        ("1.5bn", 1_500_000_000.0, None),
        ("USD 195,000", 195_000.0, "USD"),
        ("195,000 USD", 195_000.0, "USD"),
        ("195 000 €", 195_000.0, "EUR"),
        ("195\u00a0000,00\u00a0€", 195_000.0, "EUR"),  # French Excel: no-break spaces
        ("195\u202f000 €", 195_000.0, "EUR"),  # narrow no-break space
        ("£80,000", 80_000.0, "GBP"),
        ("CHF 90'000", 90_000.0, "CHF"),  # Swiss apostrophes
        ("100 MXN", 100.0, "MXN"),  # a currency code starting with M is not a million
        ("5 KRW", 5.0, "KRW"),  # nor one starting with K a thousand
        ("195000", 195_000.0, None),
        ("0", 0.0, None),  # an explicit zero is a quota of zero (a blank cell is none)
    ],
)
def test_money_is_read_as_written(text, amount, currency):
    assert c.parse_amount(text) == (amount, currency)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("TBD", "is not an amount"),
        ("12kg", "is not a currency"),
        ("-195k", "negative"),
        ("1.2.3M", "separators"),
        ("k", "is not an amount"),
        ("99999999M", "too large"),
    ],
)
def test_what_is_not_money_is_refused_with_the_reason(text, reason):
    with pytest.raises(c.CellError, match=reason):
        c.parse_amount(text)


# ----------------------------------------------------------------------------- detection


@pytest.mark.parametrize("name", [QUARTERS, MONTHS, FY_K])
def test_a_wide_sheet_is_detected_from_its_headers(people, name):
    found = upload.inspect(people, sheet(name))
    assert found.profile.key == "quota_sheet" and found.plan.layout == "wide"
    assert found.questions == [] and all(p.status == "matched" for p in found.people)  # the Total row is no person


def test_a_file_without_period_headers_is_never_a_quota_sheet():
    headers = ["Name", "Email", "Team", "Manager", "Hire date"]
    assert "quota_sheet" not in {d.profile.key for d in profiles.detect(headers)}
    assert profiles.detect(headers + ["Q1 2025", "Q2 2025"])[0].profile.key == "quota_sheet"


def test_the_period_columns_of_the_sheet_are_resolved_with_the_fiscal_year_setting(people):
    fiscal_start(people, 4)
    plan = upload.inspect(people, sheet(QUARTERS)).plan
    assert plan.periods == {
        "Q1 2025": ["quarter", "2024-04-01", "", ""],
        "Q2 2025": ["quarter", "2024-07-01", "", ""],
        "Q3 2025": ["quarter", "2024-10-01", "", ""],
        "Q4 2025": ["quarter", "2025-01-01", "", ""],
    }
    assert "FY2025 Total" not in plan.periods  # a yearly total is not a quota period


# ----------------------------------------------------------------------------- preview


def test_the_preview_shows_the_long_rows_and_writes_nothing(people):
    out = preview(people, sheet(QUARTERS))
    rows = wide.long_rows(out.examples, 1)
    assert list(rows.itertuples(index=False, name=None)) == [
        ("Ann Lee <ann.lee@example.com>", "quarter", "Q1 FY2025", dt.date(2025, 1, 1), 195_000.0, "USD"),
        ("Ann Lee <ann.lee@example.com>", "quarter", "Q2 FY2025", dt.date(2025, 4, 1), 195_000.0, "USD"),
        ("Ann Lee <ann.lee@example.com>", "quarter", "Q3 FY2025", dt.date(2025, 7, 1), 210_000.0, "USD"),
        ("Ann Lee <ann.lee@example.com>", "quarter", "Q4 FY2025", dt.date(2025, 10, 1), 210_000.0, "USD"),
        ("Bob Stone <bob.stone@example.com>", "quarter", "Q1 FY2025", dt.date(2025, 1, 1), 150_000.0, "USD"),
        # Bob's Q2 is blank: no row; his Q4 is "TBD": rejected
        ("Bob Stone <bob.stone@example.com>", "quarter", "Q3 FY2025", dt.date(2025, 7, 1), 160_000.0, "USD"),
        ("José Núñez", "quarter", "Q1 FY2025", dt.date(2025, 1, 1), 120_000.0, "USD"),
        ("José Núñez", "quarter", "Q2 FY2025", dt.date(2025, 4, 1), 125_000.0, "USD"),
    ]
    # 4 sheet rows read (the blank row is left out); 8 quotas; the Total row's 4 cells skipped
    assert (out.rows_read, out.accepted, out.rejected, out.skipped, out.new_people) == (4, 8, 1, 4, [])
    assert [(r.line, r.column, r.value, r.reason) for r in out.rejects] == [
        (3, "Q4 2025", "TBD", "“TBD” is not an amount")
    ]
    assert count(people, Quota) == 0


def test_the_preview_states_the_fiscal_convention(people):
    fiscal_start(people, 4)
    plan = upload.inspect(people, sheet(QUARTERS)).plan
    text = headings.convention(4, wide.example_year(plan, 4))
    assert "starts in April" in text and "“Q1 2025”" in text and "“FY25 Q1”" in text
    assert "Q1 FY2025: 1 Apr 2024 – 30 Jun 2024" in text
    columns = wide.described(plan, 4)
    assert list(columns.itertuples(index=False, name=None))[0] == (
        "Q1 2025",
        "quarter",
        "Q1 FY2025",
        dt.date(2024, 4, 1),
        dt.date(2024, 6, 30),
        None,
        None,
    )


# ----------------------------------------------------------------------------- commit, figures, re-import


@pytest.mark.parametrize(
    "fy_start, key, ann, bob, jose",
    [
        # January fiscal year: Q1 2025 is Jan–Mar 2025
        (1, "FY2025-Q1", 195_000, 150_000, 120_000),
        (1, "FY2025-Q2", 195_000, 0, 125_000),  # Bob's blank Q2: no quota
        (1, "FY2025-Q3", 210_000, 160_000, 0),
        (1, "FY2025-Q4", 210_000, 0, 0),  # Bob's "TBD" was rejected
        # April fiscal year: the same sheet's Q1 2025 is Apr–Jun 2024
        (4, "FY2025-Q1", 195_000, None, 120_000),  # Bob was hired 2024-09-02: not in Apr–Jun 2024's figures
        (4, "FY2025-Q4", 210_000, 0, 0),
    ],
)
def test_a_quarter_sheet_gives_each_rep_the_quarter_quota_on_the_overview(people, fy_start, key, ann, bob, jose):
    fiscal_start(people, fy_start)
    out = commit(people, sheet(QUARTERS))
    assert (out.inserted, out.rejected) == (8, 1)
    assert [quota_of(people, n, key) for n in ("Ann Lee", "Bob Stone", "José Núñez")] == [
        None if q is None else pytest.approx(q) for q in (ann, bob, jose)
    ]


def test_the_april_fiscal_year_stores_q1_2025_as_april_2024(people):
    fiscal_start(people, 4)
    commit(people, sheet(QUARTERS))
    assert stored(people)[:4] == [
        ("Ann Lee", "quarter", dt.date(2024, 4, 1), 195_000.0, "USD"),
        ("Ann Lee", "quarter", dt.date(2024, 7, 1), 195_000.0, "USD"),
        ("Ann Lee", "quarter", dt.date(2024, 10, 1), 210_000.0, "USD"),
        ("Ann Lee", "quarter", dt.date(2025, 1, 1), 210_000.0, "USD"),
    ]


def test_a_european_month_sheet_gives_month_and_quarter_quotas(people):
    out = commit(people, sheet(MONTHS))
    assert (out.rows_read, out.inserted, out.rejected, out.encoding) == (3, 9, 0, "cp1252")
    assert ("Bob Stone", "month", dt.date(2025, 3, 1), 30_000.5, "EUR") in stored(people)  # 30.000,50 €
    assert quota_of(people, "Ann Lee", "2025-01") == pytest.approx(40_000 * EUR)
    assert quota_of(people, "Ann Lee", "FY2025-Q1") == pytest.approx((40_000 + 40_000 + 45_000) * EUR)
    assert quota_of(people, "Ann Lee", "FY2025-Q2") == 0  # Apr–Jun left blank: none, not 0 rows
    assert quota_of(people, "Bob Stone", "FY2025-Q1") == pytest.approx((30_000 + 30_000.5) * EUR)  # Feb blank
    assert quota_of(people, "Bob Stone", "FY2025-Q2") == pytest.approx(3 * 35_000 * EUR)
    assert quota_of(people, "José Núñez", "2025-01") == pytest.approx(100_000 * EUR)  # €100.000,00


def test_fiscal_quarters_and_shorthand_amounts(people):
    fiscal_start(people, 4)
    out = commit(people, sheet(FY_K))
    assert (out.inserted, out.rejected) == (8, 0)
    assert quota_of(people, "Ann Lee", "FY2025-Q1") == pytest.approx(195_000)  # Apr–Jun 2024
    assert quota_of(people, "Bob Stone", "FY2025-Q3") == pytest.approx(1_200_000)  # 1.2M, Oct–Dec 2024
    assert quota_of(people, "José Núñez", "FY2025-Q2") == pytest.approx(100_000 * EUR)  # 100k in EUR (column)
    assert quota_of(people, "José Núñez", "FY2025-Q3") == 0
    assert ("Bob Stone", "quarter", dt.date(2024, 10, 1), 1_200_000.0, "USD") in stored(people)


def test_a_blank_cell_is_no_quota_never_zero(people):
    commit(people, sheet(QUARTERS))
    rows = stored(people)
    assert len(rows) == 8 and all(amount > 0 for *_, amount, _ in rows)
    assert not [r for r in rows if r[0] == "Bob Stone" and r[2] == dt.date(2025, 4, 1)]


def test_importing_the_same_sheet_again_changes_nothing_and_a_changed_cell_updates_one_quota(people):
    first = commit(people, sheet(FY_K))
    before = stored(people)
    again = commit(people, sheet(FY_K), "again.csv")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 8)
    assert stored(people) == before
    changed = sheet(FY_K).replace(b"Ann Lee,USD,195k,195k", b"Ann Lee,USD,200k,195k")
    newer = commit(people, changed, "newer.csv")
    assert (first.inserted, newer.inserted, newer.updated, newer.unchanged) == (8, 0, 1, 7)
    assert quota_of(people, "Ann Lee", "FY2025-Q1") == pytest.approx(200_000)


# ----------------------------------------------------------------------------- bad cells


@pytest.mark.parametrize(
    "raw, rejects",
    [
        # a cell that is not money: its line, the sheet's column, the value, why
        (b"Rep,Q1 2025,Q2 2025\nAnn Lee,n/a,100k\n", [(2, "Q1 2025", "n/a", "“n/a” is not an amount")]),
        (
            b"Rep,Q1 2025,Q2 2025\nAnn Lee,100k,-5\n",
            [(2, "Q2 2025", "-5", "“-5” is negative: an amount cannot be below zero")],
        ),
        # a header currency the cell contradicts
        (
            b"Rep,Q1 2025 (EUR)\nAnn Lee,$100\n",
            [(2, "Q1 2025 (EUR)", "EUR", "the amount is written in USD but the currency column says EUR")],
        ),
        # the row's currency column contradicts the cell
        (
            "Rep,Currency,Q1 2025\nAnn Lee,GBP,€100k\n".encode(),
            [(2, "Currency", "GBP", "the amount is written in EUR but the currency column says GBP")],
        ),
        # the same rep twice: the second row's quotas are duplicates
        (
            b"Rep,Q1 2025\nAnn Lee,100k\nAnn Lee,120k\n",
            [
                (
                    3,
                    "Person or team · period · start",
                    "Ann Lee · quarter · 2025-01-01",
                    "duplicate of line 2 (the same record twice in the file)",
                )
            ],
        ),
    ],
)
def test_a_bad_cell_is_rejected_naming_row_column_value_and_reason(people, raw, rejects):
    out = preview(people, raw)
    assert [(r.line, r.column, r.value, r.reason) for r in out.rejects] == rejects
    assert out.rejected == 1


def test_a_header_currency_applies_to_its_column(people):
    commit(people, b"Rep;Q1 2025 (EUR);Q2 2025\nAnn Lee;100.000,00;120.000,00\n")
    assert stored(people) == [
        ("Ann Lee", "quarter", dt.date(2025, 1, 1), 100_000.0, "EUR"),
        ("Ann Lee", "quarter", dt.date(2025, 4, 1), 120_000.0, "USD"),
    ]  # the default


def test_a_rejected_sheet_leaves_the_database_as_it_was(people):
    out = commit(people, b"Rep,Q1 2025\nAnn Lee,TBD\n")
    assert (out.accepted, out.rejected) == (0, 1) and count(people, Quota) == 0


# ----------------------------------------------------------------------------- the Data page


@pytest.fixture
def served(people, db_url, monkeypatch):
    monkeypatch.setenv("BREAKTHROUGH_DATABASE_URL", db_url)
    return people


def test_the_data_page_previews_a_wide_sheet_as_long_rows(served):
    fiscal_start(served, 4)
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("pages/data.py").run()
    at.file_uploader[0].set_value([(FY_K, sheet(FY_K), "text/csv")]).run()
    assert not at.exception and not [e.value for e in at.error]
    assert at.selectbox(key=next(s.key for s in at.selectbox if s.key.startswith("profile:"))).value == "quota_sheet"
    assert {m.label: m.value for m in at.metric}["Accepted"] == "8"
    assert any("Q1 FY2025: 1 Apr 2024 – 30 Jun 2024" in i.value for i in at.info)
    rows = next(d.value for d in at.dataframe if "Period start" in d.value.columns)
    assert list(rows.itertuples(index=False, name=None))[:2] == [
        ("Ann Lee", "quarter", "Q1 FY2025", dt.date(2024, 4, 1), 195_000.0, "USD"),
        ("Ann Lee", "quarter", "Q2 FY2025", dt.date(2024, 7, 1), 195_000.0, "USD"),
    ]
    assert len(rows) == 8
    assert count(served, Quota) == 0
    next(b for b in at.button if b.label == "Import").click().run()
    assert not at.exception and count(served, Quota) == 8


def test_a_sheet_in_thousands_is_read_in_full_amounts(people):
    raw = b'Rep,Q1 2025 ($k),Q2 2025 ($k)\nAnn Lee,195,"210.5"\nBob Stone,TBD,1.2M\n'
    out = commit(people, raw)
    assert [(r.line, r.column, r.value, r.reason) for r in out.rejects] == [
        (3, "Q1 2025 ($k)", "TBD", "“TBD” is not an amount")
    ]  # the cell as written, not as scaled
    assert stored(people) == [
        ("Ann Lee", "quarter", dt.date(2025, 1, 1), 195_000.0, "USD"),
        ("Ann Lee", "quarter", dt.date(2025, 4, 1), 210_500.0, "USD"),
        ("Bob Stone", "quarter", dt.date(2025, 4, 1), 1_200_000.0, "USD"),
    ]  # its own M wins


def test_undoing_a_sheets_batch_removes_its_quotas(people):
    from breakthrough.importing.write import undo

    out = commit(people, sheet(MONTHS))
    assert count(people, Quota) == 9
    undo.undo(people, out.batch_id)
    assert count(people, Quota) == 0 and quota_of(people, "Ann Lee", "FY2025-Q1") == 0
