"""The quota sheet: a monthly quota per rep, ramped for new hires."""

from __future__ import annotations

import datetime as dt

from breakthrough.demo.days import Frame
from breakthrough.demo.org import Org, fx


def quotas(org: Org, frame: Frame) -> list[dict]:
    """A monthly quota per rep for the 3 quarters and the next one; new hires ramp 25/50/75%."""
    currency = org.currency()
    rows = []
    for r in range(org.n):
        hired = org.rep_hire[r].item()
        for month in frame.months:
            share = _ramp_share(hired, month)
            if share > 0:
                rows.append(
                    {
                        "person_id": int(org.rep_id[r]),
                        "team_id": None,
                        "period": "month",
                        "period_start": month,
                        "amount": full_quota(org, currency[r]) * share,
                        "currency": currency[r],
                    }
                )
    return rows


def full_quota(org: Org, currency: str) -> float:
    """A fully ramped rep's monthly quota: what the norms produce, in `currency`, rounded to 1,000."""
    return round(org.norms.monthly_won() * fx(currency), -3)


def _ramp_share(hired: dt.date, month: dt.date) -> float:
    """Share of the full quota in `month` of tenure: 25%, 50%, 75% in the first three months; 0 before hire."""
    tenure = (month.year - hired.year) * 12 + month.month - hired.month
    return 0.0 if tenure < 0 else (0.25, 0.5, 0.75, 1.0)[min(tenure, 3)]
