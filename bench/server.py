"""Start and stop a Streamlit server for the browser checks (tests/conftest.py) and the benchmark (bench/browser.py).

One rule for both: `streamlit run <script>` headless on a free port against a database URL, and the server is
ready when `/_stcore/health` answers "ok".
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    database_url: str,
    port: int | None = None,
    extra: tuple[str, ...] = (),
    script: str | Path = "app.py",
    stderr: IO | None = None,
) -> tuple[subprocess.Popen, str]:
    """`streamlit run <script>` (app.py by default) on `port` (a free one when None) against `database_url`, with
    `extra` command-line options (`--secrets.files …`: tests/test_signin_browser.py); `stderr`: an open file for
    the server's error output (discarded when None). Returns (process, base URL) once the server is healthy."""
    port = port or free_port()
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)  # bench/floor imports bench
    env = {**os.environ, "BREAKTHROUGH_DATABASE_URL": database_url, "PYTHONPATH": path}
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        *extra,
    ]
    err = stderr if stderr is not None else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):  # up to a minute, asked every 0.1 s: a server is up in 2–4 s, and a few start per run
        if proc.poll() is not None:
            break
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                return proc, url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"streamlit did not start ({script})")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
