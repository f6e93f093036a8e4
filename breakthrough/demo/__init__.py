"""The demo company: a fictional sales organisation written into an empty database.

`generate` fills a database (a fresh one, or one cleared with `clear`); `write_demo` writes
it on an open connection; `SCALES` names the sizes (S, M, L). The stories the demo plants on
purpose (`STORIES`: a rep who rarely calls, a manager who coaches well…) are what the tests and
docs point at. `open_app_database` is the app's first start (migrate, then the demo when wanted); `app_engine` opens it
once per server.

By what it generates: `company` (norms, sizes, regions, currencies, stages), `stories` (who deviates
and how), `days` (the calendar), `org` (teams, managers, reps; `names` their names), `accounts`,
`deals` (opportunities, their history and the activities), `quotas`, `coaching_log` (sessions and
commitments); `writer` inserts the rows (telling a `Progress` how far it is) and `generate` puts it together in one
transaction (`transaction`: the import's fast connection).

May import: store, importing (to match people as an import would), settings, `metrics.drivers` (the
drivers of the planted stories). Nothing in the domain
imports demo but the command line.
"""

from breakthrough.demo.company import SCALES
from breakthrough.demo.days import Frame
from breakthrough.demo.first_start import app_engine, open_app_database
from breakthrough.demo.generate import clear, generate, write_demo
from breakthrough.demo.org import Org
from breakthrough.demo.stories import DRIVERS, STORIES
from breakthrough.demo.writer import Progress, transaction

__all__ = [
    "DRIVERS",
    "SCALES",
    "STORIES",
    "Frame",
    "Org",
    "Progress",
    "clear",
    "generate",
    "app_engine",
    "open_app_database",
    "transaction",
    "write_demo",
]
