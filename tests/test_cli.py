"""The command line (`python -m breakthrough …`): scripted imports, figures, migrate, starting empty.

Imports go through `breakthrough.cli.main` exactly as a script calls it; the figures are checked against
values worked out by hand from the small company in tests/fixtures/cli/ (loaded with the import command):

    people     Maria Keller (manager, Enterprise), Omar Haddad (manager, Mid-Market); reps Ann Lee and
               Bob Stone (Enterprise, Maria), Cara Díaz (team “@Inside Sales”, Omar)
    quotas     Ann 10,000 USD a month Jan–Mar 2025; Bob 45,000 USD for Q1 2025 (a quarter row); Cara none
    deals      Ann: won 6,000 (10 Feb), won 3,000 (20 Mar), lost 2,000 (5 Mar), open 7,000 closing 31 Mar
               Bob: won 15,000 (20 Jan), won 5,000 (2 Apr), lost 1,000 (1 Feb), open 4,000 closing 28 Mar
               Cara: won 2,000 EUR (3 Mar) = 2,160 USD at the default rate 1.08
    activities Ann: calls 10 Jan, 11 Feb, 12 Mar, 1 Apr; meetings held 14 Feb, 14 Mar (one on 28 Mar not
               done: skipped). Bob: calls 8 Jan, 25 Feb; meeting held 22 Jan
    coaching   Ann 15 Jan, 3 Mar, 10 Apr; Bob 20 Feb
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import drop_database, new_database_url
from sqlalchemy import func, select

from breakthrough import cli, demo
from breakthrough import settings as settings_store
from breakthrough.importing import upload
from breakthrough.importing.map import profiles
from breakthrough.importing.write import batches, commit, undo
from breakthrough.sharing import scorecard_export
from breakthrough.store import db, queries
from breakthrough.store.models import Activity, Base, Person

ROOT = Path(__file__).resolve().parent.parent
EXPORTS = ROOT / "tests" / "fixtures" / "exports"
SMALL = ROOT / "tests" / "fixtures" / "cli"
COMPANY = [SMALL / f"{name}.csv" for name in ("people", "quotas", "deals", "activities", "coaching")]
FIGURE_FIELDS = (
    "rep",
    "team",
    "manager",
    "currency",
    "quota",
    "won",
    "won_count",
    "lost_count",
    "attainment_pct",
    "calls",
    "meetings",
    "open_pipeline",
    "coaching_sessions",
    "status",
)
IMPORT_FIELDS = ("file", "profile", "rows", "accepted", "rejected", "skipped", "duplicates", "written", "rejects")


def run(url: str, *args: str, capsys) -> tuple[int, str, str]:
    """`python -m breakthrough ARGS --database-url URL` in this process: (exit code, stdout, stderr)."""
    code = cli.main([*map(str, args), "--database-url", url])
    out, err = capsys.readouterr()
    return code, out, err


def reports(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def counts(url: str) -> dict[str, int]:
    """Rows per table (and the data version): what “nothing was written” must leave as it was."""
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            found = {
                t.name: conn.execute(select(func.count()).select_from(t)).scalar() for t in Base.metadata.sorted_tables
            }
        found["data_version"] = db.data_version(engine)
        return found
    finally:
        engine.dispose()


@pytest.fixture
def url(db_url):
    """A new, empty database (not migrated: every command migrates first)."""
    return db_url


@pytest.fixture
def roster_url(engine, db_url, capsys):
    """A database holding the people every sample export names, so no owner is unknown (a migrated copy:
    the commands' own migrating of a new database is `url`'s tests')."""
    code, _, err = run(db_url, "import", SMALL / "roster_for_exports.csv", capsys=capsys)
    assert code == 0, err
    return db_url


@pytest.fixture(scope="module")
def company_url(tmp_path_factory, database_templates):
    """The small company of the module docstring, loaded with the import command (read-only)."""
    found = new_database_url(tmp_path_factory.mktemp("company"))
    assert cli.main(["import", *map(str, COMPANY), "--json", "--database-url", found]) == 0
    yield found
    drop_database(found)


# ----------------------------------------------------------------------------- import: the sample exports

# file, extra flags, profile detected, rows, accepted, rejected, skipped (not done / deleted), duplicates
SAMPLES = [
    ("hubspot_calls.csv", (), "hubspot_calls", 4, 4, 0, 0, 0),
    ("hubspot_deals.csv", (), "hubspot_deals", 5, 5, 0, 0, 0),
    ("hubspot_meetings.csv", (), "hubspot_meetings", 3, 3, 0, 0, 0),
    ("pipedrive_activities.csv", (), "pipedrive_activities", 5, 4, 0, 1, 0),
    ("pipedrive_deals.csv", (), "pipedrive_deals", 5, 4, 0, 1, 0),
    ("salesforce_activities.csv", (), "salesforce_activities", 9, 8, 0, 1, 0),
    ("salesforce_opportunities.csv", (), "salesforce_opportunities", 6, 6, 0, 0, 0),
    ("template_accounts.csv", (), "template_accounts", 3, 3, 0, 0, 0),
    ("template_activities_bom_tab.csv", ("--date-order", "dmy"), "template_activities", 4, 4, 0, 0, 0),
    ("template_coaching_sessions.csv", (), "template_coaching_sessions", 3, 3, 0, 0, 0),
    ("template_opportunities_cp1252.csv", (), "template_opportunities", 3, 3, 0, 0, 0),
    ("template_people.csv", (), "template_people", 4, 4, 0, 0, 0),
    ("template_quotas.csv", (), "template_quotas", 4, 4, 0, 0, 0),
    (
        "salesforce_opportunities.csv",
        ("--profile", "salesforce_opportunities"),
        "salesforce_opportunities",
        6,
        6,
        0,
        0,
        0,
    ),
]


@pytest.mark.parametrize(
    ("name", "flags", "profile", "rows", "accepted", "rejected", "skipped", "duplicates"),
    SAMPLES,
    ids=[f"{s[0]}{'+' if s[1] else ''}{'-'.join(s[1])}" for s in SAMPLES],
)
def test_import_sample_export_json(
    roster_url, capsys, name, flags, profile, rows, accepted, rejected, skipped, duplicates
):
    before = counts(roster_url)["import_batch"]
    code, out, err = run(roster_url, "import", EXPORTS / name, "--json", *flags, capsys=capsys)
    (found,) = reports(out)
    assert (code, err) == (0, "")
    assert set(IMPORT_FIELDS) <= set(found)
    assert found["file"].endswith(name) and found["profile"] == profile
    assert (found["rows"], found["accepted"], found["rejected"], found["skipped"], found["duplicates"]) == (
        rows,
        accepted,
        rejected,
        skipped,
        duplicates,
    )
    assert found["written"] is True and found["rejects"] == [] and found["new_people"] == []
    assert counts(roster_url)["import_batch"] == before + 1  # one batch: the file in one transaction


def test_importing_the_same_file_again_changes_nothing(roster_url, capsys):
    path = EXPORTS / "hubspot_deals.csv"
    run(roster_url, "import", path, capsys=capsys)
    before = counts(roster_url)
    code, out, _ = run(roster_url, "import", path, "--json", capsys=capsys)
    (found,) = reports(out)
    assert code == 0 and found["written"] and (found["inserted"], found["updated"], found["unchanged"]) == (0, 0, 5)
    after = counts(roster_url)
    assert {
        k: v for k, v in after.items() if k not in ("import_batch", "import_summary", "audit_log", "data_version")
    } == {k: v for k, v in before.items() if k not in ("import_batch", "import_summary", "audit_log", "data_version")}


def test_several_files_in_order_one_line_each(url, capsys):
    code, out, _ = run(url, "import", *COMPANY, "--json", capsys=capsys)
    found = reports(out)
    assert code == 0
    assert [Path(r["file"]).name for r in found] == [p.name for p in COMPANY]
    assert [(r["profile"], r["accepted"], r["skipped"], r["written"]) for r in found] == [
        ("template_people", 5, 0, True),
        ("template_quotas", 4, 0, True),
        ("template_opportunities", 9, 0, True),
        ("template_activities", 9, 1, True),
        ("template_coaching_sessions", 4, 0, True),
    ]
    assert counts(url)["import_batch"] == 5


def test_table_report_reads_as_a_table(roster_url, capsys):
    code, out, err = run(roster_url, "import", SMALL / "deals_partly_bad.csv", capsys=capsys)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        str(SMALL / "deals_partly_bad.csv"),
        "  read as   Breakthrough template — opportunities (template_opportunities), UTF-8",
        "  rows 2 · accepted 1 · rejected 1 · skipped 0 · duplicates 0",
        "  written   yes, batch #2: 1 new, 0 updated, 0 unchanged",
        "  rejected rows (line numbers count from the header, line 1):",
        "    line  column        value  reason",
        "    3     created_date  soon   “soon” is not a date (write dates as YYYY-MM-DD, m/d/yyyy or dd.mm.yyyy)",
    ]


def test_partly_rejected_file_lists_its_rejects_in_json(roster_url, capsys):
    code, out, _ = run(roster_url, "import", SMALL / "deals_partly_bad.csv", "--json", capsys=capsys)
    (found,) = reports(out)
    assert code == 0 and found["written"] and (found["accepted"], found["rejected"]) == (1, 1)
    assert found["rejects"] == [
        {
            "row": 3,
            "column": "created_date",
            "value": "soon",
            "reason": "“soon” is not a date (write dates as YYYY-MM-DD, m/d/yyyy or dd.mm.yyyy)",
        }
    ]


@pytest.mark.parametrize("name", ["HR roster", "hr ROSTER", "saved:HR roster"])
def test_a_profile_saved_on_the_data_page_reads_a_file_the_page_would_ask_about(url, capsys, name):
    """`Nickname` is no spelling of a name the template knows: mapped once (as on the page) and saved, the
    file imports by the profile's name or key."""
    path = SMALL / "people_without_name.csv"
    engine = db.make_engine(url)
    db.migrate(engine)
    profiles.save_profile(
        engine, "HR roster", profiles.PROFILES["template_people"], {"name": "Nickname"}, ["Nickname", "Phone"]
    )
    engine.dispose()
    code, out, err = run(url, "import", path, "--json", "--profile", name, capsys=capsys)
    (found,) = reports(out)
    assert (code, err) == (0, "")
    assert (found["profile"], found["accepted"], found["written"]) == ("saved:HR roster", 1, True)
    assert counts(url)["person"] == 1


# ----------------------------------------------------------------------------- dry run


@pytest.mark.parametrize(
    ("name", "flags", "accepted"),
    [
        ("hubspot_deals.csv", (), 5),
        ("salesforce_activities.csv", (), 8),
        ("template_activities_bom_tab.csv", ("--date-order", "mdy"), 4),
        ("template_people.csv", (), 4),
    ],
)
def test_dry_run_writes_nothing(roster_url, capsys, name, flags, accepted):
    before = counts(roster_url)
    code, out, _ = run(roster_url, "import", EXPORTS / name, "--dry-run", "--json", *flags, capsys=capsys)
    (found,) = reports(out)
    assert code == 0
    assert (found["written"], found["dry_run"], found["accepted"], found["batch"]) == (False, True, accepted, None)
    assert counts(roster_url) == before


def test_dry_run_counts_new_people_once_each(url, capsys):
    """A preview numbers the people it would create −2, −3…: two of them never share a key's hash (hash(−1)
    is hash(−2) in Python, which made Bob's quota a “duplicate” of Ann's in the preview, not in the import)."""
    path = EXPORTS / "template_quotas.csv"
    engine = db.make_engine(url)
    db.migrate(engine)
    found = upload.inspect(engine, path)
    found.plan.add_unknown_owners = True  # the quota file's people are new: add them, as --add-unknown-owners does
    preview = commit.preview(engine, path, found.plan)
    engine.dispose()
    assert (preview.accepted, preview.rejected, preview.duplicates) == (4, 0, 0)
    assert len(preview.new_people) == 3


# ----------------------------------------------------------------------------- not written: exit 1


def _zip(tmp_path: Path) -> Path:
    path = tmp_path / "export.csv"
    path.write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 4)
    return path


REJECTED = [
    # file, flags, what the error says
    (SMALL / "deals_unreadable.csv", (), "no row of the file can be imported"),
    (SMALL / "activities_slashed.csv", (), "“date”"),
    (SMALL / "activities_slashed.csv", (), "--date-order dmy"),
    (SMALL / "people_without_name.csv", ("--profile", "template_people"), "no column for Name"),
    (SMALL / "deals_partly_bad.csv", ("--strict",), "1 rows rejected and --strict"),
    (EXPORTS / "hubspot_deals.csv", ("--profile", "hubspot_calls"), "no column for"),
    (None, (), "is not a CSV or Excel file: it is a zip archive"),
    ("unknown_columns", (), "no profile knows this file's columns (a?[31mred, b)"),  # an escape code shown as ?
]


@pytest.mark.parametrize(("path", "flags", "says"), REJECTED, ids=lambda v: v.name if isinstance(v, Path) else None)
def test_a_rejected_file_writes_nothing_and_exits_1(roster_url, capsys, tmp_path, path, flags, says):
    if path is None:
        path = _zip(tmp_path)
    elif path == "unknown_columns":
        path = tmp_path / "unknown.csv"
        path.write_bytes(b"a\x1b[31mred,b\n1,2\n")
    before = counts(roster_url)
    code, out, err = run(roster_url, "import", path, "--json", *flags, capsys=capsys)
    (found,) = reports(out)
    assert code == 1
    assert found["written"] is False and found["batch"] is None
    assert says.lower() in found["error"].lower() and says.lower() in err.lower()
    assert "Traceback" not in err
    assert counts(roster_url) == before


def test_one_rejected_file_does_not_stop_the_others(roster_url, capsys):
    code, out, _ = run(
        roster_url, "import", SMALL / "deals_unreadable.csv", EXPORTS / "hubspot_deals.csv", "--json", capsys=capsys
    )
    assert code == 1
    assert [r["written"] for r in reports(out)] == [False, True]


@pytest.mark.parametrize(
    ("order", "days"),
    [
        ("dmy", ["2025-02-05", "2025-03-02", "2025-03-04"]),  # 02/03 is 2 March; 05/02 is 5 February
        ("mdy", ["2025-02-03", "2025-04-03", "2025-05-02"]),
    ],
)
def test_date_order_answers_the_pages_question(roster_url, capsys, order, days):
    code, _, err = run(roster_url, "import", SMALL / "activities_slashed.csv", "--date-order", order, capsys=capsys)
    assert (code, err) == (0, "")
    engine = db.make_engine(roster_url)
    with engine.connect() as conn:
        found = sorted(str(queries.as_date(d)) for d in conn.execute(select(Activity.day)).scalars())
    engine.dispose()
    assert found == days


# ----------------------------------------------------------------------------- bad usage: exit 2


USAGE = [
    (("import", "missing.csv"), "no such file: missing.csv"),
    (("import", EXPORTS / "hubspot_deals.csv", "--profile", "Zoho deals"), "--profile: no profile named “Zoho deals”"),
    (("import", EXPORTS / "hubspot_deals.csv", "--bogus"), "unrecognized arguments: --bogus"),
    (("import", EXPORTS / "hubspot_deals.csv", "--date-order", "ymd"), "argument --date-order: invalid choice"),
    (("import",), "the following arguments are required: FILE"),
    ((), "the following arguments are required: COMMAND"),
    (("export",), "invalid choice: 'export'"),
    (("figures", "--as-of", "2025-03-31"), "the following arguments are required: --period"),
    (("figures", "--period", "2025-Q1"), "the following arguments are required: --as-of"),
    (("figures", "--period", "2025-Q5", "--as-of", "2025-03-31"), "--period: “2025-Q5” is not a period"),
    (("figures", "--period", "Q1 2025", "--as-of", "2025-03-31"), "--period: “Q1 2025” is not a period"),
    (("figures", "--period", "2025-13", "--as-of", "2025-03-31"), "--period: “2025-13” is not a period"),
    (("figures", "--period", "2025-Q1", "--as-of", "31/03/2025"), "--as-of: “31/03/2025” is not a date"),
    (("figures", "--period", "2025-Q1", "--as-of", "2025-03-31", "--format", "xlsx"), "argument --format"),
    (("figures", "--period", "2025-Q1", "--as-of", "2025-03-31", "--team", "Nope"), "--team: no active reps"),
    (
        ("figures", "--period", "2025-Q1", "--as-of", "2025-03-31", "--team", "Enterprise", "--manager", "Omar Haddad"),
        "--manager: no active reps of a manager named “Omar Haddad” in team “Enterprise”",
    ),
]


@pytest.mark.parametrize(("args", "says"), USAGE, ids=[" ".join(map(str, a))[-60:] or "nothing" for a, _ in USAGE])
def test_bad_usage_exits_2_with_one_line(company_url, capsys, args, says):
    before = counts(company_url)
    if args:
        code, out, err = run(company_url, *args, capsys=capsys)
    else:  # no command at all
        code, (out, err) = cli.main([]), capsys.readouterr()
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and says in err and "Traceback" not in err
    assert counts(company_url) == before


def test_a_database_that_cannot_be_opened_is_bad_usage(capsys, tmp_path):
    code = cli.main(["migrate", "--database-url", "nosuchdb://x"])
    _, err = capsys.readouterr()
    assert code == 2 and err.startswith("error: --database-url:") and len(err.strip().splitlines()) == 1


# ----------------------------------------------------------------------------- figures


def _f(*values) -> dict:
    return dict(zip(FIGURE_FIELDS, values))


ANN_Q1 = _f("Ann Lee", "Enterprise", "Maria Keller", "USD", 30000.0, 9000.0, 2, 1, 30.0, 3, 2, 7000.0, 2, "behind")
BOB_Q1 = _f("Bob Stone", "Enterprise", "Maria Keller", "USD", 45000.0, 15000.0, 1, 1, 33.3, 2, 1, 0.0, 1, "behind")
CARA_Q1 = _f("Cara Díaz", "@Inside Sales", "Omar Haddad", "USD", 0.0, 2160.0, 1, 0, None, 0, 0, 0.0, 0, "no quota")

FIGURES = [
    # (period, as of, extra flags): every rep's figures worked out by hand (module docstring)
    (("2025-Q1", "2025-03-31"), (), [ANN_Q1, BOB_Q1, CARA_Q1]),
    (("FY2025-Q1", "2025-03-31"), (), [ANN_Q1, BOB_Q1, CARA_Q1]),  # the app's own key works too
    (("2025-Q1", "2025-03-31"), ("--team", "Enterprise"), [ANN_Q1, BOB_Q1]),
    (("2025-Q1", "2025-03-31"), ("--manager", "Omar Haddad"), [CARA_Q1]),
    (("2025-Q1", "2025-03-31"), ("--team", "@Inside Sales"), [CARA_Q1]),
    # Mid-quarter: by 14 Feb Ann has won 6,000 of 30,000 (20 %), 2 calls, 1 meeting, 1 session; both open
    # deals close later in the quarter, so they are open pipeline (Bob's session is on 20 Feb)
    (
        ("2025-Q1", "2025-02-14"),
        ("--team", "Enterprise"),
        [
            _f("Ann Lee", "Enterprise", "Maria Keller", "USD", 30000.0, 6000.0, 1, 0, 20.0, 2, 1, 7000.0, 1, "behind"),
            _f(
                "Bob Stone",
                "Enterprise",
                "Maria Keller",
                "USD",
                45000.0,
                15000.0,
                1,
                1,
                33.3,
                1,
                1,
                4000.0,
                0,
                "behind",
            ),
        ],
    ),
    # February: Ann's month quota 10,000, won 6,000 (60 %); the open deal closing 31 Mar is outside
    (
        ("2025-02", "2025-02-28"),
        ("--manager", "Maria Keller"),
        [
            _f("Ann Lee", "Enterprise", "Maria Keller", "USD", 10000.0, 6000.0, 1, 0, 60.0, 1, 1, 0.0, 0, "behind"),
            _f("Bob Stone", "Enterprise", "Maria Keller", "USD", 0.0, 0.0, 0, 1, None, 1, 0, 0.0, 1, "no quota"),
        ],
    ),
    # The fiscal year, seen on its last day: April's call, Bob's April win and Ann's April session count
    (
        ("FY2025", "2025-12-31"),
        ("--team", "Enterprise"),
        [
            _f("Ann Lee", "Enterprise", "Maria Keller", "USD", 30000.0, 9000.0, 2, 1, 30.0, 4, 2, 0.0, 3, "behind"),
            _f("Bob Stone", "Enterprise", "Maria Keller", "USD", 45000.0, 20000.0, 2, 1, 44.4, 2, 1, 0.0, 1, "behind"),
        ],
    ),
    # An as-of date after the period is seen as of its last day (as the Overview does)
    (("2025-Q1", "2026-06-30"), ("--team", "Enterprise"), [ANN_Q1, BOB_Q1]),
    # Before the quarter starts nothing has happened yet
    (
        ("2025-Q1", "2024-12-01"),
        ("--manager", "Omar Haddad"),
        [_f("Cara Díaz", "@Inside Sales", "Omar Haddad", "USD", 0.0, 0.0, 0, 0, None, 0, 0, 0.0, 0, "no quota")],
    ),
    # A quarter with nothing in it
    (
        ("2026-Q3", "2026-09-30"),
        ("--manager", "Omar Haddad"),
        [_f("Cara Díaz", "@Inside Sales", "Omar Haddad", "USD", 0.0, 0.0, 0, 0, None, 0, 0, 0.0, 0, "no quota")],
    ),
]


@pytest.mark.parametrize(
    ("period", "flags", "expected"), FIGURES, ids=[f"{p[0]}@{p[1]}{''.join(f)}" for p, f, _ in FIGURES]
)
def test_figures_json_against_hand_worked_figures(company_url, capsys, period, flags, expected):
    code, out, err = run(
        company_url, "figures", "--period", period[0], "--as-of", period[1], *flags, "--format", "json", capsys=capsys
    )
    assert (code, err) == (0, "")
    found = json.loads(out)
    assert [{k: r[k] for k in FIGURE_FIELDS} for r in found] == expected
    assert all(list(r) == list(scorecard_export.FIELDS) for r in found)


def test_figures_csv_is_the_same_records_with_formulas_neutralised(company_url, capsys):
    args = ("figures", "--period", "2025-Q1", "--as-of", "2025-03-31")
    _, as_json, _ = run(company_url, *args, "--format", "json", capsys=capsys)
    code, as_csv, err = run(company_url, *args, "--format", "csv", capsys=capsys)
    assert (code, err) == (0, "")
    lines = as_csv.splitlines()
    assert lines[0] == ",".join(scorecard_export.FIELDS)
    assert lines[1].startswith(
        "Ann Lee,ann.lee@example.com,Enterprise,Maria Keller,FY2025-Q1,2025-01-01,2025-03-31,"
        "2025-03-31,USD,30000.0,9000.0,2,1,30.0,21000.0,100.0,behind,3,2,"
    )
    assert lines[3].startswith("Cara Díaz,cara.diaz@example.com,'@Inside Sales,Omar Haddad,")  # shown, never run
    assert len(lines) == 1 + len(json.loads(as_json))


def test_csv_is_the_default_format(company_url, capsys):
    _, out, _ = run(company_url, "figures", "--period", "2025-Q1", "--as-of", "2025-03-31", capsys=capsys)
    assert out.splitlines()[0] == ",".join(scorecard_export.FIELDS)


def test_figures_follow_the_fiscal_year_start(company_url, capsys):
    """With the fiscal year starting in February, FY2025-Q1 is Feb–Apr 2024 and 2025-Q1 names the same."""
    engine = db.make_engine(company_url)
    cfg = settings_store.load(engine)
    engine.dispose()
    assert cli.parse_period("2025-Q1", 2) == cli.parse_period("FY2025-Q1", 2)
    assert (cli.parse_period("2025-Q1", 2).start.isoformat(), cli.parse_period("2025-Q1", 2).end.isoformat()) == (
        "2024-02-01",
        "2024-04-30",
    )
    assert cli.parse_period("2025-03", cfg.fiscal_year_start_month).kind == "month"
    assert cli.parse_period("fy2025", 1).key == "FY2025"


def test_figures_on_an_empty_database_print_an_empty_list(url, capsys):
    code, out, err = run(
        url, "figures", "--period", "2025-Q1", "--as-of", "2025-03-31", "--format", "json", capsys=capsys
    )
    assert (code, json.loads(out)) == (0, []) and "No active reps" in err


# ----------------------------------------------------------------------------- migrate, start empty


def test_migrate_on_a_new_database_leaves_it_empty(url, capsys):
    code, out, _ = run(url, "migrate", capsys=capsys)
    assert code == 0 and "is up to date" in out
    found = counts(url)
    assert {k: v for k, v in found.items() if v and k not in ("setting", "data_version")} == {}
    engine = db.make_engine(url)
    assert db.is_empty(engine) and not queries.is_demo(engine)
    engine.dispose()


def test_import_never_adds_the_demo(url, capsys):
    run(url, "import", SMALL / "people.csv", capsys=capsys)
    engine = db.make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Person)).scalar() == 5
    assert not queries.is_demo(engine)
    engine.dispose()


def _is_empty_after_restart(url: str) -> bool:
    """What the app's start (`components.cache` → `demo.open_app_database`) leaves in the database."""
    engine = demo.open_app_database(url)
    try:
        return db.is_empty(engine)
    finally:
        engine.dispose()


def test_a_new_database_gets_the_demo_on_first_start_unless_told_otherwise(url, monkeypatch):
    engine = db.make_engine(url)
    db.migrate(engine)
    assert db.demo_wanted(engine)  # the default: a first start shows the demo
    for value in ("0", "false", "No", "off"):
        monkeypatch.setenv("BREAKTHROUGH_DEMO", value)
        assert not db.demo_wanted(engine)
    monkeypatch.setenv("BREAKTHROUGH_DEMO", "1")
    assert db.demo_wanted(engine)
    monkeypatch.setenv("BREAKTHROUGH_DEMO", "0")
    engine.dispose()
    assert _is_empty_after_restart(url) and _is_empty_after_restart(url)


def test_demo_removed_stays_removed_after_restarts(url, capsys, monkeypatch):
    monkeypatch.delenv("BREAKTHROUGH_DEMO", raising=False)
    assert not _is_empty_after_restart(url)  # the first start fills the new database with the demo
    code, out, _ = run(url, "demo", "--remove", capsys=capsys)
    assert code == 0 and "stays so" in out
    assert _is_empty_after_restart(url) and _is_empty_after_restart(url)
    engine = db.make_engine(url)
    assert not queries.is_demo(engine) and not db.demo_wanted(engine)
    engine.dispose()


def test_the_data_pages_remove_button_also_starts_empty(url, monkeypatch):
    monkeypatch.delenv("BREAKTHROUGH_DEMO", raising=False)
    engine = db.make_engine(url)
    db.migrate(engine)
    cfg = settings_store.Settings(reporting_currency="EUR")
    settings_store.save(engine, cfg)
    batches.remove_demo(engine)
    assert settings_store.load(engine).reporting_currency == "EUR"  # settings kept
    engine.dispose()
    assert _is_empty_after_restart(url)


def test_demo_remove_on_a_new_database_chooses_to_start_empty(url, capsys, monkeypatch):
    monkeypatch.delenv("BREAKTHROUGH_DEMO", raising=False)
    assert run(url, "demo", "--remove", capsys=capsys)[0] == 0
    assert _is_empty_after_restart(url)


def test_demo_remove_refuses_data_that_is_not_the_demo(url, capsys):
    run(url, "import", SMALL / "people.csv", capsys=capsys)
    code, _, err = run(url, "demo", "--remove", capsys=capsys)
    assert code == 1 and "not the demo" in err
    assert counts(url)["person"] == 5


def test_a_database_emptied_by_undo_does_not_get_the_demo(url, capsys, monkeypatch):
    monkeypatch.delenv("BREAKTHROUGH_DEMO", raising=False)
    code, out, _ = run(url, "import", SMALL / "people.csv", "--json", capsys=capsys)
    engine = db.make_engine(url)
    undo.undo(engine, reports(out)[0]["batch"])
    assert db.is_empty(engine)
    engine.dispose()
    assert _is_empty_after_restart(url)


@pytest.mark.parametrize("how", ["BREAKTHROUGH_DEMO=0", "demo --remove"])
def test_the_app_starts_empty_when_asked(url, capsys, monkeypatch, how):
    """The app itself (AppTest of app.py, its store bootstrap included) on a new database: no demo."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("BREAKTHROUGH_DATABASE_URL", url)
    if how == "demo --remove":
        monkeypatch.delenv("BREAKTHROUGH_DEMO", raising=False)
        assert run(url, "demo", "--remove", capsys=capsys)[0] == 0
    else:
        monkeypatch.setenv("BREAKTHROUGH_DEMO", "0")
    for _ in range(2):  # a second start (a new AppTest: a new session) still finds it empty
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
        assert not at.exception
        assert not any("demo data" in i.value for i in at.info)
    assert counts(url)["person"] == 0


# ----------------------------------------------------------------------------- as a real process


def _process(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "breakthrough", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240
    )


def test_python_m_breakthrough_help_lists_every_command():
    done = _process("--help")
    assert done.returncode == 0
    for command in ("import", "figures", "migrate", "demo"):
        assert f"    {command} " in done.stdout


def test_python_m_breakthrough_import_and_figures(url):
    done = _process("import", *map(str, COMPANY), "--json", "--database-url", url)
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["written"] for line in done.stdout.splitlines()] == [True] * 5
    done = _process(
        "figures",
        "--period",
        "2025-Q1",
        "--as-of",
        "2025-03-31",
        "--team",
        "Enterprise",
        "--format",
        "json",
        "--database-url",
        url,
    )
    assert done.returncode == 0, done.stderr
    assert [{k: r[k] for k in FIGURE_FIELDS} for r in json.loads(done.stdout)] == [ANN_Q1, BOB_Q1]
    done = _process("import", str(SMALL / "activities_slashed.csv"), "--database-url", url)
    assert done.returncode == 1 and "--date-order" in done.stderr and "Traceback" not in done.stderr
    done = _process("figures", "--period", "2025-Q7", "--as-of", "2025-03-31", "--database-url", url)
    assert done.returncode == 2 and done.stderr.strip().splitlines() == [
        "error: --period: “2025-Q7” is not a period: write a fiscal quarter as 2025-Q1, a month as 2025-03 or a "
        "fiscal year as FY2025."
    ]


# ----------------------------------------------------------------------------- documented


def test_docs_list_every_flag_field_and_exit_code():
    doc = (ROOT / "docs" / "importing.md").read_text(encoding="utf-8")
    for flag in (
        "--profile",
        "--dry-run",
        "--json",
        "--date-order",
        "--strict",
        "--database-url",
        "--period",
        "--as-of",
        "--team",
        "--manager",
        "--format",
    ):
        assert f"`{flag}" in doc, flag
    for name in (*IMPORT_FIELDS, *scorecard_export.FIELDS):
        assert f"`{name}`" in doc, name
    assert "crontab" in doc.lower()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "Sales ops: scripted loads" in readme and "Start with your own data only" in readme
    assert "BREAKTHROUGH_DEMO=0" in readme and "demo --remove" in readme


@pytest.mark.parametrize(
    ("flags", "accepted", "rejected", "people"),
    [
        # the sample Salesforce export names five owners nobody has imported yet: held by default
        ((), 0, 6, 0),
        (("--add-unknown-owners",), 6, 0, 3),
    ],
)
def test_unknown_owners_are_held_unless_added_on_purpose(url, capsys, flags, accepted, rejected, people):
    code, out, _ = run(
        url,
        "import",
        EXPORTS / "salesforce_opportunities.csv",
        "--profile",
        "salesforce_opportunities",
        "--json",
        *flags,
        capsys=capsys,
    )
    (found,) = reports(out)
    assert (found["accepted"], found["rejected"]) == (accepted, rejected)
    assert code == (0 if accepted else 1)
    assert (found["unknown_owners"] == []) == bool(flags)
    assert all("unknown owner" in r["reason"] or "matches no person" in r["reason"] for r in found["rejects"])
    assert counts(url)["person"] == people
