"""The docs name every page, filter, setting and figure the app shows: a new one fails here until documented."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

from breakthrough.digest import mail as digest_mail
from breakthrough.metrics import drivers, scorecard
from breakthrough.settings import Settings
from components.sections import rep_detail

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def text(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def headings(name: str) -> set[str]:
    return {h.strip().lower() for h in re.findall(r"^#+ (.+)$", text(name), flags=re.M)}


def page_titles() -> list[str]:
    return re.findall(r'st.Page\("pages/\w+\.py", title="([^"]+)"', (ROOT / "app.py").read_text())


def url_parameters() -> list[str]:
    source = (ROOT / "components" / "filters.py").read_text()
    return sorted(set(re.findall(r'key="(\w+)"', source)) | set(re.findall(r'_choice\(\s*"(\w+)"', source)))


# What a column or label on a page is called in docs/metrics.md when the words differ.
FIGURE_HEADINGS = {
    "Gap": "gap",
    "Calls/wk needed": "required calls per week",
    "Meetings/wk needed": "required meetings per week",
    "New opps/wk needed": "required opportunities per week",
    "Calls/wk actual": "actual weekly pace",
    "Meetings/wk actual": "actual weekly pace",
    "New opps/wk actual": "actual weekly pace",
    "Calls pace": "pace ratio",
    "Meetings pace": "pace ratio",
    "New opps pace": "pace ratio",
    "Calls status": "status: on track, at risk, behind",
    "Meetings status": "status: on track, at risk, behind",
    "New opps status": "status: on track, at risk, behind",
    "Coverage needed": "coverage ratio",
    "Coverage status": "status: on track, at risk, behind",
}
NOT_FIGURES = {"rep_id", "Rep", "Team", "Manager"}


def figure_labels() -> list[str]:
    overview = [
        "Quota",
        "Won",
        "Gap",
        "Attainment",
        "Calls/wk needed",
        "Calls/wk actual",
        "Calls pace",
        "Calls status",
        "Meetings/wk needed",
        "Meetings/wk actual",
        "Meetings pace",
        "Meetings status",
        "New opps/wk needed",
        "New opps/wk actual",
        "New opps pace",
        "New opps status",
        "Coverage",
        "Coverage needed",
        "Coverage status",
        "Past-due pipeline",
    ]
    return (
        overview
        + list(rep_detail.RATES.values())
        + [
            "Weeks left",
            "Open pipeline",
            "Required pipeline",
            "Pipeline shortfall",
            "Lever sensitivity",
            "Projected period revenue",
            "Projected gap",
            "Next period's pipeline",
            "Median sales cycle",
            "Elapsed share",
            "As-of date",
            "Sample size and low confidence",
        ]
    )


def test_every_overview_column_is_in_the_checked_list(demo_engine):
    from breakthrough import settings
    from breakthrough.metrics import periods

    cfg = settings.load(demo_engine)
    period = periods.period_containing(dt.date(2026, 11, 27), "quarter", cfg.fiscal_year_start_month)
    card = scorecard.build(demo_engine, cfg, period, dt.date(2026, 11, 27))
    columns = set(scorecard.overview_rows(card, list(card.reps)).columns) - NOT_FIGURES
    assert columns <= set(figure_labels())


@pytest.mark.parametrize("label", figure_labels())
def test_every_figure_has_a_section_in_metrics_doc(label):
    assert FIGURE_HEADINGS.get(label, label).lower() in headings("metrics.md")


TALENT_FIGURES = ("Results pace", "Month of tenure", "Ramp figures per month of tenure", "Pipeline created", "Cohort",
                  "Cohort median and top quartile", "Ramp status", "Persistent shortfall", "What was done",
                  "Hidden by the total")  # fmt: skip


@pytest.mark.parametrize("label", TALENT_FIGURES)
def test_every_talent_figure_has_a_section_in_metrics_doc(label):
    assert label.lower() in headings("metrics.md")


def test_the_talent_page_and_its_setting_are_documented():
    assert "talent" in headings("pages.md") and "Count a persistent shortfall in" in text("pages.md")
    assert "| Count a persistent shortfall in | `shortfall_period` |" in text("settings.md")


@pytest.mark.parametrize("field", [f.name for f in dataclasses.fields(Settings)])
def test_every_setting_is_documented(field):
    assert f"`{field}`" in text("settings.md")


@pytest.mark.parametrize("title", page_titles())
def test_every_page_is_documented(title):
    assert title.lower() in headings("pages.md")


def test_pages_are_found():
    titles = page_titles()
    assert titles[:2] == ["Overview", "Rep"] and titles[-1] == "Settings"


@pytest.mark.parametrize("param", url_parameters())
def test_every_url_parameter_is_documented(param):
    assert f"`{param}`" in text("pages.md")


def test_readme_links_every_doc():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for doc in DOCS.glob("*.md"):
        assert f"docs/{doc.name}" in readme, f"README does not link docs/{doc.name}"


def test_the_architecture_doc_names_every_part():
    """docs/architecture.md walks every sub-package of the domain package and of components."""
    doc = text("architecture.md")
    parts = [p.name for p in (ROOT / "breakthrough").iterdir() if (p / "__init__.py").exists()]
    parts += [p.name for p in (ROOT / "breakthrough" / "importing").iterdir() if (p / "__init__.py").exists()]
    parts += [p.name for p in (ROOT / "components").iterdir() if (p / "__init__.py").exists()]
    assert parts and not [p for p in parts if f"{p}/" not in doc]


# --- the drivers: named in the docs by the label of breakthrough.metrics.drivers -----------------

OLD_DRIVER_LABELS = ("Average deal size", "Sales cycle length", "Activity (calls per week)", "Average won deal")


def test_the_diagnosis_doc_lists_every_driver_by_its_label_in_order():
    section = text("diagnosis.md").split("## The drivers", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| ([^|]+?) \|", section, flags=re.M)[1:]  # after the header
    assert rows == [d.label for d in drivers.TABLE]


@pytest.mark.parametrize(
    "doc, start, keys",
    [
        ("coaching.md", "| Focus driver |", drivers.KEYS),  # the session form's choices
        ("metrics.md", "## Lever sensitivity", drivers.LEVERS),  # the Rep page's levers
        ("diagnosis.md", "## Records behind each driver", drivers.KEYS),
    ],
)
def test_docs_name_the_drivers_by_their_labels(doc, start, keys):
    passage = text(doc).split(start, 1)[1].split("\n## ", 1)[0]
    assert [drivers.label(k) for k in keys if drivers.label(k) not in passage] == []


@pytest.mark.parametrize("old", OLD_DRIVER_LABELS)
def test_no_doc_names_a_driver_by_an_old_label(old):
    assert [doc.name for doc in DOCS.glob("*.md") if old in doc.read_text(encoding="utf-8")] == []


def test_the_audit_log_is_documented_with_every_action():
    from breakthrough.store import audit

    assert "the audit log" in headings("access.md")
    section = text("access.md").split("## The audit log", 1)[1]
    for key, label in audit.ACTIONS.items():
        assert f"| {label} | `{key}` |" in section, f"docs/access.md: the audit log does not list {key}"
    assert "open mode (no sign-in)" in section and "UTC" in section
    assert "python -m breakthrough audit" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "access.md#the-audit-log" in text("importing.md")  # where undo is explained


@pytest.mark.parametrize(
    "key",
    ["coaching_scorecard_cols", "coaching_reps_cols", "coaching_sessions_cols", "rep_timeline_cols", "rep_stages_cols"],
)
def test_every_tables_more_columns_parameter_is_documented(key):
    assert f"`{key}`" in text("pages.md")
    table = key.removesuffix("_cols")
    source = " ".join(
        p.read_text(encoding="utf-8") for p in [*(ROOT / "pages").glob("*.py"), *(ROOT / "components").rglob("*.py")]
    )
    assert f'key="{table}"' in source  # a table that has a picker by that name


def test_the_pages_screenshots_are_there_at_a_projectors_size():
    """docs/pages.md's screenshots: each file there, 1440×900 (tests/test_visual_browser.py takes them)."""
    from PIL import Image

    shots = re.findall(r"!\[[^\]]*\]\((images/[\w-]+\.png)\)", text("pages.md"))
    pages = re.findall(r'st\.Page\("pages/(\w+)\.py"', (ROOT / "app.py").read_text(encoding="utf-8"))
    assert sorted(set(shots)) == sorted({f"images/{page}.png" for page in pages})  # one for every page
    for shot in shots:
        with Image.open(DOCS / shot) as image:
            assert image.size == (1440, 900), shot


def test_an_interrupted_import_is_documented_as_the_data_page_lists_it():
    assert '"interrupted, nothing written"' in (ROOT / "components" / "sections" / "import_batches.py").read_text(
        encoding="utf-8"
    )
    said = " ".join(text("importing.md").split())
    assert "interrupted, nothing written" in said and "upload the file again" in said


# --- who sees what (docs/access.md) ----------------------------------------------------------------

AUTH_SETTINGS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")


def _roles():
    from breakthrough.access.roles import LABELS, ROLES

    return [(role, LABELS[role]) for role in ROLES]


@pytest.mark.parametrize("role, label", _roles())
def test_every_role_is_in_the_roles_table(role, label):
    """Each role has its row (its label, the people file's spelling) in docs/access.md's table."""
    assert re.search(rf"^\| {label} \| `{role}`", text("access.md"), flags=re.M), f"no row for {label}"


def _actions():
    from breakthrough.access.roles import ACTIONS

    return sorted(ACTIONS.items())


@pytest.mark.parametrize("action, words", _actions())
def test_every_write_a_role_may_make_is_documented(action, words):
    assert words in text("access.md"), f"docs/access.md does not say who may {words}"


@pytest.mark.parametrize("setting", AUTH_SETTINGS)
def test_every_sign_in_setting_is_documented(setting):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"{setting} = " in readme, f"README's [auth] block lacks {setting}"
    assert f"`{setting}`" in text("access.md"), f"docs/access.md does not explain {setting}"


def test_the_redirect_url_open_mode_and_shared_links_are_documented():
    doc, readme = text("access.md"), (ROOT / "README.md").read_text(encoding="utf-8")
    for words in ("/oauth2callback", "open mode", "Ask your sales ops to add you", "## Shared links", "narrow"):
        assert words.lower() in doc.lower(), words
    assert "### Deploy for your team" in readme and "/oauth2callback" in readme


def test_the_scope_of_every_figure_the_managers_totals_and_the_command_line_are_documented():
    doc, readme = text("access.md"), (ROOT / "README.md").read_text(encoding="utf-8")
    for words in ("every figure and every list is limited to it", "How totals read for a manager",
                  "and its teams", "command line (no sign-in)", "open mode's rights"):  # fmt: skip
        assert words in doc, f"docs/access.md does not say: {words}"
    assert "command line (no sign-in)" in readme and "open mode's rights" in readme


# Technical terms a leader does not use: on the Settings page they stand in the help text, not in a label.
TECHNICAL = ("shrinkage", "look-back", "trials", "coverage ratio", "rubric", " k")
SIDEBAR_KEYS = {"team", "manager", "rep", "driver", "bench", "period", "kind", "asof", "present", "anon"}  # filters


def settings_inputs(demo_app):
    at = demo_app("pages/settings.py")
    return [w for kind in ("number_input", "radio", "selectbox", "text_input", "checkbox") for w in getattr(at, kind)]


def test_every_settings_label_is_in_plain_words_and_in_the_docs(demo_app):
    table = text("settings.md")
    labels = [w.label for w in settings_inputs(demo_app) if w.key not in SIDEBAR_KEYS]
    assert "Lean on the team's rates for reps with few deals (deals' worth)" in labels
    for label in labels:
        assert not [t for t in TECHNICAL if t in label.lower()], label
    documented = ["Open pipeline a rep needs for the gap", "Same multiple for everyone", "Measure rates over the last"]
    documented += ["Lean on the team's rates for reps with few deals", "Mark a rate unsure when measured on fewer than"]
    for label in documented:
        assert any(label in lab for lab in labels) and f"| {label}" in table, label


def test_the_technical_term_is_in_the_help(demo_app):
    helps = {w.label: w.help or "" for w in settings_inputs(demo_app)}
    assert "shrinkage strength k" in helps["Lean on the team's rates for reps with few deals (deals' worth)"]
    assert "look-back window" in helps["Measure rates over the last (days)"]
    assert "coverage ratio" in helps["Open pipeline a rep needs for the gap"]


# --- the manager's week: the prep sheet and the digest (docs/coaching.md) ----------------------------------


def _digest_flags() -> list[str]:
    from breakthrough import cli

    sub = next(a for a in cli._parser()._actions if a.dest == "command")
    digest = sub.choices["digest"]  # type: ignore[index]
    return sorted(o for a in digest._actions for o in a.option_strings if o not in ("-h", "--help", "--database-url"))


@pytest.mark.parametrize("flag", _digest_flags())
def test_every_digest_flag_is_documented(flag):
    section = text("coaching.md").split("## The weekly digest", 1)[1].split("\n## ", 1)[0]
    assert f"`{flag}" in section


@pytest.mark.parametrize("variable", sorted(digest_mail.ENV.values()))
def test_every_smtp_variable_is_in_the_readme_and_the_coaching_doc(variable):
    assert variable in (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`{variable}`" in text("coaching.md")


def test_the_prep_sheet_and_the_digest_are_explained_for_managers():
    assert {"one-on-one prep", "the weekly digest"} <= headings("coaching.md")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python -m breakthrough digest" in readme and "OnCalendar=" in readme and "0 7 * * 1" in readme
    assert "/one_on_one" in text("coaching.md") and "`prep_manager`" in text("pages.md")


def test_running_more_than_one_app_server_is_documented():
    """Issue #18: how to run two or more servers on one PostgreSQL database, from the README to docs/access.md."""
    doc, readme = text("access.md"), (ROOT / "README.md").read_text(encoding="utf-8")
    assert "### More than one app server" in doc and "docs/access.md#more-than-one-app-server" in readme
    section = doc.split("### More than one app server")[1].split("\n## ")[0]
    for words in ("BREAKTHROUGH_DATABASE_URL", "`cookie_secret`", "session affinity", "WebSocket", "data version",
                  "max_connections", "never run two versions", "one machine only"):  # fmt: skip
        assert words in section, f"docs/access.md's section on more than one app server does not say: {words}"
    assert "BREAKTHROUGH_TEST_POSTGRES" in readme  # the browser test of two servers, and what it needs


def test_every_benchmark_step_is_named_in_the_performance_notes():
    from bench.run import STEPS

    assert [step for step in STEPS if f"`{step}`" not in text("performance.md")] == []
    assert "in the browser" in headings("performance.md")
