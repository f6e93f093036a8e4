"""Importing CRM CSV exports (SPEC §7): read, detect, map, validate, preview, write, undo.

- `reading`    bytes → header and rows in chunks (encoding, delimiter, Salesforce footers)
- `cells`      one cell → a date, an amount, a duration… or a reason it is not one
- `profiles`   the fields of each entity and the built-in column mappings per CRM; saved profiles
- `people`     owner cells → person ids (email, CRM user id, then name); an unknown owner is held, not added
- `validation` one row → a record or the reasons it is rejected
- `writing`    preview and commit (one transaction per upload), undo
- `health`     the data-health panel's figures and the records behind them
- `templates`  the downloadable template CSV per entity
"""
