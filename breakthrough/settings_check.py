"""What makes settings unusable, each in words that say what to change (docs/settings.md).

The Settings page shows these before anything is saved; nothing here reads or writes the database.
"""

from __future__ import annotations

from breakthrough.coaching import questions
from breakthrough.metrics.periods import holidays_for
from breakthrough.settings import Settings


def problems(new: Settings, edited_questions: dict[str, list[str]]) -> list[str]:
    """Every reason `new` (with the one-on-one questions as edited, key → lines) cannot be saved; [] if none."""
    return [
        *_thresholds(new),
        *_money(new),
        *_holidays(new),
        *_address(new),
        *questions.problems(edited_questions),
        *_rubric(new),
    ]


def _thresholds(new: Settings) -> list[str]:
    if new.at_risk_threshold >= new.on_track_threshold:
        return ["“At risk” must be below “On track”: lower the at-risk threshold."]
    return []


def _money(new: Settings) -> list[str]:
    if new.reporting_currency not in new.currency_rates:
        return [f"Reporting currency {new.reporting_currency} has no rate in the table: add a row for it."]
    return []


def _holidays(new: Settings) -> list[str]:
    if not new.holiday_country:
        return []
    try:
        holidays_for(new.holiday_country, [2026])
    except ValueError as err:
        return [f"Holiday country: {err}"]
    return []


def _address(new: Settings) -> list[str]:
    if new.app_base_url.startswith(("http://", "https://")):
        return []
    return ["The dashboard's address: start it with https:// (or http://), such as https://breakthrough.example.com."]


def _rubric(new: Settings) -> list[str]:
    if any(w > 0 for w in new.rubric_weights.values()):
        return []
    return [
        "How much each part of a session counts: every weight is 0, so no session could be scored. Give at least "
        "one part a weight."
    ]
