"""The Settings page's form: every rule behind the figures, as the user edits it (docs/settings.md)."""

from __future__ import annotations

import calendar
import dataclasses

import pandas as pd
import streamlit as st

from breakthrough.coaching import questions
from breakthrough.coaching.rubric import DIMENSIONS
from breakthrough.settings import Settings
from components.sections.money_notice import rates_notice

MONTHS = list(calendar.month_name)[1:]
RUBRIC_LABELS = {dim: d.label for dim, d in DIMENSIONS.items()}


def form(cfg: Settings, may_change: bool) -> tuple[Settings, dict[str, list[str]]] | None:
    """The settings as edited and the one-on-one questions (key → lines) once Save is clicked; None before."""
    with st.form("settings"):
        st.subheader("Calendar")
        c1, c2 = st.columns(2)
        fy_month = c1.selectbox("Fiscal year starts in", MONTHS, index=cfg.fiscal_year_start_month - 1)
        country = c2.text_input(
            "Public holidays of (country code)",
            value=cfg.holiday_country or "",
            help="Two-letter code such as US, GB, DE, FR. Leave empty for Monday–Friday with no holidays.",
        )
        st.subheader("Pipeline coverage")
        c1, c2 = st.columns(2)
        policy = c1.radio(
            "Open pipeline a rep needs for the gap",
            ["derived", "fixed"],
            index=0 if cfg.coverage_policy == "derived" else 1,
            horizontal=True,
            format_func=lambda p: "from the rep's win rate" if p == "derived" else "the same multiple for everyone",
            help="The coverage ratio. From the win rate: 1 ÷ the rep's win rate (wins a quarter of deals → 4× the gap).",
        )
        fixed = c2.number_input(
            "Same multiple for everyone (× the gap)",
            min_value=1.0,
            max_value=20.0,
            value=float(cfg.fixed_coverage),
            step=0.5,
            help="The fixed coverage ratio, used when every rep needs the same multiple of their gap.",
        )
        st.subheader("Status thresholds")
        c1, c2 = st.columns(2)
        on_track = c1.number_input(
            "On track at or above (% of needed)", 1, 300, int(round(cfg.on_track_threshold * 100))
        )
        at_risk = c2.number_input(
            "At risk at or above (% of needed); below is behind", 1, 300, int(round(cfg.at_risk_threshold * 100))
        )
        st.subheader("Rates")
        c1, c2, c3 = st.columns(3)
        lookback = c1.number_input(
            "Measure rates over the last (days)",
            30,
            730,
            cfg.lookback_days,
            help="The look-back window for conversion rates, deal size and sales cycle.",
        )
        k = c2.number_input(
            "Lean on the team's rates for reps with few deals (deals' worth)",
            0.0,
            100.0,
            float(cfg.shrinkage_k),
            step=1.0,
            help="The shrinkage strength k: how many deals' worth of weight the team's rate gets beside the rep's "
            "own. 0 uses each rep's own rates only.",
        )
        low = c3.number_input(
            "Mark a rate unsure when measured on fewer than",
            1,
            100,
            cfg.low_confidence_trials,
            help="The low-confidence threshold, in trials: deals (or calls, meetings) a rate is measured on.",
        )
        st.subheader("Fixed activity standards per week (0 = none)")
        c1, c2, c3 = st.columns(3)
        calls_std = c1.number_input("Calls", 0.0, 1000.0, float(cfg.calls_per_week_standard or 0))
        meetings_std = c2.number_input("Meetings", 0.0, 200.0, float(cfg.meetings_per_week_standard or 0))
        opps_std = c3.number_input("New opportunities", 0.0, 200.0, float(cfg.opportunities_per_week_standard or 0))
        st.subheader("Money")
        currency = st.text_input("Reporting currency", value=cfg.reporting_currency, max_chars=3)
        rates = st.data_editor(
            pd.DataFrame(
                {"Currency": list(cfg.currency_rates), "Value of one unit": list(cfg.currency_rates.values())}
            ),
            num_rows="dynamic",
            hide_index=True,
            key="rates",
        )
        st.caption(
            "Rates against a common base (for example USD = 1, EUR = 1.08). Deals in a currency not listed are flagged."
        )
        rates_notice()
        confirmed = st.checkbox(
            "These are my rates, not the examples",
            value=cfg.rates_confirmed,
            key="rates_confirmed",
            help="The built-in rates (EUR 1.08, GBP 1.27 against USD 1) are examples: every page with money says so "
            "until you change them or tick this.",
        )
        st.subheader("Coaching")
        c1, c2, c3 = st.columns(3)
        cad_1on1 = c1.number_input("One-on-ones per rep per 4 weeks", 0, 20, cfg.cadence_one_on_one)
        cad_joint = c2.number_input("Joint calls per rep per 4 weeks", 0, 20, cfg.cadence_joint_call)
        cad_pipe = c3.number_input("Pipeline reviews per rep per 4 weeks", 0, 20, cfg.cadence_pipeline_review)
        c1, c2 = st.columns(2)
        hours = c1.number_input(
            "Coaching hours per rep per month", 0.0, 40.0, float(cfg.coaching_hours_target), step=0.5
        )
        debrief = c2.number_input("Debrief within (working days after a joint call)", 0, 10, cfg.debrief_window_days)
        st.caption("How much each part of a session counts in its quality score (the rubric weights; 0 leaves it out).")
        weight_cols = st.columns(len(RUBRIC_LABELS))
        weights = {
            dim: col.number_input(label, 0.0, 10.0, float(cfg.rubric_weights.get(dim, 1.0)), step=0.5)
            for col, (dim, label) in zip(weight_cols, RUBRIC_LABELS.items())
        }
        st.subheader("Talent")
        shortfall_period = st.radio(
            "Count a persistent shortfall in",
            ["quarter", "month"],
            index=0 if cfg.shortfall_period != "month" else 1,
            format_func=lambda kind: {"quarter": "Quarters", "month": "Months"}[kind],
            horizontal=True,
            help="A rep behind pace for two or more of these periods running is listed on the Talent page.",
        )
        st.subheader("The manager's week")
        base_url = st.text_input(
            "The dashboard's address",
            value=cfg.app_base_url,
            help="Where your team opens the dashboard, such as https://breakthrough.example.com: the weekly digest's "
            "links start with it.",
        )
        with st.expander("Questions to ask in a one-on-one (one per line; the prep sheet asks three)"):
            asked = {
                key: st.text_area(questions.label(key), value="\n".join(found), height=110, key=f"questions_{key}")
                for key, found in questions.table(cfg).items()
            }
        saved = st.form_submit_button("Save settings", type="primary", disabled=not may_change)
    if not saved:
        return None
    edited_questions = {key: text.splitlines() for key, text in asked.items()}
    table = rates.dropna()
    new = dataclasses.replace(
        cfg,
        fiscal_year_start_month=MONTHS.index(fy_month) + 1,
        holiday_country=country.strip().upper() or None,
        coverage_policy=policy,
        fixed_coverage=float(fixed),
        on_track_threshold=on_track / 100,
        at_risk_threshold=at_risk / 100,
        lookback_days=int(lookback),
        shrinkage_k=float(k),
        low_confidence_trials=int(low),
        calls_per_week_standard=_optional(calls_std),
        meetings_per_week_standard=_optional(meetings_std),
        opportunities_per_week_standard=_optional(opps_std),
        reporting_currency=currency.strip().upper(),
        currency_rates={
            str(c).strip().upper(): float(v)
            for c, v in zip(table["Currency"], table["Value of one unit"])
            if float(v) > 0
        },
        rates_confirmed=bool(confirmed),
        cadence_one_on_one=int(cad_1on1),
        cadence_joint_call=int(cad_joint),
        cadence_pipeline_review=int(cad_pipe),
        coaching_hours_target=float(hours),
        debrief_window_days=int(debrief),
        rubric_weights={dim: float(w) for dim, w in weights.items()},
        shortfall_period=str(shortfall_period),
        app_base_url=base_url.strip().rstrip("/"),
        prep_questions=questions.own_questions(edited_questions),
    )
    return new, edited_questions


def _optional(value: float) -> float | None:
    return value if value > 0 else None
