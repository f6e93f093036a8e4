"""An upload's detection, survey and preview, kept in the session (uploads live there) keyed on the
file id, the plan as text and the data version, so a rerun does not read the file again."""

from __future__ import annotations

import streamlit as st

from breakthrough.importing import upload
from breakthrough.importing.map.plan import Plan
from breakthrough.importing.write import commit
from components import cache


def _memo(key: tuple, compute):
    """This session's result for `key` (uploads live in the session; a progress bar cannot live in st.cache_data)."""
    memo = st.session_state.setdefault("_import_memo", {})
    if key not in memo:
        if len(memo) >= 12:
            memo.pop(next(iter(memo)))
        memo[key] = compute()
    return memo[key]


def detect(file_id: str, version, data: bytes) -> upload.Detected:
    return _memo(("detect", file_id, version), lambda: upload.detect_file(cache.engine(), data))


def inspect(file_id: str, plan_json: str, version, data: bytes, progress=None) -> upload.Upload:
    return _memo(
        ("inspect", file_id, plan_json, version),
        lambda: upload.inspect(cache.engine(), data, None, Plan.from_json(plan_json), progress),
    )


def preview(file_id: str, plan_json: str, version, data: bytes, progress=None) -> commit.Outcome:
    return _memo(
        ("preview", file_id, plan_json, version),
        lambda: commit.preview(cache.engine(), data, Plan.from_json(plan_json), progress),
    )
