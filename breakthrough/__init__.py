"""Breakthrough: what each salesperson needs to hit quota, and whether coaching helps.

The domain package: database, metrics, demo data. It never imports streamlit.
"""

__version__ = "0.1.0"
