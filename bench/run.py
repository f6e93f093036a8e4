"""Benchmark: import speed and memory, page compute times, against plain-SQLite and DuckDB yardsticks.

    python bench/run.py --scale S|M|L [--out bench/out] [--smoke] [--database postgresql+psycopg://…/NAME]
    python bench/run.py --step pages --arg=<SQLite file or database URL>     # page figures only
    python bench/run.py --step apptest --arg=<SQLite file or database URL>   # every page through AppTest
    python bench/run.py --step browser --arg=<SQLite file> [--arg=<repeats>] [--arg=<sessions>]  # in Chromium

Generates the demo at that scale, writes its activity and opportunity exports as
CSV, then measures each figure (steps that need their own memory reading run in
a child process) and prints one JSON object and a readable table.

With `--database URL` (PostgreSQL) the same bench runs on that server: the demo is generated into the
database URL names, the import into NAME_import and the raw-load yardstick (psycopg COPY) into NAME_raw,
each dropped and made again (bench/pg.py); DuckDB's yardstick reads the demo's rows out of PostgreSQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.databases import ACTIVITY_COLUMNS, database_url, fresh_database  # noqa: E402

TODAY = dt.date(2026, 11, 27)
REPEATS = 7  # timed page computations and DuckDB queries: the best of this many
ATTEMPTS = 3  # the import, the pages and their yardsticks are each run this many times, taking turns
SMOKE = "BENCH_SMOKE"  # set by --smoke (CI): every step runs once, each figure timed once — not to be judged
BROWSER = ("5", "20")  # repeats of each browser figure, sessions at once (a smoke run: 1 and 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="S", choices=["S", "M", "L"])
    parser.add_argument("--out", default=str(ROOT / "bench" / "out"))
    parser.add_argument("--smoke", action="store_true", help="every step once, each figure timed once (CI)")
    parser.add_argument("--database", help="a PostgreSQL URL whose database is made fresh for the demo (bench/pg.py)")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--arg", action="append", default=[], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.smoke:
        os.environ[SMOKE] = "1"  # the steps' child processes see it too
    if args.step:
        print(json.dumps(STEPS[args.step](*args.arg)))
        return
    results = run(args.scale, Path(args.out) / args.scale, args.database)
    print(json.dumps(results))
    print_table(results)


def run(scale: str, out: Path, database: str | None = None) -> dict:
    """The whole bench on SQLite files under `out`, or on the PostgreSQL server of `database` (bench/pg.py)."""
    from bench import pg

    out.mkdir(parents=True, exist_ok=True)
    demo_db = database or str(out / "demo.db")
    import_db, raw_db = (pg.sibling(database, "import"), pg.sibling(database, "raw")) if database else (
        str(out / "import.db"), str(out / "raw.db"))  # fmt: skip
    results: dict = {"scale": scale, "database": "postgresql" if database else "sqlite", "machine": machine()}
    results["demo_generate_s"] = child("generate", scale, demo_db)["seconds"]
    exports = child("export", demo_db, str(out))
    results |= {"activity_rows": exports["activity_rows"], "csv_mb": exports["csv_mb"]}
    results |= import_and_yardstick(exports["activities_csv"], import_db, raw_db, demo_db)
    results |= careful_imports(exports["careful_csvs"], import_db, demo_db)
    results |= pages_and_yardstick(demo_db)
    results |= {f"apptest_{name}_ms": ms for name, ms in child("apptest", str(demo_db)).items()}
    results |= child("digest", str(demo_db))
    results |= child("first_start")
    if not database:  # the browser step serves a SQLite file
        results |= child("browser", str(demo_db), *(("1", "2") if os.environ.get(SMOKE) else BROWSER))
    results["targets"] = targets(results)
    return results


def import_and_yardstick(csv_path: str, import_db: str, raw_db: str, demo_db: str) -> dict:
    """The import and its yardstick, each `ATTEMPTS` times, taking turns; the fastest of each, the higher peak memory.

    The machine's noise (±20 % from one run to the next) falls on both sides of the ratio alike.
    """
    imports, loads = [], []
    raw = "raw_sqlite_load" if "://" not in raw_db else "raw_postgres_load"
    for _ in range(runs(ATTEMPTS)):
        imports.append(child("import", csv_path, import_db, demo_db))
        loads.append(child("raw_load", csv_path, raw_db)["seconds"])
    seconds = [i["import_activities_s"] for i in imports]
    return {
        "import_activities_s": min(seconds),
        "import_peak_rss_mb": max(i["import_peak_rss_mb"] for i in imports),
        "import_baseline_rss_mb": imports[0]["import_baseline_rss_mb"],
        "import_checkpoint_s": imports[seconds.index(min(seconds))]["import_checkpoint_s"],
        f"{raw}_s": min(loads),  # raw_sqlite_load_s, or raw_postgres_load_s with --database
        "import_attempts_s": [round(s, 2) for s in seconds],
        f"{raw}_attempts_s": [round(s, 2) for s in loads],
    }


def careful_imports(files: dict[str, str], import_db: str, demo_db: str) -> dict:
    """Salesforce-style and Windows-1252 files of the same rows, once each: seconds and peak memory."""
    results: dict = {}
    for name, path in files.items():
        done = child("import", path, import_db, demo_db)
        results[f"import_{name}_s"] = done["import_activities_s"]
        results[f"import_{name}_peak_rss_mb"] = done["import_peak_rss_mb"]
        results[f"{name}_csv_mb"] = round(Path(path).stat().st_size / 2**20, 1)
    return results


def pages_and_yardstick(demo_db: str) -> dict:
    """The DuckDB yardstick and the page times, each `ATTEMPTS` times, taking turns; the best of each figure."""
    ducks, pages = [], []
    for _ in range(runs(ATTEMPTS)):
        ducks.append(child("duckdb", str(demo_db))["ms"])
        pages.append(child("pages", str(demo_db)))
    best = {key: min(p[key] for p in pages) for key in pages[0]}
    ratio = {"talent_page_to_duckdb": round(best["talent_page_cold_ms"] / min(ducks), 2)} if min(ducks) else {}
    return {"duckdb_raw_aggregate_ms": min(ducks), **best, **ratio}


def runs(n: int) -> int:
    """`n`, or once in a smoke run."""
    return 1 if os.environ.get(SMOKE) else n


def child(step: str, *args: str) -> dict:
    """Run one step in a fresh Python process (so its peak memory is its own)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--step", step, *[f"--arg={a}" for a in args]]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    print(f"bench step {step}: {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    if done.returncode != 0:
        raise SystemExit(f"bench step {step} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine() -> dict:
    import platform

    return {"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()}


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- steps (each runs in its own process) -----------------------------------------------------


def step_generate(scale: str, db_path: str) -> dict:
    from breakthrough import demo
    from breakthrough.store.db import make_engine, migrate

    fresh_database(db_path)
    engine = make_engine(database_url(db_path))
    migrate(engine)
    start = time.perf_counter()
    demo.generate(engine, scale=scale, seed=7, today=TODAY)
    return {"seconds": time.perf_counter() - start}


def step_export(db_path: str, out: str) -> dict:
    """Write the demo's activities (our template's shape) and opportunities as CSV exports."""
    import pandas as pd
    from sqlalchemy import text

    from breakthrough.store.db import make_engine

    conn = make_engine(database_url(db_path)).connect()
    acts = pd.read_sql_query(
        "SELECT a.external_id, p.name, p.email, a.ts, a.raw_type, a.outcome, a.duration_s, a.subject, a.opportunity_ref "
        "FROM activity a JOIN person p ON p.id = a.rep_id ORDER BY a.id",
        conn,
    )
    acts.columns = ACTIVITY_COLUMNS
    activities_csv = Path(out) / "activities.csv"
    acts.to_csv(activities_csv, index=False)
    careful = careful_exports(acts, Path(out))
    opps = pd.read_sql_query(
        text(
            'SELECT o.external_id AS "Opportunity ID", p.name AS "Opportunity Owner", o.name AS "Opportunity Name", '
            'o.stage AS "Stage", o.amount AS "Amount", o.currency AS "Currency", o.created_date AS "Created Date", '
            'o.close_date AS "Close Date" FROM opportunity o LEFT JOIN person p ON p.id = o.owner_id ORDER BY o.id'
        ),
        conn,
    )
    opportunities_csv = Path(out) / "opportunities.csv"
    opps.to_csv(opportunities_csv, index=False)
    return {
        "activities_csv": str(activities_csv),
        "careful_csvs": careful,
        "opportunities_csv": str(opportunities_csv),
        "activity_rows": len(acts),
        "csv_mb": round(activities_csv.stat().st_size / 2**20, 1),
    }


SALESFORCE_FOOTER = (
    "\r\n\r\n"
    '"Activities with Accounts"\r\n'
    '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\r\n'
    '"Confidential Information - Do Not Distribute"\r\n'
    '"Generated By:  Bench Admin  11/27/2026 9:20 AM"\r\n'
    '"Northwind Inc."\r\n'
)


def careful_exports(acts, out: Path) -> dict[str, str]:
    """The same rows as files the careful path reads: written as Salesforce writes a report (every field
    quoted, CRLF, its footer), and as Excel on Windows saves a CSV (Windows-1252)."""
    import csv

    salesforce, windows = out / "activities_salesforce.csv", out / "activities_cp1252.csv"
    acts.to_csv(salesforce, index=False, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    with open(salesforce, "a", newline="", encoding="utf-8") as f:
        f.write(SALESFORCE_FOOTER)
    acts.to_csv(windows, index=False, encoding="cp1252")
    return {"salesforce": str(salesforce), "cp1252": str(windows)}


def step_import(csv_path: str, db_path: str, demo_db: str) -> dict:
    """Import the activity CSV through the Data page's code path into a fresh database holding the people."""
    from bench.importer import import_activities

    base_rss = peak_rss_mb()
    seconds, checkpoint = import_activities(csv_path, db_path, demo_db)
    return {
        "import_activities_s": seconds,
        "import_checkpoint_s": round(checkpoint, 2),
        "import_peak_rss_mb": round(peak_rss_mb(), 1),
        "import_baseline_rss_mb": round(base_rss, 1),
    }


def step_raw_load(csv_path: str, db_path: str) -> dict:
    """The yardstick: csv rows into an indexed table with plain sqlite3 executemany, one transaction (on
    PostgreSQL: `step_raw_load_postgres`)."""
    import csv
    import sqlite3

    if "://" in db_path:
        return step_raw_load_postgres(csv_path, db_path)
    Path(db_path).unlink(missing_ok=True)
    conn = sqlite3.connect(db_path)
    conn.execute(
        "CREATE TABLE activity (id INTEGER PRIMARY KEY, source TEXT, external_id TEXT, rep TEXT, email TEXT, ts TEXT, "
        "day TEXT, type TEXT, outcome TEXT, duration_s INTEGER, subject TEXT, opportunity_ref TEXT, "
        "UNIQUE (source, external_id))"
    )
    conn.execute("CREATE INDEX ix_rep_day ON activity (rep, day)")
    os.sync()  # as before the import: the disk settled first
    start = time.perf_counter()
    with open(csv_path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        rows = (("bench", r[0], r[1], r[2], r[3], r[3][:10], r[4], r[5], r[6] or None, r[7], r[8]) for r in reader)
        conn.executemany(
            "INSERT INTO activity (source, external_id, rep, email, ts, day, type, outcome, duration_s, subject, "
            "opportunity_ref) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
    conn.commit()
    return {"seconds": time.perf_counter() - start}


def step_raw_load_postgres(csv_path: str, url: str) -> dict:
    """The PostgreSQL yardstick: the same rows and indexed table as the SQLite one, with plain psycopg COPY
    (PostgreSQL's fastest bulk path), one transaction."""
    import csv

    from bench import pg

    pg.recreate(url)
    with pg.connect(url) as conn:
        conn.execute(
            "CREATE TABLE activity (id BIGSERIAL PRIMARY KEY, source TEXT, external_id TEXT, rep TEXT, email TEXT, "
            "ts TIMESTAMP, day DATE, type TEXT, outcome TEXT, duration_s INTEGER, subject TEXT, opportunity_ref TEXT, "
            "UNIQUE (source, external_id))"
        )
        conn.execute("CREATE INDEX ix_rep_day ON activity (rep, day)")
        conn.commit()
        os.sync()
        start = time.perf_counter()
        with open(csv_path, newline="", encoding="utf-8") as f, conn.cursor() as cur:
            reader = csv.reader(f)
            next(reader)
            copy_sql = (
                "COPY activity (source, external_id, rep, email, ts, day, type, outcome, duration_s, subject, "
                "opportunity_ref) FROM STDIN"
            )
            with cur.copy(copy_sql) as copy:
                for r in reader:
                    copy.write_row(("bench", r[0], r[1], r[2], r[3], r[3][:10], r[4], r[5], r[6] or None, r[7], r[8]))
        conn.commit()
        return {"seconds": time.perf_counter() - start}


def step_duckdb(db_path: str) -> dict:
    """The yardstick for page compute: DuckDB's per-rep, per-week, per-type count over the raw rows (read out of
    the demo's database, SQLite or PostgreSQL, so it is the same data the pages read)."""
    import duckdb
    import pandas as pd

    from breakthrough.store.db import make_engine

    with make_engine(database_url(db_path)).connect() as conn:
        raw = pd.read_sql_query("SELECT rep_id, day, type FROM activity", conn)
    raw["day"] = pd.to_datetime(raw["day"])
    con = duckdb.connect()
    con.execute("CREATE TABLE activity AS SELECT * FROM raw")
    query = (
        "SELECT rep_id, date_trunc('week', day) AS week, type, count(*) FROM activity "
        "WHERE day BETWEEN ? AND ? GROUP BY ALL"
    )
    window = (TODAY - dt.timedelta(days=180), TODAY)
    con.execute(query, window).fetchall()
    times = []
    for _ in range(runs(REPEATS)):
        start = time.perf_counter()
        con.execute(query, window).fetchall()
        times.append(time.perf_counter() - start)
    return {"ms": round(min(times) * 1000, 1)}


def step_pages(db_path: str) -> dict:
    """Every figure of the Overview after a data change (cold) and again (warm); Rep and Coaching pages cold."""
    from bench.pages import measure_pages

    return measure_pages(database_url(db_path), TODAY)


APPTEST_PAGES = {  # each page of app.py's navigation, as AppTest switches to it (the Overview is app.py's default)
    "overview": None,
    "rep": "pages/rep.py",
    "coaching": "pages/coaching.py",
    "one_on_one": "pages/one_on_one.py",
    "pipeline": "pages/pipeline.py",
    "talent": "pages/talent.py",
    "data": "pages/data.py",
    "settings": "pages/settings.py",
}


def step_apptest(db_path: str) -> dict:
    """Every page through AppTest, cache warm: the best of three reruns after a first run, in ms per page."""
    os.environ["BREAKTHROUGH_DATABASE_URL"] = database_url(db_path)
    return {name: apptest_ms(page) for name, page in APPTEST_PAGES.items()}


def apptest_ms(page: str | None) -> float:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.query_params["asof"] = TODAY.isoformat()
    if page:
        at.switch_page(page)
    at.run()
    times = []
    for _ in range(runs(3)):
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    assert not at.exception, f"{page or 'app.py'}: {at.exception}"
    return round(min(times) * 1000, 1)


def step_digest(db_path: str) -> dict:
    """The weekly digest for every manager and leader, built as e-mails (nothing sent): the figures read once
    (`digest.compose.gather`), then each recipient's digest and message."""
    from breakthrough import settings as settings_store
    from breakthrough.coaching import prep
    from breakthrough.digest import compose, mail
    from breakthrough.store import db

    engine = db.make_engine(database_url(db_path))
    start = time.perf_counter()
    w = compose.gather(engine, settings_store.load(engine), prep.week_of(TODAY - dt.timedelta(days=1)), TODAY)
    messages = [mail.message(compose.for_recipient(w, r), "bench@example.com")
                for r in compose.recipients(w.src.people, w.src.as_of) if r.email]  # fmt: skip
    return {"digest_all_s": round(time.perf_counter() - start, 2), "digest_messages": len(messages)}


def step_first_start() -> dict:
    """From `streamlit run app.py` on a fresh clone (no database yet) to the Overview drawn in Chromium."""
    from bench.first_start import first_start_s

    return {"first_start_s": round(first_start_s(), 2)}


def step_browser(db_path: str, repeats: str = "5", sessions: str = "20") -> dict:
    """Every page in Chromium against a running server, its floor and many sessions at once (bench/browser.py)."""
    from bench.browser import measure

    return measure(db_path, int(repeats), int(sessions))


STEPS = {
    "generate": step_generate,
    "export": step_export,
    "import": step_import,
    "raw_load": step_raw_load,
    "duckdb": step_duckdb,
    "pages": step_pages,
    "apptest": step_apptest,
    "digest": step_digest,
    "first_start": step_first_start,
    "browser": step_browser,
}


# --- targets and report -------------------------------------------------------------------------


def targets(r: dict) -> dict:
    """Each issue-#7 and #18 target: the measured value, the limit and whether it is met."""
    raw = "raw_sqlite_load_s" if "raw_sqlite_load_s" in r else "raw_postgres_load_s"  # the run's own yardstick
    checks = {
        f"import_activities_s ≤ 1.5 × {raw}": (r["import_activities_s"], 1.5 * r[raw]),
        "import_peak_rss_mb ≤ csv_mb + 300": (r["import_peak_rss_mb"], r["csv_mb"] + 300),
        # issue #18: the columnar path beats the naive bulk load; the careful path within 1.3 × of it
        f"import_activities_s ≤ 1.0 × {raw}": (r["import_activities_s"], r[raw]),
        **{
            f"import_{name}_s ≤ 1.3 × import_activities_s": (r.get(f"import_{name}_s"), 1.3 * r["import_activities_s"])
            for name in ("salesforce", "cp1252")
        },
        **{
            f"import_{name}_peak_rss_mb ≤ {name}_csv_mb + 300": (
                r.get(f"import_{name}_peak_rss_mb"),
                r.get(f"{name}_csv_mb", 0) + 300,
            )
            for name in ("salesforce", "cp1252")
        },
        "overview_cold_ms ≤ duckdb_raw_aggregate_ms": (r["overview_cold_ms"], r["duckdb_raw_aggregate_ms"]),
        "talent_page_cold_ms ≤ duckdb_raw_aggregate_ms": (r.get("talent_page_cold_ms"), r["duckdb_raw_aggregate_ms"]),
        "overview_warm_ms ≤ 50": (r["overview_warm_ms"], 50),
        **{f"{key} ≤ 300": (value, 300) for key, value in r.items() if key.startswith("apptest_")},
        "digest_all_s ≤ 10": (r.get("digest_all_s"), 10),  # every manager's and leader's digest (issue #17)
        "first_start_s ≤ 5": (r.get("first_start_s"), 5),
        "demo_generate_s ≤ 60 at L": (r["demo_generate_s"] if r["scale"] == "L" else None, 60),
        # issue #18: every page's cold compute within DuckDB's raw aggregate on the same data
        "coaching_page_cold_ms ≤ duckdb_raw_aggregate_ms": (r["coaching_page_cold_ms"], r["duckdb_raw_aggregate_ms"]),
        "pipeline_page_cold_ms ≤ duckdb_raw_aggregate_ms": (r["pipeline_page_cold_ms"], r["duckdb_raw_aggregate_ms"]),
    }
    checks |= browser_targets(r)
    return {
        name: {"value": None, "limit": None, "met": None}
        if v is None
        else {"value": round(v, 2), "limit": round(lim, 2), "met": v <= lim}
        for name, (v, lim) in checks.items()
    }


def browser_targets(r: dict) -> dict:
    """Issue #18 in the browser (bench/browser.py): the slowest page's median against each limit, many at once."""
    if "browser_pages" not in r:
        return {}
    checks = {
        "browser_fresh_max_ms ≤ 1000": (r["browser_fresh_max_ms"], 1000),
        "browser_sidebar_max_ms ≤ 500": (r["browser_sidebar_max_ms"], 500),
        "browser_filter_max_ms ≤ 500": (r["browser_filter_max_ms"], 500),
        "browser_at_once_p95_ms ≤ 2 × single session": (r["browser_at_once_p95_ms"], r["browser_at_once_limit_ms"]),
        "browser_during_import_p95_ms ≤ 2 × single": (r["browser_during_import_p95_ms"], r["browser_at_once_limit_ms"]),
        # counts that must be 0: page errors at once, "database is locked" anywhere, the import failing
        "browser_at_once_errors = 0": (len(r["browser_at_once_errors"]), 0),
        "browser_database_locked = 0": (int(r["browser_database_locked"]), 0),
        "browser_import_failed = 0": (int(not r["browser_import_ok"]), 0),
    }
    return checks


def print_table(r: dict) -> None:
    on = r.get("database", "sqlite")
    print(
        f"\nBreakthrough benchmark, scale {r['scale']} on {on} ({r['activity_rows']:,} activities, {r['csv_mb']} MB CSV)"
    )
    for key, value in r.items():
        if key not in ("targets", "machine", "scale", "database", "browser_pages", "browser_floor"):
            print(f"  {key:<28} {value}")
    from bench.browser import print_pages

    print_pages(r)
    print("Targets:")
    for name, t in r["targets"].items():
        verdict = "n/a " if t["met"] is None else "met " if t["met"] else "MISS"
        print(f"  {verdict}  {name:<48} {t['value']} (limit {t['limit']})")


if __name__ == "__main__":
    main()
