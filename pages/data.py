"""Data: load CRM exports, check them before anything is written, undo imports, see data health."""

from components.frame import current_view
from components.importing import data_page

view = current_view()  # the shared filters stay in the sidebar (and in the URL)
data_page(view.as_of)
