"""The evidence pack (docs/pages.md#talent): one listed rep's persistent shortfall as one HTML file — the
periods behind with their pace and focus driver, and the coaching sessions and commitments over them.

Like the meeting pack it is the Jinja2 template `templates/evidence_pack.html.j2` rendered with autoescape
(every text from data is escaped); coaching notes never leave the app in it, and commitment texts only
when the view may show them (`visibility.commitment_texts_allowed`).
"""

from __future__ import annotations

import datetime as dt

from breakthrough.coaching.sessions import TYPE_LABELS
from breakthrough.formatting import day, money, percent
from breakthrough.metrics.drivers import label
from breakthrough.sharing.exports import templates
from breakthrough.talent.shortfall import Evidence

STATUS_WORDS = {"done": "kept", "missed": "missed", "overdue": "open, past due", "open": "open"}


def evidence_pack(found: Evidence, currency: str, link: str, created: dt.datetime, texts: bool = True) -> str:
    """The pack for one rep (`texts`: whether commitment texts may be shown)."""
    row = found.row
    periods = [{"label": p.label, "quota": money(p.quota, currency), "won": money(p.won, currency),
                "pace": percent(p.pace), "focus": label(p.focus)} for p in row.periods]  # fmt: skip
    sessions = [{"date": day(d), "type": TYPE_LABELS.get(str(t), str(t)), "focus": label(f), "minutes": int(m or 0)}
                for d, t, f, m in found.sessions.itertuples(index=False)]  # fmt: skip
    commitments = [{"agreed": day(a), "text": str(t) if texts else "–", "driver": label(d),
                    "due": day(due) if due else "–", "status": STATUS_WORDS.get(str(s), str(s))}
                   for a, t, d, due, s in found.commitments.itertuples(index=False)]  # fmt: skip
    return (
        templates()
        .get_template("evidence_pack.html.j2")
        .render(
            name=row.name,
            team=row.team or "No team",
            manager=row.manager or "–",
            summary=row.text(),
            since=day(row.since),
            as_of=day(found.as_of),
            link=link,
            clickable=link.startswith(("http://", "https://")),
            created=created.strftime("%d %b %Y %H:%M"),
            periods=periods,
            sessions=sessions,
            commitments=commitments,
        )
        + "\n"
    )
