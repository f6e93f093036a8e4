"""Sharing: what leaves the app — downloads, the meeting pack, anonymised views.

- `exports`          CSV, Excel and the meeting pack, with cells neutralised against formula injection
- `anonymise`        stable aliases for people in what is shown and what is packed
- `visibility`       which notes and commitment texts may leave the app (privacy mode, the pack, `sees_notes`)
- `scorecard_export` the scorecard as a file (the CLI's `export` and the pages' downloads)
- `evidence`         a persistent shortfall's evidence pack (Jinja2 template, autoescaped)
- `links`            the address of an exact view (the copy-link's parameters), from a base URL
- `prep_export`      the one-on-one prep sheet as a printable HTML page and an Excel workbook

May import: metrics, diagnosis, coaching, talent, store, and the top-level `settings` and `formatting`.
"""
