"""Reusable Streamlit pieces: filter bar, KPI rows, status badges, charts, tables."""
