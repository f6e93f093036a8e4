"""The Streamlit side: what the pages are drawn with.

- `page_frame`  what frames every page: the filter bar and the demo-data notice (`app.py` draws it)
- `filters`     the shared filter bar (period, as-of, team, manager, rep), bound to the URL
- `signin`      who is looking: st.login sign-in, the sign-in and unknown e-mail pages, open mode's notice,
                the run's `Scope` (`current_scope()`)
- `cache`       the Streamlit cache over the domain package (the engine, figures keyed on the data version)
- `sharing`     banner, copy-link, presentation and privacy modes, downloads, meeting pack (every
                table and chart goes through it)
- `widgets/`    small pieces: badges, KPI rows, charts, tables and their column formats, plain text
- `sections/`   page sections: diagnosis, pipeline health, coaching, the session form, empty states…

May import: the domain package `breakthrough`, and each other (sections use widgets, never the
reverse). Nothing here imports `pages`.
"""
