"""The import templates on the Data page: each template's columns, and the file to download."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from breakthrough.importing import templates
from breakthrough.importing.map import profiles


def section() -> None:
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
