"""An upload's preview (what would be written, what is rejected and why), then Import or Cancel."""

from __future__ import annotations

import logging

import pandas as pd
import streamlit as st

from breakthrough import access
from breakthrough.formatting import day
from breakthrough.importing import templates, upload
from breakthrough.importing.map import headings, profiles, wide
from breakthrough.importing.map.plan import Plan
from breakthrough.importing.read.reading import ENCODING_NAMES, FileError
from breakthrough.importing.write import batches, commit
from components import cache
from components.sections import import_memo, unknown_owners
from components.signin import current_scope
from components.widgets.kpis import kpi_row
from components.widgets.text import plain

DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
log = logging.getLogger("breakthrough")


def preview_and_import(file, fid: str, data: bytes, plan: Plan, found: upload.Upload, version) -> None:
    if st.session_state.get(f"cancelled:{fid}"):
        st.info("Cancelled: nothing from this file was written.", icon=":material/undo:")
        return
    unanswered = [q for q in found.questions if q.field not in plan.date_orders]
    if unanswered:
        st.warning(
            "Answer the date question above to see the preview: dates are never guessed.",
            icon=":material/calendar_month:",
        )
    bar = st.progress(0.0, text="Checking every row…")
    outcome = import_memo.preview(fid, plan.to_json(), version, data, progress=lambda f, t: bar.progress(f, text=t))
    bar.empty()
    _show_preview(outcome, found)
    unknown_owners.section(fid, outcome)
    if plan.periods:
        _wide_sheet(fid, outcome, plan, cache.settings(version).fiscal_year_start_month)
    _rejected(fid, outcome, file.name)
    _earlier_import(outcome.sha256)
    left, right, _ = st.columns([1, 1, 4])
    blocked = bool(unanswered) or outcome.accepted == 0
    if left.button(
        "Import",
        key=f"import:{fid}",
        type="primary",
        disabled=blocked,
        help="Writes every accepted row in one step; nothing is written if anything fails.",
    ):
        _commit(file, fid, data, plan)
    if right.button("Cancel", key=f"cancel:{fid}", help="Leave this file out: nothing is written."):
        st.session_state[f"cancelled:{fid}"] = True
        st.rerun()


def _show_preview(out: commit.Outcome, found: upload.Upload) -> None:
    st.markdown(f"**Preview** — {out.entity} from a {profiles.SOURCES[out.source]}; nothing has been written yet.")
    kpi_row(
        [
            ("Rows read", f"{out.rows_read:,}", "Data rows in the file (header, blank and footer lines left out)."),
            ("Accepted", f"{out.accepted:,}", "Rows that will be imported."),
            ("Rejected", f"{out.rejected:,}", "Rows that will not be imported: listed below with the reason."),
            ("Duplicates", f"{out.duplicates:,}", "Rows repeating an earlier row of the file (rejected)."),
            (
                "Unknown owner",
                f"{out.held:,}",
                "Rows held because their owner matches no person (rejected until you add the person below).",
            ),
            ("New people", f"{len(out.new_people):,}", "People the import will add: the unknown owners you chose."),
        ]
    )
    kpi_row(
        [
            ("New records", f"{out.inserted:,}", "Records not in the database yet."),
            ("Updated", f"{out.updated:,}", "Records already imported that changed: their previous values are kept."),
            ("Unchanged", f"{out.unchanged:,}", "Records already imported exactly like this."),
            ("Skipped", f"{out.skipped:,}", "Left out on purpose: activities not done yet, deleted deals."),
            ("New accounts", f"{out.new_accounts:,}", "Account names not in the database yet."),
        ]
    )
    notes = [
        f"Read as {ENCODING_NAMES.get(out.encoding, out.encoding)}, "
        f"{DELIMITER_NAMES.get(found.delimiter, found.delimiter)}-separated"
    ]
    if out.footer_lines:
        notes.append(f"{out.footer_lines} report footer lines left out")
    if out.blank_lines:
        notes.append(f"{out.blank_lines} blank lines skipped")
    st.caption("; ".join(notes) + ".")
    for warning in out.warnings[:20]:
        st.warning(plain(warning, 300))


def _wide_sheet(fid: str, out: commit.Outcome, plan: Plan, fy_start_month: int) -> None:
    """A quota sheet with one column per period: how its columns are read, and the quota rows it becomes."""
    st.info(headings.convention(fy_start_month, wide.example_year(plan, fy_start_month)), icon=":material/event:")
    st.caption(
        "Each filled cell of a period column is one quota: Accepted, Skipped and Duplicates count quotas; "
        "Rows read and Rejected count the sheet's rows."
    )
    st.dataframe(wide.described(plan, fy_start_month), hide_index=True, width="stretch", key=f"wide_columns:{fid}")
    if out.examples:
        shown = f"the first {len(out.examples):,}" if len(out.examples) < out.accepted else "all"
        st.markdown(f"**Quota rows it becomes** ({shown}):")
        st.dataframe(
            wide.long_rows(out.examples, fy_start_month), hide_index=True, width="stretch", key=f"wide_rows:{fid}"
        )


def _rejected(fid: str, out: commit.Outcome, name: str) -> None:
    if not out.rejects:
        return
    frame = pd.DataFrame(
        [(r.line, r.column, r.value, r.reason) for r in out.rejects], columns=["Line", "Column", "Value", "Reason"]
    )
    more = f" (the first {len(frame):,} listed)" if len(frame) < out.rejected else ""
    st.markdown(f"**Rejected rows: {out.rejected:,}**{more}. Line numbers count from the header (line 1).")
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        key=f"rejects:{fid}",
        column_config={"Reason": st.column_config.TextColumn(width="large")},
    )
    st.download_button(
        "Download the rejected rows (CSV)",
        data=templates.csv_bytes([frame.columns, *frame.values]),
        file_name=f"rejected_{name.rsplit('.', 1)[0]}.csv",
        mime="text/csv",
        key=f"rejects_dl:{fid}",
    )


def _earlier_import(sha256: str) -> None:
    earlier = batches.earlier(cache.engine(), sha256)
    if earlier:
        st.info(
            f"This exact file was imported as batch #{earlier[0]} on {day(earlier[1].date())}: importing it "
            "again changes nothing.",
            icon=":material/info:",
        )


def _commit(file, fid: str, data: bytes, plan: Plan) -> None:
    bar = st.progress(0.0, text="Importing…")
    try:
        out = commit.commit(
            cache.engine(),
            data,
            plan,
            file.name,
            progress=lambda f, t: bar.progress(f, text=t.replace("Checking", "Importing")),
            scope=current_scope(),
        )
    except access.NotAllowed as err:
        st.error(plain(str(err), 300), icon=":material/lock:")
        return
    except FileError as err:
        st.error(f"Nothing was written: {err}")
        return
    except Exception:
        log.exception("import failed")
        st.error("The import failed and nothing was written. Try again; if it persists, report it with the file.")
        return
    st.session_state[f"done:{fid}"] = (
        f"Imported as batch #{out.batch_id}: {out.inserted:,} new, {out.updated:,} updated, "
        f"{out.unchanged:,} unchanged, {out.rejected:,} rejected. Every page now shows the new figures; "
        "undo it under **Import batches**."
    )
    st.rerun()
