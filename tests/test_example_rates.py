"""Amounts converted at the built-in example rates are flagged until the user sets rates (issue #14, item 10).

Domain: `money.rate_check` says which currencies of the data are converted at example rates and which
have no rate. Pages: every page with money shows the notice while it applies; a currency with no rate
stays flagged (and out of every total) whatever the user confirms.

The thin database "deals in other currencies" (tests/conftest.py) holds three won deals in Q4 FY2026 —
Hafen 10,000 EUR (Ann Lee), Thames 5,000 GBP (Bob Stone), Alpen 8,000 CHF (Cara Diaz) — and an open
4,000 CHF deal created on 20 Nov 2026, the as-of date. At the example rates the team has won
10,000 × 1.08 + 5,000 × 1.27 = 10,800 + 6,350 = 17,150 USD; the CHF deals have no rate and are left out.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from breakthrough import settings as settings_store
from breakthrough.formatting import money as money_text
from breakthrough.metrics import money
from breakthrough.settings import EXAMPLE_RATES, Settings
from breakthrough.store.db import make_engine

CONFIG = "deals in other currencies"
EXAMPLE = "Amounts in EUR, GBP are converted at example rates — set your rates in Settings."
NO_RATE = "Amounts in CHF have no exchange rate, so they are left out of every total — add a rate for them in Settings."
MONEY_PAGES = [
    ("pages/overview.py", {}),
    ("pages/rep.py", {"rep": "Ann Lee"}),
    ("pages/coaching.py", {}),
    ("pages/pipeline.py", {}),
    ("pages/settings.py", {}),
]
DEFAULT = Settings()


@pytest.mark.parametrize(
    "currencies, settings, example, missing",
    [
        (["USD"], DEFAULT, (), ()),
        (["USD", "EUR", "GBP", "CHF"], DEFAULT, ("EUR", "GBP"), ("CHF",)),
        (["EUR", "EUR", None], DEFAULT, ("EUR",), ()),
        # the user changed EUR's rate: theirs; GBP is still the example
        (["EUR", "GBP"], dataclasses.replace(DEFAULT, currency_rates={**EXAMPLE_RATES, "EUR": 1.10}), ("GBP",), ()),
        # the user said the rates are theirs: no example, but CHF still has no rate
        (["EUR", "GBP", "CHF"], dataclasses.replace(DEFAULT, rates_confirmed=True), (), ("CHF",)),
        # reporting in EUR at the example rates: the dollars are converted at 1 ÷ 1.08
        (["USD", "EUR"], dataclasses.replace(DEFAULT, reporting_currency="EUR"), ("USD",), ()),
        # a rate the user added for a new currency is theirs
        (["SEK"], dataclasses.replace(DEFAULT, currency_rates={**EXAMPLE_RATES, "SEK": 0.095}), (), ()),
        # the reporting currency without a rate of its own: nothing converts but itself
        (["USD", "EUR"], dataclasses.replace(DEFAULT, reporting_currency="CAD"), (), ("EUR", "USD")),
    ],
)
def test_rate_check_names_example_and_missing_rates(currencies, settings, example, missing):
    found = money.rate_check(currencies, settings)
    assert (found.example, found.missing) == (example, missing)
    assert bool(found) == bool(example or missing)


def test_the_currencies_of_the_data_are_those_of_deals_and_quotas(thin_databases):
    eng = make_engine(thin_databases(CONFIG))
    assert money.data_currencies(eng) == {"EUR", "GBP", "CHF"}
    eng.dispose()
    eng = make_engine(thin_databases("no commitments"))
    assert money.data_currencies(eng) == {"USD"}
    eng.dispose()


def shown(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def warnings(at) -> list[str]:
    return [shown(w.value) for w in at.warning]


@pytest.mark.parametrize("page, params", MONEY_PAGES)
def test_every_money_page_flags_example_rates_and_currencies_without_one(thin_app, page, params):
    at = thin_app(CONFIG, page, **params)
    assert not at.exception and not at.error
    assert EXAMPLE in warnings(at) and NO_RATE in warnings(at)


@pytest.mark.parametrize("page, params", MONEY_PAGES)
def test_data_in_the_reporting_currency_only_has_no_notice(thin_app, page, params):
    at = thin_app("no commitments", page, **params)
    assert not at.exception and not at.error
    assert not [w for w in warnings(at) if "rate" in w], warnings(at)


def test_example_rates_are_still_converted_and_an_unrated_currency_left_out(thin_app):
    at = thin_app(CONFIG)
    won = next(m.value for m in at.metric if m.label == "Won")
    assert won == money_text(10_000 * 1.08 + 5_000 * 1.27, "USD") == "$17,150"


def test_confirming_the_rates_in_settings_clears_the_example_notice_but_not_the_missing_rate(db_url, monkeypatch):
    """On a database of its own: the test writes the settings."""
    from conftest import APP, THIN_CONFIGS, import_thin
    from streamlit.testing.v1 import AppTest

    from breakthrough.store.db import migrate

    eng = make_engine(db_url)
    migrate(eng)
    import_thin(eng, *THIN_CONFIGS[CONFIG])
    monkeypatch.setenv("BREAKTHROUGH_DATABASE_URL", db_url)
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("pages/settings.py").run()
    assert EXAMPLE in warnings(at)
    at.checkbox(key="rates_confirmed").check()
    next(b for b in at.button if b.label == "Save settings").click().run()
    assert not at.exception and not at.error
    assert settings_store.load(eng).rates_confirmed is True
    for page, params in MONEY_PAGES:
        at = AppTest.from_file(APP, default_timeout=120)
        for key, value in params.items():
            at.query_params[key] = value
        at.run().switch_page(page).run()
        assert not at.exception and not at.error
        assert EXAMPLE not in warnings(at) and NO_RATE in warnings(at), (page, warnings(at))
    at = AppTest.from_file(APP, default_timeout=120).run()  # the figures did not change: the same rates, now theirs
    assert next(m.value for m in at.metric if m.label == "Won") == "$17,150"
    eng.dispose()


def test_the_meeting_pack_carries_the_notice(thin_app):
    from components import sharing

    at = thin_app(CONFIG)
    pack = sharing.pack_html(at.session_state[sharing.SHARE_KEY])
    assert "converted at example rates" in pack and "EUR, GBP" in pack and "CHF have no exchange rate" in pack
    at = thin_app("no commitments")
    assert "example rates" not in sharing.pack_html(at.session_state[sharing.SHARE_KEY])
