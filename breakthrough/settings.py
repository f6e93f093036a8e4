"""Settings (docs/settings.md): defaults, and loading/saving them in the `setting` table."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from sqlalchemy import select

from breakthrough.access.scope import OPEN, Scope, require
from breakthrough.store.models import Setting

EXAMPLE_RATES = {"USD": 1.0, "EUR": 1.08, "GBP": 1.27}  # built-in examples, flagged until the user sets rates


@dataclass(frozen=True)
class Settings:
    fiscal_year_start_month: int = 1
    holiday_country: str | None = "US"
    coverage_policy: str = "derived"  # "derived" (1 / win rate) or "fixed"
    fixed_coverage: float = 3.0
    on_track_threshold: float = 1.0  # ratio at or above: on track
    at_risk_threshold: float = 0.8  # ratio at or above (and below on track): at risk
    lookback_days: int = 180
    shrinkage_k: float = 10.0
    low_confidence_trials: int = 5
    calls_per_week_standard: float | None = None
    meetings_per_week_standard: float | None = None
    opportunities_per_week_standard: float | None = None
    reporting_currency: str = "USD"
    currency_rates: dict[str, float] = field(default_factory=lambda: dict(EXAMPLE_RATES))
    rates_confirmed: bool = False  # the user said on the Settings page that these rates are theirs, not examples
    # coaching (docs/coaching.md)
    cadence_one_on_one: int = 4
    cadence_joint_call: int = 2
    cadence_pipeline_review: int = 2
    coaching_hours_target: float = 3.0
    debrief_window_days: int = 2
    # talent (docs/metrics.md#persistent-shortfall)
    shortfall_period: str = "quarter"  # "month" | "quarter": the periods a persistent shortfall counts
    rubric_weights: dict[str, float] = field(
        default_factory=lambda: {
            "preparation": 1.0,
            "diagnosis": 1.0,
            "focus": 1.0,
            "accountability": 1.0,
            "follow_through": 1.0,
            "development": 1.0,
        }
    )

    # the manager's week (docs/coaching.md#one-on-one-prep, #the-weekly-digest)
    prep_questions: dict[str, list[str]] = field(default_factory=dict)  # driver or rubric dimension -> own questions
    app_base_url: str = "http://localhost:8501"  # the dashboard's address, for the digest's links

    def rate(self, currency: str) -> float | None:
        """Value of one unit of `currency` in the reporting currency, or None if unknown."""
        if currency == self.reporting_currency:
            return 1.0
        rates = self.currency_rates
        if currency in rates and self.reporting_currency in rates:
            return rates[currency] / rates[self.reporting_currency]
        return None


FIELDS = {f.name for f in dataclasses.fields(Settings)}


def load(engine) -> Settings:
    """The stored settings, with defaults for anything not stored."""
    with engine.connect() as conn:
        rows = conn.execute(select(Setting.key, Setting.value).where(Setting.key.in_(FIELDS))).all()
    return Settings(**{k: v for k, v in rows})


def save(engine, settings: Settings, scope: Scope = OPEN, via: str = "app") -> None:
    """Store every setting that differs from its default; bump the data version. The audit log gets the
    changed settings' old and new values in the same transaction (leaders and sales ops:
    `access.NotAllowed` for anyone else, nothing stored)."""
    require(scope, "settings")
    from breakthrough.store import audit
    from breakthrough.store.db import bump_data_version

    values = dataclasses.asdict(settings)
    with engine.begin() as conn:
        stored = dict(conn.execute(select(Setting.key, Setting.value).where(Setting.key.in_(FIELDS))).all())
        before, after = audit.changed(dataclasses.asdict(Settings(**stored)), values)
        summary = ", ".join(before) if before else "nothing changed"
        audit.record(conn, scope, "settings", "settings", summary, before=before, after=after, via=via)
        conn.execute(Setting.__table__.delete().where(Setting.key.in_(FIELDS)))
        rows = [{"key": k, "value": v} for k, v in values.items()]
        conn.execute(Setting.__table__.insert(), rows)
        bump_data_version(conn)
