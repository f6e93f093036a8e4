"""Page sections: a heading and what it shows, drawn on more than one page or big enough to stand alone.

- `diagnosis_panel` the focus table, the driver table and the records behind a driver
- `pipeline_health` the stage funnel, coverage by rep, hygiene and right prospects
- `figures`         the Overview's Plotly figures, built once per view and data version
- `coaching_panel`  the Coaching page's sections and the Rep page's coaching panel
- `coaching_tables` the coaching tables with people's column names (Coaching and Rep pages)
- `rep_detail`      the Rep page's funnel and rates tables
- `session_form`    the forms to log, edit and delete a coaching session
- `empty`           empty states: what the data in view lacks and what to do
- `money_notice`    the notice on every page that shows money at example rates
- `audit_log`       the audit log on the Data page
- `data_notices`    the Data page's notices: the demo data (and removing it), an interrupted import
- `upload_form`     the Data page's uploads: each file's kind, columns and questions (date order, stages)
- `import_memo`     an upload's detection, survey and preview, kept in the session
- `unknown_owners`  an upload's owners matching no person: held, added only by a deliberate click
- `import_preview`  an upload's preview, rejected rows, Import and Cancel
- `import_batches`  the import batches, and undoing one
- `health_panel`    data health: what weakens the figures, and the records behind each check
- `import_templates` the import templates to download
- `peers`           a manager's or rep's peers as an anonymised distribution (Overview)
- `prep_sheet`      the one-on-one prep sheet (One-on-one prep page)
- `talent`          the Talent page's ramp, persistent shortfall and hidden-by-the-total sections
- `settings_form`   the Settings page's form: every rule behind the figures as the user edits it
- `people_roles`    People and roles on the Settings page: leaders and sales ops assign roles and e-mails

May import: the domain package, `components.cache`, `components.sharing`, `components.signin` (the
viewer's scope), `components.widgets` and each other.
"""
