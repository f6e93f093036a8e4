"""First start: from `streamlit run app.py` with no database yet (a fresh clone) to the Overview drawn.

The server writes the S demo into an empty SQLite file on its first page, as on a leader's first run; the
clock stops when Chromium shows the Overview's rep table and Streamlit's running indicator is gone.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
IDLE = "!document.querySelector('[data-testid=stStatusWidget]')"


def first_start_s() -> float:
    """Seconds from starting the server to the Overview drawn in the browser."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        port = _free_port()
        start = time.perf_counter()
        server = _serve(port, f"sqlite:///{folder}/breakthrough.db")
        try:
            _open(page, f"http://127.0.0.1:{port}/")
            page.wait_for_selector("[data-testid=stDataFrame]", timeout=120_000)
            page.wait_for_function(IDLE, timeout=120_000)
            return time.perf_counter() - start
        finally:
            server.terminate()
            server.wait(timeout=10)
            browser.close()


def _serve(port: int, url: str) -> subprocess.Popen:
    """`streamlit run app.py` as the README says, on `port`, against a database file that does not exist yet."""
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
           "--server.port", str(port), "--browser.gatherUsageStats", "false"]  # fmt: skip
    env = {**os.environ, "BREAKTHROUGH_DATABASE_URL": url}
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _open(page, url: str) -> None:
    """Open `url` as soon as the server answers (asked every 50 ms)."""
    for _ in range(1200):
        try:
            page.goto(url, timeout=2_000)
            return
        except Exception:  # the server is not listening yet
            time.sleep(0.05)
    raise RuntimeError("streamlit did not start within a minute")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
