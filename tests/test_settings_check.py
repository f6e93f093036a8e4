"""What makes settings unusable (breakthrough.settings_check): each rule's message, and none for the defaults."""

from __future__ import annotations

import dataclasses

import pytest

from breakthrough.settings import Settings
from breakthrough.settings_check import problems

DEFAULTS = Settings()


def test_the_defaults_can_be_saved():
    assert problems(DEFAULTS, {}) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"at_risk_threshold": 1.0, "on_track_threshold": 1.0}, "“At risk” must be below “On track”"),
        ({"at_risk_threshold": 1.1, "on_track_threshold": 1.0}, "lower the at-risk threshold"),
        ({"reporting_currency": "CHF"}, "Reporting currency CHF has no rate in the table: add a row for it."),
        ({"holiday_country": "ZZ"}, "Holiday country:"),
        ({"app_base_url": "breakthrough.example.com"}, "start it with https:// (or http://)"),
        ({"app_base_url": "ftp://breakthrough.example.com"}, "The dashboard's address"),
        ({"rubric_weights": dict.fromkeys(DEFAULTS.rubric_weights, 0.0)}, "every weight is 0"),
    ],
    ids=[
        "equal-thresholds",
        "at-risk-above",
        "currency-without-rate",
        "unknown-country",
        "address-no-scheme",
        "address-other-scheme",
        "no-rubric-weight",
    ],  # fmt: skip
)
def test_each_rule_says_what_to_change(changes, expected):
    found = problems(dataclasses.replace(DEFAULTS, **changes), {})
    assert len(found) == 1 and expected in found[0]


@pytest.mark.parametrize(
    ("changes", "allowed"),
    [
        ({"holiday_country": "GB"}, True),
        ({"holiday_country": None}, True),
        ({"app_base_url": "http://localhost:8501"}, True),
        ({"at_risk_threshold": 0.79, "on_track_threshold": 0.8}, True),
        ({"rubric_weights": {**dict.fromkeys(DEFAULTS.rubric_weights, 0.0), "focus": 0.5}}, True),
    ],
    ids=["known-country", "no-country", "http-address", "at-risk-just-below", "one-weight-left"],
)
def test_what_is_allowed(changes, allowed):
    assert (problems(dataclasses.replace(DEFAULTS, **changes), {}) == []) is allowed


def test_problems_come_in_the_order_of_the_form():
    new = dataclasses.replace(DEFAULTS, at_risk_threshold=1.0, on_track_threshold=0.9, reporting_currency="CHF",
                              app_base_url="example.com")  # fmt: skip
    found = problems(new, {"not_a_key": ["Why?"]})
    assert [f.split(" ")[0] for f in found] == ["“At", "Reporting", "The", "Questions:"]
