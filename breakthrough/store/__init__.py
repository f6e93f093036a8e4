"""The store: the database and the fast reads the figures start from.

- `db`         the engine from a URL, migrations at start-up, the data version, the SQLite checkpoint
- `models`     the tables (SQLAlchemy Core)
- `migrations` the alembic scripts `db.migrate` runs (`db.MIGRATIONS` points here)
- `rollups`    tables kept up to date beside the raw rows (activity per rep and day, pipeline per stage); with
               `cohort`, `open_pack` (the Pipeline page's), `team_running` and `month_running` (the Talent page's)
- `queries`    the page reads: people, quotas, deals, activities, as DataFrames
- `rows`       the same reads straight to NumPy columns, where a DataFrame costs too much
- `records`    the records behind a figure (the rows a user can open and download)
- `audit`      the audit log: every write records who, when and what in its own transaction

May import: nothing of ours outside store (the modules here import `models` and each other), except
`metrics.tenure` and `metrics.periods` (plain functions of dates): `queries` reads only the people
in a span's figures.
"""
