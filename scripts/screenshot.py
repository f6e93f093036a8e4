"""Screenshot pages of a running dashboard with headless Chromium (for docs and review).

python scripts/screenshot.py http://localhost:8501/overview out.png [--width 1600] [--height 2200]
"""

from __future__ import annotations

import argparse

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def shoot(url: str, path: str, width: int = 1600, height: int = 2200) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(url)
        page.wait_for_selector("h1", timeout=60_000)
        settled(page)
        page.screenshot(path=path, full_page=True)
        browser.close()


def settled(page, timeout_ms: int = 60_000) -> None:
    """Wait until the script run has finished and no placeholder skeleton is left."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stSkeleton\"]')"
        ' && !document.querySelector(\'[data-testid="stStatusWidget"] [data-testid="stStatusWidgetRunningIcon"]\')',
        timeout=timeout_ms,
    )
    page.wait_for_timeout(1500)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("path")
    parser.add_argument("--width", type=int, default=1600)
    parser.add_argument("--height", type=int, default=2200)
    a = parser.parse_args()
    shoot(a.url, a.path, a.width, a.height)
