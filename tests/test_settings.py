"""Settings (docs/settings.md): defaults, storage in the database, currency conversion."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import insert

from breakthrough import settings
from breakthrough.settings import Settings
from breakthrough.store.db import data_version
from breakthrough.store.models import Setting

DEFAULT_RATES = {"USD": 1.0, "EUR": 1.08, "GBP": 1.27}


def test_empty_database_gives_the_defaults(engine):
    loaded = settings.load(engine)
    assert loaded == Settings()
    assert loaded.fiscal_year_start_month == 1
    assert loaded.reporting_currency == "USD"
    assert loaded.currency_rates == DEFAULT_RATES


CHANGED = [
    pytest.param(Settings(), id="defaults"),
    pytest.param(
        dataclasses.replace(
            Settings(),
            fiscal_year_start_month=4,
            holiday_country="GB",
            currency_rates={"USD": 1.0, "EUR": 1.1, "GBP": 1.25, "JPY": 0.0067},
            rubric_weights={
                "preparation": 1.0,
                "diagnosis": 2.0,
                "focus": 1.5,
                "accountability": 1.0,
                "follow_through": 0.5,
                "development": 0.0,
            },
        ),
        id="fiscal-april-GB-rates-weights",
    ),
    pytest.param(
        dataclasses.replace(
            Settings(),
            holiday_country=None,  # no public holidays
            coverage_policy="fixed",
            fixed_coverage=3.5,
            calls_per_week_standard=60.0,
            meetings_per_week_standard=8.0,
            reporting_currency="EUR",
            lookback_days=90,
            debrief_window_days=1,
        ),
        id="no-holidays-fixed-coverage-standards-EUR",
    ),
]


@pytest.mark.parametrize("changed", CHANGED)
def test_save_then_load_round_trips(engine, changed):
    settings.save(engine, changed)
    assert settings.load(engine) == changed


def test_saving_again_replaces_the_stored_settings(engine):
    settings.save(engine, dataclasses.replace(Settings(), fiscal_year_start_month=4, holiday_country="GB"))
    settings.save(engine, dataclasses.replace(Settings(), fiscal_year_start_month=7))
    loaded = settings.load(engine)
    assert (loaded.fiscal_year_start_month, loaded.holiday_country) == (7, "US")


def test_save_bumps_the_data_version(engine):
    assert data_version(engine) == 0
    settings.save(engine, dataclasses.replace(Settings(), fiscal_year_start_month=4))
    assert data_version(engine) == 1
    settings.save(engine, dataclasses.replace(Settings(), fiscal_year_start_month=10))
    assert data_version(engine) == 2
    assert settings.load(engine).fiscal_year_start_month == 10  # the version row is no setting


def test_settings_not_stored_take_their_defaults(engine):
    with engine.begin() as conn:
        conn.execute(insert(Setting).values(key="lookback_days", value=90))
        conn.execute(insert(Setting).values(key="data_version", value=5))
    assert settings.load(engine) == dataclasses.replace(Settings(), lookback_days=90)


# Value of one unit of `currency` in the reporting currency, worked out by hand from the rates.
@pytest.mark.parametrize(
    ("reporting", "rates", "currency", "expected"),
    [
        ("USD", DEFAULT_RATES, "USD", 1.0),
        ("USD", DEFAULT_RATES, "EUR", 1.08),
        ("USD", DEFAULT_RATES, "GBP", 1.27),
        ("EUR", DEFAULT_RATES, "USD", 1 / 1.08),  # 0.9259...
        ("EUR", DEFAULT_RATES, "EUR", 1.0),
        ("EUR", DEFAULT_RATES, "GBP", 1.27 / 1.08),  # 1.1759...
        ("USD", DEFAULT_RATES, "CHF", None),  # no rate: unknown, not 0 and not 1
        ("CHF", DEFAULT_RATES, "USD", None),  # reporting currency without a rate
        ("CHF", DEFAULT_RATES, "CHF", 1.0),  # the reporting currency itself needs no rate
        ("USD", {"USD": 1.0, "JPY": 0.0067}, "JPY", 0.0067),
    ],
)
def test_rate(reporting, rates, currency, expected):
    rate = Settings(reporting_currency=reporting, currency_rates=rates).rate(currency)
    if expected is None:
        assert rate is None
    else:
        assert rate == pytest.approx(expected, rel=1e-12)


def test_a_converted_amount_matches_the_hand_worked_figure():
    eur = Settings(reporting_currency="EUR")
    assert 10_800 * eur.rate("USD") == pytest.approx(10_000.0)
    assert 10_000 * Settings().rate("EUR") == pytest.approx(10_800.0)
