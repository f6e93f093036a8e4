"""Privacy mode in a real browser: no other rep's name, no coaching note, no commitment text reaches it.

Hiding on screen is not enough: whatever Streamlit sends (widget options, table cells, chart data and hover
texts, page links) is in the websocket frames, readable in the browser's developer tools. Each page is
opened with `anon=1` (and a rep or manager chosen where the page has one), every frame the browser
receives is recorded, and the frames, the page's HTML and the meeting pack are searched for the names and
texts as UTF-8 bytes.
"""

from __future__ import annotations

import html
import json
from urllib.parse import quote, quote_plus

import pytest
from conftest import wait_for_app
from sqlalchemy import select

from breakthrough import demo
from breakthrough.store import queries
from breakthrough.store.models import CoachingSession, Commitment

pytestmark = pytest.mark.browser

CHOSEN = demo.STORIES["low_activity"]  # the rep picked before privacy mode went on: keeps their name


def secrets(engine) -> dict[str, set[str]]:
    """What must never reach the browser in privacy mode: other reps' names, every note and commitment text."""
    people = queries.people(engine)
    reps = set(people.loc[people["role"] == "rep", "name"]) - {CHOSEN}
    with engine.connect() as conn:
        notes = {n for n in conn.execute(select(CoachingSession.notes)).scalars() if n}
        texts = {t for t in conn.execute(select(Commitment.text)).scalars() if t}
    assert len(reps) == 23 and notes and texts  # the demo has them all: a search that cannot miss
    return {"rep names": reps, "coaching notes": notes, "commitment texts": texts}


def manager_of(engine, rep: str) -> str:
    people = queries.people(engine)
    return str(people.loc[people["name"] == rep, "manager"].iloc[0])


def spellings(secret: str) -> set[bytes]:
    """`secret` as it may travel: UTF-8, in a link (%20 or +), in JSON with non-ASCII escaped, in HTML."""
    forms = {secret, quote(secret), quote_plus(secret), json.dumps(secret)[1:-1], html.escape(secret)}
    return {form.encode("utf-8") for form in forms}


def found(secrets: dict[str, set[str]], blobs: list[bytes]) -> dict[str, list[str]]:
    """Which secrets appear, in any of their spellings, in any of `blobs`."""
    joined = b"\n".join(blobs)
    hits = {
        kind: sorted(s for s in values if any(f in joined for f in spellings(s))) for kind, values in secrets.items()
    }
    return {kind: hit for kind, hit in hits.items() if hit}


def record_frames(pg) -> list[bytes]:
    frames: list[bytes] = []

    def on_socket(ws) -> None:
        ws.on(
            "framereceived", lambda payload: frames.append(payload if isinstance(payload, bytes) else payload.encode())
        )

    pg.on("websocket", on_socket)
    return frames


PAGES = [  # (page path, parameters besides anon=1)
    ("/", {}),
    ("/", {"rep": CHOSEN}),
    ("/rep", {}),
    ("/rep", {"rep": CHOSEN}),
    ("/coaching", {}),
    ("/coaching", {"manager": "MANAGER"}),  # the chosen rep's manager
    ("/coaching", {"rep": CHOSEN}),
    ("/pipeline", {}),
    ("/pipeline", {"rep": CHOSEN}),
    ("/talent", {}),
    ("/talent", {"rep": CHOSEN}),
    ("/one_on_one", {"prep_manager": "MANAGER"}),
    ("/data", {}),
    ("/settings", {}),
]


@pytest.mark.parametrize(("path", "extra"), PAGES, ids=[f"{p}?{'&'.join(e)}" for p, e in PAGES])
def test_privacy_mode_sends_the_browser_no_other_reps_name_note_or_commitment(
    server, page, demo_engine, path, extra, tmp_path
):
    hidden = secrets(demo_engine)
    frames = record_frames(page)
    args = {k: manager_of(demo_engine, CHOSEN) if v == "MANAGER" else v for k, v in extra.items()}
    query = "&".join(["anon=1", *(f"{k}={quote(v)}" for k, v in args.items())])
    page.goto(f"{server}{path}?{query}")
    wait_for_app(page)
    page.wait_for_timeout(1500)  # late frames (charts, the second run after anon=1 became anon=true)
    assert page.get_by_text("Privacy mode: other reps are shown as Rep A").count() == 1
    assert frames, "no websocket frame recorded"
    pack = tmp_path / "pack.html"
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Meeting pack").click()
    info.value.save_as(pack)
    blobs = [*frames, page.content().encode("utf-8"), pack.read_bytes()]
    assert found(hidden, blobs) == {}
    if "rep" in args:  # the chosen rep is still named: the search does find a name when it is there
        assert found({"chosen": {CHOSEN}}, blobs) == {"chosen": [CHOSEN]}
