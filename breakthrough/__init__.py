"""Breakthrough: what each salesperson needs to hit quota, and whether coaching helps.

The domain package; it never imports streamlit, `components` or `pages`. Its parts:
`store/` (database, migrations, reads), `metrics/`, `diagnosis/`, `coaching/`, `importing/`,
`sharing/`, `demo/`; at the top only `cli` (`python -m breakthrough`), `settings` (the settings
table, read and written through store), `settings_check` (what makes settings unusable, said before
they are saved) and `formatting` (how numbers and dates are written).
Each part's `__init__` says what it holds and what it may import (tests/test_architecture.py checks it).
"""

__version__ = "0.1.0"
