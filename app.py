"""Breakthrough — the frame: page config, navigation over every page, the shared filter bar.

`streamlit run app.py` runs this script on every rerun; the filter bar and the page's run are in
`components/page_frame.py`. A page Streamlit runs alone runs this script first (`page_frame.current_view`).

Before that, `streamlit run app.py` finds the `st.App` below and imports this file (not as "__main__") to serve
it: its start (`components/startup.py`) opens the database, a first start's demo included, while the browser
is still loading Streamlit's page.
"""

import streamlit as st

if __name__ == "__main__":  # Streamlit runs this file for every page and rerun
    from components import page_frame, signin

    st.set_page_config(page_title="Breakthrough", page_icon=":material/trending_up:", layout="wide")

    PAGES = [
        # The default page is served at the root ("/"); Streamlit gives it no other address, so "/overview" (the
        # address a leader types, and older links) is a hidden second entry for the same script.
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", url_path="", default=True),
        st.Page(
            "pages/overview.py", title="Overview", icon=":material/dashboard:", url_path="overview", visibility="hidden"
        ),
        st.Page("pages/rep.py", title="Rep", icon=":material/person:", url_path="rep"),
        st.Page("pages/coaching.py", title="Coaching", icon=":material/school:", url_path="coaching"),
        # Not "prep": a first load of a deep link takes a path ending in another page's ("rep") for that page, and
        # the address must be the file's name, as for every page (that first load runs the file by its name).
        st.Page("pages/one_on_one.py", title="One-on-one prep", icon=":material/checklist:", url_path="one_on_one"),
        st.Page("pages/pipeline.py", title="Pipeline", icon=":material/filter_alt:", url_path="pipeline"),
        st.Page("pages/talent.py", title="Talent", icon=":material/groups:", url_path="talent"),
        st.Page("pages/data.py", title="Data", icon=":material/database:", url_path="data"),
        st.Page("pages/settings.py", title="Settings", icon=":material/settings:", url_path="settings"),
    ]

    page_frame.run(st.navigation(PAGES, position=signin.menu_position()))  # no menu before sign-in
else:  # `streamlit run app.py` imports it once first, to serve it: the server's start (`components.startup`)
    from components import startup

    app = st.App(__file__, lifespan=startup.lifespan)
