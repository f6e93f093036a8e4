"""Reads right on a projector and a laptop (issue #19): every page by every address it is shown under, at
1440×900 and 1280×720, on the demo and on a thin database, without a dialog, cut-off text, overlapping chart
labels or tables wider than the page.

Screenshots of every page at each size are kept under test-output/ (`visual-<database>-<page>-<width>x<height>.png`);
docs/pages.md's are the demo's at 1440×900: to refresh them, run this file and copy
`test-output/visual-demo-<page>-1440x900.png` to `docs/images/<page>.png`.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from conftest import OUTPUT, start_server, stop_server, wait_for_app

# One test per page and database, each page loaded once and measured at both sizes, so xdist's workers share
# the pages out (a module-wide drawing was set up on every worker: pytest 9 ignores xdist 3.8's loadgroup).
pytestmark = pytest.mark.browser

LOW_ACTIVITY = "Liam Foster"  # demo.STORIES["low_activity"]
# (page, address, heading): every page, drawn and checked at both sizes in one load (the last test below)
PAGES = [
    ("overview", "/", "Overview"),
    ("rep", f"/rep?rep={LOW_ACTIVITY.replace(' ', '+')}", "Rep"),
    ("coaching", "/coaching", "Coaching"),
    ("pipeline", "/pipeline", "Pipeline"),
    ("data", "/data", "Data"),
    ("settings", "/settings", "Settings"),
    ("talent", "/talent", "Talent"),
    ("one_on_one", "/one_on_one", "One-on-one prep"),
]
# Every other address the copy-link box, README and docs show (the ones above are opened by the page checks)
ALIASES = [("/overview", "Overview"), ("/rep", "Rep")]
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


def address_problems(pg, address: str, heading: str) -> list[str]:
    """What is wrong with the page opened at `address`: a dialog, another heading, or a copy-link box whose
    address is another page's. Call it last: it opens the copy-link box."""
    found = dialogs_and_notices(pg)
    shown = pg.locator("h1").first.inner_text()
    if shown != heading:
        found.append(f"heading {shown!r}, not {heading!r}")
    pg.get_by_role("button", name=re.compile("Copy link")).first.click()
    link = pg.locator("[data-testid='stCode']").filter(has_text="http").first.inner_text().strip()
    if urlsplit(link).path.rstrip("/") != address.split("?")[0].rstrip("/"):
        found.append(f"the copy-link box shows {link}")
    return found


@pytest.mark.parametrize(("address", "heading"), ALIASES)
def test_every_address_opens_its_page_with_no_dialog(server, browser, address, heading):
    context, pg = open_at(browser, server + address, (1440, 900))
    try:
        assert address_problems(pg, address, heading) == []
    finally:
        OUTPUT.mkdir(exist_ok=True)
        pg.screenshot(path=str(OUTPUT / f"visual-address{address.replace('/', '-')}.png"))
        context.close()


# --- the class checks: every page at a projector's and a laptop's size -----------------------------------

# Elements whose text must never be cut: headings, metric labels, values and deltas, button labels.
CUT_OFF = """() => {
  const sel = 'h1, h2, h3, h4, [data-testid="stMetricDelta"] *, [data-testid="stMetricValue"] *, [data-testid="stMetricLabel"] p, button [data-testid="stMarkdownContainer"]';
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
  const headings = [...document.querySelectorAll('h2, h3, h4, [data-testid="stCaptionContainer"], button[role="tab"][aria-selected="true"]')];
  const heading = box => (headings.filter(h => h.getBoundingClientRect().top < box.top).pop()?.innerText || 'top').slice(0, 60);
  for (const table of document.querySelectorAll('[data-testid="stDataFrame"]')) {
    const box = table.getBoundingClientRect();
    if (box.width === 0) continue;
    const scroller = table.querySelector('.dvn-scroller');
    if (box.right > main.right + 1 || (scroller && scroller.scrollWidth > scroller.clientWidth + 2))
      found.push(`${heading(box)}: ${Math.round(Math.max(box.right - main.right, scroller ? scroller.scrollWidth - scroller.clientWidth : 0))} px too wide`);
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
def thin_server(thin_databases):
    """A dashboard on a thin database (conftest.THIN_CONFIGS "no commitments"), for the thin pages' checks."""
    proc, url = start_server(thin_databases("no commitments"))
    yield url
    stop_server(proc)


def measured(pg) -> dict[str, list]:
    whole_page(pg)
    return {
        "dialogs": dialogs_and_notices(pg),
        "cut off": pg.evaluate(CUT_OFF),
        "chart text": pg.evaluate(CHART_TEXT),
        "wide tables": pg.evaluate(WIDE_TABLES),
    }


def cases():
    for db, sizes in (("demo", SIZES), ("thin", THIN_SIZES)):
        for name, address, heading in PAGES:
            yield pytest.param(db, name, address, heading, sizes, id=f"{db}-{name}")


@pytest.mark.parametrize(("db", "name", "address", "heading", "sizes"), list(cases()))
def test_every_page_reads_right(request, browser, db, name, address, heading, sizes):
    """One load per page: measured at each size (the window resized, not the page reloaded), a screenshot at
    each, then its address checked (no dialog, its heading, the copy-link box's address is this page's)."""
    base = request.getfixturevalue("server" if db == "demo" else "thin_server")
    if db == "thin":
        address = address.replace(LOW_ACTIVITY.replace(" ", "+"), THIN_REP.replace(" ", "+"))
    OUTPUT.mkdir(exist_ok=True)
    found: dict = {}
    context, pg = open_at(browser, base + address, sizes[0])
    try:
        for size in sizes:
            if size != sizes[0]:
                pg.set_viewport_size({"width": size[0], "height": size[1]})
                pg.wait_for_timeout(300)  # the tables and charts follow the window's width
            problems = {check: got for check, got in measured(pg).items() if got}
            if problems:
                found[f"{size[0]}x{size[1]}"] = problems
            pg.screenshot(path=str(OUTPUT / f"visual-{db}-{name}-{size[0]}x{size[1]}.png"))
        if db == "demo":  # the address: the thin company's is the same page
            pg.set_viewport_size({"width": sizes[0][0], "height": sizes[0][1]})
            found["address"] = address_problems(pg, address, heading) or None
    finally:
        context.close()
    assert {k: v for k, v in found.items() if v} == {}
