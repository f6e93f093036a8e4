"""Small Streamlit pieces a page or a section is built of.

- `badges`           a status badge (on track, at risk, behind)
- `kpis`             a row of KPI tiles
- `charts`           the pace and trend charts (Plotly)
- `diagnosis_charts` the driver heatmap, the quadrant and the driver values as text
- `tables`           a table with privacy mode, CSV / Excel download and the meeting pack
- `columns`          `st.column_config` formats, so numbers stay numbers
- `text`             text from data shown plainly (never as Markdown or HTML)

May import: the domain package, `components.cache` and `components.sharing` (a table is shared
through it), and each other; never `components.sections`.
"""
