"""Reads right on a projector and a laptop (issue #19): every page by every address it is shown under, at
1440×900 and 1280×720, on the demo and on a thin database, without a dialog, cut-off text, overlapping chart
labels or tables wider than the page.

Screenshots of every page at both sizes are kept under test-output/ (`visual-<database>-<page>-<width>x<height>.png`).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from conftest import OUTPUT, start_server, stop_server, wait_for_app

# One worker draws every page once (the module-scoped `drawn`); with `--dist loadgroup` the other workers
# take the other browser tests instead of drawing the same 24 pages again.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("visual")]

# (address, the page's heading): every address the copy-link box, README and docs show
ADDRESSES = [
    ("/", "Overview"),
    ("/overview", "Overview"),
    ("/rep", "Rep"),
    ("/coaching", "Coaching"),
    ("/pipeline", "Pipeline"),
    ("/data", "Data"),
    ("/settings", "Settings"),
]
SIZES = [(1440, 900), (1280, 720)]
THIN_SIZES = SIZES[:1]  # the thin company's few rows fit a laptop whenever the demo's do; one size keeps CI short


def open_at(browser, url: str, size: tuple[int, int]):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, accept_downloads=True)
    pg = context.new_page()
    pg.goto(url)
    wait_for_app(pg)
    return context, pg


def dialogs_and_notices(pg) -> list[str]:
    """Text of every dialog open on the page and of any notice that the page asked for does not exist."""
    found = pg.locator("[role='dialog']").all_inner_texts()
    found += [t for t in pg.locator("[data-testid='stAlert']").all_inner_texts() if "does not exist" in t]
    return found


@pytest.mark.parametrize(("address", "heading"), ADDRESSES)
def test_every_address_opens_its_page_with_no_dialog(server, browser, address, heading):
    context, pg = open_at(browser, server + address, (1440, 900))
    try:
        assert dialogs_and_notices(pg) == []
        assert pg.locator("h1").first.inner_text() == heading
        # the copy-link box shows an address that opens this same page
        pg.get_by_role("button", name=re.compile("Copy link")).first.click()
        link = pg.locator("[data-testid='stCode']").filter(has_text="http").first.inner_text().strip()
        assert urlsplit(link).path.rstrip("/") == address.rstrip("/")
        pg.goto(link)
        wait_for_app(pg)
        assert dialogs_and_notices(pg) == []
        assert pg.locator("h1").first.inner_text() == heading
    finally:
        OUTPUT.mkdir(exist_ok=True)
        pg.screenshot(path=str(OUTPUT / f"visual-address{address.replace('/', '-') or '-'}.png"))
        context.close()


# --- the class checks: every page at a projector's and a laptop's size -----------------------------------

LOW_ACTIVITY = "Liam Foster"  # demo.STORIES["low_activity"]
PAGES = [
    ("overview", "/"),
    ("rep", f"/rep?rep={LOW_ACTIVITY.replace(' ', '+')}"),
    ("coaching", "/coaching"),
    ("pipeline", "/pipeline"),
    ("data", "/data"),
    ("settings", "/settings"),
]

# Elements whose text must never be cut: headings, metric labels, values and deltas.
CUT_OFF = """() => {
  const sel = 'h1, h2, h3, h4, [data-testid="stMetricDelta"] *, [data-testid="stMetricValue"] *, [data-testid="stMetricLabel"] p';
  return [...document.querySelectorAll(sel)]
    .filter(e => e.offsetParent !== null && e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)
    .map(e => e.innerText.slice(0, 80));
}"""

# Text in charts: two labels drawn on each other, or a label outside its chart (a clipped axis title).
CHART_TEXT = """() => {
  const found = [];
  for (const chart of document.querySelectorAll('.js-plotly-plot')) {
    const frame = chart.getBoundingClientRect();
    const boxes = [...chart.querySelectorAll('svg text')]
      .filter(t => t.textContent.trim() && getComputedStyle(t).visibility !== 'hidden' && getComputedStyle(t).opacity !== '0')
      .map(t => ({text: t.textContent.trim(), box: t.getBoundingClientRect()}))
      .filter(t => t.box.width > 0 && t.box.height > 0);
    for (const t of boxes) {
      const b = t.box;
      if (b.left < frame.left - 1 || b.right > frame.right + 1 || b.top < frame.top - 1 || b.bottom > frame.bottom + 1)
        found.push('outside its chart: ' + t.text);
    }
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i].box, b = boxes[j].box;
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left), h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 2 && h > 2) found.push('overlap: ' + boxes[i].text + ' / ' + boxes[j].text);
    }
  }
  return found;
}"""

# Tables: wider than the main column, or with columns hidden behind a horizontal scroll.
WIDE_TABLES = """() => {
  const main = document.querySelector('[data-testid="stMainBlockContainer"]').getBoundingClientRect();
  const found = [];
  for (const table of document.querySelectorAll('[data-testid="stDataFrame"]')) {
    const box = table.getBoundingClientRect();
    if (box.width === 0) continue;
    const scroller = table.querySelector('.dvn-scroller');
    if (box.right > main.right + 1 || (scroller && scroller.scrollWidth > scroller.clientWidth + 2))
      found.push((table.closest('[data-testid="stVerticalBlock"]')?.innerText || '').slice(0, 60));
  }
  return found;
}"""


def whole_page(pg) -> None:
    """Scroll through the page so every chart and table is drawn (Streamlit draws what comes into view)."""
    pg.evaluate(
        """async () => {
      const main = document.querySelector('[data-testid="stMain"]') || document.scrollingElement;
      for (let y = 0; y < main.scrollHeight; y += 700) { main.scrollTo(0, y); await new Promise(r => setTimeout(r, 100)); }
      main.scrollTo(0, 0);
    }"""
    )
    pg.wait_for_timeout(500)


THIN_REP = "Ann Lee"  # tests/fixtures/thin: a three-rep company with little data


@pytest.fixture(scope="module")
def servers(server, thin_databases):
    """The demo's dashboard and one on a thin database (conftest.THIN_CONFIGS "no commitments")."""
    proc, thin = start_server(thin_databases("no commitments"))
    yield {"demo": (server, LOW_ACTIVITY), "thin": (thin, THIN_REP)}
    stop_server(proc)


@pytest.fixture(scope="module")
def drawn(servers, browser):
    """(database, page, size) → what the checks found, each page opened once; screenshots kept in test-output/."""
    found: dict = {}
    OUTPUT.mkdir(exist_ok=True)
    for db, (base, rep) in servers.items():
        for size in SIZES if db == "demo" else THIN_SIZES:
            for name, address in PAGES:
                address = address.replace(LOW_ACTIVITY.replace(" ", "+"), rep.replace(" ", "+"))
                context, pg = open_at(browser, base + address, size)
                try:
                    whole_page(pg)
                    found[db, name, size] = {
                        "dialogs": dialogs_and_notices(pg),
                        "cut off": pg.evaluate(CUT_OFF),
                        "chart text": pg.evaluate(CHART_TEXT),
                        "wide tables": pg.evaluate(WIDE_TABLES),
                    }
                    pg.screenshot(path=str(OUTPUT / f"visual-{db}-{name}-{size[0]}x{size[1]}.png"))
                finally:
                    context.close()
    return found


CHECKS = ["dialogs", "cut off", "chart text", "wide tables"]
# Still wrong at 1280 px (issue #19, item 4): the coaching rep list and session log, the Rep page's records and
# stages, the pipeline's stage and hygiene tables are a few pixels to a hundred wider than the main column.
# Strict: once fixed, the test says so and the mark must go.
LEFT = {
    ("demo", "coaching", "wide tables", (1280, 720)),
    ("demo", "rep", "wide tables", (1280, 720)),
    ("demo", "pipeline", "wide tables", (1280, 720)),
}


def cases():
    for db in ("demo", "thin"):
        for name, _ in PAGES:
            for check in CHECKS:
                for size in SIZES if db == "demo" else THIN_SIZES:
                    left = (db, name, check, size) in LEFT
                    marks = [pytest.mark.xfail(strict=True, reason="issue #19 item 4")] if left else []
                    yield pytest.param(
                        db, name, check, size, marks=marks, id=f"{db}-{name}-{check}-{size[0]}x{size[1]}"
                    )


@pytest.mark.parametrize(("db", "name", "check", "size"), list(cases()))
def test_every_page_reads_right(drawn, db, name, check, size):
    assert drawn[db, name, size][check] == []
