"""Importing CRM CSV exports (docs/importing.md): read, map, validate, preview, write, undo.

- `read/`         bytes → header, rows and cells (`reading`, `survey`, `columnar`, `cells`)
- `map/`          columns → fields, owners → people, a row → a record (`profiles`, `plan`, `people`, `headings`,
                  `wide`, `validation`)
- `write/`        preview and commit, the writers per table, the bulk path, batches, undo (`commit`,
                  `tables`, `bulk`, `batches`, `undo`)
- `upload`        one upload from the Data page or the CLI: survey, plan, people to add, commit
- `data_health`   the data-health panel's figures and the records behind them
- `templates`     the downloadable template CSV per entity

May import: store, `metrics.periods` (a quota sheet's quarters follow the fiscal year),
`metrics.drivers` (the driver keys a coaching import may name), access (`require` before a write) and
the top-level `settings` and `formatting`; nothing else of diagnosis, nor coaching.
"""
