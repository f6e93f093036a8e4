"""Reading an upload: bytes → header, rows and cells.

- `reading`  bytes → header and rows in chunks (encoding, delimiter, Salesforce footers)
- `survey`   a first look at a file: which CRM, which entity, which columns, who it names
- `columnar` the same file read column by column with Apache Arrow (the fast path for large files)
- `cells`    one cell → a date, an amount, a duration… or a reason it is not one

May import: store, importing.map (the survey matches columns and people), the top-level `formatting`.
"""
