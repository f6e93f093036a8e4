"""Data: load CRM exports, check them before anything is written, undo imports, see data health.

The page lays out upload and mapping, preview, import or cancel, undo batches and data health;
everything figured here comes from `breakthrough.importing`. The survey and preview
of an upload are kept in the session (uploads live there), keyed on the upload's file
id, the plan as text and the data version, so a rerun does not read the file again; data health is cached on the data version.
Text from files is shown in tables or escaped, never as HTML.
"""

from __future__ import annotations

import datetime as dt
import logging

import pandas as pd
import streamlit as st

from breakthrough import access
from breakthrough.access import Scope
from breakthrough.access import people as access_people
from breakthrough.formatting import day
from breakthrough.importing import data_health, templates, upload
from breakthrough.importing.map import headings, profiles, wide
from breakthrough.importing.map.plan import Plan
from breakthrough.importing.read.reading import ENCODING_NAMES, FileError
from breakthrough.importing.write import batches, commit, undo
from components import cache
from components.page_frame import current_view
from components.sections import audit_log
from components.signin import current_scope
from components.widgets import tables
from components.widgets.kpis import kpi_row
from components.widgets.text import plain

NOT_IN_FILE = "— not in the file —"
ORDERS = {"dmy": "Day first (European: 02/11/2026 is 2 November)", "mdy": "Month first (US: 02/11/2026 is 11 February)"}
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
MAX_OWNER_BUTTONS = 12  # more unknown owners than this: a list to pick from instead of a button each
log = logging.getLogger("breakthrough")


def _rows(n: int) -> str:
    return f"{n:,} row" if n == 1 else f"{n:,} rows"


# ----------------------------------------------------------------------------- cached work


def _memo(key: tuple, compute):
    """This session's result for `key` (uploads live in the session; a progress bar cannot live in st.cache_data)."""
    memo = st.session_state.setdefault("_import_memo", {})
    if key not in memo:
        if len(memo) >= 12:
            memo.pop(next(iter(memo)))
        memo[key] = compute()
    return memo[key]


def _detect(file_id: str, version, data: bytes) -> upload.Detected:
    return _memo(("detect", file_id, version), lambda: upload.detect_file(cache.engine(), data))


def _inspect(file_id: str, plan_json: str, version, data: bytes, progress=None) -> upload.Upload:
    return _memo(
        ("inspect", file_id, plan_json, version),
        lambda: upload.inspect(cache.engine(), data, None, Plan.from_json(plan_json), progress),
    )


def _preview(file_id: str, plan_json: str, version, data: bytes, progress=None) -> commit.Outcome:
    return _memo(
        ("preview", file_id, plan_json, version),
        lambda: commit.preview(cache.engine(), data, Plan.from_json(plan_json), progress),
    )


@st.cache_data(show_spinner=False, max_entries=8)
def _checks(as_of: dt.date, version, scope: Scope) -> list[data_health.Check]:
    """Data health's checks: every team's records, so only for a scope that sees every team."""
    return access_people.every_team(data_health.checks(cache.engine(), cache.settings(version), as_of), scope)


@st.cache_data(show_spinner=False, max_entries=16)
def _records(key: str, as_of: dt.date, version, scope: Scope) -> pd.DataFrame:
    return access_people.every_team(data_health.records(cache.engine(), key, cache.settings(version), as_of), scope)


# ----------------------------------------------------------------------------- the page


def data_page(as_of: dt.date) -> None:
    """Upload, batches, data health and templates."""
    version = cache.version()
    st.title("Data")
    st.caption(
        "Load CRM exports (Salesforce reports, HubSpot and Pipedrive exports, or the Breakthrough "
        "templates), check them before anything is written, and undo an import."
    )
    _demo_notice(version)
    _interrupted_notice()
    names = ["Upload", "Import batches", "Data health", "Templates"] + (["Audit log"] if audit_log.shown() else [])
    upload_tab, batch_tab, health_tab, template_tab, *audit_tab = st.tabs(names)
    scope = current_scope()
    with upload_tab:
        if scope.may("import"):
            _uploads(version)
        else:
            st.info("Imports are for sales ops: ask yours to load a CRM export.", icon=":material/lock:")
    with batch_tab:
        _batches()
    with health_tab:
        if scope.sees_everyone:  # its records are every team's
            _health(as_of, version)
        else:
            st.info("Data health lists every team's records: it is for sales ops and leaders.", icon=":material/lock:")
    with template_tab:
        _templates()
    for tab in audit_tab:
        with tab:
            audit_log.section(current_view())


def _demo_notice(version) -> None:
    if not cache.is_demo(version) or not current_scope().may("undo"):
        return
    with st.container(border=True):
        st.markdown(
            "The database holds the **demo data** of a fictional company. Remove it before loading your "
            "own exports, so your figures are not mixed with Northwind's. Settings are kept."
        )
        sure = st.checkbox("Yes, remove every demo record", key="demo_sure")
        if st.button("Remove the demo data", key="demo_remove", disabled=not sure):
            batches.remove_demo(cache.engine(), scope=current_scope())  # sales ops' (or open mode's)
            st.session_state.pop("demo_sure", None)
            st.rerun()


def _interrupted_notice() -> None:
    """The newest import was stopped while it was being written (its browser tab closed, or the page was left):
    nothing of it was written, and this says so until the next import."""
    last = batches.interrupted_last(cache.engine())
    if last is None:
        return
    batch_id, name, when = last
    st.warning(
        f"The import of “{plain(name, 120)}” on {when:%d %b %Y at %H:%M} (batch #{batch_id}) was interrupted: "
        "its browser tab was closed or the page left while it was being written. **Nothing of it was written**; "
        "upload the file again to import it.",
        icon=":material/warning:",
    )


# ----------------------------------------------------------------------------- uploads


def _uploads(version) -> None:
    files = st.file_uploader(
        "CRM exports (CSV)",
        type=["csv", "txt", "tsv"],
        accept_multiple_files=True,
        key="uploads",
        help="One or several files. Each is checked on its own and imported only when you click Import.",
    )
    if not files:
        st.info(
            "Upload an export to see what it holds before anything is written. "
            "Not sure what to export? See the **Templates** tab and docs/importing.md."
        )
    for file in files or []:
        with st.container(border=True):
            _one_file(file, version)


def _one_file(file, version) -> None:
    fid = file.file_id
    st.subheader(f":material/description: {plain(file.name, 120)}", anchor=False)
    finished = st.session_state.get(f"done:{fid}")
    if finished:
        st.success(finished, icon=":material/check_circle:")
        return
    data = file.getvalue()
    try:
        plan, found = _plan(fid, data, version)
    except FileError as err:
        st.error(err.for_file(plain(file.name, 120)), icon=":material/block:")
        return
    if plan is None:
        return
    _preview_and_import(file, fid, data, plan, found, version)


def _plan(fid: str, data: bytes, version) -> tuple[Plan | None, upload.Upload | None]:
    """The plan for this file from what was detected and what the user chose on the page."""
    first = _detect(fid, version, data)
    labels = {d.profile.key: d.profile.label for d in first.detections}
    chosen = st.selectbox(
        "What this file is",
        list(labels),
        format_func=labels.get,
        key=f"profile:{fid}",
        help="Detected from the column headers. Choose another if it is wrong.",
    )
    detection = next(d for d in first.detections if d.profile.key == chosen)
    base = Plan.from_profile(detection.profile, first.headers, cache.settings(version).reporting_currency)
    base.mapping = _mapping_editor(fid, detection, first.headers)
    missing = profiles.missing_fields(base.entity, base.mapping, base.constants)
    _save_profile(fid, detection.profile, base.mapping, first.headers)
    if missing:
        st.error(
            "This file has no column for " + ", ".join(f"**{m}**" for m in missing) + f", which "
            f"{base.entity} need. Choose the column under **Columns**, or add it to the export. "
            "Nothing is guessed.",
            icon=":material/block:",
        )
        return None, None
    bar = st.progress(0.0, text="Reading the file…")
    found = _inspect(fid, base.to_json(), version, data, progress=lambda f, t: bar.progress(f, text=t))
    bar.empty()
    plan = Plan.from_json(found.plan.to_json())  # a copy: the user's answers below must not change the kept survey
    _date_questions(fid, found, plan)
    _people_problems(found)
    plan.add_people = dict(_added(fid))
    _stage_choices(fid, found, plan)
    return plan, found


def _mapping_editor(fid: str, detection: profiles.Detection, headers: list[str]) -> dict[str, str | None]:
    profile = detection.profile
    mapping = {}
    used = len({h for h in detection.mapping.values() if h})
    title = f"Columns: {used} of the file's {len(headers)} are read as {profile.entity}"
    with st.expander(title, expanded=not detection.complete):
        st.caption(
            "Each field the importer reads, the column it reads it from, and what it means. "
            "Required fields are marked *."
        )
        options = [NOT_IN_FILE, *headers]
        for field in profiles.FIELDS[profile.entity]:
            current = detection.mapping.get(field.key)
            left, right = st.columns([2, 3])
            label = f"{field.label}{' *' if field.required else ''}"
            if field.key in profile.constants and not current:
                left.text_input(
                    label,
                    value=f"every row: {profile.constants[field.key]}",
                    disabled=True,
                    key=f"const:{fid}:{profile.key}:{field.key}",
                )
                picked = NOT_IN_FILE
            else:
                picked = left.selectbox(
                    label,
                    options,
                    index=options.index(current) if current else 0,
                    key=f"map:{fid}:{profile.key}:{field.key}",
                    help=field.meaning,
                )
            right.caption(field.meaning)
            mapping[field.key] = None if picked == NOT_IN_FILE else picked
    return mapping


def _save_profile(fid: str, profile: profiles.Profile, mapping: dict, headers: list[str]) -> None:
    if mapping == profiles.mapping_for(profile, headers) and not profile.saved:
        return
    with st.expander("Save this mapping as a profile"):
        st.caption(
            "When you import, a mapping you changed is kept by itself for files with the same columns "
            "and offered first next time. Save it here to give it a name of your own."
        )
        name = st.text_input("Profile name", key=f"profile_name:{fid}", max_chars=60)
        if st.button("Save profile", key=f"profile_save:{fid}"):
            try:
                profiles.save_profile(cache.engine(), name, profile, mapping, headers)
                st.success(f"Saved as “{plain(name)}”.")
            except ValueError as err:
                st.error(str(err))


def _date_questions(fid: str, found: upload.Upload, plan: Plan) -> None:
    for question in found.questions:
        choice = st.radio(
            plain(question.why, 400),
            list(ORDERS),
            format_func=ORDERS.get,
            index=None,
            key=f"date:{fid}:{question.field}",
        )
        if choice:
            plan.date_orders[question.field] = choice


def _people_problems(found: upload.Upload) -> None:
    """Person cells that adding a person would not fix (a CRM user id no one has, two people of one name)."""
    for person in found.people:
        if person.status == "problem":
            st.warning(
                f"{plain(person.detail, 300)}. {_rows(person.rows).capitalize()} will be rejected.",
                icon=":material/person:",
            )


def _added(fid: str) -> dict[str, str]:
    """The unknown owners the user chose to add for this file: label → role."""
    return st.session_state.setdefault(f"add_people:{fid}", {})


def _add_person(fid: str, label: str, role: str) -> None:
    _added(fid)[label] = role


def _dont_add(fid: str, label: str) -> None:
    _added(fid).pop(label, None)


def _add_chosen(fid: str, owners: dict[str, str]) -> None:
    picked = st.session_state.get(f"add_pick:{fid}", [])
    _added(fid).update({label: owners[label] for label in picked if label in owners})
    st.session_state[f"add_pick:{fid}"] = []


def _unknown_owners(fid: str, out: commit.Outcome) -> None:
    """Owners matching no person: their rows are held; adding a person is a deliberate click, per owner."""
    owners, added = out.owners_to_add(), _added(fid)
    if not owners and not added:
        return
    with st.container(border=True):
        if owners:
            who = "1 owner matches" if len(owners) == 1 else f"{len(owners):,} owners match"
            st.markdown(f"**Unknown owners: {who} no person** — {_rows(out.held)} held, not imported.")
            st.caption(
                "Nobody becomes a rep without you. Owners are matched by email, then CRM user id, then "
                "name, ignoring case, accents and invisible characters. Add a person only if they work "
                "here; a system user such as “Integration User” is better fixed in the export."
            )
        if 0 < len(owners) <= MAX_OWNER_BUTTONS:
            for owner in owners:
                left, right = st.columns([3, 2], vertical_alignment="center")
                left.markdown(
                    f"“{plain(owner.shown, 120)}” — {_rows(owner.rows)} held, column "
                    f"{plain(owner.column, 60)}; added as a {owner.role}"
                )
                right.button(
                    f"Add {plain(owner.label, 60)} as a person",
                    key=f"add:{fid}:{owner.label}",
                    on_click=_add_person,
                    args=(fid, owner.label, owner.role),
                )
        elif owners:
            frame = pd.DataFrame(
                [(o.shown, o.rows, o.column, o.role) for o in owners],
                columns=["Owner as written", "Rows held", "Column", "Added as"],
            )
            st.dataframe(frame, hide_index=True, width="stretch", height=220, key=f"unknown_table:{fid}")
            roles = {o.label: o.role for o in owners}
            st.multiselect("Add these as people", list(roles), key=f"add_pick:{fid}")
            st.button("Add the chosen as people", key=f"add_chosen:{fid}", on_click=_add_chosen, args=(fid, roles))
        for label, role in added.items():
            left, right = st.columns([3, 2], vertical_alignment="center")
            left.markdown(f":material/person_add: {plain(label, 120)} will be added as a {role} when you import.")
            right.button(
                f"Don't add {plain(label, 60)}", key=f"dont_add:{fid}:{label}", on_click=_dont_add, args=(fid, label)
            )


def _stage_choices(fid: str, found: upload.Upload, plan: Plan) -> None:
    if plan.entity != "opportunities" or not found.survey.stages:
        return
    if plan.mapping.get("status"):
        st.caption(
            f"Open, won or lost comes from the file's “{plain(plan.mapping['status'])}” column; "
            "each deal keeps its stage."
        )
        return
    defaults = found.stages()
    with st.expander(f"Stages: {len(defaults)} found, mapped to open / won / lost"):
        st.caption(
            f"Kept for the next {profiles.SOURCES[plan.source]} file. A stage such as “Renewed” can count "
            "as won. When the export has a status column (Pipedrive), it decides."
        )
        grid = st.columns(3)
        for i, (stage, status) in enumerate(defaults.items()):
            picked = grid[i % 3].selectbox(
                plain(stage), profiles.STATUSES, index=profiles.STATUSES.index(status), key=f"stage:{fid}:{stage}"
            )
            if picked != status:
                plan.stages[stage] = picked


# ----------------------------------------------------------------------------- preview, import, cancel


def _preview_and_import(file, fid: str, data: bytes, plan: Plan, found: upload.Upload, version) -> None:
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
    outcome = _preview(fid, plan.to_json(), version, data, progress=lambda f, t: bar.progress(f, text=t))
    bar.empty()
    _show_preview(outcome, found)
    _unknown_owners(fid, outcome)
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


# ----------------------------------------------------------------------------- batches


def _batches() -> None:
    engine = cache.engine()
    frame = batches.batches(engine)
    if frame.empty:
        st.info("No imports yet. Each upload you import becomes a batch here, and can be undone.")
        return
    shown = frame.assign(
        Batch=frame["Batch"].map(lambda i: f"#{i}"),
        When=frame["When"].map(lambda t: f"{t:%d %b %Y %H:%M}"),
        Status=frame["Status"].map(
            {"committed": "imported", "undone": "undone", "interrupted": "interrupted, nothing written"}
        ),
    )
    tables.table(shown, key="batches_table", title="Import batches")
    choices = dict(batches.committed(engine))
    if not choices or not current_scope().may("undo"):
        return
    picked = st.selectbox(
        "Batch to undo",
        list(choices),
        format_func=choices.get,
        key=f"undo_pick_{max(choices)}",
        help="Removes what the batch added and restores what it changed, exactly.",
    )
    if st.button("Undo this batch", key="undo_button"):
        try:
            st.session_state["undo_message"] = undo.undo(engine, picked, scope=current_scope())
        except (undo.UndoError, access.NotAllowed) as err:
            st.error(str(err), icon=":material/block:")
            return
        st.rerun()
    message = st.session_state.pop("undo_message", None)
    if message:
        st.success(plain(message, 300), icon=":material/undo:")


# ----------------------------------------------------------------------------- data health


def _health(as_of: dt.date, version) -> None:
    checks = _checks(as_of, version, current_scope())
    st.caption(f"What weakens the figures, as of {day(as_of)}. Pick a line to see the records behind it.")
    table = pd.DataFrame([(c.label, c.count, c.why) for c in checks], columns=["Check", "Records", "What to do"])
    table["Status"] = ["none" if n == 0 else "to fix" for n in table["Records"]]
    st.dataframe(
        table[["Status", "Check", "Records", "What to do"]],
        hide_index=True,
        width="stretch",
        key="health_table",
        column_config={
            "Check": st.column_config.TextColumn(width="medium"),
            "What to do": st.column_config.TextColumn(width="large"),
        },
    )
    flagged = {c.key: f"{c.label} ({c.count:,})" for c in checks if c.count}
    if not flagged:
        return
    key = st.selectbox("Show the records behind", list(flagged), format_func=flagged.get, key="health_pick")
    frame = _records(key, as_of, version, current_scope())
    total = next(c.count for c in checks if c.key == key)
    if len(frame) < total:
        st.caption(f"The first {len(frame):,} of {total:,}.")
    tables.table(
        frame,
        numbers={"Amount": 0} if "Amount" in frame else None,
        key="health_records",
        title=f"Data health – {flagged[key]}",
    )


# ----------------------------------------------------------------------------- templates


def _templates() -> None:
    st.caption(
        "No CRM export at hand? Fill in a template: one column per field, named as below. "
        "Dates as YYYY-MM-DD, amounts as 12345.00 (a currency code or symbol may go with them)."
    )
    for entity in profiles.ENTITIES:
        with st.expander(f"Template: {entity}"):
            fields = pd.DataFrame(
                [(f.key, f.label, "yes" if f.required else "", f.meaning) for f in profiles.FIELDS[entity]],
                columns=["Column", "Field", "Required", "Meaning"],
            )
            st.dataframe(fields, hide_index=True, width="stretch", key=f"template_fields:{entity}")
            st.download_button(
                f"Download the {entity} template",
                data=templates.template_csv(entity),
                file_name=templates.template_name(entity),
                mime="text/csv",
                key=f"template_dl:{entity}",
            )


view = current_view()  # the shared filters stay in the sidebar (and in the URL)
data_page(view.as_of)
