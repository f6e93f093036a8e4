"""What was sent: one row per recipient and ISO week (`digest_sent`, migration 0012_week)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, delete, insert, select

from breakthrough.store.models import DigestSent


def already(engine: Engine, week: str) -> set[str]:
    """The e-mails (lower case) the week's digest was sent to."""
    with engine.connect() as conn:
        return {e.lower() for e in conn.execute(select(DigestSent.email).where(DigestSent.week == week)).scalars()}


def record(engine: Engine, week: str, email: str, kind: str, at: dt.datetime | None = None) -> None:
    """Remember that the week's digest went to `email` (a resend replaces the earlier row)."""
    at = at or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with engine.begin() as conn:
        conn.execute(delete(DigestSent).where(DigestSent.week == week, DigestSent.email == email.lower()))
        conn.execute(insert(DigestSent).values(week=week, email=email.lower(), kind=kind, sent_at=at))
