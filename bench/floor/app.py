"""The browser floor: what Streamlit itself costs for a page of `charts` Plotly charts and `tables` dataframes.

    streamlit run bench/floor/app.py   then open /?charts=3&tables=2   (no parameters: the bare page, a title only)

Fixed data, nothing read, nothing cached: bench/browser.py times this page against each of the dashboard's
pages with the same number of charts and tables. The "Period" control reruns the page with other figures,
as the dashboard's filter does; the sidebar's "Other" page (a title only) and back is a page switch, as the
dashboard's sidebar is. The counts asked are kept for the session, so the page drawn again after a switch
has them too.
"""

import plotly.graph_objects as go
import streamlit as st

from bench.floor.shapes import counts, table_rows

st.set_page_config(page_title="Floor", layout="wide")
if "charts" in st.query_params or "tables" in st.query_params:
    st.session_state["shape"] = counts(st.query_params.get("charts"), st.query_params.get("tables"))


def floor() -> None:
    charts, tables = st.session_state.get("shape", (0, 0))
    st.title("Floor")
    kind = st.sidebar.segmented_control("Period", ["Month", "Quarter"], default="Quarter", key="kind")
    shift = 1 if kind == "Month" else 0
    for i in range(charts):
        weeks = [f"W{w}" for w in range(1, 14)]
        fig = go.Figure(go.Bar(x=weeks, y=[(w * 7 + i * 3 + shift) % 23 + 1 for w in range(13)]))
        fig.update_layout(height=300, margin={"l": 10, "r": 10, "t": 30, "b": 10}, title=f"Chart {i + 1}")
        st.plotly_chart(fig, key=f"chart{i}")
    for i in range(tables):
        st.dataframe(table_rows(i + shift), hide_index=True, key=f"table{i}")


def other() -> None:
    st.title("Other")


st.navigation([st.Page(floor, title="Floor", url_path="", default=True), st.Page(other, title="Other")]).run()
