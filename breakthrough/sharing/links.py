"""Links that open an exact view of the dashboard (docs/sharing.md#links), built outside the app.

The app's "Copy link to this view" is the page's address and its query string — one parameter per filter,
named by the filter bar's widget keys (`components/filters.py`: `kind`, `period`, `asof`, `team`, `manager`,
`rep`, `driver`, `bench`). The digest and the prep sheet write the same addresses from a base URL
(`Settings.app_base_url`), so a figure in an e-mail opens the view it was worked out for.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from breakthrough.metrics import drivers
from breakthrough.metrics.periods import Period

PAGES = {"overview": "overview", "rep": "rep", "coaching": "coaching", "pipeline": "pipeline", "prep": "one_on_one"}
# the page -> its address (app.py's `url_path`)
KIND_LABELS = {"month": "Month", "quarter": "Quarter", "year": "Year"}  # the filter bar's period kinds
DEFAULT_KIND = "quarter"  # the filter bar leaves a default value out of the address


def view_link(
    base_url: str,
    page: str,
    *,
    period: Period | None = None,
    as_of: dt.date | None = None,
    team: str | None = None,
    manager: str | None = None,
    rep: str | None = None,
    driver: str | None = None,
    **extra: str,
) -> str:
    """The address of `page` (one of `PAGES`) showing this view: `https://host/rep?period=Q4+FY2026&asof=…`."""
    if page not in PAGES:
        raise ValueError(f"“{page}” is not a page with a view: use one of {', '.join(PAGES)}.")
    pairs: list[tuple[str, str]] = []
    if period is not None:
        if period.kind != DEFAULT_KIND:
            pairs.append(("kind", KIND_LABELS[period.kind]))
        pairs.append(("period", period.label))
    if as_of is not None:
        pairs.append(("asof", as_of.isoformat()))
    pairs += [(k, v) for k, v in (("team", team), ("manager", manager), ("rep", rep)) if v]
    if driver:
        pairs.append(("driver", drivers.label(driver)))
    pairs += [(k, v) for k, v in extra.items() if v]
    base = (base_url or "").rstrip("/")
    query = urlencode(pairs)
    return f"{base}/{PAGES[page]}" + (f"?{query}" if query else "")
