"""Writing an upload: preview, commit in one transaction, take back.

- `commit`  preview and commit an upload (one transaction: batch, rows, history, rollups, data version)
- `tables`  the writers per table: insert or update a record, keep its previous values
- `bulk`    the column-at-a-time path for large activity files, and `ActivityRows`: how every
            activity row is inserted and counted into the rollups, whichever path read it
- `batches` the import batches listed on the Data page
- `undo`    taking an import batch back

May import: store, importing.read, importing.map.
"""
