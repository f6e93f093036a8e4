"""Sharing a view (docs/sharing.md): banner, copy-link, presentation and privacy modes, downloads, meeting pack.

The frame calls `accept_short_flags()` before the filter bar (so `present=1` and
`anon=1` work although a bound toggle writes `true`) and `start(view, page)`
after it: that draws the mode styles and the share controls and opens this run's
`Share`, which collects every table (components.widgets.tables) and every chart drawn
through `chart()` for the meeting pack. In privacy mode both go through
`breakthrough.sharing.anonymise` first, so what is shown and what is packed hide the
same names.

Pages and components that draw their own tables or charts:
- `private(frame)` — a DataFrame with other reps' names hidden when the view asks for it;
- `text(value)` — the same for one piece of text (a label, a link);
- `chart(fig, key=...)` — instead of `st.plotly_chart`: hides names, joins the meeting pack;
- `downloads(frame, name, key)` — CSV and Excel buttons (formulas neutralised; the frame may be made on click).
  They are the only downloads of a table: `.streamlit/config.toml` sets `client.disableDataExport`, so
  Streamlit's own table toolbar offers no CSV of its own (which would not neutralise formulas).
- `record_table(title, formatted)` — adds a table, formatted for people, to the meeting pack.
"""

from __future__ import annotations

import datetime as dt
import itertools
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from breakthrough.metrics.view import View
from breakthrough.sharing import anonymise, exports, visibility
from breakthrough.sharing.exports import Section
from components import cache
from components.signin import current_scope
from components.widgets.text import plain

SHARE_KEY = "_share"
FLAGS = {"present": "Presentation mode", "anon": "Privacy mode"}
ON = {"1", "yes", "on"}  # what a person types; the bound toggle itself writes "true"
VALID = ON | {"true", "false", "0", "no", "off"}

PRESENT_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stSidebarNav"], header[data-testid="stHeader"], [data-testid="stToolbar"],
[data-testid="stDecoration"], [data-testid="stStatusWidget"] { display: none !important; }
[data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 1rem 2rem 3rem !important; }
/* Everything a third larger; tables are drawn on a canvas that mis-measures under zoom, so they keep their size
   (a table's full-screen button shows it full screen). */
html { zoom: 1.3; }
[data-testid="stDataFrame"] { zoom: 0.77; }
</style>"""

# Every page: a headline figure shrinks with the window rather than being cut ("$291,…" in a fifth of a laptop's
# main column at 1280 px).
FIT_CSS = """<style>
[data-testid="stMetricValue"] { font-size: clamp(1.4rem, 2.3vw, 2.25rem); }
</style>"""


@dataclass
class Share:
    """What this run shows, for the meeting pack and privacy mode."""

    view: View
    title: str
    link: str
    names: dict[str, str]  # real name → "Rep X" (empty unless privacy mode)
    parts: list[Section | Callable[[], Section]] = field(default_factory=list)  # `sections`, tables not yet made
    counter: itertools.count = field(default_factory=itertools.count)
    notes: list[str] = field(default_factory=list)  # said on the page and printed in the pack (example rates)

    @property
    def sections(self) -> list[Section]:
        """The meeting pack's tables and charts in page order; a table is made when first asked for here
        (`record_table` keeps a function: most runs never build the pack)."""
        made = [p() if callable(p) else p for p in self.parts]
        self.parts = list(made)
        return made


def accept_short_flags() -> None:
    """`present=1` / `anon=1` (and yes/on) become `true`, which the bound toggles read; junk gets a notice."""
    if [key for key in FLAGS if _accept(key)]:
        st.rerun()  # the toggles read the URL when they are first drawn


def _accept(key: str) -> bool:
    """Whether `key=1` was rewritten to `key=true`; a value that is neither on nor off gets a notice."""
    raw = st.query_params.get(key)
    value = (raw or "").strip().lower()
    if raw is not None and value not in VALID:
        st.warning(
            f"The link's `{key}` parameter “{_shown(raw)}” is not 1 or 0; showing the view with "
            f"{FLAGS[key].lower()} off instead.",
            icon=":material/link:",
        )
    if value not in ON:
        return False
    try:
        st.query_params[key] = "true"
    except StreamlitAPIException:  # already bound in this session: the toggle decides
        return False
    return True


def _shown(raw: str) -> str:
    """A value from the URL as plain text: invisible and direction-changing characters dropped, markdown escaped."""
    return plain("".join(c for c in raw[:200] if unicodedata.category(c) not in ("Cc", "Cf")))


def start(view: View, page=None) -> Share:
    """Open this run's share; draw the mode styles and the share controls (`page`: the running `st.Page`)."""
    names = _aliases(view) if view.anon else {}
    title = getattr(page, "title", None) or "Breakthrough"
    base = _page_url(getattr(page, "url_path", None), title)
    share = Share(view=view, title=title, link=link(base), names=names)
    st.session_state[SHARE_KEY] = share
    st.html(FIT_CSS)
    if view.present:
        st.html(PRESENT_CSS)
    _share_bar(share)
    return share


def current() -> Share | None:
    """This run's share (None before the frame ran)."""
    return st.session_state.get(SHARE_KEY)


def _page_url(url_path: str | None, title: str) -> str:
    """This page's address; a link to a page that does not exist gets a notice (Streamlit shows the main page)."""
    url = st.context.url or ""
    if not url or url_path is None:
        return url
    path = urlsplit(url).path.strip("/")
    prefix = str(st.get_option("server.baseUrlPath") or "").strip("/")
    requested = path.removeprefix(prefix).strip("/")
    if requested in ("", url_path):
        return url
    st.warning(
        f"The link's page “{_shown(requested)}” does not exist; showing {plain(title)} instead.", icon=":material/link:"
    )
    return url.removesuffix(requested).rstrip("/")


def link(base: str | None = None) -> str:
    """The full address of this view: the page's URL and its query string."""
    base = (st.context.url or "") if base is None else base
    if base and not urlsplit(base).path:
        base += "/"  # the main page: http://host:8501/
    pairs = [(key, value) for key in st.query_params for value in st.query_params.get_all(key)]
    query = urlencode(pairs)
    return f"{base}?{query}" if query else (base or "(this page's address)")


def _aliases(view: View) -> dict[str, str]:
    return anonymise.of_reps(cache.people(cache.version(), current_scope()), view.rep_ids, view.rep_id)


def _share_bar(share: Share) -> None:
    """The modes said on the page; "Copy link" and "Meeting pack" under the sidebar's Share toggles."""
    if share.view.anon or share.view.present:
        _modes_line(share.view)
    if not share.view.present:
        with st.sidebar:
            _copy_link(share.link)
            _pack_button(share)


def _modes_line(view: View) -> None:
    left, right = st.columns([5, 1], vertical_alignment="center")
    if view.anon:
        left.caption(
            ":material/visibility_off: Privacy mode: other reps are shown as Rep A, Rep B…; coaching notes and what commitments say are hidden."
        )
    if view.present:
        right.button(
            "Leave presentation",
            icon=":material/close:",
            key="_leave_present",
            on_click=_leave_presentation,
            type="tertiary",
            help="Show the sidebar and the share buttons again.",
        )


def _copy_link(address: str) -> None:
    with st.popover(
        "Copy link to this view", icon=":material/link:", width="stretch", help="The address of exactly this view."
    ):
        st.markdown("**Link to this view** — copy it with the button at its right:")
        st.code(address, language=None, wrap_lines=True)
        st.caption(
            "Anyone who opens it sees the same period, filters and modes. "
            "Add `present=1` for a projector, `anon=1` to hide other reps' names."
        )


def _pack_button(share: Share) -> None:
    st.download_button(
        "Meeting pack",
        icon=":material/inventory_2:",
        data=lambda: pack_html(share).encode("utf-8"),
        file_name=f"{exports.file_stem('breakthrough', share.title, share.view.as_of.isoformat())}.html",
        mime="text/html",
        on_click="ignore",
        key="_meeting_pack",
        width="stretch",
        help="This view as one HTML file: banner, link, tables and interactive charts, readable offline.",
    )


def _leave_presentation() -> None:
    st.session_state["present"] = False


def pack_html(share: Share, created: dt.datetime | None = None) -> str:
    """The meeting pack for what this run showed."""
    notes = list(share.notes)
    if share.view.anon:
        notes.append("Privacy mode: other reps are shown as Rep A, Rep B…; the selected rep keeps their name.")
    return exports.meeting_pack(
        title=share.title,
        banner=share.view.describe(),
        link=share.link,
        sections=share.sections,
        created=created or dt.datetime.now(),
        notes=notes,
    )


def sees_notes() -> visibility.SeesNotes:
    """Whose coaching notes this viewer may read: everyone's in open mode (with sign-in, `Scope.sees_notes`)."""
    scope = current_scope()
    return visibility.OPEN_MODE if scope.is_open else scope.sees_notes


def notes_shown() -> bool:
    """Whether this view shows coaching notes at all (never in privacy mode)."""
    share = current()
    return visibility.notes_allowed(anon=bool(share and share.view.anon), sees_notes=sees_notes())


def commitment_texts_shown() -> bool:
    """Whether this view shows what a commitment says (never in privacy mode)."""
    share = current()
    return visibility.commitment_texts_allowed(anon=bool(share and share.view.anon))


def visible(data):
    """Coaching figures (`managers.Coaching` / `RepCoaching`) without the notes and commitment texts this
    view may not show: taken out before anything is laid out, so they never reach the browser."""
    share = current()
    return visibility.coaching(data, anon=bool(share and share.view.anon), sees_notes=sees_notes())


def private(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with other reps' names hidden when the view is in privacy mode."""
    share = current()
    return anonymise.frame(frame, share.names) if share and share.names else frame


def text(value: str) -> str:
    """`value` (a name, a label) with other reps' names hidden when the view is in privacy mode."""
    share = current()
    return anonymise.text(value, share.names) if share and share.names else value


def chart(fig, key: str | None = None, title: str | None = None, private: bool = False, **kwargs):
    """Draw a Plotly figure (names hidden in privacy mode) and add it to the meeting pack.

    `private=True`: `fig` already hides the names (components.sections.figures caches it that way).
    """
    share = current()
    if share and share.names and not private:
        fig = anonymise.figure(fig, share.names)
    result = st.plotly_chart(fig, key=key, **kwargs)
    if share:
        share.parts.append(Section(text(title or _figure_title(fig) or "Chart"), figure=fig))
    return result


def _figure_title(fig) -> str | None:
    title = fig.layout.title.text
    return str(title) if title else None


def record_table(title: str, formatted: pd.DataFrame | Callable[[], pd.DataFrame]) -> None:
    """Add a table, already formatted for people (or a function making it, when the pack is built), to this
    run's meeting pack."""
    share = current()
    if share:
        shown = text(title)
        share.parts.append(
            (lambda: Section(shown, table=formatted())) if callable(formatted) else Section(shown, table=formatted)
        )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def downloads(
    frame: pd.DataFrame | Callable[[], pd.DataFrame],
    name: str,
    key: str | None = None,
    formats: dict[str, str] | Callable[[pd.DataFrame], dict[str, str]] | None = None,
) -> None:
    """ "CSV" and "Excel" buttons for a table (formulas neutralised, made on click); none while presenting.

    `frame` may be a function making the table and `formats` (Excel number formats by column) a function of
    it: both then run only when a button is clicked.
    """
    share = current()
    if share and share.view.present:
        return
    name = text(name)
    stem = exports.file_stem("breakthrough", name, share.view.as_of.isoformat() if share else "")
    key = key or f"table{next(share.counter) if share else 0}"
    table = frame if callable(frame) else (lambda: frame)
    excel_formats = formats if callable(formats) else (lambda _: formats)
    row = st.container(horizontal=True, gap="small")
    row.download_button(
        "CSV",
        icon=":material/download:",
        data=lambda: exports.csv_bytes(table()),
        file_name=f"{stem}.csv",
        mime="text/csv",
        on_click="ignore",
        key=f"{key}_csv",
        type="tertiary",
        help="This table as CSV (UTF-8).",
    )
    row.download_button(
        "Excel",
        icon=":material/download:",
        data=lambda: _excel(table(), name, excel_formats),
        file_name=f"{stem}.xlsx",
        mime=XLSX,
        on_click="ignore",
        key=f"{key}_xlsx",
        type="tertiary",
        help="This table as an Excel workbook.",
    )


def _excel(frame: pd.DataFrame, name: str, formats: Callable) -> bytes:
    return exports.excel_bytes(frame, name, formats(frame))
