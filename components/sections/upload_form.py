"""The Data page's uploads: each file's kind, its columns, the questions a file raises (date order,
stages), then its preview (`import_preview`)."""

from __future__ import annotations

import streamlit as st

from breakthrough.importing import upload
from breakthrough.importing.map import profiles
from breakthrough.importing.map.plan import Plan
from breakthrough.importing.read.reading import FileError
from components import cache
from components.sections import import_memo, import_preview, unknown_owners
from components.widgets.text import plain, rows

NOT_IN_FILE = "— not in the file —"
ORDERS = {"dmy": "Day first (European: 02/11/2026 is 2 November)", "mdy": "Month first (US: 02/11/2026 is 11 February)"}


def section(version) -> None:
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
    import_preview.preview_and_import(file, fid, data, plan, found, version)


def _plan(fid: str, data: bytes, version) -> tuple[Plan | None, upload.Upload | None]:
    """The plan for this file from what was detected and what the user chose on the page."""
    first = import_memo.detect(fid, version, data)
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
    found = import_memo.inspect(fid, base.to_json(), version, data, progress=lambda f, t: bar.progress(f, text=t))
    bar.empty()
    plan = Plan.from_json(found.plan.to_json())  # a copy: the user's answers below must not change the kept survey
    _date_questions(fid, found, plan)
    _people_problems(found)
    plan.add_people = dict(unknown_owners.added(fid))
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
                f"{plain(person.detail, 300)}. {rows(person.rows).capitalize()} will be rejected.",
                icon=":material/person:",
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
