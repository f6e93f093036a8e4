"""What a leader waits for in the browser: time from navigation to the page idle, in Chromium, for every page.

    python bench/run.py --step browser --arg=<SQLite file> [--arg=<repeats>] [--arg=<sessions>]

A Streamlit server (bench/server.py) serves a copy of the database, and Playwright drives Chromium against it:

- **fresh**: a new tab opened at the page's address, as a shared link is (the browser's cache warm, a new session);
- **sidebar**: a click on the page's entry in the sidebar, from another page;
- **filter**: the period selector (Month / Quarter) changed on the page.

"Idle" is: the script's run finished (Streamlit's `script_finished` message on the websocket), no running
indicator, no skeleton and no stale element left, every Plotly chart's svg drawn and every table there.
Each is the median of `repeats`. The same run times the floor (bench/floor/app.py): a bare Streamlit page,
and a page with the same number of charts and tables on fixed data, fresh and on a rerun; each page's
ratio to its floor is printed. Then `sessions` tabs, each its own browser context, open pages together (p95),
once as they are and once while `python -m breakthrough import` writes into the same database, and the page
text and the server's error output are scanned for errors and "database is locked".

Each measurement also counts the script runs it took and the websocket bytes it received (where the time goes).
"""

from __future__ import annotations

import asyncio
import json
import math
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-extensions", "--no-first-run"]
TIMEOUT_MS = 60_000
FLOOR_APP = ROOT / "bench" / "floor" / "app.py"
# Every page of app.py's st.navigation: (title in the sidebar, address). The Overview's hidden second address
# ("/overview") is the same page.
PAGES = [
    ("Overview", ""),
    ("Rep", "rep"),
    ("Coaching", "coaching"),
    ("One-on-one prep", "one_on_one"),
    ("Pipeline", "pipeline"),
    ("Talent", "talent"),
    ("Data", "data"),
    ("Settings", "settings"),
]
SMOKE_PAGES = 2  # the smoke test (one of each) times the first pages only: the two its two sessions open
ERROR_WORDS = ("database is locked", "Traceback", "Something went wrong")

IDLE_JS = """() => {
  if (document.querySelector('[data-testid="stStatusWidgetRunningIcon"], [data-testid="stSkeleton"],'
      + ' [data-stale="true"]')) return false;
  if (!document.querySelector('[data-testid="stMain"] h1')) return false;
  const charts = document.querySelectorAll('[data-testid="stMain"] [data-testid="stPlotlyChart"]');
  for (const c of charts) if (c.checkVisibility() && !c.querySelector('svg.main-svg')) return false;
  const tables = document.querySelectorAll(
    '[data-testid="stMain"] [data-testid="stDataFrame"], [data-testid="stMain"] [data-testid="stTable"]');
  for (const t of tables)  // a table in a closed expander or another tab is drawn when opened
    if (t.getAttribute('data-testid') === 'stDataFrame' && t.checkVisibility() && !t.querySelector('canvas'))
      return false;
  return {charts: charts.length, tables: tables.length};
}"""

WHY_JS = """() => ({
  busy: [...document.querySelectorAll('[data-testid="stStatusWidgetRunningIcon"], [data-testid="stSkeleton"],'
      + ' [data-stale="true"]')].map(e => e.getAttribute('data-testid') + ':' + e.innerText.slice(0, 60)),
  h1: !!document.querySelector('[data-testid="stMain"] h1'),
  undrawn: [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].filter(c => c.checkVisibility() && !c.querySelector('svg.main-svg')).length,
  tables: [...document.querySelectorAll('[data-testid="stDataFrame"]')].filter(t => t.checkVisibility() && !t.querySelector('canvas')).length,
})"""


# --- arithmetic (tests/test_bench_browser.py) ---------------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    """The 95th percentile by nearest rank: the smallest value with at least 95 % of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(math.ceil(0.95 * len(ordered)), 1) - 1]


def ratio(value: float | None, floor: float | None) -> float | None:
    return round(value / floor, 2) if value is not None and floor else None


def at_once_limit(single_ms: dict[str, float], opened: list[str], factor: float = 2.0) -> float:
    """The many-at-once limit: `factor` × the p95 of the single-session figures of the pages the sessions opened."""
    return factor * p95([single_ms[p] for p in opened])


# --- one tab's websocket: script runs and bytes ------------------------------------------------------------


@dataclass
class Wire:
    """What one tab's Streamlit websocket brought since `mark()`: script runs started and finished, bytes."""

    runs: int = 0
    finished: int = 0
    bytes: int = 0
    deltas: int = 0
    finished_at: float = 0.0  # time.perf_counter() when the last run finished (the server's part ends there)
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def mark(self) -> None:
        self.runs = self.finished = self.bytes = self.deltas = 0
        self.done.clear()

    def frame(self, payload: bytes | str) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        raw = payload.encode() if isinstance(payload, str) else payload
        self.bytes += len(raw)
        try:
            msg = ForwardMsg.FromString(raw)
        except Exception:  # not a ForwardMsg (never expected): counted as bytes only
            return
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.runs += 1
        elif kind == "delta":
            self.deltas += 1
        elif kind == "script_finished" and msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
            self.finished += 1
            self.finished_at = time.perf_counter()
            self.done.set()


async def tab(context):
    page = await context.new_page()
    wire = Wire()
    page.on("websocket", lambda ws: ws.on("framereceived", wire.frame))
    return page, wire


async def idle(page, wire: Wire, start: float) -> dict:
    """Wait for the run to finish and the page to be idle; the seconds since `start`, runs, bytes, charts, tables."""
    await asyncio.wait_for(wire.done.wait(), TIMEOUT_MS / 1000)
    try:
        handle = await page.wait_for_function(IDLE_JS, polling="raf", timeout=TIMEOUT_MS)
    except Exception as e:
        raise RuntimeError(f"{page.url} never idle: {await page.evaluate(WHY_JS)}") from e
    seconds = time.perf_counter() - start
    drawn = await handle.json_value()
    run_s = wire.finished_at - start  # navigation to the script's end: the server's share (and the page's load)
    return {"s": seconds, "run_s": run_s, "runs": wire.runs, "kb": wire.bytes / 1024, "deltas": wire.deltas, **drawn}


async def fresh(context, url: str) -> dict:
    page, wire = await tab(context)
    start = time.perf_counter()
    await page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
    try:
        return await idle(page, wire, start)
    finally:
        await page.close()


async def opened(context, url: str):
    page, wire = await tab(context)
    await page.goto(url, timeout=TIMEOUT_MS)
    await idle(page, wire, time.perf_counter())
    return page, wire


async def click_and_wait(page, wire: Wire, locator) -> dict:
    await locator.wait_for(timeout=TIMEOUT_MS)
    wire.mark()
    start = time.perf_counter()
    await locator.click(timeout=TIMEOUT_MS)
    return await idle(page, wire, start)


def nav_link(page, title: str):
    return page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title, exact=True)


def period_button(page, label: str):
    return page.locator('[data-testid="stSidebar"]').get_by_role("radio", name=label, exact=True)


async def sidebar(page, wire: Wire, title: str, back: str) -> dict:
    """Click `title` in the sidebar (timed), then `back` (not timed), so the next repeat starts where this did."""
    took = await click_and_wait(page, wire, nav_link(page, title))
    await click_and_wait(page, wire, nav_link(page, back))
    return took


async def filter_change(page, wire: Wire, n: int) -> dict:
    """The period kind changed, Month and Quarter in turn (the page opens on Quarter)."""
    return await click_and_wait(page, wire, period_button(page, "Month" if n % 2 == 0 else "Quarter"))


def summary(runs: list[dict]) -> dict:
    return {
        "ms": round(median([r["s"] for r in runs]) * 1000),
        "run_ms": round(median([r["run_s"] for r in runs]) * 1000),
        "runs": max(r["runs"] for r in runs),
        "kb": round(median([r["kb"] for r in runs]), 1),
        "charts": runs[-1]["charts"],
        "tables": runs[-1]["tables"],
    }


# --- the measurements ----------------------------------------------------------------------------------------


async def measure_pages(browser, base: str, floor_base: str, repeats: int) -> tuple[dict, dict]:
    """Every page fresh, by the sidebar and on a filter change; the floor page of the same shape measured right
    after the first page of that shape (so the machine's noise falls on both alike)."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    floor_context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    await fresh(context, base + "/")  # the static files into the cache, the server's caches filled
    await fresh(floor_context, floor_base + "/")
    out: dict = {}
    floors: dict = {(0, 0): await floor_of(floor_context, floor_base, (0, 0), repeats)}
    for title, path in PAGES if repeats > 1 else PAGES[:SMOKE_PAGES]:  # the smoke test: the sessions' pages only
        url = f"{base}/{path}"
        if repeats > 1:  # the page's figures cached once: every timed view sees the same server (not in the smoke)
            await fresh(context, url)
        got = {"fresh": summary([await fresh(context, url) for _ in range(repeats)])}
        shape = (got["fresh"]["charts"], got["fresh"]["tables"])
        if repeats > 1 or title == PAGES[0][0]:  # the smoke test (one of each): the first page only
            got |= await switches(context, base, title, url, repeats)
        if shape not in floors and repeats > 1:  # the smoke test times only the bare floor
            floors[shape] = await floor_of(floor_context, floor_base, shape, repeats)
        out[title] = got
    await context.close()
    await floor_context.close()
    return out, floors


async def switches(context, base: str, title: str, url: str, repeats: int) -> dict:
    """The page by a sidebar click from another page, and on a filter change."""
    back = "Settings" if title == "Overview" else "Overview"
    page, wire = await opened(context, f"{base}/{'settings' if title == 'Overview' else ''}")
    got = {"sidebar": summary([await sidebar(page, wire, title, back) for _ in range(repeats)])}
    await page.close()
    page, wire = await opened(context, url)
    got["filter"] = summary([await filter_change(page, wire, n) for n in range(repeats)])
    await page.close()
    return got


async def floor_of(context, base: str, shape: tuple[int, int], repeats: int) -> dict:
    """The floor page of `shape` (charts, tables) fresh, on a page switch by the sidebar and on a rerun."""
    url = f"{base}/?charts={shape[0]}&tables={shape[1]}"
    if repeats > 1:  # a first view not timed (the smoke test, one of each, goes without)
        await fresh(context, url)
    got = {"fresh": summary([await fresh(context, url) for _ in range(repeats)])}
    page, wire = await opened(context, url)
    await click_and_wait(page, wire, nav_link(page, "Other"))
    got["sidebar"] = summary([await sidebar(page, wire, "Floor", "Other") for _ in range(repeats)])
    await click_and_wait(page, wire, nav_link(page, "Floor"))
    got["rerun"] = summary([await filter_change(page, wire, n) for n in range(repeats)])
    await page.close()
    return got


async def at_once(browser, base: str, sessions: int) -> dict:
    """`sessions` browser contexts (each its own cache and connections, as many leaders) open pages together."""
    contexts = [await browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(sessions)]
    for c in contexts:  # each leader has opened the dashboard before: static files cached
        await fresh(c, base + "/settings")
    titles = [PAGES[i % len(PAGES)][0] for i in range(sessions)]
    urls = [f"{base}/{PAGES[i % len(PAGES)][1]}" for i in range(sessions)]
    pages = [await tab(c) for c in contexts]

    async def one(page, wire, url):
        start = time.perf_counter()
        try:
            await page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
            took = (await idle(page, wire, start))["s"]
        except Exception as err:  # a session that never got idle is an error of the run, not the end of it
            print(f"at once: {err}", file=sys.stderr)
            return time.perf_counter() - start, ["never idle"]
        text = await page.locator("body").inner_text()
        return took, [w for w in ERROR_WORDS if w in text]

    done = await asyncio.gather(*(one(p, w, u) for (p, w), u in zip(pages, urls, strict=True)))
    for c in contexts:
        await c.close()
    return {"titles": titles, "s": [d[0] for d in done], "errors": sorted({e for d in done for e in d[1]})}


def import_csv(db_path: str, folder: Path) -> Path:
    """The demo's activities as a CSV of new rows (each id prefixed "AT-"), for an import written meanwhile."""
    import sqlite3

    import pandas as pd

    from bench.databases import ACTIVITY_COLUMNS

    acts = pd.read_sql_query(
        "SELECT 'AT-' || a.external_id, p.name, p.email, a.ts, a.raw_type, a.outcome, a.duration_s, a.subject, "
        "a.opportunity_ref FROM activity a JOIN person p ON p.id = a.rep_id ORDER BY a.id",
        sqlite3.connect(db_path),
    )
    acts.columns = ACTIVITY_COLUMNS
    path = folder / "activities_at_once.csv"
    acts.to_csv(path, index=False)
    return path


async def run_all(db_path: str, repeats: int, sessions: int) -> dict:
    from playwright.async_api import async_playwright

    from bench.server import start_server, stop_server

    work = Path(tempfile.mkdtemp(prefix="bench_browser_"))
    served = work / "served.db"
    shutil.copyfile(db_path, served)  # the import below writes into it; the bench's demo stays as it is
    url = f"sqlite:///{served}"
    errors = (work / "server.err").open("w+")
    proc, base = start_server(url, stderr=errors)
    floor_proc, floor_base = start_server(url, script=FLOOR_APP)
    try:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            pages, floor = await measure_pages(browser, base, floor_base, repeats)
            print(json.dumps({"pages": pages}), file=sys.stderr, flush=True)  # kept should the rest fail
            together = await at_once(browser, base, sessions)
            csv = import_csv(db_path, work)
            cmd = [sys.executable, "-m", "breakthrough", "import", str(csv), "--database-url", url]
            importer = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            await asyncio.sleep(0.5)  # the import is reading and writing by the time the sessions open
            import_still_running = importer.poll() is None  # (then it overlaps the sessions' start at least)
            while_import = await at_once(browser, base, sessions)
            import_out = importer.communicate()[0]
            await browser.close()
    finally:
        stop_server(floor_proc)
        stop_server(proc)
    errors.seek(0)
    server_err = errors.read()
    errors.close()
    shutil.rmtree(work, ignore_errors=True)
    return report(pages, floor, together, while_import, server_err, import_still_running, importer.returncode,
                  import_out, repeats)  # fmt: skip


FIELDS = ("ms", "run_ms", "runs", "kb")  # each page's figures per kind of view


def report(pages, floor, together, while_import, server_err, import_overlapped, import_rc, import_out, repeats):
    """The flat figures bench/run.py prints and checks (`targets`), and each page's detail."""
    bare = floor[(0, 0)]  # bench/floor/app.py with no parameters
    detail = {}
    for title, kinds in pages.items():
        shape = floor.get((kinds["fresh"]["charts"], kinds["fresh"]["tables"]), {})  # (the smoke: bare only)
        detail[title] = {
            **{f"{k}_{f}": kinds.get(k, {}).get(f) for k in ("fresh", "sidebar", "filter") for f in FIELDS},
            "charts": kinds["fresh"]["charts"],
            "tables": kinds["fresh"]["tables"],
            "fresh_to_floor": ratio(kinds["fresh"]["ms"], shape.get("fresh", {}).get("ms")),
            "sidebar_to_floor": ratio(kinds.get("sidebar", {}).get("ms"), shape.get("sidebar", {}).get("ms")),
            "filter_to_floor": ratio(kinds.get("filter", {}).get("ms"), shape.get("rerun", {}).get("ms")),
            "fresh_to_bare": ratio(kinds["fresh"]["ms"], bare["fresh"]["ms"]),
        }
    single = {t: k["fresh"]["ms"] for t, k in pages.items()}
    locked = "database is locked" in server_err or any("database is locked" in r["errors"] for r in (together,
                                                                                                     while_import))  # fmt: skip
    return {
        "browser_repeats": repeats,
        "browser_fresh_max_ms": max(k["fresh"]["ms"] for k in pages.values()),
        "browser_sidebar_max_ms": max(k["sidebar"]["ms"] for k in pages.values() if "sidebar" in k),
        "browser_filter_max_ms": max(k["filter"]["ms"] for k in pages.values() if "filter" in k),
        "browser_floor_bare_fresh_ms": bare["fresh"]["ms"],
        "browser_floor_bare_sidebar_ms": bare["sidebar"]["ms"],
        "browser_floor": {
            f"{c} charts, {t} tables": {k: v[k]["ms"] for k in v} for (c, t), v in floor.items()
        },  # fmt: skip
        "browser_pages": detail,
        "browser_sessions": len(together["s"]),
        "browser_at_once_p95_ms": round(p95(together["s"]) * 1000),
        "browser_at_once_limit_ms": round(at_once_limit(single, together["titles"])),
        "browser_during_import_p95_ms": round(p95(while_import["s"]) * 1000),
        "browser_at_once_errors": together["errors"] + while_import["errors"],
        "browser_database_locked": locked,
        "browser_server_errors": [w for w in ERROR_WORDS if w in server_err],
        "browser_import_overlapped": import_overlapped,
        "browser_import_ok": import_rc == 0,
        "browser_import_output": import_out.strip().splitlines()[-1:] if import_out else [],
    }


def measure(db_path: str, repeats: int = 5, sessions: int = 20) -> dict:
    return asyncio.run(run_all(db_path, repeats, sessions))


def print_pages(r: dict) -> None:
    """The per-page table: median ms fresh / sidebar / filter, each to its floor, script runs and websocket KB."""
    if "browser_pages" not in r:
        return
    print(f"In the browser (median of {r['browser_repeats']}; floor: bare page {r['browser_floor_bare_fresh_ms']} ms)")
    print(f"  {'page':<16} {'charts':>6} {'tables':>6} {'fresh':>7} {'×floor':>6} {'sidebar':>7} {'×floor':>6} "
          f"{'filter':>7} {'×floor':>6} {'runs':>5} {'KB fresh':>8}")  # fmt: skip
    for title, d in r["browser_pages"].items():
        d = {k: "–" if v is None else v for k, v in d.items()}
        print(
            f"  {title:<16} {d['charts']:>6} {d['tables']:>6} {d['fresh_ms']:>7} {d['fresh_to_floor']:>6} "
            f"{d['sidebar_ms']:>7} {d['sidebar_to_floor']:>6} {d['filter_ms']:>7} {d['filter_to_floor']:>6} "
            f"{d['fresh_runs']}/{d['sidebar_runs']}/{d['filter_runs']:<1} {d['fresh_kb']:>8}"
        )
