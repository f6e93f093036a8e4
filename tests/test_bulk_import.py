"""The column-wise import path gives exactly what the row-by-row path gives, only faster.

Each test imports the same bytes twice, into two fresh databases: once with the fast
path forced on (`columnar.MIN_BYTES = 0`), once with it off. Outcomes (counts, every
rejected row with its line, column, value and reason, new people) and every table —
activities, rollups, people, accounts — must be equal. Small Arrow blocks make a file
of a few thousand rows span several batches, as a million-row file does.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import numpy as np
import pytest
from conftest import ON_POSTGRES, Paths, drop_database, new_database_url
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, select
from sqlalchemy import inspect as schema
from test_import import BOOKKEEPING, EXPORTS, NOW, dump

from breakthrough.importing import upload
from breakthrough.importing.read import columnar
from breakthrough.importing.read.reading import FileError
from breakthrough.importing.write import bulk, commit
from breakthrough.importing.write.commit import Occurrences
from breakthrough.store import db
from breakthrough.store.db import make_engine
from breakthrough.store.models import Base

HEADER = ["owner", "type", "crm_id", "date", "outcome", "duration", "account", "subject"]


def _cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if any(ch in value for ch in '",\n\r') else value


def csv_bytes(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    return ("\n".join(",".join(_cell(v) for v in row) for row in [header, *rows]) + "\n").encode("utf-8")


def filler(n: int, seed: int = 1) -> list[list[str]]:
    """Ordinary rows: distinct ids, subjects and ISO date-times (so the vectorised checks do the work)."""
    rnd = random.Random(seed)
    start = dt.datetime(2026, 9, 1, 8)
    return [
        [
            rnd.choice(["Ann Lee", "Bob Stone"]),
            rnd.choice(["Call", "Email", "Meeting", "Demo"]),
            f"F-{i:05d}",
            (start + dt.timedelta(minutes=37 * i)).strftime("%Y-%m-%d %H:%M:%S"),
            rnd.choice(["connected", "no answer", "held", "sent", ""]),
            rnd.choice(["", "120", "0:05:23"]),
            rnd.choice(["", "Acme Corp", "Beta Ltd"]),
            f"Subject {i} – {rnd.randint(0, 10**6)}",
        ]
        for i in range(n)
    ]


HOSTILE = [
    ["Ann Lee", "Call", "H-1", "2026-11-02 09:30:00", "Connected", "0:05:23", "Acme Corp", "Intro call"],
    ["Ann Lee", "Call", "H-2", "2026-02-30 10:00:00", "connected", "", "", "Not a real day"],
    ["Ann Lee", "Call", "H-3", "", "connected", "", "", "No date at all"],
    ["Bob Stone", "Meeting", "H-4", "02/11/2026 14:00", "held", "45 min", "acme corp", "Slashed, day first"],
    ["Zed Newman", "Email", "H-5", "2026-11-03", "sent", "", "Gamma GmbH", "Unknown owner: held"],
    ["Ann Lee", "Call", "H-1", "2026-11-04 09:00:00", "connected", "", "", "Same CRM id again"],
    ["Ann Lee", "Email", "", "2026-11-05 10:00:00", "sent", "", "", "No id: content key"],
    ["Ann Lee", "Email", "", "2026-11-05 10:00:00", "sent", "", "", "No id: content key"],
    ["Bob Stone", "Call", "H-9", "2026-11-06 11:00:00", "No-Show", "", "", "Line one\nline two"],
    ["Bob Stone", "Call", "H-10", "2026-11-06 12:00:00", "connected", "forever", "", "Duration is not one"],
    ["Ann Lee\u00a0", "Voicemail", "H-11", "2026-11-07T08:15:00", "voicemail", "30", "", "  padded subject  "],
    ["X" * 250, "Call", "H-12", "2026-11-07 09:00:00", "connected", "", "", "Owner name too long"],
    ["Bob Stone", "Call", "H-13", "2026-11-08 09:00:00Z", "connected", "", "", "Time-zone suffix"],
    ["Ann Lee", "Call", "H-14", "2026-11-08 10:00:00.250000", "connected", "", "", "Fraction of a second"],
]


def outcome(out: commit.Outcome) -> dict:
    values = dataclasses.asdict(out)
    values.pop("batch_id")
    return values


def without_ids(engine, skip=BOOKKEEPING) -> dict[str, list]:
    """Every row but its surrogate ids (PostgreSQL does not give back the ids a rolled-back attempt drew)."""
    out = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name not in skip:
                columns = [c for c in table.c if c.name not in ("id", "account_id", "batch_id")]
                out[table.name] = sorted((tuple(r) for r in conn.execute(select(*columns))), key=repr)
    return out


def both(paths, fresh, raw: bytes, orders: dict | None = None, before: bytes | None = None, dump=dump) -> tuple:
    """(fast outcome, fast tables, slow outcome, slow tables), after an optional earlier upload on each."""
    results = []
    for fast in (True, False):
        engine = fresh("fast" if fast else "slow")
        if before is not None:
            paths.load(engine, before, fast, orders)
        try:
            found, out = paths.load(engine, raw, fast, orders)
            results += [outcome(out), dump(engine, skip=BOOKKEEPING)]
        except FileError as err:  # the whole file refused: the same message, nothing written
            results += [str(err), dump(engine, skip=BOOKKEEPING)]
        engine.dispose()
    return tuple(results)


def assert_same(results: tuple) -> None:
    fast_out, fast_tables, slow_out, slow_tables = results
    assert fast_out == slow_out
    assert fast_tables.keys() == slow_tables.keys()
    for table in fast_tables:
        assert fast_tables[table] == slow_tables[table], table


# ----------------------------------------------------------------------------- the same results


def mixed_file(seed: int = 1) -> bytes:
    rows = filler(3000, seed)
    for i, row in enumerate(HOSTILE):  # spread through the batches, the last near the end
        rows.insert(200 * i + 17, row)
    return csv_bytes(rows)


def test_a_file_with_every_kind_of_problem_gives_the_same_rows_rejects_and_rollups(paths, fresh, small_blocks):
    results = both(paths, fresh, mixed_file(), orders={"date": "dmy"})
    assert_same(results)
    assert paths.chunks >= 3  # the fast path ran, over several batches
    out = results[0]
    assert out["rows_read"] == 3000 + len(HOSTILE)
    reasons = {r["value"]: (r["line"], r["column"], r["reason"]) for r in out["rejects"]}
    # H-2 is the 2nd hostile row, inserted at index 217 → data row 218 → file line 219 (header is line 1).
    assert reasons["2026-02-30 10:00:00"][:2] == (219, "date")
    assert "not a real date" in reasons["2026-02-30 10:00:00"][2]
    assert reasons["forever"][1] == "duration"
    # The quoted subject "Line one\nline two" (row H-9, index 1617 → line 1619) adds a line: H-10 starts on 1820.
    assert reasons["forever"][0] == 200 * 9 + 17 + 2 + 1
    dup = next(r for r in out["rejects"] if r["reason"].startswith("duplicate"))
    assert (dup["line"], dup["value"], dup["reason"]) == (
        200 * 5 + 17 + 2,
        "H-1",
        "duplicate of line 19 (the same record twice in the file)",
    )
    assert out["new_people"] == [] and out["held"] == 1  # an unknown owner is held on both paths, never added
    assert [(o["label"], o["rows"], o["role"]) for o in out["unknown_owners"].values()] == [("Zed Newman", 1, "rep")]
    assert reasons["Zed Newman"][0] == 200 * 4 + 17 + 2 and "not a known person" in reasons["Zed Newman"][2]
    assert out["rejected"] == 6  # bad day, no date, same id, bad duration, owner too long, unknown owner
    assert out["accepted"] == 3000 + len(HOSTILE) - 6


@pytest.mark.parametrize(
    "name, orders, fast",
    [
        ("hubspot_calls.csv", {}, True),
        ("hubspot_meetings.csv", {}, True),
        ("pipedrive_activities.csv", {"date": "dmy"}, True),
        ("template_activities_bom_tab.csv", {"date": "dmy"}, True),
        (
            "salesforce_activities.csv",
            {"date": "mdy"},
            True,
        ),  # its report footer cut off, counted as the careful path counts it
    ],
)
def test_each_crms_activity_export_gives_the_same_on_both_paths(paths, fresh, name, orders, fast):
    raw = (EXPORTS / name).read_bytes()
    assert_same(both(paths, fresh, raw, orders=orders))
    assert (paths.chunks > 0) is fast


def test_a_newer_export_updates_and_inserts_the_same_on_both_paths(paths, fresh, small_blocks):
    rows = filler(2500, seed=3)
    newer = [list(r) for r in rows[:2000]]
    for row in newer[::7]:  # a changed outcome and subject on every 7th activity
        row[4], row[7] = "connected", row[7] + " (edited)"
    newer += filler(3000, seed=4)[2500:]  # and 500 new ones
    assert_same(both(paths, fresh, csv_bytes(newer), before=csv_bytes(rows)))


@pytest.mark.parametrize(
    "change, started",
    [
        (lambda rows: rows.append(["Ann Lee", "Call"]), True),  # a short row at the very end
        (lambda rows: rows.insert(2500, ["", "", "", "", "", "", "", ""]), True),  # a blank row far into the file
        (lambda rows: rows[2700].__setitem__(7, "Bad\x00byte"), False),  # a NUL byte: refused, found before reading
    ],
)
def test_a_file_that_stops_being_plain_part_way_is_read_row_by_row_instead(paths, fresh, small_blocks, change, started):
    rows = filler(3000, seed=5)
    change(rows)
    results = both(paths, fresh, csv_bytes(rows), dump=without_ids if ON_POSTGRES else dump)
    assert_same(results)
    assert (paths.chunks > 0) is started  # the fast path started, then gave way


def test_a_header_spanning_two_lines_is_read_row_by_row(paths, fresh, small_blocks):
    header = ["owner", "type", "crm_id", "date", "outcome", "duration", "account", "subject\n(line two)"]
    raw = csv_bytes(filler(2000, seed=8), header=header)
    results = both(paths, fresh, raw, dump=without_ids if ON_POSTGRES else dump)  # the first try drew a batch id
    assert_same(results)
    assert paths.chunks == 0


def test_preview_on_the_fast_path_counts_what_the_commit_does(paths, fresh, small_blocks):
    engine = fresh("preview")
    raw = mixed_file(seed=2)
    paths.use(True)
    plan = upload.inspect(engine, raw).plan
    plan.date_orders["date"] = "dmy"
    before = dump(engine, skip=set())
    seen = commit.preview(engine, raw, plan)
    assert dump(engine, skip=set()) == before
    done = commit.commit(engine, raw, plan, "upload.csv", now=NOW)
    assert {k: v for k, v in outcome(seen).items() if k != "sha256"} == {
        k: v for k, v in outcome(done).items() if k != "sha256"
    }


def test_the_survey_reads_the_same_evidence_on_both_paths(paths, fresh, small_blocks):
    engine = fresh("survey")
    raw = mixed_file(seed=6)
    found = {}
    for fast in (True, False):
        paths.use(fast)
        up = upload.inspect(engine, raw)
        found[fast] = (
            up.survey.rows,
            dict(up.survey.people),
            up.survey.encoding,
            up.plan.date_orders,
            [q.field for q in up.questions],
            [dataclasses.astuple(p) for p in up.people],
            {k: {kind: n > 0 for kind, n in e.counts.items()} for k, e in up.survey.dates.items()},
        )
    assert found[True] == found[False]
    assert found[True][4] == ["date"]  # 02/11/2026 reads either way: asked, never guessed


# ----------------------------------------------------------------------------- indexes and memory of keys


def test_a_big_first_load_rebuilds_the_indexes_and_a_failure_leaves_them_as_they_were(
    paths, fresh, small_blocks, monkeypatch
):
    engine = fresh("indexes")
    monkeypatch.setattr(bulk, "BIG_LOAD_ROWS", 1)
    indexes = sorted(ix["name"] for ix in schema(engine).get_indexes("activity"))
    dropped = []
    original = bulk.Bulk._drop_indexes
    monkeypatch.setattr(bulk.Bulk, "_drop_indexes", lambda self, n: dropped.append(original(self, n)) or dropped[-1])
    paths.load(engine, csv_bytes(filler(2000)), fast=True)
    assert dropped == [engine.dialect.name == "sqlite"]  # PostgreSQL keeps its indexes (readers never wait)
    assert sorted(ix["name"] for ix in schema(engine).get_indexes("activity")) == indexes
    before = dump(engine, skip=set())

    def broken(conn, tally):
        raise RuntimeError("disk full")

    monkeypatch.setattr(bulk, "add_activity_counts", broken)
    with pytest.raises(RuntimeError):
        paths.load(engine, csv_bytes(filler(3000, seed=9)[2000:]), fast=True)
    assert dump(engine, skip=set()) == before
    assert sorted(ix["name"] for ix in schema(engine).get_indexes("activity")) == indexes


# ----------------------------------------------------------------------------- SQLite's log after a big import


def pages(engine) -> tuple[int, int]:
    """(pages the database file itself says it holds — its header, bytes 28–31 —, pages the database has
    counting its write-ahead log): equal once a checkpoint has copied the log into the file."""
    with open(engine.url.database, "rb") as f:
        in_file = int.from_bytes(f.read(100)[28:32], "big")
    with engine.connect() as conn:
        return in_file, conn.exec_driver_sql("PRAGMA page_count").scalar()


@pytest.mark.sqlite_only
def test_the_import_commits_without_copying_the_log_and_leaves_that_to_a_helper_thread(
    paths, fresh, small_blocks, monkeypatch
):
    engine = fresh("log")
    engine.dispose()  # connections from here on would copy the log at every commit …
    event.listen(engine, "connect", lambda dbapi, _: dbapi.execute("PRAGMA wal_autocheckpoint=1"))
    at_commit = []
    monkeypatch.setattr(db, "checkpoint_later", lambda e: at_commit.append(pages(e)))
    paths.load(engine, csv_bytes(filler(2000)), fast=True)
    in_file, in_all = at_commit[0]
    assert in_file < in_all  # … but the import's commit did not: the new pages are still only in the log


@pytest.mark.sqlite_only
def test_after_the_helper_thread_the_file_holds_every_page_and_the_connection_is_as_it_was(paths, fresh, small_blocks):
    engine = fresh("copied")
    paths.load(engine, csv_bytes(filler(2000)), fast=True)
    db.wait_for_checkpoints()
    in_file, in_all = pages(engine)
    assert in_file == in_all
    with engine.connect() as conn:  # the pool's one connection: the one the import used
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000  # SQLite's default again
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 40), st.integers(0, 3), st.integers(0, 3)), min_size=1, max_size=60
    )
)
def test_packed_and_grouped_counts_agree(rows):
    key = {name: np.array([r[i] for r in rows], dtype=np.int64) for i, name in enumerate(bulk.PACKING)}
    packed = bulk._packed_counts(key).sort_values(list(bulk.PACKING)).reset_index(drop=True)
    grouped = bulk._grouped_counts(key).sort_values(list(bulk.PACKING)).reset_index(drop=True)
    assert packed.to_dict("list") == grouped.to_dict("list")
    assert int(packed["n"].sum()) == len(rows)


@pytest.mark.parametrize(
    "rep, day, fits",
    [(0, 0, True), ((1 << 24) - 1, (1 << 17) - 1, True), (1 << 24, 0, False), (5, -1, False), (5, 1 << 17, False)],
)
def test_keys_are_packed_only_when_every_part_fits(rep, day, fits):
    key = {"rep": np.array([rep]), "day": np.array([day]), "type": np.array([0]), "outcome": np.array([0])}
    assert bulk._packable(key) is fits


@settings(max_examples=60, deadline=None)
@given(keys=st.lists(st.lists(st.integers(0, 40), max_size=30), min_size=1, max_size=6))
def test_occurrences_number_each_key_and_remember_its_first_line(keys):
    seen, naive, line = Occurrences(), {}, 2
    for chunk in keys:
        lines = list(range(line, line + len(chunk)))
        line += len(chunk)
        got, first = seen.number(chunk, lines)
        expected, expected_first = [], []
        for key, at in zip(chunk, lines):
            count, where = naive.get(key, (0, at))
            naive[key] = (count + 1, where)
            expected.append(count + 1)
            expected_first.append(where)
        assert (got, first) == (expected, expected_first)


# ----------------------------------------------------------------------------- random files


CELLS = st.sampled_from(
    [
        "",
        "Ann Lee",
        "Bob Stone",
        " Ann Lee ",
        "Zed",
        "call",
        "Meeting",
        "voicemail",
        "held",
        "No-Show",
        "2026-11-02",
        "2026-11-02 09:30:00",
        "11/2/2026",
        "13/2/2026",
        "2026-13-01",
        "0:05:23",
        "45",
        "-5",
        "x" * 120,
        '"',
        "a,b",
        "line\nbreak",
        "=cmd()",
        "Acme",
        "ACME",
        "\u00a0",
        "Ünïcödé",
        "K-1",
        "K-2",
    ]
)


# The paths differ in Python, not in the database: twenty files on SQLite, a few on PostgreSQL (two new
# databases each) show its driver takes the same rows from both.
@settings(
    max_examples=6 if ON_POSTGRES else 20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.lists(CELLS, min_size=len(HEADER) - 2, max_size=len(HEADER) - 2), min_size=1, max_size=40),
    seed=st.integers(0, 3),
)
def test_random_plain_files_give_the_same_on_both_paths(tmp_path_factory, database_templates, monkeypatch, rows, seed):
    monkeypatch.setattr(columnar, "BLOCK_BYTES", 1 << 10)
    monkeypatch.setattr(columnar, "BATCH_ROWS", 7)
    plain = [[("Ann Lee", "Bob Stone")[(i + seed) % 2], "Call", *row] for i, row in enumerate(rows)]
    raw = csv_bytes(plain)
    results = []
    for fast in (True, False):
        folder = tmp_path_factory.mktemp("random")
        url = new_database_url(folder, database_templates())
        engine = make_engine(url)
        try:
            paths = Paths(monkeypatch)
            found, out = paths.load(engine, raw, fast, orders={"date": "mdy"})
            results += [outcome(out), dump(engine, skip=BOOKKEEPING)]
        finally:
            engine.dispose()
            drop_database(url)
    assert_same(tuple(results))


def test_column_wise_text_matches_the_row_parser_on_awkward_cells():
    import pyarrow as pa

    from breakthrough.importing.map.validation import _text

    cells = ["plain", " lead", "trail ", "\u00a0nbsp", "tab\t", "x\ny", "é", "", "\x1cgroup", "ok ok", "٣"] * 200
    parsed = columnar.parse_column(pa.array(cells), "text", lambda t: _text(t, 10), 10)
    expected = [None if not c or c.isspace() else _text(c, 10) for c in cells]
    assert list(parsed.values) == expected
    assert not parsed.bad.any()


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("2026-11-02 09:30:00", dt.datetime(2026, 11, 2, 9, 30)),
        ("2026-11-02T09:30:00", dt.datetime(2026, 11, 2, 9, 30)),
        ("2026-11-02", dt.datetime(2026, 11, 2)),
        ("2026-11-02 09:30", dt.datetime(2026, 11, 2, 9, 30)),
        ("2026-11-02 09:30:00.5", dt.datetime(2026, 11, 2, 9, 30, 0, 500000)),
        ("2026-11-02 09:30:00.000000", dt.datetime(2026, 11, 2, 9, 30)),
    ],
)
def test_iso_cells_read_column_wise_equal_the_row_parser(cell, expected):
    import pyarrow as pa

    from breakthrough.importing.read.cells import parse_datetime

    parsed = columnar.parse_column(pa.array([cell, ""] * 600), "datetime", parse_datetime, None)
    assert parsed.stamps is not None  # the vectorised path took it
    assert columnar.objects(parsed.values)[0] == expected == parse_datetime(cell)
    assert columnar.objects(parsed.values)[1] is None
    assert np.isnat(parsed.values[1])


# ----------------------------------------------------------------------------- Salesforce reports and Windows-1252

SALESFORCE_FOOTER = (
    '\r\n\r\n"Activities with Accounts"\r\n"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\r\n'
    '"Confidential Information - Do Not Distribute"\r\n"Generated By:  Jane Admin  11/27/2026 9:20 AM"\r\n'
    '"Northwind Inc."\r\n'
)
JOSE = ["José Núñez", "Call", "J-1", "2026-09-03 10:00:00", "connected", "", "", "Llamada – café"]


def report(rows: list[list[str]], footer: str = SALESFORCE_FOOTER, encoding: str = "utf-8", tail: str = "") -> bytes:
    """Rows as a Salesforce report writes them: every field quoted, CRLF, its footer (`tail`: raw text before it)."""
    quoted = ['"' + '","'.join(v.replace('"', '""') for v in row) + '"' for row in [HEADER, *rows]]
    return ("\r\n".join(quoted) + "\r\n" + tail + footer).encode(encoding)


def _with_jose(n: int = 1500) -> list[list[str]]:
    rows = filler(n, seed=11)
    rows.insert(700, JOSE)  # data row 701 → file line 702 (the header is line 1)
    return rows


def _utf8_line_in_cp1252() -> bytes:
    raw = csv_bytes(filler(1500, seed=12)[:900]).decode("utf-8").encode("cp1252")  # rows 1-900: lines 2-901
    return raw + ",".join(JOSE).encode("utf-8") + b"\n" + csv_bytes(filler(600, seed=13))[len(",".join(HEADER)) + 1 :]


@pytest.mark.parametrize(
    "make, fast, footer_lines, blank_lines, encoding",
    [
        # a Salesforce report: its footer cut off where it starts (2 blank lines, 5 footer lines), on the fast path
        (lambda: report(filler(2000, seed=10)), True, 5, 2, "utf-8"),
        # Excel on Windows: Windows-1252, names with accents (José is no known person: held, on line 702)
        (lambda: csv_bytes(_with_jose()).decode("utf-8").encode("cp1252"), True, 0, 0, "cp1252"),
        (lambda: report(_with_jose(), encoding="cp1252"), True, 5, 2, "cp1252"),  # both at once
        # a footer-like line inside the data (after a blank line, then more rows): a row there, so read row by row
        (
            lambda: report([*filler(600, seed=14), [""] * 8, ["Generated By: Ann"], *filler(600, seed=15)]),
            None,
            5,
            3,
            "utf-8",
        ),
        # the last value runs over lines that look like a footer: which lines are footer is not provable from the tail
        (
            lambda: report(
                filler(1500, seed=16) + [["Ann Lee", *JOSE[1:7], 'notes\r\n\r\n"Confidential Information"']]
            ),
            False,
            5,
            2,
            "utf-8",
        ),
        # one line saved in UTF-8 inside a Windows-1252 file: reported on its line (902), so read row by row
        (_utf8_line_in_cp1252, False, 0, 0, "cp1252"),
    ],
    ids=["salesforce", "cp1252", "salesforce-cp1252", "footer-like-line-in-data", "footer-inside-a-value", "utf8-line"],
)
def test_reports_and_windows_1252_files_give_the_same_on_both_paths(
    paths, fresh, small_blocks, make, fast, footer_lines, blank_lines, encoding
):
    results = both(paths, fresh, make(), dump=without_ids if ON_POSTGRES else dump)
    assert_same(results)
    out = results[0]
    if fast is not None:
        assert (paths.chunks > 0) is fast
    assert (out["footer_lines"], out["blank_lines"], out["encoding"]) == (footer_lines, blank_lines, encoding)
    if blank_lines == 3:  # the blank line is 602; "Generated By: Ann" on 603 is a row there (with no date)
        assert [(r["line"], r["column"], r["reason"]) for r in out["rejects"] if r["line"] == 603] == [
            (603, "date", "Date is empty")
        ]
    reasons = {r["value"]: (r["line"], r["reason"]) for r in out["rejects"]}
    if "José Núñez" in reasons:
        assert reasons["José Núñez"][0] == 702 and "not a known person" in reasons["José Núñez"][1]
    if make is _utf8_line_in_cp1252:
        assert [(r["line"], r["reason"][:40]) for r in out["rejects"] if r["line"] == 902] == [
            (902, "this line is written in UTF-8 but the fi")
        ]
